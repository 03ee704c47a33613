#!/usr/bin/env bash
# Golden tests for the SQL and graph generators, printing TAP.
#   golden.sh MODELGEN DIR            regenerate every DIR/golden/NAME.model and compare
#   golden.sh MODELGEN DIR --update   rewrite the expected files instead (review the diff!)
# Next to NAME.model: NAME.sqlite.sql and NAME.postgres.sql (`modelgen NAME.model -o`),
# NAME.dot and NAME.mmd (`modelgen graph --format dot|mermaid`). When Graphviz is
# installed, every .dot must also render.
set -u
modelgen=$(realpath "$1")
dir=$(realpath "$2")
update=${3:-}
. "$dir/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir/golden" || exit 2

compare() {   # name expected actual
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

generate() {   # name command...: runs the command in golden/, output to $tmp/out/
    local name=$1
    shift
    if ! "$@" 2> "$tmp/stderr"; then
        fail "$name: modelgen failed"
        diag < "$tmp/stderr"
        return 1
    fi
}

for model in *.model; do
    name=${model%.model}
    rm -rf "$tmp/out" && mkdir "$tmp/out"
    if generate "$name" "$modelgen" "$model" -o "$tmp/out"; then
        compare "$name: SQLite" "$name.sqlite.sql" "$tmp/out/$name.sqlite.sql"
        compare "$name: PostgreSQL" "$name.postgres.sql" "$tmp/out/$name.postgres.sql"
    fi
    if generate "$name" "$modelgen" graph "$model" --format dot > "$tmp/out/$name.dot"; then
        compare "$name: dot" "$name.dot" "$tmp/out/$name.dot"
        if ! command -v dot > /dev/null; then
            skip "$name: dot renders" "Graphviz is not installed"
        elif dot -Tsvg "$tmp/out/$name.dot" -o /dev/null 2> "$tmp/stderr" && ! [ -s "$tmp/stderr" ]; then
            pass "$name: dot renders without a warning"
        else
            fail "$name: dot does not render cleanly"
            diag < "$tmp/stderr"
        fi
    fi
    if generate "$name" "$modelgen" graph "$model" --format mermaid > "$tmp/out/$name.mmd"; then
        compare "$name: mermaid" "$name.mmd" "$tmp/out/$name.mmd"
    fi
done

# An expected file whose schema is gone would never be checked again.
for f in *.sql *.dot *.mmd; do
    [ -e "$f" ] || continue
    stem=${f%%.*}
    [ -e "$stem.model" ] || fail "$f has no $stem.model"
done
tap_done
