#!/usr/bin/env bash
# The generated NAME_migrate on real database files. Builds migration directories from
# fixtures/ (0001 written by modelgen migrate and 0002..0004 by hand, so that the runtime
# is tested apart from the diff engine; and one written entirely by modelgen migrate),
# generates the C code of each, compiles it strictly with one compiler family (the header
# also as C++), and runs test_migrate.c's scenarios, one process each, against the same
# database files. Prints TAP, renumbering the programs' own.
#
#   runtime.sh MODELGEN RUNTIME_DIR gcc|clang [plain|sanitize|valgrind]
set -u
modelgen=$(realpath "$1")
runtime_dir=$(realpath "$2")
family=$3
mode=${4:-plain}
here=$(cd "$(dirname "$0")" && pwd)
tests_dir=$(dirname "$here")
fixtures=$here/fixtures

case $family in
gcc) cc=gcc cxx=g++ ;;
clang) cc=clang cxx=clang++ ;;
*) echo "Bail out! unknown compiler family '$family'"; exit 1 ;;
esac
for tool in "$cc" "$cxx"; do
    if ! command -v "$tool" > /dev/null; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done
if [ "$mode" = valgrind ] && ! command -v valgrind > /dev/null; then
    echo "1..0 # SKIP valgrind is not installed"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

bail() {
    echo "Bail out! $*"
    exit 1
}

ok() {   # ok STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

# Runs a command quietly; on failure shows its output and bails out.
step() {
    local what=$1
    shift
    if ! "$@" > "$tmp/step.log" 2>&1; then
        sed 's/^/# /' "$tmp/step.log"
        bail "$what failed: $*"
    fi
}

# ---- the migration directories ----

# m3: 0001 (modelgen migrate) .. 0003; unique: m3 + 0004_unique_names; keys: m3 + 0004_lose_users
mkdir -p "$tmp/schema"
cp "$fixtures/app_v1.model" "$tmp/schema/app.model"
step "modelgen migrate (0001)" "$modelgen" migrate "$tmp/schema/app.model" --dir "$tmp/m3"
add() {   # add DIR BASE SNAPSHOT
    cp "$fixtures/$2.sqlite.sql" "$fixtures/$2.postgres.sql" "$1/"
    cp "$fixtures/$3" "$1/$2.model"
}
add "$tmp/m3" 0002_add_bio_and_tags app_v2.model
add "$tmp/m3" 0003_users_name_nullable app_v3.model
cp -r "$tmp/m3" "$tmp/unique"
add "$tmp/unique" 0004_unique_names app_v4_unique.model
cp -r "$tmp/m3" "$tmp/keys"
add "$tmp/keys" 0004_lose_users app_v3.model

# ---- the code ----

warnings=(-Wall -Wextra -Wpedantic -Werror)
cflags=(-std=c99 "${warnings[@]}" -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
case $mode in
plain) cflags+=(-O2) ;;
sanitize) cflags+=(-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all
                   -fno-omit-frame-pointer) ;;
valgrind) cflags+=(-O1 -gdwarf-4) ;;
*) bail "unknown mode '$mode'" ;;
esac
step "$cc: runtime.c" "$cc" "${cflags[@]}" -I "$runtime_dir" -c "$runtime_dir/runtime.c" \
    -o "$tmp/runtime.o"

# build VARIANT VERSION NAMES SCHEMA [--migrations DIR]: generates app.{h,c} into
# $tmp/VARIANT and links test_migrate.c against them as $tmp/VARIANT/test
build() {
    local variant=$1 version=$2 names=$3 schema=$4
    shift 4
    local out=$tmp/$variant
    local includes=(-I "$out" -I "$runtime_dir" -I "$tests_dir")
    step "modelgen ($variant)" "$modelgen" "$schema" --name app -o "$out" "$@"
    printf '#include "app.h"\n' > "$out/header.c"
    printf '#include "app.h"\nint main() { return 0; }\n' > "$out/header.cpp"
    step "$cc: app.h as C99 ($variant)" "$cc" -std=c99 "${warnings[@]}" -fsyntax-only \
        "${includes[@]}" "$out/header.c"
    step "$cxx: app.h as C++ ($variant)" "$cxx" "${warnings[@]}" -fsyntax-only \
        "${includes[@]}" "$out/header.cpp"
    step "$cc: app.c ($variant)" "$cc" "${cflags[@]}" "${includes[@]}" -c "$out/app.c" \
        -o "$out/app.o"
    step "$cc: test_migrate.c ($variant)" "$cc" "${cflags[@]}" "${includes[@]}" \
        -DAPP_VERSION="$version" -DAPP_NAMES="\"$names\"" -c "$here/test_migrate.c" \
        -o "$out/test.o"
    step "$cc: link ($variant)" "$cc" "${cflags[@]}" "$out/test.o" "$out/app.o" \
        "$tmp/runtime.o" -lsqlite3 -o "$out/test"
}
names3=initial,add_bio_and_tags,users_name_nullable
# v1: generated without --migrations (version 1 'initial', the schema from empty)
build v1 1 initial "$fixtures/app_v1.model"
build v3 3 "$names3" "$fixtures/app_v3.model" --migrations "$tmp/m3"
build unique 4 "$names3,unique_names" "$fixtures/app_v4_unique.model" --migrations "$tmp/unique"
build keys 4 "$names3,lose_users" "$fixtures/app_v3.model" --migrations "$tmp/keys"
# engine: 0001..0003 all written by modelgen migrate from the fixture schemas (the diff
# engine's own SQL; the names are its own too)
for v in 1 2 3; do
    cp "$fixtures/app_v$v.model" "$tmp/schema/app.model"
    step "modelgen migrate (app_v$v)" "$modelgen" migrate "$tmp/schema/app.model" \
        --dir "$tmp/engine"
done
engine=$(cd "$tmp/engine" && ls *.sqlite.sql | sed 's/^[0-9]*_\(.*\)\.sqlite\.sql$/\1/' |
    paste -sd, -)
build engine 3 "$engine" "$tmp/schema/app.model" --migrations "$tmp/engine"
ok 0 "generated and compiled 5 generations with $cc ($mode) and $cxx"

# The literals of the embedded SQL stay under C99's limit; the migrations are all there.
longest=$(grep -o '"\([^"\\]\|\\.\)*"' "$tmp/v3/app.c" |
    awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
[ "$longest" -lt 4095 ]
ok $? "every string literal is under 4095 characters (longest: $longest)"
[ "$(grep -c '^static const char \*const app_migration_[0-9]*\[\] = {$' "$tmp/v3/app.c")" -eq 3 ]
ok $? "v3 embeds three migrations"
sed -n '/^static const char \*const app_migration_[0-9]*\[\] = {$/,/^};$/p' "$tmp/v3/app.c" \
    > "$tmp/embedded.txt"
grep -q 'ALTER TABLE users_new RENAME TO users' "$tmp/embedded.txt" &&
    ! grep -qi 'PRAGMA\|BEGIN;\|COMMIT;' "$tmp/embedded.txt"
ok $? "the embedded SQL has none of its files' BEGIN;, COMMIT; or pragma lines"
grep -q '3, "users_name_nullable", "[0-9a-f]\{16\}", true, true,' "$tmp/v3/app.c" &&
    grep -q '2, "add_bio_and_tags", "[0-9a-f]\{16\}", false, false,' "$tmp/v3/app.c"
ok $? "only the rebuild runs with foreign keys off and checked"
# The first migration is the schema from empty either way: same checksum, so a database
# migrated by code generated without --migrations is accepted by code generated with.
sum() { sed -n 's/^ *1, "initial", "\([0-9a-f]\{16\}\)".*/\1/p' "$1"; }
[ -n "$(sum "$tmp/v1/app.c")" ] && [ "$(sum "$tmp/v1/app.c")" = "$(sum "$tmp/v3/app.c")" ]
ok $? "migration 1 has the same checksum with and without --migrations"

# ---- the scenarios ----

case $mode in
sanitize) export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ;;
esac
run_prefix=()
[ "$mode" = valgrind ] && run_prefix=(valgrind -q --error-exitcode=99 --leak-check=full
    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible)

# scenario VARIANT WANT_STATUS ARGS...: runs one program, renumbering its TAP into ours.
scenario() {
    local variant=$1 want=$2
    shift 2
    (cd "$tmp" && "${run_prefix[@]}" "$tmp/$variant/test" "$@") > "$tmp/run.log" 2>&1
    local status=$? before=$failed
    while IFS= read -r line; do
        case $line in
        "ok "*) ok 0 "$variant $1: ${line#* - }" ;;
        "not ok "*) ok 1 "$variant $1: ${line#* - }" ;;
        1..*) ;;
        "Bail out!"*) echo "# $line"; ok 1 "$variant $1: bailed out" ;;
        *) echo "# $line" ;;
        esac
    done < "$tmp/run.log"
    [ "$status" -eq "$want" ]
    ok $? "$variant $*: exit status $status (want $want)"
    return $((failed > before))
}

db=$tmp/app.db
scenario v3 0 fresh "$db"
scenario v1 0 fill "$db"
cp "$db" "$tmp/filled.db"
scenario v3 0 upgrade "$db"
cp "$db" "$tmp/v3.db"
scenario unique 0 fail "$db" MG_CONSTRAINT
cp "$tmp/v3.db" "$db"
scenario keys 0 fail "$db" MG_CONSTRAINT   # from PRAGMA foreign_key_check

# the same, with the migrations modelgen migrate wrote
[ "$(echo "$engine" | tr , '\n' | wc -l)" -eq 3 ]
ok $? "modelgen migrate wrote three migrations: $engine"
grep -qx 'PRAGMA foreign_keys = OFF;' "$tmp/engine/0003_"*.sqlite.sql
ok $? "its 0003 rebuilds users with foreign keys off"
grep -q '^        3, "[^"]*", "[0-9a-f]\{16\}", true, true,$' "$tmp/engine/app.c"
ok $? "and the generated code runs it so, checked"
scenario engine 0 fresh "$db"
cp "$tmp/filled.db" "$db"
scenario engine 0 upgrade "$db"

# killed inside migration 3: the database stays at 2, then migrates
cp "$tmp/filled.db" "$db"
rm -f "$db-journal"
size_before=$(stat -c %s "$db")
scenario v3 137 kill "$db" 2> /dev/null   # 128 + SIGKILL
[ -s "$db-journal" ]
ok $? "the kill left a hot journal: it came mid-transaction"
size_after=$(stat -c %s "$db")
[ "$size_after" -gt $((size_before + 65536)) ]
ok $? "and the database file holds part of the migration's copy ($size_before -> $size_after bytes)"
scenario v3 0 after-kill "$db"

echo "1..$n"
[ "$failed" -eq 0 ]
