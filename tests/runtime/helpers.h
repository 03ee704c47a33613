/* What the runtime's test programs share:
 *
 *  - the engine under test, chosen by the command line: no argument or "sqlite" is
 *    SQLite; "postgres [URI]" is PostgreSQL at URI, else at $MODELGEN_TEST_PG, else at
 *    libpq's defaults ($PGHOST, $PGPORT, $PGUSER, $PGDATABASE, as tests/pg/with-postgres.sh
 *    sets them). Without a server the program prints a TAP skip and exits 0.
 *  - fresh databases: SQLite ":memory:" or a file in a temporary directory; on
 *    PostgreSQL a database of its own for each check, made with CREATE DATABASE over a
 *    maintenance connection (libpq, not the runtime) and dropped at exit;
 *  - queries that bypass the runtime (sqlite3 or libpq on the connection's own handle),
 *    so that they can check it;
 *  - an allocator under sqlite3 that fails when a test says so.
 */
#ifndef MODELGEN_RUNTIME_TEST_HELPERS_H
#define MODELGEN_RUNTIME_TEST_HELPERS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef MG_TEST_PG
#include <libpq-fe.h>
#endif

#include "modelgen.h"
#include "tap.h"

/* ---- The engine under test ---- */

static bool on_pg;            /* false: SQLite */
static pid_t main_pid;        /* forked children must not clean up */

enum { MAX_FRESH = 512 };
static char *fresh_names[MAX_FRESH]; /* PostgreSQL databases, or SQLite files, to remove */
static int nfresh;
static char temp_dir[64];     /* SQLite files live here */

#ifdef MG_TEST_PG
static const char *pg_base;   /* the PostgreSQL URI every fresh database derives from */
static PGconn *pg_admin;      /* the maintenance connection */
#endif

static inline void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static inline int contains(const char *s, const char *needle)
{
    return s != NULL && strstr(s, needle) != NULL;
}

/* One of two texts: the SQLite one or the PostgreSQL one. */
static inline const char *pick(const char *sqlite, const char *postgres)
{
    return on_pg ? postgres : sqlite;
}

static inline const char *engine_name(void)
{
    return on_pg ? "postgres" : "sqlite";
}

static inline void cleanup_fresh(void)
{
    int i;

    if (getpid() != main_pid)
        return;
    for (i = 0; i < nfresh; i++) {
#ifdef MG_TEST_PG
        if (on_pg && pg_admin != NULL) {
            char sql[160];
            PGresult *r;
            snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", fresh_names[i]);
            r = PQexec(pg_admin, sql);
            PQclear(r);
        }
#endif
        if (!on_pg) {
            char journal[600];
            snprintf(journal, sizeof journal, "%s-journal", fresh_names[i]);
            unlink(journal);
            unlink(fresh_names[i]);
        }
        free(fresh_names[i]);
    }
    nfresh = 0;
    if (temp_dir[0] != '\0')
        rmdir(temp_dir);
#ifdef MG_TEST_PG
    if (pg_admin != NULL)
        PQfinish(pg_admin);
    pg_admin = NULL;
#endif
}

static inline void bail(const char *why, const char *detail)
{
    printf("Bail out! %s%s%s\n", why, detail ? ": " : "", detail ? detail : "");
    fflush(stdout);
    exit(1);
}

/* Reads the engine from the command line (see the top of this file). */
static inline void choose_engine(int argc, char **argv)
{
    main_pid = getpid();
    atexit(cleanup_fresh);
    if (argc < 2 || strcmp(argv[1], "sqlite") == 0)
        return;
    if (strcmp(argv[1], "postgres") != 0)
        bail("usage: test [sqlite | postgres [URI]]", argv[1]);
#ifndef MG_TEST_PG
    printf("1..0 # SKIP this build has no PostgreSQL engine\n");
    exit(0);
#else
    on_pg = true;
    if (argc > 2)
        pg_base = argv[2];
    else if (getenv("MODELGEN_TEST_PG") != NULL && getenv("MODELGEN_TEST_PG")[0] != '\0')
        pg_base = getenv("MODELGEN_TEST_PG");
    else if (getenv("PGHOST") != NULL || getenv("PGPORT") != NULL)
        pg_base = "postgresql://"; /* libpq takes the rest from PGHOST, PGPORT, ... */
    else {
        printf("1..0 # SKIP no PostgreSQL: give a URI, MODELGEN_TEST_PG or PGHOST\n");
        exit(0);
    }
    pg_admin = PQconnectdb(pg_base);
    if (PQstatus(pg_admin) != CONNECTION_OK)
        bail("cannot reach the PostgreSQL maintenance database", PQerrorMessage(pg_admin));
#endif
}

/* The target of a new, empty database. The string lives until exit. */
static inline const char *fresh_target(void)
{
    static char targets[MAX_FRESH][600];
    char *t = targets[nfresh];

    if (nfresh == MAX_FRESH)
        bail("too many fresh databases", NULL);
    if (!on_pg) {
        if (temp_dir[0] == '\0') {
            strcpy(temp_dir, "/tmp/modelgen-rt.XXXXXX");
            if (mkdtemp(temp_dir) == NULL)
                bail("mkdtemp", NULL);
        }
        snprintf(t, sizeof targets[0], "%s/db%d.sqlite", temp_dir, nfresh);
        fresh_names[nfresh++] = strdup(t);
        return t;
    }
#ifdef MG_TEST_PG
    {
        char name[64], sql[128];
        PGresult *r;
        snprintf(name, sizeof name, "mgrt_%ld_%d", (long)getpid(), nfresh);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
        r = PQexec(pg_admin, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            bail("CREATE DATABASE failed", PQerrorMessage(pg_admin));
        PQclear(r);
        fresh_names[nfresh++] = strdup(name);
        snprintf(t, sizeof targets[0], "%s%sdbname=%s", pg_base,
                 strchr(pg_base, '?') ? "&" : "?", name);
    }
#endif
    return t;
}

static inline mg_db *open_target(const char *target)
{
    mg_db *db = NULL;
    int status = mg_open(target, &db);

    if (status != MG_OK || db == NULL) {
        char why[700];
        snprintf(why, sizeof why, "%s: %s (%s)", target, mg_status_name(status),
                 mg_open_errmsg());
        bail("cannot open a database", why);
    }
    return db;
}

/* A connection to an empty database of the engine under test: SQLite in memory. */
static inline mg_db *open_fresh(void)
{
    return open_target(on_pg ? fresh_target() : ":memory:");
}

/* ---- Queries that bypass the runtime ---- */

/* The first column of the first row as an integer (PostgreSQL's booleans as 0 and 1):
   -1 without a row or for NULL, -2 when the query fails. */
static inline long long raw_int(mg_db *db, const char *sql)
{
    long long v = -1;

    if (mg_sqlite(db) != NULL) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(mg_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
            return -2;
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
    }
#ifdef MG_TEST_PG
    if (mg_postgres(db) != NULL) {
        PGresult *r = PQexec(mg_postgres(db), sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            v = -2;
        else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
            const char *s = PQgetvalue(r, 0, 0);
            v = strcmp(s, "t") == 0 ? 1 : strcmp(s, "f") == 0 ? 0 : strtoll(s, NULL, 10);
        }
        PQclear(r);
        return v;
    }
#endif
    return -2;
}

/* Runs SQL without the runtime: 0 on success. */
static inline int raw_exec(mg_db *db, const char *sql)
{
    if (mg_sqlite(db) != NULL)
        return sqlite3_exec(mg_sqlite(db), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
#ifdef MG_TEST_PG
    if (mg_postgres(db) != NULL) {
        PGresult *r = PQexec(mg_postgres(db), sql);
        int ok_ = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        return ok_ ? 0 : -1;
    }
#endif
    return -1;
}

/* Whether the engine itself has a transaction open on the connection. */
static inline bool raw_in_transaction(mg_db *db)
{
    if (mg_sqlite(db) != NULL)
        return !sqlite3_get_autocommit(mg_sqlite(db));
#ifdef MG_TEST_PG
    if (mg_postgres(db) != NULL)
        return PQtransactionStatus(mg_postgres(db)) != PQTRANS_IDLE;
#endif
    return false;
}

/* How many statements the connection holds prepared: sqlite3's list, or PostgreSQL's
   pg_prepared_statements of the session. */
static inline long long prepared_count(mg_db *db)
{
    if (mg_sqlite(db) != NULL) {
        sqlite3_stmt *st = NULL;
        long long n = 0;
        while ((st = sqlite3_next_stmt(mg_sqlite(db), st)) != NULL)
            n++;
        return n;
    }
    return raw_int(db, "SELECT count(*) FROM pg_prepared_statements");
}

/* ---- sqlite3's allocator ---- */

/* Puts xmalloc and xrealloc in front of sqlite3's allocator (saved in *real, for them to
   call), without lookaside, so that allocations inside a connection can fail too. Must
   run before sqlite3 is first used. */
static inline int wrap_sqlite_allocator(sqlite3_mem_methods *real, void *(*xmalloc)(int),
                                        void *(*xrealloc)(void *, int))
{
    sqlite3_mem_methods m;
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, real) != SQLITE_OK)
        return 0;
    m = *real;
    m.xMalloc = xmalloc;
    m.xRealloc = xrealloc;
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK
        && sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) == SQLITE_OK
        && sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1) == SQLITE_OK
        && sqlite3_config(SQLITE_CONFIG_URI, 1) == SQLITE_OK
        && sqlite3_initialize() == SQLITE_OK;
}

#endif
