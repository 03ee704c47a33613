#!/usr/bin/env bash
# with-postgres.sh [--tap] [--] CMD [ARGS...]
#
# Run CMD against a private, throw-away PostgreSQL server: initdb into a fresh
# temporary directory, start the server on 127.0.0.1 and a free port, export
# PGHOST/PGPORT/PGUSER/PGDATABASE (and MODELGEN_PG_LOG, the server log) for
# CMD, run it, then always stop the server and delete the directory.  Exits
# with CMD's status.  See tests/pg/README.md.
#
#   --tap   CMD speaks TAP (meson protocol : 'tap').  Meson counts a non-zero
#           exit of a TAP test as an error, even 77, so in this mode a missing
#           server is reported as "1..0 # SKIP ..." on stdout with exit 0.
#
# Environment:
#   MODELGEN_REQUIRE_PG=1   a missing server is an error (exit 1), never a skip
#   MODELGEN_PG_BINDIR=DIR  take initdb/pg_ctl/postgres from DIR
#
# Besides PGHOST/PGPORT/PGUSER/PGDATABASE and MODELGEN_PG_LOG, CMD gets what a
# test needs to restart the server or add a standby (tests/pgfault/cluster.sh):
#   MODELGEN_PG_DIR          the temporary directory (the server user may write it)
#   MODELGEN_PG_DATA         the data directory ($MODELGEN_PG_DIR/data)
#   MODELGEN_PG_CTL          the pg_ctl that started the server
#   MODELGEN_PG_SERVER_USER  the user the server runs as when we are root, else ""
# Any other server started on a data directory directly under MODELGEN_PG_DIR
# (e.g. a standby in $MODELGEN_PG_DIR/standby) is stopped at the end too.
set -euo pipefail

readonly PROG=${0##*/}
readonly ORIG_PWD=$PWD
readonly SKIP_MSG="PostgreSQL server binaries not found; install the 'postgresql' package"

tap=0
while (($#)); do
    case $1 in
        --tap) tap=1; shift ;;
        --) shift; break ;;
        -h|--help) sed -n '2,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
        -*) echo "$PROG: unknown option: $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
if (($# == 0)); then
    echo "usage: $PROG [--tap] [--] CMD [ARGS...]" >&2
    exit 2
fi

die() { echo "$PROG: $*" >&2; exit 1; }

# ---------------------------------------------------------------- binaries --
# (postgres itself is not called directly: pg_ctl runs the one next to it)
initdb_bin='' pg_ctl_bin=''

use_dir() {  # use_dir DIR: take the binaries from DIR if it has all three
    [[ -x $1/initdb && -x $1/pg_ctl && -x $1/postgres ]] || return 1
    initdb_bin=$1/initdb pg_ctl_bin=$1/pg_ctl
}

find_binaries() {
    if [[ -n ${MODELGEN_PG_BINDIR:-} ]]; then
        use_dir "$MODELGEN_PG_BINDIR" ||
            die "MODELGEN_PG_BINDIR=$MODELGEN_PG_BINDIR has no initdb, pg_ctl and postgres"
        return 0
    fi
    local i p
    if i=$(command -v initdb) && p=$(command -v pg_ctl) && command -v postgres >/dev/null; then
        initdb_bin=$i pg_ctl_bin=$p
        return 0
    fi
    # Debian/Ubuntu keep the server out of PATH; RHEL uses /usr/pgsql-N.
    local d
    while IFS= read -r d; do
        use_dir "$d" && return 0
    done < <(shopt -s nullglob
             for d in /usr/lib/postgresql/*/bin /usr/pgsql-*/bin; do
                 v=${d%/bin}; printf '%s\t%s\n' "${v##*[-/]}" "$d"
             done | sort -t $'\t' -k1,1Vr | cut -f2-)
    return 1
}

if ! find_binaries; then
    if [[ ${MODELGEN_REQUIRE_PG:-} == 1 ]]; then
        echo "ERROR: $SKIP_MSG (MODELGEN_REQUIRE_PG=1 forbids skipping)" >&2
        ((tap)) && echo "Bail out! $SKIP_MSG"
        exit 1
    fi
    echo "SKIP: $SKIP_MSG" >&2
    if ((tap)); then
        echo "1..0 # SKIP $SKIP_MSG"
        exit 0
    fi
    exit 77
fi

# ------------------------------------------------------------- privileges --
# PostgreSQL refuses to run as root.  As root, run the server side as an
# unprivileged user; CMD itself keeps running as the caller, over TCP.
pg_user=
if [[ $(id -u) == 0 ]]; then
    if id -u postgres >/dev/null 2>&1; then pg_user=postgres; else pg_user=nobody; fi
    id -u "$pg_user" >/dev/null 2>&1 || die "running as root and no 'postgres' or 'nobody' user to run the server as"
fi

as_pg() {  # as_pg CMD [ARGS...]: run as the server user
    if [[ -z $pg_user ]]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$pg_user" -- "$@"
    elif command -v setpriv >/dev/null 2>&1; then
        setpriv --reuid="$(id -u "$pg_user")" --regid="$(id -g "$pg_user")" --init-groups -- "$@"
    else
        su -s /bin/bash "$pg_user" -c "$(printf '%q ' "$@")"
    fi
}

# ------------------------------------------------------------- temp dir --
tmp='' data='' log='' watchdog='' child='' status=1

# shellcheck disable=SC2317  # only called from the trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    set +e
    if [[ -n $tmp && -d $tmp ]]; then
        local dir pid
        # the server, and any other a test started in a directory of $tmp
        for dir in "$data" "$tmp"/*/; do
            dir=${dir%/}
            [[ -f $dir/postmaster.pid ]] || continue
            (cd "$tmp" && as_pg "$pg_ctl_bin" stop -D "$dir" -m immediate -w -t 10) >/dev/null 2>&1
            if [[ -f $dir/postmaster.pid ]]; then   # pg_ctl failed: kill it
                pid=$(head -n1 "$dir/postmaster.pid" 2>/dev/null)
                [[ $pid =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null
            fi
        done
        cd / && rm -rf -- "$tmp"
    fi
    [[ -n $watchdog ]] && kill "$watchdog" 2>/dev/null
    return "$rc"
}
trap cleanup EXIT

got_signal=
# shellcheck disable=SC2317  # only called from traps
on_signal() {
    got_signal=$1
    if [[ -n $child ]]; then
        kill -s "$1" "$child" 2>/dev/null || true
    else
        exit $((128 + $(kill -l "$1")))
    fi
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

make_tmp() {  # make_tmp PARENT: fresh dir the server user can write
    tmp=$(mktemp -d "$1/modelgen-pg.XXXXXX") || return 1
    if [[ -n $pg_user ]]; then
        chown "$pg_user:$(id -gn "$pg_user")" "$tmp"
        if ! as_pg test -w "$tmp" -a -x "$tmp" 2>/dev/null; then
            rm -rf -- "$tmp"; tmp=; return 1
        fi
    fi
}
# The Unix socket path ($tmp/.s.PGSQL.NNNNN) must stay under 108 bytes, and
# as root the server user must be able to reach the directory; fall back to
# /tmp if TMPDIR does not allow that.
parent=${TMPDIR:-/tmp}; parent=${parent%/}
if ((${#parent} > 60)) || ! make_tmp "$parent"; then
    make_tmp /tmp || die "cannot create a temporary directory for the server"
fi
data=$tmp/data
log=$tmp/postgres.log

# Watchdog outside our process group: if this script is SIGKILLed (meson does
# that 0.5 s after SIGTERM on a timeout) it stops the server and removes $tmp.
if command -v setsid >/dev/null 2>&1; then
    # shellcheck disable=SC2016  # expanded by the inner bash
    setsid bash -c '
        trap "" HUP INT
        while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done
        [ -d "$2" ] || exit 0
        for f in "$2"/*/postmaster.pid; do
            pid=$(head -n1 "$f" 2>/dev/null)
            case $pid in ""|*[!0-9]*) ;; *)
                kill -QUIT "$pid" 2>/dev/null
                for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
                    [ -f "$f" ] || break; sleep 0.25
                done
                kill -KILL "$pid" 2>/dev/null ;;
            esac
        done
        rm -rf -- "$2"' with-postgres-watchdog "$$" "$tmp" </dev/null >/dev/null 2>&1 &
    watchdog=$!
fi

# ---------------------------------------------------------------- initdb --
cd "$tmp"
if ! as_pg "$initdb_bin" -D "$data" -U modelgen --auth=trust -E UTF8 --locale=C \
        --no-sync >"$tmp/initdb.log" 2>&1; then
    echo "$PROG: initdb failed:" >&2
    cat "$tmp/initdb.log" >&2
    exit 1
fi

sq() { printf "'%s'" "${1//\'/\'\'}"; }  # quote a postgresql.conf string
cat >>"$data/postgresql.conf" <<EOF

# --- added by $PROG: private throw-away test server ---
listen_addresses = '127.0.0.1'
unix_socket_directories = $(sq "$tmp")
fsync = off
full_page_writes = off
synchronous_commit = off
EOF

# ----------------------------------------------------------------- start --
port_in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
random_port() { echo $((20000 + (RANDOM * 32768 + RANDOM) % 40001)); }

started=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$(random_port)
    port_in_use "$port" && continue
    : >"$log"; [[ -n $pg_user ]] && chown "$pg_user" "$log"
    # Another test may grab the same port between the check and the bind:
    # then the server fails with "could not bind" and we try another port.
    if as_pg "$pg_ctl_bin" start -w -t "${MODELGEN_PG_START_TIMEOUT:-60}" \
            -D "$data" -l "$log" -o "-p $port" >"$tmp/pg_ctl.log" 2>&1; then
        started=1
        break
    fi
    [[ -f $data/postmaster.pid ]] && break   # running but not ready: give up
    grep -qE 'could not bind IPv4 address|could not create any TCP/IP sockets' "$log" || break
done
if ((!started)); then
    echo "$PROG: could not start the PostgreSQL server (port ${port:-none})" >&2
    [[ -s $tmp/pg_ctl.log ]] && sed 's/^/pg_ctl: /' "$tmp/pg_ctl.log" >&2
    echo "----- server log $log -----" >&2
    cat "$log" >&2 2>/dev/null || true
    exit 1
fi

# ------------------------------------------------------------------- run --
unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGSSLMODE PGREQUIRESSL PGOPTIONS \
      PGPASSWORD PGTARGETSESSIONATTRS PGDATA
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=modelgen PGDATABASE=postgres
export MODELGEN_PG_LOG=$log
export MODELGEN_PG_DIR=$tmp MODELGEN_PG_DATA=$data MODELGEN_PG_CTL=$pg_ctl_bin \
       MODELGEN_PG_SERVER_USER=$pg_user

cd "$ORIG_PWD"
# CMD runs in the background so that signals reach our traps at once; give it
# our stdin explicitly (a background job would otherwise get /dev/null).
# (the 2>/dev/null is on a group so that it ends with it: on a bare exec it would stay)
if ! { exec {stdin_fd}<&0; } 2>/dev/null; then exec {stdin_fd}</dev/null; fi
"$@" <&"$stdin_fd" {stdin_fd}<&- &
child=$!
exec {stdin_fd}<&-
while :; do
    got_signal=
    set +e; wait "$child"; status=$?; set -e
    [[ -z $got_signal ]] && break
    kill -0 "$child" 2>/dev/null && continue    # interrupted; still running
    set +e; wait "$child" 2>/dev/null; s=$?; set -e
    ((s != 127)) && status=$s
    break
done
child=
exit "$status"
