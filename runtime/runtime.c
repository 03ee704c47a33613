/* The modelgen runtime: connections, a statement cache, status mapping and
   row copying over sqlite3. All memory comes from sqlite3's allocator. */
#include "modelgen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One cached statement; an empty slot has sql == NULL. */
struct cached_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
};

struct mg_db {
    sqlite3 *handle;
    struct cached_stmt *cache; /* open addressing, linear probing */
    size_t cache_cap;          /* 0 or a power of two */
    size_t cache_count;
    char msg[512];             /* the last failure's message; "" after success */
};

static const char sql_begin[] = "BEGIN";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

const char *mg_status_name(int status)
{
    static const char *const names[] = {
        "MG_OK", "MG_NOTFOUND", "MG_CONSTRAINT", "MG_BUSY",
        "MG_NOMEM", "MG_MISUSE", "MG_ERROR",
    };
    if (status < 0 || status >= (int)(sizeof names / sizeof names[0]))
        return "MG_UNKNOWN";
    return names[status];
}

/* ---- Messages and status ---- */

static void remember(mg_db *db, const char *msg)
{
    snprintf(db->msg, sizeof db->msg, "%s", msg);
}

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:       return MG_OK;
    case SQLITE_CONSTRAINT: return MG_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:     return MG_BUSY;
    case SQLITE_NOMEM:      return MG_NOMEM;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:      return MG_MISUSE;
    default:                return MG_ERROR;
    }
}

int mg_status(mg_db *db, int sqlite_rc)
{
    int status = map_rc(sqlite_rc);
    if (db == NULL)
        return status;
    if (status == MG_OK)
        db->msg[0] = '\0';
    else if ((sqlite3_errcode(db->handle) & 0xff) == (sqlite_rc & 0xff))
        remember(db, sqlite3_errmsg(db->handle));
    else /* the code did not come from the connection's last call */
        remember(db, sqlite3_errstr(sqlite_rc));
    return status;
}

int mg_fail(mg_db *db, int status, const char *fmt, ...)
{
    va_list ap;
    if (db == NULL)
        return status;
    va_start(ap, fmt);
    vsnprintf(db->msg, sizeof db->msg, fmt, ap);
    va_end(ap);
    return status;
}

const char *mg_errmsg(mg_db *db)
{
    if (db == NULL)
        return "no database connection";
    return db->msg[0] ? db->msg : sqlite3_errmsg(db->handle);
}

sqlite3 *mg_sqlite(mg_db *db)
{
    return db ? db->handle : NULL;
}

/* ---- Statement cache ---- */

static size_t slot_of(const char *sql, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)sql;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL; /* murmur3's finalizer spreads aligned addresses */
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

/* The slot holding sql, or the empty slot where it belongs. */
static struct cached_stmt *cache_slot(const mg_db *db, const char *sql)
{
    size_t i = slot_of(sql, db->cache_cap);
    while (db->cache[i].sql != NULL && db->cache[i].sql != sql)
        i = (i + 1) & (db->cache_cap - 1);
    return &db->cache[i];
}

static int cache_grow(mg_db *db)
{
    struct cached_stmt *old = db->cache;
    size_t old_cap = db->cache_cap, cap = old_cap ? old_cap * 2 : 16, i;
    struct cached_stmt *fresh = sqlite3_malloc64(cap * sizeof *fresh);
    if (fresh == NULL)
        return MG_NOMEM;
    memset(fresh, 0, cap * sizeof *fresh);
    db->cache = fresh;
    db->cache_cap = cap;
    for (i = 0; i < old_cap; i++)
        if (old[i].sql != NULL)
            *cache_slot(db, old[i].sql) = old[i];
    sqlite3_free(old);
    return MG_OK;
}

int mg_prepare(mg_db *db, const char *sql, sqlite3_stmt **st)
{
    struct cached_stmt *slot;
    sqlite3_stmt *fresh = NULL;
    int rc;

    if (st != NULL)
        *st = NULL;
    if (db == NULL || sql == NULL || st == NULL)
        return mg_fail(db, MG_MISUSE, "mg_prepare: NULL argument");
    if (db->cache_cap > 0) {
        slot = cache_slot(db, sql);
        if (slot->sql != NULL) {
            /* generated code resets after every use; reset here only if a caller did not */
            if (sqlite3_stmt_busy(slot->stmt))
                sqlite3_reset(slot->stmt);
            *st = slot->stmt;
            return MG_OK;
        }
    }
    /* Keep the load at most one half so probes stay short. */
    if ((db->cache_count + 1) * 2 > db->cache_cap && cache_grow(db) != MG_OK)
        return mg_fail(db, MG_NOMEM, "out of memory");
    rc = sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &fresh, NULL);
    if (rc != SQLITE_OK)
        return mg_status(db, rc);
    if (fresh == NULL)
        return mg_fail(db, MG_MISUSE, "no SQL statement in \"%s\"", sql);
    slot = cache_slot(db, sql);
    slot->sql = sql;
    slot->stmt = fresh;
    db->cache_count++;
    *st = fresh;
    return MG_OK;
}

void mg_reset(sqlite3_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st);
}

int mg_step_done(mg_db *db, sqlite3_stmt *st)
{
    int status = mg_status(db, sqlite3_step(st));
    mg_reset(st);
    return status;
}

int mg_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int mg_bind_blob(sqlite3_stmt *st, int i, mg_blob b)
{
    if (b.data == NULL)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_blob64(st, i, b.data, b.size, SQLITE_STATIC);
}

/* ---- Connections and transactions ---- */

int mg_open(const char *path, mg_db **out)
{
    static const char *const tx_sql[] = { sql_begin, sql_commit, sql_rollback };
    sqlite3_stmt *st;
    mg_db *db;
    int status, fk_on = 0;
    size_t i;

    if (out == NULL)
        return MG_MISUSE;
    *out = NULL;
    if (path == NULL)
        return MG_MISUSE;
    if ((db = sqlite3_malloc64(sizeof *db)) == NULL)
        return MG_NOMEM;
    memset(db, 0, sizeof *db);
    status = mg_status(db, sqlite3_open_v2(path, &db->handle,
                                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL));
    if (status == MG_OK)
        status = mg_status(db, sqlite3_busy_timeout(db->handle, 5000));
    if (status == MG_OK)
        status = mg_status(db, sqlite3_db_config(db->handle, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &fk_on));
    if (status == MG_OK && !fk_on)
        status = MG_ERROR;
    /* Prepared now so that mg_commit can always roll back, even out of memory. */
    for (i = 0; status == MG_OK && i < sizeof tx_sql / sizeof tx_sql[0]; i++)
        status = mg_prepare(db, tx_sql[i], &st);
    if (status != MG_OK) {
        mg_close(db);
        return status;
    }
    *out = db;
    return MG_OK;
}

int mg_close(mg_db *db)
{
    size_t i;
    int rc;

    if (db == NULL)
        return MG_OK;
    for (i = 0; i < db->cache_cap; i++)
        sqlite3_finalize(db->cache[i].stmt);
    sqlite3_free(db->cache);
    rc = sqlite3_close_v2(db->handle);
    sqlite3_free(db);
    return mg_status(NULL, rc);
}

static int run_cached(mg_db *db, const char *sql)
{
    sqlite3_stmt *st;
    int status = mg_prepare(db, sql, &st);
    return status == MG_OK ? mg_step_done(db, st) : status;
}

int mg_begin(mg_db *db)
{
    return run_cached(db, sql_begin);
}

int mg_commit(mg_db *db)
{
    sqlite3_stmt *st;
    int status = run_cached(db, sql_commit);

    /* A failed COMMIT leaves the transaction open; end it, keeping the
       COMMIT's message for mg_errmsg. */
    if (status != MG_OK && db != NULL && !sqlite3_get_autocommit(db->handle)
        && mg_prepare(db, sql_rollback, &st) == MG_OK) {
        sqlite3_step(st);
        mg_reset(st);
    }
    return status;
}

int mg_rollback(mg_db *db)
{
    return run_cached(db, sql_rollback);
}

int mg_exec(mg_db *db, const char *sql)
{
    if (db == NULL || sql == NULL)
        return mg_fail(db, MG_MISUSE, "mg_exec: NULL argument");
    return mg_status(db, sqlite3_exec(db->handle, sql, NULL, NULL, NULL));
}

/* ---- Copying a row ---- */

/* Sums the bytes the block needs. A NULL value is never converted, so its
   type stays SQLITE_NULL for the second pass. */
/* One text or blob column of the current row, as sqlite3 hands it out. */
struct column_view {
    const void *data;
    size_t size;
    bool null;
};

/* Looks at one column with as few sqlite3 calls as possible: the value, then its size;
   the type only when the value pointer alone is ambiguous. */
static int view_column(sqlite3_stmt *st, const struct mg_colref *ref, struct column_view *v)
{
    bool text = ref->kind == MG_COL_TEXT;
    v->data = text ? (const void *)sqlite3_column_text(st, ref->col)
                   : sqlite3_column_blob(st, ref->col);
    v->size = (size_t)sqlite3_column_bytes(st, ref->col);
    v->null = false;
    if (v->data != NULL)
        return MG_OK;
    /* a NULL pointer is SQL NULL, an empty blob, or a conversion that ran out of memory
       (sqlite then turns the value into NULL and records SQLITE_NOMEM on the connection) */
    int type = sqlite3_column_type(st, ref->col);
    if (type == SQLITE_NULL) {
        if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
            return MG_NOMEM;
        v->null = true;
        return MG_OK;
    }
    if (text || v->size != 0 || type == SQLITE_INTEGER || type == SQLITE_FLOAT)
        return MG_NOMEM;
    return MG_OK;
}

static void place_column(const struct mg_colref *ref, const struct column_view *v, char *block,
                         size_t *off)
{
    bool text = ref->kind == MG_COL_TEXT;
    if (v->null) {
        if (text)
            *(char **)ref->dst = NULL;
        else
            *(mg_blob *)ref->dst = (mg_blob){ NULL, 0 };
        return;
    }
    if (v->size > 0)
        memcpy(block + *off, v->data, v->size);
    if (text) {
        block[*off + v->size] = '\0';
        *(char **)ref->dst = block + *off;
        *off += v->size + 1;
    } else {
        *(mg_blob *)ref->dst = (mg_blob){ block + *off, v->size };
        *off += v->size;
    }
}

/* Columns viewed in one pass before the single allocation; wider rows go in batches. */
enum { VIEW_BATCH = 16 };

int mg_copy_columns(sqlite3_stmt *st, const struct mg_colref *refs, int n, void **block)
{
    struct column_view views[VIEW_BATCH];
    size_t total = 0, off = 0;
    bool any = false;
    char *mem;
    int i, status, ncols;

    if (st == NULL || block == NULL || *block != NULL || n < 0 || (refs == NULL && n > 0))
        return MG_MISUSE;
    ncols = sqlite3_data_count(st);
    for (i = 0; i < n; i++) {
        struct column_view v;
        if ((refs[i].kind != MG_COL_TEXT && refs[i].kind != MG_COL_BLOB) || refs[i].dst == NULL
            || refs[i].col < 0 || refs[i].col >= ncols)
            return MG_MISUSE;
        if ((status = view_column(st, &refs[i], &v)) != MG_OK)
            return status;
        if (i < VIEW_BATCH)
            views[i] = v;
        if (v.null)
            continue;
        if (v.size + 1 > SIZE_MAX - total)
            return MG_NOMEM;
        total += v.size + (refs[i].kind == MG_COL_TEXT);
        any = true;
    }
    /* At least one byte, so a lone empty blob still gets non-NULL data. */
    mem = NULL;
    if (any && (mem = mg_realloc(NULL, total ? total : 1)) == NULL)
        return MG_NOMEM;
    for (i = 0; i < n; i++) {
        struct column_view v;
        if (i < VIEW_BATCH)
            v = views[i];
        else if (view_column(st, &refs[i], &v) != MG_OK)
            v.null = true;  /* cannot happen: the same values were read above */
        place_column(&refs[i], &v, mem, &off);
    }
    *block = mem;
    return MG_OK;
}

/* What the library hands out goes through these, so a test can make them fail. */
static void *(*alloc_realloc)(void *, size_t) = realloc;
static void (*alloc_free)(void *) = free;

void mg_set_allocator(void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *))
{
    alloc_realloc = realloc_fn ? realloc_fn : realloc;
    alloc_free = free_fn ? free_fn : free;
}

void *mg_realloc(void *p, size_t size)
{
    return alloc_realloc(p, size ? size : 1);
}

void mg_free(void *p)
{
    if (p != NULL)
        alloc_free(p);
}

void mg_free_block(void *block)
{
    mg_free(block);
}
