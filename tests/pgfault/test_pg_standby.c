/* A primary and a hot standby (pg_basebackup -R into a second data directory, started on
   another port): reads work on the standby and a write there fails with PostgreSQL's
   read-only error; then the primary stops, the standby is promoted, and a multi-host
   URI with target_session_attrs=read-write reaches the new primary, both for a new
   mg_open and for a connection that was on the old primary (it reconnects at the call
   after the one that met the loss).

     tests/pg/with-postgres.sh --tap build-pg/test_pg_standby tests/pgfault/cluster.sh */
#include "pgfault.h"

static int64_t server_port(mg_db *db)
{
    int64_t port = -1;
    if (mg_query_int(db, "SELECT inet_server_port()", &port) != MG_OK)
        printf("#   inet_server_port: %s\n", mg_errmsg(db));
    return port;
}

int main(int argc, char **argv)
{
    const char *host = getenv_or_skip("PGHOST"), *port = getenv_or_skip("PGPORT");
    char primary_uri[256], standby_uri[256], multi_uri[512], standby_only_uri[512];
    char standby_port[32], cmd[64];
    mg_db *primary, *standby, *multi, *fresh = NULL, *reader;
    mg_rows rows;
    int64_t id = 0, n = 0, p1, p2;
    int rc;

    getenv_or_skip("MODELGEN_PG_DATA");
    if (argc < 2) {
        printf("Bail out! usage: test_pg_standby tests/pgfault/cluster.sh\n");
        return 1;
    }
    cluster_script = argv[1];
    p1 = atoll(port);
    snprintf(primary_uri, sizeof primary_uri, "postgresql://modelgen@%s:%s/postgres", host,
             port);
    primary = open_or_bail(primary_uri);
    is_int(mg_exec(primary, create_notes), MG_OK, "create the table on the primary");
    is_int(add_note(primary, "one", &id), MG_OK, "a row on the primary");

    if (!ok(cluster("standby", standby_port, sizeof standby_port) == 0 && standby_port[0],
            "pg_basebackup -R and a hot standby on port %s", standby_port)) {
        printf("Bail out! no standby\n");
        return 1;
    }
    p2 = atoll(standby_port);
    is_int(add_note(primary, "two", &id), MG_OK, "a row written after the base backup");
    snprintf(cmd, sizeof cmd, "standby-caught-up %s", standby_port);
    ok(cluster(cmd, NULL, 0) == 0, "the standby replays it");

    snprintf(standby_uri, sizeof standby_uri, "postgresql://modelgen@%s:%s/postgres", host,
             standby_port);
    standby = open_or_bail(standby_uri);
    is_int(mg_query_int(standby, "SELECT pg_is_in_recovery()::int", &n), MG_OK,
           "connected to the standby");
    is_int(n, 1, "... which is in recovery");
    rc = mg_get_rows(standby, &note_model, select_notes, NULL, 0, &rows);
    ok(rc == MG_OK && rows.count == 2 && contains(((struct note *)rows.items)[1].body, "two"),
       "reads work on the standby");
    if (rc != MG_OK || rows.count != 2)
        printf("#   %s, %zu rows: %s\n", mg_status_name(rc), rows.count, mg_errmsg(standby));
    mg_free_rows(&note_model, rows.items, rows.count);
    rc = add_note(standby, "on the standby", &id);
    is_int(rc, MG_ERROR, "a write on the standby: MG_ERROR");
    ok(contains(mg_errmsg(standby), "read-only transaction"), "... %s", mg_errmsg(standby));
    is_int(mg_begin(standby), MG_OK, "begin on the standby");
    is_int(mg_exec(standby, "DELETE FROM notes"), MG_ERROR, "... a write in it: MG_ERROR");
    is_int(mg_commit(standby), MG_ERROR, "... mg_commit: MG_ERROR");
    ok(!mg_in_transaction(standby), "... and it is over");
    is_int(notes_with(standby, "one"), 1, "the standby still reads");

    snprintf(multi_uri, sizeof multi_uri,
             "postgresql://modelgen@%s:%s,%s:%s/postgres?target_session_attrs=read-write"
             "&connect_timeout=10", host, port, host, standby_port);
    snprintf(standby_only_uri, sizeof standby_only_uri,
             "postgresql://modelgen@%s:%s,%s:%s/postgres?target_session_attrs=standby", host,
             port, host, standby_port);
    multi = open_or_bail(multi_uri);
    is_int(server_port(multi), p1, "the multi-host URI reaches the primary");
    reader = open_or_bail(standby_only_uri);
    is_int(server_port(reader), p2, "target_session_attrs=standby reaches the standby");
    mg_close(reader);

    ok(cluster("stop", NULL, 0) == 0, "the primary stops");
    ok(cluster("promote", NULL, 0) == 0, "the standby is promoted");
    is_int(mg_query_int(standby, "SELECT pg_is_in_recovery()::int", &n), MG_OK,
           "the standby's own connection survives the promotion");
    is_int(n, 0, "... it is the primary now");
    is_int(add_note(standby, "written on the promoted standby", &id), MG_OK,
           "... and it writes");

    rc = mg_open(multi_uri, &fresh);
    if (!is_int(rc, MG_OK, "mg_open of the multi-host URI"))
        printf("#   %s\n", mg_open_errmsg());
    if (fresh != NULL) {
        is_int(server_port(fresh), p2, "... reaches the new primary");
        is_int(add_note(fresh, "three", &id), MG_OK, "... and writes there");
        is_int(notes_with(fresh, "two"), 1, "... which has what the old one had");
    }

    rc = add_note(multi, "lost", &id);
    ok(rc == MG_ERROR && contains(mg_errmsg(multi), "lost the connection"),
       "the connection that was on the old primary: its next call fails, lost");
    is_int(notes_with(multi, "three"), 1, "the call after that reconnects, to the new primary");
    is_int(server_port(multi), p2, "... which is the promoted standby");
    is_int(add_note(multi, "four", &id), MG_OK, "... and writes");
    is_int(notes_with(fresh, "lost"), 0, "the write that met the loss did not happen");

    mg_close(fresh);
    mg_close(multi);
    mg_close(standby);
    mg_close(primary);
    return done_testing();
}
