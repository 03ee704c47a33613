#!/usr/bin/env bash
# modelgen apply and modelgen status against real databases: SQLite files, or
# (ENGINE=postgres, under tests/pg/with-postgres.sh) databases of a PostgreSQL server.
# A database migrated by apply is understood by the generated NAME_migrate and the other
# way round (the same table, the same checksums); status lists applied, pending, changed
# and unknown migrations and gates on them; a backfill (NNNN_name.DIALECT.post.sql) runs
# in its migration's transaction, under its checksum, with apply and with NAME_migrate;
# a failed migration leaves nothing; a connection or authentication failure is exit 2
# and never shows the password. Prints TAP.
#
#   [ENGINE=sqlite|postgres] apply.sh MODELGEN RUNTIME_DIR
set -u
modelgen=$(realpath "$1")
runtime_dir=$(realpath "$2")
db_engine=${ENGINE:-sqlite}
here=$(cd "$(dirname "$0")" && pwd)
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

step() {   # step WHAT CMD...: runs CMD quietly; on failure shows its output and bails out
    local what=$1
    shift
    if ! "$@" > "$tmp/step.log" 2>&1; then
        sed 's/^/# /' "$tmp/step.log"
        bail "$what failed: $*"
    fi
}

# shellcheck source=common.sh
. "$here/common.sh"

# mg WANT DESCRIPTION ARGS...: modelgen ARGS exits WANT; its output in $tmp/out, $tmp/err
mg() {
    local want=$1 what=$2
    shift 2
    "$modelgen" "$@" > "$tmp/out" 2> "$tmp/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        echo "# modelgen $*: exit $got, want $want"
        sed 's/^/#   /' "$tmp/out" "$tmp/err" | head -20
    fi
    [ "$got" -eq "$want" ]
    ok $? "$what (exit $want)"
}

# has FILE REGEX DESCRIPTION / lacks FILE REGEX DESCRIPTION
has() {
    grep -q -- "$2" "$1"
    local s=$?
    [ $s -eq 0 ] || sed 's/^/#   /' "$1" | head -20
    ok $s "$3"
}
lacks() {
    ! grep -q -- "$2" "$1"
    local s=$?
    [ $s -eq 0 ] || sed 's/^/#   /' "$1" | head -20
    ok $s "$3"
}

# is TARGET SQL WANT DESCRIPTION: the query's integer is WANT
is() {
    local got
    got=$(sql "$1" "$2" 2>&1)
    [ "$got" = "$3" ] || echo "# $2: got '$got', want '$3'"
    [ "$got" = "$3" ]
    ok $? "$4"
}

# embedded FILE VERSION DIALECT: the checksum app_migrations[] holds for it
embedded() {
    awk -v v="$2" -v d="$3" '
        $0 ~ "^ *\\{ \"[0-9a-f]+\", app_migration_" v "_" d ",$" {
            sub(/^ *\{ "/, ""); sub(/".*/, ""); print; exit
        }' "$1"
}

# migrator VARIANT TARGET: the generated app_migrate on TARGET
migrator() {
    "$tmp/$1/migrator" "$2" migrate > "$tmp/out" 2> "$tmp/err"
    local s=$?
    [ $s -eq 0 ] || sed 's/^/#   /' "$tmp/out" "$tmp/err"
    ok $s "$1's app_migrate on $(basename "$2") returns MG_OK"
}

echo "# $db_engine"
ok 0 "built the migrations (m1, m2, m3), the code generated from m2 and m3, the programs"

# ---- the backfill is embedded, and covered by the checksum ----
has "$tmp/v3/app.c" "hand-written, from the migration's sqlite.post.sql file" \
    "the generated code embeds 0002's SQLite backfill"
has "$tmp/v3/app.c" "hand-written, from the migration's postgres.post.sql file" \
    "and its PostgreSQL backfill"
has "$tmp/v3/app.c" "INSERT INTO tags (label) VALUES ('backfilled')" "with its statements"
[ "$(embedded "$tmp/v2/app.c" 2 "$db_engine")" = "$(embedded "$tmp/v3/app.c" 2 "$db_engine")" ]
ok $? "0002 has the same checksum in the code of m2 and of m3"

# ---- usage ----
mg 2 "apply without --db is a usage error" apply --dir "$tmp/m3"
mg 2 "status without --dir is a usage error" status --db "$tmp/x.db"
mg 2 "an unknown option is a usage error" apply --db "$tmp/x.db" --dir "$tmp/m3" --frob
mg 2 "a missing directory is an I/O error" status --db "$tmp/x.db" --dir "$tmp/nowhere"
mkdir "$tmp/empty"
mg 1 "an empty directory holds nothing to apply" apply --db "$tmp/x.db" --dir "$tmp/empty"
has "$tmp/err" "holds no migrations" "and says so"

# ---- from empty: status, apply, status, apply again ----
db=$(newdb fresh)
mg 1 "status on an empty database: everything is pending" status --db "$db" --dir "$tmp/m3"
[ "$(grep -c '^pending ' "$tmp/out")" -eq 3 ]
ok $? "three pending migrations listed"
has "$tmp/out" "0 applied, 3 pending, 0 changed" "and counted"
if [ "$db_engine" = sqlite ]; then
    [ ! -e "$db" ]
    ok $? "status did not create the database file"
fi
mg 0 "apply brings it up to date" apply --db "$db" --dir "$tmp/m3"
[ "$(grep -c '^applied ' "$tmp/out")" -eq 3 ]
ok $? "apply names the three migrations it applied"
has "$tmp/out" "up to date at 0003_users_name_nullable" "and where the database is now"
mg 0 "status: up to date" status --db "$db" --dir "$tmp/m3"
[ "$(grep -c '^applied ' "$tmp/out")" -eq 3 ]
ok $? "three applied migrations listed"
mg 0 "apply again: nothing to do" apply --db "$db" --dir "$tmp/m3"
lacks "$tmp/out" "^applied" "and nothing applied"
is "$db" "SELECT count(*) FROM modelgen_migrations" 3 "three migrations recorded"
for v in 1 2 3; do
    sum=$(embedded "$tmp/v3/app.c" $v "$db_engine")
    is "$db" "SELECT count(*) FROM modelgen_migrations WHERE version = $v AND checksum = '$sum'" \
        1 "apply recorded migration $v with the checksum the generated code embeds ($sum)"
done
is "$db" "SELECT count(*) FROM tags WHERE label = 'backfilled'" 1 "the backfill ran once"
migrator v3 "$db"
lacks "$tmp/err" . "and changed nothing (no message)"

# ---- the backfill on rows ----
db=$(newdb backfill)
mg 0 "apply 0001 alone" apply --db "$db" --dir "$tmp/m1"
step "insert users" "$tmp/v3/migrator" "$db" exec \
    "INSERT INTO users (email, name) VALUES ('a@example.com', 'Ann'), ('b@example.com', 'Bob')"
mg 0 "apply the rest" apply --db "$db" --dir "$tmp/m3"
[ "$(grep -c '^applied ' "$tmp/out")" -eq 2 ]
ok $? "apply names the two migrations it applied"
is "$db" "SELECT count(*) FROM users WHERE bio = 'bio of ' || name" 2 \
    "apply's backfill filled every user's bio"
db=$(newdb backfill3)
mg 0 "apply 0001 alone, again" apply --db "$db" --dir "$tmp/m1"
step "insert users" "$tmp/v3/migrator" "$db" exec \
    "INSERT INTO users (email, name) VALUES ('a@example.com', 'Ann'), ('b@example.com', 'Bob')"
migrator v3 "$db"
is "$db" "SELECT count(*) FROM users WHERE bio = 'bio of ' || name" 2 \
    "app_migrate's backfill filled every user's bio too"
mg 0 "and status accepts what app_migrate recorded" status --db "$db" --dir "$tmp/m3"

# ---- one way and the other ----
db=$(newdb apply_then_code)
mg 0 "apply m2" apply --db "$db" --dir "$tmp/m2"
migrator v3 "$db"
is "$db" "SELECT count(*) FROM modelgen_migrations" 3 "app_migrate added the third migration"
mg 0 "status after apply, then app_migrate: up to date" status --db "$db" --dir "$tmp/m3"

db=$(newdb code_then_apply)
migrator v2 "$db"
mg 1 "status after v2's app_migrate: one pending" status --db "$db" --dir "$tmp/m3"
[ "$(grep -c '^applied ' "$tmp/out")" -eq 2 ] && grep -q '^pending  0003_users_name_nullable' "$tmp/out"
ok $? "0001 and 0002 applied, 0003 pending"
mg 0 "apply adds the third" apply --db "$db" --dir "$tmp/m3"
[ "$(grep -c '^applied ' "$tmp/out")" -eq 1 ] && grep -q '^applied 0003_users_name_nullable' "$tmp/out"
ok $? "apply applied 0003 alone"
migrator v3 "$db"
is "$db" "SELECT count(*) FROM modelgen_migrations" 3 "three migrations recorded"
is "$db" "SELECT count(*) FROM tags WHERE label = 'backfilled'" 1 "the backfill ran once"

# ---- gating ----
db=$(newdb gating)
mg 0 "apply m3" apply --db "$db" --dir "$tmp/m3"
cp -r "$tmp/m3" "$tmp/edited"
echo "UPDATE users SET bio = NULL;" >> "$tmp/edited/0002_add_bio_and_tags.$db_engine.post.sql"
mg 1 "status: a backfill edited after it was applied is a change" status --db "$db" \
    --dir "$tmp/edited"
has "$tmp/out" "^changed  0002_add_bio_and_tags" "status lists 0002 as changed"
has "$tmp/out" "2 applied, 0 pending, 1 changed" "and counts it"
mg 1 "apply refuses it" apply --db "$db" --dir "$tmp/edited"
has "$tmp/err" "changed after it was applied" "saying why"
cp -r "$tmp/m3" "$tmp/edited2"
sed -i 's/^COMMIT;$/SELECT 1;\nCOMMIT;/' "$tmp/edited2/0003_users_name_nullable.$db_engine.sql"
mg 1 "status: a migration's SQL edited after it was applied is a change" status --db "$db" \
    --dir "$tmp/edited2"
has "$tmp/out" "^changed  0003_users_name_nullable" "status lists 0003 as changed"
other=$([ "$db_engine" = sqlite ] && echo postgres || echo sqlite)
cp -r "$tmp/m3" "$tmp/edited3"
echo "-- a comment" >> "$tmp/edited3/0003_users_name_nullable.$other.sql"
sed -i 's/^COMMIT;$/SELECT 1;\nCOMMIT;/' "$tmp/edited3/0003_users_name_nullable.$other.sql"
mg 0 "the other dialect's file does not count" status --db "$db" --dir "$tmp/edited3"
mg 1 "status with a directory older than the database" status --db "$db" --dir "$tmp/m2"
has "$tmp/out" "^unknown  0003_users_name_nullable" "names the migration the directory lacks"
mg 1 "apply refuses a database newer than the directory" apply --db "$db" --dir "$tmp/m2"
has "$tmp/err" "newer" "saying so"
is "$db" "SELECT count(*) FROM modelgen_migrations" 3 "the refusals changed nothing"

# ---- a failing migration leaves nothing ----
cp -r "$tmp/m3" "$tmp/failing"
echo "INSERT INTO tags (label) VALUES ('backfilled');" >> \
    "$tmp/failing/0002_add_bio_and_tags.$db_engine.post.sql"
db=$(newdb failing)
mg 1 "apply: a backfill that fails fails the migration" apply --db "$db" --dir "$tmp/failing"
has "$tmp/err" "migration 2 'add_bio_and_tags' failed and was rolled back" "naming it"
has "$tmp/out" "^applied 0001_initial" "after applying the one before it"
mg 1 "status: the failed one and the next are pending" status --db "$db" --dir "$tmp/failing"
[ "$(grep -c '^pending ' "$tmp/out")" -eq 2 ]
ok $? "two pending"
is "$db" "SELECT count(*) FROM modelgen_migrations" 1 "one migration recorded"
if [ "$db_engine" = sqlite ]; then
    table_sql="SELECT count(*) FROM sqlite_master WHERE name = 'tags'"
else
    table_sql="SELECT count(*) FROM pg_tables WHERE tablename = 'tags'"
fi
is "$db" "$table_sql" 0 "nothing of migration 2 is left (no table tags)"

# ---- malformed backfills ----
cp -r "$tmp/m3" "$tmp/lonely"
rm "$tmp/lonely/0002_add_bio_and_tags.postgres.post.sql"
mg 1 "a backfill for one dialect only is refused" status --db "$tmp/x.db" --dir "$tmp/lonely"
has "$tmp/err" "0002_add_bio_and_tags.postgres.post.sql: missing" "naming the missing file"
cp -r "$tmp/m3" "$tmp/nested"
printf 'UPDATE users SET bio = NULL;\nCOMMIT;\n' > "$tmp/nested/0002_add_bio_and_tags.sqlite.post.sql"
mg 1 "a backfill with a transaction statement is refused" apply --db "$tmp/x.db" --dir "$tmp/nested"
has "$tmp/err" "0002_add_bio_and_tags.sqlite.post.sql:2: error: a transaction statement" \
    "at its line"
cp "$fixtures/app_v3.model" "$tmp/schema/app.model"
mg 1 "and so does the generator" "$tmp/schema/app.model" -o "$tmp/nested_out" \
    --migrations "$tmp/nested"

# ---- connection failures ----
if [ "$db_engine" = sqlite ]; then
    mg 2 "a database in a directory that does not exist" apply --db "$tmp/nowhere/x.db" \
        --dir "$tmp/m3"
    has "$tmp/err" "cannot open the database" "says it cannot open it"
    printf 'not a database, only text that is long enough to be a header of one\n%.0s' \
        $(seq 100) > "$tmp/text.db"
    mg 2 "a file that is not a database" status --db "$tmp/text.db" --dir "$tmp/m3"
    mg 2 "apply too" apply --db "$tmp/text.db" --dir "$tmp/m3"
else
    secret=Sup3rS3cret
    uri="postgresql://modelgen:$secret@127.0.0.1:1/postgres"
    for cmd in status apply; do
        mg 2 "$cmd: a server that is not there" $cmd --db "$uri" --dir "$tmp/m3"
        has "$tmp/err" "cannot open the database postgresql://modelgen:\*\*\*@127.0.0.1:1/postgres" \
            "says which, without the password"
        cat "$tmp/out" "$tmp/err" > "$tmp/all"
        lacks "$tmp/all" "$secret" "the password is nowhere in the output"
    done
    uri="postgresql://nobody_here:$secret@127.0.0.1:$PGPORT/postgres?password=$secret&connect_timeout=5"
    mg 2 "a user the server does not know" status --db "$uri" --dir "$tmp/m3"
    has "$tmp/err" 'role "nobody_here" does not exist' "says so"
    cat "$tmp/out" "$tmp/err" > "$tmp/all"
    lacks "$tmp/all" "$secret" "the password is nowhere in the output"
    # a user whose password is checked (the harness trusts everyone else)
    step "create role" "$tmp/v3/migrator" "postgresql:///postgres" exec \
        "CREATE ROLE checked LOGIN PASSWORD 'right'"
    hba=$("$tmp/v3/migrator" "postgresql:///postgres" int "SELECT 0" > /dev/null &&
        echo "${MODELGEN_PG_DATA:-}/pg_hba.conf")
    if [ -n "${MODELGEN_PG_DATA:-}" ] && [ -w "$hba" ]; then
        { echo "host all checked 127.0.0.1/32 scram-sha-256"; cat "$hba"; } > "$tmp/hba"
        cat "$tmp/hba" > "$hba"
        step "reload" "$tmp/v3/migrator" "postgresql:///postgres" exec "SELECT pg_reload_conf()"
        sleep 0.5
        uri="postgresql://checked:$secret@127.0.0.1:$PGPORT/postgres"
        mg 2 "a wrong password" status --db "$uri" --dir "$tmp/m3"
        has "$tmp/err" 'password authentication failed for user "checked"' "says so"
        cat "$tmp/out" "$tmp/err" > "$tmp/all"
        lacks "$tmp/all" "$secret" "the password is nowhere in the output"
        db=$(newdb checked_db)
        step "grant" "$tmp/v3/migrator" "postgresql:///checked_db" exec \
            "GRANT ALL ON SCHEMA public TO checked"
        mg 0 "the right password applies" apply \
            --db "postgresql://checked:right@127.0.0.1:$PGPORT/checked_db" --dir "$tmp/m3"
        lacks "$tmp/out" "right@" "and the output shows no password"
    else
        ok 0 "a wrong password # SKIP no writable pg_hba.conf"
    fi
fi

echo "1..$n"
[ "$failed" -eq 0 ]
