#!/usr/bin/env bash
# Applies every generated .postgres.sql to a real PostgreSQL server, each to a database of
# its own, and checks what its constraints do (engine.sh) and what pg_constraint says about
# deferral. Prints TAP. Runs under tests/pg/with-postgres.sh, which provides the server:
#   with-postgres.sh --tap bash postgres.sh MODELGEN DIR
set -u
modelgen=$(realpath "$1")
dir=$(realpath "$2")
. "$dir/tap.sh"
. "$dir/engine.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out_file=$tmp/stdout
err_file=$tmp/stderr
db=postgres

pg() {   # runs standard input, stopping at the first error
    psql -X -v ON_ERROR_STOP=1 -q -At -d "$db" -f - > "$out_file" 2> "$err_file"
    rc=$?
    out=$(cat "$out_file")
}

engine_create() {
    db=postgres
    engine_run "DROP DATABASE IF EXISTS \"mg_$1\"; CREATE DATABASE \"mg_$1\";"
    [ "$rc" -eq 0 ] || { echo "cannot create database mg_$1:"; cat "$err_file"; } | diag
    db=mg_$1
}
engine_apply() { pg < "$1"; }
engine_run() { pg <<< "$1"; }

# PostgreSQL has no foreign_key_check: look for rows that break each single-column key.
engine_consistent() {
    local table column target
    engine_run "SELECT c.conrelid::regclass, quote_ident(a.attname), c.confrelid::regclass
FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' ORDER BY c.conname;"
    cat "$err_file"
    while IFS='|' read -r table column target; do
        [ -n "$table" ] || continue
        engine_run "SELECT count(*) FROM $table WHERE $column IS NOT NULL AND $column NOT IN (SELECT id FROM $target);"
        [ "$out" = 0 ] || { echo "$table.$column -> $target: $out dangling"; cat "$err_file"; }
    done < <(cat "$out_file")
}
engine_run_unchecked() { engine_run "SET session_replication_role = replica; $1"; }
engine_fk_modes() {
    engine_run "SELECT conname, condeferrable, condeferred FROM pg_constraint WHERE contype = 'f' ORDER BY conname;"
    cat "$out_file" "$err_file"
}
engine_indexes() {
    engine_run "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname;"
    cat "$out_file" "$err_file"
}

T=true
F=false
FK_ERROR='violates foreign key constraint'
UNIQUE_ERROR='violates unique constraint'
check_error() { echo "violates check constraint \"$1\""; }
bool_error() { echo 'is of type boolean but expression is of type integer'; }
ts() { echo "to_timestamp($1)"; }
epoch() { echo "extract(epoch FROM $1)::bigint"; }
yes() { echo "($1)::int"; }
blob() { echo "'\\x$1'::bytea"; }

run_engine_checks postgres.sql
tap_done
