#!/usr/bin/env bash
# Golden files of the code generated for named queries: for each golden/NAME.h, generates
# the schema (blog.model here, or tests/frontend/good/NAME.model) and compares what lies
# between the "---- queries ----" markers of the header and of the source, byte for byte.
# Prints TAP.
#   golden.sh MODELGEN            check
#   golden.sh MODELGEN --update   rewrite the golden files (review the diff like code)
set -u
modelgen=$(realpath "$1")
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

queries_part() {
    sed -n '/^\/\* ---- queries ---- \*\/$/,/^\/\* ---- end queries ---- \*\/$/p' "$1"
}

for golden in "$here"/golden/*.h; do
    name=$(basename "$golden" .h)
    schema=$here/$name.model
    [ -f "$schema" ] || schema=$here/../frontend/good/$name.model
    "$modelgen" "$schema" -o "$tmp/$name" 2> "$tmp/$name.log"
    for kind in h c; do
        want=$here/golden/$name.$kind
        queries_part "$tmp/$name/$name.$kind" > "$tmp/$name.$kind.part"
        n=$((n + 1))
        if [ "$update" = --update ]; then
            cp "$tmp/$name.$kind.part" "$want"
            echo "ok $n - updated $name.$kind"
        elif [ ! -s "$tmp/$name.$kind.part" ]; then
            echo "not ok $n - $name.$kind: no queries generated"
            sed 's/^/# /' "$tmp/$name.log"
            failed=$((failed + 1))
        elif diff -u "$want" "$tmp/$name.$kind.part" > "$tmp/diff"; then
            echo "ok $n - the queries of $name.$kind match their golden file"
        else
            echo "not ok $n - the queries of $name.$kind differ from their golden file"
            sed 's/^/# /' "$tmp/diff"
            failed=$((failed + 1))
        fi
    done
done
echo "1..$n"
[ "$failed" -eq 0 ]
