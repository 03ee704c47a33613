#!/usr/bin/env bash
# cluster.sh COMMAND: what the fault and standby tests do to the private server of
# tests/pg/with-postgres.sh, from inside its CMD (it reads the MODELGEN_PG_* variables
# the harness exports).  Prints nothing on success unless said; on failure, the
# reason and the end of the server's log, to stderr, and exits 1.
#
#   restart          pg_ctl restart -m fast (every connection is cut)
#   stop             pg_ctl stop -m fast
#   start            pg_ctl start on the same port
#   standby          pg_basebackup -R into $MODELGEN_PG_DIR/standby, start it on a free
#                    port as a hot standby; prints the port
#   standby-caught-up PORT  wait until the standby has replayed everything the primary
#                    has written so far (synchronous_commit is off: its insert position)
#   promote          pg_ctl promote the standby
#
# The harness stops the standby at the end (it stops every server under its directory).
set -euo pipefail

readonly PROG=${0##*/}
for v in MODELGEN_PG_DIR MODELGEN_PG_DATA MODELGEN_PG_CTL MODELGEN_PG_LOG PGPORT; do
    if [[ -z ${!v:-} ]]; then
        echo "$PROG: $v is not set: run under tests/pg/with-postgres.sh" >&2
        exit 1
    fi
done
readonly dir=$MODELGEN_PG_DIR data=$MODELGEN_PG_DATA pg_ctl=$MODELGEN_PG_CTL
readonly standby=$dir/standby standby_log=$dir/standby.log
bindir=$(dirname "$(readlink -f "$pg_ctl")")
readonly bindir

as_pg() {  # as the server's user, from a directory that user can enter
    local user=${MODELGEN_PG_SERVER_USER:-}
    if [[ -z $user ]]; then
        (cd "$dir" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$dir" && runuser -u "$user" -- "$@")
    else
        (cd "$dir" && setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" \
                              --init-groups -- "$@")
    fi
}

die() {
    local log=${2:-$MODELGEN_PG_LOG}
    echo "$PROG: $1" >&2
    if [[ -r $log ]]; then
        echo "----- last lines of $log -----" >&2
        tail -n 15 "$log" >&2
    fi
    exit 1
}

port_in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

psql_at() {  # psql_at PORT SQL: one value
    psql -X -q -A -t -h 127.0.0.1 -p "$1" -U modelgen -d postgres -c "$2"
}

case ${1:-} in
restart)
    as_pg "$pg_ctl" restart -D "$data" -m fast -w -t 60 -l "$MODELGEN_PG_LOG" >/dev/null ||
        die "pg_ctl restart failed"
    ;;
stop)
    as_pg "$pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null || die "pg_ctl stop failed"
    ;;
start)
    as_pg "$pg_ctl" start -D "$data" -w -t 60 -l "$MODELGEN_PG_LOG" -o "-p $PGPORT" \
        >/dev/null || die "pg_ctl start failed"
    ;;
standby)
    [[ -e $standby ]] && die "$standby exists already"
    as_pg "$bindir/pg_basebackup" -D "$standby" -R -X stream -c fast \
        -h 127.0.0.1 -p "$PGPORT" -U modelgen >"$dir/basebackup.log" 2>&1 ||
        die "pg_basebackup failed: $(cat "$dir/basebackup.log")"
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
        port_in_use "$port" && continue
        : >"$standby_log"
        [[ -n ${MODELGEN_PG_SERVER_USER:-} ]] && chown "$MODELGEN_PG_SERVER_USER" "$standby_log"
        if as_pg "$pg_ctl" start -D "$standby" -w -t 60 -l "$standby_log" -o "-p $port" \
                >/dev/null 2>&1; then
            echo "$port"
            exit 0
        fi
        [[ -f $standby/postmaster.pid ]] && break
        grep -qE 'could not bind|could not create any TCP/IP sockets' "$standby_log" || break
    done
    die "cannot start the standby" "$standby_log"
    ;;
standby-caught-up)
    [[ -n ${2:-} ]] || die "usage: $PROG standby-caught-up STANDBY_PORT"
    lsn=$(psql_at "$PGPORT" "SELECT pg_current_wal_insert_lsn()") || die "cannot ask the primary"
    for _ in $(seq 1 200); do
        done_=$(psql_at "$2" "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn") ||
            die "cannot ask the standby" "$standby_log"
        [[ $done_ == t ]] && exit 0
        sleep 0.05
    done
    die "the standby did not catch up with $lsn" "$standby_log"
    ;;
promote)
    as_pg "$pg_ctl" promote -D "$standby" -w -t 60 >/dev/null ||
        die "pg_ctl promote failed" "$standby_log"
    ;;
*)
    echo "usage: $PROG restart|stop|start|standby|standby-caught-up PORT|promote" >&2
    exit 2
    ;;
esac
