#!/usr/bin/env bash
# Golden tests for `modelgen diff`, printing TAP.
#   golden.sh MODELGEN DIR            run every pair in DIR/cases and compare
#   golden.sh MODELGEN DIR --update   rewrite the expected files instead (review the diff!)
#
# A pair is cases/NAME.old.model and cases/NAME.new.model. Next to it:
#   NAME.sqlite.sql, NAME.postgres.sql   the migration, for each dialect
#   NAME.err                             the diagnostics when the diff is refused: exit 1,
#                                        nothing on stdout. The .sql files are then the
#                                        output with --allow-data-loss; without them the
#                                        diff must be refused with it too.
set -u
modelgen=$(realpath "$1")
dir=$(realpath "$2")
update=${3:-}
. "$dir/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir/cases" || exit 2

compare() {   # description expected actual
    if [ "$update" = --update ]; then
        cp "$3" "$2"
    fi
    if diff -u "$2" "$3" > "$tmp/diff" 2>&1; then
        pass "$1"
    else
        fail "$1: differs from $2"
        diag < "$tmp/diff"
    fi
}

run() {   # name args...: runs modelgen diff on the pair; sets rc
    local name=$1
    shift
    "$modelgen" diff "$name.old.model" "$name.new.model" "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
}

for old in *.old.model; do
    name=${old%.old.model}
    refused=false
    if [ "$update" = --update ]; then
        run "$name"
        if [ "$rc" = 1 ]; then
            cp "$tmp/err" "$name.err"
        else
            rm -f "$name.err"
        fi
    fi
    flags=()
    if [ -e "$name.err" ]; then
        refused=true
        flags=(--allow-data-loss)
        run "$name"
        if [ "$rc" = 1 ] && ! [ -s "$tmp/out" ]; then
            pass "$name: refused (exit 1, nothing on stdout)"
        else
            fail "$name: refused (exit 1, nothing on stdout), got exit $rc"
            diag < "$tmp/err"
        fi
        compare "$name: the refusal's diagnostics" "$name.err" "$tmp/err"
    fi
    for dialect in sqlite postgres; do
        run "$name" --dialect "$dialect" "${flags[@]}"
        if [ "$update" = --update ]; then
            if [ "$rc" = 0 ]; then cp "$tmp/out" "$name.$dialect.sql"; else rm -f "$name.$dialect.sql"; fi
        fi
        if $refused && ! [ -e "$name.$dialect.sql" ]; then
            if [ "$rc" = 1 ] && ! [ -s "$tmp/out" ]; then
                pass "$name: $dialect: refused even with --allow-data-loss"
            else
                fail "$name: $dialect: refused even with --allow-data-loss, got exit $rc"
            fi
            continue
        fi
        if [ "$rc" != 0 ]; then
            fail "$name: $dialect: exit $rc"
            diag < "$tmp/err"
            continue
        fi
        compare "$name: $dialect${flags:+ --allow-data-loss}" "$name.$dialect.sql" "$tmp/out"
    done
done

# An expected file whose pair is gone would never be checked again.
for f in *.sql *.err *.seed.sql *.check.sql *.check.out; do
    [ -e "$f" ] || continue
    stem=${f%%.*}
    [ -e "$stem.old.model" ] && [ -e "$stem.new.model" ] || fail "$f has no $stem.old.model and $stem.new.model"
done
tap_done
