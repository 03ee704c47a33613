/* Tests for the runtime's row functions (mg_get_row ... mg_all_with) against a real
   in-memory sqlite3, with two hand-written model descriptions shaped like the ones
   modelgen emits: books (the owner of a join) and authors (its target). The library's
   allocator is wrapped so that every check can count what is still allocated and make
   a chosen allocation fail; sqlite3's allocator is wrapped the same way, as in
   test_runtime.c. */
#include "modelgen.h"
#include "tap.h"
#include "helpers.h"

#include <stdlib.h>

/* ---- Allocators: counting, and failing on demand ---- */

static sqlite3_mem_methods real_mem;
static int fail_countdown; /* the nth allocation from now fails (library and sqlite3); 0: off */
static int fail_mg_countdown; /* the nth library allocation from now fails; 0: off */
static size_t fail_size;   /* a library allocation of exactly this size fails; 0: off */
static int faults;         /* failures injected so far */
static long live;          /* blocks the library holds from its allocator */
static long mg_calls;      /* calls to the library's allocator */

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

static void *counting_realloc(void *p, size_t n)
{
    void *q;

    mg_calls++;
    if ((fail_size != 0 && n == fail_size)
        || (fail_mg_countdown > 0 && --fail_mg_countdown == 0)) {
        faults++;
        return NULL;
    }
    if (inject())
        return NULL;
    q = realloc(p, n);
    if (q != NULL && p == NULL)
        live++;
    return q;
}

static void counting_free(void *p)
{
    if (p != NULL)
        live--;
    free(p);
}

static int install_allocators(void)
{
    mg_set_allocator(counting_realloc, counting_free);
    return wrap_sqlite_allocator(&real_mem, fault_malloc, fault_realloc);
}

/* ---- The models, written the way modelgen writes them ---- */

struct book {
    int64_t id;
    char *title;     /* text, not NULL, unique */
    bool has_pages;  /* false: pages is NULL */
    int64_t pages;   /* int? */
    void *mg_owned;
};

/* mg_owned is not last here, so that the runtime must use the model's offset. */
struct author {
    int64_t id;
    void *mg_owned;
    char *name;
    int64_t born;
};

static int64_t fail_book_id = -1;   /* book_read fails on this id */
static int64_t fail_author_id = -1; /* author_read fails on this id */
static int fail_bind;               /* book_bind fails */
static int book_reads, author_reads;

/* Like the generated X_free: releases the block, NULLs the strings. */
static void book_free(struct book *b)
{
    mg_free_block(b->mg_owned);
    b->mg_owned = NULL;
    b->title = NULL;
}

static void author_free(struct author *a)
{
    mg_free_block(a->mg_owned);
    a->mg_owned = NULL;
    a->name = NULL;
}

static int book_read(mg_db *db, sqlite3_stmt *st, int col, void *row)
{
    struct book *out = row;
    const struct mg_colref copies[] = { { col + 1, MG_COL_TEXT, &out->title } };
    int status;

    book_reads++;
    memset(out, 0, sizeof *out);
    status = mg_copy_columns(st, copies, (int)(sizeof copies / sizeof copies[0]), &out->mg_owned);
    if (status != MG_OK)
        return mg_fail(db, status, "cannot copy the strings of a books row");
    out->id = sqlite3_column_int64(st, col);
    out->has_pages = sqlite3_column_type(st, col + 2) != SQLITE_NULL;
    out->pages = sqlite3_column_int64(st, col + 2);
    if (out->id == fail_book_id) {
        /* mg_model.read: *row left empty on failure (zeroed, as release_row leaves it) */
        book_free(out);
        memset(out, 0, sizeof *out);
        return mg_fail(db, MG_ERROR, "refusing books row %lld", (long long)fail_book_id);
    }
    return MG_OK;
}

static int book_bind(mg_db *db, sqlite3_stmt *st, const void *data)
{
    const struct book *row = data;
    int rc;

    if (fail_bind)
        return mg_fail(db, MG_MISUSE, "books: refusing to bind");
    rc = row->id != 0 ? sqlite3_bind_int64(st, 1, row->id) : sqlite3_bind_null(st, 1);
    if (rc == SQLITE_OK)
        rc = mg_bind_text(st, 2, row->title);
    if (rc == SQLITE_OK)
        rc = row->has_pages ? sqlite3_bind_int64(st, 3, row->pages) : sqlite3_bind_null(st, 3);
    return mg_status(db, rc);
}

static int author_read(mg_db *db, sqlite3_stmt *st, int col, void *row)
{
    struct author *out = row;
    const struct mg_colref copies[] = { { col + 1, MG_COL_TEXT, &out->name } };
    int status;

    author_reads++;
    memset(out, 0, sizeof *out);
    status = mg_copy_columns(st, copies, (int)(sizeof copies / sizeof copies[0]), &out->mg_owned);
    if (status != MG_OK)
        return mg_fail(db, status, "cannot copy the strings of an authors row");
    out->id = sqlite3_column_int64(st, col);
    out->born = sqlite3_column_int64(st, col + 2);
    if (out->id == fail_author_id) {
        author_free(out);
        memset(out, 0, sizeof *out);
        return mg_fail(db, MG_ERROR, "refusing authors row %lld", (long long)fail_author_id);
    }
    return MG_OK;
}

static int author_bind(mg_db *db, sqlite3_stmt *st, const void *data)
{
    const struct author *row = data;
    int rc = row->id != 0 ? sqlite3_bind_int64(st, 1, row->id) : sqlite3_bind_null(st, 1);

    if (rc == SQLITE_OK)
        rc = mg_bind_text(st, 2, row->name);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 3, row->born);
    return mg_status(db, rc);
}

static const mg_model book_model = {
    "books", sizeof(struct book), offsetof(struct book, mg_owned), 3, book_read, book_bind
};
static const mg_model author_model = {
    "authors", sizeof(struct author), offsetof(struct author, mg_owned), 3, author_read,
    author_bind
};

/* ---- SQL (the runtime caches statements by address: each is one array) ---- */

static const char book_by_id[] = "SELECT id, title, pages FROM books WHERE id = ?1";
static const char book_by_title[] = "SELECT id, title, pages FROM books WHERE title = ?1";
static const char books_by_pages_is[] =
    "SELECT id, title, pages FROM books WHERE pages IS ?1 ORDER BY id";
static const char books_heavier[] =
    "SELECT id, title, pages FROM books WHERE pages > ?1 ORDER BY id";
static const char book_bad[] = "SELECT id, title, nope FROM books WHERE id = ?1";
static const char book_first[] = "SELECT id, title, pages FROM books ORDER BY id LIMIT 1";
/* abs() of the smallest integer is a runtime error: a step that fails */
static const char book_overflow[] = "SELECT id, title, pages FROM books WHERE id = abs(?1)";
static const char books_all_desc[] = "SELECT id, title, pages FROM books ORDER BY id DESC";
static const char books_none[] = "SELECT id, title, pages FROM books WHERE id < 0";
static const char books_of_author[] =
    "SELECT id, title, pages FROM books WHERE author_id = ?1 ORDER BY id";
static const char books_fail_at_5[] =
    "SELECT id, title, pages FROM books"
    " WHERE abs(CASE WHEN id = 5 THEN -9223372036854775807 - 1 ELSE id END) > 0 ORDER BY id";

static const char count_books[] = "SELECT count(*) FROM books";
static const char count_heavier[] = "SELECT count(*) FROM books WHERE pages > ?1";
static const char count_bad[] = "SELECT count(*) FROM nowhere";
static const char count_no_row[] = "SELECT 1 WHERE 0";
static const char count_overflow[] = "SELECT abs(?1)";
static const char key_type[] =
    "SELECT CASE typeof(?1) WHEN 'integer' THEN 1 WHEN 'real' THEN 2"
    " WHEN 'text' THEN 3 WHEN 'null' THEN 4 ELSE 0 END";
static const char key_plus_one[] = "SELECT ?1 + 1";
static const char key_is_real[] = "SELECT ?1 = 2.5";
static const char key_is_dune[] = "SELECT ?1 = 'Dune'";

static const char book_insert[] = "INSERT INTO books(id, title, pages) VALUES (?1, ?2, ?3)";
static const char book_update[] = "UPDATE books SET title = ?2, pages = ?3 WHERE id = ?1";
static const char book_update_bad[] = "UPDATE books SET nope = ?2 WHERE id = ?1";
static const char book_delete[] = "DELETE FROM books WHERE id = ?1";
static const char author_delete[] = "DELETE FROM authors WHERE id = ?1";
static const char book_set_author[] = "UPDATE books SET author_id = ?1 WHERE id = ?2";
static const char move_books[] = "UPDATE books SET author_id = ?1 WHERE author_id = ?2";
static const char move_bad[] = "UPDATE nowhere SET x = ?1 WHERE y = ?2";
static const char one_param[] = "UPDATE books SET author_id = ?1 WHERE 0";

static const char book_with_author[] =
    "SELECT b.id, b.title, b.pages, a.id, a.name, a.born"
    " FROM books AS b LEFT JOIN authors AS a ON a.id = b.author_id WHERE b.id = ?1";
static const char book_with_author_overflow[] =
    "SELECT b.id, b.title, b.pages, a.id, a.name, a.born"
    " FROM books AS b LEFT JOIN authors AS a ON a.id = b.author_id WHERE b.id = abs(?1)";
static const char book_with_author_bad[] =
    "SELECT b.id, b.title, b.pages, a.id, a.name, a.nope"
    " FROM books AS b LEFT JOIN authors AS a ON a.id = b.author_id WHERE b.id = ?1";
static const char books_with_authors[] =
    "SELECT b.id, b.title, b.pages, a.id, a.name, a.born"
    " FROM books AS b LEFT JOIN authors AS a ON a.id = b.author_id ORDER BY b.id";
static const char books_with_authors_none[] =
    "SELECT b.id, b.title, b.pages, a.id, a.name, a.born"
    " FROM books AS b LEFT JOIN authors AS a ON a.id = b.author_id WHERE b.id < 0";
static const char books_with_authors_fail_at_12[] =
    "SELECT b.id, b.title, b.pages, a.id, a.name, a.born"
    " FROM books AS b LEFT JOIN authors AS a ON a.id = b.author_id"
    " WHERE abs(CASE WHEN b.id = 12 THEN -9223372036854775807 - 1 ELSE b.id END) > 0"
    " ORDER BY b.id";
static const char books_with_authors_bad[] =
    "SELECT b.id, b.title, b.pages, a.id, a.name, a.nope"
    " FROM books AS b LEFT JOIN authors AS a ON a.id = b.author_id ORDER BY b.id";

/* ---- Data: 20 books, 4 authors ---- */

enum { NBOOKS = 20 };
static const char *const author_names[] = { "Le Guin", "Herbert", "Butler", "Delany" };

/* Book i: no author when i % 4 == 0, author 4 for book 17 only, else author i % 3 + 1. */
static int64_t author_of(int64_t book)
{
    if (book == 17)
        return 4;
    return book % 4 == 0 ? 0 : book % 3 + 1;
}

/* Book i has pages i * 10, except every third book, whose pages are NULL. */
static bool has_pages_of(int64_t book) { return book % 3 != 0; }

/* ---- Helpers that bypass the runtime, so they can check it ---- */

static int is_zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    size_t i;
    for (i = 0; i < n; i++)
        if (c[i] != 0)
            return 0;
    return 1;
}

static mg_db *open_memory(void)
{
    mg_db *db = NULL;
    if (mg_open(":memory:", &db) != MG_OK) {
        printf("Bail out! cannot open :memory:\n");
        exit(1);
    }
    return db;
}

/* A connection holding the schema and the 20 books by 4 authors. */
static mg_db *open_library(void)
{
    mg_db *db = open_memory();
    char sql[256];
    int64_t i;
    int status = mg_exec(db,
        "CREATE TABLE authors(id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER NOT NULL);"
        "CREATE TABLE books(id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE, pages INTEGER,"
        "  author_id INTEGER REFERENCES authors(id));"
        "INSERT INTO authors VALUES (1, 'Le Guin', 1929), (2, 'Herbert', 1920),"
        "  (3, 'Butler', 1947), (4, 'Delany', 1942);");

    for (i = 1; status == MG_OK && i <= NBOOKS; i++) {
        char pages[24] = "NULL", author[24] = "NULL";
        if (has_pages_of(i))
            snprintf(pages, sizeof pages, "%lld", (long long)(i * 10));
        if (author_of(i) != 0)
            snprintf(author, sizeof author, "%lld", (long long)author_of(i));
        snprintf(sql, sizeof sql, "INSERT INTO books VALUES (%lld, 'book %02lld', %s, %s)",
                 (long long)i, (long long)i, pages, author);
        status = mg_exec(db, sql);
    }
    if (status != MG_OK) {
        printf("Bail out! cannot fill the library: %s\n", mg_errmsg(db));
        exit(1);
    }
    return db;
}

static void free_books(mg_rows *rows)
{
    size_t i;
    for (i = 0; i < rows->count; i++)
        book_free((struct book *)rows->items + i);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

static void free_authors(mg_rows *rows)
{
    size_t i;
    for (i = 0; i < rows->count; i++)
        author_free((struct author *)rows->items + i);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

static char sentinel_items[1];

/* An mg_rows that a function must overwrite. */
static mg_rows dirty_rows(void)
{
    mg_rows r = { sentinel_items, 99 };
    return r;
}

/* Checks that the library holds nothing more than before. */
static void no_leak(long before, const char *what)
{
    ok(live == before, "%s: nothing left allocated (%ld blocks)", what, live - before);
}

/* ---- mg_get_row and mg_get_by_id ---- */

static void test_get_row(void)
{
    mg_db *db = open_library();
    long before = live;
    struct book b;
    struct author a;

    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_row(db, &book_model, book_by_id, mg_key_int(7), &b), MG_OK, "get_row: found");
    is_int(b.id, 7, "get_row: the id");
    is_str(b.title, "book 07", "get_row: the text column");
    ok(b.has_pages && b.pages == 70, "get_row: the nullable int, set (%lld)", (long long)b.pages);
    ok(b.mg_owned != NULL && b.title != NULL
       && (void *)b.title == b.mg_owned, "get_row: the text lives in the row's block");
    is_int(live - before, 1, "get_row: one block per row");
    book_free(&b);

    is_int(mg_get_row(db, &book_model, book_by_id, mg_key_int(9), &b), MG_OK,
           "get_row: a row whose pages are NULL");
    ok(!b.has_pages && b.pages == 0, "get_row: has_pages is false");
    book_free(&b);

    mg_fail(db, MG_ERROR, "an earlier message");
    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_row(db, &book_model, book_by_id, mg_key_int(404), &b), MG_NOTFOUND,
           "get_row: not found");
    ok(is_zero(&b, sizeof b), "get_row: not found zeroes *out");
    is_str(mg_errmsg(db), "an earlier message", "get_row: not found records no message");

    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_row(db, &book_model, book_bad, mg_key_int(1), &b), MG_ERROR,
           "get_row: bad SQL is MG_ERROR");
    ok(contains(mg_errmsg(db), "no such column: nope"), "get_row: mg_errmsg: %s", mg_errmsg(db));
    ok(is_zero(&b, sizeof b), "get_row: a failed prepare zeroes *out");

    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_row(db, &book_model, book_overflow, mg_key_int(INT64_MIN), &b), MG_ERROR,
           "get_row: a failing step is MG_ERROR");
    ok(contains(mg_errmsg(db), "integer overflow"), "get_row: mg_errmsg: %s", mg_errmsg(db));
    ok(is_zero(&b, sizeof b), "get_row: a failing step zeroes *out");
    is_int(mg_get_row(db, &book_model, book_overflow, mg_key_int(3), &b), MG_OK,
           "get_row: the statement works again afterwards");
    is_int(b.id, 3, "get_row: with the right row");
    book_free(&b);

    /* a key for SQL without a parameter: binding ?1 fails */
    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_row(db, &book_model, book_first, mg_key_int(1), &b), MG_MISUSE,
           "get_row: a key the SQL has no parameter for is MG_MISUSE");
    ok(contains(mg_errmsg(db), "out of range"), "get_row: mg_errmsg: %s", mg_errmsg(db));
    ok(is_zero(&b, sizeof b), "get_row: a failed bind zeroes *out");
    is_int(mg_get_row(db, &book_model, book_first, mg_key_none(), &b), MG_OK,
           "get_row: the same SQL with no key");
    is_int(b.id, 1, "get_row: gives the first row");
    book_free(&b);

    fail_book_id = 8;
    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_row(db, &book_model, book_by_id, mg_key_int(8), &b), MG_ERROR,
           "get_row: read's failure is returned");
    is_str(mg_errmsg(db), "refusing books row 8", "get_row: with read's message");
    ok(is_zero(&b, sizeof b), "get_row: a failed read leaves *out empty");
    fail_book_id = -1;

    fail_mg_countdown = 1;
    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_row(db, &book_model, book_by_id, mg_key_int(8), &b), MG_NOMEM,
           "get_row: the row's block cannot be allocated: MG_NOMEM");
    fail_mg_countdown = 0;
    is_str(mg_errmsg(db), "cannot copy the strings of a books row", "get_row: read's message");
    ok(is_zero(&b, sizeof b), "get_row: and *out is empty");
    no_leak(before, "get_row");

    /* mg_get_by_id */
    is_int(mg_get_by_id(db, &book_model, book_by_id, 12, &b), MG_OK, "get_by_id: found");
    ok(b.id == 12 && b.title != NULL && strcmp(b.title, "book 12") == 0,
       "get_by_id: the row with that id");
    book_free(&b);
    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_by_id(db, &book_model, book_by_id, 42, &b), MG_NOTFOUND,
           "get_by_id: not found");
    is_str(mg_errmsg(db), "no books row with id 42", "get_by_id: says which table and id");
    ok(is_zero(&b, sizeof b), "get_by_id: not found zeroes *out");
    is_int(mg_get_by_id(db, &author_model, book_by_id, -7, &a), MG_NOTFOUND,
           "get_by_id: a negative id");
    is_str(mg_errmsg(db), "no authors row with id -7", "get_by_id: names the model's table");
    is_int(mg_get_by_id(db, &book_model, book_bad, 1, &b), MG_ERROR,
           "get_by_id: other failures pass through");
    ok(contains(mg_errmsg(db), "no such column"), "get_by_id: with sqlite's message: %s",
       mg_errmsg(db));
    no_leak(before, "get_by_id");
    mg_close(db);
}

/* ---- Keys ---- */

static void test_keys(void)
{
    mg_db *db = open_library();
    long before = live;
    int64_t n = -1;
    struct book b;
    mg_rows rows;

    /* what ?1 becomes; the same statement each time, so stale bindings would show */
    mg_get_count(db, key_type, mg_key_int(5), &n);
    is_int(n, 1, "key int binds an integer");
    mg_get_count(db, key_type, mg_key_real(2.5), &n);
    is_int(n, 2, "key real binds a real");
    mg_get_count(db, key_type, mg_key_text("Dune"), &n);
    is_int(n, 3, "key text binds text");
    mg_get_count(db, key_type, mg_key_text(NULL), &n);
    is_int(n, 4, "key text NULL binds SQL NULL");
    mg_get_count(db, key_type, mg_key_int(5), &n);
    is_int(n, 1, "key int again, after NULL");

    is_int(mg_get_count(db, key_plus_one, mg_key_int(INT64_C(1) << 40), &n), MG_OK,
           "key int: a 64-bit value");
    is_int(n, (INT64_C(1) << 40) + 1, "key int: is not truncated");
    mg_get_count(db, key_is_real, mg_key_real(2.5), &n);
    is_int(n, 1, "key real: the value");
    mg_get_count(db, key_is_real, mg_key_real(2.0), &n);
    is_int(n, 0, "key real: another value");
    mg_get_count(db, key_is_dune, mg_key_text("Dune"), &n);
    is_int(n, 1, "key text: the value");
    mg_get_count(db, key_is_dune, mg_key_text("Dun"), &n);
    is_int(n, 0, "key text: another value");

    is_int(mg_get_row(db, &book_model, book_by_title, mg_key_text("book 13"), &b), MG_OK,
           "key text: get_row by title");
    is_int(b.id, 13, "key text: finds the row");
    book_free(&b);

    is_int(mg_get_rows(db, &book_model, books_heavier, mg_key_real(185.5), &rows), MG_OK,
           "key real: get_rows with pages > 185.5");
    ok(rows.count == 2 && ((struct book *)rows.items)[0].id == 19
       && ((struct book *)rows.items)[1].id == 20, "key real: books 19 and 20 (%zu rows)",
       rows.count);
    free_books(&rows);

    is_int(mg_get_rows(db, &book_model, books_by_pages_is, mg_key_text("x"), &rows), MG_OK,
           "key text: pages IS 'x'");
    is_int(rows.count, 0, "key text: no row has it");
    free_books(&rows);
    is_int(mg_get_rows(db, &book_model, books_by_pages_is, mg_key_text(NULL), &rows), MG_OK,
           "key text NULL: pages IS NULL, same statement");
    is_int(rows.count, NBOOKS / 3, "key text NULL: the books without pages");
    ok(rows.count > 0 && ((struct book *)rows.items)[0].id == 3
       && !((struct book *)rows.items)[0].has_pages, "key text NULL: starting with book 3");
    free_books(&rows);

    is_int(mg_get_count(db, count_books, mg_key_none(), &n), MG_OK, "key none: SQL without ?1");
    is_int(n, NBOOKS, "key none: counts every book");
    no_leak(before, "keys");
    mg_close(db);
}

/* ---- mg_get_rows ---- */

static void test_get_rows(void)
{
    mg_db *db = open_library();
    long before = live;
    mg_rows rows = dirty_rows();
    struct book *items;
    size_t i;
    int in_order = 1, titles = 1, pages = 1, blocks = 1;

    is_int(mg_get_rows(db, &book_model, books_none, mg_key_none(), &rows), MG_OK,
           "get_rows: no row is fine");
    ok(rows.count == 0 && rows.items == NULL, "get_rows: no row gives { NULL, 0 }");
    no_leak(before, "get_rows of nothing");

    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_of_author, mg_key_int(4), &rows), MG_OK,
           "get_rows: one row");
    items = rows.items;
    ok(rows.count == 1 && items[0].id == 17 && strcmp(items[0].title, "book 17") == 0,
       "get_rows: the one row is book 17");
    free_books(&rows);

    rows = dirty_rows();
    book_reads = 0;
    is_int(mg_get_rows(db, &book_model, books_all_desc, mg_key_none(), &rows), MG_OK,
           "get_rows: 20 rows (the array grows twice)");
    is_int(rows.count, NBOOKS, "get_rows: every row");
    is_int(book_reads, NBOOKS, "get_rows: read once per row");
    is_int(live - before, NBOOKS + 1, "get_rows: a block per row and the array");
    items = rows.items;
    for (i = 0; i < rows.count; i++) {
        int64_t id = NBOOKS - (int64_t)i;
        char want[32];
        snprintf(want, sizeof want, "book %02lld", (long long)id);
        in_order &= items[i].id == id;
        titles &= items[i].title != NULL && strcmp(items[i].title, want) == 0;
        pages &= items[i].has_pages == has_pages_of(id)
                 && items[i].pages == (has_pages_of(id) ? id * 10 : 0);
        blocks &= (void *)items[i].title == items[i].mg_owned;
    }
    ok(in_order, "get_rows: kept the SQL's order (ids 20 down to 1)");
    ok(titles, "get_rows: each row's title");
    ok(pages, "get_rows: each row's nullable pages");
    ok(blocks, "get_rows: each row owns its own block");
    free_books(&rows);
    no_leak(before, "get_rows of 20");

    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_of_author, mg_key_int(2), &rows), MG_OK,
           "get_rows: with an int key");
    items = rows.items;
    in_order = rows.count > 1;
    for (i = 0; i < rows.count; i++)
        in_order &= author_of(items[i].id) == 2 && (i == 0 || items[i - 1].id < items[i].id);
    ok(in_order, "get_rows: only author 2's books, by id (%zu)", rows.count);
    free_books(&rows);

    /* read fails on the 12th row: after the array grew once */
    fail_book_id = NBOOKS - 11;
    book_reads = 0;
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_all_desc, mg_key_none(), &rows), MG_ERROR,
           "get_rows: read fails on the 12th row");
    is_int(book_reads, 12, "get_rows: it stopped at that row");
    is_str(mg_errmsg(db), "refusing books row 9", "get_rows: read's message");
    ok(rows.items == NULL && rows.count == 0, "get_rows: *out is empty");
    no_leak(before, "get_rows failing on a row");
    fail_book_id = NBOOKS;
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_all_desc, mg_key_none(), &rows), MG_ERROR,
           "get_rows: read fails on the first row");
    ok(rows.items == NULL && rows.count == 0, "get_rows: *out is empty");
    no_leak(before, "get_rows failing on the first row");
    fail_book_id = -1;

    /* the array's growth fails: first from 0 to 8 rows, then from 8 to 16 */
    {
        static const size_t sizes[] = { 8, 16 };
        size_t s;
        for (s = 0; s < 2; s++) {
            int before_faults = faults;
            fail_size = sizes[s] * sizeof(struct book);
            rows = dirty_rows();
            is_int(mg_get_rows(db, &book_model, books_all_desc, mg_key_none(), &rows), MG_NOMEM,
                   sizes[s] == 8 ? "get_rows: the first array allocation fails: MG_NOMEM"
                                 : "get_rows: growing the array from 8 to 16 fails: MG_NOMEM");
            fail_size = 0;
            is_int(faults - before_faults, 1, "get_rows: that allocation was the one to fail");
            is_str(mg_errmsg(db), "out of memory", "get_rows: mg_errmsg says so");
            ok(rows.items == NULL && rows.count == 0, "get_rows: *out is empty");
            no_leak(before, "get_rows whose array cannot grow");
        }
    }

    /* a row's block cannot be allocated, past the first growth */
    fail_mg_countdown = 11; /* array(8), 8 blocks, array(16), the 9th row's block */
    book_reads = 0;
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_all_desc, mg_key_none(), &rows), MG_NOMEM,
           "get_rows: the 9th row's block cannot be allocated");
    fail_mg_countdown = 0;
    is_int(book_reads, 9, "get_rows: it was the 9th row");
    is_str(mg_errmsg(db), "cannot copy the strings of a books row", "get_rows: read's message");
    ok(rows.items == NULL && rows.count == 0, "get_rows: *out is empty");
    no_leak(before, "get_rows whose row cannot be copied");

    /* failures before the first row and in the middle of the steps */
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, book_bad, mg_key_int(1), &rows), MG_ERROR,
           "get_rows: bad SQL");
    ok(rows.items == NULL && rows.count == 0, "get_rows: *out is empty");
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_all_desc, mg_key_int(1), &rows), MG_MISUSE,
           "get_rows: a key the SQL has no parameter for");
    ok(rows.items == NULL && rows.count == 0, "get_rows: *out is empty");
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, book_overflow, mg_key_int(INT64_MIN), &rows), MG_ERROR,
           "get_rows: the first step fails");
    ok(rows.items == NULL && rows.count == 0, "get_rows: *out is empty");
    book_reads = 0;
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_fail_at_5, mg_key_none(), &rows), MG_ERROR,
           "get_rows: the fifth step fails");
    is_int(book_reads, 4, "get_rows: after four rows were read");
    ok(contains(mg_errmsg(db), "integer overflow"), "get_rows: mg_errmsg: %s", mg_errmsg(db));
    ok(rows.items == NULL && rows.count == 0, "get_rows: *out is empty");
    no_leak(before, "get_rows failing in sqlite");
    is_int(mg_get_rows(db, &book_model, books_all_desc, mg_key_none(), &rows), MG_OK,
           "get_rows: works again after all that");
    is_int(rows.count, NBOOKS, "get_rows: with every row");
    free_books(&rows);
    no_leak(before, "get_rows");
    mg_close(db);
}

/* ---- mg_get_count ---- */

static void test_get_count(void)
{
    mg_db *db = open_library();
    int64_t n = -1;

    is_int(mg_get_count(db, count_books, mg_key_none(), &n), MG_OK, "get_count without a key");
    is_int(n, NBOOKS, "get_count: every book");
    is_int(mg_get_count(db, count_heavier, mg_key_int(100), &n), MG_OK, "get_count with a key");
    is_int(n, query_int(db, "SELECT count(*) FROM books WHERE pages > 100"),
           "get_count: the rows matching it");
    ok(n > 0 && n < NBOOKS, "get_count: a proper subset (%lld)", (long long)n);
    n = -1;
    is_int(mg_get_count(db, count_heavier, mg_key_int(100000), &n), MG_OK,
           "get_count: a key nothing matches");
    is_int(n, 0, "get_count: zero");
    n = -1;
    is_int(mg_get_count(db, count_bad, mg_key_none(), &n), MG_ERROR, "get_count: bad SQL");
    ok(contains(mg_errmsg(db), "no such table: nowhere"), "get_count: mg_errmsg: %s",
       mg_errmsg(db));
    is_int(n, 0, "get_count: *count is 0 on failure");
    n = -1;
    is_int(mg_get_count(db, count_overflow, mg_key_int(INT64_MIN), &n), MG_ERROR,
           "get_count: a failing step");
    is_int(n, 0, "get_count: *count is 0");
    n = -1;
    is_int(mg_get_count(db, count_books, mg_key_int(1), &n), MG_MISUSE,
           "get_count: a key the SQL has no parameter for");
    is_int(n, 0, "get_count: *count is 0");
    n = -1;
    is_int(mg_get_count(db, count_no_row, mg_key_none(), &n), MG_OK,
           "get_count: SQL that returns no row is not a failure");
    is_int(n, 0, "get_count: and counts 0");
    mg_close(db);
}

/* ---- mg_insert_row, mg_update_row, mg_delete_row ---- */

static void test_insert_update_delete(void)
{
    mg_db *db = open_library();
    long before = live;
    struct book row, got;
    int64_t id = -1;

    memset(&row, 0, sizeof row);
    row.title = "The Dispossessed";
    row.has_pages = true;
    row.pages = 387;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_OK, "insert_row");
    is_int(id, NBOOKS + 1, "insert_row: *id is the id SQLite picked");
    is_int(id, sqlite3_last_insert_rowid(mg_sqlite(db)), "insert_row: the rowid");
    is_int(mg_get_by_id(db, &book_model, book_by_id, id, &got), MG_OK, "insert_row: read it back");
    ok(got.title != NULL && strcmp(got.title, "The Dispossessed") == 0 && got.has_pages
       && got.pages == 387, "insert_row: every column was bound");
    book_free(&got);

    row.id = 100;
    row.title = "Kindred";
    row.has_pages = false;
    id = -1;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_OK,
           "insert_row with an id");
    is_int(id, 100, "insert_row: *id is the id bind gave");
    is_int(query_int(db, "SELECT pages IS NULL FROM books WHERE title = 'Kindred'"), 1,
           "insert_row: has_pages false stored NULL");

    row.id = 0;
    row.title = "Dawn";
    id = -1;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_OK,
           "insert_row: id 0 again after an explicit id");
    is_int(id, 101, "insert_row: SQLite picks the next id");

    row.title = "Kindred";
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_CONSTRAINT,
           "insert_row: a duplicate title is MG_CONSTRAINT");
    ok(contains(mg_errmsg(db), "UNIQUE constraint failed: books.title"),
       "insert_row: mg_errmsg: %s", mg_errmsg(db));
    row.id = 5;
    row.title = "Another";
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_CONSTRAINT,
           "insert_row: a duplicate id is MG_CONSTRAINT");
    row.id = 0;
    row.title = NULL;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_CONSTRAINT,
           "insert_row: a NULL title is MG_CONSTRAINT");
    ok(contains(mg_errmsg(db), "NOT NULL constraint failed: books.title"),
       "insert_row: mg_errmsg: %s", mg_errmsg(db));
    row.title = "Never";
    fail_bind = 1;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_MISUSE,
           "insert_row: bind's failure is returned");
    fail_bind = 0;
    is_str(mg_errmsg(db), "books: refusing to bind", "insert_row: with bind's message");
    is_int(query_int(db, "SELECT count(*) FROM books"), NBOOKS + 3,
           "insert_row: the failures inserted nothing");
    is_int(mg_insert_row(db, &book_model, book_bad, &row, &id), MG_ERROR,
           "insert_row: bad SQL");

    /* update */
    row.id = 7;
    row.title = "Seven, renamed";
    row.has_pages = true;
    row.pages = 777;
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_OK, "update_row");
    is_int(mg_get_by_id(db, &book_model, book_by_id, 7, &got), MG_OK, "update_row: read it back");
    ok(got.title != NULL && strcmp(got.title, "Seven, renamed") == 0 && got.pages == 777,
       "update_row: the new values");
    book_free(&got);
    row.has_pages = false;
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_OK,
           "update_row: the same values but pages NULL");
    is_int(query_int(db, "SELECT pages IS NULL FROM books WHERE id = 7"), 1,
           "update_row: pages is NULL now");
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_OK,
           "update_row: changing nothing still finds the row");
    row.id = 999;
    row.title = "Nobody";
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_NOTFOUND,
           "update_row: no row with the id");
    is_str(mg_errmsg(db), "no books row with id 999", "update_row: the NOTFOUND message");
    is_int(query_int(db, "SELECT count(*) FROM books WHERE title = 'Nobody'"), 0,
           "update_row: and nothing changed");
    row.id = 8;
    row.title = "Kindred";
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_CONSTRAINT,
           "update_row: a duplicate title is MG_CONSTRAINT, not NOTFOUND");
    fail_bind = 1;
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_MISUSE,
           "update_row: bind's failure is returned");
    fail_bind = 0;
    is_int(mg_update_row(db, &book_model, book_update_bad, &row), MG_ERROR,
           "update_row: bad SQL");
    ok(contains(mg_errmsg(db), "no such column: nope"), "update_row: mg_errmsg: %s",
       mg_errmsg(db));

    /* delete */
    is_int(mg_delete_row(db, &book_model, book_delete, 100), MG_OK, "delete_row");
    is_int(query_int(db, "SELECT count(*) FROM books WHERE id = 100"), 0,
           "delete_row: the row is gone");
    is_int(mg_delete_row(db, &book_model, book_delete, 100), MG_NOTFOUND,
           "delete_row: again is MG_NOTFOUND");
    is_str(mg_errmsg(db), "no books row with id 100", "delete_row: the NOTFOUND message");
    is_int(mg_delete_row(db, &author_model, author_delete, 2), MG_CONSTRAINT,
           "delete_row: a referenced author is MG_CONSTRAINT");
    ok(contains(mg_errmsg(db), "FOREIGN KEY constraint failed"), "delete_row: mg_errmsg: %s",
       mg_errmsg(db));
    is_int(query_int(db, "SELECT count(*) FROM authors WHERE id = 2"), 1,
           "delete_row: the author stays");
    is_int(mg_delete_row(db, &book_model, book_bad, 1), MG_ERROR, "delete_row: bad SQL");
    is_int(mg_delete_row(db, &book_model, book_first, 1), MG_MISUSE,
           "delete_row: SQL without ?1 is MG_MISUSE");
    is_int(query_int(db, "SELECT count(*) FROM books"), NBOOKS + 2,
           "delete_row: only the one row went (3 inserted, 1 deleted)");
    no_leak(before, "insert, update, delete");
    mg_close(db);
}

/* ---- mg_set_key and mg_exec_ids ---- */

static void test_set_key_exec_ids(void)
{
    mg_db *db = open_library();
    int64_t key = 3, changes = -1;
    long long n;

    is_int(query_int(db, "SELECT author_id FROM books WHERE id = 1"), 2, "book 1 starts by author 2");
    is_int(mg_set_key(db, &book_model, book_set_author, 1, &key), MG_OK, "set_key");
    is_int(query_int(db, "SELECT author_id FROM books WHERE id = 1"), 3, "set_key: the column is set");
    is_int(mg_set_key(db, &book_model, book_set_author, 1, NULL), MG_OK, "set_key with NULL");
    is_int(query_int(db, "SELECT author_id IS NULL FROM books WHERE id = 1"), 1,
           "set_key: the column is NULL");
    key = 1;
    is_int(mg_set_key(db, &book_model, book_set_author, 999, &key), MG_NOTFOUND,
           "set_key: no row with the id");
    is_str(mg_errmsg(db), "no books row with id 999", "set_key: the NOTFOUND message");
    is_int(mg_set_key(db, &book_model, book_set_author, 999, NULL), MG_NOTFOUND,
           "set_key: NULL, no row with the id");
    key = 99;
    is_int(mg_set_key(db, &book_model, book_set_author, 1, &key), MG_CONSTRAINT,
           "set_key: a missing author is MG_CONSTRAINT");
    is_int(query_int(db, "SELECT author_id IS NULL FROM books WHERE id = 1"), 1,
           "set_key: and the column kept its value");
    is_int(mg_set_key(db, &book_model, move_bad, 1, &key), MG_ERROR, "set_key: bad SQL");

    n = query_int(db, "SELECT count(*) FROM books WHERE author_id = 2");
    key = 1;
    is_int(mg_exec_ids(db, move_books, &key, 2, &changes), MG_OK, "exec_ids");
    is_int(changes, n, "exec_ids: *changes is the number of rows changed");
    ok(n > 1, "exec_ids: several (%lld)", n);
    is_int(query_int(db, "SELECT count(*) FROM books WHERE author_id = 2"), 0,
           "exec_ids: they moved");
    changes = -1;
    is_int(mg_exec_ids(db, move_books, &key, 2, &changes), MG_OK, "exec_ids matching nothing");
    is_int(changes, 0, "exec_ids: is no failure, *changes is 0");
    n = query_int(db, "SELECT count(*) FROM books WHERE author_id = 3");
    is_int(mg_exec_ids(db, move_books, NULL, 3, NULL), MG_OK, "exec_ids: NULL first, NULL changes");
    is_int(query_int(db, "SELECT count(*) FROM books WHERE author_id = 3"), 0,
           "exec_ids: it ran");
    is_int(query_int(db, "SELECT count(*) FROM books WHERE author_id IS NULL"),
           n + NBOOKS / 4 + 1, "exec_ids: ?1 bound SQL NULL");
    changes = 77;
    is_int(mg_exec_ids(db, move_bad, &key, 1, &changes), MG_ERROR, "exec_ids: bad SQL");
    is_int(changes, 0, "exec_ids: *changes is 0 on failure");
    ok(contains(mg_errmsg(db), "no such table: nowhere"), "exec_ids: mg_errmsg: %s",
       mg_errmsg(db));
    changes = 77;
    is_int(mg_exec_ids(db, one_param, &key, 1, &changes), MG_MISUSE,
           "exec_ids: SQL without ?2 is MG_MISUSE");
    is_int(changes, 0, "exec_ids: *changes is 0");
    key = 99;
    changes = 77;
    is_int(mg_exec_ids(db, move_books, &key, 1, &changes), MG_CONSTRAINT,
           "exec_ids: a missing author is MG_CONSTRAINT");
    is_int(changes, 0, "exec_ids: *changes is 0");
    mg_close(db);
}

/* ---- mg_get_with ---- */

static void test_get_with(void)
{
    mg_db *db = open_library();
    long before = live;
    struct book b;
    struct author a;

    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 5, &b, &a), MG_OK,
           "get_with: a book with an author");
    ok(b.id == 5 && b.title != NULL && strcmp(b.title, "book 05") == 0 && b.pages == 50,
       "get_with: the book");
    ok(a.id == 3 && a.name != NULL && strcmp(a.name, "Butler") == 0 && a.born == 1947,
       "get_with: its author, read from column 3 on");
    ok(a.mg_owned != NULL && (void *)a.name == a.mg_owned && a.mg_owned != b.mg_owned,
       "get_with: each has its own block");
    is_int(live - before, 2, "get_with: two blocks");
    book_free(&b);
    author_free(&a);

    memset(&a, 0x5a, sizeof a);
    author_reads = 0;
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 8, &b, &a), MG_OK,
           "get_with: a book without an author");
    is_int(b.id, 8, "get_with: the book");
    ok(is_zero(&a, sizeof a), "get_with: the target is zeroed");
    is_int(author_reads, 0, "get_with: the target's read was not called");
    book_free(&b);

    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 404, &b, &a), MG_NOTFOUND,
           "get_with: not found");
    is_str(mg_errmsg(db), "no books row with id 404", "get_with: the NOTFOUND message");
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both zeroed");

    fail_author_id = 2;
    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 1, &b, &a), MG_ERROR,
           "get_with: the target's read fails");
    is_str(mg_errmsg(db), "refusing authors row 2", "get_with: with its message");
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both empty");
    no_leak(before, "get_with whose target fails (the book was released)");
    fail_author_id = -1;

    fail_book_id = 1;
    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    author_reads = 0;
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 1, &b, &a), MG_ERROR,
           "get_with: the owner's read fails");
    is_str(mg_errmsg(db), "refusing books row 1", "get_with: with its message");
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both empty");
    is_int(author_reads, 0, "get_with: the target was not read");
    no_leak(before, "get_with whose owner fails");
    fail_book_id = -1;

    fail_mg_countdown = 2; /* the book's block, then the author's */
    author_reads = 0;
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 1, &b, &a), MG_NOMEM,
           "get_with: the target's block cannot be allocated");
    fail_mg_countdown = 0;
    is_int(author_reads, 1, "get_with: it was the target's read that failed");
    is_str(mg_errmsg(db), "cannot copy the strings of an authors row", "get_with: read's message");
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both empty");
    no_leak(before, "get_with out of memory");

    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author_bad, 1, &b, &a), MG_ERROR,
           "get_with: bad SQL");
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both zeroed");
    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author_overflow, INT64_MIN,
                       &b, &a), MG_ERROR, "get_with: a failing step");
    ok(contains(mg_errmsg(db), "integer overflow"), "get_with: mg_errmsg: %s", mg_errmsg(db));
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both zeroed");
    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, books_with_authors, 1, &b, &a), MG_MISUSE,
           "get_with: SQL without ?1 is MG_MISUSE");
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both zeroed");
    no_leak(before, "get_with");
    mg_close(db);
}

/* ---- mg_all_with ---- */

/* Counts the pairs that are not book i + 1 with its author (or a zeroed author). */
static int misaligned(const mg_rows *rows, const mg_rows *targets)
{
    const struct book *b = rows->items;
    const struct author *a = targets->items;
    size_t i;
    int bad = 0;

    for (i = 0; i < rows->count; i++) {
        int64_t id = (int64_t)i + 1, want = author_of(id);
        char title[32];
        snprintf(title, sizeof title, "book %02lld", (long long)id);
        if (b[i].id != id || b[i].title == NULL || strcmp(b[i].title, title) != 0)
            bad++;
        else if (want == 0 ? !is_zero(&a[i], sizeof a[i])
                           : a[i].id != want || a[i].name == NULL
                             || strcmp(a[i].name, author_names[want - 1]) != 0)
            bad++;
    }
    return bad;
}

static void test_all_with(void)
{
    mg_db *db = open_library();
    long before = live;
    mg_rows rows = dirty_rows(), targets = dirty_rows();
    int bad;

    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors_none, &rows, &targets),
           MG_OK, "all_with: no row");
    ok(rows.items == NULL && rows.count == 0 && targets.items == NULL && targets.count == 0,
       "all_with: both arrays { NULL, 0 }");

    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors, &rows, &targets),
           MG_OK, "all_with: 20 books, some without an author");
    is_int(rows.count, NBOOKS, "all_with: every book");
    is_int(targets.count, NBOOKS, "all_with: a target slot for each");
    bad = misaligned(&rows, &targets);
    is_int(bad, 0, "all_with: item i of the targets is the author of book i, or zeroed");
    is_int(live - before, 2 + NBOOKS + (NBOOKS - NBOOKS / 4),
           "all_with: two arrays, a block per book and per author found");
    free_books(&rows);
    free_authors(&targets);
    no_leak(before, "all_with");

    /* failures midway: both arrays empty */
    fail_book_id = 10;
    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors, &rows, &targets),
           MG_ERROR, "all_with: the 10th book's read fails");
    ok(rows.items == NULL && rows.count == 0 && targets.items == NULL && targets.count == 0,
       "all_with: both arrays empty");
    no_leak(before, "all_with failing on a book");
    fail_book_id = -1;

    fail_author_id = 4; /* only book 17's, after both arrays grew to 16 */
    book_reads = 0;
    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors, &rows, &targets),
           MG_ERROR, "all_with: the 17th book's author fails");
    is_int(book_reads, 17, "all_with: after 17 books");
    is_str(mg_errmsg(db), "refusing authors row 4", "all_with: with its message");
    ok(rows.items == NULL && rows.count == 0 && targets.items == NULL && targets.count == 0,
       "all_with: both arrays empty");
    no_leak(before, "all_with failing on an author (book 17 was released)");
    fail_author_id = -1;

    book_reads = 0;
    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors_fail_at_12, &rows,
                       &targets), MG_ERROR, "all_with: the 12th step fails");
    is_int(book_reads, 11, "all_with: after 11 pairs");
    ok(contains(mg_errmsg(db), "integer overflow"), "all_with: mg_errmsg: %s", mg_errmsg(db));
    ok(rows.items == NULL && rows.count == 0 && targets.items == NULL && targets.count == 0,
       "all_with: both arrays empty");
    no_leak(before, "all_with whose step fails");

    {
        /* each array's growth, the owners' first, then the targets' */
        static const struct { size_t size; const char *what; } grow[] = {
            { 8 * sizeof(struct book), "all_with: the first owner array fails" },
            { 8 * sizeof(struct author), "all_with: the first target array fails" },
            { 16 * sizeof(struct book), "all_with: growing the owners to 16 fails" },
            { 16 * sizeof(struct author), "all_with: growing the targets to 16 fails" },
        };
        size_t g;
        for (g = 0; g < sizeof grow / sizeof grow[0]; g++) {
            int before_faults = faults;
            fail_size = grow[g].size;
            rows = dirty_rows();
            targets = dirty_rows();
            is_int(mg_all_with(db, &book_model, &author_model, books_with_authors, &rows,
                               &targets), MG_NOMEM, grow[g].what);
            fail_size = 0;
            is_int(faults - before_faults, 1, "all_with: that allocation was the one to fail");
            ok(rows.items == NULL && rows.count == 0 && targets.items == NULL
               && targets.count == 0, "all_with: both arrays empty");
            no_leak(before, "all_with out of memory");
        }
    }

    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors_bad, &rows, &targets),
           MG_ERROR, "all_with: bad SQL");
    ok(rows.items == NULL && rows.count == 0 && targets.items == NULL && targets.count == 0,
       "all_with: both arrays empty");
    no_leak(before, "all_with");
    mg_close(db);
}

/* ---- Every allocation failing in turn ---- */

typedef int (*scenario_fn)(mg_db *db, int *bad);

/* On failure each scenario also checks that its outputs are empty. */
static int scenario_get_rows(mg_db *db, int *bad)
{
    mg_rows rows = dirty_rows();
    int status = mg_get_rows(db, &book_model, books_all_desc, mg_key_none(), &rows);
    if (status != MG_OK)
        *bad += rows.items != NULL || rows.count != 0;
    else
        *bad += rows.count != NBOOKS;
    free_books(&rows);
    return status;
}

static int scenario_get_with(mg_db *db, int *bad)
{
    struct book b;
    struct author a;
    int status;

    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    status = mg_get_with(db, &book_model, &author_model, book_with_author, 5, &b, &a);
    if (status != MG_OK)
        *bad += !is_zero(&b, sizeof b) || !is_zero(&a, sizeof a);
    else
        *bad += b.id != 5 || a.id != 3;
    book_free(&b);
    author_free(&a);
    return status;
}

static int scenario_all_with(mg_db *db, int *bad)
{
    mg_rows rows = dirty_rows(), targets = dirty_rows();
    int status = mg_all_with(db, &book_model, &author_model, books_with_authors, &rows, &targets);
    if (status != MG_OK)
        *bad += rows.items != NULL || rows.count != 0 || targets.items != NULL
                || targets.count != 0;
    else
        *bad += rows.count != NBOOKS || misaligned(&rows, &targets) != 0;
    free_books(&rows);
    free_authors(&targets);
    return status;
}

static void sweep(const char *name, scenario_fn run)
{
    mg_db *db = open_library();
    int k, injected = 0, not_nomem = 0, leaks = 0, bad = 0, last = -1;
    long calls = mg_calls;

    run(db, &bad); /* prepares and caches the statement */
    calls = mg_calls - calls;
    for (k = 1; k < 100000; k++) {
        int before = faults, status;
        long live_before = live;
        sqlite3_int64 used = sqlite3_memory_used();
        fail_countdown = k;
        status = run(db, &bad);
        fail_countdown = 0;
        leaks += live != live_before || sqlite3_memory_used() != used;
        if (faults == before) {
            last = status;
            break;
        }
        injected++;
        if (status != MG_OK && status != MG_NOMEM) {
            not_nomem++;
            printf("# %s, allocation %d: %s (%s)\n", name, k, mg_status_name(status),
                   mg_errmsg(db));
        }
    }
    ok(calls > 0 && injected >= calls, "%s: failed each of the %d allocations in turn"
       " (%ld of them the library's)", name, injected, calls);
    is_int(last, MG_OK, "the scenario passes once no allocation fails");
    is_int(not_nomem, 0, "every failed allocation gave MG_NOMEM (or was absorbed)");
    is_int(bad, 0, "every failure left the outputs empty, every success was right");
    is_int(leaks, 0, "no failure leaked memory (library or sqlite3)");
    mg_close(db);
}

int main(void)
{
    if (!install_allocators()) {
        printf("Bail out! cannot install the allocators\n");
        return 1;
    }
    test_get_row();
    test_keys();
    test_get_rows();
    test_get_count();
    test_insert_update_delete();
    test_set_key_exec_ids();
    test_get_with();
    test_all_with();
    sweep("get_rows", scenario_get_rows);
    sweep("get_with", scenario_get_with);
    sweep("all_with", scenario_all_with);
    is_int(live, 0, "the library holds nothing at the end");
    return done_testing();
}
