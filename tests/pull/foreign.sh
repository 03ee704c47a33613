#!/usr/bin/env bash
# modelgen pull on databases modelgen did not make: each foreign/NAME.ENGINE.sql (plain SQL
# the way other ORMs and people write it) is applied to a database and pulled; the schema
# and the warnings must be foreign/NAME.ENGINE.model and foreign/NAME.ENGINE.err, the
# schema must check clean and make a database of its own. The seed question's Sequelize
# application (sequelize.*) must come out with its cycle explained and its drift shown.
#
#   foreign.sh sqlite|postgres MODELGEN SOURCE_ROOT
#   MODELGEN_UPDATE_GOLDEN=1 foreign.sh ...    rewrites the .model and .err files
set -u
engine=$1 modelgen=$2 root=$3
dir=$root/tests/pull/foreign
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

apply() {
    if [ "$engine" = sqlite ]; then
        sqlite3 -bail "$2" < "$1"
    else
        PGOPTIONS="-c search_path=$2 -c client_min_messages=warning" \
            psql -X -q -v ON_ERROR_STOP=1 -f "$1"
    fi
}
newdb() {
    if [ "$engine" = sqlite ]; then echo "$work/$1.db"
    else
        psql -X -q -c "CREATE SCHEMA $1" > /dev/null
        echo "$1"
    fi
}
target() {
    if [ "$engine" = sqlite ]; then echo "$1"
    else echo "postgresql:///${PGDATABASE:-postgres}?options=-csearch_path%3D$1"; fi
}
# the target as messages show it, replaced by DB
anonymous() {
    if [ "$engine" = sqlite ]; then sed "s|$1|DB|g"
    else sed -E 's|postgresql://[^ ]* \(schema [a-z_0-9]*\)|DB|g'; fi
}

for sql in "$dir"/*."$engine".sql; do
    name=$(basename "${sql%."$engine".sql}")
    db=$(newdb "f_$name")
    if ! apply "$sql" "$db" > "$work/$name.apply" 2>&1; then
        fail "$engine: $name: the SQL applies"
        diag < "$work/$name.apply"
        continue
    fi
    t=$(target "$db")
    "$modelgen" pull --db "$t" -o "$work/$name.model" 2> "$work/$name.err.raw"
    rc=$?
    if [ $rc != 0 ]; then
        fail "$engine: $name: pulled (exit $rc)"
        diag < "$work/$name.err.raw"
        continue
    fi
    anonymous "$db" < "$work/$name.model" > "$work/$name.model.anon"
    anonymous "$db" < "$work/$name.err.raw" > "$work/$name.err"
    for kind in model err; do
        golden=$dir/$name.$engine.$kind
        got=$work/$name.$kind
        [ $kind = model ] && got=$work/$name.model.anon
        if [ "${MODELGEN_UPDATE_GOLDEN:-}" = 1 ]; then
            cp "$got" "$golden"
        fi
        if cmp -s "$golden" "$got"; then
            pass "$engine: $name: the pulled $kind is $(basename "$golden")"
        else
            fail "$engine: $name: the pulled $kind is $(basename "$golden")"
            diff -u "$golden" "$got" | diag 60
        fi
    done
    if "$modelgen" check "$work/$name.model" > /dev/null 2> "$work/$name.check"; then
        pass "$engine: $name: the pulled schema checks"
    else
        fail "$engine: $name: the pulled schema checks"
        diag < "$work/$name.check"
        continue
    fi
    # the pulled schema makes a database of its own
    "$modelgen" "$work/$name.model" -o "$work/$name.gen" --name s > /dev/null
    db2=$(newdb "g_$name")
    if apply "$work/$name.gen/s.$engine.sql" "$db2" > "$work/$name.apply2" 2>&1; then
        pass "$engine: $name: the pulled schema's SQL applies"
    else
        fail "$engine: $name: the pulled schema's SQL applies"
        diag < "$work/$name.apply2"
    fi
done

# the seed question: the cycle that Sequelize left to the application, explained
s=$work/sequelize.model
if [ -f "$s" ]; then
    "$modelgen" check --explain "$s" > "$work/explain" 2>&1
    if grep -q '^users.profile_id -> profiles: deferred: breaks the cycle users -> profiles -> users$' "$work/explain"; then
        pass "$engine: sequelize: check --explain explains the cycle"
    else
        fail "$engine: sequelize: check --explain explains the cycle"
        diag < "$work/explain"
    fi
    t=$(target "$(if [ "$engine" = sqlite ]; then echo "$work/f_sequelize.db"; else echo f_sequelize; fi)")
    "$modelgen" diff --db "$t" "$s" > "$work/drift.sql" 2> /dev/null
    rc=$?
    if [ $rc = 1 ] && grep -q '^-- .*defer the foreign key users.profile_id' "$work/drift.sql"; then
        pass "$engine: sequelize: diff --db against the pulled schema defers users.profile_id (exit 1)"
    else
        fail "$engine: sequelize: diff --db against the pulled schema defers users.profile_id (exit $rc)"
        diag < "$work/drift.sql"
    fi
    # the migration applies to the database as it is (its own constraint names), after
    # which the database is the schema's: no drift left
    if [ "$engine" = sqlite ]; then seqdb=$work/f_sequelize.db; else seqdb=f_sequelize; fi
    if apply "$work/drift.sql" "$seqdb" > "$work/drift.apply" 2>&1; then
        pass "$engine: sequelize: the migration diff --db wrote applies to the live database"
    else
        fail "$engine: sequelize: the migration diff --db wrote applies to the live database"
        diag < "$work/drift.apply"
    fi
    if "$modelgen" diff --db "$t" "$s" > "$work/drift2.sql" 2> /dev/null; then
        pass "$engine: sequelize: after it, diff --db finds nothing (exit 0)"
    else
        fail "$engine: sequelize: after it, diff --db finds nothing"
        diag < "$work/drift2.sql"
    fi
else
    fail "$engine: sequelize: pulled"
fi
tap_done
