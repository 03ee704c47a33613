#!/usr/bin/env bash
# The generated NAME_migrate on real databases: SQLite files, or (ENGINE=postgres, under
# tests/pg/with-postgres.sh) databases on a PostgreSQL server. Builds migration directories from
# fixtures/ (0001 written by modelgen migrate and 0002..0004 by hand, so that the runtime
# is tested apart from the diff engine; and one written entirely by modelgen migrate),
# generates the C code of each, compiles it strictly with one compiler family (the header
# also as C++), and runs test_migrate.c's scenarios, one process each, against the same
# databases. Prints TAP, renumbering the programs' own.
#
#   [ENGINE=sqlite|postgres] runtime.sh MODELGEN RUNTIME_DIR gcc|clang [plain|sanitize|valgrind]
set -u
modelgen=$(realpath "$1")
runtime_dir=$(realpath "$2")
family=$3
mode=${4:-plain}
db_engine=${ENGINE:-sqlite}
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

# libpq: for the runtime's postgres.c and for the program's checks on PostgreSQL
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
case $db_engine in
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
*) echo "Bail out! unknown ENGINE '$db_engine' (sqlite or postgres)"; exit 1 ;;
esac

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
runtime_objects=()
for src in "${runtime_sources[@]}"; do
    defines=(-D_POSIX_C_SOURCE=200809L)
    [ "$src" = core.c ] && defines+=("${core_defines[@]}")
    [ "$src" = postgres.c ] && defines+=("${pq_cflags[@]}")
    step "$cc: runtime/$src" "$cc" "${cflags[@]}" "${defines[@]}" -I "$runtime_dir" \
        -c "$runtime_dir/$src" -o "$tmp/rt_${src%.c}.o"
    runtime_objects+=("$tmp/rt_${src%.c}.o")
done

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
    step "$cc: test_migrate.c ($variant)" "$cc" "${cflags[@]}" "${pq_cflags[@]}" "${includes[@]}" \
        -DAPP_VERSION="$version" -DAPP_NAMES="\"$names\"" -c "$here/test_migrate.c" \
        -o "$out/test.o"
    step "$cc: link ($variant)" "$cc" "${cflags[@]}" "$out/test.o" "$out/app.o" \
        "${runtime_objects[@]}" -lsqlite3 "${pq_libs[@]}" -o "$out/test"
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
ok 0 "generated and compiled 5 generations with $cc ($mode) and $cxx (runtime: ${runtime_sources[*]})"

# The literals of the embedded SQL stay under C99's limit; the migrations are all there.
longest=$(grep -o '"\([^"\\]\|\\.\)*"' "$tmp/v3/app.c" |
    awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
[ "$longest" -lt 4095 ]
ok $? "every string literal is under 4095 characters (longest: $longest)"
# The embedded migrations, in each dialect (app_migration_N_sqlite, _postgres).
for d in sqlite postgres; do
    [ "$(grep -c "^static const char \*const app_migration_[0-9]*_$d\[\] = {\$" "$tmp/v3/app.c")" -eq 3 ]
    ok $? "v3 embeds three migrations for $d"
    sed -n "/^static const char \*const app_migration_[0-9]*_$d\[\] = {\$/,/^};\$/p" \
        "$tmp/v3/app.c" > "$tmp/embedded.$d.txt"
done
grep -q 'ALTER TABLE users_new RENAME TO users' "$tmp/embedded.sqlite.txt" &&
    ! grep -qi 'PRAGMA\|BEGIN;\|COMMIT;' "$tmp/embedded.sqlite.txt"
ok $? "the embedded SQLite SQL has none of its files' BEGIN;, COMMIT; or pragma lines"
grep -q 'ALTER TABLE users ALTER COLUMN name DROP NOT NULL' "$tmp/embedded.postgres.txt" &&
    grep -q 'ALTER TABLE users ADD COLUMN bio text' "$tmp/embedded.postgres.txt" &&
    ! grep -qi 'BEGIN;\|COMMIT;' "$tmp/embedded.postgres.txt"
ok $? "the embedded PostgreSQL SQL is its files' (0002, 0003), without BEGIN; or COMMIT;"
# field FILE VERSION DIALECT checksum|flags: from app_migrations[], the checksum of one
# migration in one dialect, or its "foreign keys off, checked" pair ("true, true").
field() {
    awk -v v="$2" -v d="$3" -v f="$4" '
        $0 ~ "^ *\\{ \"[0-9a-f]+\", app_migration_" v "_" d ",$" {
            if (f == "checksum") { sub(/^ *\{ "/, ""); sub(/".*/, ""); print; exit }
            getline; getline; sub(/^ */, ""); sub(/ *}.*$/, ""); print; exit
        }' "$1"
}
[ "$(field "$tmp/v3/app.c" 3 sqlite flags)" = "true, true" ] &&
    [ "$(field "$tmp/v3/app.c" 2 sqlite flags)" = "false, false" ] &&
    [ "$(field "$tmp/v3/app.c" 1 sqlite flags)" = "false, false" ]
ok $? "only the rebuild runs with foreign keys off and checked"
all_false=1
for v in 1 2 3; do
    [ "$(field "$tmp/v3/app.c" $v postgres flags)" = "false, false" ] || all_false=0
done
[ $all_false = 1 ]
ok $? "no PostgreSQL migration turns foreign keys off (PostgreSQL has no such pragma)"
# The first migration is the schema from empty either way: same checksums, so a database
# migrated by code generated without --migrations is accepted by code generated with.
for d in sqlite postgres; do
    sum_v1=$(field "$tmp/v1/app.c" 1 $d checksum) sum_v3=$(field "$tmp/v3/app.c" 1 $d checksum)
    [ -n "$sum_v1" ] && [ "$sum_v1" = "$sum_v3" ]
    ok $? "migration 1 has the same $d checksum with and without --migrations ($sum_v1, $sum_v3)"
done
sums=$(for v in 1 2 3; do field "$tmp/v3/app.c" $v postgres checksum; done | sort -u | wc -l)
[ "$sums" -eq 3 ]
ok $? "each PostgreSQL migration has a checksum of its own"

# ---- the scenarios ----

echo "# running the scenarios on $db_engine"
export MODELGEN_TEST_ENGINE=$db_engine

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

# copy_db FROM TO: the database at FROM copied to TO (SQLite: the file; PostgreSQL: a
# database made from the other as its template).
copy_db() {
    if [ "$db_engine" = sqlite ]; then
        cp "$1" "$2"
        ok $? "copy $(basename "$1") to $(basename "$2")"
    else
        scenario v3 0 copy "$1" "$2"
    fi
}

db=$tmp/app.db
scenario v3 0 fresh "$db"
scenario v1 0 fill "$db"
copy_db "$db" "$tmp/filled.db"
scenario v3 0 upgrade "$db"
copy_db "$db" "$tmp/v3.db"
scenario unique 0 fail "$db" MG_CONSTRAINT
copy_db "$tmp/v3.db" "$db"
scenario keys 0 fail "$db" MG_CONSTRAINT   # SQLite: PRAGMA foreign_key_check; PostgreSQL: ADD CONSTRAINT

# the same, with the migrations modelgen migrate wrote
[ "$(echo "$engine" | tr , '\n' | wc -l)" -eq 3 ]
ok $? "modelgen migrate wrote three migrations: $engine"
grep -qx 'PRAGMA foreign_keys = OFF;' "$tmp/engine/0003_"*.sqlite.sql
ok $? "its 0003 rebuilds users with foreign keys off"
[ "$(field "$tmp/engine/app.c" 3 sqlite flags)" = "true, true" ]
ok $? "and the generated code runs it so, checked"
scenario engine 0 fresh "$db"
copy_db "$tmp/filled.db" "$db"
scenario engine 0 upgrade "$db"

# killed inside migration 3: the database stays at 2, then migrates
copy_db "$tmp/filled.db" "$db"
if [ "$db_engine" = sqlite ]; then
    rm -f "$db-journal"
    size_before=$(stat -c %s "$db")
    scenario v3 137 kill "$db" 2> /dev/null   # 128 + SIGKILL
    [ -s "$db-journal" ]
    ok $? "the kill left a hot journal: it came mid-transaction"
    size_after=$(stat -c %s "$db")
    [ "$size_after" -gt $((size_before + 65536)) ]
    ok $? "and the database file holds part of the migration's copy ($size_before -> $size_after bytes)"
else
    eof='unexpected EOF on client connection with an open transaction'
    eofs_before=$(grep -c "$eof" "${MODELGEN_PG_LOG:-/dev/null}")
    scenario v3 137 kill "$db" 2> /dev/null   # 128 + SIGKILL
    for _ in $(seq 50); do   # until the server has seen the connection close
        eofs_after=$(grep -c "$eof" "${MODELGEN_PG_LOG:-/dev/null}")
        [ "$eofs_after" -gt "$eofs_before" ] && break
        sleep 0.1
    done
    [ "$eofs_after" -eq $((eofs_before + 1)) ]
    ok $? "the server logged the kill with its transaction open: it came mid-migration"
fi
scenario v3 0 after-kill "$db"

echo "1..$n"
[ "$failed" -eq 0 ]
