#!/usr/bin/env bash
# Deferral changes only the DDL: generates one schema with a belongs_to declared
# `constraint auto`, `deferred`, `immediate` and `none`, checks that the headers are
# byte-identical and the sources too once the migration block is stripped, then runs one
# test program against each (the database enforces the key in all but `none`). Prints TAP.
#
#   modes.sh MODELGEN RUNTIME_DIR SCHEMA.in PROGRAM gcc|clang [plain|sanitize]
set -u
modelgen=$(realpath "$1")
runtime_dir=$(realpath "$2")
schema_in=$(realpath "$3")
program=$(realpath "$4")
family=$5
mode=${6:-plain}
here=$(cd "$(dirname "$0")" && pwd)
tests_dir=$(dirname "$here")
modes=(auto deferred immediate none)

case $family in
gcc) cc=gcc ;;
clang) cc=clang ;;
*) echo "Bail out! unknown compiler family '$family'"; exit 1 ;;
esac
if ! command -v "$cc" > /dev/null; then
    echo "1..0 # SKIP $cc is not installed"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() {   # ok CONDITION-STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

# The source without the block between the migration markers.
strip_migration() {
    sed '/^\/\* -- migration -- \*\/$/,/^\/\* -- end migration -- \*\/$/d' "$1"
}

cflags=(-std=c99 -Wall -Wextra -Wpedantic -Werror -O1)
[ "$mode" = sanitize ] && cflags+=(-g -fsanitize=address,undefined -fno-sanitize-recover=all)
"$cc" "${cflags[@]}" -I "$runtime_dir" -c "$runtime_dir/runtime.c" -o "$tmp/runtime.o"
ok $? "$cc: runtime.c"

# Each variant is a file called modes.model, since the outputs name their schema file.
for m in "${modes[@]}"; do
    mkdir -p "$tmp/$m.in"
    sed "s/MODE/$m/" "$schema_in" > "$tmp/$m.in/modes.model"
    "$modelgen" "$tmp/$m.in/modes.model" -o "$tmp/$m" 2> "$tmp/$m.log"
    ok $? "generate with constraint $m"
done

for m in "${modes[@]:1}"; do
    cmp -s "$tmp/auto/modes.h" "$tmp/$m/modes.h"
    ok $? "the header with constraint $m is byte-identical to auto"
    cmp -s <(strip_migration "$tmp/auto/modes.c") <(strip_migration "$tmp/$m/modes.c")
    ok $? "the source with constraint $m is byte-identical to auto without the migration"
done
for m in "${modes[@]}"; do
    [ "$(tail -n 1 "$tmp/$m/modes.c")" = "/* -- end migration -- */" ] &&
        [ "$(grep -c '^/\* -- migration -- \*/$' "$tmp/$m/modes.c")" -eq 1 ]
    ok $? "constraint $m: one migration block, at the end of the source"
done
# The comparison means something only if the stripped block did differ.
! cmp -s "$tmp/deferred/modes.c" "$tmp/none/modes.c"
ok $? "the migration blocks of deferred and none differ"
grep -q 'DEFERRABLE INITIALLY DEFERRED' "$tmp/deferred/modes.c"
ok $? "deferred: the embedded DDL defers the key"
! grep -q 'REFERENCES authors' "$tmp/none/modes.c"
ok $? "none: the embedded DDL has no constraint on books.author_id"

for m in "${modes[@]}"; do
    enforced=1
    [ "$m" = none ] && enforced=0
    dir=$tmp/$m
    if "$cc" "${cflags[@]}" -DENFORCED=$enforced -I "$dir" -I "$runtime_dir" -I "$tests_dir" \
        "$program" "$dir/modes.c" "$tmp/runtime.o" -lsqlite3 -o "$dir/test" 2> "$dir/cc.log"; then
        (cd "$dir" && ./test) > "$dir/tap.log" 2>&1
        status=$?
        sed 's/^/#   /' "$dir/tap.log"
        passed=$(grep -c '^ok ' "$dir/tap.log")
        ok $status "constraint $m (enforced=$enforced): the program passes ($passed checks)"
    else
        sed 's/^/#   /' "$dir/cc.log"
        ok 1 "constraint $m: the program compiles with $cc"
    fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
