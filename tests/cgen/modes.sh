#!/usr/bin/env bash
# Deferral changes only the DDL: generates one schema with a belongs_to declared
# `constraint auto`, `deferred`, `immediate` and `none`, checks that the headers are
# byte-identical and the sources too once the migration block is stripped, then runs one
# test program against each (the database enforces the key in all but `none`; it defers
# it where both dialects' DDL say DEFERRABLE) on one engine. Prints TAP.
#
#   [ENGINE=sqlite|postgres] modes.sh MODELGEN RUNTIME_DIR SCHEMA.in PROGRAM gcc|clang \
#       [plain|sanitize]
#
# ENGINE=postgres: under tests/pg/with-postgres.sh, as for run.sh.
set -u
modelgen=$(realpath "$1")
runtime_dir=$(realpath "$2")
schema_in=$(realpath "$3")
program=$(realpath "$4")
family=$5
mode=${6:-plain}
engine=${ENGINE:-sqlite}
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

pq_cflags=() pq_libs=()
if pkg-config --exists libpq 2> /dev/null; then
    read -r -a pq_cflags <<< "$(pkg-config --cflags libpq) -DTEST_WITH_LIBPQ"
    read -r -a pq_libs <<< "$(pkg-config --libs libpq)"
fi
runtime_sources=(core.c sqlite.c)
core_defines=()
if [ -f "$runtime_dir/postgres.c" ] && [ ${#pq_libs[@]} -gt 0 ]; then
    runtime_sources+=(postgres.c)
    core_defines=(-DMG_WITH_POSTGRES)
fi
case $engine in
sqlite) ;;
postgres)
    if [ ! -f "$runtime_dir/postgres.c" ]; then
        echo "1..0 # SKIP the runtime has no postgres.c yet"
        exit 0
    fi
    if [ ${#pq_libs[@]} -eq 0 ]; then
        echo "1..0 # SKIP libpq is not installed (pkg-config libpq)"
        exit 0
    fi
    if [ -z "${PGPORT:-}" ]; then
        echo "Bail out! ENGINE=postgres: run me under tests/pg/with-postgres.sh"
        exit 1
    fi
    ;;
*) echo "Bail out! unknown ENGINE '$engine' (sqlite or postgres)"; exit 1 ;;
esac

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
runtime_objects=()
for src in "${runtime_sources[@]}"; do
    defines=(-D_POSIX_C_SOURCE=200809L)
    [ "$src" = core.c ] && defines+=("${core_defines[@]}")
    [ "$src" = postgres.c ] && defines+=("${pq_cflags[@]}")
    "$cc" "${cflags[@]}" "${defines[@]}" -I "$runtime_dir" -c "$runtime_dir/$src" \
        -o "$tmp/rt_${src%.c}.o"
    ok $? "$cc: runtime/$src"
    runtime_objects+=("$tmp/rt_${src%.c}.o")
done

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
# books.author_id's constraint in one dialect's migration: "deferred", "immediate" or
# "none" (no constraint at all).
books_key() {
    local file=$tmp/$1/modes.$2.sql
    if ! grep -q 'FOREIGN KEY (author_id) REFERENCES authors' "$file"; then
        echo none
    elif grep -A 1 'FOREIGN KEY (author_id) REFERENCES authors' "$file" | grep -q DEFERRABLE; then
        echo deferred
    else
        echo immediate
    fi
}
declare -A deferred_in
for m in "${modes[@]}"; do
    lite=$(books_key "$m" sqlite) pg=$(books_key "$m" postgres)
    [ "$lite" = "$pg" ]
    ok $? "constraint $m: books.author_id is $lite on SQLite and $pg on PostgreSQL"
    deferred_in[$m]=0
    [ "$lite" = deferred ] && deferred_in[$m]=1
done
[ "$(books_key deferred sqlite)" = deferred ] && grep -q 'DEFERRABLE INITIALLY DEFERRED' "$tmp/deferred/modes.c"
ok $? "deferred: the embedded DDL defers the key"
[ "$(books_key immediate sqlite)" = immediate ] && [ "$(books_key immediate postgres)" = immediate ]
ok $? "immediate: the key is not deferred"
! grep -q 'REFERENCES authors' "$tmp/none/modes.c" && [ "$(books_key none postgres)" = none ]
ok $? "none: the embedded DDL has no constraint on books.author_id"

export MODELGEN_TEST_ENGINE=$engine
for m in "${modes[@]}"; do
    enforced=1
    [ "$m" = none ] && enforced=0
    dir=$tmp/$m
    if "$cc" "${cflags[@]}" "${pq_cflags[@]}" -DENFORCED=$enforced -DDEFERRED="${deferred_in[$m]}" \
        -I "$dir" -I "$runtime_dir" -I "$tests_dir" "$program" "$dir/modes.c" \
        "${runtime_objects[@]}" -lsqlite3 "${pq_libs[@]}" -o "$dir/test" 2> "$dir/cc.log"; then
        (cd "$dir" && ./test) > "$dir/tap.log" 2>&1
        status=$?
        sed 's/^/#   /' "$dir/tap.log"
        passed=$(grep -c '^ok ' "$dir/tap.log")
        ok $status "constraint $m (enforced=$enforced, deferred=${deferred_in[$m]}): the program passes on $engine ($passed checks)"
    else
        sed 's/^/#   /' "$dir/cc.log"
        ok 1 "constraint $m: the program compiles with $cc"
    fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
