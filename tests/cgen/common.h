/* Helpers shared by the programs that test generated code: raw SQL behind the
   generated API's back, and checks on the connection's statements. */
#ifndef MODELGEN_CGEN_TEST_COMMON_H
#define MODELGEN_CGEN_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelgen.h"

/* Opens a database and migrates it; NULL (with a message) when either fails. */
static inline mg_db *open_db(const char *path, int (*migrate)(mg_db *))
{
    mg_db *db = NULL;
    if (mg_open(path, &db) != MG_OK) {
        printf("# cannot open %s\n", path);
        return NULL;
    }
    if (migrate(db) != MG_OK) {
        printf("# migrate: %s\n", mg_errmsg(db));
        mg_close(db);
        return NULL;
    }
    return db;
}

/* Runs SQL directly on the handle; returns the sqlite3 code. */
static inline int raw_exec(mg_db *db, const char *sql)
{
    return sqlite3_exec(mg_sqlite(db), sql, NULL, NULL, NULL);
}

/* The first column of the first row of a query as an integer; -1 on error. */
static inline long long raw_int(mg_db *db, const char *sql)
{
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(mg_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* How many of the connection's statements are still stepping: after any generated call,
   success or failure, there must be none (every path resets its statement). */
static inline int busy_statements(mg_db *db)
{
    int n = 0;
    sqlite3_stmt *st = NULL;
    while ((st = sqlite3_next_stmt(mg_sqlite(db), st)) != NULL)
        n += sqlite3_stmt_busy(st) != 0;
    return n;
}

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
