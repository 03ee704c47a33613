#!/usr/bin/env bash
# Applies every golden migration to a real engine, printing TAP:
#   apply.sh sqlite MODELGEN DIR
#   ../pg/with-postgres.sh --tap bash apply.sh postgres MODELGEN DIR
# For each pair with a cases/NAME.ENGINE.sql: a fresh database made from OLD
# (`modelgen NAME.old.model -o`), the rows of NAME.seed.sql, then the migration, which must
# apply cleanly and leave every foreign key holding; NAME.check.sql, when there is one, must
# then print NAME.check.out. The seeds and checks are written once for both engines, or
# once per engine as NAME.seed.ENGINE.sql, NAME.check.ENGINE.sql and .out.
# A pair with a NAME.fails must fail on those rows instead, with an error that holds the
# text in NAME.fails, and leave the database exactly as it was.
# Every migration runs twice: stopping at the first error (sqlite3 -bail, psql with
# ON_ERROR_STOP), and the way a file is often run, going on after an error; both must end
# the same, all or nothing.
set -u
engine=$1
modelgen=$(realpath "$2")
dir=$(realpath "$3")
. "$dir/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out_file=$tmp/stdout
err_file=$tmp/stderr
cases=$dir/cases

case $engine in
sqlite)
    if ! command -v sqlite3 > /dev/null; then
        echo "1..0 # SKIP the sqlite3 shell is not installed (Debian package sqlite3)"
        exit 0
    fi
    # Runs standard input as an application would: foreign keys on, stop at the first error
    # (run_on: go on after one, as `sqlite3 db < file` does).
    run() {
        { echo ".bail on"; echo "PRAGMA foreign_keys = ON;"; cat; } |
            sqlite3 -batch "$db" > "$out_file" 2> "$err_file"
        rc=$?
    }
    run_on() {
        { echo "PRAGMA foreign_keys = ON;"; cat; } | sqlite3 -batch "$db" > "$out_file" 2> "$err_file"
        rc=$?
    }
    dump() { if [ "${schema_only:-0}" = 1 ]; then sqlite3 -batch "$db" .schema; else sqlite3 -batch "$db" .dump; fi; }
    copy() { cp "$tmp/$1.db" "$tmp/$2.db"; db=$tmp/$2.db; }
    create() { db=$tmp/$1.db; rm -f "$db"; }
    use() { db=$tmp/$1.db; }
    dangling() {   # prints the rows whose foreign key points nowhere
        run <<< 'PRAGMA foreign_key_check;'
        cat "$out_file" "$err_file"
    }
    ;;
postgres)
    run() {
        psql -X -v ON_ERROR_STOP=1 -q -At -d "$db" -f - > "$out_file" 2> "$err_file"
        rc=$?
    }
    run_on() {
        psql -X -q -At -d "$db" -f - > "$out_file" 2> "$err_file"
        rc=$?
    }
    dump() {
        local only=
        [ "${schema_only:-0}" = 1 ] && only=--schema-only
        pg_dump --no-owner $only -d "$db" | grep -v -e '^.restrict ' -e '^.unrestrict '
    }
    copy() {
        db=postgres
        run <<< "DROP DATABASE IF EXISTS \"diff_$2\"; CREATE DATABASE \"diff_$2\" TEMPLATE \"diff_$1\";"
        db=diff_$2
    }
    create() {
        db=postgres
        run <<< "DROP DATABASE IF EXISTS \"diff_$1\"; CREATE DATABASE \"diff_$1\";"
        db=diff_$1
    }
    use() { db=diff_$1; }
    dangling() {   # every single-column foreign key, checked row by row
        local table column target
        run <<< "SELECT c.conrelid::regclass, quote_ident(a.attname), c.confrelid::regclass
FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' ORDER BY c.conname;"
        cat "$err_file"
        while IFS='|' read -r table column target; do
            [ -n "$table" ] || continue
            run <<< "SELECT count(*) FROM $table WHERE $column IS NOT NULL AND $column NOT IN (SELECT id FROM $target);"
            [ "$(cat "$out_file")" = 0 ] || echo "$table.$column -> $target: $(cat "$out_file" "$err_file")"
        done < <(cat "$out_file")
    }
    ;;
*)
    echo "usage: $0 sqlite|postgres MODELGEN DIR" >&2
    exit 2
    ;;
esac

report() { { echo "exit status $rc"; cat "$out_file" "$err_file"; } | diag; }

# step DESCRIPTION < SQL: runs it; a failure is reported and returns 1.
step() {
    run
    if [ "$rc" -eq 0 ]; then return 0; fi
    fail "$1"
    report
    return 1
}

migrate() {   # name: a database made from OLD, with the seed rows; returns 1 on failure
    local name=$1
    if ! (cd "$cases" && "$modelgen" "$name.old.model" -o "$tmp/gen/$name" --name old) 2> "$err_file"; then
        rc=$?
        fail "$name: modelgen $name.old.model"
        report
        return 1
    fi
    create "$name"
    step "$name: OLD's schema applies" < "$tmp/gen/$name/old.$engine.sql" || return 1
    local seed
    seed=$(for_engine "$name" seed.sql)
    if [ -n "$seed" ]; then
        step "$name: the seed rows go into OLD" < "$seed" || return 1
    fi
}

for_engine() {   # NAME SUFFIX: cases/NAME.SUFFIX for this engine (NAME.x.ENGINE.sql first), or nothing
    local base=$cases/$1.${2%.*} ext=${2##*.}
    if [ -e "$base.$engine.$ext" ]; then echo "$base.$engine.$ext"
    elif [ -e "$base.$ext" ]; then echo "$base.$ext"; fi
}

# fails NAME FILE: the migration must fail on OLD's rows, saying what NAME.fails says, and
# change nothing, whether the run stops at the error or goes on after it.
fails() {
    local name=$1 file=$2 before
    before=$(dump)
    copy "$name" "${name}_on"
    use "$name"
    run < "$file"
    if [ "$rc" -ne 0 ] && grep -qF -f "$cases/$name.fails" "$err_file"; then
        pass "$name: the migration fails on these rows, saying why"
    else
        fail "$name: the migration fails on these rows, saying why"
        report
    fi
    if [ "$(dump)" = "$before" ]; then
        pass "$name: ... and changes nothing"
    else
        fail "$name: ... and changes nothing"
    fi
    use "${name}_on"
    run_on < "$file"
    if [ "$(dump)" = "$before" ] && grep -qF -f "$cases/$name.fails" "$err_file"; then
        pass "$name: run on past its errors, it fails all the same and changes nothing"
    else
        fail "$name: run on past its errors, it fails all the same and changes nothing"
        report
    fi
}

for file in "$cases"/*."$engine".sql; do
    name=$(basename "$file" ".$engine.sql")
    case $name in *.seed|*.check) continue ;; esac
    migrate "$name" || continue
    if [ -e "$cases/$name.fails" ]; then
        fails "$name" "$file"
        continue
    fi
    # rows whose values depend on the time (default now) are compared by the schema alone
    schema_only=0
    grep -q 'default now' "$cases/$name.new.model" && schema_only=1
    copy "$name" "${name}_on"
    run_on < "$file"
    on_dump=$(dump)
    use "$name"
    run < "$file"
    if [ "$rc" -eq 0 ]; then
        pass "$name: the migration applies to OLD with rows"
    else
        fail "$name: the migration applies to OLD with rows"
        report
        continue
    fi
    if [ "$(dump)" = "$on_dump" ]; then
        pass "$name: run on past errors (without -bail, ON_ERROR_STOP), it ends the same"
    else
        fail "$name: run on past errors (without -bail, ON_ERROR_STOP), it ends the same"
    fi
    dangling > "$tmp/dangling" 2>&1
    if ! [ -s "$tmp/dangling" ]; then
        pass "$name: every foreign key holds"
    else
        fail "$name: every foreign key holds"
        diag < "$tmp/dangling"
    fi
    check=$(for_engine "$name" check.sql)
    if [ -n "$check" ]; then
        run < "$check"
        if [ "$rc" -eq 0 ] && diff "${check%.sql}.out" "$out_file" > "$tmp/diff"; then
            pass "$name: the rows are as expected"
        else
            fail "$name: the rows are as expected"
            { cat "$tmp/diff"; cat "$err_file"; } | diag
        fi
    fi
done

# One transaction: a migration that fails half-way leaves everything as it was. A second
# run of the same migration fails (the database is NEW by then) and changes nothing.
if migrate combined && run < "$cases/combined.$engine.sql" && [ "$rc" -eq 0 ]; then
    run <<< "SELECT count(*) FROM people; SELECT count(*) FROM comments;"
    before=$(cat "$out_file")
    run < "$cases/combined.$engine.sql"
    if [ "$rc" -ne 0 ]; then
        pass "atomic: the migration fails on a database it already migrated"
    else
        fail "atomic: the migration fails on a database it already migrated"
    fi
    run <<< "SELECT count(*) FROM people; SELECT count(*) FROM comments;"
    if [ "$rc" -eq 0 ] && [ "$(cat "$out_file")" = "$before" ] && [ "$before" = $'2\n0' ]; then
        pass "atomic: ... and leaves its tables and rows as they were"
    else
        fail "atomic: ... and leaves its tables and rows as they were"
        report
    fi
fi

# A control: the foreign-key check before COMMIT does fail a migration that breaks a key.
if [ "$engine" = sqlite ] && migrate retype_safe; then
    sed 's/^DROP TABLE mg_old_readings;$/&\nINSERT INTO readings (id, count, flag, at, kind) VALUES (9, 1, 0, 0, '"'x'"');\nCREATE TABLE mg_dangling (id INTEGER PRIMARY KEY, r INTEGER REFERENCES readings (id));\nINSERT INTO mg_dangling VALUES (1, 99);/' \
        "$cases/retype_safe.sqlite.sql" > "$tmp/broken.sql"
    run < "$tmp/broken.sql"
    if [ "$rc" -ne 0 ] && grep -q "mg_dangling row 1 refers to a readings row that does not exist" "$err_file"; then
        pass "control: a migration that leaves a dangling key fails at the check before COMMIT"
    else
        fail "control: a migration that leaves a dangling key fails at the check before COMMIT"
        report
    fi
fi
# A control: without the guard's last statement, the same failing migration run without
# -bail does commit what ran after its failed checks; so it is the guard that stops it.
if [ "$engine" = sqlite ] && migrate restrict_fails; then
    before=$(dump)
    grep -v '^INSERT INTO mg_guard ' "$cases/restrict_fails.sqlite.sql" > "$tmp/unguarded.sql"
    run_on < "$tmp/unguarded.sql"
    if [ "$(dump)" != "$before" ]; then
        pass "control: without the guard, a failed migration run without -bail commits a change"
    else
        fail "control: without the guard, a failed migration run without -bail commits a change"
    fi
fi
tap_done
