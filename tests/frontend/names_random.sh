#!/usr/bin/env bash
# names_random.sh MODELGEN CC ROOT [COUNT [SEED]]: random schemas whose names come close
# to one another (names_random.awk). modelgen must refuse each with exit 1 and a
# diagnostic, or generate code that compiles with -Wall -Wextra -Wpedantic -Werror (and a
# header that does as C++, with g++ when there is one); never anything else. Prints TAP, a
# line per schema; some of them must generate.
set -u
modelgen=$1 cc=$2 root=$3 count=${4:-150} seed=${5:-1}
here=$(dirname "$0")
cxx=$(command -v g++ || true)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0 generated=0
for ((i = 0; i < count; i++)); do
    s=$((seed * 100000 + i))
    d=$tmp/$i
    mkdir -p "$d"
    awk -v seed="$s" -v out="$d/names.model" -f "$here/names_random.awk"
    n=$((n + 1))
    "$modelgen" "$d/names.model" -o "$d/out" > "$d/gen.out" 2> "$d/gen.err"
    rc=$?
    if [ "$rc" = 1 ] && grep -q 'error:' "$d/gen.err" && [ ! -e "$d/out/names.c" ]; then
        echo "ok $n - seed $s: refused ($(grep -m1 -o 'error: .*' "$d/gen.err" | cut -c8-70))"
    elif [ "$rc" = 0 ] && "$cc" -std=c99 -Wall -Wextra -Wpedantic -Werror -c \
            -I "$root/runtime" -I "$d/out" "$d/out/names.c" -o "$d/names.o" 2> "$d/cc.err" &&
         { [ -z "$cxx" ] || { echo '#include "names.h"' > "$d/h.cpp" &&
           "$cxx" -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I "$root/runtime" \
               -I "$d/out" "$d/h.cpp" 2>> "$d/cc.err"; }; }; then
        echo "ok $n - seed $s: generated, and the code compiles"
        generated=$((generated + 1))
    else
        echo "not ok $n - seed $s: modelgen exits $rc, or its code does not compile"
        sed 's/^/#   /' "$d/names.model" "$d/gen.err" "$d/cc.err" 2> /dev/null | head -60
        failed=$((failed + 1))
    fi
done
n=$((n + 1))
if [ "$generated" -lt $((count / 5)) ]; then
    echo "not ok $n - only $generated of $count schemas generated"
    failed=$((failed + 1))
else
    echo "ok $n - $generated of $count schemas generated and compiled"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
