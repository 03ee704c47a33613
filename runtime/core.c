/* The engine-neutral core of the runtime: statuses and messages, choosing the engine at
   mg_open, transactions (with the rule that a failed statement fails its transaction),
   the allocator, copying a row's strings into one block, the statements every model
   runs (get, all, count, insert, update, delete, set a key, eager loading) and
   migrations. Everything engine-specific goes through struct mg_engine (engine.h). */
#include "engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* ---- Messages ---- */

/* Why the last mg_open of this thread failed. */
static __thread char open_msg[512];

int mg_open_failed(int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(open_msg, sizeof open_msg, fmt, ap);
    va_end(ap);
    return status;
}

const char *mg_open_errmsg(void)
{
    return open_msg;
}

int mg_fail(mg_db *db, int status, const char *fmt, ...)
{
    va_list ap;

    if (db == NULL)
        return status;
    va_start(ap, fmt);
    vsnprintf(db->msg, sizeof db->msg, fmt, ap);
    va_end(ap);
    db->constraint.kind = 0;
    return status;
}

int mg_failed(mg_db *db, int status, const char *msg)
{
    if (db != NULL) {
        snprintf(db->msg, sizeof db->msg, "%s", msg ? msg : mg_status_name(status));
        db->constraint.kind = 0;
    }
    return status;
}

/* ---- Which constraint failed ----

   Every failure forgets the constraint of the one before (mg_fail, mg_failed); the
   engine that recognises a constraint's violation records it right after. */

static void copy_name(char *dst, size_t cap, const char *src, size_t n)
{
    if (src == NULL)
        n = 0;
    if (n >= cap)
        n = cap - 1;
    if (n > 0)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

void mg_set_constraint(mg_db *db, int kind, const char *table, size_t table_len,
                       const char *name, size_t name_len, const char *columns,
                       size_t columns_len)
{
    mg_constraint_info *c;

    if (db == NULL)
        return;
    c = &db->constraint;
    c->kind = kind;
    copy_name(c->table, sizeof c->table, table, table_len);
    copy_name(c->name, sizeof c->name, name, name_len);
    copy_name(c->columns, sizeof c->columns, columns, columns_len);
}

int mg_constraint(mg_db *db, mg_constraint_info *out)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (db == NULL || out == NULL)
        return mg_fail(db, MG_MISUSE, "mg_constraint: NULL argument");
    if (db->constraint.kind == 0)
        return MG_NOTFOUND;
    *out = db->constraint;
    return MG_OK;
}

const char *mg_constraint_kind_name(int kind)
{
    static const char *const names[] = {
        "none", "unique", "primary key", "foreign key", "not null", "check", "other",
    };
    if (kind < 0 || kind > MG_OTHER_CONSTRAINT)
        return "unknown";
    return names[kind];
}

const char *mg_errmsg(mg_db *db)
{
    if (db == NULL)
        return open_msg[0] ? open_msg : "no database connection";
    return db->msg[0] ? db->msg : "not an error";
}

const char *mg_engine(mg_db *db)
{
    return db ? db->engine->name : NULL;
}

struct sqlite3 *mg_sqlite(mg_db *db)
{
    return db && db->engine->sqlite ? db->engine->sqlite(db) : NULL;
}

struct pg_conn *mg_postgres(mg_db *db)
{
    return db && db->engine->postgres ? db->engine->postgres(db) : NULL;
}

/* ---- Connections ---- */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int mg_open(const char *target, mg_db **db)
{
    if (db == NULL)
        return mg_open_failed(MG_MISUSE, "mg_open: db is NULL");
    *db = NULL;
    if (target == NULL)
        return mg_open_failed(MG_MISUSE, "mg_open: target is NULL");
    open_msg[0] = '\0';
    if (starts_with(target, "postgresql://") || starts_with(target, "postgres://")) {
#ifdef MG_WITH_POSTGRES
        return mg_postgres_open(target, db);
#else
        return mg_open_failed(MG_ERROR, "this libmodelgen was built without PostgreSQL");
#endif
    }
    return mg_sqlite_open(target, db);
}

int mg_close(mg_db *db)
{
    if (db == NULL)
        return MG_OK;
    return db->engine->close(db);
}

/* ---- Transactions ----

   A statement that fails inside a transaction fails its level, on both engines: the
   transaction, or the innermost savepoint open in it (PostgreSQL aborts the transaction
   until ROLLBACK TO SAVEPOINT, and SQLite is made to agree). The failure is remembered
   until mg_commit or mg_rollback ends that level. The levels inside the transaction are
   the savepoints mg_savepoint_1, mg_savepoint_2, ... that mg_begin opens. */

static bool in_tx(mg_db *db)
{
    return db->failed_tx || db->depth > 0 || db->engine->in_transaction(db);
}

/* MG_OK when statements may run; MG_ERROR while a failed level waits for its rollback. */
static int usable(mg_db *db)
{
    db->constraint.kind = 0;    /* a new call forgets the last one's constraint */
    if (!db->failed_tx)
        return MG_OK;
    return mg_fail(db, MG_ERROR, "an earlier statement of this %s failed (%s: %s); "
                   "only mg_rollback or mg_commit can end it",
                   db->depth > 0 ? "savepoint" : "transaction", mg_status_name(db->failed),
                   db->failed_msg);
}

/* The innermost level fails with the failure just recorded. */
static void fail_level(mg_db *db, int status)
{
    db->failed_tx = true;
    db->failed = status;
    snprintf(db->failed_msg, sizeof db->failed_msg, "%s", db->msg);
    db->failed_constraint = db->constraint;
}

static void clear_failure(mg_db *db)
{
    db->failed_tx = false;
    db->failed = MG_OK;
    db->failed_constraint.kind = 0;
}

/* A failure from the engine: inside a transaction, its innermost level fails with it. */
static int failed_statement(mg_db *db, int status)
{
    if (status != MG_OK && status != MG_NOTFOUND && status != MG_MISUSE && !db->failed_tx
        && (db->depth > 0 || db->engine->in_transaction(db)))
        fail_level(db, status);
    return status;
}

/* Runs "VERB mg_savepoint_LEVEL". */
static int savepoint_exec(mg_db *db, const char *verb, int level)
{
    char sql[64];

    snprintf(sql, sizeof sql, "%s mg_savepoint_%d", verb, level);
    return db->engine->exec(db, sql);
}

/* Opens a savepoint one level deeper. */
static int savepoint_open(mg_db *db)
{
    int status;

    if (db->depth >= 1000000)
        return mg_fail(db, MG_MISUSE, "mg_begin: too many savepoints");
    status = savepoint_exec(db, "SAVEPOINT", db->depth + 1);
    if (status == MG_OK)
        db->depth++;
    return status;
}

/* Releases the innermost savepoint: its changes become the enclosing level's. */
static int savepoint_release(mg_db *db)
{
    int status = savepoint_exec(db, "RELEASE SAVEPOINT", db->depth);

    if (status == MG_OK)
        db->depth--;
    return status;
}

/* Undoes the innermost savepoint and ends it, clearing its failure. When the engine
   cannot (the transaction went with a lost connection, or SQLite ended it after an I/O
   error), the whole transaction is rolled back: MG_ERROR, no transaction open. */
static int savepoint_rollback(mg_db *db)
{
    char why[sizeof db->msg];
    int status = savepoint_exec(db, "ROLLBACK TO SAVEPOINT", db->depth);

    if (status == MG_OK)
        status = savepoint_exec(db, "RELEASE SAVEPOINT", db->depth);
    clear_failure(db);
    if (status == MG_OK) {
        db->depth--;
        return MG_OK;
    }
    snprintf(why, sizeof why, "%s", db->msg);
    db->depth = 0;
    db->engine->rollback(db);
    /* the transaction's level has failed: no statement runs as if it were still open */
    mg_fail(db, MG_ERROR, "cannot roll back to the savepoint (%s): the whole transaction "
            "was rolled back", why);
    fail_level(db, MG_ERROR);
    return MG_ERROR;
}

int mg_begin(mg_db *db)
{
    int status;

    if (db == NULL)
        return MG_MISUSE;
    if ((status = usable(db)) != MG_OK)
        return status;
    if (db->depth == 0 && !db->engine->in_transaction(db))
        return db->engine->begin(db);
    return failed_statement(db, savepoint_open(db));
}

/* mg_commit inside a savepoint. */
static int commit_savepoint(mg_db *db)
{
    char why[sizeof db->msg];
    mg_constraint_info constraint;
    int status;

    if (db->failed_tx) {
        status = db->failed;
        constraint = db->failed_constraint;
        snprintf(why, sizeof why, "%s", db->failed_msg);
        if (savepoint_rollback(db) != MG_OK)
            return MG_ERROR;
        mg_fail(db, status, "the savepoint was rolled back: an earlier statement failed: %s",
                why);
        db->constraint = constraint;
        return status;
    }
    if ((status = savepoint_release(db)) == MG_OK)
        return MG_OK;
    /* what cannot be released is undone */
    constraint = db->constraint;
    snprintf(why, sizeof why, "%s", db->msg);
    if (savepoint_rollback(db) != MG_OK)
        return MG_ERROR;
    mg_failed(db, status, why);
    db->constraint = constraint;
    return status;
}

int mg_commit(mg_db *db)
{
    mg_constraint_info constraint;
    int status;

    if (db == NULL)
        return MG_MISUSE;
    if (db->depth > 0)
        return commit_savepoint(db);
    if (db->failed_tx) {
        char why[sizeof db->failed_msg];
        status = db->failed;
        constraint = db->failed_constraint;
        snprintf(why, sizeof why, "%s", db->failed_msg);
        db->engine->rollback(db);
        clear_failure(db);
        mg_fail(db, status, "the transaction was rolled back: an earlier statement failed: %s",
                why);
        db->constraint = constraint;
        return status;
    }
    if (!db->engine->in_transaction(db))
        return mg_fail(db, MG_MISUSE, "mg_commit: no transaction is open");
    status = db->engine->commit(db);
    if (status != MG_OK && db->engine->in_transaction(db)) {
        /* keep the COMMIT's message and constraint */
        char why[sizeof db->msg];
        snprintf(why, sizeof why, "%s", db->msg);
        constraint = db->constraint;
        db->engine->rollback(db);
        mg_failed(db, status, why);
        db->constraint = constraint;
    }
    return status;
}

int mg_rollback(mg_db *db)
{
    if (db == NULL)
        return MG_MISUSE;
    if (db->depth > 0)
        return savepoint_rollback(db);
    clear_failure(db);
    /* with no transaction open, the engine's rollback is a no-op (PostgreSQL uses the
       call to reconnect a lost connection) */
    return db->engine->rollback(db);
}

bool mg_in_transaction(mg_db *db)
{
    return db != NULL && in_tx(db);
}

int mg_transaction_depth(mg_db *db)
{
    return db != NULL && in_tx(db) ? db->depth + 1 : 0;
}

int mg_exec(mg_db *db, const char *sql)
{
    int status;

    if (db == NULL || sql == NULL)
        return mg_fail(db, MG_MISUSE, "mg_exec: NULL argument");
    if ((status = usable(db)) != MG_OK)
        return status;
    return failed_statement(db, db->engine->exec(db, sql));
}

int mg_query_int(mg_db *db, const char *sql, int64_t *value)
{
    bool null = false;
    int status;

    if (value != NULL)
        *value = 0;
    if (db == NULL || sql == NULL || value == NULL)
        return mg_fail(db, MG_MISUSE, "mg_query_int: NULL argument");
    if ((status = usable(db)) != MG_OK)
        return status;
    status = failed_statement(db, db->engine->query_int(db, sql, value, &null));
    if (status == MG_OK && null)
        return mg_fail(db, MG_ERROR, "mg_query_int: the value is NULL");
    return status;
}

/* ---- The allocator ---- */

static void *(*alloc_realloc)(void *, size_t) = realloc;
static void (*alloc_free)(void *) = free;

void mg_set_allocator(void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *))
{
    alloc_realloc = realloc_fn ? realloc_fn : realloc;
    alloc_free = free_fn ? free_fn : free;
}

void *mg_realloc(void *p, size_t size)
{
    if (size == 0)
        size = 1;
    /* the common case, a row's new block: malloc is realloc(NULL, size) without the
       test for NULL */
    if (p == NULL && alloc_realloc == realloc)
        return malloc(size);
    return alloc_realloc(p, size);
}

void mg_free(void *p)
{
    if (p != NULL)
        alloc_free(p);
}

/* ---- A row's strings and blobs in one block ---- */

int mg_enum_index(const mg_enum *e, const char *s, size_t n)
{
    int i;

    for (i = 0; i < e->count; i++)
        if (strncmp(e->members[i], s, n) == 0 && e->members[i][n] == '\0')
            return i;
    return -1;
}

int mg_place_views(const mg_model *m, const mg_view *views, void *row)
{
    size_t total = 0, off = 0;
    bool any = false;
    char *block, *base = row;
    int k;

    for (k = 0; k < m->ncolumns; k++) {
        int type = m->columns[k].type;
        if ((type != MG_TYPE_TEXT && type != MG_TYPE_BLOB) || views[k].null)
            continue;
        if (views[k].size > SIZE_MAX - total - 1)
            return MG_NOMEM;
        total += views[k].size + (type == MG_TYPE_TEXT);
        any = true;
    }
    if (!any) {
        for (k = 0; k < m->ncolumns; k++) {
            const mg_column *c = &m->columns[k];
            if (c->type == MG_TYPE_TEXT)
                *(const char **)(base + c->offset) = NULL;
            else if (c->type == MG_TYPE_BLOB)
                *(mg_blob *)(base + c->offset) = (mg_blob){ NULL, 0 };
        }
        return MG_OK;
    }
    /* at least one byte, so that a lone empty blob still gets non-NULL data */
    if ((block = mg_realloc(NULL, total ? total : 1)) == NULL)
        return MG_NOMEM;
    for (k = 0; k < m->ncolumns; k++) {
        const mg_column *c = &m->columns[k];
        const mg_view *v = &views[k];
        if (c->type != MG_TYPE_TEXT && c->type != MG_TYPE_BLOB)
            continue;
        if (v->null) {
            if (c->type == MG_TYPE_TEXT)
                *(const char **)(base + c->offset) = NULL;
            else
                *(mg_blob *)(base + c->offset) = (mg_blob){ NULL, 0 };
            continue;
        }
        if (v->size > 0)
            memcpy(block + off, v->data, v->size);
        if (c->type == MG_TYPE_TEXT) {
            block[off + v->size] = '\0';
            *(const char **)(base + c->offset) = block + off;
            off += v->size + 1;
        } else {
            *(mg_blob *)(base + c->offset) = (mg_blob){ block + off, v->size };
            off += v->size;
        }
    }
    *(void **)(base + m->owned) = block;
    return MG_OK;
}

/* ---- Rows ---- */

void mg_free_row(const mg_model *m, void *row)
{
    void **owned;

    if (m == NULL || row == NULL)
        return;
    owned = (void **)((char *)row + m->owned);
    mg_free(*owned);
    memset(row, 0, m->size);
}

void mg_free_rows(const mg_model *m, void *items, size_t count)
{
    size_t i;

    if (m == NULL)
        return;
    for (i = 0; i < count; i++)
        mg_free_row(m, (char *)items + i * m->size);
    mg_free(items);
}

static void release_rows(const mg_model *m, mg_rows *rows)
{
    mg_free_rows(m, rows->items, rows->count);
    rows->items = NULL;
    rows->count = 0;
}

/* The statement for sql with its parameters bound, or a failure status. */
static inline int start(mg_db *db, const char *sql, int how, const mg_param *params,
                        int nparams, mg_stmt **st)
{
    int status = usable(db);

    if (status != MG_OK)
        return status;
    if (nparams < 0 || (nparams > 0 && params == NULL))
        return mg_fail(db, MG_MISUSE, "bad parameters");
    status = db->engine->prepare(db, sql, how, st);
    if (status != MG_OK)
        return failed_statement(db, status);
    if (nparams > 0 && (status = db->engine->bind(db, *st, 1, params, nparams)) != MG_OK)
        db->engine->reset(db, *st);
    return status;
}

/* Steps once: MG_STEP_ROW, MG_STEP_DONE, or a failure (which fails the transaction). */
static int step(mg_db *db, mg_stmt *st)
{
    int rc = db->engine->step(db, st);

    if (rc == MG_STEP_ROW || rc == MG_STEP_DONE)
        return rc;
    return failed_statement(db, rc);
}

/* A statement that returns no rows (or one we do not read): MG_OK or a failure. */
static int finish(mg_db *db, mg_stmt *st)
{
    int rc = step(db, st);

    return rc == MG_STEP_ROW || rc == MG_STEP_DONE ? MG_OK : rc;
}

#define CHECK_ARGS(cond, what)                                                            \
    do {                                                                                  \
        if (db == NULL)                                                                   \
            return MG_MISUSE;                                                             \
        if (!(cond))                                                                      \
            return mg_fail(db, MG_MISUSE, "%s: NULL argument", what);                     \
    } while (0)

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

/* mg_get_row, which mg_get_by_id calls without going through the exported symbol */
static int get_row(mg_db *db, const mg_model *m, const char *sql, const mg_param *params,
                   int nparams, void *out)
{
    mg_stmt *st;
    int status, rc;

    if (m != NULL && out != NULL && (db == NULL || sql == NULL))
        memset(out, 0, m->size);
    CHECK_ARGS(m != NULL && sql != NULL && out != NULL, "mg_get_row");
    if ((status = start(db, sql, MG_PREP_PLAIN, params, nparams, &st)) != MG_OK) {
        memset(out, 0, m->size);
        return status;
    }
    rc = step(db, st);
    if (rc == MG_STEP_ROW) {
        status = db->engine->read_row(db, st, m, 0, out); /* which empties *out first */
    } else {
        memset(out, 0, m->size);
        status = rc == MG_STEP_DONE ? MG_NOTFOUND : rc;
    }
    db->engine->reset(db, st);
    return status;
}

int mg_get_row(mg_db *db, const mg_model *m, const char *sql, const mg_param *params,
               int nparams, void *out)
{
    return get_row(db, m, sql, params, nparams, out);
}

int mg_get_by_id(mg_db *db, const mg_model *m, const char *sql, int64_t id, void *out)
{
    mg_param key = mg_param_int(id);
    int status = get_row(db, m, sql, &key, 1, out);

    if (status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "no %s row with id %lld", m->table, (long long)id);
    return status;
}

int mg_get_rows(mg_db *db, const mg_model *m, const char *sql, const mg_param *params,
                int nparams, mg_rows *out)
{
    mg_stmt *st;
    size_t cap = 0;
    int status, rc;

    if (out != NULL) {
        out->items = NULL;
        out->count = 0;
    }
    CHECK_ARGS(m != NULL && sql != NULL && out != NULL, "mg_get_rows");
    if ((status = start(db, sql, MG_PREP_PLAIN, params, nparams, &st)) != MG_OK)
        return status;
    while ((rc = step(db, st)) == MG_STEP_ROW) {
        status = reserve(db, out, m->size, &cap);
        if (status == MG_OK)
            status = db->engine->read_row(db, st, m, 0,
                                          (char *)out->items + out->count * m->size);
        if (status != MG_OK)
            break;
        out->count++;
    }
    if (status == MG_OK && rc != MG_STEP_DONE)
        status = rc;
    if (status != MG_OK)
        release_rows(m, out);
    db->engine->reset(db, st);
    return status;
}

int mg_get_count(mg_db *db, const char *sql, const mg_param *params, int nparams,
                 int64_t *count)
{
    mg_stmt *st;
    int status, rc;

    if (count != NULL)
        *count = 0;
    CHECK_ARGS(sql != NULL && count != NULL, "mg_get_count");
    if ((status = start(db, sql, MG_PREP_PLAIN, params, nparams, &st)) != MG_OK)
        return status;
    rc = step(db, st);
    if (rc == MG_STEP_ROW)
        *count = db->engine->column_int(st, 0);
    status = rc == MG_STEP_ROW || rc == MG_STEP_DONE ? MG_OK : rc;
    db->engine->reset(db, st);
    return status;
}

/* Prepares sql, binds the whole row and steps once. */
static int run_row(mg_db *db, const mg_model *m, const char *sql, int how, const void *row,
                   mg_stmt **st)
{
    int status = usable(db);

    if (status != MG_OK)
        return status;
    if ((status = db->engine->prepare(db, sql, how, st)) != MG_OK)
        return failed_statement(db, status);
    status = db->engine->bind_row(db, *st, m, row);
    if (status == MG_OK)
        status = finish(db, *st);
    return status;
}

int mg_insert_row(mg_db *db, const mg_model *m, const char *sql, const void *row,
                  int64_t *id)
{
    int64_t explicit_id;
    mg_stmt *st = NULL;
    int status;

    CHECK_ARGS(m != NULL && sql != NULL && row != NULL && id != NULL, "mg_insert_row");
    explicit_id = *(const int64_t *)row;
    status = run_row(db, m, sql, explicit_id != 0 ? MG_PREP_INSERT : MG_PREP_INSERT_AUTO,
                     row, &st);
    if (status == MG_OK)
        *id = db->engine->inserted_id(db, st);
    if (st != NULL)
        db->engine->reset(db, st);
    if (status == MG_OK && explicit_id != 0 && db->engine->claim_id != NULL)
        status = failed_statement(db, db->engine->claim_id(db, m, explicit_id));
    return status;
}

/* After a statement that should have changed the row with that id. */
static int changed_or_notfound(mg_db *db, const mg_model *m, mg_stmt *st, int status,
                               int64_t id)
{
    if (status == MG_OK && db->engine->changes(db, st) == 0)
        status = mg_fail(db, MG_NOTFOUND, "no %s row with id %lld", m->table, (long long)id);
    if (st != NULL)
        db->engine->reset(db, st);
    return status;
}

int mg_update_row(mg_db *db, const mg_model *m, const char *sql, const void *row)
{
    mg_stmt *st = NULL;
    int status;

    CHECK_ARGS(m != NULL && sql != NULL && row != NULL, "mg_update_row");
    status = run_row(db, m, sql, MG_PREP_PLAIN, row, &st);
    return changed_or_notfound(db, m, st, status, *(const int64_t *)row);
}

int mg_delete_row(mg_db *db, const mg_model *m, const char *sql, int64_t id)
{
    mg_param key = mg_param_int(id);
    mg_stmt *st = NULL;
    int status;

    CHECK_ARGS(m != NULL && sql != NULL, "mg_delete_row");
    status = start(db, sql, MG_PREP_PLAIN, &key, 1, &st);
    if (status == MG_OK)
        status = finish(db, st);
    else
        st = NULL;
    return changed_or_notfound(db, m, st, status, id);
}

int mg_set_key(mg_db *db, const mg_model *m, const char *sql, int64_t id, const int64_t *key)
{
    mg_param params[2];
    mg_stmt *st = NULL;
    int status;

    CHECK_ARGS(m != NULL && sql != NULL, "mg_set_key");
    params[0] = key != NULL ? mg_param_int(*key) : mg_param_null(MG_TYPE_INT);
    params[1] = mg_param_int(id);
    status = start(db, sql, MG_PREP_PLAIN, params, 2, &st);
    if (status == MG_OK)
        status = finish(db, st);
    else
        st = NULL;
    return changed_or_notfound(db, m, st, status, id);
}

int mg_exec_params(mg_db *db, const char *sql, const mg_param *params, int nparams,
                   int64_t *changes)
{
    mg_stmt *st;
    int status;

    if (changes != NULL)
        *changes = 0;
    CHECK_ARGS(sql != NULL, "mg_exec_params");
    if ((status = start(db, sql, MG_PREP_PLAIN, params, nparams, &st)) != MG_OK)
        return status;
    status = finish(db, st);
    if (status == MG_OK && changes != NULL)
        *changes = db->engine->changes(db, st);
    db->engine->reset(db, st);
    return status;
}

/* The owner's columns come first, the target's from column m->ncolumns on; the target is
   left empty when the LEFT JOIN found none. On failure both are empty. */
static int read_pair(mg_db *db, mg_stmt *st, const mg_model *m, const mg_model *t,
                     void *out, void *out_t)
{
    int status = db->engine->read_row(db, st, m, 0, out);

    memset(out_t, 0, t->size);
    if (status != MG_OK || db->engine->column_null(st, m->ncolumns))
        return status;
    status = db->engine->read_row(db, st, t, m->ncolumns, out_t);
    if (status != MG_OK)
        mg_free_row(m, out);
    return status;
}

int mg_get_with(mg_db *db, const mg_model *m, const mg_model *t, const char *sql, int64_t id,
                void *out, void *out_t)
{
    mg_param key = mg_param_int(id);
    mg_stmt *st;
    int status, rc;

    if (m != NULL && out != NULL)
        memset(out, 0, m->size);
    if (t != NULL && out_t != NULL)
        memset(out_t, 0, t->size);
    CHECK_ARGS(m != NULL && t != NULL && sql != NULL && out != NULL && out_t != NULL,
               "mg_get_with");
    if ((status = start(db, sql, MG_PREP_PLAIN, &key, 1, &st)) != MG_OK)
        return status;
    rc = step(db, st);
    if (rc == MG_STEP_ROW)
        status = read_pair(db, st, m, t, out, out_t);
    else if (rc == MG_STEP_DONE)
        status = mg_fail(db, MG_NOTFOUND, "no %s row with id %lld", m->table, (long long)id);
    else
        status = rc;
    db->engine->reset(db, st);
    return status;
}

int mg_all_with(mg_db *db, const mg_model *m, const mg_model *t, const char *sql,
                mg_rows *out, mg_rows *out_t)
{
    mg_stmt *st;
    size_t cap = 0, cap_t = 0;
    int status, rc;

    if (out != NULL) {
        out->items = NULL;
        out->count = 0;
    }
    if (out_t != NULL) {
        out_t->items = NULL;
        out_t->count = 0;
    }
    CHECK_ARGS(m != NULL && t != NULL && sql != NULL && out != NULL && out_t != NULL,
               "mg_all_with");
    if ((status = start(db, sql, MG_PREP_PLAIN, NULL, 0, &st)) != MG_OK)
        return status;
    /* the two arrays grow together, so that item i of one belongs to item i of the other */
    while ((rc = step(db, st)) == MG_STEP_ROW) {
        status = reserve(db, out, m->size, &cap);
        if (status == MG_OK)
            status = reserve(db, out_t, t->size, &cap_t);
        if (status == MG_OK)
            status = read_pair(db, st, m, t, (char *)out->items + out->count * m->size,
                               (char *)out_t->items + out_t->count * t->size);
        if (status != MG_OK)
            break;
        out->count++;
        out_t->count++;
    }
    if (status == MG_OK && rc != MG_STEP_DONE)
        status = rc;
    if (status != MG_OK) {
        release_rows(m, out);
        release_rows(t, out_t);
    }
    db->engine->reset(db, st);
    return status;
}

/* ---- Eager loading of has_many and has_many through ----

   One statement: the owners UNION ALL their targets. An owner's row holds m's columns,
   then t's as NULL; a target's holds its owner's id where m's id goes (NULL for m's other
   columns), then t's columns. A row is an owner's when t's id is NULL. One statement is
   one snapshot on both engines, whatever the isolation, and each side is read by the
   plan its engine likes (on SQLite a scan of each table, where a join would look the
   targets up owner by owner, a page apiece). The rows come in no particular order: the
   runtime puts the owners in id order and groups the targets by owner, in id order. */

static int64_t row_id(const void *row)
{
    return *(const int64_t *)row; /* every model's struct starts with its id */
}

static int by_id(const void *a, const void *b)
{
    int64_t x = row_id(a), y = row_id(b);
    return (x > y) - (x < y);
}

/* Sorts n rows of `size` bytes by id, unless they already are. */
static void sort_by_id(void *rows, size_t n, size_t size)
{
    size_t i;

    for (i = 1; i < n; i++)
        if (row_id((char *)rows + (i - 1) * size) > row_id((char *)rows + i * size)) {
            qsort(rows, n, size, by_id);
            return;
        }
}

/* Reads the statement's rows: the owners into *out, the targets into *raw with their
   owners' ids in *keys (a target of no owner, its key NULL, is left out). */
static int read_with_many(mg_db *db, mg_stmt *st, const mg_model *m, const mg_model *t,
                          mg_rows *out, mg_rows *raw, mg_rows *keys)
{
    size_t cap = 0, cap_t = 0, cap_k = 0;
    int status = MG_OK, rc;

    while ((rc = step(db, st)) == MG_STEP_ROW) {
        if (db->engine->column_null(st, m->ncolumns)) {
            status = reserve(db, out, m->size, &cap);
            if (status == MG_OK)
                status = db->engine->read_row(db, st, m, 0,
                                              (char *)out->items + out->count * m->size);
            if (status != MG_OK)
                return status;
            out->count++;
            continue;
        }
        if (db->engine->column_null(st, 0))
            continue;
        status = reserve(db, raw, t->size, &cap_t);
        if (status == MG_OK)
            status = reserve(db, keys, sizeof(int64_t), &cap_k);
        if (status == MG_OK)
            status = db->engine->read_row(db, st, t, m->ncolumns,
                                          (char *)raw->items + raw->count * t->size);
        if (status != MG_OK)
            return status;
        ((int64_t *)keys->items)[keys->count++] = db->engine->column_int(st, 0);
        raw->count++;
    }
    return rc == MG_STEP_DONE ? MG_OK : rc;
}

/* The index of the owner with this id among n owners in id order, or n. */
static size_t find_owner(const mg_rows *out, size_t size, int64_t id)
{
    size_t lo = 0, hi = out->count;

    /* ids are often dense: first where the id would be if they were */
    if (hi > 0 && id >= row_id(out->items)) {
        uint64_t guess = (uint64_t)id - (uint64_t)row_id(out->items);
        if (guess < hi && row_id((const char *)out->items + guess * size) == id)
            return (size_t)guess;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t at = row_id((const char *)out->items + mid * size);
        if (at == id)
            return mid;
        if (at < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return out->count;
}

/* Puts the owners of *out in id order and moves the targets of *raw into *out_t, grouped
   by owner (keys[k] is target k's), each group in id order; *out_start gets out->count + 1
   entries (NULL when there are no owners). Targets of an owner that is not in *out are
   freed. On failure (MG_NOMEM) nothing has moved: the caller releases everything. */
static int group_targets(mg_db *db, const mg_model *m, const mg_model *t, mg_rows *out,
                         mg_rows *raw, const int64_t *keys, mg_rows *out_t,
                         size_t **out_start)
{
    const size_t n = out->count;
    size_t *first = NULL, *owner = NULL, kept = 0, k, j, last = n;
    char *items = NULL;

    sort_by_id(out->items, n, m->size);
    if ((n > 0 && (first = mg_realloc(NULL, (n + 1) * sizeof *first)) == NULL) ||
        (raw->count > 0 && (owner = mg_realloc(NULL, raw->count * sizeof *owner)) == NULL))
        goto nomem;
    if (n > 0)
        memset(first, 0, (n + 1) * sizeof *first);
    /* each target's owner (the last one found first: targets often come by owner) */
    for (k = 0; k < raw->count; k++) {
        if (last == n || row_id((char *)out->items + last * m->size) != keys[k])
            last = find_owner(out, m->size, keys[k]);
        owner[k] = last;
        if (last < n) {
            first[last]++;
            kept++;
        }
    }
    if (kept > 0 && (items = mg_realloc(NULL, kept * t->size)) == NULL)
        goto nomem;
    /* counts to starts, then each target to its group's next place, which leaves
       first[j] at the end of group j: shifted by one, the starts again */
    for (j = 0, k = 0; j < n; j++) {
        size_t count = first[j];
        first[j] = k;
        k += count;
    }
    for (k = 0; k < raw->count; k++) {
        void *row = (char *)raw->items + k * t->size;
        if (owner[k] == n) {
            mg_free_row(t, row);
            continue;
        }
        memcpy(items + first[owner[k]]++ * t->size, row, t->size);
    }
    for (j = n; j > 0; j--)
        first[j] = first[j - 1];
    if (n > 0)
        first[0] = 0;
    for (j = 0; j < n; j++)
        if (first[j + 1] - first[j] > 1)
            sort_by_id(items + first[j] * t->size, first[j + 1] - first[j], t->size);
    mg_free(owner);
    mg_free(raw->items);
    raw->items = NULL;
    raw->count = 0;
    out_t->items = items;
    out_t->count = kept;
    *out_start = first;
    return MG_OK;
nomem:
    mg_free(first);
    mg_free(owner);
    return mg_fail(db, MG_NOMEM, "out of memory");
}

/* Runs sql (params bound) and reads, groups and orders its owners and targets. */
static int with_many(mg_db *db, const mg_model *m, const mg_model *t, const char *sql,
                     const mg_param *params, int nparams, mg_rows *out, mg_rows *out_t,
                     size_t **out_start)
{
    mg_rows raw = { NULL, 0 }, keys = { NULL, 0 };
    mg_stmt *st;
    int status = start(db, sql, MG_PREP_PLAIN, params, nparams, &st);

    if (status != MG_OK)
        return status;
    status = read_with_many(db, st, m, t, out, &raw, &keys);
    db->engine->reset(db, st);
    if (status == MG_OK)
        status = group_targets(db, m, t, out, &raw, keys.items, out_t, out_start);
    mg_free(keys.items);
    if (status != MG_OK) {
        release_rows(m, out);
        release_rows(t, &raw);
    }
    return status;
}

int mg_all_with_many(mg_db *db, const mg_model *m, const mg_model *t, const char *sql,
                     mg_rows *out, mg_rows *out_t, size_t **out_start)
{
    if (out != NULL) {
        out->items = NULL;
        out->count = 0;
    }
    if (out_t != NULL) {
        out_t->items = NULL;
        out_t->count = 0;
    }
    if (out_start != NULL)
        *out_start = NULL;
    CHECK_ARGS(m != NULL && t != NULL && sql != NULL && out != NULL && out_t != NULL &&
               out_start != NULL, "mg_all_with_many");
    return with_many(db, m, t, sql, NULL, 0, out, out_t, out_start);
}

int mg_get_with_many(mg_db *db, const mg_model *m, const mg_model *t, const char *sql,
                     int64_t id, void *out, mg_rows *out_t)
{
    mg_param key = mg_param_int(id);
    mg_rows owners = { NULL, 0 };
    size_t *first = NULL, i;
    int status;

    if (m != NULL && out != NULL)
        memset(out, 0, m->size);
    if (out_t != NULL) {
        out_t->items = NULL;
        out_t->count = 0;
    }
    CHECK_ARGS(m != NULL && t != NULL && sql != NULL && out != NULL && out_t != NULL,
               "mg_get_with_many");
    status = with_many(db, m, t, sql, &key, 1, &owners, out_t, &first);
    mg_free(first);
    if (status != MG_OK)
        return status;
    if (owners.count == 0) {
        mg_free(owners.items);
        return mg_fail(db, MG_NOTFOUND, "no %s row with id %lld", m->table, (long long)id);
    }
    memcpy(out, owners.items, m->size); /* the row's block goes with it */
    for (i = 1; i < owners.count; i++)  /* none: the id is unique */
        mg_free_row(m, (char *)owners.items + i * m->size);
    mg_free(owners.items);
    return MG_OK;
}

int mg_next_id(mg_db *db, const mg_model *m, int64_t *id)
{
    int status;

    if (id != NULL)
        *id = 0;
    CHECK_ARGS(m != NULL && id != NULL, "mg_next_id");
    if ((status = usable(db)) != MG_OK)
        return status;
    return failed_statement(db, db->engine->next_id(db, m, id));
}

/* ---- Writes beyond one row ---- */

/* Zeroes again the ids of the rows that came without one (bit i of automatic). */
static void restore_ids(const mg_model *m, void *rows, size_t n,
                        const unsigned char *automatic)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (automatic[i / 8] & (1u << (i % 8)))
            memset((char *)rows + i * m->size, 0, sizeof(int64_t));
}

int mg_insert_rows(mg_db *db, const mg_model *m, const char *sql, void *rows, size_t n,
                   size_t *failed)
{
    unsigned char *automatic;   /* bit i: row i came with a zero id */
    int64_t largest = 0;        /* of the explicit ids */
    const int depth = db != NULL ? db->depth : 0;
    bool nested;
    size_t i, at = n;
    int status;

    if (failed != NULL)
        *failed = n;
    CHECK_ARGS(m != NULL && sql != NULL && (rows != NULL || n == 0), "mg_insert_rows");
    if ((status = usable(db)) != MG_OK)
        return status;
    if (n == 0) {
        mg_succeeded(db);
        return MG_OK;
    }
    if (n > SIZE_MAX / m->size)
        return mg_fail(db, MG_MISUSE, "mg_insert_rows: too many rows");
    if ((automatic = calloc(n / 8 + 1, 1)) == NULL)
        return mg_fail(db, MG_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        int64_t id;
        memcpy(&id, (const char *)rows + i * m->size, sizeof id);
        if (id == 0)
            automatic[i / 8] |= (unsigned char)(1u << (i % 8));
        else if (id > largest)
            largest = id;
    }
    /* all or nothing: a transaction of its own, or a savepoint inside the caller's */
    nested = depth > 0 || db->engine->in_transaction(db);
    status = nested ? savepoint_open(db) : db->engine->begin_write(db);
    if (status != MG_OK) {
        free(automatic);
        return nested ? failed_statement(db, status) : status;
    }
    status = db->engine->insert_rows(db, m, sql, rows, n, false, &at);
    if (status != MG_OK && at == SIZE_MAX) {
        /* one statement for every row, which names no row: undone, and once more a row
           at a time, to find the row (or to succeed, if the failure has passed) */
        restore_ids(m, rows, n, automatic);
        status = nested ? (db->depth > depth ? savepoint_rollback(db) : MG_ERROR)
                        : db->engine->rollback(db);
        if (status == MG_OK)
            status = nested ? savepoint_open(db) : db->engine->begin_write(db);
        at = n;
        if (status == MG_OK)
            status = db->engine->insert_rows(db, m, sql, rows, n, true, &at);
        else if (nested && db->depth == depth && !db->failed_tx)
            status = failed_statement(db, status);  /* the level is gone: its own failure */
    }
    if (status == MG_OK && largest > 0 && db->engine->claim_id != NULL)
        status = db->engine->claim_id(db, m, largest);
    if (status == MG_OK)
        status = nested ? savepoint_release(db) : db->engine->commit(db);
    if (status != MG_OK) {
        char why[sizeof db->msg];
        mg_constraint_info constraint = db->constraint;

        snprintf(why, sizeof why, "%s", db->msg);
        restore_ids(m, rows, n, automatic);
        if (failed != NULL)
            *failed = at < n ? at : n;
        if (nested) {
            /* the caller's level goes on as before the call, unless the savepoint cannot
               be rolled back to, which fails it (savepoint_rollback says why) */
            if (db->depth > depth && savepoint_rollback(db) != MG_OK) {
                free(automatic);
                return MG_ERROR;
            }
        } else if (db->engine->in_transaction(db)) {
            db->engine->rollback(db);
        }
        if (at < n)
            mg_fail(db, status, "%s row %zu of %zu failed, and none was inserted: %s",
                    m->table, at, n, why);
        else
            mg_fail(db, status, "no %s row was inserted: %s", m->table, why);
        db->constraint = constraint;
    }
    free(automatic);
    return status;
}

int mg_upsert_row(mg_db *db, const mg_model *m, const char *sql, const void *row,
                  int64_t *id)
{
    int64_t explicit_id;
    mg_stmt *st;
    int status, rc;

    CHECK_ARGS(m != NULL && sql != NULL && row != NULL && id != NULL, "mg_upsert_row");
    if ((status = usable(db)) != MG_OK)
        return status;
    memcpy(&explicit_id, row, sizeof explicit_id);
    status = db->engine->prepare(db, sql,
                                 explicit_id != 0 ? MG_PREP_UPSERT : MG_PREP_UPSERT_AUTO, &st);
    if (status != MG_OK)
        return failed_statement(db, status);
    status = db->engine->bind_row(db, st, m, row);
    if (status == MG_OK) {
        /* RETURNING id, on both engines: SQLite's last rowid is not the row an upsert
           updated */
        rc = step(db, st);
        if (rc == MG_STEP_ROW)
            *id = db->engine->column_int(st, 0);
        else if (rc == MG_STEP_DONE)
            status = failed_statement(db, mg_fail(db, MG_ERROR, "the upsert of a %s row "
                                                  "returned no id", m->table));
        else
            status = rc;
    }
    db->engine->reset(db, st);
    if (status == MG_OK && explicit_id != 0 && db->engine->claim_id != NULL)
        status = failed_statement(db, db->engine->claim_id(db, m, explicit_id));
    return status;
}

/* Column c of row as a parameter of its type (an enum as its member's name). */
static int column_param(mg_db *db, const mg_model *m, const mg_column *c, const void *row,
                        mg_param *p)
{
    const char *member = (const char *)row + c->offset;
    bool present = true;
    int64_t i64;
    double d;
    bool b;
    int e;
    const char *s;
    mg_blob blob;

    if (c->nullable && c->flag != 0 && c->type != MG_TYPE_TEXT && c->type != MG_TYPE_BLOB)
        memcpy(&present, (const char *)row + c->flag, sizeof present);
    if (!present) {
        *p = mg_param_null(c->type == MG_TYPE_ENUM ? MG_TYPE_TEXT : c->type);
        return MG_OK;
    }
    switch (c->type) {
    case MG_TYPE_INT:
    case MG_TYPE_TIME:
        memcpy(&i64, member, sizeof i64);
        *p = c->type == MG_TYPE_INT ? mg_param_int(i64) : mg_param_time(i64);
        return MG_OK;
    case MG_TYPE_REAL:
        memcpy(&d, member, sizeof d);
        *p = mg_param_real(d);
        return MG_OK;
    case MG_TYPE_BOOL:
        memcpy(&b, member, sizeof b);
        *p = mg_param_bool(b);
        return MG_OK;
    case MG_TYPE_TEXT:
        memcpy(&s, member, sizeof s);
        *p = mg_param_text(s);
        return MG_OK;
    case MG_TYPE_BLOB:
        memcpy(&blob, member, sizeof blob);
        *p = mg_param_blob(blob);
        return MG_OK;
    case MG_TYPE_ENUM:
        memcpy(&e, member, sizeof e);
        if (c->enumeration == NULL || e < 0 || e >= c->enumeration->count)
            return mg_fail(db, MG_MISUSE, "%s.%s: %d is not a member of enum %s", m->table,
                           c->name, e, c->enumeration ? c->enumeration->name : "?");
        *p = mg_param_text(c->enumeration->members[e]);
        return MG_OK;
    default:
        return mg_fail(db, MG_MISUSE, "%s.%s: unknown column type %d", m->table, c->name,
                       c->type);
    }
}

/* The most columns, the id included, that a mask of mg_update_columns covers. */
enum { MASK_COLUMNS = 65 };

int mg_update_columns(mg_db *db, const mg_model *m, const char *sql, const void *row,
                      uint64_t columns)
{
    mg_param params[2 * MASK_COLUMNS - 1];
    mg_stmt *st = NULL;
    int64_t id;
    int k, status;

    CHECK_ARGS(m != NULL && sql != NULL && row != NULL, "mg_update_columns");
    if (m->ncolumns < 1 || m->ncolumns > MASK_COLUMNS)
        return mg_fail(db, MG_MISUSE, "mg_update_columns: %s has %d columns besides the id; "
                       "at most 64 can be chosen", m->table, m->ncolumns - 1);
    if (m->ncolumns - 1 < 64 && (columns >> (m->ncolumns - 1)) != 0)
        return mg_fail(db, MG_MISUSE, "mg_update_columns: bits beyond the %d columns of %s",
                       m->ncolumns - 1, m->table);
    memcpy(&id, row, sizeof id);
    params[0] = mg_param_int(id);
    for (k = 1; k < m->ncolumns; k++) {
        const mg_column *c = &m->columns[k];
        bool chosen = (columns >> (k - 1) & 1) != 0;

        params[m->ncolumns + k - 1] = mg_param_bool(chosen);
        if (!chosen)
            params[k] = mg_param_null(c->type == MG_TYPE_ENUM ? MG_TYPE_TEXT : c->type);
        else if ((status = column_param(db, m, c, row, &params[k])) != MG_OK)
            return status;
    }
    status = start(db, sql, MG_PREP_PLAIN, params, 2 * m->ncolumns - 1, &st);
    if (status == MG_OK)
        status = finish(db, st);
    else
        st = NULL;
    return changed_or_notfound(db, m, st, status, id);
}

/* ---- Migrations ---- */

static const char history_list_sql[] =
    "SELECT version, checksum FROM modelgen_migrations ORDER BY version";
static const char history_record_sql[] =
    "INSERT INTO modelgen_migrations (version, name, checksum, applied_at)"
    " VALUES (?1, ?2, ?3, ?4)";

/* Sets *applied to how many of the migrations the database records. MG_ERROR, with a
   message, when the records are not the list's first migrations: one newer than the
   last, one with another checksum, or one out of sequence. */
static int read_history(mg_db *db, const mg_migration *list, size_t count, size_t *applied)
{
    mg_stmt *st;
    size_t n = 0;
    int status = db->engine->prepare(db, history_list_sql, MG_PREP_PLAIN, &st), rc = 0;

    *applied = 0;
    if (status != MG_OK)
        return status;
    while (status == MG_OK && (rc = db->engine->step(db, st)) == MG_STEP_ROW) {
        long long version = (long long)db->engine->column_int(st, 0);
        const char *checksum = db->engine->column_text(st, 1);
        const mg_migration_sql *sql = n < count ? db->engine->migration_sql(&list[n]) : NULL;

        if (version > (long long)count)
            status = mg_fail(db, MG_ERROR,
                             "the database is at migration %lld, newer than this code, "
                             "whose last migration is %d '%s'", version,
                             count ? list[count - 1].version : 0,
                             count ? list[count - 1].name : "");
        else if (version != (long long)n + 1)
            status = mg_fail(db, MG_ERROR,
                             "the database records migration %lld where this code expects "
                             "migration %d '%s'", version, list[n].version, list[n].name);
        else if (checksum == NULL || strcmp(checksum, sql->checksum) != 0)
            status = mg_fail(db, MG_ERROR,
                             "migration %d '%s' was applied with checksum %s, but this code "
                             "has checksum %s for it: the migration changed after it was "
                             "applied", list[n].version, list[n].name,
                             checksum ? checksum : "NULL", sql->checksum);
        else
            n++;
    }
    if (status == MG_OK && rc != MG_STEP_DONE)
        status = rc;
    db->engine->reset(db, st);
    *applied = n;
    return status;
}

/* The first look, outside any transaction and without writing: how many migrations the
   database has (0 when it has no history table). */
static int look(mg_db *db, const mg_migration *list, size_t count, size_t *applied)
{
    int64_t exists = 0;
    bool null = false;
    int status = db->engine->query_int(db, db->engine->history_exists_sql, &exists, &null);

    *applied = 0;
    if (status != MG_OK || exists == 0)
        return status;
    return read_history(db, list, count, applied);
}

/* Migration i's lines as one string, from malloc; NULL when out of memory. */
static char *migration_text(const mg_migration_sql *sql)
{
    size_t k, size = 1;
    char *text, *end;

    for (k = 0; k < sql->nlines; k++)
        size += strlen(sql->lines[k]);
    if ((text = malloc(size)) == NULL)
        return NULL;
    end = text;
    for (k = 0; k < sql->nlines; k++) {
        size_t n = strlen(sql->lines[k]);
        memcpy(end, sql->lines[k], n);
        end += n;
    }
    *end = '\0';
    return text;
}

static int record(mg_db *db, const mg_migration *m, const mg_migration_sql *sql)
{
    mg_param params[4];
    mg_stmt *st;
    int status = db->engine->prepare(db, history_record_sql, MG_PREP_PLAIN, &st);

    if (status != MG_OK)
        return status;
    params[0] = mg_param_int(m->version);
    params[1] = mg_param_text(m->name);
    params[2] = mg_param_text(sql->checksum);
    params[3] = mg_param_int((int64_t)time(NULL));
    status = db->engine->bind(db, st, 1, params, 4);
    if (status == MG_OK) {
        int rc = db->engine->step(db, st);
        status = rc == MG_STEP_ROW || rc == MG_STEP_DONE ? MG_OK : rc;
    }
    db->engine->reset(db, st);
    return status;
}

/* Applies migration *applied, if the database still lacks it once the write lock is
   held, in a transaction of its own; *applied is then what the database records. */
static int migrate_next(mg_db *db, const mg_migration *list, size_t count, size_t *applied)
{
    const size_t i = *applied;
    const mg_migration_sql *sql = db->engine->migration_sql(&list[i]);
    bool keys_were_on = false, running = false;
    size_t now = i;
    int status = MG_OK;

    /* SQLite's PRAGMA foreign_keys does nothing inside a transaction: it goes around it */
    if (sql->foreign_keys_off && db->engine->foreign_keys != NULL)
        status = db->engine->foreign_keys(db, &keys_were_on, false);
    if (status == MG_OK)
        status = db->engine->begin_write(db);
    if (status == MG_OK && db->engine->migration_lock != NULL)
        status = db->engine->migration_lock(db);
    if (status == MG_OK)
        status = db->engine->exec(db, db->engine->history_create_sql);
    if (status == MG_OK)
        status = read_history(db, list, count, &now);
    if (status == MG_OK && now == i) {
        char *text = migration_text(sql);
        running = true;
        status = text != NULL ? db->engine->exec(db, text)
                              : mg_fail(db, MG_NOMEM, "out of memory");
        free(text);
        if (status == MG_OK && sql->check_foreign_keys && db->engine->check_foreign_keys)
            status = db->engine->check_foreign_keys(db);
        if (status == MG_OK)
            status = record(db, &list[i], sql);
        if (status == MG_OK)
            status = db->engine->commit(db);
        if (status == MG_OK) {
            now = i + 1;
            running = false; /* committed: what fails after this is not the migration */
        }
    }
    if (db->engine->in_transaction(db)) {
        /* after a failure nothing of the migration stays; when another connection had
           applied it meanwhile, there is nothing to commit */
        char why[sizeof db->msg];
        snprintf(why, sizeof why, "%s", db->msg);
        db->engine->rollback(db);
        snprintf(db->msg, sizeof db->msg, "%s", why);
    }
    if (keys_were_on) {
        bool ignored;
        int restored = db->engine->foreign_keys(db, &ignored, true);
        if (status == MG_OK)
            status = restored;
    }
    if (status != MG_OK && running) {
        char why[sizeof db->msg];
        snprintf(why, sizeof why, "%s", db->msg);
        status = mg_fail(db, status, "migration %d '%s' failed and was rolled back: %s",
                         list[i].version, list[i].name, why);
    }
    *applied = now;
    return status;
}

int mg_migrate(mg_db *db, const mg_migration *list, size_t count)
{
    size_t applied = 0;
    int status;

    CHECK_ARGS(list != NULL || count == 0, "mg_migrate");
    if (in_tx(db))
        return mg_fail(db, MG_MISUSE, "mg_migrate: call it outside a transaction");
    /* A first look without the lock: an up-to-date database costs no write, and one this
       code refuses is left as it was, without even a table modelgen_migrations. */
    status = look(db, list, count, &applied);
    while (status == MG_OK && applied < count)
        status = migrate_next(db, list, count, &applied);
    if (status == MG_OK)
        mg_succeeded(db);
    return status;
}
