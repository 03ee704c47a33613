/* The runtime's internal interface between the engine-neutral core (core.c: statuses,
   messages, transactions, rows, the allocator, migrations) and one file per engine
   (sqlite.c, postgres.c). A third engine is one more file that fills a struct mg_engine
   and is chosen by mg_open in core.c. Not installed; generated code never sees it. */
#ifndef MODELGEN_ENGINE_H
#define MODELGEN_ENGINE_H

#include "modelgen.h"

/* An engine's prepared statement: sqlite3_stmt for SQLite, a cached prepared statement
   and its last result for PostgreSQL. Owned by the connection. */
typedef struct mg_stmt mg_stmt;

/* What step returns besides a failure status. */
enum { MG_STEP_ROW = 100, MG_STEP_DONE = 101 };

/* How a statement is prepared. An INSERT of a row: on PostgreSQL it gets RETURNING id,
   and with INSERT_AUTO its ?1 (the id) becomes DEFAULT, so that the identity picks the
   id. SQLite binds NULL to ?1 for the same effect. An upsert (INSERT ... ON CONFLICT ...
   DO UPDATE ... RETURNING id, which returns the id itself on both engines): with
   UPSERT_AUTO its ?1 becomes DEFAULT on PostgreSQL too; nothing is appended. */
enum { MG_PREP_PLAIN = 0, MG_PREP_INSERT = 1, MG_PREP_INSERT_AUTO = 2, MG_PREP_UPSERT = 3,
       MG_PREP_UPSERT_AUTO = 4 };

/* Where a text or blob column of the current row is, as the engine hands it out; the
   core copies a row's views into one block (mg_place_views). */
typedef struct mg_view {
    const void *data;
    size_t size;
    bool null;
} mg_view;

struct mg_engine {
    const char *name;   /* "sqlite", "postgres" */
    /* Finalizes everything, closes and frees db (allocated by the engine's open). */
    int (*close)(mg_db *db);
    /* Several statements without parameters. */
    int (*exec)(mg_db *db, const char *sql);
    /* The connection's statement for (sql, how), prepared on first use; sql is a key by
       address. */
    int (*prepare)(mg_db *db, const char *sql, int how, mg_stmt **st);
    /* Binds params[0..n) to ?first, ?first+1, ... */
    int (*bind)(mg_db *db, mg_stmt *st, int first, const mg_param *params, int n);
    /* Binds the columns of a row of m to ?1, ?2, ...; a zero id binds NULL. */
    int (*bind_row)(mg_db *db, mg_stmt *st, const mg_model *m, const void *row);
    /* Runs or advances the statement: MG_STEP_ROW, MG_STEP_DONE or a failure status
       (with its message recorded). */
    int (*step)(mg_db *db, mg_stmt *st);
    /* Reads the current row from result column col on into *row (zeroed first); its
       text and blobs into one block at m->owned. On failure *row is empty. */
    int (*read_row)(mg_db *db, mg_stmt *st, const mg_model *m, int col, void *row);
    bool (*column_null)(mg_stmt *st, int col);
    int64_t (*column_int)(mg_stmt *st, int col);
    /* Text of the current row's column; NULL for SQL NULL. Valid until the next step. */
    const char *(*column_text)(mg_stmt *st, int col);
    /* Ends the statement's run; its bindings may stay. */
    void (*reset)(mg_db *db, mg_stmt *st);
    /* The rows changed by the statement just stepped. */
    int64_t (*changes)(mg_db *db, mg_stmt *st);
    /* The id of the row the INSERT just stepped created. */
    int64_t (*inserted_id)(mg_db *db, mg_stmt *st);
    /* Transactions. begin_write takes the write lock at once (SQLite: BEGIN IMMEDIATE,
       honouring the busy timeout). */
    int (*begin)(mg_db *db);
    int (*begin_write)(mg_db *db);
    int (*commit)(mg_db *db);
    /* Also ends a failed transaction; with none open, MG_OK (PostgreSQL: a lost
       connection is reconnected). */
    int (*rollback)(mg_db *db);
    /* Also true while a transaction lost with its connection waits for mg_rollback. */
    bool (*in_transaction)(mg_db *db);
    /* Runs sql once, uncached, and reads the first column of its first row. */
    int (*query_int)(mg_db *db, const char *sql, int64_t *value, bool *null);
    /* After an explicit id was inserted into m: make sure the engine will not pick it
       again (PostgreSQL: the identity sequence). NULL when nothing is needed. */
    int (*claim_id)(mg_db *db, const mg_model *m, int64_t id);
    /* An id no insert will take (see mg_next_id). */
    int (*next_id)(mg_db *db, const mg_model *m, int64_t *id);
    /* Migrations. lock: inside the transaction begin_write opened, serialise with other
       migrating connections (PostgreSQL: an advisory lock; SQLite: nothing more).
       foreign_keys: SQLite's PRAGMA foreign_keys, read (set NULL) and set (outside a
       transaction); check_foreign_keys: MG_CONSTRAINT, with a message naming a row, when
       a key dangles. The last three are NULL where the engine has no such thing. */
    int (*migration_lock)(mg_db *db);
    int (*foreign_keys)(mg_db *db, bool *was_on, bool on);
    int (*check_foreign_keys)(mg_db *db);
    /* Which dialect's SQL a migration runs. */
    const mg_migration_sql *(*migration_sql)(const mg_migration *m);
    /* SQL (for query_int) giving 1 when the table modelgen_migrations exists, else 0, and
       the statement that creates it if missing: (version, name, checksum, applied_at). */
    const char *history_exists_sql;
    const char *history_create_sql;
    struct sqlite3 *(*sqlite)(mg_db *db);
    struct pg_conn *(*postgres)(mg_db *db);
    /* Inserts rows[0..n) of m (each m->size bytes) with sql, an INSERT of a row, as
       prepare (MG_PREP_INSERT or MG_PREP_INSERT_AUTO per row), bind_row and step would,
       and sets each row's id; a row with a non-zero id keeps it. Stops at the first
       failure and sets *failed to its row, n when no row is to blame, or SIZE_MAX when
       the rows went in one statement that does not say which row failed: then the core
       undoes it and calls again with one_by_one, which always names the row. The core
       runs it inside a transaction or a savepoint of its own and undoes everything on
       failure, so the engine may batch the rows (PostgreSQL: one INSERT of arrays, or
       one by one in a pipeline) and leave ids set in rows before a failure. */
    int (*insert_rows)(mg_db *db, const mg_model *m, const char *sql, void *rows, size_t n,
                       bool one_by_one, size_t *failed);
};

/* The part of every connection the core owns. An engine's connection struct starts with
   it; the engine's open allocates the whole, zeroed, and its close frees it. */
struct mg_db {
    const struct mg_engine *engine;
    /* The status of the statement that failed the open transaction, MG_OK if none. */
    int failed;
    bool failed_tx;
    char failed_msg[512]; /* and its message */
    char msg[512];      /* the last failure's message; "" after success */
    /* Savepoints: how many mg_begin opened inside the transaction and are still open
       (0 at the transaction's own level). failed, failed_tx and failed_msg belong to the
       innermost level: no statement runs in a failed level, so no outer level can have
       failed while an inner one is open. */
    int depth;
    /* The constraint the last failure violated (kind 0: none), as the engine recorded
       it after its mg_failed; failed_constraint is the one that failed the level. */
    mg_constraint_info constraint;
    mg_constraint_info failed_constraint;
};

/* Opens: each engine's entry point. On failure *db is NULL and the message is in
   mg_open_failed. */
int mg_sqlite_open(const char *path, mg_db **db);
int mg_postgres_open(const char *uri, mg_db **db);

/* Records why an open failed, for mg_open_errmsg and mg_errmsg(NULL); returns status. */
int mg_open_failed(int status, const char *fmt, ...) MG_PRINTF(2, 3);
/* Records msg (the engine's) for mg_errmsg and returns status. Like mg_fail, it forgets
   the constraint of an earlier failure. */
int mg_failed(mg_db *db, int status, const char *msg);
/* Records which constraint the failure just recorded (with mg_failed or mg_fail)
   violated, for mg_constraint: its MG_ kind and, when the engine says, its table, name
   and columns (NULL or "" when it does not; longer ones are cut). */
void mg_set_constraint(mg_db *db, int kind, const char *table, size_t table_len,
                       const char *name, size_t name_len, const char *columns,
                       size_t columns_len);
/* Clears the message after a success. */
static inline void mg_succeeded(mg_db *db)
{
    db->msg[0] = '\0';
    db->constraint.kind = 0;
}

/* The C value of the member of e named by s[0..n), or -1. */
int mg_enum_index(const mg_enum *e, const char *s, size_t n);

/* Copies the views of a row's text and blob columns (of m, which says their kinds)
   into one block from mg_realloc, stored at m->owned in row, and points the members at
   it. views[k] is the view of the k-th column of m (only text and blob views are read).
   MG_NOMEM on failure, with nothing written. */
int mg_place_views(const mg_model *m, const mg_view *views, void *row);

#endif
