#!/usr/bin/env bash
# c_names.sh MODELGEN TEST_C_NAMES CC ROOT: for every schema of the test tree that
# generates, the file-scope names of the generated code (the symbols the compiled source
# defines, nm; the header's #define and enum constants) must all be names gen/c_names.c
# knows, so that the clashes it refuses are all the clashes there can be (mg_ names are
# the runtime's, which no schema name may start with). Prints TAP.
set -u
modelgen=$1 list=$2 cc=$3 root=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
schemas=$(ls "$root"/tests/cgen/schemas/*.model "$root"/tests/queries/*.model \
              "$root"/examples/*.model 2>/dev/null)
for schema in $schemas; do
    name=$(basename "$schema" .model)
    out=$tmp/$name
    mkdir -p "$out"
    "$modelgen" "$schema" -o "$out" > /dev/null 2>&1 || continue
    prefix=$(basename "$(ls "$out"/*.h)" .h)
    n=$((n + 1))
    if ! "$list" "$schema" "$prefix" > "$out/known" 2> "$out/err" ||
       ! "$cc" -std=c99 -c -I "$root/runtime" -I "$out" "$out/$prefix.c" -o "$out/o.o" \
            2>> "$out/err"; then
        echo "not ok $n - $name: the names could not be listed or the code compiled"
        sed 's/^/#   /' "$out/err"
        failed=$((failed + 1))
        continue
    fi
    guard=$(echo "${prefix}_H" | tr a-z A-Z)
    {
        nm --defined-only -P "$out/o.o" | awk '{ print $1 }'
        grep -oE '^#define [A-Za-z_][A-Za-z0-9_]*' "$out/$prefix.h" | awk '{ print $2 }'
        grep -E '^enum [a-z_0-9]+ \{' "$out/$prefix.h" | sed 's/^[^{]*{//; s/}.*//' |
            tr ',' '\n' | sed 's/=.*//; s/ //g'
    } | grep -v -x -e "$guard" -e '' | grep -v -E "^(${prefix}_migration_[0-9]|mg_)" |
        sort -u > "$out/generated"
    sort -u "$out/known" > "$out/known.sorted"
    missing=$(comm -23 "$out/generated" "$out/known.sorted")
    count=$(wc -l < "$out/generated")
    if [ -n "$missing" ]; then
        echo "not ok $n - $name: generated names c_names.c does not know"
        echo "$missing" | sed 's/^/#   /'
        failed=$((failed + 1))
    elif [ "$count" -lt 20 ]; then
        echo "not ok $n - $name: only $count names were read off the generated code"
        failed=$((failed + 1))
    else
        echo "ok $n - $name: all $count generated names are known"
    fi
done
if [ "$n" -lt 10 ]; then
    n=$((n + 1))
    echo "not ok $n - only $((n - 1)) schemas generated"
    failed=$((failed + 1))
fi
echo "1..$n"
[ "$failed" -eq 0 ]
