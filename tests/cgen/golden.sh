#!/usr/bin/env bash
# Golden files of the generated C: for each golden/NAME.h, generates schemas/NAME.model
# and compares the header, and the source without its migration block (the DDL is
# sql.c's, and tested by tests/sql), byte for byte. Prints TAP.
#
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

strip_migration() {
    sed '/^\/\* -- migration -- \*\/$/,/^\/\* -- end migration -- \*\/$/d' "$1"
}

for golden in "$here"/golden/*.h; do
    name=$(basename "$golden" .h)
    "$modelgen" "$here/schemas/$name.model" -o "$tmp/$name" 2> /dev/null
    strip_migration "$tmp/$name/$name.c" > "$tmp/$name/$name.c.stripped"
    for kind in h c; do
        want=$here/golden/$name.$kind
        got=$tmp/$name/$name.$kind
        [ "$kind" = c ] && got=$got.stripped
        n=$((n + 1))
        if [ "$update" = --update ]; then
            cp "$got" "$want"
            echo "ok $n - updated $name.$kind"
        elif diff -u "$want" "$got" > "$tmp/diff"; then
            echo "ok $n - $name.$kind matches its golden file"
        else
            echo "not ok $n - $name.$kind differs from its golden file"
            sed 's/^/# /' "$tmp/diff"
            failed=$((failed + 1))
        fi
    done
done
echo "1..$n"
[ "$failed" -eq 0 ]
