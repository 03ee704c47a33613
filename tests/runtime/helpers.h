/* What the runtime's test programs share: queries that bypass the runtime, so they can
   check it, and an allocator under sqlite3 that fails when a test says so. */
#ifndef MODELGEN_RUNTIME_TEST_HELPERS_H
#define MODELGEN_RUNTIME_TEST_HELPERS_H

#include <string.h>

#include "modelgen.h"

/* The first column of the first row as an integer: -1 without a row, -2 on bad SQL. */
static inline long long query_int(mg_db *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(mg_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        return -2;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static inline int contains(const char *s, const char *needle)
{
    return s != NULL && strstr(s, needle) != NULL;
}

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
        && sqlite3_initialize() == SQLITE_OK;
}

#endif
