#!/usr/bin/env bash
# `modelgen check --db` against the PostgreSQL server of tests/pg/with-postgres.sh, under
# which it runs. Prints TAP.
#   pg_check.sh MODELGEN SOURCE_ROOT            check
#   pg_check.sh MODELGEN SOURCE_ROOT --update   rewrite postgres/*.err (review the diff!)
# Every query of every good test schema (tests/queries/*.model, tests/frontend/good/*.model)
# must prepare on the server with the types modelgen decided (exit 0); each
# tests/queries/postgres/NAME.model must exit 1 and print exactly NAME.err; a server that
# cannot be reached is exit 2.
set -u
modelgen=$(realpath "$1")
root=$(realpath "$2")
update=${3:-}
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${PGPORT:-}" ]; then
    echo "Bail out! run me under tests/pg/with-postgres.sh"
    exit 1
fi
uri="postgresql://$PGUSER@$PGHOST:$PGPORT/$PGDATABASE"

result() {  # name pass [details-file]
    n=$((n + 1))
    if [ "$2" = 1 ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        [ -n "${3:-}" ] && sed 's/^/#   /' "$3"
        failed=$((failed + 1))
    fi
}

for f in "$root"/tests/queries/*.model "$root"/tests/frontend/good/*.model; do
    name=${f#"$root"/}
    (cd "$(dirname "$f")" && NO_COLOR=1 "$modelgen" check "$(basename "$f")" --db "$uri") \
        > "$tmp/out" 2>&1
    rc=$?
    result "$name: every query prepares on PostgreSQL with the types modelgen decided" \
        "$([ $rc = 0 ] && echo 1 || echo 0)" "$tmp/out"
done

cd "$root/tests/queries/postgres" || exit 2
for f in *.model; do
    name=${f%.model}
    NO_COLOR=1 "$modelgen" check "$f" --db "$uri" > "$tmp/out" 2>&1
    rc=$?
    [ "$update" = --update ] && cp "$tmp/out" "$name.err"
    if [ $rc != 1 ]; then
        echo "exit status $rc, want 1" >> "$tmp/out"
        result "postgres/$f: refused on PostgreSQL" 0 "$tmp/out"
    elif ! diff -u "$name.err" "$tmp/out" > "$tmp/diff"; then
        result "postgres/$f: the diagnostics" 0 "$tmp/diff"
    else
        result "postgres/$f: refused on PostgreSQL, at each query" 1
    fi
done

# a server that cannot be reached: exit 2, with the reason
"$modelgen" check engines_differ.model --db "postgresql://$PGUSER@127.0.0.1:1/none" \
    > "$tmp/out" 2>&1
rc=$?
result "an unreachable server: exit 2 ($rc)" "$([ $rc = 2 ] && grep -q 'cannot connect' "$tmp/out" && echo 1 || echo 0)" "$tmp/out"
echo "1..$n"
[ "$failed" -eq 0 ]
