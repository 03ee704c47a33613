#!/usr/bin/env bash
# Processes that start together (issue 12): in every round, 8 processes wait at a gate (a
# FIFO they all read, gate.c) and are released at the same moment by its closing; 5 run
# the generated app_migrate (3 migrations, one with a backfill) and 3 run modelgen apply on
# the same database: an SQLite file, or (ENGINE=postgres, under tests/pg/with-postgres.sh)
# a database of a PostgreSQL server. ROUNDS rounds from each starting point: empty (on
# SQLite, no file at all), at 0001, at 0002, and up to date. Every process must return
# MG_OK (apply: exit 0), and each migration must be recorded exactly once, its backfill
# run once. Prints TAP: one line per starting point. A control follows: the same rounds
# from empty, with app_migrate alone and linked against a runtime without its write lock
# (SQLite's BEGIN IMMEDIATE made a plain BEGIN, PostgreSQL's advisory lock taken away),
# must fail, or the gate does not start the processes together.
#
#   [ENGINE=sqlite|postgres] concurrent.sh MODELGEN RUNTIME_DIR [ROUNDS]
set -u
modelgen=$(realpath "$1")
runtime_dir=$(realpath "$2")
rounds=${3:-25}
db_engine=${ENGINE:-sqlite}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
readonly PROCESSES=8

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
mkfifo "$tmp/gate.fifo" || bail "mkfifo"

# round START R: one round; prints what went wrong, returns 1 if anything did. With
# $control, every process runs $tmp/control/migrator and failures are only counted.
control=
round() {
    local start=$1 r=$2 db i wrong=0
    db=$(newdb "r${start}_$r") || { echo "# cannot make the database"; return 1; }
    if [ "$start" -gt 0 ]; then
        "$modelgen" apply --db "$db" --dir "$tmp/m$start" > "$tmp/prepare.log" 2>&1 ||
            { sed 's/^/# /' "$tmp/prepare.log"; return 1; }
    fi
    rm -f "$tmp"/ready.* "$tmp"/out.* "$tmp"/err.*
    # the test's end of the gate, read-write so that opening it blocks nobody
    exec 9<> "$tmp/gate.fifo"
    local pids=() kinds=()
    for ((i = 0; i < PROCESSES; i++)); do
        local cmd
        if [ -n "$control" ]; then
            cmd=("$tmp/control/migrator" "$db" migrate)
            kinds+=(app_migrate)
        elif [ $((i % 3)) -eq 1 ]; then
            cmd=("$modelgen" apply --db "$db" --dir "$tmp/m3")
            kinds+=(apply)
        else
            cmd=("$tmp/v3/migrator" "$db" migrate)
            kinds+=(app_migrate)
        fi
        "$tmp/gate" "$tmp/gate.fifo" "$tmp/ready.$i" "${cmd[@]}" \
            > "$tmp/out.$i" 2> "$tmp/err.$i" 9>&- &
        pids+=($!)
    done
    local waiting=0
    for _ in $(seq 1000); do
        waiting=$(find "$tmp" -maxdepth 1 -name 'ready.*' | wc -l)
        [ "$waiting" -eq $PROCESSES ] && break
        sleep 0.01
    done
    [ "$waiting" -eq $PROCESSES ] || { echo "# only $waiting processes reached the gate"; wrong=1; }
    exec 9>&-   # the gate opens: every process reads end of file at once
    for ((i = 0; i < PROCESSES; i++)); do
        wait "${pids[$i]}"
        local s=$?
        if [ $s -ne 0 ] || { [ "${kinds[$i]}" = app_migrate ] && ! grep -qx MG_OK "$tmp/out.$i"; }; then
            if [ -z "$control" ]; then
                echo "# round $r from $start: process $i (${kinds[$i]}) exit $s:"
                sed 's/^/#   /' "$tmp/out.$i" "$tmp/err.$i" | head -5
            else
                control_failures=$((control_failures + 1))
                [ $control_failures -eq 1 ] && sed 's/^/#   the first failure: /' "$tmp/err.$i"
            fi
            wrong=1
        fi
    done
    applied_by_apply=$((applied_by_apply + $(cat "$tmp"/out.* | grep -c '^applied ')))
    local got
    got=$(sql "$db" "SELECT count(*) FROM modelgen_migrations")/$(sql "$db" \
        "SELECT count(DISTINCT version) FROM modelgen_migrations")/$(sql "$db" \
        "SELECT max(version) FROM modelgen_migrations")/$(sql "$db" \
        "SELECT count(*) FROM tags WHERE label = 'backfilled'")
    if [ "$got" != 3/3/3/1 ] && [ -z "$control" ]; then
        echo "# round $r from $start: records/versions/last/backfills $got, want 3/3/3/1"
        wrong=1
    fi
    if [ "$db_engine" = postgres ]; then
        "$tmp/v3/migrator" "postgresql:///postgres" exec "DROP DATABASE r${start}_$r" ||
            wrong=1
    fi
    return $wrong
}

echo "# $db_engine: $rounds rounds from each start, $PROCESSES processes each"
for start in 0 1 2 3; do
    bad=0 applied_by_apply=0
    for ((r = 1; r <= rounds; r++)); do
        round "$start" "$r" || bad=$((bad + 1))
    done
    case $start in
    0) from="empty" ;;
    3) from="up to date" ;;
    *) from="at 000$start" ;;
    esac
    echo "# from $from: the apply processes saw $applied_by_apply migrations recorded while they ran ($(((3 - start) * rounds)) were applied in all)"
    [ $bad -eq 0 ]
    ok $? "from $from, $rounds rounds of $PROCESSES processes released together: every one MG_OK or exit 0, each migration recorded once, its backfill run once ($bad bad rounds)"
done

# ---- the control ----
mkdir -p "$tmp/control"
sed 's/"BEGIN IMMEDIATE"/"BEGIN"/' "$runtime_dir/sqlite.c" > "$tmp/control/sqlite.c"
grep -q '"BEGIN IMMEDIATE"' "$tmp/control/sqlite.c" && bail "the control's sqlite.c still has BEGIN IMMEDIATE"
control_sources=("$runtime_dir/core.c" "$tmp/control/sqlite.c")
if [ -f "$runtime_dir/postgres.c" ] && [ ${#pq_libs[@]} -gt 0 ]; then
    sed 's/pg_advisory_xact_lock([0-9]*)/1/' "$runtime_dir/postgres.c" > "$tmp/control/postgres.c"
    grep -q 'pg_advisory_xact_lock' "$tmp/control/postgres.c" &&
        bail "the control's postgres.c still takes the advisory lock"
    control_sources+=("$tmp/control/postgres.c")
fi
step "$cc: the control's migrator" "$cc" "${cflags[@]}" "${core_defines[@]}" "${pq_cflags[@]}" \
    -I "$tmp/v3" -I "$runtime_dir" "$here/migrator.c" "$tmp/v3/app.c" "${control_sources[@]}" \
    -lsqlite3 "${pq_libs[@]}" -o "$tmp/control/migrator"
control=1 control_failures=0 bad=0
control_rounds=$rounds
for ((r = 1; r <= control_rounds; r++)); do
    round 0 "c$r" || bad=$((bad + 1))
done
[ $bad -gt 0 ]
ok $? "control: without the write lock, $bad of $control_rounds rounds from empty fail ($control_failures of $((control_rounds * PROCESSES)) processes)"

echo "1..$n"
[ "$failed" -eq 0 ]
