/* Tests for the modelgen runtime against a real sqlite3: in memory, in a
   temporary file, and with allocation failures injected through sqlite3's
   allocator (the runtime allocates only through it). */
#include "modelgen.h"
#include "tap.h"
#include "helpers.h"

#include <stdlib.h>
#include <unistd.h>

/* ---- Fault injection: the nth allocation from now fails ---- */

static sqlite3_mem_methods real_mem;
static int fail_countdown; /* 0: off */
static int faults;         /* failures injected so far */

static int inject(void)
{
    if (fail_countdown > 0 && --fail_countdown == 0) {
        faults++;
        return 1;
    }
    return 0;
}

static void *fault_malloc(int n) { return inject() ? NULL : real_mem.xMalloc(n); }
static void *fault_realloc(void *p, int n) { return inject() ? NULL : real_mem.xRealloc(p, n); }

static void *fault_mg_realloc(void *p, size_t n) { return inject() ? NULL : realloc(p, n); }

static int install_fault_allocator(void)
{
    mg_set_allocator(fault_mg_realloc, free);
    return wrap_sqlite_allocator(&real_mem, fault_malloc, fault_realloc);
}

/* ---- Helpers that bypass the runtime, so they can check it ---- */

static mg_db *open_memory(void)
{
    mg_db *db = NULL;
    if (mg_open(":memory:", &db) != MG_OK) {
        printf("Bail out! cannot open :memory:\n");
        exit(1);
    }
    return db;
}

/* ---- Tests ---- */

static void test_status_names(void)
{
    is_str(mg_status_name(MG_OK), "MG_OK", "status name MG_OK");
    is_str(mg_status_name(MG_NOTFOUND), "MG_NOTFOUND", "status name MG_NOTFOUND");
    is_str(mg_status_name(MG_CONSTRAINT), "MG_CONSTRAINT", "status name MG_CONSTRAINT");
    is_str(mg_status_name(MG_BUSY), "MG_BUSY", "status name MG_BUSY");
    is_str(mg_status_name(MG_NOMEM), "MG_NOMEM", "status name MG_NOMEM");
    is_str(mg_status_name(MG_MISUSE), "MG_MISUSE", "status name MG_MISUSE");
    is_str(mg_status_name(MG_ERROR), "MG_ERROR", "status name MG_ERROR");
    is_str(mg_status_name(-1), "MG_UNKNOWN", "status name of -1");
    is_str(mg_status_name(MG_ERROR + 1), "MG_UNKNOWN", "status name past the last");
}

static void test_null_handles(void)
{
    void *block = NULL;
    is_int(mg_close(NULL), MG_OK, "mg_close(NULL) is fine");
    ok(mg_sqlite(NULL) == NULL, "mg_sqlite(NULL) is NULL");
    ok(mg_errmsg(NULL) != NULL && mg_errmsg(NULL)[0] != '\0', "mg_errmsg(NULL) says something");
    is_int(mg_begin(NULL), MG_MISUSE, "mg_begin(NULL) is misuse");
    is_int(mg_exec(NULL, "SELECT 1"), MG_MISUSE, "mg_exec(NULL, ...) is misuse");
    is_int(mg_fail(NULL, MG_NOTFOUND, "x"), MG_NOTFOUND, "mg_fail(NULL, ...) returns its status");
    is_int(mg_status(NULL, SQLITE_BUSY), MG_BUSY, "mg_status(NULL, ...) still maps");
    mg_reset(NULL);
    mg_free_block(NULL);
    is_int(mg_copy_columns(NULL, NULL, 0, &block), MG_MISUSE, "mg_copy_columns(NULL stmt) is misuse");
}

static void test_open(void)
{
    mg_db *db = (mg_db *)&db; /* a sentinel that must be overwritten */

    is_int(mg_open(":memory:", &db), MG_OK, "mg_open(:memory:)");
    if (!ok(db != NULL && mg_sqlite(db) != NULL, "mg_open gives a connection and a raw handle"))
        return;
    is_int(query_int(db, "PRAGMA foreign_keys"), 1, "foreign keys are on");
    is_int(query_int(db, "PRAGMA busy_timeout"), 5000, "busy timeout is 5 s");
    is_int(sqlite3_get_autocommit(mg_sqlite(db)), 1, "no transaction is open after mg_open");
    is_int(mg_close(db), MG_OK, "mg_close");

    db = (mg_db *)&db;
    is_int(mg_open("/nonexistent-modelgen-dir/x/y.db", &db), MG_ERROR, "mg_open of an impossible path fails");
    ok(db == NULL, "and sets *db to NULL");
    db = (mg_db *)&db;
    is_int(mg_open(NULL, &db), MG_MISUSE, "mg_open(NULL path) is misuse");
    ok(db == NULL, "and sets *db to NULL");
    is_int(mg_open(":memory:", NULL), MG_MISUSE, "mg_open without an out-parameter is misuse");
}

static void test_status_mapping(void)
{
    static const struct { int rc, want; const char *name; } cases[] = {
        { SQLITE_OK, MG_OK, "SQLITE_OK" },
        { SQLITE_ROW, MG_OK, "SQLITE_ROW" },
        { SQLITE_DONE, MG_OK, "SQLITE_DONE" },
        { SQLITE_CONSTRAINT, MG_CONSTRAINT, "SQLITE_CONSTRAINT" },
        { SQLITE_CONSTRAINT_FOREIGNKEY, MG_CONSTRAINT, "SQLITE_CONSTRAINT_FOREIGNKEY" },
        { SQLITE_CONSTRAINT_UNIQUE, MG_CONSTRAINT, "SQLITE_CONSTRAINT_UNIQUE" },
        { SQLITE_CONSTRAINT_NOTNULL, MG_CONSTRAINT, "SQLITE_CONSTRAINT_NOTNULL" },
        { SQLITE_BUSY, MG_BUSY, "SQLITE_BUSY" },
        { SQLITE_BUSY_SNAPSHOT, MG_BUSY, "SQLITE_BUSY_SNAPSHOT" },
        { SQLITE_LOCKED, MG_BUSY, "SQLITE_LOCKED" },
        { SQLITE_LOCKED_SHAREDCACHE, MG_BUSY, "SQLITE_LOCKED_SHAREDCACHE" },
        { SQLITE_NOMEM, MG_NOMEM, "SQLITE_NOMEM" },
        { SQLITE_MISUSE, MG_MISUSE, "SQLITE_MISUSE" },
        { SQLITE_RANGE, MG_MISUSE, "SQLITE_RANGE" },
        { SQLITE_ERROR, MG_ERROR, "SQLITE_ERROR" },
        { SQLITE_IOERR_WRITE, MG_ERROR, "SQLITE_IOERR_WRITE" },
        { SQLITE_CORRUPT, MG_ERROR, "SQLITE_CORRUPT" },
        { SQLITE_READONLY, MG_ERROR, "SQLITE_READONLY" },
        { SQLITE_FULL, MG_ERROR, "SQLITE_FULL" },
    };
    mg_db *db = open_memory();
    char desc[96];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(desc, sizeof desc, "%s maps to %s", cases[i].name, mg_status_name(cases[i].want));
        is_int(mg_status(db, cases[i].rc), cases[i].want, desc);
    }
    /* A code that did not come from the connection explains itself. */
    mg_status(db, SQLITE_CONSTRAINT);
    is_str(mg_errmsg(db), "constraint failed", "mg_status remembers a message for a foreign code");
    mg_status(db, SQLITE_OK);
    is_str(mg_errmsg(db), "not an error", "mg_status(OK) forgets the failure");
    mg_close(db);
}

static void test_errmsg(void)
{
    mg_db *db = open_memory();
    char longfmt[1200];

    is_int(mg_exec(db, "SELEC 1"), MG_ERROR, "bad SQL in mg_exec is MG_ERROR");
    ok(contains(mg_errmsg(db), "syntax error"), "mg_errmsg explains it: %s", mg_errmsg(db));
    is_int(mg_exec(db, "SELECT 1"), MG_OK, "good SQL in mg_exec");
    is_str(mg_errmsg(db), "not an error", "mg_errmsg after success");
    is_int(mg_exec(db, NULL), MG_MISUSE, "mg_exec(NULL sql) is misuse");
    ok(contains(mg_errmsg(db), "NULL"), "with a message of its own: %s", mg_errmsg(db));

    is_int(mg_fail(db, MG_NOTFOUND, "user %d not found", 7), MG_NOTFOUND, "mg_fail returns its status");
    is_str(mg_errmsg(db), "user 7 not found", "mg_errmsg shows the library's message");
    /* The message outlives later sqlite calls that do not go through mg_status. */
    sqlite3_exec(mg_sqlite(db), "SELEC 2", NULL, NULL, NULL);
    is_str(mg_errmsg(db), "user 7 not found", "the library's message is not replaced by raw sqlite calls");

    memset(longfmt, 'x', sizeof longfmt - 1);
    longfmt[sizeof longfmt - 1] = '\0';
    mg_fail(db, MG_ERROR, "%s", longfmt);
    ok(strlen(mg_errmsg(db)) > 100 && strlen(mg_errmsg(db)) < sizeof longfmt - 1,
       "a long message is truncated, not overflowed (%zu bytes)", strlen(mg_errmsg(db)));
    mg_close(db);
}

static void make_fk_schema(mg_db *db)
{
    int status = mg_exec(db,
        "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
        "CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL"
        "  REFERENCES parent(id));"
        "CREATE TABLE later(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL"
        "  REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);");
    is_int(status, MG_OK, "create the foreign-key schema");
}

static void test_fk_immediate(void)
{
    static const char insert_child[] = "INSERT INTO child(id, parent_id) VALUES (?1, ?2)";
    mg_db *db = open_memory();
    sqlite3_stmt *st;

    make_fk_schema(db);
    is_int(mg_exec(db, "INSERT INTO child VALUES (1, 99)"), MG_CONSTRAINT,
           "an immediate FK violation is MG_CONSTRAINT");
    ok(contains(mg_errmsg(db), "FOREIGN KEY constraint failed"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(query_int(db, "SELECT count(*) FROM child"), 0, "the row was not inserted");

    is_int(mg_prepare(db, insert_child, &st), MG_OK, "prepare an insert");
    sqlite3_bind_int(st, 1, 2);
    sqlite3_bind_int(st, 2, 42);
    is_int(mg_step_done(db, st), MG_CONSTRAINT, "mg_step_done reports the FK violation");
    is_int(sqlite3_stmt_busy(st), 0, "and leaves the statement reset");

    is_int(mg_exec(db, "INSERT INTO parent VALUES (42)"), MG_OK, "insert a parent");
    sqlite3_bind_int(st, 1, 2);
    sqlite3_bind_int(st, 2, 42);
    is_int(mg_step_done(db, st), MG_OK, "the same insert now succeeds");
    is_int(mg_exec(db, "DELETE FROM parent"), MG_CONSTRAINT, "deleting a referenced parent fails");
    mg_close(db);
}

static void test_fk_deferred(void)
{
    mg_db *db = open_memory();

    make_fk_schema(db);
    is_int(mg_begin(db), MG_OK, "mg_begin");
    is_int(sqlite3_get_autocommit(mg_sqlite(db)), 0, "a transaction is open");
    is_int(mg_exec(db, "INSERT INTO parent VALUES (1)"), MG_OK, "insert a parent inside it");
    is_int(mg_exec(db, "INSERT INTO later VALUES (1, 99)"), MG_OK,
           "a deferred FK violation is accepted until commit");
    is_int(mg_commit(db), MG_CONSTRAINT, "mg_commit reports the deferred violation");
    ok(contains(mg_errmsg(db), "FOREIGN KEY constraint failed"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(sqlite3_get_autocommit(mg_sqlite(db)), 1, "no transaction is left open");
    is_int(query_int(db, "SELECT count(*) FROM later"), 0, "the violating row is gone");
    is_int(query_int(db, "SELECT count(*) FROM parent"), 0, "the rest of the transaction is gone too");

    is_int(mg_begin(db), MG_OK, "a new transaction can begin");
    is_int(mg_exec(db, "INSERT INTO later VALUES (2, 5)"), MG_OK, "child before its parent");
    is_int(mg_exec(db, "INSERT INTO parent VALUES (5)"), MG_OK, "then the parent");
    is_int(mg_commit(db), MG_OK, "a satisfied deferred FK commits");
    is_int(query_int(db, "SELECT count(*) FROM later"), 1, "the row is kept");
    mg_close(db);
}

static void test_transactions(void)
{
    mg_db *db = open_memory();

    mg_exec(db, "CREATE TABLE t(x)");
    is_int(mg_begin(db), MG_OK, "mg_begin");
    is_int(mg_begin(db), MG_ERROR, "a nested mg_begin fails");
    ok(contains(mg_errmsg(db), "within a transaction"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(mg_exec(db, "INSERT INTO t VALUES (1)"), MG_OK, "insert");
    is_int(mg_rollback(db), MG_OK, "mg_rollback");
    is_int(query_int(db, "SELECT count(*) FROM t"), 0, "rolled back");
    is_int(mg_rollback(db), MG_ERROR, "mg_rollback without a transaction fails");
    is_int(mg_commit(db), MG_ERROR, "mg_commit without a transaction fails");
    ok(contains(mg_errmsg(db), "no transaction is active"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(mg_begin(db), MG_OK, "mg_begin again");
    is_int(mg_exec(db, "INSERT INTO t VALUES (1)"), MG_OK, "insert");
    is_int(mg_commit(db), MG_OK, "mg_commit");
    is_int(query_int(db, "SELECT count(*) FROM t"), 1, "committed");
    is_int(sqlite3_get_autocommit(mg_sqlite(db)), 1, "no transaction after commit");
    /* mg_close rolls back an open transaction of its own accord. */
    mg_begin(db);
    is_int(mg_close(db), MG_OK, "mg_close with a transaction open");
}

static void test_prepare_identity(void)
{
    static const char one[] = "SELECT 1";
    static char same_a[] = "SELECT 2";
    static char same_b[] = "SELECT 2";
    sqlite3_stmt *s1, *s2, *s3, *s4;
    mg_db *db = open_memory(), *other = open_memory();

    is_int(mg_prepare(db, one, &s1), MG_OK, "mg_prepare");
    is_int(mg_prepare(db, one, &s2), MG_OK, "mg_prepare again");
    ok(s1 != NULL && s1 == s2, "the same sql pointer gives the same statement");
    mg_prepare(db, same_a, &s3);
    mg_prepare(db, same_b, &s4);
    ok(s3 != NULL && s4 != NULL && s3 != s4, "equal text at different addresses gives different statements");
    ok(s3 != s1 && s4 != s1, "and neither is the first one");
    is_int(mg_prepare(other, one, &s3), MG_OK, "prepare on another connection");
    ok(s3 != s1 && sqlite3_db_handle(s3) == mg_sqlite(other), "statements are cached per connection");
    mg_close(other);
    mg_close(db);
}

static void test_prepare_many(void)
{
    enum { N = 1000 };
    static char sql[N][24];
    static sqlite3_stmt *first[N];
    mg_db *db = open_memory();
    sqlite3_stmt *st;
    int i, j, prepared = 0, distinct = 1, same = 0, values = 0;

    for (i = 0; i < N; i++) {
        snprintf(sql[i], sizeof sql[i], "SELECT %d", i);
        prepared += mg_prepare(db, sql[i], &first[i]) == MG_OK && first[i] != NULL;
    }
    is_int(prepared, N, "prepare 1000 distinct statements");
    for (i = 0; i < N && distinct; i++)
        for (j = i + 1; j < N; j++)
            if (first[i] == first[j])
                distinct = 0;
    ok(distinct, "all 1000 statements are distinct");
    for (i = N - 1; i >= 0; i--) {
        if (mg_prepare(db, sql[i], &st) != MG_OK)
            continue;
        same += st == first[i];
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == i)
            values++;
        mg_reset(st);
    }
    is_int(same, N, "after growing, each sql pointer still finds its statement");
    is_int(values, N, "and each statement runs its own SQL");
    is_int(mg_begin(db), MG_OK, "the transaction statements survive the growth");
    is_int(mg_commit(db), MG_OK, "mg_commit after growth");
    mg_close(db);
}

static void test_prepare_reset(void)
{
    static const char select_from[] = "SELECT v FROM r WHERE v >= ?1 ORDER BY v";
    mg_db *db = open_memory();
    sqlite3_stmt *st, *again;

    mg_exec(db, "CREATE TABLE r(v INTEGER); INSERT INTO r VALUES (1), (2), (3)");
    mg_prepare(db, select_from, &st);
    sqlite3_bind_int(st, 1, 2);
    is_int(sqlite3_step(st), SQLITE_ROW, "step the first row");
    is_int(sqlite3_column_int(st, 0), 2, "the bound parameter applies");
    is_int(mg_prepare(db, select_from, &again), MG_OK, "prepare it again mid-iteration");
    ok(again == st, "it is the same statement");
    is_int(sqlite3_stmt_busy(again), 0, "it comes back reset");
    sqlite3_bind_int(again, 1, 3);
    is_int(sqlite3_step(again), SQLITE_ROW, "and runs from the start with a new binding");
    is_int(sqlite3_column_int(again, 0), 3, "which applies");

    mg_reset(st);
    sqlite3_bind_int(st, 1, 1);
    sqlite3_step(st);
    mg_reset(st);
    is_int(sqlite3_stmt_busy(st), 0, "mg_reset resets");
    is_int(sqlite3_step(st), SQLITE_ROW, "a reset statement runs again from its first row");
    is_int(sqlite3_column_int(st, 0), 1, "with the binding it had");
    mg_reset(st);
    mg_close(db);
}

static void test_prepare_errors(void)
{
    static char fixable[16] = "SELEC 1";
    static const char empty[] = "  -- nothing";
    mg_db *db = open_memory();
    sqlite3_stmt *st = (sqlite3_stmt *)&st;

    is_int(mg_prepare(db, fixable, &st), MG_ERROR, "mg_prepare of bad SQL is MG_ERROR");
    ok(st == NULL, "and gives no statement");
    ok(contains(mg_errmsg(db), "syntax error"), "mg_errmsg: %s", mg_errmsg(db));
    strcpy(fixable, "SELECT 1");
    is_int(mg_prepare(db, fixable, &st), MG_OK, "a failed prepare is not cached");
    is_int(mg_prepare(db, empty, &st), MG_MISUSE, "SQL without a statement is misuse");
    ok(contains(mg_errmsg(db), "no SQL statement"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(mg_prepare(db, "SELECT * FROM missing", &st), MG_ERROR, "a missing table is MG_ERROR");
    ok(contains(mg_errmsg(db), "no such table"), "mg_errmsg: %s", mg_errmsg(db));
    is_int(mg_prepare(db, NULL, &st), MG_MISUSE, "mg_prepare(NULL sql) is misuse");
    is_int(mg_prepare(db, fixable, NULL), MG_MISUSE, "mg_prepare(NULL out) is misuse");
    mg_close(db);
}

static void test_step_done(void)
{
    static const char insert[] = "INSERT INTO u(name) VALUES (?1)";
    mg_db *db = open_memory();
    sqlite3_stmt *st;

    mg_exec(db, "CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    mg_prepare(db, insert, &st);
    is_int(mg_bind_text(st, 1, "ann"), SQLITE_OK, "mg_bind_text");
    is_int(mg_step_done(db, st), MG_OK, "mg_step_done inserts");
    is_int(query_int(db, "SELECT count(*) FROM u WHERE name = 'ann'"), 1, "the row is there");
    is_int(sqlite3_stmt_busy(st), 0, "the statement is reset");
    sqlite3_bind_null(st, 1);
    is_int(mg_step_done(db, st), MG_CONSTRAINT, "NULL violates NOT NULL");
    ok(contains(mg_errmsg(db), "NOT NULL constraint failed: u.name"), "mg_errmsg: %s", mg_errmsg(db));
    mg_bind_text(st, 1, "ann");
    is_int(mg_step_done(db, st), MG_CONSTRAINT, "a duplicate violates UNIQUE");
    ok(contains(mg_errmsg(db), "UNIQUE constraint failed: u.name"), "mg_errmsg: %s", mg_errmsg(db));
    mg_bind_text(st, 1, "bob");
    is_int(mg_step_done(db, st), MG_OK, "the statement is usable after a failure");
    is_str(mg_errmsg(db), "not an error", "and success clears the message");
    is_int(mg_bind_text(st, 2, "x"), SQLITE_RANGE, "binding past the last parameter is SQLITE_RANGE");
    is_int(mg_status(db, SQLITE_RANGE), MG_MISUSE, "which maps to MG_MISUSE");
    ok(contains(mg_errmsg(db), "out of range"), "mg_errmsg: %s", mg_errmsg(db));
    mg_reset(st);
    mg_close(db);
}

/* Binds one value to "SELECT typeof(?1), length(?1), hex(?1)" and describes it. */
static void describe_bound(mg_db *db, int is_blob, const char *s, mg_blob b, char *out, size_t size)
{
    static const char sql[] = "SELECT typeof(?1), length(CAST(?1 AS BLOB)), hex(?1)";
    sqlite3_stmt *st;
    snprintf(out, size, "(failed)");
    if (mg_prepare(db, sql, &st) != MG_OK)
        return;
    if ((is_blob ? mg_bind_blob(st, 1, b) : mg_bind_text(st, 1, s)) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, size, "%s %d %s", (const char *)sqlite3_column_text(st, 0),
                 sqlite3_column_int(st, 1), (const char *)sqlite3_column_text(st, 2));
    mg_reset(st);
}

static void test_bind(void)
{
    static unsigned char bytes[] = { 0x00, 0x41, 0x00, 0xff };
    mg_db *db = open_memory();
    mg_blob none = { NULL, 0 }, empty = { bytes, 0 }, four = { bytes, 4 }, odd = { NULL, 7 };
    char got[128];

    describe_bound(db, 0, NULL, none, got, sizeof got);
    is_str(got, "null 0 ", "mg_bind_text(NULL) binds NULL");
    describe_bound(db, 0, "", none, got, sizeof got);
    is_str(got, "text 0 ", "mg_bind_text(\"\") binds an empty string");
    describe_bound(db, 0, "h\xc3\xa9", none, got, sizeof got);
    is_str(got, "text 3 68C3A9", "mg_bind_text binds UTF-8 bytes");
    describe_bound(db, 1, NULL, none, got, sizeof got);
    is_str(got, "null 0 ", "mg_bind_blob with NULL data binds NULL");
    describe_bound(db, 1, NULL, odd, got, sizeof got);
    is_str(got, "null 0 ", "NULL data binds NULL whatever the size");
    describe_bound(db, 1, NULL, empty, got, sizeof got);
    is_str(got, "blob 0 ", "size 0 with data binds an empty blob");
    describe_bound(db, 1, NULL, four, got, sizeof got);
    is_str(got, "blob 4 004100FF", "mg_bind_blob keeps embedded NUL bytes");
    mg_close(db);
}

/* The size the block must have: every copied text with its NUL, every blob. */
static size_t block_size;

static int within(const void *p, size_t size, const void *block)
{
    const char *c = p, *base = block;
    return c >= base && c + size <= base + block_size;
}

static void test_copy_columns(void)
{
    static const char select_row[] = "SELECT a, b, c, d, e, f, g, h, a, g FROM t WHERE id = ?1";
    static const unsigned char e_bytes[] = { 0x00, 0x01, 0x00, 0x00, 0xff };
    static const char d_text[] = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac";
    static char sentinel[] = "sentinel";
    char *a = sentinel, *b = sentinel, *c = sentinel, *d = sentinel, *h = sentinel, *gt = sentinel;
    mg_blob e = { sentinel, 99 }, f = { sentinel, 99 }, g = { sentinel, 99 }, ab = { sentinel, 99 };
    const struct mg_colref refs[] = {
        { 0, MG_COL_TEXT, &a }, { 1, MG_COL_TEXT, &b }, { 2, MG_COL_TEXT, &c },
        { 3, MG_COL_TEXT, &d }, { 4, MG_COL_BLOB, &e }, { 5, MG_COL_BLOB, &f },
        { 6, MG_COL_BLOB, &g }, { 7, MG_COL_TEXT, &h }, { 8, MG_COL_BLOB, &ab },
        { 9, MG_COL_TEXT, &gt },
    };
    mg_db *db = open_memory();
    sqlite3_stmt *st;
    void *block = NULL;
    char insert[256];

    mg_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, d TEXT,"
                " e BLOB, f BLOB, g BLOB, h INTEGER)");
    snprintf(insert, sizeof insert,
             "INSERT INTO t VALUES (1, 'hello', NULL, '', '%s', X'00010000FF', NULL, X'', 42)", d_text);
    is_int(mg_exec(db, insert), MG_OK, "insert a row of texts, blobs and NULLs");
    mg_exec(db, "INSERT INTO t(id) VALUES (2)");
    mg_exec(db, "INSERT INTO t(id, g) VALUES (3, X'')");

    mg_prepare(db, select_row, &st);
    sqlite3_bind_int(st, 1, 1);
    is_int(sqlite3_step(st), SQLITE_ROW, "select the row");
    is_int(mg_copy_columns(st, refs, 10, &block), MG_OK, "mg_copy_columns");
    /* a, c, d, h and gt as text with their NULs; e, ab as blobs; g is an empty blob */
    block_size = 6 + 1 + sizeof d_text + 3 + 1 + 5 + 5 + 0;
    ok(block != NULL, "allocates a block");
    mg_reset(st); /* the copies must not depend on the statement any more */
    is_str(a, "hello", "text column");
    ok(b == NULL, "NULL text column is NULL");
    is_str(c, "", "empty text column is an empty string");
    ok(c != NULL && c != sentinel, "and not NULL");
    is_str(d, d_text, "non-ASCII text column");
    is_int(e.size, 5, "blob size");
    ok(e.data != NULL && memcmp(e.data, e_bytes, 5) == 0, "blob bytes with embedded NULs");
    ok(f.data == NULL && f.size == 0, "NULL blob column is { NULL, 0 }");
    ok(g.data != NULL && g.data != sentinel && g.size == 0, "empty blob has non-NULL data and size 0");
    is_str(h, "42", "an integer read as text");
    ok(ab.size == 5 && memcmp(ab.data, "hello", 5) == 0, "a text read as a blob");
    is_str(gt, "", "an empty blob read as text is an empty string");
    ok(within(a, 6, block) && within(c, 1, block) && within(d, sizeof d_text, block)
       && within(e.data, 5, block) && within(g.data, 0, block) && within(h, 3, block)
       && within(ab.data, 5, block) && within(gt, 1, block),
       "every copy lies inside the one block");
    ok(a != c && c != d && d != h && h != gt, "texts do not overlap");
    mg_free_block(block);

    block = NULL;
    a = d = sentinel;
    e.data = sentinel;
    sqlite3_bind_int(st, 1, 2);
    sqlite3_step(st);
    is_int(mg_copy_columns(st, refs, 10, &block), MG_OK, "mg_copy_columns on an all-NULL row");
    ok(a == NULL && d == NULL && e.data == NULL && e.size == 0, "writes NULL to every destination");
    mg_free_block(block);
    mg_reset(st);

    block = NULL;
    sqlite3_bind_int(st, 1, 3);
    sqlite3_step(st);
    is_int(mg_copy_columns(st, &refs[6], 1, &block), MG_OK, "a row whose only value is an empty blob");
    ok(block != NULL && g.data != NULL && g.size == 0, "still gets non-NULL data");
    mg_free_block(block);
    mg_reset(st);

    {
        const struct mg_colref bad_kind = { 0, 3, &a }, bad_col = { 10, MG_COL_TEXT, &a };
        void *busy = sentinel;
        block = NULL;
        a = c = sentinel;
        sqlite3_bind_int(st, 1, 1);
        sqlite3_step(st);
        is_int(mg_copy_columns(st, &bad_kind, 1, &block), MG_MISUSE, "an unknown kind is misuse");
        is_int(mg_copy_columns(st, &bad_col, 1, &block), MG_MISUSE, "a column past the row is misuse");
        is_int(mg_copy_columns(st, refs, 1, &busy), MG_MISUSE, "a non-NULL *block is misuse");
        ok(a == sentinel && block == NULL && busy == sentinel, "misuse writes nothing");

        fail_countdown = 1;
        is_int(mg_copy_columns(st, refs, 4, &block), MG_NOMEM, "an allocation failure is MG_NOMEM");
        fail_countdown = 0;
        ok(block == NULL && a == sentinel && c == sentinel, "and writes nothing");
        mg_reset(st);

        /* The first read of h as text converts it, which may allocate too. */
        h = sentinel;
        sqlite3_bind_int(st, 1, 1);
        is_int(sqlite3_step(st), SQLITE_ROW, "step the row again");
        fail_countdown = 1;
        is_int(mg_copy_columns(st, &refs[7], 1, &block), MG_NOMEM, "failing while converting a number");
        fail_countdown = 0;
        ok(block == NULL && h == sentinel, "writes nothing");
        /* sqlite sets a value it failed to convert to NULL: the row must be read again. */
        mg_reset(st);
        sqlite3_bind_int(st, 1, 1);
        sqlite3_step(st);
        is_int(mg_copy_columns(st, &refs[7], 1, &block), MG_OK, "the row copies once memory is back");
        is_str(h, "42", "with the right value");
        mg_free_block(block);
        block = NULL;
        mg_reset(st);

        /* Reading a blob as text NUL-terminates it, which may allocate. */
        {
            const struct mg_colref blob_as_text = { 4, MG_COL_TEXT, &a };
            a = sentinel;
            sqlite3_bind_int(st, 1, 1);
            sqlite3_step(st);
            fail_countdown = 1;
            is_int(mg_copy_columns(st, &blob_as_text, 1, &block), MG_NOMEM,
                   "failing while reading a blob as text");
            fail_countdown = 0;
            ok(block == NULL && a == sentinel, "writes nothing");
            mg_reset(st);
        }
    }
    mg_close(db);
}

static void test_file_and_busy(void)
{
    char dir[] = "/tmp/modelgen-rt.XXXXXX", path[64], journal[80];
    static const char select_all[] = "SELECT v FROM kv";
    mg_db *a = NULL, *b = NULL;
    sqlite3_stmt *st;

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return;
    }
    snprintf(path, sizeof path, "%s/test.db", dir);
    snprintf(journal, sizeof journal, "%s-journal", path);

    is_int(mg_open(path, &a), MG_OK, "mg_open a file");
    mg_exec(a, "CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT)");
    mg_exec(a, "INSERT INTO kv(v) VALUES ('kept')");
    mg_close(a);
    is_int(mg_open(path, &a), MG_OK, "reopen it");
    is_int(query_int(a, "SELECT count(*) FROM kv"), 1, "the data persisted");
    is_int(mg_open(path, &b), MG_OK, "a second connection to the same file");
    sqlite3_busy_timeout(mg_sqlite(b), 0);

    mg_begin(a);
    is_int(mg_exec(a, "INSERT INTO kv(v) VALUES ('a')"), MG_OK, "the first connection writes");
    is_int(mg_exec(b, "INSERT INTO kv(v) VALUES ('b')"), MG_BUSY, "a second writer gets MG_BUSY");
    ok(contains(mg_errmsg(b), "locked"), "mg_errmsg: %s", mg_errmsg(b));
    is_int(mg_begin(b), MG_OK, "a deferred BEGIN takes no lock");
    is_int(mg_exec(b, "INSERT INTO kv(v) VALUES ('b')"), MG_BUSY, "but its write is MG_BUSY");
    mg_rollback(b);
    is_int(mg_commit(a), MG_OK, "the first connection commits");

    /* A reader holds its lock, so the writer's COMMIT cannot finish. */
    mg_begin(a);
    mg_prepare(a, select_all, &st);
    is_int(sqlite3_step(st), SQLITE_ROW, "the first connection reads, inside a transaction");
    is_int(mg_begin(b), MG_OK, "the second begins");
    is_int(mg_exec(b, "INSERT INTO kv(v) VALUES ('b')"), MG_OK, "and writes");
    is_int(mg_commit(b), MG_BUSY, "its commit is MG_BUSY");
    is_int(sqlite3_get_autocommit(mg_sqlite(b)), 1, "and leaves no transaction open");
    mg_reset(st);
    is_int(mg_commit(a), MG_OK, "the reader finishes");
    is_int(query_int(a, "SELECT count(*) FROM kv WHERE v = 'b'"), 0, "the failed commit's row is gone");
    is_int(mg_exec(b, "INSERT INTO kv(v) VALUES ('b')"), MG_OK, "the second connection can write now");
    is_int(query_int(a, "SELECT count(*) FROM kv"), 3, "and the first sees it");

    mg_close(b);
    mg_close(a);
    unlink(journal);
    ok(unlink(path) == 0 && rmdir(dir) == 0, "remove the temporary database");
}

/* One pass over everything that allocates; returns the first failure. */
static int fault_scenario(int *left_transaction)
{
    static const char insert[] = "INSERT INTO t(s, b) VALUES (?1, ?2)";
    static const char select_all[] = "SELECT s, b FROM t";
    static const char *const more[] = {
        "SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4", "SELECT 5",
        "SELECT 6", "SELECT 7", "SELECT 8", "SELECT 9", "SELECT 10",
    };
    char *s = NULL;
    mg_blob b = { NULL, 0 };
    const struct mg_colref refs[] = { { 0, MG_COL_TEXT, &s }, { 1, MG_COL_BLOB, &b } };
    void *block = NULL;
    sqlite3_stmt *st;
    mg_db *db;
    size_t i;
    int status = mg_open(":memory:", &db);

    if (status != MG_OK)
        return status;
    status = mg_exec(db, "CREATE TABLE t(s TEXT, b BLOB)");
    for (i = 0; status == MG_OK && i < sizeof more / sizeof more[0]; i++)
        status = mg_prepare(db, more[i], &st);
    if (status == MG_OK)
        status = mg_begin(db);
    if (status == MG_OK && (status = mg_prepare(db, insert, &st)) == MG_OK) {
        mg_bind_text(st, 1, "text");
        mg_bind_blob(st, 2, (mg_blob){ "\0\1", 2 });
        status = mg_step_done(db, st);
    }
    if (status == MG_OK)
        status = mg_commit(db);
    else
        mg_rollback(db);
    if (!sqlite3_get_autocommit(mg_sqlite(db)))
        (*left_transaction)++;
    if (status == MG_OK && (status = mg_prepare(db, select_all, &st)) == MG_OK) {
        status = mg_status(db, sqlite3_step(st));
        if (status == MG_OK)
            status = mg_copy_columns(st, refs, 2, &block);
        if (status == MG_OK && (strcmp(s, "text") != 0 || b.size != 2))
            status = MG_ERROR;
        mg_reset(st);
    }
    mg_free_block(block);
    mg_close(db);
    return status;
}

static void test_fault_injection(void)
{
    int k, injected = 0, not_nomem = 0, leaks = 0, left_transaction = 0, last = -1;

    for (k = 1; k < 100000; k++) {
        int before = faults, status;
        sqlite3_int64 used = sqlite3_memory_used();
        fail_countdown = k;
        status = fault_scenario(&left_transaction);
        fail_countdown = 0;
        leaks += sqlite3_memory_used() != used;
        if (faults == before) {
            last = status;
            break;
        }
        injected++;
        if (status != MG_OK && status != MG_NOMEM) {
            not_nomem++;
            printf("# allocation %d: %s\n", k, mg_status_name(status));
        }
    }
    ok(injected > 50, "failed each of the %d allocations in turn", injected);
    is_int(last, MG_OK, "the scenario passes once no allocation fails");
    is_int(not_nomem, 0, "every failed allocation gave MG_NOMEM (or was absorbed)");
    is_int(leaks, 0, "no failure leaked memory");
    is_int(left_transaction, 0, "no failure left a transaction open");
}

int main(void)
{
    if (!install_fault_allocator()) {
        printf("Bail out! cannot install the fault-injecting allocator\n");
        return 1;
    }
    test_status_names();
    test_null_handles();
    test_open();
    test_status_mapping();
    test_errmsg();
    test_fk_immediate();
    test_fk_deferred();
    test_transactions();
    test_prepare_identity();
    test_prepare_many();
    test_prepare_reset();
    test_prepare_errors();
    test_step_done();
    test_bind();
    test_copy_columns();
    test_file_and_busy();
    test_fault_injection();
    return done_testing();
}
