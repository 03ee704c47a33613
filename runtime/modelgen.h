/*
 * modelgen runtime: a thin layer over sqlite3 that generated code calls.
 *
 * Shape follows sqlite3's own API: every function returns an MG_ status,
 * results travel through out-parameters, and mg_errmsg explains the last
 * failure on a connection. A connection (mg_db) is used by one thread at a
 * time.
 *
 * Ownership:
 *  - mg_open allocates the mg_db; mg_close frees it together with every
 *    statement it cached. Nothing else needs freeing by the caller.
 *  - Statements from mg_prepare belong to the connection: never finalize them.
 *  - SQL strings given to mg_prepare are keys by address and must stay alive
 *    and unchanged until mg_close (generated code passes string literals).
 *  - Text and blobs bound with mg_bind_text / mg_bind_blob are not copied:
 *    the caller keeps them alive until the statement is stepped and reset.
 *  - A block filled by mg_copy_columns belongs to the caller, who releases it
 *    with mg_free_block; the items of generated arrays are released with mg_free.
 *    Both come from the allocator set by mg_set_allocator (realloc/free unless
 *    replaced). The connection itself uses sqlite3's allocator.
 *  - Strings returned by mg_errmsg and mg_status_name belong to the library;
 *    mg_errmsg's result is valid until the next call on that connection.
 */
#ifndef MODELGEN_H
#define MODELGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define MG_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define MG_PRINTF(fmt, args)
#endif

typedef struct mg_db mg_db;

enum { MG_OK = 0, MG_NOTFOUND, MG_CONSTRAINT, MG_BUSY, MG_NOMEM, MG_MISUSE, MG_ERROR };

typedef struct mg_blob { void *data; size_t size; } mg_blob;

/* Opens (creating if needed) the database at path; ":memory:" works.
   Foreign keys are ON and the busy timeout is 5 s. On failure *db is NULL. */
int mg_open(const char *path, mg_db **db);
/* Finalizes the cached statements, closes and frees; NULL is fine. */
int mg_close(mg_db *db);
/* BEGIN (deferred). */
int mg_begin(mg_db *db);
/* COMMIT. On failure (e.g. a deferred FK violated -> MG_CONSTRAINT, or
   MG_BUSY) it rolls back, leaving no transaction open. */
int mg_commit(mg_db *db);
int mg_rollback(mg_db *db);
/* Runs one or more SQL statements that take no parameters. */
int mg_exec(mg_db *db, const char *sql);
/* Explains the last failure: the library's own message if it set one,
   else sqlite3_errmsg. Never NULL. */
const char *mg_errmsg(mg_db *db);
/* The raw handle, still owned by db. */
struct sqlite3 *mg_sqlite(mg_db *db);
/* "MG_OK", "MG_NOTFOUND", ...; "MG_UNKNOWN" for anything else. */
const char *mg_status_name(int status);

/* ---- Support API for generated code ---- */

/* Returns the connection's prepared statement for `sql`, preparing it on
   first use (SQLITE_PREPARE_PERSISTENT). Statements are cached per
   connection, keyed by the ADDRESS of `sql`, in an open-addressing hash
   table that grows. The statement comes back reset; its old bindings may remain, so bind
   every parameter before stepping (generated code always does). */
int mg_prepare(mg_db *db, const char *sql, sqlite3_stmt **st);
/* Resets a statement (call after every use). Bindings are left for the next use to
   overwrite: clearing them costs a call per parameter on the hot path. */
void mg_reset(sqlite3_stmt *st);
/* Maps a sqlite3 result code to an MG_ status (OK/ROW/DONE -> MG_OK,
   CONSTRAINT* -> MG_CONSTRAINT, BUSY/LOCKED -> MG_BUSY, NOMEM -> MG_NOMEM,
   MISUSE/RANGE -> MG_MISUSE, else MG_ERROR) and remembers sqlite3_errmsg
   for mg_errmsg when it is a failure. db may be NULL (then nothing is
   remembered). */
int mg_status(mg_db *db, int sqlite_rc);
/* Records a message of the library's own for mg_errmsg (printf-style) and
   returns `status`. */
int mg_fail(mg_db *db, int status, const char *fmt, ...) MG_PRINTF(3, 4);
/* Steps a statement that returns no rows, then resets it. */
int mg_step_done(mg_db *db, sqlite3_stmt *st);
/* Binds text; NULL binds SQL NULL. SQLITE_STATIC: the caller keeps s alive
   until the step. Returns the sqlite3 result code: pass a failure to
   mg_status. */
int mg_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Binds a blob; data == NULL binds SQL NULL (size 0 with non-NULL data is
   an empty blob). SQLITE_STATIC like mg_bind_text. Returns the sqlite3
   result code: pass a failure to mg_status. */
int mg_bind_blob(sqlite3_stmt *st, int i, mg_blob b);

enum { MG_COL_TEXT = 1, MG_COL_BLOB = 2 };
struct mg_colref {
    int col;    /* result column index, from 0 */
    int kind;   /* MG_COL_TEXT or MG_COL_BLOB */
    void *dst;  /* char ** for TEXT, mg_blob * for BLOB */
};
/* Copies the text and blob columns of the current row into ONE block
   stored in *block (*block must be NULL on entry, else MG_MISUSE; on an
   all-NULL row it may stay NULL). Text columns become NUL-terminated char*
   into the block (NULL for SQL NULL); blob columns become an mg_blob whose
   data points into the block (data NULL, size 0 for SQL NULL; a non-NULL
   empty blob has non-NULL data and size 0). Returns MG_OK, MG_MISUSE (bad
   kind), or MG_NOMEM; on failure *block stays NULL and no destination is
   written. It has no connection: record a failure with mg_fail. */
int mg_copy_columns(sqlite3_stmt *st, const struct mg_colref *refs, int n, void **block);
/* Frees a block from mg_copy_columns; NULL is fine. */
void mg_free_block(void *block);

/* ---- Support API for generated code: a model's rows ---- */

/* What the runtime knows of a generated model. Its struct starts with the int64_t id and
   holds a void *mg_owned for the block mg_copy_columns filled. */
typedef struct mg_model {
    const char *table;   /* the table, as messages name it */
    size_t size;         /* sizeof the struct */
    size_t owned;        /* offsetof the struct's mg_owned */
    int ncolumns;        /* the columns read takes, from col on */
    /* Reads the current row from result column col on into *row; on failure it frees
       what it copied, and the runtime clears the rest. */
    int (*read)(mg_db *db, sqlite3_stmt *st, int col, void *row);
    /* Binds the row's columns to ?1, ?2, ... in table order. */
    int (*bind)(mg_db *db, sqlite3_stmt *st, const void *row);
} mg_model;

/* The one parameter (?1) of a lookup: none, an integer, a real or text (NULL text binds
   SQL NULL). */
enum { MG_KEY_NONE = 0, MG_KEY_INT, MG_KEY_REAL, MG_KEY_TEXT };
typedef struct mg_key {
    int type;
    int64_t i;
    double d;
    const char *s;
} mg_key;

static inline mg_key mg_key_none(void) { mg_key k = { MG_KEY_NONE, 0, 0.0, NULL }; return k; }
static inline mg_key mg_key_int(int64_t i) { mg_key k = { MG_KEY_INT, i, 0.0, NULL }; return k; }
static inline mg_key mg_key_real(double d) { mg_key k = { MG_KEY_REAL, 0, d, NULL }; return k; }
static inline mg_key mg_key_text(const char *s) { mg_key k = { MG_KEY_TEXT, 0, 0.0, s }; return k; }

/* Rows of one model, as the runtime fills them; generated code moves them into its typed
   array (items from mg_realloc, each row owning its block). */
typedef struct mg_rows { void *items; size_t count; } mg_rows;

/* The first row of sql (key bound to ?1) into *out: MG_NOTFOUND, without a message, when
   there is none. *out is empty unless MG_OK. */
int mg_get_row(mg_db *db, const mg_model *m, const char *sql, mg_key key, void *out);
/* mg_get_row with the id as key; MG_NOTFOUND says "no <table> row with id N". */
int mg_get_by_id(mg_db *db, const mg_model *m, const char *sql, int64_t id, void *out);
/* Every row of sql (key bound to ?1), in its order. On failure *out is empty. */
int mg_get_rows(mg_db *db, const mg_model *m, const char *sql, mg_key key, mg_rows *out);
/* The single integer sql returns, e.g. count(*). */
int mg_get_count(mg_db *db, const char *sql, mg_key key, int64_t *count);
/* Binds the row with m->bind and runs sql; *id is then the new row's id. */
int mg_insert_row(mg_db *db, const mg_model *m, const char *sql, const void *row, int64_t *id);
/* Binds the row with m->bind and runs sql: MG_NOTFOUND when no row has its id. */
int mg_update_row(mg_db *db, const mg_model *m, const char *sql, const void *row);
/* Runs sql with ?1 = id: MG_NOTFOUND when no row has it. */
int mg_delete_row(mg_db *db, const mg_model *m, const char *sql, int64_t id);
/* Runs sql with ?1 = *key (NULL binds SQL NULL) and ?2 = id: MG_NOTFOUND when no row
   has the id. */
int mg_set_key(mg_db *db, const mg_model *m, const char *sql, int64_t id, const int64_t *key);
/* Runs sql with ?1 = *first (NULL binds SQL NULL) and ?2 = second; *changes (may be NULL)
   is the number of rows it changed. */
int mg_exec_ids(mg_db *db, const char *sql, const int64_t *first, int64_t second,
                int64_t *changes);
/* Eager loading: sql selects m's columns, then t's (a LEFT JOIN). The row with ?1 = id
   into *out and its target into *out_t, which is empty when the join found none. */
int mg_get_with(mg_db *db, const mg_model *m, const mg_model *t, const char *sql, int64_t id,
                void *out, void *out_t);
/* Every row of such a join: item i of *out_t belongs to item i of *out. */
int mg_all_with(mg_db *db, const mg_model *m, const mg_model *t, const char *sql,
                mg_rows *out, mg_rows *out_t);

/* The allocator of what the library hands out (row blocks, the items of arrays):
   realloc and free unless replaced, e.g. by a test that injects failures. Replace it
   only while no such memory is outstanding; NULL restores the default. */
void mg_set_allocator(void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *));
void *mg_realloc(void *p, size_t size);
void mg_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
