/* The modelgen runtime: connections, a statement cache, status mapping, row copying and
   the statements every model runs, over sqlite3. The connection's memory comes from
   sqlite3's allocator; what the library hands out, from mg_realloc/mg_free. */
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
static inline int view_column(sqlite3_stmt *st, const struct mg_colref *ref,
                              struct column_view *v)
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

static inline void place_column(const struct mg_colref *ref, const struct column_view *v,
                                char *block,
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

/* Columns viewed in one pass before the single allocation; wider rows are viewed again
   for the second pass from this many on. */
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
        const struct mg_colref *ref = &refs[i];
        struct column_view spare, *v = i < VIEW_BATCH ? &views[i] : &spare;
        if ((ref->kind != MG_COL_TEXT && ref->kind != MG_COL_BLOB) || ref->dst == NULL
            || ref->col < 0 || ref->col >= ncols)
            return MG_MISUSE;
        if ((status = view_column(st, ref, v)) != MG_OK)
            return status;
        if (v->null)
            continue;
        if (v->size + 1 > SIZE_MAX - total)
            return MG_NOMEM;
        total += v->size + (ref->kind == MG_COL_TEXT);
        any = true;
    }
    /* At least one byte, so a lone empty blob still gets non-NULL data. */
    mem = NULL;
    if (any && (mem = mg_realloc(NULL, total ? total : 1)) == NULL)
        return MG_NOMEM;
    for (i = 0; i < n && i < VIEW_BATCH; i++)
        place_column(&refs[i], &views[i], mem, &off);
    for (; i < n; i++) {
        struct column_view v;
        if (view_column(st, &refs[i], &v) != MG_OK)
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

/* ---- Rows ----

   The statements every model runs the same way: get one row, get all, count, insert,
   update, delete, set a key, eager loading with a join. Generated code describes a model
   once (mg_model: its size, where its strings live, how to read and bind a row) and passes
   that description here, so each accessor it emits is a few lines; what differs per
   model, reading and binding, stays typed C in the generated file. */

/* The id of a row: the first member of every generated struct. */
static int64_t row_id(const void *row)
{
    return *(const int64_t *)row;
}

/* Frees what the library allocated into row and leaves it empty. */
static void release_row(const mg_model *m, void *row)
{
    void **owned = (void **)((char *)row + m->owned);
    mg_free_block(*owned);
    memset(row, 0, m->size);
}

static void release_rows(const mg_model *m, mg_rows *rows)
{
    size_t i;

    for (i = 0; i < rows->count; i++)
        release_row(m, (char *)rows->items + i * m->size);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

static int bind_key(sqlite3_stmt *st, const mg_key *key)
{
    switch (key->type) {
    case MG_KEY_INT:
        return sqlite3_bind_int64(st, 1, key->i);
    case MG_KEY_REAL:
        return sqlite3_bind_double(st, 1, key->d);
    case MG_KEY_TEXT:
        return mg_bind_text(st, 1, key->s);
    case MG_KEY_NONE:
        return SQLITE_OK;
    default:
        return SQLITE_MISUSE;
    }
}

/* A prepared statement with its key bound, or a failure status. */
static int prepare_keyed(mg_db *db, const char *sql, const mg_key *key, sqlite3_stmt **st)
{
    int status = mg_prepare(db, sql, st), rc;

    if (status != MG_OK)
        return status;
    rc = bind_key(*st, key);
    if (rc != SQLITE_OK) {
        mg_reset(*st);
        return mg_status(db, rc);
    }
    return MG_OK;
}

/* m->read, with *row empty whenever it fails: generated reads free what they copied, and
   this clears the numbers too. */
static int read_row(mg_db *db, sqlite3_stmt *st, const mg_model *m, int col, void *row)
{
    int status = m->read(db, st, col, row);

    if (status != MG_OK)
        memset(row, 0, m->size);
    return status;
}

/* Makes room for one more item of `size` bytes in rows, which has room for *cap. */
static int reserve(mg_db *db, mg_rows *rows, size_t size, size_t *cap)
{
    size_t grown = *cap ? *cap * 2 : 8;
    void *items;

    if (rows->count < *cap)
        return MG_OK;
    if (grown > SIZE_MAX / size || (items = mg_realloc(rows->items, grown * size)) == NULL)
        return mg_fail(db, MG_NOMEM, "out of memory");
    rows->items = items;
    *cap = grown;
    return MG_OK;
}

int mg_get_row(mg_db *db, const mg_model *m, const char *sql, mg_key key, void *out)
{
    sqlite3_stmt *st;
    int status = prepare_keyed(db, sql, &key, &st), rc;

    if (status == MG_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            status = read_row(db, st, m, 0, out);
            mg_reset(st);
            return status;
        }
        status = rc == SQLITE_DONE ? MG_NOTFOUND : mg_status(db, rc);
        mg_reset(st);
    }
    memset(out, 0, m->size);
    return status;
}

int mg_get_by_id(mg_db *db, const mg_model *m, const char *sql, int64_t id, void *out)
{
    int status = mg_get_row(db, m, sql, mg_key_int(id), out);

    if (status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "no %s row with id %lld", m->table, (long long)id);
    return status;
}

int mg_get_rows(mg_db *db, const mg_model *m, const char *sql, mg_key key, mg_rows *out)
{
    sqlite3_stmt *st;
    size_t cap = 0;
    int status, rc;

    out->items = NULL;
    out->count = 0;
    status = prepare_keyed(db, sql, &key, &st);
    while (status == MG_OK && (rc = sqlite3_step(st)) != SQLITE_DONE) {
        status = rc == SQLITE_ROW ? MG_OK : mg_status(db, rc);
        if (status == MG_OK)
            status = reserve(db, out, m->size, &cap);
        if (status == MG_OK)
            status = read_row(db, st, m, 0, (char *)out->items + out->count * m->size);
        if (status == MG_OK)
            out->count++;
    }
    if (status != MG_OK)
        release_rows(m, out);
    mg_reset(st);
    return status;
}

int mg_get_count(mg_db *db, const char *sql, mg_key key, int64_t *count)
{
    sqlite3_stmt *st;
    int status, rc;

    *count = 0;
    status = prepare_keyed(db, sql, &key, &st);
    if (status != MG_OK)
        return status;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    status = mg_status(db, rc);
    mg_reset(st);
    return status;
}

/* Binds the whole row and steps the statement once. */
static int run_row(mg_db *db, const mg_model *m, const char *sql, const void *row)
{
    sqlite3_stmt *st;
    int status = mg_prepare(db, sql, &st);

    if (status != MG_OK)
        return status;
    status = m->bind(db, st, row);
    if (status == MG_OK)
        status = mg_status(db, sqlite3_step(st));
    mg_reset(st);
    return status;
}

/* After a statement that should have changed the row with that id. */
static int changed_or_notfound(mg_db *db, const mg_model *m, int status, int64_t id)
{
    if (status == MG_OK && sqlite3_changes(mg_sqlite(db)) == 0)
        return mg_fail(db, MG_NOTFOUND, "no %s row with id %lld", m->table, (long long)id);
    return status;
}

int mg_insert_row(mg_db *db, const mg_model *m, const char *sql, const void *row, int64_t *id)
{
    int status = run_row(db, m, sql, row);

    if (status == MG_OK)
        *id = sqlite3_last_insert_rowid(mg_sqlite(db));
    return status;
}

int mg_update_row(mg_db *db, const mg_model *m, const char *sql, const void *row)
{
    return changed_or_notfound(db, m, run_row(db, m, sql, row), row_id(row));
}

int mg_exec_ids(mg_db *db, const char *sql, const int64_t *first, int64_t second,
                int64_t *changes)
{
    sqlite3_stmt *st;
    int status = mg_prepare(db, sql, &st), rc;

    if (changes != NULL)
        *changes = 0;
    if (status != MG_OK)
        return status;
    rc = first != NULL ? sqlite3_bind_int64(st, 1, *first) : sqlite3_bind_null(st, 1);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, second);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    status = mg_status(db, rc);
    if (status == MG_OK && changes != NULL)
        *changes = sqlite3_changes(mg_sqlite(db));
    mg_reset(st);
    return status;
}

int mg_delete_row(mg_db *db, const mg_model *m, const char *sql, int64_t id)
{
    sqlite3_stmt *st;
    mg_key key = mg_key_int(id);
    int status = prepare_keyed(db, sql, &key, &st);

    if (status == MG_OK)
        status = mg_step_done(db, st);
    return changed_or_notfound(db, m, status, id);
}

int mg_set_key(mg_db *db, const mg_model *m, const char *sql, int64_t id, const int64_t *key)
{
    return changed_or_notfound(db, m, mg_exec_ids(db, sql, key, id, NULL), id);
}

/* The owner's columns come first, the target's from column m->ncolumns on; the target is
   left empty when the LEFT JOIN found none. On failure both are empty. */
static int read_pair(mg_db *db, sqlite3_stmt *st, const mg_model *m, const mg_model *t,
                     void *out, void *out_t)
{
    int status = read_row(db, st, m, 0, out);

    memset(out_t, 0, t->size);
    if (status != MG_OK || sqlite3_column_type(st, m->ncolumns) == SQLITE_NULL)
        return status;
    status = read_row(db, st, t, m->ncolumns, out_t);
    if (status != MG_OK)
        release_row(m, out);
    return status;
}

int mg_get_with(mg_db *db, const mg_model *m, const mg_model *t, const char *sql, int64_t id,
                void *out, void *out_t)
{
    sqlite3_stmt *st;
    mg_key key = mg_key_int(id);
    int status, rc;

    memset(out, 0, m->size);
    memset(out_t, 0, t->size);
    status = prepare_keyed(db, sql, &key, &st);
    if (status != MG_OK)
        return status;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        status = read_pair(db, st, m, t, out, out_t);
    else if (rc == SQLITE_DONE)
        status = mg_fail(db, MG_NOTFOUND, "no %s row with id %lld", m->table, (long long)id);
    else
        status = mg_status(db, rc);
    mg_reset(st);
    return status;
}

int mg_all_with(mg_db *db, const mg_model *m, const mg_model *t, const char *sql,
                mg_rows *out, mg_rows *out_t)
{
    sqlite3_stmt *st;
    size_t cap = 0, cap_t = 0;
    int status, rc;

    out->items = out_t->items = NULL;
    out->count = out_t->count = 0;
    status = mg_prepare(db, sql, &st);
    /* the two arrays grow together, so that item i of one belongs to item i of the other */
    while (status == MG_OK && (rc = sqlite3_step(st)) != SQLITE_DONE) {
        status = rc == SQLITE_ROW ? MG_OK : mg_status(db, rc);
        if (status == MG_OK)
            status = reserve(db, out, m->size, &cap);
        if (status == MG_OK)
            status = reserve(db, out_t, t->size, &cap_t);
        if (status == MG_OK)
            status = read_pair(db, st, m, t, (char *)out->items + out->count * m->size,
                               (char *)out_t->items + out_t->count * t->size);
        if (status == MG_OK) {
            out->count++;
            out_t->count++;
        }
    }
    if (status != MG_OK) {
        release_rows(m, out);
        release_rows(t, out_t);
    }
    mg_reset(st);
    return status;
}
