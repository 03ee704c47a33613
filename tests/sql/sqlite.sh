#!/usr/bin/env bash
# Applies every generated .sqlite.sql to a real SQLite through the sqlite3 shell, with
# foreign keys on, and checks what its constraints do (engine.sh). Prints TAP.
#   sqlite.sh MODELGEN DIR
set -u
modelgen=$(realpath "$1")
dir=$(realpath "$2")
. "$dir/tap.sh"
. "$dir/engine.sh"
if ! command -v sqlite3 > /dev/null; then
    echo "1..0 # SKIP the sqlite3 shell is not installed (Debian package sqlite3)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out_file=$tmp/stdout
err_file=$tmp/stderr
db=

sqlite() {   # runs standard input with foreign keys on, stopping at the first error
    { echo "PRAGMA foreign_keys = ON;"; cat; } | sqlite3 -bail -batch "$db" > "$out_file" 2> "$err_file"
    rc=$?
    out=$(cat "$out_file")
}

engine_create() { db=$tmp/$1.db; rm -f "$db"; }
engine_apply() { sqlite < "$1"; }
engine_run() { sqlite <<< "$1"; }
engine_consistent() {
    sqlite <<< 'PRAGMA foreign_key_check;'
    cat "$out_file" "$err_file"
}
engine_run_unchecked() { engine_run "PRAGMA foreign_keys = OFF; $1"; }
engine_fk_modes() { :; }   # SQLite keeps no such catalog; the behaviour checks cover it
engine_indexes() {
    engine_run "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name;"
    cat "$out_file" "$err_file"
}

T=1
F=0
FK_ERROR='FOREIGN KEY constraint failed'
UNIQUE_ERROR='UNIQUE constraint failed'
check_error() { echo "CHECK constraint failed: $1( |\$)"; }
bool_error() { check_error "$1"; }
ts() { echo "$1"; }
epoch() { echo "$1"; }
yes() { echo "($1)"; }
blob() { echo "X'$1'"; }

run_engine_checks sqlite.sql
tap_done
