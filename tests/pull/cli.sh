#!/usr/bin/env bash
# modelgen pull's command line: usage errors, databases that cannot be read, -o and
# --has-many; on PostgreSQL, connections that fail without a password in any message.
#
#   cli.sh sqlite|postgres MODELGEN SOURCE_ROOT
set -u
engine=$1 modelgen=$(realpath "$2") root=$(realpath "$3")
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# expect STATUS NAME CMD...: CMD exits STATUS (its stderr in err)
expect() {
    local want=$1 name=$2
    shift 2
    "$@" > out 2> err
    local rc=$?
    if [ "$rc" = "$want" ]; then
        pass "$name"
    else
        fail "$name (exit $rc, not $want)"
        diag < err
    fi
}
has() {
    if grep -Eq -- "$2" "$3"; then pass "$1"; else fail "$1"; diag < "$3"; fi
}

"$modelgen" "$root/examples/users.model" -o gen > /dev/null
if [ "$engine" = sqlite ]; then
    sqlite3 users.db < gen/users.sqlite.sql
    expect 2 "pull without --db is a usage error" "$modelgen" pull
    has "it says what is missing" 'pull needs a database: --db TARGET' err
    expect 2 "an argument besides --db is a usage error" "$modelgen" pull --db users.db users.model
    expect 2 "an unknown option is a usage error" "$modelgen" pull --db users.db --frobnicate
    expect 2 "--db without a value is a usage error" "$modelgen" pull --db
    expect 0 "pull --help" "$modelgen" pull --help
    has "the help lists --db, -o and --has-many" '^  --db TARGET' out
    has "the help lists -o" '^  -o, --output FILE' out
    has "the help lists --has-many" '^  --has-many' out
    expect 2 "a file that does not exist: exit 2" "$modelgen" pull --db missing.db
    has "  and it says so" "cannot open 'missing.db'" err
    [ ! -e missing.db ] && pass "  and it is not created" || fail "  and it is not created"
    echo "not a database at all" > text.db
    expect 2 "a file that is not a database: exit 2" "$modelgen" pull --db text.db
    has "  and it says so" 'text.db.*not a database' err
    expect 0 "pull to standard output" "$modelgen" pull --db users.db
    has "  the schema" '^model User \{' out
    cp out stdout.model
    expect 0 "pull -o FILE" "$modelgen" pull --db users.db -o pulled/users.model
    [ -s pulled/users.model ] && cmp -s stdout.model pulled/users.model && pass "  writes what standard output gets" ||
        fail "  writes what standard output gets"
    touch -d '2000-01-01' pulled/users.model
    expect 0 "pull -o FILE again" "$modelgen" pull --db users.db --output=pulled/users.model
    [ "$(stat -c %Y pulled/users.model)" = "$(date -d 2000-01-01 +%s)" ] &&
        pass "  leaves an unchanged file as it is (mtime too)" ||
        fail "  leaves an unchanged file as it is (mtime too)"
    expect 0 "pull --has-many" "$modelgen" pull --db users.db --has-many -o many.model
    has "  writes the other side of each key" '^  has_many profiles: Profile by created_by_user$' many.model
    expect 0 "  and the schema checks" "$modelgen" check many.model
    sqlite3 users.db "INSERT INTO users (email, name) VALUES ('a@b.c', 'A')"
    cp users.db before.db
    "$modelgen" pull --db users.db > /dev/null 2>&1
    cmp -s users.db before.db && pass "pull writes nothing to the database" ||
        fail "pull writes nothing to the database"
    expect 2 "diff --db of a file that does not exist: exit 2" \
        "$modelgen" diff --db missing.db "$root/examples/users.model"
else
    psql -X -q -c "CREATE SCHEMA live" > /dev/null
    PGOPTIONS="-c search_path=live" psql -X -q -v ON_ERROR_STOP=1 -f gen/users.postgres.sql > /dev/null
    expect 0 "pull of a URI's current schema" "$modelgen" pull \
        --db "postgresql:///${PGDATABASE:-postgres}?options=-csearch_path%3Dlive"
    has "  the schema" '^model User \{' out
    has "  named as the database is, with its schema" '^# Pulled by modelgen from postgresql://.*\(schema live\), a PostgreSQL database\.$' out
    expect 0 "postgres:// works too" "$modelgen" pull \
        --db "postgres:///${PGDATABASE:-postgres}?options=-csearch_path%3Dlive"
    expect 0 "the public schema, empty: an empty schema" "$modelgen" pull \
        --db "postgresql:///${PGDATABASE:-postgres}"
    expect 2 "a server that is not there: exit 2" "$modelgen" pull \
        --db "postgresql://someone:SeCrEt99@127.0.0.1:1/db"
    has "  it says it cannot connect" 'cannot connect to PostgreSQL' err
    if grep -q SeCrEt99 err out; then fail "  and shows no password"; else pass "  and shows no password"; fi
    expect 2 "a user that does not exist: exit 2" "$modelgen" pull \
        --db "postgresql://nobody_here:SeCrEt99@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/${PGDATABASE:-postgres}"
    if grep -q SeCrEt99 err out; then fail "  and shows no password"; else pass "  and shows no password"; fi
    expect 2 "diff --db of a server that is not there: exit 2" "$modelgen" diff \
        --db "postgresql://someone:SeCrEt99@127.0.0.1:1/db" "$root/examples/users.model"
    if grep -q SeCrEt99 err out; then fail "  and shows no password"; else pass "  and shows no password"; fi
    expect 2 "a search_path without a schema that exists: exit 2" "$modelgen" pull \
        --db "postgresql:///${PGDATABASE:-postgres}?options=-csearch_path%3Dnothing_here"
    has "  it says there is no current schema" 'no current schema' err
fi
tap_done
