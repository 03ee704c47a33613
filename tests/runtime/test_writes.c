/* Writes beyond one row, on SQLite and on PostgreSQL (helpers.h: "postgres" argument):
   which constraint failed (mg_constraint), nested transactions as savepoints and the
   failed-level rule, many rows in one call (mg_insert_rows: all or nothing, the failing
   row named, a pipeline on PostgreSQL), upserts (mg_upsert_row) and updates of chosen
   columns (mg_update_columns), with hand-written models the way modelgen writes them. */
#include <stddef.h>

#include "runtime/helpers.h"

/* ---- The model: w, a column of every type ---- */

enum kind { KIND_SMALL, KIND_LARGE };
static const char *const kind_members[] = { "small", "large" };
static const mg_enum kind_enum = { "Kind", kind_members, 2 };

struct w {
    int64_t id;
    const char *name;       /* unique */
    int64_t n;              /* nullable */
    bool has_n;
    double score;
    bool flag;
    int64_t at;
    enum kind kind;
    mg_blob data;           /* nullable */
    int64_t parent_id;      /* nullable, refers to parent */
    bool has_parent_id;
    void *mg_owned;
};

static const mg_column w_columns[] = {
    { "id", MG_TYPE_INT, false, offsetof(struct w, id), 0, NULL },
    { "name", MG_TYPE_TEXT, false, offsetof(struct w, name), 0, NULL },
    { "n", MG_TYPE_INT, true, offsetof(struct w, n), offsetof(struct w, has_n), NULL },
    { "score", MG_TYPE_REAL, false, offsetof(struct w, score), 0, NULL },
    { "flag", MG_TYPE_BOOL, false, offsetof(struct w, flag), 0, NULL },
    { "at", MG_TYPE_TIME, false, offsetof(struct w, at), 0, NULL },
    { "kind", MG_TYPE_ENUM, false, offsetof(struct w, kind), 0, &kind_enum },
    { "data", MG_TYPE_BLOB, true, offsetof(struct w, data), 0, NULL },
    { "parent_id", MG_TYPE_INT, true, offsetof(struct w, parent_id),
      offsetof(struct w, has_parent_id), NULL },
};
static const mg_model w_model = {
    "w", "w", sizeof(struct w), offsetof(struct w, mg_owned), 9, w_columns
};

static const char w_insert[] =
    "INSERT INTO w (id, name, n, score, flag, at, kind, data, parent_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char w_get[] =
    "SELECT id, name, n, score, flag, at, kind, data, parent_id FROM w WHERE id = ?1";
static const char w_upsert_by_name[] =
    "INSERT INTO w (id, name, n, score, flag, at, kind, data, parent_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT (name) DO UPDATE SET n = excluded.n, score = excluded.score,"
    " flag = excluded.flag, at = excluded.at, kind = excluded.kind, data = excluded.data,"
    " parent_id = excluded.parent_id RETURNING id";
static const char w_update_columns[] =
    "UPDATE w SET name = CASE WHEN ?10 THEN ?2 ELSE name END,"
    " n = CASE WHEN ?11 THEN ?3 ELSE n END, score = CASE WHEN ?12 THEN ?4 ELSE score END,"
    " flag = CASE WHEN ?13 THEN ?5 ELSE flag END, at = CASE WHEN ?14 THEN ?6 ELSE at END,"
    " kind = CASE WHEN ?15 THEN ?7 ELSE kind END, data = CASE WHEN ?16 THEN ?8 ELSE data END,"
    " parent_id = CASE WHEN ?17 THEN ?9 ELSE parent_id END WHERE id = ?1";

/* pair: a composite unique key (a, b) and a value */
struct pair {
    int64_t id;
    int64_t a, b;
    const char *v;
    void *mg_owned;
};

static const mg_column pair_columns[] = {
    { "id", MG_TYPE_INT, false, offsetof(struct pair, id), 0, NULL },
    { "a", MG_TYPE_INT, false, offsetof(struct pair, a), 0, NULL },
    { "b", MG_TYPE_INT, false, offsetof(struct pair, b), 0, NULL },
    { "v", MG_TYPE_TEXT, true, offsetof(struct pair, v), 0, NULL },
};
static const mg_model pair_model = {
    "pairs", "pairs", sizeof(struct pair), offsetof(struct pair, mg_owned), 4, pair_columns
};
static const char pair_upsert[] =
    "INSERT INTO pairs (id, a, b, v) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (a, b) DO UPDATE SET v = excluded.v RETURNING id";
static const char pair_insert[] = "INSERT INTO pairs (id, a, b, v) VALUES (?1, ?2, ?3, ?4)";

#define W_SQLITE                                                                          \
    "CREATE TABLE parent (id INTEGER PRIMARY KEY);"                                       \
    "CREATE TABLE w (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER,"              \
    " score REAL NOT NULL, flag INTEGER NOT NULL, at INTEGER NOT NULL,"                   \
    " kind TEXT NOT NULL, data BLOB, parent_id INTEGER,"                                  \
    " CONSTRAINT w_kind_check CHECK (kind IN ('small', 'large')),"                        \
    " CONSTRAINT w_name_key UNIQUE (name),"                                               \
    " CONSTRAINT w_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parent (id)"         \
    " DEFERRABLE INITIALLY DEFERRED);"                                                    \
    "CREATE TABLE pairs (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL," \
    " v TEXT, CONSTRAINT pairs_a_b_key UNIQUE (a, b));"                                   \
    "CREATE TABLE kid (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL"                \
    " CONSTRAINT kid_parent_id_fkey REFERENCES parent (id))"
#define W_PG                                                                              \
    "CREATE TABLE parent (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);"       \
    "CREATE TABLE w (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"             \
    " name text NOT NULL, n bigint, score double precision NOT NULL,"                     \
    " flag boolean NOT NULL, at timestamptz NOT NULL, kind text NOT NULL, data bytea,"    \
    " parent_id bigint,"                                                                  \
    " CONSTRAINT w_kind_check CHECK (kind IN ('small', 'large')),"                        \
    " CONSTRAINT w_name_key UNIQUE (name));"                                              \
    "ALTER TABLE w ADD CONSTRAINT w_parent_id_fkey FOREIGN KEY (parent_id)"               \
    " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED;"                              \
    "CREATE TABLE pairs (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"         \
    " a bigint NOT NULL, b bigint NOT NULL, v text,"                                      \
    " CONSTRAINT pairs_a_b_key UNIQUE (a, b));"                                           \
    "CREATE TABLE kid (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"           \
    " parent_id bigint NOT NULL CONSTRAINT kid_parent_id_fkey REFERENCES parent (id))"

static mg_db *open_w_target(const char *target)
{
    mg_db *db = open_target(target);
    if (mg_exec(db, pick(W_SQLITE, W_PG)) != MG_OK)
        bail("cannot create the tables", mg_errmsg(db));
    return db;
}

static mg_db *open_w(void)
{
    return open_w_target(on_pg ? fresh_target() : ":memory:");
}

static struct w a_w(const char *name)
{
    struct w r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.score = 1.5;
    r.at = 1700000000;
    r.kind = KIND_LARGE;
    return r;
}

/* No transaction is open, in the library's view and in the engine's. */
static bool no_transaction(mg_db *db)
{
    return !mg_in_transaction(db) && !raw_in_transaction(db);
}

/* The constraint of the last failure, or an empty one. */
static mg_constraint_info constraint_of(mg_db *db)
{
    mg_constraint_info c;
    mg_constraint(db, &c);
    return c;
}

/* ---- Which constraint failed ---- */

static void test_constraint_kinds(void)
{
    mg_db *db = open_w();
    mg_constraint_info c;
    struct w r = a_w("ann");
    int64_t id = 0;

    is_int(mg_constraint(db, &c), MG_NOTFOUND, "no failure yet: MG_NOTFOUND");
    is_int(c.kind, 0, "and an empty description");
    is_int(mg_constraint(db, NULL), MG_MISUSE, "mg_constraint(db, NULL) is MG_MISUSE");
    is_int(mg_constraint(NULL, &c), MG_MISUSE, "mg_constraint(NULL, ...) is MG_MISUSE");
    is_str(mg_constraint_kind_name(MG_UNIQUE), "unique", "kind name: unique");
    is_str(mg_constraint_kind_name(MG_FOREIGN_KEY), "foreign key", "kind name: foreign key");
    is_str(mg_constraint_kind_name(0), "none", "kind name: none");
    is_str(mg_constraint_kind_name(99), "unknown", "kind name: unknown");

    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "a first row");
    r.id = 0;
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_CONSTRAINT, "the same name");
    c = constraint_of(db);
    is_int(c.kind, MG_UNIQUE, "unique: MG_UNIQUE");
    is_str(c.table, "w", "unique: the table");
    is_str(c.columns, "name", "unique: the column");
    is_str(c.name, pick("", "w_name_key"), "unique: the name where the engine gives it");

    r.id = 1;
    r.name = "bob";
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_CONSTRAINT, "a taken id");
    c = constraint_of(db);
    is_int(c.kind, MG_PRIMARY_KEY, "primary key: MG_PRIMARY_KEY");
    is_str(c.table, "w", "primary key: the table");
    is_str(c.columns, "id", "primary key: the column");
    is_str(c.name, pick("", "w_pkey"), "primary key: the name where the engine gives it");

    is_int(mg_exec(db, pick("INSERT INTO w (name, score, flag, at, kind) VALUES"
                            " (NULL, 1, 1, 0, 'small')",
                            "INSERT INTO w (name, score, flag, at, kind) VALUES"
                            " (NULL, 1, true, now(), 'small')")),
           MG_CONSTRAINT, "a NULL name");
    c = constraint_of(db);
    is_int(c.kind, MG_NOT_NULL, "not null: MG_NOT_NULL");
    is_str(c.table, "w", "not null: the table");
    is_str(c.columns, "name", "not null: the column");

    is_int(mg_exec(db, pick("INSERT INTO w (name, score, flag, at, kind) VALUES"
                            " ('cy', 1, 1, 0, 'huge')",
                            "INSERT INTO w (name, score, flag, at, kind) VALUES"
                            " ('cy', 1, true, now(), 'huge')")),
           MG_CONSTRAINT, "a kind that is no member");
    c = constraint_of(db);
    is_int(c.kind, MG_CHECK, "check: MG_CHECK");
    is_str(c.name, "w_kind_check", "check: its name, on both engines");

    is_int(mg_exec(db, "INSERT INTO kid (parent_id) VALUES (404)"), MG_CONSTRAINT,
           "an immediate key to no row");
    c = constraint_of(db);
    is_int(c.kind, MG_FOREIGN_KEY, "foreign key: MG_FOREIGN_KEY");
    is_str(c.name, pick("", "kid_parent_id_fkey"), "foreign key: named on PostgreSQL only");
    is_str(c.columns, pick("", "parent_id"), "foreign key: its columns on PostgreSQL only");

    is_int(mg_exec(db, "INSERT INTO parent (id) VALUES (7); INSERT INTO kid (parent_id)"
                       " VALUES (7)"), MG_OK, "a parent and its kid");
    is_int(mg_exec(db, "DELETE FROM parent WHERE id = 7"), MG_CONSTRAINT,
           "deleting a parent still referred to");
    is_int(constraint_of(db).kind, MG_FOREIGN_KEY, "is MG_FOREIGN_KEY too");

    /* a composite unique key */
    is_int(mg_exec(db, "INSERT INTO pairs (a, b) VALUES (1, 2)"), MG_OK, "a pair");
    is_int(mg_exec(db, "INSERT INTO pairs (a, b) VALUES (1, 2)"), MG_CONSTRAINT, "again");
    c = constraint_of(db);
    is_int(c.kind, MG_UNIQUE, "composite: MG_UNIQUE");
    is_str(c.columns, "a, b", "composite: both columns, in order");
    is_str(c.table, "pairs", "composite: the table");

    /* what forgets it */
    is_int(mg_exec(db, "SELEC 1"), MG_ERROR, "a failure of another kind");
    is_int(mg_constraint(db, &c), MG_NOTFOUND, "forgets the constraint");
    mg_exec(db, "INSERT INTO pairs (a, b) VALUES (1, 2)");
    is_int(mg_exec(db, "INSERT INTO pairs (a, b) VALUES (1, 3)"), MG_OK, "a success");
    is_int(mg_constraint(db, &c), MG_NOTFOUND, "forgets it too");
    mg_exec(db, "INSERT INTO pairs (a, b) VALUES (1, 2)");
    {
        struct w got;
        is_int(mg_get_by_id(db, &w_model, w_get, 1, &got), MG_OK, "a read that finds a row");
        mg_free_row(&w_model, &got);
    }
    is_int(mg_constraint(db, &c), MG_NOTFOUND, "forgets it as well");
    mg_close(db);
}

/* A deferred key at COMMIT, and a constraint that failed a transaction earlier. */
static void test_constraint_in_transactions(void)
{
    mg_db *db = open_w();
    mg_constraint_info c;
    struct w r = a_w("ann");
    int64_t id = 0;

    is_int(mg_begin(db), MG_OK, "begin");
    r.parent_id = 99;
    r.has_parent_id = true;
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK,
           "a deferred key to no row is accepted until COMMIT");
    is_int(mg_commit(db), MG_CONSTRAINT, "COMMIT: MG_CONSTRAINT");
    c = constraint_of(db);
    is_int(c.kind, MG_FOREIGN_KEY, "mg_constraint after the COMMIT: MG_FOREIGN_KEY");
    is_str(c.name, pick("", "w_parent_id_fkey"), "named on PostgreSQL");

    r.has_parent_id = false;
    r.id = 0;
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "ann");
    is_int(mg_begin(db), MG_OK, "begin");
    r.id = 0;
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_CONSTRAINT, "ann again");
    is_int(mg_exec(db, "SELECT 1"), MG_ERROR, "the transaction has failed");
    is_int(mg_constraint(db, &c), MG_NOTFOUND, "that MG_ERROR is no constraint's");
    is_int(mg_commit(db), MG_CONSTRAINT, "mg_commit returns the first failure");
    c = constraint_of(db);
    is_int(c.kind, MG_UNIQUE, "and mg_constraint says which: MG_UNIQUE");
    is_str(c.columns, "name", "on name");
    mg_close(db);
}

/* ---- Savepoints ---- */

static void test_savepoints(void)
{
    mg_db *db = open_w();
    struct w r = a_w("a");
    int64_t id = 0;

    is_int(mg_transaction_depth(db), 0, "depth 0 outside a transaction");
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(mg_transaction_depth(db), 1, "depth 1");
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "a, in the transaction");
    is_int(mg_begin(db), MG_OK, "mg_begin inside a transaction opens a savepoint");
    is_int(mg_transaction_depth(db), 2, "depth 2");
    r.id = 0;
    r.name = "b";
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "b, in the savepoint");
    is_int(mg_rollback(db), MG_OK, "mg_rollback of the savepoint");
    is_int(mg_transaction_depth(db), 1, "back to depth 1");
    ok(mg_in_transaction(db) && raw_in_transaction(db), "the transaction goes on");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 1, "b is gone, a is there");
    is_int(mg_begin(db), MG_OK, "another savepoint");
    r.id = 0;
    r.name = "c";
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "c, in it");
    is_int(mg_begin(db), MG_OK, "and one inside it");
    is_int(mg_transaction_depth(db), 3, "depth 3");
    r.id = 0;
    r.name = "d";
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "d, in the innermost");
    is_int(mg_commit(db), MG_OK, "mg_commit releases the innermost");
    is_int(mg_commit(db), MG_OK, "and the next");
    is_int(mg_transaction_depth(db), 1, "depth 1");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 3, "a, c and d");
    is_int(mg_commit(db), MG_OK, "the transaction commits");
    is_int(mg_transaction_depth(db), 0, "depth 0");
    ok(!mg_in_transaction(db) && !raw_in_transaction(db), "no transaction is open");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 3, "a, c and d are kept");
    is_int(raw_int(db, "SELECT count(*) FROM w WHERE name = 'b'"), 0, "b is not");

    /* a rolled-back outer level takes its released savepoints with it */
    mg_begin(db);
    mg_begin(db);
    r.id = 0;
    r.name = "e";
    mg_insert_row(db, &w_model, w_insert, &r, &id);
    is_int(mg_commit(db), MG_OK, "release e's savepoint");
    is_int(mg_rollback(db), MG_OK, "roll the transaction back");
    is_int(raw_int(db, "SELECT count(*) FROM w WHERE name = 'e'"), 0, "e went with it");
    mg_close(db);
}

/* The failed-level rule: a failure fails the innermost level only. */
static void test_failed_savepoint(void)
{
    mg_db *db = open_w();
    struct w r = a_w("a");
    int64_t id = 0, v = 0;

    mg_insert_row(db, &w_model, w_insert, &r, &id);
    is_int(mg_begin(db), MG_OK, "begin");
    r.id = 0;
    r.name = "b";
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "b in the transaction");
    is_int(mg_begin(db), MG_OK, "a savepoint");
    r.id = 0;
    r.name = "a";
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_CONSTRAINT,
           "a duplicate in the savepoint");
    is_int(mg_get_count(db, "SELECT count(*) FROM w", NULL, 0, &v), MG_ERROR,
           "the savepoint has failed: later calls are MG_ERROR");
    ok(contains(mg_errmsg(db), "savepoint"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(mg_begin(db), MG_ERROR, "mg_begin too");
    is_int(mg_rollback(db), MG_OK, "mg_rollback ends the failed savepoint");
    is_int(mg_transaction_depth(db), 1, "the transaction is still open");
    is_int(mg_get_count(db, "SELECT count(*) FROM w", NULL, 0, &v), MG_OK,
           "and not failed: statements run");
    is_int(v, 2, "a and b");
    r.id = 0;
    r.name = "c";
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "c");
    is_int(mg_commit(db), MG_OK, "the transaction commits");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 3, "a, b and c");

    /* mg_commit of a failed savepoint rolls it back and returns the failure */
    mg_begin(db);
    mg_begin(db);
    r.id = 0;
    r.name = "d";
    mg_insert_row(db, &w_model, w_insert, &r, &id);
    r.id = 0;
    r.name = "a";
    mg_insert_row(db, &w_model, w_insert, &r, &id);
    is_int(mg_commit(db), MG_CONSTRAINT, "mg_commit of the failed savepoint: its failure");
    ok(contains(mg_errmsg(db), "savepoint was rolled back"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(constraint_of(db).kind, MG_UNIQUE, "mg_constraint: MG_UNIQUE");
    is_int(mg_transaction_depth(db), 1, "the transaction goes on");
    r.id = 0;
    r.name = "e";
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "e");
    is_int(mg_commit(db), MG_OK, "commits");
    is_int(raw_int(db, "SELECT count(*) FROM w WHERE name IN ('d', 'e')"), 1,
           "e is kept, d was rolled back with its savepoint");

    /* a failure at the transaction's own level, with a savepoint open before it */
    mg_begin(db);
    mg_begin(db);
    mg_commit(db);
    r.id = 0;
    r.name = "a";
    mg_insert_row(db, &w_model, w_insert, &r, &id);
    is_int(mg_begin(db), MG_ERROR, "no savepoint opens in a failed transaction");
    is_int(mg_commit(db), MG_CONSTRAINT, "its mg_commit rolls back");
    ok(!mg_in_transaction(db) && !raw_in_transaction(db), "and ends it");

    /* a deferred key released by a savepoint is checked at COMMIT */
    mg_begin(db);
    mg_begin(db);
    r.id = 0;
    r.name = "f";
    r.parent_id = 12345;
    r.has_parent_id = true;
    is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "a dangling deferred key");
    is_int(mg_commit(db), MG_OK, "its savepoint is released");
    is_int(mg_commit(db), MG_CONSTRAINT, "the COMMIT finds it");
    is_int(constraint_of(db).kind, MG_FOREIGN_KEY, "MG_FOREIGN_KEY");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 4, "nothing of it is kept");
    mg_close(db);
}

/* ---- Many rows ---- */

static void test_insert_rows(void)
{
    mg_db *db = open_w();
    struct w rows[5];
    char names[5][8];
    size_t failed = 99, i;
    int64_t v = 0;

    for (i = 0; i < 5; i++) {
        snprintf(names[i], sizeof names[i], "r%zu", i);
        rows[i] = a_w(names[i]);
        rows[i].n = (int64_t)i;
        rows[i].has_n = i % 2 == 0;
    }
    rows[3].id = 100;   /* an explicit id among the others */
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 0, &failed), MG_OK, "no rows: MG_OK");
    is_int(failed, 0, "*failed is n");
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 5, &failed), MG_OK, "five rows");
    is_int(failed, 5, "*failed is n after success");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 5, "all five are in");
    ok(rows[0].id > 0 && rows[1].id > rows[0].id && rows[2].id > rows[1].id,
       "each row's id is set, in order (%lld, %lld, %lld)", (long long)rows[0].id,
       (long long)rows[1].id, (long long)rows[2].id);
    is_int(rows[3].id, 100, "an explicit id is kept");
    ok(rows[4].id > 0 && rows[4].id != 100, "the row after it has its own id");
    {
        struct w got;
        is_int(mg_get_by_id(db, &w_model, w_get, rows[2].id, &got), MG_OK, "read one back");
        ok(strcmp(got.name, "r2") == 0 && got.has_n && got.n == 2 && got.kind == KIND_LARGE,
           "with its values");
        mg_free_row(&w_model, &got);
        is_int(mg_get_by_id(db, &w_model, w_get, rows[1].id, &got), MG_OK, "another");
        ok(!got.has_n, "a NULL stays NULL");
        mg_free_row(&w_model, &got);
    }
    {
        /* after an explicit id, the database's own ids do not collide with it */
        struct w r = a_w("after");
        int64_t id = 0;
        mg_exec(db, "DELETE FROM w WHERE id = 100");
        is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK,
               "an insert with a zero id after the batch");
        ok(id > 100, "takes an id past the explicit one (%lld)", (long long)id);
    }

    /* all or nothing */
    for (i = 0; i < 5; i++) {
        snprintf(names[i], sizeof names[i], "s%zu", i);
        rows[i] = a_w(names[i]);
    }
    rows[2].id = 555;
    rows[3].name = "r0";    /* taken */
    failed = 99;
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 5, &failed), MG_CONSTRAINT,
           "a batch with a duplicate: MG_CONSTRAINT");
    is_int(failed, 3, "*failed names the row");
    ok(contains(mg_errmsg(db), "row 3 of 5"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(constraint_of(db).kind, MG_UNIQUE, "mg_constraint: MG_UNIQUE");
    is_str(constraint_of(db).columns, "name", "on name");
    is_int(raw_int(db, "SELECT count(*) FROM w WHERE name LIKE 's%'"), 0, "none was inserted");
    ok(rows[0].id == 0 && rows[1].id == 0 && rows[2].id == 555 && rows[4].id == 0,
       "every id is as it was");
    ok(no_transaction(db), "no transaction is left open");
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 3, NULL), MG_OK,
           "the rows before it insert (failed may be NULL)");

    /* inside the caller's transaction: a savepoint */
    for (i = 0; i < 5; i++) {
        snprintf(names[i], sizeof names[i], "t%zu", i);
        rows[i] = a_w(names[i]);
    }
    rows[4].name = "r1";
    is_int(mg_begin(db), MG_OK, "begin");
    {
        struct w r = a_w("before");
        int64_t id = 0;
        is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "a row before");
    }
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 5, &failed), MG_CONSTRAINT,
           "a failing batch inside the transaction");
    is_int(failed, 4, "at row 4");
    is_int(mg_transaction_depth(db), 1, "the transaction is still open, at its own level");
    is_int(mg_get_count(db, "SELECT count(*) FROM w WHERE name LIKE 't%'", NULL, 0, &v), MG_OK,
           "and has not failed");
    is_int(v, 0, "none of the batch is in it");
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 4, &failed), MG_OK,
           "a good batch inside the transaction");
    is_int(mg_commit(db), MG_OK, "commit");
    is_int(raw_int(db, "SELECT count(*) FROM w WHERE name LIKE 't%' OR name = 'before'"), 5,
           "the row before and the good batch are kept");

    /* a deferred key: checked at the batch's COMMIT, no row to blame */
    rows[0] = a_w("dangling");
    rows[0].parent_id = 4242;
    rows[0].has_parent_id = true;
    rows[1] = a_w("fine");
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 2, &failed), MG_CONSTRAINT,
           "a dangling deferred key: MG_CONSTRAINT at the COMMIT");
    is_int(failed, 2, "no row is to blame: *failed is n");
    is_int(constraint_of(db).kind, MG_FOREIGN_KEY, "mg_constraint: MG_FOREIGN_KEY");
    ok(rows[0].id == 0 && rows[1].id == 0, "the ids are as they were");
    is_int(raw_int(db, "SELECT count(*) FROM w WHERE name IN ('dangling', 'fine')"), 0,
           "nothing inserted");

    /* misuse and failed transactions */
    is_int(mg_insert_rows(NULL, &w_model, w_insert, rows, 1, &failed), MG_MISUSE, "NULL db");
    is_int(mg_insert_rows(db, NULL, w_insert, rows, 1, &failed), MG_MISUSE, "NULL model");
    is_int(mg_insert_rows(db, &w_model, w_insert, NULL, 1, &failed), MG_MISUSE, "NULL rows");
    rows[0] = a_w("x");
    rows[0].kind = (enum kind)7;
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 1, &failed), MG_MISUSE,
           "a row that cannot be bound: MG_MISUSE");
    is_int(failed, 0, "names it");
    mg_begin(db);
    mg_exec(db, "SELEC 1");
    rows[0] = a_w("x");
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, 1, &failed), MG_ERROR,
           "in a failed transaction: MG_ERROR");
    mg_rollback(db);
    mg_close(db);
}

/* More rows than one batch (PostgreSQL: 5000 rows in one INSERT of arrays, 1000 in a
   pipeline), a failure in a later batch, statements prepared once. */
static void test_insert_many_rows(void)
{
    enum { N = 12000 };
    mg_db *db = open_w();
    struct w *rows = calloc(N, sizeof *rows);
    char (*names)[16] = calloc(N, sizeof *names);
    size_t failed = 0, i;
    long long prepared;
    bool ordered = true;

    for (i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "m%zu", i);
        rows[i] = a_w(names[i]);
    }
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, N, &failed), MG_OK, "12000 rows");
    is_int(raw_int(db, "SELECT count(*) FROM w"), N, "all of them");
    for (i = 1; i < N; i++)
        ordered = ordered && rows[i].id == rows[i - 1].id + 1;
    ok(ordered, "their ids, consecutive");
    is_int(raw_int(db, "SELECT max(id) FROM w"), rows[N - 1].id, "the last is the largest");
    if (on_pg)
        is_int(raw_int(db, "SELECT count(*) FROM pg_prepared_statements"
                           " WHERE statement LIKE '%unnest%'"), 1,
               "PostgreSQL: one INSERT of arrays, prepared");
    for (i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "n%zu", i);
        rows[i] = a_w(names[i]);
    }
    rows[11000].name = "m7";
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, N, &failed), MG_CONSTRAINT,
           "a duplicate in the last batch");
    is_int(failed, 11000, "at row 11000");
    is_int(constraint_of(db).kind, MG_UNIQUE, "MG_UNIQUE");
    is_int(raw_int(db, "SELECT count(*) FROM w"), N, "none of the batch was inserted");
    ok(rows[0].id == 0 && rows[5500].id == 0 && rows[10999].id == 0,
       "their ids are zero again");
    ok(no_transaction(db), "no transaction is left open");
    prepared = prepared_count(db);
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, N, &failed), MG_CONSTRAINT,
           "the same batch again");
    is_int(failed, 11000, "at row 11000");
    is_int(prepared_count(db), prepared, "no statement was prepared again");
    /* the same inside a transaction: the batch's savepoint is undone and made again for
       the second pass that finds the row, and the transaction goes on */
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(mg_exec(db, "INSERT INTO parent (id) VALUES (1)"), MG_OK, "a row before");
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, N, &failed), MG_CONSTRAINT,
           "the failing batch inside the transaction");
    is_int(failed, 11000, "at row 11000");
    is_int(mg_transaction_depth(db), 1, "the transaction is at its own level");
    is_int(mg_commit(db), MG_OK, "and commits");
    is_int(raw_int(db, "SELECT count(*) FROM parent"), 1, "with the row before");
    is_int(raw_int(db, "SELECT count(*) FROM w"), N, "without the batch");
    rows[11000].name = "fine now";
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, N, &failed), MG_OK, "and fixed");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 2 * N, "all in");
    is_int(prepared_count(db), prepared, "still no statement prepared again");
    free(rows);
    free(names);
    mg_close(db);
}

/* Every type, NULLs included, comes back as it went in, whichever way the rows went
   (PostgreSQL: at least 16 rows go as arrays). */
static void test_insert_rows_values(void)
{
    enum { N = 40 };
    static const char bytes[] = { 0, 1, 2, '\'', '\\', (char)0xff };
    mg_db *db = open_w();
    struct w rows[N], got;
    char names[N][32];
    size_t failed = 0, i;
    int same = 0;

    for (i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], i % 5 == 0 ? "ünï %zu 'q'" : "plain %zu", i);
        rows[i] = a_w(names[i]);
        rows[i].has_n = i % 3 != 0;
        rows[i].n = i % 2 ? -(int64_t)i * 1000000007 : INT64_MAX - (int64_t)i;
        rows[i].score = i % 2 ? -1.0 / 3.0 : 1e300;
        rows[i].flag = i % 2 == 0;
        rows[i].at = i % 2 ? -2208988800 - (int64_t)i : 253402300799 - (int64_t)i;
        rows[i].kind = i % 2 ? KIND_SMALL : KIND_LARGE;
        rows[i].data = i % 4 == 0 ? (mg_blob){ NULL, 0 }
                     : i % 4 == 1 ? (mg_blob){ "", 0 } : (mg_blob){ bytes, sizeof bytes };
        if (i == 7)
            rows[i].id = 100000;
    }
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, N, &failed), MG_OK, "40 rows of every type");
    is_int(rows[7].id, 100000, "an explicit id among them is kept");
    for (i = 0; i < N; i++) {
        if (mg_get_by_id(db, &w_model, w_get, rows[i].id, &got) != MG_OK)
            continue;
        same += strcmp(got.name, rows[i].name) == 0 && got.has_n == rows[i].has_n
                && (!got.has_n || got.n == rows[i].n) && got.score == rows[i].score
                && got.flag == rows[i].flag && got.at == rows[i].at && got.kind == rows[i].kind
                && (got.data.data == NULL) == (rows[i].data.data == NULL)
                && got.data.size == rows[i].data.size
                && (got.data.size == 0 || memcmp(got.data.data, rows[i].data.data,
                                                 got.data.size) == 0)
                && !got.has_parent_id;
        mg_free_row(&w_model, &got);
    }
    is_int(same, N, "every row reads back as it was written");
    {
        struct w r = a_w("after the batch");
        int64_t id = 0;
        is_int(mg_insert_row(db, &w_model, w_insert, &r, &id), MG_OK, "then one insert");
        ok(id > 100000, "past the explicit id (%lld)", (long long)id);
    }
    for (i = 0; i < N; i++) {
        rows[i].id = 0;
        snprintf(names[i], sizeof names[i], "again %zu", i);
    }
    rows[30].at = on_pg ? INT64_MAX : 0;
    rows[30].kind = on_pg ? KIND_SMALL : (enum kind)5;
    is_int(mg_insert_rows(db, &w_model, w_insert, rows, N, &failed), MG_MISUSE,
           "a value the engine cannot take: MG_MISUSE");
    is_int(failed, 30, "names its row");
    is_int(raw_int(db, "SELECT count(*) FROM w WHERE name LIKE 'again%'"), 0, "nothing inserted");
    ok(no_transaction(db), "no transaction is left open");
    mg_close(db);
}

/* ---- Upserts ---- */

static void test_upsert(void)
{
    mg_db *db = open_w();
    struct w r = a_w("ann"), got;
    struct pair p = { 0, 1, 2, "first", NULL };
    int64_t id = 0, other = 0;

    r.n = 1;
    r.has_n = true;
    is_int(mg_upsert_row(db, &w_model, w_upsert_by_name, &r, &r.id), MG_OK, "upsert a new row");
    ok(r.id > 0, "sets its id (%lld)", (long long)r.id);
    id = r.id;
    {
        struct w x = a_w("other");
        mg_insert_row(db, &w_model, w_insert, &x, &other);
    }
    r.id = 0;
    r.n = 2;
    r.score = 9.25;
    is_int(mg_upsert_row(db, &w_model, w_upsert_by_name, &r, &r.id), MG_OK,
           "upsert the same name after another insert");
    is_int(r.id, id, "the id is the existing row's, not the last inserted one");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 2, "no row was added");
    is_int(mg_get_by_id(db, &w_model, w_get, id, &got), MG_OK, "read it");
    ok(got.n == 2 && got.score == 9.25, "its other columns were updated");
    mg_free_row(&w_model, &got);
    r.id = 777;
    r.name = "newcomer";
    is_int(mg_upsert_row(db, &w_model, w_upsert_by_name, &r, &r.id), MG_OK,
           "upsert with an explicit id");
    is_int(r.id, 777, "keeps it");
    {
        struct w x = a_w("later");
        int64_t later = 0;
        is_int(mg_insert_row(db, &w_model, w_insert, &x, &later), MG_OK, "then an insert");
        ok(later > 777, "takes an id past it (%lld)", (long long)later);
    }
    /* composite */
    is_int(mg_upsert_row(db, &pair_model, pair_upsert, &p, &p.id), MG_OK, "upsert a pair");
    id = p.id;
    p.id = 0;
    p.v = "second";
    is_int(mg_upsert_row(db, &pair_model, pair_upsert, &p, &p.id), MG_OK, "the same (a, b)");
    is_int(p.id, id, "the same row");
    is_int(raw_int(db, "SELECT count(*) FROM pairs WHERE v = 'second'"), 1, "updated");
    p.id = 0;
    p.b = 3;
    is_int(mg_upsert_row(db, &pair_model, pair_upsert, &p, &p.id), MG_OK, "another b");
    ok(p.id != id, "is another row");
    /* a conflict the upsert does not handle */
    p.id = id;
    p.b = 4;
    is_int(mg_upsert_row(db, &pair_model, pair_upsert, &p, &p.id), MG_CONSTRAINT,
           "a taken id is still a conflict");
    is_int(constraint_of(db).kind, MG_PRIMARY_KEY, "of the primary key");
    is_int(mg_upsert_row(db, &pair_model, NULL, &p, &p.id), MG_MISUSE, "NULL sql");
    {
        long long before = prepared_count(db);
        p.id = 0;
        mg_upsert_row(db, &pair_model, pair_upsert, &p, &p.id);
        p.id = 0;
        mg_upsert_row(db, &pair_model, pair_upsert, &p, &p.id);
        is_int(prepared_count(db), before, "prepared once");
    }
    {
        /* no row to insert with: an insert of the pair first, then its upsert */
        struct pair q = { 0, 9, 9, NULL, NULL };
        int64_t qid = 0;
        mg_insert_row(db, &pair_model, pair_insert, &q, &qid);
        q.id = 0;
        q.v = "set";
        is_int(mg_upsert_row(db, &pair_model, pair_upsert, &q, &q.id), MG_OK, "upsert it");
        is_int(q.id, qid, "its id");
    }
    mg_close(db);
}

/* ---- Chosen columns ---- */

static void test_update_columns(void)
{
    const char *target = on_pg ? fresh_target() : NULL;
    char file[600];
    mg_db *db, *other;
    struct w r = a_w("ann"), got;
    uint64_t name_bit = 1u << 0, n_bit = 1u << 1, score_bit = 1u << 2, kind_bit = 1u << 5,
             data_bit = 1u << 6;
    long long prepared;

    if (!on_pg) {
        snprintf(file, sizeof file, "%s", fresh_target());
        target = file;
    }
    db = open_w_target(target);
    other = open_target(target);
    r.n = 5;
    r.has_n = true;
    r.data = (mg_blob){ "xy", 2 };
    mg_insert_row(db, &w_model, w_insert, &r, &r.id);
    /* another writer changes score and n behind our back */
    is_int(mg_exec(other, "UPDATE w SET score = 42, n = 6"), MG_OK, "another writer");
    r.name = "anna";
    r.score = -1;           /* not chosen: must not be written */
    r.n = 0;
    r.has_n = false;
    is_int(mg_update_columns(db, &w_model, w_update_columns, &r, name_bit), MG_OK,
           "update the name only");
    is_int(mg_get_by_id(db, &w_model, w_get, r.id, &got), MG_OK, "read it");
    ok(strcmp(got.name, "anna") == 0, "the name is written");
    ok(got.score == 42 && got.has_n && got.n == 6, "the other writer's score and n survive");
    ok(got.data.size == 2 && memcmp(got.data.data, "xy", 2) == 0, "the blob too");
    mg_free_row(&w_model, &got);

    prepared = prepared_count(db);
    r.kind = KIND_SMALL;
    r.data = (mg_blob){ NULL, 0 };
    is_int(mg_update_columns(db, &w_model, w_update_columns, &r, n_bit | kind_bit | data_bit),
           MG_OK, "update n (to NULL), kind and data (to NULL)");
    is_int(mg_get_by_id(db, &w_model, w_get, r.id, &got), MG_OK, "read it");
    ok(!got.has_n && got.kind == KIND_SMALL && got.data.data == NULL && got.score == 42,
       "those three are written, score is kept");
    mg_free_row(&w_model, &got);
    is_int(prepared_count(db), prepared, "another choice of columns: the same statement");
    is_int(mg_update_columns(db, &w_model, w_update_columns, &r, 0), MG_OK,
           "no column: a no-op");
    r.score = 3.5;
    is_int(mg_update_columns(db, &w_model, w_update_columns, &r, score_bit), MG_OK, "score");
    is_int(raw_int(db, "SELECT count(*) FROM w WHERE score = 3.5 AND name = 'anna'"), 1,
           "written");
    is_int(mg_update_columns(db, &w_model, w_update_columns, &r, (uint64_t)1 << 8),
           MG_MISUSE, "a bit beyond the columns: MG_MISUSE");
    r.kind = (enum kind)9;
    is_int(mg_update_columns(db, &w_model, w_update_columns, &r, name_bit), MG_OK,
           "an unchosen column's value is not read (a kind that is no member)");
    is_int(mg_update_columns(db, &w_model, w_update_columns, &r, kind_bit), MG_MISUSE,
           "a chosen one is");
    r.kind = KIND_SMALL;
    r.id = 404;
    is_int(mg_update_columns(db, &w_model, w_update_columns, &r, name_bit), MG_NOTFOUND,
           "no such row: MG_NOTFOUND");
    is_int(mg_update_columns(db, &w_model, NULL, &r, name_bit), MG_MISUSE, "NULL sql");
    mg_close(other);
    mg_close(db);
}

#ifdef MG_TEST_PG
/* A savepoint whose connection was lost takes the transaction with it. */
static void test_pg_lost_savepoint(void)
{
    mg_db *db = open_w();
    struct w r = a_w("a");
    char sql[96];

    mg_begin(db);
    mg_insert_row(db, &w_model, w_insert, &r, &r.id);
    mg_begin(db);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", PQbackendPID(mg_postgres(db)));
    PQclear(PQexec(pg_admin, sql));
    sleep_ms(100);
    is_int(mg_exec(db, "SELECT 1"), MG_ERROR, "the call that meets the loss");
    is_int(mg_rollback(db), MG_ERROR, "mg_rollback of the savepoint cannot reach it");
    ok(contains(mg_errmsg(db), "whole transaction"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(mg_exec(db, "SELECT 1"), MG_ERROR, "the transaction has failed");
    is_int(mg_rollback(db), MG_OK, "one more mg_rollback ends it");
    ok(!mg_in_transaction(db), "no transaction");
    is_int(raw_int(db, "SELECT count(*) FROM w"), 0, "nothing was kept");
    mg_close(db);
}
#endif

int main(int argc, char **argv)
{
    choose_engine(argc, argv);
    printf("# engine: %s\n", engine_name());
    test_constraint_kinds();
    test_constraint_in_transactions();
    test_savepoints();
    test_failed_savepoint();
    test_insert_rows();
    test_insert_many_rows();
    test_insert_rows_values();
    test_upsert();
    test_update_columns();
#ifdef MG_TEST_PG
    if (on_pg)
        test_pg_lost_savepoint();
#endif
    return done_testing();
}
