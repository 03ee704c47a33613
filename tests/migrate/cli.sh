#!/usr/bin/env bash
# modelgen migrate SCHEMA --dir DIR, and modelgen SCHEMA -o OUT --migrations DIR: what is
# written and when, refusals (nothing written), exit statuses, determinism. Prints TAP.
#
#   cli.sh MODELGEN SCHEMA.model
set -u
modelgen=$(realpath "$1")
fixture=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
n=0
failed=0

check() {   # description, then a command that must succeed
    local what=$1
    shift
    n=$((n + 1))
    if "$@" > "$tmp/log.txt" 2>&1; then
        echo "ok $n - $what"
    else
        echo "not ok $n - $what"
        sed "s/^/#   /" "$tmp/log.txt" | head -20
        failed=$((failed + 1))
    fi
}

run() {   # want-status, then the modelgen arguments; keeps stdout and stderr
    local want=$1
    shift
    "$modelgen" "$@" > "$tmp/stdout.txt" 2> "$tmp/stderr.txt"
    local got=$?
    [ "$got" -eq "$want" ] || {
        echo "exit $got, want $want"
        cat "$tmp/stdout.txt" "$tmp/stderr.txt"
        return 1
    }
}

# The names and contents of every file under a directory (hidden ones included), to prove
# that a command wrote nothing.
state() {
    if [ -d "$1" ]; then
        (cd "$1" && find . -type f | LC_ALL=C sort | xargs -r md5sum)
    else
        echo "no directory $1"
    fi
}

unchanged() {   # DIR BEFORE-STATE-FILE
    state "$1" | diff "$2" -
}

files_are() {   # DIR, then the file names it must hold, sorted
    local dir=$1
    shift
    diff <(printf '%s\n' "$@") <(cd "$dir" && LC_ALL=C ls -A)
}

in_stdout() { grep -q -- "$1" "$tmp/stdout.txt" || { cat "$tmp/stdout.txt"; return 1; }; }
in_stderr() { grep -q -- "$1" "$tmp/stderr.txt" || { cat "$tmp/stderr.txt"; return 1; }; }

mkdir s
cp "$fixture" s/app.model

# ---- the first migration ----

check "migrate on a missing directory exits 0" run 0 migrate s/app.model --dir m
check "and writes 0001_initial: SQLite, PostgreSQL and the snapshot" \
    files_are m 0001_initial.model 0001_initial.postgres.sql 0001_initial.sqlite.sql
check "naming each file on stdout" \
    bash -c "grep -c '^wrote m/0001_initial\\.' '$tmp/stdout.txt' | grep -qx 3"
check "the snapshot is a byte copy of the schema" cmp m/0001_initial.model s/app.model
"$modelgen" s/app.model -o plain > /dev/null 2>&1
check "0001's SQL is the schema from empty (SQLite)" cmp m/0001_initial.sqlite.sql plain/app.sqlite.sql
check "0001's SQL is the schema from empty (PostgreSQL)" \
    cmp m/0001_initial.postgres.sql plain/app.postgres.sql
mkdir empty
check "an empty directory gets 0001 too" run 0 migrate s/app.model --dir empty
check "the same bytes (deterministic)" diff -r m empty

state m > before.txt
check "migrating an unchanged schema exits 0" run 0 migrate s/app.model --dir m
check "and says nothing changed" in_stdout "no change"
check "and writes nothing" unchanged m before.txt

# ---- refusals that need no diff ----

check "migrate without --dir is a usage error (2)" run 2 migrate s/app.model
check "migrate without a schema is a usage error (2)" run 2 migrate --dir m
check "an unknown option is a usage error (2)" run 2 migrate s/app.model --dir m --frob
check "--dir=DIR works too" run 0 migrate s/app.model --dir=m
printf 'model User {\n  name strng\n}\n' > bad.model
check "a schema with errors: exit 1" run 1 migrate bad.model --dir fresh
check "with its diagnostics" in_stderr "bad.model:2:"
check "and nothing written (no directory)" test ! -e fresh
echo x > afile
check "--dir naming a file: I/O error (2)" run 2 migrate s/app.model --dir afile

# malformed directories: exit 1, nothing written
mkdir gap && cp m/* gap/ && for f in m/0001_initial.*; do cp "$f" "gap/0003${f#m/0001}"; done
state gap > before.txt
check "a gap in the numbers is refused (1)" run 1 migrate s/app.model --dir gap
check "naming the missing number" in_stderr "no migration 0002"
check "and nothing is written" unchanged gap before.txt
mkdir dup && cp m/* dup/ && for f in m/0001_initial.*; do cp "$f" "dup/0001_other${f#m/0001_initial}"; done
check "two migrations with one number are refused (1)" run 1 migrate s/app.model --dir dup
check "naming both" in_stderr "0001_initial' and '0001_other"
mkdir nosnap && cp m/0001_initial.*.sql nosnap/
check "a last migration without its snapshot is refused (1)" run 1 migrate s/app.model --dir nosnap
check "naming the file" in_stderr "nosnap/0001_initial.model: missing"
mkdir badsnap && cp m/0001_initial.*.sql badsnap/ && cp bad.model badsnap/0001_initial.model
state badsnap > before.txt
check "a snapshot that does not compile is refused (1)" run 1 migrate s/app.model --dir badsnap
check "saying so" in_stderr "snapshot 'badsnap/0001_initial.model' does not compile"
check "and nothing is written" unchanged badsnap before.txt
mkdir other && cp -r m/* other/ && touch other/README.md other/notes.txt
check "files that are not migrations are ignored" run 0 migrate s/app.model --dir other

# ---- generating the C code from the directory ----

check "-o --migrations with an up-to-date directory exits 0" run 0 s/app.model -o out --migrations m
check "the source embeds migration 1 for SQLite" grep -q '^static const char \*const app_migration_1_sqlite\[\] = {$' out/app.c
check "and for PostgreSQL" grep -q '^static const char \*const app_migration_1_postgres\[\] = {$' out/app.c
check "the header documents the history" grep -q 'each migration embedded in this code' out/app.h
above_migration() { sed '/^\/\* -- migration -- \*\/$/,$d' "$1"; }
check "the C code has the accessors of the plain generation" \
    cmp <(above_migration out/app.c) <(above_migration plain/app.c)
check "and the same SQL files" cmp out/app.sqlite.sql plain/app.sqlite.sql
check "--check --migrations on those files exits 0" run 0 s/app.model -o out --migrations m --check
check "-o --migrations on a missing directory is refused (1)" run 1 s/app.model -o out2 --migrations nowhere
check "telling to run migrate" in_stderr "run modelgen migrate"
check "and writing nothing" test ! -e out2
mkdir empty2
check "-o --migrations on an empty directory is refused (1)" run 1 s/app.model -o out2 --migrations empty2
mkdir badsql && cp m/* badsql/ && sed -i '/^BEGIN;$/d' badsql/0001_initial.sqlite.sql
check "a migration without BEGIN; is refused (1)" run 1 s/app.model -o out2 --migrations badsql
check "at its file" in_stderr "badsql/0001_initial.sqlite.sql:"
check "and nothing is written" test ! -e out2
mkdir inner && cp m/* inner/ && sed -i 's/^COMMIT;$/PRAGMA foreign_keys = OFF;\nCOMMIT;/' inner/0001_initial.sqlite.sql
check "a PRAGMA foreign_keys inside the transaction is refused (1)" run 1 s/app.model -o out2 --migrations inner
check "saying why" in_stderr "does nothing inside a transaction"
check "--migrations without a directory is a usage error (2)" run 2 s/app.model -o out2 --migrations

# ---- changes ----

sed 's/^\(  name  text\)$/\1\n  bio   text?/' s/app.model > s/app2.model
grep -q 'bio' s/app2.model || echo "Bail out! cannot add a field to the fixture"
cp s/app2.model s/app.model
state m > before.txt
check "after adding a field, -o --migrations refuses the stale directory (1)" \
    run 1 s/app.model -o out3 --migrations m
check "telling to run modelgen migrate first" in_stderr "run modelgen migrate"
check "and writing nothing" test ! -e out3
check "migrate writes the change (exit 0)" run 0 migrate s/app.model --dir m
check "as 0002_add_bio, named from the change" \
    test -f m/0002_add_bio.sqlite.sql -a -f m/0002_add_bio.postgres.sql -a -f m/0002_add_bio.model
check "whose snapshot is a byte copy of the schema" cmp m/0002_add_bio.model s/app.model
check "whose SQLite SQL adds the column" grep -q 'ADD COLUMN bio' m/0002_add_bio.sqlite.sql
check "and which is one transaction" grep -qx 'BEGIN;' m/0002_add_bio.sqlite.sql
check "the old files are untouched" \
    bash -c "grep 0001_initial '$tmp/before.txt' | diff - <(cd m && md5sum ./0001_initial.* )"
check "-o --migrations now accepts the directory" run 0 s/app.model -o out3 --migrations m
check "and embeds both migrations, in both dialects" \
    bash -c "grep -c '^static const char \*const app_migration_[12]_\(sqlite\|postgres\)\[\] = {\$' out3/app.c | grep -qx 4"
cp -r empty again
"$modelgen" migrate s/app.model --dir again > /dev/null 2>&1
check "the second migration's bytes are deterministic" diff -r again m

# destructive: dropping the field again
cp s/app.model s/with_bio.model
grep -v '^  bio   text?$' s/with_bio.model > s/app.model
state m > before.txt
check "a destructive change is refused (1)" run 1 migrate s/app.model --dir m
check "naming the change at its line" in_stderr "error:"
check "and pointing at --allow-data-loss" in_stderr "allow-data-loss"
check "and nothing is written" unchanged m before.txt
check "--allow-data-loss writes it (0)" run 0 migrate s/app.model --dir m --allow-data-loss
check "as migration 0003" bash -c "ls m/0003_*.sqlite.sql m/0003_*.postgres.sql m/0003_*.model"

# impossible: a required field without a default, on a table that has rows
sed 's/^\(  email text unique\)$/\1\n  age   int/' s/app.model > s/required.model
cp s/required.model s/app.model
grep -q 'age' s/app.model || echo "Bail out! cannot add a field to the fixture"
state m > before.txt
check "a change no migration can make is refused (1)" run 1 migrate s/app.model --dir m --allow-data-loss
check "saying why, at its line" in_stderr "app.model:[0-9]*:[0-9]*: error:"
check "and nothing is written, --allow-data-loss or not" unchanged m before.txt

echo "1..$n"
[ "$failed" -eq 0 ]
