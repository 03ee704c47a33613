#!/usr/bin/env bash
# modelgen diff --db: drift between a live database and a schema.
#
#   drift.sh sqlite|postgres MODELGEN SOURCE_ROOT
#
# 1. Every pair OLD/NEW of tests/diff/cases and tests/equiv/pairs: a database made from
#    OLD's SQL, compared with NEW by `diff --db`, gives the migration `diff OLD NEW` gives
#    (with --allow-data-loss; the file names in the SQL aside), and exits 1 (0 when that is
#    "Nothing to do").
# 2. A database that changes: diff --db finds nothing to do, then the migration to a
#    schema with more in it, which applied leaves nothing to do again.
# 3. What a schema cannot say about a database (a trigger, an index on an expression, a
#    column of a type the language lacks) is a warning, and the column a drop to refuse.
set -u
engine=$1 modelgen=$2 root=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
skipped() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

# apply FILE DB: run an SQL file on a database (a file, or a PostgreSQL schema's name)
apply() {
    if [ "$engine" = sqlite ]; then
        sqlite3 -bail "$2" < "$1"
    else
        PGOPTIONS="-c search_path=$2 -c client_min_messages=warning" \
            psql -X -q -v ON_ERROR_STOP=1 -f "$1"
    fi
}
# target DB: the --db argument for it
target() {
    if [ "$engine" = sqlite ]; then echo "$1"
    else echo "postgresql:///${PGDATABASE:-postgres}?options=-csearch_path%3D$1"; fi
}
# newdb NAME: an empty database, printing its handle
newdb() {
    if [ "$engine" = sqlite ]; then echo "$work/$1.db"
    else
        psql -X -q -c "CREATE SCHEMA $1" > /dev/null
        echo "$1"
    fi
}
# the name a database's SQL calls it by: SQLite's file name, PostgreSQL's "db (schema s)"
shown() {
    if [ "$engine" = sqlite ]; then basename "$1"
    else echo "${PGDATABASE:-postgres} (schema $1)"; fi
}

# ---- 1. every pair, but for what a database does not record (tests/pull/README.md):
# SQLite keeps int and timestamp alike (INTEGER), and diff --db takes NEW's, so a retype
# between them is not seen (and a retype from either says "from int" where the file says
# "from timestamp": the comparison allows for it);
sqlite_blind="retype_int_timestamp retype_safe"
# a model's name is not in the database: a model that only changes its table is a table
# dropped and another created; nor is the target of a `constraint none` key whose column
# does not say it (owner_id to people): diff --db drops a plain column where diff drops a
# key (a rebuild on SQLite). long_names, like table_renamed, changes only a model's table.
blind="table_renamed drop_unconstrained_key long_names"
# PostgreSQL folds unquoted names: a rename that changes only their case is, to the
# database, no change at all, and diff --db says there is nothing to do
pg_folded="rename_case"
n=0
for old in "$root"/tests/diff/cases/*.old.model "$root"/tests/equiv/pairs/*.old.model; do
    new=${old%.old.model}.new.model
    [ -f "$new" ] || continue
    "$modelgen" check "$old" > /dev/null 2>&1 && "$modelgen" check "$new" > /dev/null 2>&1 || continue
    n=$((n + 1))
    case=$(basename "$(dirname "$old")")/$(basename "${old%.old.model}")
    name="$engine: $case"
    if [ "$engine" = sqlite ] && [[ " $sqlite_blind " == *" ${case##*/} "* ]]; then
        skipped "$name" "SQLite keeps int and timestamp both as INTEGER"
        continue
    fi
    if [[ " $blind " == *" ${case##*/} "* ]]; then
        skipped "$name" "the database does not record it"
        continue
    fi
    d=$work/p$n
    mkdir -p "$d"
    "$modelgen" "$old" -o "$d/gen" --name s > /dev/null 2>&1
    db=$(newdb "p$n")
    if ! apply "$d/gen/s.$engine.sql" "$db" > "$d/apply.err" 2>&1; then
        fail "$name: OLD's SQL applies"
        diag < "$d/apply.err"
        continue
    fi
    "$modelgen" diff "$old" "$new" --allow-data-loss --dialect "$engine" > "$d/expect.sql" 2> /dev/null
    "$modelgen" diff --db "$(target "$db")" "$new" --allow-data-loss > "$d/got.sql" 2> "$d/got.err"
    rc=$?
    want=1
    grep -q '^-- Nothing to do' "$d/expect.sql" && want=0
    if [ "$engine" = postgres ] && [[ " $pg_folded " == *" ${case##*/} "* ]]; then
        if [ "$rc" = 0 ] && grep -q '^-- Nothing to do' "$d/got.sql"; then
            pass "$name: nothing to do (PostgreSQL folds the names)"
        else
            fail "$name: nothing to do (PostgreSQL folds the names; exit $rc)"
            diag < "$d/got.sql"
        fi
        continue
    fi
    base=$(basename "$old")
    # on SQLite an INTEGER column retyped is "from int" or "from timestamp" alike
    int_or_time='s/from (int|timestamp) to /from int or timestamp to /g'
    [ "$engine" = sqlite ] || int_or_time=
    sed "s|$base|OLD|g" "$d/expect.sql" | sed -E -e "$int_or_time" > "$d/a"
    sed "s|$(shown "$db")|OLD|g" "$d/got.sql" | sed -E -e "$int_or_time" > "$d/b"
    if [ "$rc" != "$want" ]; then
        fail "$name: exits $want (not $rc)"
        diag < "$d/got.err"
    elif ! cmp -s "$d/a" "$d/b"; then
        fail "$name: the migration diff OLD NEW gives"
        diff -u "$d/a" "$d/b" | diag 60
    else
        pass "$name"
    fi
done

# ---- 2. a database that changes
cat > "$work/users.model" <<'EOF'
enum Role { admin, member, guest }
model User {
  email      text unique
  name       text
  role       Role default member
  joined_at  timestamp default now
  belongs_to profile: Profile?
}
model Profile {
  bio        text?
  belongs_to created_by: User fk created_by_user_id on_delete cascade
}
EOF
cat > "$work/more.model" <<'EOF'
enum Role { admin, member, guest, owner }
model User {
  email      text unique
  name       text index
  nick       text?
  role       Role default member
  joined_at  timestamp default now
  belongs_to profile: Profile?
}
model Profile {
  bio        text?
  belongs_to created_by: User fk created_by_user_id on_delete cascade
}
model Tag {
  label text unique
  belongs_to owner: User? on_delete set_null
}
EOF
"$modelgen" "$work/users.model" -o "$work/users" > /dev/null
db=$(newdb live)
apply "$work/users/users.$engine.sql" "$db" > /dev/null
t=$(target "$db")
"$modelgen" diff --db "$t" "$work/users.model" > "$work/d1.sql" 2> "$work/d1.err"
rc=$?
if [ $rc = 0 ] && grep -q '^-- Nothing to do' "$work/d1.sql" && [ ! -s "$work/d1.err" ]; then
    pass "$engine: a database made from the schema: nothing to do, no warning (exit 0)"
else
    fail "$engine: a database made from the schema: nothing to do, no warning (exit $rc)"
    diag < "$work/d1.err"
    diag < "$work/d1.sql"
fi
"$modelgen" diff --db "$t" "$work/more.model" -o "$work/d2.sql" 2> "$work/d2.err"
rc=$?
if [ $rc = 1 ] && grep -q 'nick' "$work/d2.sql" && grep -q 'tags' "$work/d2.sql" &&
    grep -q "'owner'" "$work/d2.sql"; then
    pass "$engine: drift to a schema with more: the migration, exit 1"
else
    fail "$engine: drift to a schema with more: the migration, exit 1 (exit $rc)"
    diag < "$work/d2.err"
    diag < "$work/d2.sql"
fi
if apply "$work/d2.sql" "$db" > "$work/a2.err" 2>&1; then
    pass "$engine: the drift migration applies"
else
    fail "$engine: the drift migration applies"
    diag < "$work/a2.err"
fi
"$modelgen" diff --db "$t" "$work/more.model" > "$work/d3.sql" 2> "$work/d3.err"
rc=$?
if [ $rc = 0 ] && grep -q '^-- Nothing to do' "$work/d3.sql"; then
    pass "$engine: once applied, nothing to do (exit 0)"
else
    fail "$engine: once applied, nothing to do (exit $rc)"
    diag < "$work/d3.err"
    diag < "$work/d3.sql"
fi

# ---- 3. what the schema cannot say
if [ "$engine" = sqlite ]; then
    cat > "$work/extra.sql" <<'EOF'
CREATE INDEX users_lower_email ON users (lower(email));
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;
ALTER TABLE users ADD COLUMN token UUID;
EOF
else
    cat > "$work/extra.sql" <<'EOF'
CREATE INDEX users_lower_email ON users (lower(email));
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE users ADD COLUMN token uuid;
EOF
fi
apply "$work/extra.sql" "$db" > /dev/null
"$modelgen" diff --db "$t" "$work/more.model" > "$work/d4.sql" 2> "$work/d4.err"
rc=$?
for want in 'warning: users: trigger users_touch cannot be said in the model' \
            'warning: users: index users_lower_email is an index on an expression' \
            'warning: users.token: unknown type (UUID|uuid) pulled as text' \
            "error: model 'User' no longer has field 'token'" \
            'refusing 1 destructive change'; do
    if grep -Eq "$want" "$work/d4.err"; then
        pass "$engine: reported: $want"
    else
        fail "$engine: reported: $want"
        diag < "$work/d4.err"
    fi
done
if [ $rc = 1 ] && [ ! -s "$work/d4.sql" ]; then
    pass "$engine: the refused drop exits 1 and prints no migration"
else
    fail "$engine: the refused drop exits 1 and prints no migration (exit $rc)"
    diag < "$work/d4.sql"
fi
"$modelgen" diff --db "$t" "$work/more.model" --allow-data-loss > "$work/d5.sql" 2> /dev/null
rc=$?
if [ $rc = 1 ] && grep -q 'DATA LOSS' "$work/d5.sql" && grep -q 'token' "$work/d5.sql"; then
    pass "$engine: with --allow-data-loss, the drop of the extra column"
else
    fail "$engine: with --allow-data-loss, the drop of the extra column (exit $rc)"
    diag < "$work/d5.sql"
fi

# ---- usage
"$modelgen" diff --db "$t" "$work/users.model" "$work/more.model" > /dev/null 2>&1
rc=$?
if [ $rc = 2 ]; then pass "$engine: diff --db with two schemas is a usage error (2)"
else fail "$engine: diff --db with two schemas is a usage error (2, not $rc)"; fi
other=postgres
[ "$engine" = postgres ] && other=sqlite
"$modelgen" diff --db "$t" "$work/users.model" --dialect $other > /dev/null 2>&1
rc=$?
if [ $rc = 2 ]; then pass "$engine: --dialect other than the database's is a usage error (2)"
else fail "$engine: --dialect other than the database's is a usage error (2, not $rc)"; fi
echo "# $n pairs"
tap_done
