/* A PostgreSQL connection that is lost: its backend terminated from a second connection
   (pg_terminate_backend), the server restarted, or stopped for a while. The rule
   (runtime/postgres.c): the call that meets the loss fails with MG_ERROR saying so and
   is never retried; outside a transaction the next call reconnects; a transaction open
   at the loss is gone, nothing of it is committed, and every call fails until
   mg_rollback (which reconnects) or mg_commit (MG_ERROR) ends it.

     tests/pg/with-postgres.sh --tap build-pg/test_pg_faults tests/pgfault/cluster.sh */
#include "pgfault.h"

#include <libpq-fe.h>

static mg_db *db;
static mg_db *side;     /* looks from outside, and terminates db's backend */

/* Terminates db's backend and waits until it is gone. */
static void terminate(void)
{
    char sql[128];
    int64_t done = 0;
    int pid = PQbackendPID(mg_postgres(db));

    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d, 10000)::int", pid);
    if (mg_query_int(side, sql, &done) != MG_OK || done != 1)
        printf("#   could not terminate backend %d: %s\n", pid, mg_errmsg(side));
}

static bool lost(int rc)
{
    return rc == MG_ERROR && contains(mg_errmsg(db), "lost the connection");
}

static void test_terminated_outside_transaction(void)
{
    struct note n;
    int64_t id = 0, first = 0, count = 0;
    int pid;
    int rc;

    ok(add_note(db, "first", &first) == MG_OK, "an insert (its statement is prepared)");
    ok(mg_get_by_id(db, &note_model, select_note, first, &n) == MG_OK, "a read");
    mg_free_row(&note_model, &n);
    pid = PQbackendPID(mg_postgres(db));
    terminate();

    rc = add_note(db, "during", &id);
    ok(lost(rc), "the insert after the backend is terminated: MG_ERROR, lost");
    printf("#   %s\n", mg_errmsg(db));
    is_int(notes_with(side, "during"), 0, "... it did not happen, and is not retried");
    ok(!mg_in_transaction(db), "... no transaction");

    rc = add_note(db, "after", &id);
    is_int(rc, MG_OK, "the next insert reconnects and works");
    ok(PQbackendPID(mg_postgres(db)) != pid, "... on a new backend");
    is_int(notes_with(side, "after"), 1, "... once");
    rc = mg_get_by_id(db, &note_model, select_note, first, &n);
    ok(rc == MG_OK && contains(n.body, "first"), "a statement cached before is prepared again");
    mg_free_row(&note_model, &n);
    rc = add_note(db, "during", &id);
    is_int(rc, MG_OK, "the statement that failed works now");

    /* the other entry points reconnect too */
    terminate();
    is_int(mg_exec(db, "SELECT 1"), MG_ERROR, "mg_exec after a termination: MG_ERROR");
    is_int(mg_query_int(db, count_notes, &count), MG_OK, "then mg_query_int reconnects");
    terminate();
    is_int(mg_query_int(db, count_notes, &count), MG_ERROR, "mg_query_int: MG_ERROR");
    is_int(mg_exec(db, "SELECT 1"), MG_OK, "then mg_exec reconnects");
    terminate();
    is_int(mg_begin(db), MG_ERROR, "mg_begin after a termination: MG_ERROR");
    ok(!mg_in_transaction(db), "... no transaction");
    is_int(mg_begin(db), MG_OK, "then mg_begin reconnects");
    is_int(mg_commit(db), MG_OK, "... and the transaction commits");
}

static void test_terminated_inside_transaction(void)
{
    int64_t id = 0, count = 0;
    int rc;

    /* a statement meets the loss */
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(add_note(db, "tx one", &id), MG_OK, "an insert in the transaction");
    terminate();
    rc = add_note(db, "tx two", &id);
    ok(lost(rc), "the next insert: MG_ERROR, lost");
    printf("#   %s\n", mg_errmsg(db));
    ok(contains(mg_errmsg(db), "rolled back"), "... says the transaction was rolled back");
    ok(mg_in_transaction(db), "the transaction still waits to be ended");
    is_int(mg_get_count(db, count_notes, NULL, 0, &count), MG_ERROR,
           "every call fails until then (no silent reconnect into autocommit)");
    is_int(mg_exec(db, "SELECT 1"), MG_ERROR, "... mg_exec too");
    is_int(mg_begin(db), MG_ERROR, "... and mg_begin: no savepoint opens in it");
    rc = mg_commit(db);
    is_int(rc, MG_ERROR, "mg_commit: MG_ERROR");
    printf("#   %s\n", mg_errmsg(db));
    ok(!mg_in_transaction(db), "... the transaction is over");
    is_int(notes_with(side, "tx one"), 0, "nothing of it was committed");
    is_int(add_note(db, "tx three", &id), MG_OK, "the next call reconnects and works");
    is_int(notes_with(side, "tx three"), 1, "... committed on its own");

    /* ended by mg_rollback */
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(add_note(db, "tx four", &id), MG_OK, "an insert in the transaction");
    terminate();
    ok(lost(add_note(db, "tx five", &id)), "the next insert: lost");
    is_int(mg_rollback(db), MG_OK, "mg_rollback: MG_OK, and it reconnects");
    ok(!mg_in_transaction(db), "... no transaction");
    is_int(PQstatus(mg_postgres(db)), CONNECTION_OK, "... the connection is back already");
    is_int(notes_with(side, "tx four"), 0, "nothing of it was committed");
    is_int(add_note(db, "tx six", &id), MG_OK, "the next call works");

    /* the loss met by mg_rollback itself */
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(add_note(db, "tx rolled", &id), MG_OK, "an insert in the transaction");
    terminate();
    is_int(mg_rollback(db), MG_OK, "mg_rollback right after a termination: MG_OK");
    ok(!mg_in_transaction(db), "... no transaction");
    is_int(notes_with(side, "tx rolled"), 0, "nothing of it was committed");
    is_int(add_note(db, "tx after rollback", &id), MG_OK, "the next call works");

    /* the loss met by the COMMIT itself: the outcome cannot be known by the client */
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(add_note(db, "tx seven", &id), MG_OK, "an insert in the transaction");
    terminate();
    rc = mg_commit(db);
    is_int(rc, MG_ERROR, "mg_commit after a termination: MG_ERROR");
    ok(contains(mg_errmsg(db), "lost") && contains(mg_errmsg(db), "COMMIT"),
       "... says the COMMIT's outcome is unknown: %s", mg_errmsg(db));
    ok(!mg_in_transaction(db), "... no transaction");
    is_int(notes_with(side, "tx seven"), 0, "(here it had not committed)");
    is_int(add_note(db, "tx eight", &id), MG_OK, "the next call works");
}

static void test_restart(void)
{
    int64_t count = 0, id = 0;
    char uri[256];
    mg_db *down = NULL;
    int rc;

    is_int(mg_get_count(db, count_notes, NULL, 0, &count), MG_OK, "a count before the restart");
    ok(cluster("restart", NULL, 0) == 0, "pg_ctl restart");
    rc = mg_get_count(db, count_notes, NULL, 0, &count);
    ok(lost(rc), "the count after it: MG_ERROR, lost");
    printf("#   %s\n", mg_errmsg(db));
    rc = mg_get_count(db, count_notes, NULL, 0, &count);
    is_int(rc, MG_OK, "the next count reconnects and works");
    mg_close(side);
    side = open_or_bail(getenv("MODELGEN_TEST_URI"));

    /* a transaction across a restart */
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(add_note(db, "restart one", &id), MG_OK, "an insert in the transaction");
    ok(cluster("restart", NULL, 0) == 0, "pg_ctl restart");
    ok(lost(add_note(db, "restart two", &id)), "the next insert: lost");
    is_int(mg_commit(db), MG_ERROR, "mg_commit: MG_ERROR");
    mg_close(side);
    side = open_or_bail(getenv("MODELGEN_TEST_URI"));
    is_int(notes_with(side, "restart one"), 0, "nothing of it was committed");
    is_int(add_note(db, "restart three", &id), MG_OK, "the next call works");

    /* a server that stays down for a while */
    ok(cluster("stop", NULL, 0) == 0, "pg_ctl stop");
    ok(lost(mg_get_count(db, count_notes, NULL, 0, &count)), "a call: lost");
    rc = mg_get_count(db, count_notes, NULL, 0, &count);
    is_int(rc, MG_ERROR, "the next call tries to reconnect: MG_ERROR");
    ok(contains(mg_errmsg(db), "cannot reconnect"), "... %s", mg_errmsg(db));
    is_int(mg_rollback(db), MG_OK, "mg_rollback with the server down: MG_OK");
    snprintf(uri, sizeof uri, "%s", getenv("MODELGEN_TEST_URI"));
    rc = mg_open(uri, &down);
    ok(rc == MG_ERROR && down == NULL, "mg_open with the server down: MG_ERROR");
    ok(contains(mg_open_errmsg(), "cannot connect to PostgreSQL"), "... %s", mg_open_errmsg());
    ok(cluster("start", NULL, 0) == 0, "pg_ctl start");
    rc = mg_get_count(db, count_notes, NULL, 0, &count);
    is_int(rc, MG_OK, "the next call reconnects and works");
    is_int(add_note(db, "back", &id), MG_OK, "... writes too");
    mg_close(side);
    side = open_or_bail(getenv("MODELGEN_TEST_URI"));
    is_int(notes_with(side, "back"), 1, "... committed");
}

int main(int argc, char **argv)
{
    const char *host = getenv_or_skip("PGHOST"), *port = getenv_or_skip("PGPORT");
    static char uri[256];

    getenv_or_skip("MODELGEN_PG_DATA");
    if (argc < 2) {
        printf("Bail out! usage: test_pg_faults tests/pgfault/cluster.sh\n");
        return 1;
    }
    cluster_script = argv[1];
    snprintf(uri, sizeof uri, "postgresql://modelgen@%s:%s/postgres?connect_timeout=10", host,
             port);
    setenv("MODELGEN_TEST_URI", uri, 1);
    db = open_or_bail(uri);
    side = open_or_bail(uri);
    if (!is_int(mg_exec(db, create_notes), MG_OK, "create the table"))
        printf("# %s\n", mg_errmsg(db));
    test_terminated_outside_transaction();
    test_terminated_inside_transaction();
    test_restart();
    is_int(mg_close(db), MG_OK, "mg_close");
    mg_close(side);
    return done_testing();
}
