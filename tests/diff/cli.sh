#!/usr/bin/env bash
# The command line of `modelgen diff`: options, exit statuses, -o, and nothing written on
# error. Prints TAP.
#   cli.sh MODELGEN DIR
set -u
modelgen=$(realpath "$1")
dir=$(realpath "$2")
. "$dir/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir/cases" || exit 2

expect() {   # description status command...: the command exits with status
    local what=$1 want=$2
    shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"
    local rc=$?
    if [ "$rc" = "$want" ]; then
        pass "$what (exit $want)"
    else
        fail "$what: exit $rc, want $want"
        diag < "$tmp/err"
    fi
}

expect "no arguments" 2 "$modelgen" diff
expect "one schema only" 2 "$modelgen" diff add_field.old.model
expect "three schemas" 2 "$modelgen" diff add_field.old.model add_field.new.model add_field.new.model
expect "an unknown dialect" 2 "$modelgen" diff add_field.old.model add_field.new.model --dialect mysql
expect "an unknown option" 2 "$modelgen" diff add_field.old.model add_field.new.model --force
expect "-o without a file" 2 "$modelgen" diff add_field.old.model add_field.new.model -o
expect "a missing schema" 2 "$modelgen" diff add_field.old.model "$tmp/missing.model"
printf 'model User {\n  email text unique\n  belongs_to team: Nope?\n}\n' > "$tmp/bad.model"
expect "a schema with errors" 1 "$modelgen" diff add_field.old.model "$tmp/bad.model"
if grep -q "bad.model:3:.*error: unknown model 'Nope'" "$tmp/err" && ! [ -s "$tmp/out" ]; then
    pass "... its errors are reported, and nothing is printed"
else
    fail "... its errors are reported, and nothing is printed"
    diag < "$tmp/err"
fi
expect "--dialect=postgres" 0 "$modelgen" diff add_field.old.model add_field.new.model --dialect=postgres
cmp -s "$tmp/out" add_field.postgres.sql && pass "... prints the PostgreSQL migration" ||
    fail "... prints the PostgreSQL migration"
expect "SQLite is the default" 0 "$modelgen" diff add_field.old.model add_field.new.model
cmp -s "$tmp/out" add_field.sqlite.sql && pass "... prints the SQLite migration" ||
    fail "... prints the SQLite migration"

expect "-o FILE" 0 "$modelgen" diff combined.old.model combined.new.model -o "$tmp/sub/m.sql"
if cmp -s "$tmp/sub/m.sql" combined.sqlite.sql && ! [ -s "$tmp/out" ] &&
   [ "$(ls -A "$tmp/sub")" = m.sql ]; then
    pass "... writes the migration there (its directory created), nothing else"
else
    fail "... writes the migration there (its directory created), nothing else"
fi
echo "old content" > "$tmp/refused.sql"
expect "a refused diff with -o" 1 "$modelgen" diff drop_field.old.model drop_field.new.model -o "$tmp/refused.sql"
if [ "$(cat "$tmp/refused.sql")" = "old content" ] && [ "$(ls -A "$tmp" | grep -c refused)" = 1 ]; then
    pass "... leaves the file as it was, and no temporary file behind"
else
    fail "... leaves the file as it was, and no temporary file behind"
fi
expect "the same diff with --allow-data-loss" 0 "$modelgen" diff drop_field.old.model drop_field.new.model -o "$tmp/refused.sql" --allow-data-loss
cmp -s "$tmp/refused.sql" drop_field.sqlite.sql && pass "... replaces the file" || fail "... replaces the file"

# Byte-for-byte the same from another directory, time zone and heap layout.
(cd / && TZ=Asia/Tokyo MALLOC_PERTURB_=165 "$modelgen" diff "$dir/cases/combined.old.model" \
    "$dir/cases/combined.new.model" --dialect postgres) > "$tmp/elsewhere.sql" 2> "$tmp/err"
cmp -s "$tmp/elsewhere.sql" combined.postgres.sql && pass "deterministic: the same bytes from elsewhere" ||
    fail "deterministic: the same bytes from elsewhere"
tap_done
