/* Helpers shared by the programs that test generated code: which engine a run targets
   and a fresh database on it, raw SQL behind the generated API's back (through the
   public mg_exec and mg_query_int), and the checks that need an engine's own handle:
   its catalog, its transaction state, its statements still running.

   The engine comes from the environment: MODELGEN_TEST_ENGINE=sqlite (the default) or
   postgres. For postgres the program runs under tests/pg/with-postgres.sh, which
   exports PGHOST, PGPORT, PGUSER and PGDATABASE (the maintenance database); every
   database a program opens is then a new one on that server. libpq is needed only for
   postgres runs: compile with -DTEST_WITH_LIBPQ (and libpq's flags) to have them. */
#ifndef MODELGEN_CGEN_TEST_COMMON_H
#define MODELGEN_CGEN_TEST_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#ifdef TEST_WITH_LIBPQ
#include <libpq-fe.h>
#endif

#include "modelgen.h"

/* ---- The target ---- */

/* True when this run targets PostgreSQL (MODELGEN_TEST_ENGINE=postgres). An unknown
   engine ends the program with a bail-out. */
static inline bool test_on_postgres(void)
{
    const char *e = getenv("MODELGEN_TEST_ENGINE");
    if (e == NULL || *e == '\0' || strcmp(e, "sqlite") == 0)
        return false;
    if (strcmp(e, "postgres") == 0) {
#ifndef TEST_WITH_LIBPQ
        printf("Bail out! MODELGEN_TEST_ENGINE=postgres, but compiled without libpq\n");
        exit(1);
#endif
        return true;
    }
    printf("Bail out! unknown MODELGEN_TEST_ENGINE '%s' (sqlite or postgres)\n", e);
    exit(1);
}

/* True when the connection is PostgreSQL's. */
static inline bool is_postgres(mg_db *db)
{
    return db != NULL && strcmp(mg_engine(db), "postgres") == 0;
}

#ifdef TEST_WITH_LIBPQ
/* The notices of a maintenance connection are not for the TAP output. */
static inline void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Runs sql (one statement, no result needed) on a new connection to the maintenance
   database of the environment (PGHOST, PGPORT, PGUSER, PGDATABASE). With uri_of set,
   also writes to it the postgresql:// URI of database uri_of on the same server.
   False, with a message, on failure. */
static inline bool pg_maintenance(const char *sql, const char *uri_of, char *uri,
                                  size_t size)
{
    PGconn *conn = PQconnectdb("");
    bool done = false;
    PQsetNoticeProcessor(conn, pg_quiet, NULL);   /* "does not exist, skipping" */
    if (PQstatus(conn) != CONNECTION_OK) {
        printf("# cannot reach the maintenance database: %s", PQerrorMessage(conn));
    } else {
        PGresult *res = PQexec(conn, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
            printf("# %s: %s", sql, PQerrorMessage(conn));
        else
            done = true;
        PQclear(res);
        if (done && uri_of != NULL) {
            const char *host = PQhost(conn);
            if (host[0] == '/')   /* a socket directory */
                snprintf(uri, size, "postgresql://%s@/%s?host=%s&port=%s", PQuser(conn),
                         uri_of, host, PQport(conn));
            else
                snprintf(uri, size, "postgresql://%s@%s:%s/%s", PQuser(conn), host,
                         PQport(conn), uri_of);
        }
    }
    PQfinish(conn);
    return done;
}
#endif

/* A database for the program to open, empty and its own. On SQLite, `name` itself (a
   file, removed first if it exists, or ":memory:"). On PostgreSQL a new database,
   created over a maintenance connection and named after `name` and the process, and
   its postgresql:// URI. The string lives until the program ends; NULL, with a message,
   when the database cannot be created. */
static inline const char *fresh_target(const char *name)
{
    static char targets[8][512];
    static unsigned count;
    char *target = targets[count++ % 8];

    if (!test_on_postgres()) {
        if (strcmp(name, ":memory:") != 0) {
            char side[600];
            remove(name);
            snprintf(side, sizeof side, "%s-journal", name);
            remove(side);
            snprintf(side, sizeof side, "%s-wal", name);
            remove(side);
        }
        snprintf(target, sizeof targets[0], "%s", name);
        return target;
    }
#ifdef TEST_WITH_LIBPQ
    {
        char db[64], sql[128];
        size_t n = (size_t)snprintf(db, sizeof db, "mgt_%ld_%u_", (long)getpid(), count);
        for (const char *p = name; *p && n + 1 < sizeof db; p++)
            if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
                db[n++] = *p;
        db[n] = '\0';
        snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", db);
        if (!pg_maintenance(sql, db, target, sizeof targets[0]))
            return NULL;
        return target;
    }
#else
    return NULL;
#endif
}

/* Opens a fresh database named after `name` (see fresh_target) and migrates it; NULL
   (with a message) when either fails. */
static inline mg_db *open_db(const char *name, int (*migrate)(mg_db *))
{
    const char *target = fresh_target(name);
    mg_db *db = NULL;
    if (target == NULL)
        return NULL;
    if (mg_open(target, &db) != MG_OK) {
        printf("# cannot open %s: %s\n", target, mg_open_errmsg());
        return NULL;
    }
    if (migrate(db) != MG_OK) {
        printf("# migrate: %s\n", mg_errmsg(db));
        mg_close(db);
        return NULL;
    }
    return db;
}

/* ---- Raw SQL, through the public API ---- */

/* Runs SQL directly (mg_exec); returns its status, and prints the message on failure. */
static inline int raw_exec(mg_db *db, const char *sql)
{
    int status = mg_exec(db, sql);
    if (status != MG_OK)
        printf("# %s: %s: %s\n", sql, mg_status_name(status), mg_errmsg(db));
    return status;
}

/* The first column of the first row of a query as an integer (mg_query_int); -1 on
   error or without a row, with a message. */
static inline long long raw_int(mg_db *db, const char *sql)
{
    int64_t v = -1;
    int status = mg_query_int(db, sql, &v);
    if (status != MG_OK) {
        printf("# %s: %s: %s\n", sql, mg_status_name(status), mg_errmsg(db));
        return -1;
    }
    return (long long)v;
}

/* One SQL text per engine: the first on SQLite, the second on PostgreSQL. */
static inline const char *per_engine(mg_db *db, const char *sqlite_sql, const char *pg_sql)
{
    return is_postgres(db) ? pg_sql : sqlite_sql;
}

/* ---- Checks with the engines' own handles ---- */

/* No transaction is open, in the library's view and in the engine's (sqlite3's
   autocommit; libpq's idle). */
static inline bool no_transaction_open(mg_db *db)
{
    if (mg_in_transaction(db))
        return false;
#ifdef TEST_WITH_LIBPQ
    if (is_postgres(db))
        return PQtransactionStatus(mg_postgres(db)) == PQTRANS_IDLE;
#endif
    return sqlite3_get_autocommit(mg_sqlite(db)) != 0;
}

/* How many of the connection's statements are still running: after any generated call,
   success or failure, there must be none. SQLite: its statements still stepping (every
   path must reset its statement). PostgreSQL: 1 when a command is still in progress on
   the connection (a result left unread), else 0. */
static inline int busy_statements(mg_db *db)
{
    int n = 0;
#ifdef TEST_WITH_LIBPQ
    if (is_postgres(db)) {
        PGconn *conn = mg_postgres(db);
        return PQisBusy(conn) || PQtransactionStatus(conn) == PQTRANS_ACTIVE;
    }
#endif
    sqlite3_stmt *st = NULL;
    while ((st = sqlite3_next_stmt(mg_sqlite(db), st)) != NULL)
        n += sqlite3_stmt_busy(st) != 0;
    return n;
}

/* How many statements the connection holds prepared: sqlite3's list of statements;
   PostgreSQL's pg_prepared_statements (read with an unnamed statement). A call repeated
   must not change it: statements are prepared once per connection and reused. */
static inline long long prepared_statements(mg_db *db)
{
    long long n = 0;
    if (is_postgres(db))
        return raw_int(db, "SELECT count(*) FROM pg_prepared_statements");
    for (sqlite3_stmt *st = sqlite3_next_stmt(mg_sqlite(db), NULL); st != NULL;
         st = sqlite3_next_stmt(mg_sqlite(db), st))
        n++;
    return n;
}

/* 1 when the table exists (sqlite_master; PostgreSQL's information_schema, in the
   current schema), 0 when not, -1 on error. */
static inline long long table_exists(mg_db *db, const char *table)
{
    char sql[256];
    if (is_postgres(db))
        snprintf(sql, sizeof sql, "SELECT count(*) FROM information_schema.tables WHERE "
                 "table_schema = current_schema() AND table_name = '%s'", table);
    else
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                 "AND name = '%s'", table);
    return raw_int(db, sql);
}

/* Runs sql with the foreign keys not enforced (SQLite: PRAGMA foreign_keys off around
   it; PostgreSQL: session_replication_role = replica, under which the keys' triggers
   do not fire). Outside a transaction. Returns sql's status. */
static inline int exec_without_foreign_keys(mg_db *db, const char *sql)
{
    int status;
    raw_exec(db, per_engine(db, "PRAGMA foreign_keys = OFF",
                            "SET session_replication_role = replica"));
    status = raw_exec(db, sql);
    raw_exec(db, per_engine(db, "PRAGMA foreign_keys = ON",
                            "SET session_replication_role = DEFAULT"));
    return status;
}

/* Runs sql (an UPDATE of `table`) past the table's CHECK constraint `check`, which
   stays in place for later rows: SQLite ignores check constraints around it;
   PostgreSQL drops the constraint, runs sql and adds the same constraint back NOT VALID,
   all in one statement. Outside a transaction. Returns the status. */
static inline int exec_without_check(mg_db *db, const char *table, const char *check,
                                     const char *sql)
{
    char text[2048];
    int status;
    if (!is_postgres(db)) {
        raw_exec(db, "PRAGMA ignore_check_constraints = ON");
        status = raw_exec(db, sql);
        raw_exec(db, "PRAGMA ignore_check_constraints = OFF");
        return status;
    }
    snprintf(text, sizeof text,
             "DO $$ DECLARE def text; BEGIN "
             "SELECT pg_get_constraintdef(oid) INTO STRICT def FROM pg_constraint "
             "WHERE conname = '%s' AND conrelid = '%s'::regclass; "
             "ALTER TABLE %s DROP CONSTRAINT %s; "
             "%s; "
             "EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %s %%s NOT VALID', def); "
             "END $$", check, table, table, check, sql, table, check);
    return raw_exec(db, text);
}

/* The engine's message for a unique key violated names it: SQLite's says "UNIQUE
   constraint failed: TABLE.COLUMN", PostgreSQL's names the constraint. */
static inline bool names_unique_key(mg_db *db, const char *sqlite_words,
                                    const char *pg_constraint)
{
    const char *msg = mg_errmsg(db);
    if (is_postgres(db))
        return strstr(msg, pg_constraint) != NULL;
    return strstr(msg, "UNIQUE") != NULL && strstr(msg, sqlite_words) != NULL;
}

/* ---- Data ---- */

/* A heap string of n bytes cycling through printable characters. */
static inline char *long_string(size_t n)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; s && i < n; i++)
        s[i] = (char)('a' + i % 26);
    if (s)
        s[n] = '\0';
    return s;
}

#endif
