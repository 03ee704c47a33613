#!/usr/bin/env bash
# Self-test of the PostgreSQL harness, and of the one PostgreSQL behaviour
# modelgen relies on: a DEFERRABLE INITIALLY DEFERRED foreign key is checked
# at COMMIT, so a dangling reference fails there and a reference cycle can be
# filled inside one transaction.  Prints TAP; exits non-zero on any failure.
#
#   tests/pg/with-postgres.sh --tap bash tests/pg/selftest.sh
set -uo pipefail

echo "1..8"

if [[ -z ${PGHOST:-} || -z ${PGPORT:-} ]]; then
    echo "Bail out! PGHOST/PGPORT not set; run me through tests/pg/with-postgres.sh"
    exit 1
fi

failures=0
n=0
out=
rc=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failures=$((failures + 1))
    echo "not ok $n - $1"
    shift
    local line
    for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}
check() {  # check DESCRIPTION CONDITION...: pass if the condition holds
    local desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc" "exit status: $rc" "output:" "$out"; fi
}

# Everything happens in a private schema, so the script would also be
# harmless against a server that is not throw-away.
schema="modelgen_selftest_$$"
export PGOPTIONS="-c search_path=$schema -c client_min_messages=warning"

# sql [STDIN]: run SQL from stdin; sets $out (stdout+stderr) and $rc
sql() {
    out=$(psql -v ON_ERROR_STOP=1 -X -q -A -t 2>&1)
    rc=$?
}
q() {  # q SQL: run one query, as sql()
    sql <<<"$1"
}

# 1: the server is the private one: TCP 127.0.0.1, our superuser, fsync off
q "SELECT inet_server_addr() || ' ' || current_user || ' ' || current_setting('fsync');"
check "server reachable on 127.0.0.1 as modelgen" test "$rc" = 0 -a "$out" = "127.0.0.1/32 modelgen off"

# 2: schema with a reference cycle; the back edge is deferred
sql <<SQL
CREATE SCHEMA $schema;
CREATE TABLE profile (
    id         integer PRIMARY KEY,
    created_by integer
);
CREATE TABLE app_user (
    id         integer PRIMARY KEY,
    profile_id integer NOT NULL REFERENCES profile (id)
);
ALTER TABLE profile ADD CONSTRAINT profile_created_by_fkey
    FOREIGN KEY (created_by) REFERENCES app_user (id)
    DEFERRABLE INITIALLY DEFERRED;
SQL
check "create tables with a DEFERRABLE INITIALLY DEFERRED foreign key" test "$rc" = 0

q "SELECT condeferrable, condeferred FROM pg_constraint
   WHERE conname = 'profile_created_by_fkey' AND connamespace = '$schema'::regnamespace;"
check "catalog shows the constraint as deferrable, initially deferred" test "$rc" = 0 -a "$out" = "t|t"

# 3: a dangling reference is accepted by the INSERT and rejected by COMMIT
sql <<'SQL'
BEGIN;
INSERT INTO profile VALUES (1, 999);
SELECT 'insert-accepted';
COMMIT;
SQL
check "dangling deferred reference fails at COMMIT (psql exits non-zero)" \
    test "$rc" -ne 0
dangling_rc=$rc dangling_out=$out
# shellcheck disable=SC2317  # called via check()
check_dangling() {
    [[ $dangling_out == *insert-accepted* ]] &&
    [[ $dangling_out == *'violates foreign key constraint "profile_created_by_fkey"'* ]]
}
rc=$dangling_rc out=$dangling_out
check "... the INSERT itself was accepted; the error is the FK violation" check_dangling

q "SELECT count(*) FROM profile;"
check "... and nothing was committed" test "$rc" = 0 -a "$out" = "0"

# 4: a valid cycle, filled in one transaction, commits
sql <<'SQL'
BEGIN;
INSERT INTO profile  VALUES (10, 20);   -- refers to a user that does not exist yet
INSERT INTO app_user VALUES (20, 10);
COMMIT;
SELECT p.id || '->' || u.id || '->' || u.profile_id
  FROM profile p JOIN app_user u ON u.id = p.created_by;
SQL
check "valid cycle filled inside one transaction commits" test "$rc" = 0 -a "$out" = "10->20->10"

# 5: control: the same dangling row against the IMMEDIATE foreign key fails
# at the INSERT, before COMMIT, so the test above really measured deferral
sql <<'SQL'
BEGIN;
INSERT INTO app_user VALUES (30, 999);
SELECT 'insert-accepted';
COMMIT;
SQL
# shellcheck disable=SC2317  # called via check()
immediate_fails() {
    [[ $rc -ne 0 && $out != *insert-accepted* && $out == *'violates foreign key constraint "app_user_profile_id_fkey"'* ]]
}
check "control: an immediate foreign key fails at the INSERT" immediate_fails

q "DROP SCHEMA $schema CASCADE;" >/dev/null

if ((n != 8)); then
    echo "# ran $n tests but planned 8"
    failures=$((failures + 1))
fi
if ((failures)); then
    if [[ -n ${MODELGEN_PG_LOG:-} && -r $MODELGEN_PG_LOG ]]; then
        echo "# last lines of the server log ($MODELGEN_PG_LOG):"
        tail -n 20 "$MODELGEN_PG_LOG" | sed 's/^/#   /'
    fi
    echo "# $failures of $n tests failed"
    exit 1
fi
exit 0
