/* The SQLite engine: connections, a statement cache keyed by the SQL's address, typed
   reading and binding of a model's columns, transactions and the pragmas migrations
   need, over sqlite3. The connection's memory comes from sqlite3's allocator; what the
   library hands out, from mg_realloc (core.c). */
#include "engine.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One cached statement; an empty slot has sql == NULL. */
struct cached_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
};

/* The ids mg_next_id handed out for one model. */
struct reserved_id {
    const mg_model *model;
    int64_t last;
};

struct sqlite_db {
    struct mg_db base;
    sqlite3 *handle;
    sqlite3_mutex *mutex;      /* sqlite3_db_mutex: NULL without mutexes (NOMUTEX) */
    struct cached_stmt *cache; /* open addressing, linear probing */
    size_t cache_cap;          /* 0 or a power of two */
    size_t cache_count;
    struct reserved_id *reserved;
    size_t nreserved;
};

static const char sql_begin[] = "BEGIN";
static const char sql_begin_write[] = "BEGIN IMMEDIATE";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

static struct sqlite_db *sq(mg_db *db)
{
    return (struct sqlite_db *)db;
}

static sqlite3_stmt *raw(mg_stmt *st)
{
    return (sqlite3_stmt *)st;
}

/* ---- Status ---- */

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

static void note_constraint(struct sqlite_db *db);

/* The MG_ status of a sqlite3 code, with sqlite's message remembered for a failure. */
static int status_of(struct sqlite_db *db, int rc)
{
    int status = map_rc(rc);

    if (status == MG_OK)
        mg_succeeded(&db->base);
    else if ((sqlite3_errcode(db->handle) & 0xff) == (rc & 0xff))
        mg_failed(&db->base, status, sqlite3_errmsg(db->handle));
    else /* the code did not come from the connection's last call */
        mg_failed(&db->base, status, sqlite3_errstr(rc));
    if (status == MG_CONSTRAINT)
        note_constraint(db);
    return status;
}

/* ---- Which constraint failed ----

   From the extended result code, and for the names from the message, whose forms are
   SQLite's own: "UNIQUE constraint failed: t.a, t.b" (also for an INTEGER PRIMARY KEY),
   "UNIQUE constraint failed: index 'name'" (an index on expressions), "NOT NULL
   constraint failed: t.c", "CHECK constraint failed: name" (the expression when the
   constraint has no name). A foreign key's is "FOREIGN KEY constraint failed": SQLite
   names neither the key nor its table. */

/* After "PREFIX: ": "t.a, t.b" as table "t" and columns "a, b". */
static void note_columns(struct sqlite_db *db, int kind, const char *list)
{
    char columns[256];
    const char *table = list, *dot = strchr(list, '.'), *p = list;
    size_t table_len = dot ? (size_t)(dot - list) : 0, n = 0;

    while (*p != '\0') {
        const char *end = strstr(p, ", "), *item_dot;
        size_t len = end ? (size_t)(end - p) : strlen(p);
        item_dot = memchr(p, '.', len);
        if (item_dot != NULL) {     /* the column after its table */
            len -= (size_t)(item_dot + 1 - p);
            p = item_dot + 1;
        }
        if (n > 0 && n + 2 < sizeof columns) {
            memcpy(columns + n, ", ", 2);
            n += 2;
        }
        if (n + len >= sizeof columns)
            len = sizeof columns - 1 - n;
        memcpy(columns + n, p, len);
        n += len;
        if (end == NULL)
            break;
        p = end + 2;
    }
    columns[n] = '\0';
    mg_set_constraint(&db->base, kind, table, table_len, NULL, 0, columns, n);
}

static void note_constraint(struct sqlite_db *db)
{
    const char *msg = sqlite3_errmsg(db->handle), *after = strstr(msg, ": ");
    int code = sqlite3_extended_errcode(db->handle);

    after = after ? after + 2 : "";
    switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        if (strncmp(after, "index '", 7) == 0) {
            const char *name = after + 7, *quote = strchr(name, '\'');
            mg_set_constraint(&db->base, MG_UNIQUE, NULL, 0, name,
                              quote ? (size_t)(quote - name) : strlen(name), NULL, 0);
            break;
        }
        note_columns(db, code == SQLITE_CONSTRAINT_UNIQUE ? MG_UNIQUE : MG_PRIMARY_KEY, after);
        break;
    case SQLITE_CONSTRAINT_NOTNULL:
        note_columns(db, MG_NOT_NULL, after);
        break;
    case SQLITE_CONSTRAINT_CHECK:
        mg_set_constraint(&db->base, MG_CHECK, NULL, 0, after, strlen(after), NULL, 0);
        break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        mg_set_constraint(&db->base, MG_FOREIGN_KEY, NULL, 0, NULL, 0, NULL, 0);
        break;
    case SQLITE_CONSTRAINT_TRIGGER:
        /* ON DELETE or ON UPDATE RESTRICT is a trigger of SQLite's own, with this text */
        mg_set_constraint(&db->base, strcmp(msg, "FOREIGN KEY constraint failed") == 0
                                         ? MG_FOREIGN_KEY : MG_OTHER_CONSTRAINT,
                          NULL, 0, NULL, 0, NULL, 0);
        break;
    default:
        mg_set_constraint(&db->base, MG_OTHER_CONSTRAINT, NULL, 0, NULL, 0, NULL, 0);
        break;
    }
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
static struct cached_stmt *cache_slot(const struct sqlite_db *db, const char *sql)
{
    size_t i = slot_of(sql, db->cache_cap);
    while (db->cache[i].sql != NULL && db->cache[i].sql != sql)
        i = (i + 1) & (db->cache_cap - 1);
    return &db->cache[i];
}

static int cache_grow(struct sqlite_db *db)
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

/* Out of line, so that the cached path stays small. */
#if defined(__GNUC__) || defined(__clang__)
#define COLD __attribute__((noinline, cold))
#else
#define COLD
#endif

/* Prepares sql, not yet cached, and caches it. */
static COLD int prepare_new(struct sqlite_db *db, const char *sql, sqlite3_stmt **out)
{
    struct cached_stmt *slot;
    sqlite3_stmt *fresh = NULL;
    int rc;

    /* Keep the load at most one half so probes stay short. */
    if ((db->cache_count + 1) * 2 > db->cache_cap && cache_grow(db) != MG_OK)
        return mg_fail(&db->base, MG_NOMEM, "out of memory");
    rc = sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &fresh, NULL);
    if (rc != SQLITE_OK)
        return status_of(db, rc);
    if (fresh == NULL)
        return mg_fail(&db->base, MG_MISUSE, "no SQL statement in \"%s\"", sql);
    slot = cache_slot(db, sql);
    slot->sql = sql;
    slot->stmt = fresh;
    db->cache_count++;
    *out = fresh;
    return MG_OK;
}

static int prepare_cached(struct sqlite_db *db, const char *sql, sqlite3_stmt **out)
{
    if (db->cache_cap > 0) {
        struct cached_stmt *slot = cache_slot(db, sql);
        if (slot->sql != NULL) {
            /* every path resets after use; reset here only if one did not */
            if (sqlite3_stmt_busy(slot->stmt))
                sqlite3_reset(slot->stmt);
            *out = slot->stmt;
            return MG_OK;
        }
    }
    return prepare_new(db, sql, out);
}

static int sqlite_prepare(mg_db *db, const char *sql, int how, mg_stmt **st)
{
    sqlite3_stmt *s = NULL;
    int status;

    (void)how; /* a NULL id makes SQLite pick one: inserts need no other statement */
    status = prepare_cached(sq(db), sql, &s);
    *st = (mg_stmt *)s;
    return status;
}

/* Runs one of the cached statements that take nothing and return nothing. */
static int run_cached(struct sqlite_db *db, const char *sql)
{
    sqlite3_stmt *st;
    int status = prepare_cached(db, sql, &st);

    if (status != MG_OK)
        return status;
    status = status_of(db, sqlite3_step(st));
    sqlite3_reset(st);
    return status;
}

/* ---- Binding ---- */

static int bind_one(sqlite3_stmt *st, int i, const mg_param *p)
{
    if (p->null)
        return sqlite3_bind_null(st, i);
    switch (p->type) {
    case MG_TYPE_INT:
    case MG_TYPE_TIME:
    case MG_TYPE_BOOL:
        return sqlite3_bind_int64(st, i, p->i);
    case MG_TYPE_REAL:
        return sqlite3_bind_double(st, i, p->d);
    case MG_TYPE_TEXT:
        if (p->p == NULL)
            return sqlite3_bind_null(st, i);
        return sqlite3_bind_text(st, i, p->p, -1, SQLITE_STATIC);
    case MG_TYPE_BLOB:
        if (p->p == NULL)
            return sqlite3_bind_null(st, i);
        return sqlite3_bind_blob64(st, i, p->p, p->n, SQLITE_STATIC);
    default:
        return SQLITE_MISUSE;
    }
}

/* Why binding parameter i failed. */
static COLD int bind_failed(mg_db *db, int rc, int i)
{
    if (rc == SQLITE_MISUSE)
        return mg_fail(db, MG_MISUSE, "parameter %d has an unknown type", i);
    return status_of(sq(db), rc);
}

static int sqlite_bind(mg_db *db, mg_stmt *st, int first, const mg_param *params, int n)
{
    int i, rc;

    for (i = 0; i < n; i++)
        if ((rc = bind_one(raw(st), first + i, &params[i])) != SQLITE_OK)
            return bind_failed(db, rc, first + i);
    return MG_OK;
}

static int auto_id(struct sqlite_db *s, const mg_model *m, int64_t *id);

static int sqlite_bind_row(mg_db *db, mg_stmt *stmt, const mg_model *m, const void *row)
{
    sqlite3_stmt *st = raw(stmt);
    const char *base = row;
    int k, rc = SQLITE_OK;

    for (k = 0; k < m->ncolumns && rc == SQLITE_OK; k++) {
        const mg_column *c = &m->columns[k];
        const char *member = base + c->offset;
        int i = k + 1;

        if (c->nullable && c->flag != 0 && !*(const bool *)(base + c->flag)) {
            rc = sqlite3_bind_null(st, i);
            continue;
        }
        switch (c->type) {
        case MG_TYPE_INT:
        case MG_TYPE_TIME: {
            int64_t v = *(const int64_t *)member;
            if (k == 0 && v == 0) {
                int status = auto_id(sq(db), m, &v);
                if (status != MG_OK)
                    return status;
            }
            rc = k == 0 && v == 0 ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, v);
            break;
        }
        case MG_TYPE_REAL:
            rc = sqlite3_bind_double(st, i, *(const double *)member);
            break;
        case MG_TYPE_BOOL:
            rc = sqlite3_bind_int(st, i, *(const bool *)member ? 1 : 0);
            break;
        case MG_TYPE_TEXT: {
            const char *s = *(const char *const *)member;
            rc = s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
            break;
        }
        case MG_TYPE_BLOB: {
            const mg_blob *b = (const mg_blob *)member;
            rc = b->data ? sqlite3_bind_blob64(st, i, b->data, b->size, SQLITE_STATIC)
                         : sqlite3_bind_null(st, i);
            break;
        }
        case MG_TYPE_ENUM: {
            int v = *(const int *)member;
            if (v < 0 || v >= c->enumeration->count)
                return mg_fail(db, MG_MISUSE, "%s.%s: %d is not a member of enum %s",
                               m->table, c->name, v, c->enumeration->name);
            rc = sqlite3_bind_text(st, i, c->enumeration->members[v], -1, SQLITE_STATIC);
            break;
        }
        default:
            return mg_fail(db, MG_MISUSE, "%s.%s: unknown column type %d", m->table, c->name,
                           c->type);
        }
    }
    return rc == SQLITE_OK ? MG_OK : status_of(sq(db), rc);
}

/* ---- Stepping and reading ---- */

static int sqlite_step(mg_db *db, mg_stmt *st)
{
    int rc = sqlite3_step(raw(st));

    if (rc == SQLITE_ROW)
        return MG_STEP_ROW;
    if (rc == SQLITE_DONE)
        return MG_STEP_DONE;
    return status_of(sq(db), rc);
}

/* Looks at a text or blob column: the value, then its size; the type only when the
   value pointer alone is ambiguous (SQL NULL, an empty blob, or out of memory). One
   sqlite3_column_value, then sqlite3_value_*, which do not take the connection's mutex
   again: the caller holds it. */
static inline int view_column(sqlite3_stmt *st, int col, bool text, mg_view *v)
{
    sqlite3_value *value = sqlite3_column_value(st, col);
    int type;

    v->data = text ? (const void *)sqlite3_value_text(value) : sqlite3_value_blob(value);
    v->size = (size_t)sqlite3_value_bytes(value);
    v->null = false;
    if (v->data != NULL)
        return MG_OK;
    type = sqlite3_value_type(value);
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

/* A text or blob value of the current row that is not NULL, and where it goes. */
struct piece {
    const void *data;
    size_t size;
    size_t offset;  /* of its member in the row */
    bool text;
};

/* Pieces on the stack; wider models take the heap. */
enum { PIECES_ON_STACK = 32 };

/* Reads the current row in one pass over its columns: the scalars into their members,
   the text and blob values viewed and summed; then copies the views into one block
   from mg_realloc (text NUL-terminated; a lone empty blob still gets a byte, so that its
   data is not NULL), the block stored at m->owned. SQL NULL leaves the member zero. */
static int sqlite_read_row(mg_db *db, mg_stmt *stmt, const mg_model *m, int col, void *row)
{
    sqlite3_stmt *st = raw(stmt);
    struct piece stack[PIECES_ON_STACK], *pieces = stack;
    char *base = row, *block;
    size_t total = 0, off = 0;
    int k, n = 0, status = MG_OK;
    /* Held while the columns are read: sqlite3_value_* on a value from
       sqlite3_column_value need it (in SQLite's own words, an unprotected value), and the
       column calls then take it again without waiting. NULL without mutexes. */
    sqlite3_mutex *mutex = sq(db)->mutex;

    memset(row, 0, m->size);
    if (m->ncolumns > PIECES_ON_STACK
        && (pieces = malloc((size_t)m->ncolumns * sizeof *pieces)) == NULL)
        return mg_fail(db, MG_NOMEM, "out of memory");
    if (col < 0 || col + m->ncolumns > sqlite3_data_count(st)) {
        status = mg_fail(db, MG_MISUSE, "a %s row needs %d columns from column %d", m->table,
                         m->ncolumns, col);
        goto done;
    }
    if (mutex != NULL)
        sqlite3_mutex_enter(mutex);
    for (k = 0; k < m->ncolumns; k++) {
        const mg_column *c = &m->columns[k];
        char *member = base + c->offset;
        int i = col + k;

        if (c->type == MG_TYPE_INT || c->type == MG_TYPE_TIME) {
            if (c->nullable && c->flag != 0) {
                sqlite3_value *value = sqlite3_column_value(st, i);
                bool present = sqlite3_value_type(value) != SQLITE_NULL;
                *(bool *)(base + c->flag) = present;
                if (present)
                    *(int64_t *)member = sqlite3_value_int64(value);
            } else {
                *(int64_t *)member = sqlite3_column_int64(st, i);
            }
            continue;
        }
        if (c->type == MG_TYPE_TEXT || c->type == MG_TYPE_BLOB) {
            bool text = c->type == MG_TYPE_TEXT;
            mg_view v;
            if ((status = view_column(st, i, text, &v)) != MG_OK) {
                status = mg_fail(db, status, "out of memory reading %s.%s", m->table, c->name);
                goto unlock;
            }
            if (v.null)
                continue;
            if (v.size > SIZE_MAX - total - 1) {
                status = mg_fail(db, MG_NOMEM, "cannot copy the strings of a %s row",
                                 m->table);
                goto unlock;
            }
            total += v.size + text;
            pieces[n].data = v.data;
            pieces[n].size = v.size;
            pieces[n].offset = c->offset;
            pieces[n].text = text;
            n++;
            continue;
        }
        if (c->nullable && c->flag != 0) {
            sqlite3_value *value = sqlite3_column_value(st, i);
            bool present = sqlite3_value_type(value) != SQLITE_NULL;
            *(bool *)(base + c->flag) = present;
            if (!present)
                continue;
        }
        switch (c->type) {
        case MG_TYPE_INT:
        case MG_TYPE_TIME:
            *(int64_t *)member = sqlite3_column_int64(st, i);
            break;
        case MG_TYPE_REAL:
            *(double *)member = sqlite3_column_double(st, i);
            break;
        case MG_TYPE_BOOL:
            *(bool *)member = sqlite3_column_int64(st, i) != 0;
            break;
        case MG_TYPE_ENUM: {
            const char *s = (const char *)sqlite3_column_text(st, i);
            int v;
            if (s == NULL && sqlite3_column_type(st, i) != SQLITE_NULL) {
                status = mg_fail(db, MG_NOMEM, "out of memory reading %s.%s", m->table,
                                 c->name);
                goto unlock;
            }
            if (s == NULL) {
                status = mg_fail(db, MG_ERROR, "%s.%s: NULL where enum %s was expected",
                                 m->table, c->name, c->enumeration->name);
                goto unlock;
            }
            v = mg_enum_index(c->enumeration, s, (size_t)sqlite3_column_bytes(st, i));
            if (v < 0) {
                status = mg_fail(db, MG_ERROR, "%s.%s: '%s' is not a member of enum %s",
                                 m->table, c->name, s, c->enumeration->name);
                goto unlock;
            }
            *(int *)member = v;
            break;
        }
        default:
            status = mg_fail(db, MG_MISUSE, "%s.%s: unknown column type %d", m->table,
                             c->name, c->type);
            goto unlock;
        }
    }
unlock:
    if (mutex != NULL)
        sqlite3_mutex_leave(mutex);
    /* the views stay valid until the statement is stepped or reset */
    if (status == MG_OK && n > 0) {
        if ((block = mg_realloc(NULL, total ? total : 1)) == NULL) {
            status = mg_fail(db, MG_NOMEM, "cannot copy the strings of a %s row", m->table);
            goto done;
        }
        for (k = 0; k < n; k++) {
            const struct piece *p = &pieces[k];
            if (p->size > 0)
                memcpy(block + off, p->data, p->size);
            if (p->text) {
                block[off + p->size] = '\0';
                *(const char **)(base + p->offset) = block + off;
                off += p->size + 1;
            } else {
                *(mg_blob *)(base + p->offset) = (mg_blob){ block + off, p->size };
                off += p->size;
            }
        }
        *(void **)(base + m->owned) = block;
    }
done:
    if (status != MG_OK)
        memset(row, 0, m->size);
    if (pieces != stack)
        free(pieces);
    return status;
}

static bool sqlite_column_null(mg_stmt *st, int col)
{
    return sqlite3_column_type(raw(st), col) == SQLITE_NULL;
}

static int64_t sqlite_column_int(mg_stmt *st, int col)
{
    return sqlite3_column_int64(raw(st), col);
}

static const char *sqlite_column_text(mg_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(raw(st), col);
}

static void sqlite_reset(mg_db *db, mg_stmt *st)
{
    (void)db;
    if (st != NULL)
        sqlite3_reset(raw(st));
}

static int64_t sqlite_changes(mg_db *db, mg_stmt *st)
{
    (void)st;
    return sqlite3_changes64(sq(db)->handle);
}

static int64_t sqlite_inserted_id(mg_db *db, mg_stmt *st)
{
    (void)st;
    return sqlite3_last_insert_rowid(sq(db)->handle);
}

/* ---- Many rows ----

   The loop over one prepared statement: inside the transaction or savepoint the core
   opened, an insert costs what it costs alone, without a journal sync per row. */

static int sqlite_insert_rows(mg_db *db, const mg_model *m, const char *sql, void *rows,
                              size_t n, bool one_by_one, size_t *failed)
{
    struct sqlite_db *s = sq(db);
    sqlite3_stmt *st;
    size_t i;
    int status = prepare_cached(s, sql, &st);

    (void)one_by_one;   /* always */
    if (status != MG_OK)
        return status;
    for (i = 0; i < n; i++) {
        char *row = (char *)rows + i * m->size;
        int64_t id;
        int rc;

        if ((status = sqlite_bind_row(db, (mg_stmt *)st, m, row)) != MG_OK)
            break;
        rc = sqlite3_step(st);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            status = status_of(s, rc);
            break;
        }
        memcpy(&id, row, sizeof id);
        if (id == 0) {
            id = sqlite3_last_insert_rowid(s->handle);
            memcpy(row, &id, sizeof id);
        }
        sqlite3_reset(st);
    }
    sqlite3_reset(st);
    if (status != MG_OK)
        *failed = i;
    else
        mg_succeeded(db);
    return status;
}

/* ---- Transactions ---- */

static int sqlite_begin(mg_db *db)
{
    return run_cached(sq(db), sql_begin);
}

static int sqlite_begin_write(mg_db *db)
{
    return run_cached(sq(db), sql_begin_write);
}

static int sqlite_commit(mg_db *db)
{
    return run_cached(sq(db), sql_commit);
}

static int sqlite_rollback(mg_db *db)
{
    if (sqlite3_get_autocommit(sq(db)->handle))
        return MG_OK;
    return run_cached(sq(db), sql_rollback);
}

static bool sqlite_in_transaction(mg_db *db)
{
    return !sqlite3_get_autocommit(sq(db)->handle);
}

static int sqlite_exec(mg_db *db, const char *sql)
{
    return status_of(sq(db), sqlite3_exec(sq(db)->handle, sql, NULL, NULL, NULL));
}

/* An uncached statement's first column of its first row. */
static int query_one(struct sqlite_db *db, const char *sql, int64_t *value, bool *null,
                     bool *row)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->handle, sql, -1, &st, NULL), status;

    *value = 0;
    *null = false;
    *row = false;
    if (rc != SQLITE_OK)
        return status_of(db, rc);
    if (st == NULL)
        return mg_fail(&db->base, MG_MISUSE, "no SQL statement in \"%s\"", sql);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *row = true;
        *null = sqlite3_column_type(st, 0) == SQLITE_NULL;
        *value = sqlite3_column_int64(st, 0);
    }
    status = status_of(db, rc);
    sqlite3_finalize(st);
    return status;
}

static int sqlite_query_int(mg_db *db, const char *sql, int64_t *value, bool *null)
{
    bool row;
    int status = query_one(sq(db), sql, value, null, &row);

    if (status == MG_OK && !row)
        return mg_fail(db, MG_NOTFOUND, "the query returned no row");
    return status;
}

static int sqlite_next_id(mg_db *db, const mg_model *m, int64_t *id)
{
    struct sqlite_db *s = sq(db);
    struct reserved_id *r = NULL;
    char sql[256];
    int64_t largest;
    bool null, row;
    size_t i;
    int status;

    if (snprintf(sql, sizeof sql, "SELECT max(id) FROM %s", m->sql_table) >= (int)sizeof sql)
        return mg_fail(db, MG_MISUSE, "table name too long");
    if ((status = query_one(s, sql, &largest, &null, &row)) != MG_OK)
        return status;
    for (i = 0; i < s->nreserved; i++)
        if (s->reserved[i].model == m)
            r = &s->reserved[i];
    if (r == NULL) {
        struct reserved_id *grown =
            sqlite3_realloc64(s->reserved, (s->nreserved + 1) * sizeof *grown);
        if (grown == NULL)
            return mg_fail(db, MG_NOMEM, "out of memory");
        s->reserved = grown;
        r = &s->reserved[s->nreserved++];
        r->model = m;
        r->last = 0;
    }
    if (!null && largest > r->last)
        r->last = largest;
    if (r->last == INT64_MAX)
        return mg_fail(db, MG_ERROR, "%s: no id is left", m->table);
    *id = ++r->last;
    return MG_OK;
}

/* The id an insert of m with a zero id binds: 0 (NULL: SQLite picks one past the largest)
   unless that could be an id sqlite_next_id handed out and not yet inserted; then one
   past the last of those. */
static int auto_id(struct sqlite_db *s, const mg_model *m, int64_t *id)
{
    char sql[256];
    int64_t largest;
    bool null, row;
    size_t i;
    int status;

    *id = 0;
    for (i = 0; i < s->nreserved; i++)
        if (s->reserved[i].model == m && s->reserved[i].last != 0)
            break;
    if (i == s->nreserved)
        return MG_OK;
    if (snprintf(sql, sizeof sql, "SELECT max(id) FROM %s", m->sql_table) >= (int)sizeof sql)
        return mg_fail(&s->base, MG_MISUSE, "table name too long");
    if ((status = query_one(s, sql, &largest, &null, &row)) != MG_OK)
        return status;
    if (!null && largest >= s->reserved[i].last)
        return MG_OK;
    if (s->reserved[i].last == INT64_MAX)
        return mg_fail(&s->base, MG_ERROR, "%s: no id is left", m->table);
    *id = s->reserved[i].last + 1;
    return MG_OK;
}

/* ---- Migrations ---- */

/* Through sqlite3_db_config, which sets the flag PRAGMA foreign_keys sets without
   preparing a statement: turning keys back on after a migration cannot fail for want of
   memory and leave the connection without them. */
static int sqlite_foreign_keys(mg_db *db, bool *was_on, bool on)
{
    sqlite3 *h = sq(db)->handle;
    int now = 0;

    if (!on) {
        if (sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &now) != SQLITE_OK)
            return mg_fail(db, MG_ERROR, "cannot read PRAGMA foreign_keys");
        *was_on = now != 0;
        if (!*was_on)
            return MG_OK;
    }
    if (sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_FKEY, on ? 1 : 0, &now) != SQLITE_OK
        || (now != 0) != on)
        return mg_fail(db, MG_ERROR, "cannot turn foreign keys %s", on ? "on" : "off");
    return MG_OK;
}

static int sqlite_check_foreign_keys(mg_db *db)
{
    struct sqlite_db *s = sq(db);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->handle, "PRAGMA foreign_key_check", -1, &st, NULL), status;

    if (rc != SQLITE_OK)
        return status_of(s, rc);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(st, 0);
        long long rowid = (long long)sqlite3_column_int64(st, 1);
        const char *parent = (const char *)sqlite3_column_text(st, 2);
        status = mg_fail(db, MG_CONSTRAINT,
                         "foreign key violated: a row of %s (rowid %lld) refers to a missing "
                         "row of %s", table ? table : "?", rowid, parent ? parent : "?");
        mg_set_constraint(db, MG_FOREIGN_KEY, table, table ? strlen(table) : 0, NULL, 0,
                          NULL, 0);
    } else {
        status = status_of(s, rc);
    }
    sqlite3_finalize(st);
    return status;
}

static const mg_migration_sql *sqlite_migration_sql(const mg_migration *m)
{
    return &m->sqlite;
}

static struct sqlite3 *sqlite_handle(mg_db *db)
{
    return sq(db)->handle;
}

/* ---- Connections ---- */

static int sqlite_close(mg_db *db)
{
    struct sqlite_db *s = sq(db);
    size_t i;
    int rc;

    for (i = 0; i < s->cache_cap; i++)
        sqlite3_finalize(s->cache[i].stmt);
    sqlite3_free(s->cache);
    sqlite3_free(s->reserved);
    rc = sqlite3_close_v2(s->handle);
    sqlite3_free(s);
    return map_rc(rc);
}

static const struct mg_engine sqlite_engine = {
    "sqlite",
    sqlite_close,
    sqlite_exec,
    sqlite_prepare,
    sqlite_bind,
    sqlite_bind_row,
    sqlite_step,
    sqlite_read_row,
    sqlite_column_null,
    sqlite_column_int,
    sqlite_column_text,
    sqlite_reset,
    sqlite_changes,
    sqlite_inserted_id,
    sqlite_begin,
    sqlite_begin_write,
    sqlite_commit,
    sqlite_rollback,
    sqlite_in_transaction,
    sqlite_query_int,
    NULL, /* claim_id: SQLite never picks an id below the largest */
    sqlite_next_id,
    NULL, /* migration_lock: BEGIN IMMEDIATE holds the write lock */
    sqlite_foreign_keys,
    sqlite_check_foreign_keys,
    sqlite_migration_sql,
    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    " AND name = 'modelgen_migrations'",
    "CREATE TABLE IF NOT EXISTS modelgen_migrations (version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    sqlite_handle,
    NULL,
    sqlite_insert_rows,
};

int mg_sqlite_open(const char *path, mg_db **out)
{
    static const char *const tx_sql[] = { sql_begin, sql_begin_write, sql_commit,
                                          sql_rollback };
    struct sqlite_db *db;
    sqlite3_stmt *st;
    int rc, fk_on = 0, status = MG_OK;
    size_t i;

    if ((db = sqlite3_malloc64(sizeof *db)) == NULL)
        return mg_open_failed(MG_NOMEM, "out of memory");
    memset(db, 0, sizeof *db);
    db->base.engine = &sqlite_engine;
    /* a connection is used by one thread at a time (modelgen.h): no mutex around every
       sqlite3 call */
    rc = sqlite3_open_v2(path, &db->handle,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        db->mutex = sqlite3_db_mutex(db->handle);
        rc = sqlite3_busy_timeout(db->handle, 5000);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db->handle, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &fk_on);
    if (rc != SQLITE_OK)
        status = mg_open_failed(map_rc(rc), "cannot open %s: %s", path,
                                db->handle ? sqlite3_errmsg(db->handle) : sqlite3_errstr(rc));
    else if (!fk_on)
        status = mg_open_failed(MG_ERROR, "cannot turn foreign keys on in %s", path);
    /* Prepared now so that mg_commit can always roll back, even out of memory. */
    for (i = 0; status == MG_OK && i < sizeof tx_sql / sizeof tx_sql[0]; i++)
        if ((status = prepare_cached(db, tx_sql[i], &st)) != MG_OK)
            mg_open_failed(status, "cannot open %s: %s", path, db->base.msg);
    if (status != MG_OK) {
        sqlite_close(&db->base);
        return status;
    }
    *out = &db->base;
    return MG_OK;
}
