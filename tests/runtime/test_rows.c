/* Tests for the runtime's row functions (mg_get_row ... mg_all_with, mg_insert_row ...)
   with hand-written model descriptions shaped like the ones modelgen emits:

     kinds    a column of every type of the model language, plain and nullable (has_
              flags), so that every type is bound, read, and copied into a row's block;
     books    the owner of a join: text, a nullable int, an enum;
     authors  its target (mg_owned is not the last member, so the offset matters).

     test_rows                  on SQLite in memory, with allocation failures injected
                                through the library's allocator and sqlite3's
     test_rows postgres [URI]   the same checks on PostgreSQL, each in a database of its
                                own (only the library's allocations fail there)

   The library's allocator is wrapped so that every check can count what is still
   allocated, see each block's size, and make a chosen allocation fail. */
#include "modelgen.h"
#include "tap.h"
#include "helpers.h"

#include <stddef.h>
#include <stdint.h>

/* ---- Allocators: counting, and failing on demand ---- */

static sqlite3_mem_methods real_mem;
static int fail_countdown;    /* the nth allocation from now fails (library and sqlite3); 0: off */
static int fail_mg_countdown; /* the nth library allocation from now fails; 0: off */
static size_t fail_size;      /* a library allocation of exactly this size fails; 0: off */
static int faults;            /* failures injected so far */
static long live;             /* blocks the library holds from its allocator */
static long mg_calls;         /* calls to the library's allocator */

enum { MAX_LIVE = 4096 };
static struct { void *p; size_t n; } blocks[MAX_LIVE];

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

/* The size the library asked for when it allocated p; 0 if p is not one of its blocks. */
static size_t block_size(const void *p)
{
    int i;
    for (i = 0; i < MAX_LIVE; i++)
        if (blocks[i].p != NULL && blocks[i].p == p)
            return blocks[i].n;
    return 0;
}

/* The slot of the tracked block p (NULL: a free slot), or -1. Looked up before realloc:
   once realloc has run, the old pointer may not even be compared (-Wuse-after-free). */
static int slot_of(const void *p)
{
    int i;
    for (i = 0; i < MAX_LIVE; i++)
        if (blocks[i].p == p)
            return i;
    return -1;
}

static void track(int slot, void *p, size_t n)
{
    if (slot < 0)
        return;
    blocks[slot].p = p;
    blocks[slot].n = n;
}

static void *counting_realloc(void *p, size_t n)
{
    int slot;
    bool fresh = p == NULL;
    void *q;

    mg_calls++;
    if ((fail_size != 0 && n == fail_size)
        || (fail_mg_countdown > 0 && --fail_mg_countdown == 0)) {
        faults++;
        return NULL;
    }
    if (inject())
        return NULL;
    slot = slot_of(p);
    q = realloc(p, n);
    if (q != NULL) {
        if (fresh)
            live++;
        track(slot, q, n);
    }
    return q;
}

static void counting_free(void *p)
{
    if (p != NULL) {
        live--;
        track(slot_of(p), NULL, 0);
    }
    free(p);
}

static int install_allocators(void)
{
    mg_set_allocator(counting_realloc, counting_free);
    return wrap_sqlite_allocator(&real_mem, fault_malloc, fault_realloc);
}

/* ---- kinds: every type ---- */

enum colour { RED, GREEN, BLUE };
static const char *const colour_names[] = { "red", "green", "blue" };
static const mg_enum colour_enum = { "Colour", colour_names, 3 };

struct kind {
    int64_t id;
    int64_t i;
    double r;
    const char *t;
    void *mg_owned;        /* not last: the runtime must use the model's offset */
    mg_blob b;
    bool flag;
    int64_t at;
    enum colour colour;
    int64_t ni;
    bool has_ni;
    double nr;
    bool has_nr;
    const char *nt;
    mg_blob nb;
    bool nflag;
    bool has_nflag;
    int64_t nat;
    bool has_nat;
    enum colour ncolour;
    bool has_ncolour;
};

#define KC(name, type, member) \
    { name, type, false, offsetof(struct kind, member), 0, NULL }
#define KN(name, type, member) \
    { name, type, true, offsetof(struct kind, member), offsetof(struct kind, has_##member), NULL }
static const mg_column kind_columns[] = {
    KC("id", MG_TYPE_INT, id),
    KC("i", MG_TYPE_INT, i),
    KC("r", MG_TYPE_REAL, r),
    KC("t", MG_TYPE_TEXT, t),
    KC("b", MG_TYPE_BLOB, b),
    KC("flag", MG_TYPE_BOOL, flag),
    KC("at", MG_TYPE_TIME, at),
    { "colour", MG_TYPE_ENUM, false, offsetof(struct kind, colour), 0, &colour_enum },
    KN("ni", MG_TYPE_INT, ni),
    KN("nr", MG_TYPE_REAL, nr),
    { "nt", MG_TYPE_TEXT, true, offsetof(struct kind, nt), 0, NULL },
    { "nb", MG_TYPE_BLOB, true, offsetof(struct kind, nb), 0, NULL },
    KN("nflag", MG_TYPE_BOOL, nflag),
    KN("nat", MG_TYPE_TIME, nat),
    { "ncolour", MG_TYPE_ENUM, true, offsetof(struct kind, ncolour),
      offsetof(struct kind, has_ncolour), &colour_enum },
};
static const mg_model kind_model = {
    "kinds", "kinds", sizeof(struct kind), offsetof(struct kind, mg_owned), 15, kind_columns
};

#define KIND_COLS "id, i, r, t, b, flag, at, colour, ni, nr, nt, nb, nflag, nat, ncolour"
static const char kind_insert[] =
    "INSERT INTO kinds (" KIND_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, ?12, ?13, ?14, ?15)";
static const char kind_get[] = "SELECT " KIND_COLS " FROM kinds WHERE id = ?1";
static const char kind_all[] = "SELECT " KIND_COLS " FROM kinds ORDER BY id";
static const char kind_update[] =
    "UPDATE kinds SET i = ?2, r = ?3, t = ?4, b = ?5, flag = ?6, at = ?7, colour = ?8,"
    " ni = ?9, nr = ?10, nt = ?11, nb = ?12, nflag = ?13, nat = ?14, ncolour = ?15"
    " WHERE id = ?1";
static const char kind_not_member[] =
    "SELECT id, i, r, t, b, flag, at, 'purple', ni, nr, nt, nb, nflag, nat, ncolour"
    " FROM kinds WHERE id = ?1";
static const char kind_null_enum[] =
    "SELECT id, i, r, t, b, flag, at, CAST(NULL AS TEXT), ni, nr, nt, nb, nflag, nat, ncolour"
    " FROM kinds WHERE id = ?1";
static const char kind_too_few[] = "SELECT id, i, r FROM kinds WHERE id = ?1";
static const char kind_by_t[] = "SELECT " KIND_COLS " FROM kinds WHERE t = ?1";
static const char kind_by_b[] = "SELECT " KIND_COLS " FROM kinds WHERE b = ?1";
static const char kind_by_flag[] = "SELECT count(*) FROM kinds WHERE flag = ?1";
static const char kind_by_at[] = "SELECT count(*) FROM kinds WHERE at = ?1";
static const char kind_by_r[] = "SELECT count(*) FROM kinds WHERE r = ?1";
static const char kind_by_i[] = "SELECT count(*) FROM kinds WHERE i = ?1";
static const char kind_null_ni[] = "SELECT count(*) FROM kinds WHERE ni IS NULL";
static const char kind_params_insert[] =
    "INSERT INTO kinds (" KIND_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, ?12, ?13, ?14, ?15)";

/* numbers only: no block at all */
struct numbers {
    int64_t id;
    int64_t n;
    void *mg_owned;
};
static const mg_column numbers_columns[] = {
    { "id", MG_TYPE_INT, false, offsetof(struct numbers, id), 0, NULL },
    { "n", MG_TYPE_INT, false, offsetof(struct numbers, n), 0, NULL },
};
static const mg_model numbers_model = {
    "numbers", "numbers", sizeof(struct numbers), offsetof(struct numbers, mg_owned), 2,
    numbers_columns
};

/* a lone blob */
struct lone {
    int64_t id;
    mg_blob b;
    void *mg_owned;
};
static const mg_column lone_columns[] = {
    { "id", MG_TYPE_INT, false, offsetof(struct lone, id), 0, NULL },
    { "b", MG_TYPE_BLOB, true, offsetof(struct lone, b), 0, NULL },
};
static const mg_model lone_model = {
    "lone", "lone", sizeof(struct lone), offsetof(struct lone, mg_owned), 2, lone_columns
};

/* a column of a type that does not exist */
static const mg_column odd_columns[] = {
    { "id", MG_TYPE_INT, false, offsetof(struct numbers, id), 0, NULL },
    { "n", 42, false, offsetof(struct numbers, n), 0, NULL },
};
static const mg_model odd_model = {
    "numbers", "numbers", sizeof(struct numbers), offsetof(struct numbers, mg_owned), 2,
    odd_columns
};

static const char kind_table_sqlite[] =
    "CREATE TABLE kinds (id INTEGER PRIMARY KEY, i INTEGER NOT NULL, r REAL NOT NULL,"
    " t TEXT NOT NULL, b BLOB NOT NULL, flag INTEGER NOT NULL, at INTEGER NOT NULL,"
    " colour TEXT NOT NULL, ni INTEGER, nr REAL, nt TEXT, nb BLOB, nflag INTEGER,"
    " nat INTEGER, ncolour TEXT);"
    "CREATE TABLE numbers (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
    "CREATE TABLE lone (id INTEGER PRIMARY KEY, b BLOB);";
static const char kind_table_pg[] =
    "CREATE TABLE kinds (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    " i bigint NOT NULL, r double precision NOT NULL, t text NOT NULL, b bytea NOT NULL,"
    " flag boolean NOT NULL, at timestamptz NOT NULL, colour text NOT NULL, ni bigint,"
    " nr double precision, nt text, nb bytea, nflag boolean, nat timestamptz, ncolour text);"
    "CREATE TABLE numbers (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    " n bigint NOT NULL);"
    "CREATE TABLE lone (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, b bytea);";

/* ---- books and authors ---- */

enum genre { FICTION, POETRY, ESSAY };
static const char *const genre_names[] = { "fiction", "poetry", "essay" };
static const mg_enum genre_enum = { "Genre", genre_names, 3 };

struct book {
    int64_t id;
    const char *title; /* text, not NULL, unique */
    bool has_pages;    /* false: pages is NULL */
    int64_t pages;     /* int? */
    enum genre genre;
    void *mg_owned;
};

/* mg_owned is not last here, so that the runtime must use the model's offset. */
struct author {
    int64_t id;
    void *mg_owned;
    const char *name;
    int64_t born;
};

static const mg_column book_columns[] = {
    { "id", MG_TYPE_INT, false, offsetof(struct book, id), 0, NULL },
    { "title", MG_TYPE_TEXT, false, offsetof(struct book, title), 0, NULL },
    { "pages", MG_TYPE_INT, true, offsetof(struct book, pages),
      offsetof(struct book, has_pages), NULL },
    { "genre", MG_TYPE_ENUM, false, offsetof(struct book, genre), 0, &genre_enum },
};
static const mg_model book_model = {
    "books", "books", sizeof(struct book), offsetof(struct book, mg_owned), 4, book_columns
};

static const mg_column author_columns[] = {
    { "id", MG_TYPE_INT, false, offsetof(struct author, id), 0, NULL },
    { "name", MG_TYPE_TEXT, false, offsetof(struct author, name), 0, NULL },
    { "born", MG_TYPE_INT, false, offsetof(struct author, born), 0, NULL },
};
static const mg_model author_model = {
    "authors", "authors", sizeof(struct author), offsetof(struct author, mg_owned), 3,
    author_columns
};

/* ---- SQL (the runtime caches statements by address: each is one array) ---- */

#define BOOK_COLS "id, title, pages, genre"
static const char book_by_id[] = "SELECT " BOOK_COLS " FROM books WHERE id = ?1";
static const char book_by_title[] = "SELECT " BOOK_COLS " FROM books WHERE title = ?1";
static const char books_heavier[] =
    "SELECT " BOOK_COLS " FROM books WHERE pages > ?1 ORDER BY id";
static const char books_without_pages[] =
    "SELECT " BOOK_COLS " FROM books WHERE pages IS NULL ORDER BY id";
static const char book_bad[] = "SELECT id, title, nope, genre FROM books WHERE id = ?1";
static const char book_first[] = "SELECT " BOOK_COLS " FROM books ORDER BY id LIMIT 1";
/* abs() of the smallest integer is a runtime error on both engines: a step that fails */
static const char book_overflow[] = "SELECT " BOOK_COLS " FROM books WHERE id = abs(?1)";
static const char books_all_desc[] = "SELECT " BOOK_COLS " FROM books ORDER BY id DESC";
static const char books_none[] = "SELECT " BOOK_COLS " FROM books WHERE id < 0";
static const char books_of_author[] =
    "SELECT " BOOK_COLS " FROM books WHERE author_id = ?1 ORDER BY id";
/* the row with id ?1 has a genre the enum does not know: its read fails */
static const char books_desc_bad_genre_at[] =
    "SELECT id, title, pages, CASE WHEN id = ?1 THEN 'bogus' ELSE genre END"
    " FROM books ORDER BY id DESC";
static const char books_fail_at_5[] =
    "SELECT " BOOK_COLS " FROM books"
    " WHERE abs(CASE WHEN id = 5 THEN -9223372036854775807 - 1 ELSE id END) > 0 ORDER BY id";

static const char count_books[] = "SELECT count(*) FROM books";
static const char count_heavier[] = "SELECT count(*) FROM books WHERE pages > ?1";
static const char count_bad[] = "SELECT count(*) FROM nowhere";
static const char count_no_row[] = "SELECT 1 WHERE 1 = 0";
static const char count_overflow[] = "SELECT abs(?1)";
static const char key_plus_one[] = "SELECT ?1 + 1";
static const char key_is_real[] = "SELECT CASE WHEN ?1 = 2.5 THEN 1 ELSE 0 END";
static const char key_is_dune[] = "SELECT CASE WHEN ?1 = 'Dune' THEN 1 ELSE 0 END";
static const char key_type[] =
    "SELECT CASE typeof(?1) WHEN 'integer' THEN 1 WHEN 'real' THEN 2"
    " WHEN 'text' THEN 3 WHEN 'null' THEN 4 WHEN 'blob' THEN 5 ELSE 0 END";

static const char book_insert[] =
    "INSERT INTO books (id, title, pages, genre) VALUES (?1, ?2, ?3, ?4)";
static const char book_update[] =
    "UPDATE books SET title = ?2, pages = ?3, genre = ?4 WHERE id = ?1";
static const char book_update_bad[] =
    "UPDATE books SET nope = ?2 WHERE id = ?1 AND ?3 IS NOT NULL AND ?4 IS NOT NULL";
static const char book_insert_bad[] =
    "INSERT INTO nowhere (id, title, pages, genre) VALUES (?1, ?2, ?3, ?4)";
static const char book_delete[] = "DELETE FROM books WHERE id = ?1";
static const char author_insert[] = "INSERT INTO authors (id, name, born) VALUES (?1, ?2, ?3)";
static const char author_delete[] = "DELETE FROM authors WHERE id = ?1";
static const char book_set_author[] = "UPDATE books SET author_id = ?1 WHERE id = ?2";
static const char move_books[] = "UPDATE books SET author_id = ?1 WHERE author_id = ?2";
static const char move_bad[] = "UPDATE nowhere SET x = ?1 WHERE y = ?2";
static const char one_param[] = "UPDATE books SET author_id = ?1 WHERE 1 = 0";

#define WITH_COLS "b.id, b.title, b.pages, b.genre, a.id, a.name, a.born"
#define WITH_FROM " FROM books AS b LEFT JOIN authors AS a ON a.id = b.author_id"
static const char book_with_author[] = "SELECT " WITH_COLS WITH_FROM " WHERE b.id = ?1";
static const char book_with_author_overflow[] =
    "SELECT " WITH_COLS WITH_FROM " WHERE b.id = abs(?1)";
static const char book_with_author_bad[] =
    "SELECT b.id, b.title, b.pages, b.genre, a.id, a.name, a.nope" WITH_FROM " WHERE b.id = ?1";
static const char book_bad_genre_with_author[] =
    "SELECT b.id, b.title, b.pages, 'bogus', a.id, a.name, a.born" WITH_FROM " WHERE b.id = ?1";
static const char books_with_authors[] = "SELECT " WITH_COLS WITH_FROM " ORDER BY b.id";
static const char books_with_authors_none[] = "SELECT " WITH_COLS WITH_FROM " WHERE b.id < 0";
static const char books_with_authors_fail_at_12[] =
    "SELECT " WITH_COLS WITH_FROM
    " WHERE abs(CASE WHEN b.id = 12 THEN -9223372036854775807 - 1 ELSE b.id END) > 0"
    " ORDER BY b.id";
static const char books_with_authors_bad_genre_10[] =
    "SELECT b.id, b.title, b.pages, CASE WHEN b.id = 10 THEN 'bogus' ELSE b.genre END,"
    " a.id, a.name, a.born" WITH_FROM " ORDER BY b.id";
static const char books_with_authors_bad[] =
    "SELECT b.id, b.title, b.pages, b.genre, a.id, a.name, a.nope" WITH_FROM " ORDER BY b.id";

/* ---- Data: 20 books, 4 authors ---- */

enum { NBOOKS = 20 };
static const char *const author_names[] = { "Le Guin", "Herbert", "Butler", "Delany" };
static const int64_t author_born[] = { 1929, 1920, 1947, 1942 };

/* Book i: no author when i % 4 == 0, author 4 for book 17 only, else author i % 3 + 1. */
static int64_t author_of(int64_t book)
{
    if (book == 17)
        return 4;
    return book % 4 == 0 ? 0 : book % 3 + 1;
}

/* Book i has pages i * 10, except every third book, whose pages are NULL. */
static bool has_pages_of(int64_t book) { return book % 3 != 0; }
static enum genre genre_of(int64_t book) { return (enum genre)(book % 3); }

/* ---- Helpers ---- */

static int is_zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    size_t i;
    for (i = 0; i < n; i++)
        if (c[i] != 0)
            return 0;
    return 1;
}

static mg_db *open_kinds(void)
{
    mg_db *db = open_fresh();
    if (mg_exec(db, pick(kind_table_sqlite, kind_table_pg)) != MG_OK)
        bail("cannot create the kinds tables", mg_errmsg(db));
    return db;
}

/* A connection holding the schema and the 20 books by 4 authors, inserted through the
   runtime with explicit ids (on PostgreSQL that also moves the identities past them). */
static mg_db *open_library(void)
{
    mg_db *db = open_fresh();
    char title[32];
    int64_t i, id;
    int status = mg_exec(db, pick(
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        "  born INTEGER NOT NULL);"
        "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE,"
        "  pages INTEGER, genre TEXT NOT NULL, author_id INTEGER REFERENCES authors (id));",
        "CREATE TABLE authors (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        "  name text NOT NULL, born bigint NOT NULL);"
        "CREATE TABLE books (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        "  title text NOT NULL UNIQUE, pages bigint, genre text NOT NULL,"
        "  author_id bigint REFERENCES authors (id));"));

    for (i = 1; status == MG_OK && i <= 4; i++) {
        struct author a = { i, NULL, author_names[i - 1], author_born[i - 1] };
        status = mg_insert_row(db, &author_model, author_insert, &a, &id);
    }
    for (i = 1; status == MG_OK && i <= NBOOKS; i++) {
        struct book b = { i, title, has_pages_of(i), has_pages_of(i) ? i * 10 : 77,
                          genre_of(i), NULL };
        int64_t author = author_of(i);
        snprintf(title, sizeof title, "book %02lld", (long long)i);
        status = mg_insert_row(db, &book_model, book_insert, &b, &id);
        if (status == MG_OK && author != 0)
            status = mg_set_key(db, &book_model, book_set_author, i, &author);
    }
    if (status != MG_OK)
        bail("cannot fill the library", mg_errmsg(db));
    return db;
}

static void free_books(mg_rows *rows)
{
    mg_free_rows(&book_model, rows->items, rows->count);
    rows->items = NULL;
    rows->count = 0;
}

static void free_authors(mg_rows *rows)
{
    mg_free_rows(&author_model, rows->items, rows->count);
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

static int rows_empty(const mg_rows *r)
{
    return r->items == NULL && r->count == 0;
}

/* Checks that the library holds nothing more than before. */
static void no_leak(long before, const char *what)
{
    ok(live == before, "%s: nothing left allocated (%ld blocks)", what, live - before);
}

static mg_param p_int(int64_t i) { return mg_param_int(i); }

/* ---- every type: binding a row, reading it back, its block ---- */

static const unsigned char five_bytes[] = { 0x00, 0x01, 0x00, 0x00, 0xff };
static const char utf8_text[] =
    "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac";

/* Row a: every column set, extremes and values that look empty but are not NULL. */
static struct kind kind_a(void)
{
    struct kind k;
    memset(&k, 0, sizeof k);
    k.i = INT64_MIN;
    k.r = -0.5;
    k.t = utf8_text;
    k.b = (mg_blob){ five_bytes, sizeof five_bytes };
    k.flag = true;
    k.at = -86400LL * 365;  /* 1969 */
    k.colour = BLUE;
    k.ni = INT64_MAX;
    k.has_ni = true;
    k.nr = 1e300;
    k.has_nr = true;
    k.nt = "";              /* empty, not NULL */
    k.nb = (mg_blob){ five_bytes, 0 }; /* empty, not NULL */
    k.nflag = false;        /* false, but present */
    k.has_nflag = true;
    k.nat = 0;              /* the epoch, present */
    k.has_nat = true;
    k.ncolour = RED;        /* member 0, present */
    k.has_ncolour = true;
    return k;
}

/* Row b: the nullable columns NULL, whatever their values say. */
static struct kind kind_b(void)
{
    struct kind k;
    memset(&k, 0, sizeof k);
    k.r = 0.1;
    k.t = "";
    k.b = (mg_blob){ "", 0 };
    k.at = INT64_C(4102444800); /* 2100-01-01 */
    k.colour = GREEN;
    k.ni = 5;              /* has_ni false: NULL */
    k.nr = 2.5;
    k.nflag = true;
    k.nat = 99;
    k.ncolour = 7;         /* not a member, but has_ncolour is false: NULL */
    return k;
}

static int blob_is(mg_blob got, const void *data, size_t size)
{
    return got.size == size && got.data != NULL && (size == 0 || memcmp(got.data, data, size) == 0);
}

/* Inside [block, block + its size) */
static int within(const void *p, size_t n, const void *block)
{
    const char *c = p, *base = block;
    return p != NULL && c >= base && c + n <= base + block_size(block);
}

static void test_kinds_round_trip(void)
{
    mg_db *db = open_kinds();
    long before = live;
    struct kind a = kind_a(), b = kind_b(), got;
    int64_t id_a = -1, id_b = -1;
    size_t want;

    is_int(mg_insert_row(db, &kind_model, kind_insert, &a, &id_a), MG_OK,
           "kinds: insert a row with every column set");
    is_int(mg_insert_row(db, &kind_model, kind_insert, &b, &id_b), MG_OK,
           "kinds: insert a row whose nullable columns are NULL");
    ok(id_a > 0 && id_b > 0 && id_a != id_b, "kinds: the database picked two ids (%lld, %lld)",
       (long long)id_a, (long long)id_b);
    is_int(raw_int(db, "SELECT count(*) FROM kinds WHERE ni IS NULL AND nr IS NULL AND nt IS NULL"
                       " AND nb IS NULL AND nflag IS NULL AND nat IS NULL AND ncolour IS NULL"), 1,
           "kinds: has_ flags false and NULL pointers bound SQL NULL (row b only)");
    is_int(raw_int(db, "SELECT count(*) FROM kinds WHERE nt = '' AND nb IS NOT NULL"), 1,
           "kinds: the empty text and the empty blob are not NULL (row a)");
    is_int(raw_int(db, pick("SELECT count(*) FROM kinds WHERE colour = 'blue' AND ncolour = 'red'"
                            " AND flag = 1 AND nflag = 0",
                            "SELECT count(*) FROM kinds WHERE colour = 'blue' AND ncolour = 'red'"
                            " AND flag AND NOT nflag")), 1,
           "kinds: enums stored as their members' names, bools as the engine's booleans");
    if (on_pg)
        is_int(raw_int(db, "SELECT count(*) FROM kinds WHERE at = to_timestamp(-31536000)"
                           " AND nat = to_timestamp(0)"), 1,
               "kinds: times stored as timestamptz at those seconds");

    memset(&got, 0x5a, sizeof got);
    is_int(mg_get_by_id(db, &kind_model, kind_get, id_a, &got), MG_OK, "kinds: read row a back");
    is_int(got.id, id_a, "int: the id");
    ok(got.i == INT64_MIN, "int: the smallest int64");
    ok(got.r == -0.5, "real: -0.5 (%g)", got.r);
    is_str(got.t, utf8_text, "text: UTF-8");
    ok(blob_is(got.b, five_bytes, 5), "blob: bytes with NULs, size %zu", got.b.size);
    ok(got.flag == true, "bool: true");
    is_int(got.at, -86400LL * 365, "time: before the epoch");
    is_int(got.colour, BLUE, "enum: blue");
    ok(got.has_ni && got.ni == INT64_MAX, "int?: the largest int64");
    ok(got.has_nr && got.nr == 1e300, "real?: 1e300");
    ok(got.nt != NULL && got.nt[0] == '\0', "text?: empty, not NULL");
    ok(got.nb.data != NULL && got.nb.size == 0, "blob?: empty, not NULL");
    ok(got.has_nflag && got.nflag == false, "bool?: false, present");
    ok(got.has_nat && got.nat == 0, "time?: the epoch, present");
    ok(got.has_ncolour && got.ncolour == RED, "enum?: the first member, present");
    /* the block: the texts with their NULs, the blobs, nothing else */
    want = sizeof utf8_text + 5 + 1 + 0;
    ok(got.mg_owned != NULL, "the row owns a block");
    is_int(block_size(got.mg_owned), want, "the block holds exactly the texts and blobs");
    ok(within(got.t, sizeof utf8_text, got.mg_owned) && within(got.b.data, 5, got.mg_owned)
       && within(got.nt, 1, got.mg_owned) && within(got.nb.data, 0, got.mg_owned),
       "every string and blob lies inside it");
    ok((const char *)got.t + sizeof utf8_text <= (const char *)got.b.data
       || (const char *)got.b.data + 5 <= got.t, "they do not overlap");
    is_int(live - before, 1, "one block per row");
    mg_free_row(&kind_model, &got);
    ok(is_zero(&got, sizeof got), "mg_free_row leaves the row empty");
    no_leak(before, "kinds row a");

    memset(&got, 0x5a, sizeof got);
    is_int(mg_get_by_id(db, &kind_model, kind_get, id_b, &got), MG_OK, "kinds: read row b back");
    ok(got.i == 0 && got.r == 0.1 && got.flag == false && got.at == INT64_C(4102444800)
       && got.colour == GREEN, "the plain columns: 0, 0.1, false, 2100, green");
    ok(got.t != NULL && got.t[0] == '\0' && got.b.data != NULL && got.b.size == 0,
       "the empty text and blob are not NULL");
    ok(!got.has_ni && got.ni == 0, "int? NULL: has_ni false, ni 0");
    ok(!got.has_nr && got.nr == 0.0, "real? NULL: has_nr false, nr 0");
    ok(got.nt == NULL, "text? NULL: NULL");
    ok(got.nb.data == NULL && got.nb.size == 0, "blob? NULL: { NULL, 0 }");
    ok(!got.has_nflag && !got.nflag, "bool? NULL: has_nflag false");
    ok(!got.has_nat && got.nat == 0, "time? NULL: has_nat false");
    ok(!got.has_ncolour && got.ncolour == 0, "enum? NULL: has_ncolour false");
    is_int(block_size(got.mg_owned), 1, "the block holds the empty text's NUL");
    mg_free_row(&kind_model, &got);

    /* update every column, then back */
    a.id = id_b;
    is_int(mg_update_row(db, &kind_model, kind_update, &a), MG_OK,
           "update row b with row a's values");
    memset(&got, 0x5a, sizeof got);
    mg_get_by_id(db, &kind_model, kind_get, id_b, &got);
    ok(got.i == INT64_MIN && got.has_ni && got.ni == INT64_MAX && got.t != NULL
       && strcmp(got.t, utf8_text) == 0 && got.has_ncolour && got.ncolour == RED
       && blob_is(got.b, five_bytes, 5), "every column changed");
    mg_free_row(&kind_model, &got);
    b.id = id_b;
    is_int(mg_update_row(db, &kind_model, kind_update, &b), MG_OK, "and back to NULLs");
    is_int(raw_int(db, "SELECT count(*) FROM kinds WHERE ni IS NULL"), 1, "ni is NULL again");

    /* all of them */
    {
        mg_rows rows = dirty_rows();
        struct kind *k;
        is_int(mg_get_rows(db, &kind_model, kind_all, NULL, 0, &rows), MG_OK, "kinds: all rows");
        k = rows.items;
        ok(rows.count == 2 && k[0].id == id_a && k[1].id == id_b && k[0].has_ni && !k[1].has_ni
           && k[0].mg_owned != k[1].mg_owned, "two rows, in order, each with its own block");
        is_int(live - before, 3, "two blocks and the array");
        mg_free_rows(&kind_model, rows.items, rows.count);
    }
    no_leak(before, "kinds");
    mg_close(db);
}

/* What a read refuses, and what binding refuses: the row stays empty, nothing leaks. */
static void test_kinds_failures(void)
{
    mg_db *db = open_kinds();
    long before = live;
    struct kind a = kind_a(), got;
    struct numbers n = { 0, 5, NULL }, ngot;
    struct lone l = { 0, { "x", 0 }, NULL }, lgot;
    int64_t id = -1, nid = -1, lid = -1;
    mg_param key;

    mg_insert_row(db, &kind_model, kind_insert, &a, &id);
    key = p_int(id);

    memset(&got, 0x5a, sizeof got);
    is_int(mg_get_row(db, &kind_model, kind_not_member, &key, 1, &got), MG_ERROR,
           "read: a value the enum does not have is MG_ERROR");
    ok(contains(mg_errmsg(db), "purple") && contains(mg_errmsg(db), "Colour"),
       "mg_errmsg names the value and the enum: %s", mg_errmsg(db));
    ok(is_zero(&got, sizeof got), "and the row is empty, numbers read before it included");
    memset(&got, 0x5a, sizeof got);
    is_int(mg_get_row(db, &kind_model, kind_null_enum, &key, 1, &got), MG_ERROR,
           "read: NULL in an enum that is not nullable is MG_ERROR");
    ok(contains(mg_errmsg(db), "NULL"), "mg_errmsg: %s", mg_errmsg(db));
    ok(is_zero(&got, sizeof got), "and the row is empty");
    memset(&got, 0x5a, sizeof got);
    is_int(mg_get_row(db, &kind_model, kind_too_few, &key, 1, &got), on_pg ? MG_ERROR : MG_MISUSE,
           "read: SQL with fewer columns than the model fails");
    ok(contains(mg_errmsg(db), "columns"), "mg_errmsg: %s", mg_errmsg(db));
    ok(is_zero(&got, sizeof got), "and the row is empty");
    no_leak(before, "refused reads");

    /* the block cannot be allocated: after every number was read */
    fail_mg_countdown = 1;
    memset(&got, 0x5a, sizeof got);
    is_int(mg_get_by_id(db, &kind_model, kind_get, id, &got), MG_NOMEM,
           "read: the row's block cannot be allocated: MG_NOMEM");
    fail_mg_countdown = 0;
    ok(is_zero(&got, sizeof got), "and the row is empty, numbers included");
    no_leak(before, "a read out of memory");

    /* binding */
    a.colour = 7;
    id = -1;
    is_int(mg_insert_row(db, &kind_model, kind_insert, &a, &id), MG_MISUSE,
           "bind: an enum value that is no member is MG_MISUSE");
    ok(contains(mg_errmsg(db), "7 is not a member of enum Colour"), "mg_errmsg: %s",
       mg_errmsg(db));
    a.colour = -1;
    is_int(mg_insert_row(db, &kind_model, kind_insert, &a, &id), MG_MISUSE,
           "bind: a negative enum value is MG_MISUSE");
    a.colour = GREEN;
    a.ncolour = 3;
    is_int(mg_insert_row(db, &kind_model, kind_insert, &a, &id), MG_MISUSE,
           "bind: a nullable enum with has_ set and no member is MG_MISUSE");
    is_int(raw_int(db, "SELECT count(*) FROM kinds"), 1, "the refused rows were not inserted");
    a.has_ncolour = false;
    is_int(mg_insert_row(db, &kind_model, kind_insert, &a, &id), MG_OK,
           "bind: with has_ncolour false the bad value is never looked at");

    is_int(mg_insert_row(db, &odd_model, "INSERT INTO numbers (id, n) VALUES (?1, ?2)", &n, &nid),
           MG_MISUSE, "bind: a column of an unknown type is MG_MISUSE");
    ok(contains(mg_errmsg(db), "unknown column type 42"), "mg_errmsg: %s", mg_errmsg(db));
    {
        mg_param odd = p_int(1);
        int64_t c = 5;
        odd.type = 99;
        is_int(mg_get_count(db, kind_by_i, &odd, 1, &c), MG_MISUSE,
               "bind: a parameter of an unknown type is MG_MISUSE");
        ok(contains(mg_errmsg(db), "unknown type"), "mg_errmsg: %s", mg_errmsg(db));
        is_int(c, 0, "and *count is 0");
    }

    /* numbers only: no block */
    is_int(mg_insert_row(db, &numbers_model, "INSERT INTO numbers (id, n) VALUES (?1, ?2)",
                         &n, &nid), MG_OK, "numbers: insert");
    memset(&ngot, 0x5a, sizeof ngot);
    is_int(mg_get_by_id(db, &numbers_model, "SELECT id, n FROM numbers WHERE id = ?1", nid, &ngot),
           MG_OK, "numbers: read");
    ok(ngot.id == nid && ngot.n == 5 && ngot.mg_owned == NULL,
       "a row without text or blob has no block");
    no_leak(before, "a numbers-only read");
    mg_free_row(&numbers_model, &ngot);

    /* a lone empty blob still gets a block, so that its data is not NULL */
    is_int(mg_insert_row(db, &lone_model, "INSERT INTO lone (id, b) VALUES (?1, ?2)", &l, &lid),
           MG_OK, "lone: insert an empty blob");
    memset(&lgot, 0x5a, sizeof lgot);
    is_int(mg_get_by_id(db, &lone_model, "SELECT id, b FROM lone WHERE id = ?1", lid, &lgot),
           MG_OK, "lone: read");
    ok(lgot.b.data != NULL && lgot.b.size == 0 && lgot.mg_owned != NULL
       && block_size(lgot.mg_owned) == 1, "an empty blob alone: non-NULL data, a 1-byte block");
    mg_free_row(&lone_model, &lgot);
    l.b.data = NULL;
    mg_insert_row(db, &lone_model, "INSERT INTO lone (id, b) VALUES (?1, ?2)", &l, &lid);
    memset(&lgot, 0x5a, sizeof lgot);
    mg_get_by_id(db, &lone_model, "SELECT id, b FROM lone WHERE id = ?1", lid, &lgot);
    ok(lgot.b.data == NULL && lgot.b.size == 0 && lgot.mg_owned == NULL,
       "a NULL blob alone: { NULL, 0 } and no block");
    no_leak(before, "kinds failures");
    mg_close(db);
}

/* Parameters of every type, bound by mg_exec_params and in WHERE clauses. */
static void test_params(void)
{
    static const char hello[] = "hello";
    mg_db *db = open_kinds();
    long before = live;
    mg_param p[15];
    struct kind got;
    int64_t changes = -1, n = -1;

    p[0] = p_int(100);
    p[1] = mg_param_int(INT64_C(1) << 40);
    p[2] = mg_param_real(2.25);
    p[3] = mg_param_text(hello);
    p[4] = mg_param_blob((mg_blob){ five_bytes, 5 });
    p[5] = mg_param_bool(true);
    p[6] = mg_param_time(1700000000);
    p[7] = mg_param_text("green");       /* enums travel as their member's name */
    p[8] = mg_param_null(MG_TYPE_INT);
    p[9] = mg_param_null(MG_TYPE_REAL);
    p[10] = mg_param_text(NULL);          /* NULL text is SQL NULL */
    p[11] = mg_param_blob((mg_blob){ NULL, 3 }); /* NULL data is SQL NULL, whatever the size */
    p[12] = mg_param_null(MG_TYPE_BOOL);
    p[13] = mg_param_null(MG_TYPE_TIME);
    p[14] = mg_param_null(MG_TYPE_TEXT);
    is_int(mg_exec_params(db, kind_params_insert, p, 15, &changes), MG_OK,
           "params: insert a row from 15 parameters of every type");
    is_int(changes, 1, "params: one row");
    memset(&got, 0x5a, sizeof got);
    is_int(mg_get_by_id(db, &kind_model, kind_get, 100, &got), MG_OK, "params: read it");
    ok(got.i == (INT64_C(1) << 40) && got.r == 2.25 && got.t != NULL && strcmp(got.t, hello) == 0
       && blob_is(got.b, five_bytes, 5) && got.flag && got.at == 1700000000
       && got.colour == GREEN, "params: int, real, text, blob, bool, time, enum as text");
    ok(!got.has_ni && !got.has_nr && got.nt == NULL && got.nb.data == NULL && !got.has_nflag
       && !got.has_nat && !got.has_ncolour, "params: the NULLs of every type");
    mg_free_row(&kind_model, &got);

    /* the same statements with different values: no stale binding */
    p[0] = mg_param_text(hello);
    is_int(mg_get_row(db, &kind_model, kind_by_t, p, 1, &got), MG_OK, "params: WHERE t = text");
    mg_free_row(&kind_model, &got);
    p[0] = mg_param_text("nobody");
    is_int(mg_get_row(db, &kind_model, kind_by_t, p, 1, &got), MG_NOTFOUND,
           "params: the same statement, another text");
    p[0] = mg_param_blob((mg_blob){ five_bytes, 5 });
    is_int(mg_get_row(db, &kind_model, kind_by_b, p, 1, &got), MG_OK, "params: WHERE b = blob");
    mg_free_row(&kind_model, &got);
    p[0] = mg_param_blob((mg_blob){ five_bytes, 4 });
    is_int(mg_get_row(db, &kind_model, kind_by_b, p, 1, &got), MG_NOTFOUND,
           "params: a blob one byte shorter does not match");
    p[0] = mg_param_bool(true);
    mg_get_count(db, kind_by_flag, p, 1, &n);
    is_int(n, 1, "params: WHERE flag = true");
    p[0] = mg_param_bool(false);
    mg_get_count(db, kind_by_flag, p, 1, &n);
    is_int(n, 0, "params: WHERE flag = false");
    p[0] = mg_param_time(1700000000);
    mg_get_count(db, kind_by_at, p, 1, &n);
    is_int(n, 1, "params: WHERE at = time");
    p[0] = mg_param_time(1700000001);
    mg_get_count(db, kind_by_at, p, 1, &n);
    is_int(n, 0, "params: a second later does not match");
    p[0] = mg_param_real(2.25);
    mg_get_count(db, kind_by_r, p, 1, &n);
    is_int(n, 1, "params: WHERE r = real");
    p[0] = mg_param_int(INT64_C(1) << 40);
    mg_get_count(db, kind_by_i, p, 1, &n);
    is_int(n, 1, "params: WHERE i = a 64-bit int");
    p[0] = mg_param_int((INT64_C(1) << 40) + 1);
    mg_get_count(db, kind_by_i, p, 1, &n);
    is_int(n, 0, "params: not truncated to 32 bits");
    mg_get_count(db, kind_null_ni, NULL, 0, &n);
    is_int(n, 1, "params: the NULL int was stored as NULL");

    if (!on_pg) {
        /* what ?1 becomes in SQLite; the same statement each time */
        mg_param kinds[] = {
            mg_param_int(5), mg_param_real(2.5), mg_param_text("Dune"), mg_param_text(NULL),
            mg_param_blob((mg_blob){ "x", 1 }), mg_param_bool(true), mg_param_time(7),
            mg_param_null(MG_TYPE_BLOB), mg_param_int(5),
        };
        static const int want[] = { 1, 2, 3, 4, 5, 1, 1, 4, 1 };
        size_t k;
        int right = 0;
        for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            right += mg_get_count(db, key_type, &kinds[k], 1, &n) == MG_OK && n == want[k];
        is_int(right, 9, "params: SQLite's typeof: integer, real, text, null, blob, bool as"
               " integer, time as integer");
    }
    no_leak(before, "params");
    mg_close(db);
}

/* ---- mg_get_row and mg_get_by_id ---- */

static void test_get_row(void)
{
    mg_db *db = open_library();
    long before = live;
    struct book b;
    struct author a;
    mg_param key;

    memset(&b, 0x5a, sizeof b);
    key = p_int(7);
    is_int(mg_get_row(db, &book_model, book_by_id, &key, 1, &b), MG_OK, "get_row: found");
    is_int(b.id, 7, "get_row: the id");
    is_str(b.title, "book 07", "get_row: the text column");
    ok(b.has_pages && b.pages == 70, "get_row: the nullable int, set (%lld)", (long long)b.pages);
    is_int(b.genre, genre_of(7), "get_row: the enum");
    ok(b.mg_owned != NULL && (void *)b.title == b.mg_owned,
       "get_row: the text lives in the row's block");
    is_int(live - before, 1, "get_row: one block per row");
    mg_free_row(&book_model, &b);

    key = p_int(9);
    is_int(mg_get_row(db, &book_model, book_by_id, &key, 1, &b), MG_OK,
           "get_row: a row whose pages are NULL");
    ok(!b.has_pages && b.pages == 0, "get_row: has_pages is false");
    mg_free_row(&book_model, &b);

    mg_fail(db, MG_ERROR, "an earlier message");
    memset(&b, 0x5a, sizeof b);
    key = p_int(404);
    is_int(mg_get_row(db, &book_model, book_by_id, &key, 1, &b), MG_NOTFOUND,
           "get_row: not found");
    ok(is_zero(&b, sizeof b), "get_row: not found zeroes *out");
    ok(strcmp(mg_errmsg(db), "an earlier message") == 0 || strcmp(mg_errmsg(db), "not an error") == 0,
       "get_row: not found records no message of its own: %s", mg_errmsg(db));

    memset(&b, 0x5a, sizeof b);
    key = p_int(1);
    is_int(mg_get_row(db, &book_model, book_bad, &key, 1, &b), MG_ERROR,
           "get_row: bad SQL is MG_ERROR");
    ok(contains(mg_errmsg(db), "nope"), "get_row: mg_errmsg: %s", mg_errmsg(db));
    ok(is_zero(&b, sizeof b), "get_row: a failed prepare zeroes *out");

    memset(&b, 0x5a, sizeof b);
    key = p_int(INT64_MIN);
    is_int(mg_get_row(db, &book_model, book_overflow, &key, 1, &b), MG_ERROR,
           "get_row: a failing step is MG_ERROR");
    ok(contains(mg_errmsg(db), pick("integer overflow", "out of range")), "get_row: mg_errmsg: %s",
       mg_errmsg(db));
    ok(is_zero(&b, sizeof b), "get_row: a failing step zeroes *out");
    key = p_int(3);
    is_int(mg_get_row(db, &book_model, book_overflow, &key, 1, &b), MG_OK,
           "get_row: the statement works again afterwards");
    is_int(b.id, 3, "get_row: with the right row");
    mg_free_row(&book_model, &b);

    /* a parameter for SQL without one */
    memset(&b, 0x5a, sizeof b);
    key = p_int(1);
    is_int(mg_get_row(db, &book_model, book_first, &key, 1, &b), MG_MISUSE,
           "get_row: a parameter the SQL does not have is MG_MISUSE");
    ok(contains(mg_errmsg(db), pick("out of range", "statement has 0")), "get_row: mg_errmsg: %s",
       mg_errmsg(db));
    ok(is_zero(&b, sizeof b), "get_row: a failed bind zeroes *out");
    is_int(mg_get_row(db, &book_model, book_first, NULL, 0, &b), MG_OK,
           "get_row: the same SQL with no parameter");
    is_int(b.id, 1, "get_row: gives the first row");
    mg_free_row(&book_model, &b);

    /* a read that fails */
    memset(&b, 0x5a, sizeof b);
    key = p_int(8);
    is_int(mg_get_row(db, &book_model, books_desc_bad_genre_at, &key, 1, &b), MG_OK,
           "get_row: the first row of a query whose 13th row is bad is fine");
    is_int(b.id, NBOOKS, "get_row: it is book 20");
    mg_free_row(&book_model, &b);
    key = p_int(NBOOKS);
    is_int(mg_get_row(db, &book_model, books_desc_bad_genre_at, &key, 1, &b), MG_ERROR,
           "get_row: a first row that cannot be read is MG_ERROR");
    ok(contains(mg_errmsg(db), "bogus"), "get_row: mg_errmsg: %s", mg_errmsg(db));
    ok(is_zero(&b, sizeof b), "get_row: a failed read leaves *out empty");

    fail_mg_countdown = 1;
    memset(&b, 0x5a, sizeof b);
    key = p_int(8);
    is_int(mg_get_row(db, &book_model, book_by_id, &key, 1, &b), MG_NOMEM,
           "get_row: the row's block cannot be allocated: MG_NOMEM");
    fail_mg_countdown = 0;
    ok(contains(mg_errmsg(db), pick("books", "out of memory")), "get_row: mg_errmsg: %s",
       mg_errmsg(db));
    ok(is_zero(&b, sizeof b), "get_row: and *out is empty");
    no_leak(before, "get_row");

    /* mg_get_by_id */
    is_int(mg_get_by_id(db, &book_model, book_by_id, 12, &b), MG_OK, "get_by_id: found");
    ok(b.id == 12 && b.title != NULL && strcmp(b.title, "book 12") == 0,
       "get_by_id: the row with that id");
    mg_free_row(&book_model, &b);
    memset(&b, 0x5a, sizeof b);
    is_int(mg_get_by_id(db, &book_model, book_by_id, 42, &b), MG_NOTFOUND,
           "get_by_id: not found");
    is_str(mg_errmsg(db), "no books row with id 42", "get_by_id: says which table and id");
    ok(is_zero(&b, sizeof b), "get_by_id: not found zeroes *out");
    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_by_id(db, &author_model, "SELECT id, name, born FROM authors WHERE id = ?1", -7,
                        &a), MG_NOTFOUND, "get_by_id: a negative id");
    is_str(mg_errmsg(db), "no authors row with id -7", "get_by_id: names the model's table");
    ok(is_zero(&a, sizeof a), "get_by_id: zeroes *out");
    is_int(mg_get_by_id(db, &book_model, book_bad, 1, &b), MG_ERROR,
           "get_by_id: other failures pass through");
    ok(contains(mg_errmsg(db), "nope"), "get_by_id: with the engine's message: %s",
       mg_errmsg(db));
    no_leak(before, "get_by_id");
    mg_close(db);
}

/* ---- Keys of each type ---- */

static void test_keys(void)
{
    mg_db *db = open_library();
    long before = live;
    int64_t n = -1;
    struct book b;
    mg_rows rows;
    mg_param key;

    key = mg_param_int(INT64_C(1) << 40);
    is_int(mg_get_count(db, key_plus_one, &key, 1, &n), MG_OK, "key int: a 64-bit value");
    is_int(n, (INT64_C(1) << 40) + 1, "key int: is not truncated");
    key = mg_param_real(2.5);
    mg_get_count(db, key_is_real, &key, 1, &n);
    is_int(n, 1, "key real: the value");
    key = mg_param_real(2.0);
    mg_get_count(db, key_is_real, &key, 1, &n);
    is_int(n, 0, "key real: another value");
    key = mg_param_text("Dune");
    mg_get_count(db, key_is_dune, &key, 1, &n);
    is_int(n, 1, "key text: the value");
    key = mg_param_text("Dun");
    mg_get_count(db, key_is_dune, &key, 1, &n);
    is_int(n, 0, "key text: another value");

    key = mg_param_text("book 13");
    is_int(mg_get_row(db, &book_model, book_by_title, &key, 1, &b), MG_OK,
           "key text: get_row by title");
    is_int(b.id, 13, "key text: finds the row");
    mg_free_row(&book_model, &b);

    key = mg_param_real(185.5);
    is_int(mg_get_rows(db, &book_model, books_heavier, &key, 1, &rows), MG_OK,
           "key real: get_rows with pages > 185.5");
    ok(rows.count == 2 && ((struct book *)rows.items)[0].id == 19
       && ((struct book *)rows.items)[1].id == 20, "key real: books 19 and 20 (%zu rows)",
       rows.count);
    free_books(&rows);

    is_int(mg_get_rows(db, &book_model, books_without_pages, NULL, 0, &rows), MG_OK,
           "get_rows: pages IS NULL");
    is_int(rows.count, NBOOKS / 3, "the books without pages");
    ok(rows.count > 0 && ((struct book *)rows.items)[0].id == 3
       && !((struct book *)rows.items)[0].has_pages, "starting with book 3");
    free_books(&rows);

    is_int(mg_get_count(db, count_books, NULL, 0, &n), MG_OK, "no parameter: SQL without ?1");
    is_int(n, NBOOKS, "counts every book");
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
    mg_param key;
    size_t i;
    int in_order = 1, titles = 1, pages = 1, blocks_ok = 1, genres = 1;

    is_int(mg_get_rows(db, &book_model, books_none, NULL, 0, &rows), MG_OK,
           "get_rows: no row is fine");
    ok(rows_empty(&rows), "get_rows: no row gives { NULL, 0 }");
    no_leak(before, "get_rows of nothing");

    rows = dirty_rows();
    key = p_int(4);
    is_int(mg_get_rows(db, &book_model, books_of_author, &key, 1, &rows), MG_OK,
           "get_rows: one row");
    items = rows.items;
    ok(rows.count == 1 && items[0].id == 17 && strcmp(items[0].title, "book 17") == 0,
       "get_rows: the one row is book 17");
    free_books(&rows);

    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_all_desc, NULL, 0, &rows), MG_OK,
           "get_rows: 20 rows (the array grows twice)");
    is_int(rows.count, NBOOKS, "get_rows: every row");
    is_int(live - before, NBOOKS + 1, "get_rows: a block per row and the array");
    is_int(block_size(rows.items), 32 * sizeof(struct book), "get_rows: the array has room for 32");
    items = rows.items;
    for (i = 0; i < rows.count; i++) {
        int64_t id = NBOOKS - (int64_t)i;
        char want[32];
        snprintf(want, sizeof want, "book %02lld", (long long)id);
        in_order &= items[i].id == id;
        titles &= items[i].title != NULL && strcmp(items[i].title, want) == 0;
        pages &= items[i].has_pages == has_pages_of(id)
                 && items[i].pages == (has_pages_of(id) ? id * 10 : 0);
        genres &= items[i].genre == genre_of(id);
        blocks_ok &= (void *)items[i].title == items[i].mg_owned
                     && block_size(items[i].mg_owned) == strlen(want) + 1;
    }
    ok(in_order, "get_rows: kept the SQL's order (ids 20 down to 1)");
    ok(titles, "get_rows: each row's title");
    ok(pages, "get_rows: each row's nullable pages");
    ok(genres, "get_rows: each row's enum");
    ok(blocks_ok, "get_rows: each row owns its own block, just big enough");
    free_books(&rows);
    no_leak(before, "get_rows of 20");

    rows = dirty_rows();
    key = p_int(2);
    is_int(mg_get_rows(db, &book_model, books_of_author, &key, 1, &rows), MG_OK,
           "get_rows: with an int parameter");
    items = rows.items;
    in_order = rows.count > 1;
    for (i = 0; i < rows.count; i++)
        in_order &= author_of(items[i].id) == 2 && (i == 0 || items[i - 1].id < items[i].id);
    ok(in_order, "get_rows: only author 2's books, by id (%zu)", rows.count);
    free_books(&rows);

    /* a read fails on the 12th row: after the array grew once */
    rows = dirty_rows();
    key = p_int(NBOOKS - 11);
    is_int(mg_get_rows(db, &book_model, books_desc_bad_genre_at, &key, 1, &rows), MG_ERROR,
           "get_rows: the 12th row cannot be read");
    ok(contains(mg_errmsg(db), "bogus"), "get_rows: the read's message: %s", mg_errmsg(db));
    ok(rows_empty(&rows), "get_rows: *out is empty");
    no_leak(before, "get_rows failing on a row (the 11 read are released)");
    rows = dirty_rows();
    key = p_int(NBOOKS);
    is_int(mg_get_rows(db, &book_model, books_desc_bad_genre_at, &key, 1, &rows), MG_ERROR,
           "get_rows: the first row cannot be read");
    ok(rows_empty(&rows), "get_rows: *out is empty");
    no_leak(before, "get_rows failing on the first row");

    /* the array's growth fails: first from 0 to 8 rows, then from 8 to 16, 16 to 32 */
    {
        static const size_t sizes[] = { 8, 16, 32 };
        size_t s;
        for (s = 0; s < 3; s++) {
            int before_faults = faults;
            fail_size = sizes[s] * sizeof(struct book);
            rows = dirty_rows();
            is_int(mg_get_rows(db, &book_model, books_all_desc, NULL, 0, &rows), MG_NOMEM,
                   s == 0 ? "get_rows: the first array allocation fails: MG_NOMEM"
                          : "get_rows: growing the array fails: MG_NOMEM");
            fail_size = 0;
            is_int(faults - before_faults, 1, "get_rows: that allocation was the one to fail");
            is_str(mg_errmsg(db), "out of memory", "get_rows: mg_errmsg says so");
            ok(rows_empty(&rows), "get_rows: *out is empty");
            no_leak(before, "get_rows whose array cannot grow");
        }
    }

    /* a row's block cannot be allocated, past the first growth */
    fail_mg_countdown = 11; /* array(8), 8 blocks, array(16), the 9th row's block */
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_all_desc, NULL, 0, &rows), MG_NOMEM,
           "get_rows: the 9th row's block cannot be allocated");
    fail_mg_countdown = 0;
    ok(contains(mg_errmsg(db), pick("books", "out of memory")), "get_rows: the read's message: %s",
       mg_errmsg(db));
    ok(rows_empty(&rows), "get_rows: *out is empty");
    no_leak(before, "get_rows whose row cannot be copied");

    /* failures before the first row and in the middle of the steps */
    rows = dirty_rows();
    key = p_int(1);
    is_int(mg_get_rows(db, &book_model, book_bad, &key, 1, &rows), MG_ERROR, "get_rows: bad SQL");
    ok(rows_empty(&rows), "get_rows: *out is empty");
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_all_desc, &key, 1, &rows), MG_MISUSE,
           "get_rows: a parameter the SQL does not have");
    ok(rows_empty(&rows), "get_rows: *out is empty");
    rows = dirty_rows();
    key = p_int(INT64_MIN);
    is_int(mg_get_rows(db, &book_model, book_overflow, &key, 1, &rows), MG_ERROR,
           "get_rows: the first step fails");
    ok(rows_empty(&rows), "get_rows: *out is empty");
    rows = dirty_rows();
    is_int(mg_get_rows(db, &book_model, books_fail_at_5, NULL, 0, &rows), MG_ERROR,
           "get_rows: the fifth step fails (after four rows were read, on SQLite)");
    ok(contains(mg_errmsg(db), pick("integer overflow", "out of range")),
       "get_rows: mg_errmsg: %s", mg_errmsg(db));
    ok(rows_empty(&rows), "get_rows: *out is empty");
    no_leak(before, "get_rows failing in the engine");
    is_int(mg_get_rows(db, &book_model, books_all_desc, NULL, 0, &rows), MG_OK,
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
    mg_param key;

    is_int(mg_get_count(db, count_books, NULL, 0, &n), MG_OK, "get_count without a parameter");
    is_int(n, NBOOKS, "get_count: every book");
    key = p_int(100);
    is_int(mg_get_count(db, count_heavier, &key, 1, &n), MG_OK, "get_count with a parameter");
    is_int(n, raw_int(db, "SELECT count(*) FROM books WHERE pages > 100"),
           "get_count: the rows matching it");
    ok(n > 0 && n < NBOOKS, "get_count: a proper subset (%lld)", (long long)n);
    n = -1;
    key = p_int(100000);
    is_int(mg_get_count(db, count_heavier, &key, 1, &n), MG_OK,
           "get_count: a parameter nothing matches");
    is_int(n, 0, "get_count: zero");
    n = -1;
    is_int(mg_get_count(db, count_bad, NULL, 0, &n), MG_ERROR, "get_count: bad SQL");
    ok(contains(mg_errmsg(db), "nowhere"), "get_count: mg_errmsg: %s", mg_errmsg(db));
    is_int(n, 0, "get_count: *count is 0 on failure");
    n = -1;
    key = p_int(INT64_MIN);
    is_int(mg_get_count(db, count_overflow, &key, 1, &n), MG_ERROR, "get_count: a failing step");
    is_int(n, 0, "get_count: *count is 0");
    n = -1;
    key = p_int(1);
    is_int(mg_get_count(db, count_books, &key, 1, &n), MG_MISUSE,
           "get_count: a parameter the SQL does not have");
    is_int(n, 0, "get_count: *count is 0");
    n = -1;
    is_int(mg_get_count(db, count_no_row, NULL, 0, &n), MG_OK,
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
    row.genre = ESSAY;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_OK, "insert_row");
    is_int(id, NBOOKS + 1, "insert_row: *id is the id the database picked, past the explicit ones");
    is_int(mg_get_by_id(db, &book_model, book_by_id, id, &got), MG_OK, "insert_row: read it back");
    ok(got.title != NULL && strcmp(got.title, "The Dispossessed") == 0 && got.has_pages
       && got.pages == 387 && got.genre == ESSAY, "insert_row: every column was bound");
    mg_free_row(&book_model, &got);

    row.id = 100;
    row.title = "Kindred";
    row.has_pages = false;
    row.pages = 12345;
    id = -1;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_OK,
           "insert_row with an id");
    is_int(id, 100, "insert_row: *id is the row's id");
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE title = 'Kindred' AND pages IS NULL"), 1,
           "insert_row: has_pages false stored NULL");

    row.id = 0;
    row.title = "Dawn";
    id = -1;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_OK,
           "insert_row: id 0 again after an explicit id");
    is_int(id, 101, "insert_row: the database picks the next id past it");
    row.id = 50;
    row.title = "Fifty";
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_OK,
           "insert_row: an explicit id below the largest");
    row.id = 0;
    row.title = "After fifty";
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_OK,
           "insert_row: then an automatic one");
    is_int(id, 102, "insert_row: which still goes past the largest");

    row.title = "Kindred";
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_CONSTRAINT,
           "insert_row: a duplicate title is MG_CONSTRAINT");
    ok(contains(mg_errmsg(db), pick("UNIQUE constraint failed: books.title", "books_title_key")),
       "insert_row: mg_errmsg: %s", mg_errmsg(db));
    row.id = 5;
    row.title = "Another";
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_CONSTRAINT,
           "insert_row: a duplicate id is MG_CONSTRAINT");
    row.id = 0;
    row.title = NULL;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_CONSTRAINT,
           "insert_row: a NULL title is MG_CONSTRAINT");
    ok(contains(mg_errmsg(db), pick("NOT NULL constraint failed: books.title", "title")),
       "insert_row: mg_errmsg: %s", mg_errmsg(db));
    row.title = "Never";
    row.genre = 3;
    is_int(mg_insert_row(db, &book_model, book_insert, &row, &id), MG_MISUSE,
           "insert_row: an enum value out of range is MG_MISUSE");
    ok(contains(mg_errmsg(db), "books.genre: 3 is not a member of enum Genre"),
       "insert_row: mg_errmsg: %s", mg_errmsg(db));
    row.genre = FICTION;
    is_int(raw_int(db, "SELECT count(*) FROM books"), NBOOKS + 5,
           "insert_row: the failures inserted nothing");
    is_int(mg_insert_row(db, &book_model, book_insert_bad, &row, &id), MG_ERROR,
           "insert_row: bad SQL");
    ok(contains(mg_errmsg(db), "nowhere"), "insert_row: mg_errmsg: %s", mg_errmsg(db));
    is_int(mg_insert_row(db, &book_model, book_bad, &row, &id), on_pg ? MG_MISUSE : MG_ERROR,
           "insert_row: SQL with the wrong number of parameters fails");

    /* update */
    row.id = 7;
    row.title = "Seven, renamed";
    row.has_pages = true;
    row.pages = 777;
    row.genre = POETRY;
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_OK, "update_row");
    is_int(mg_get_by_id(db, &book_model, book_by_id, 7, &got), MG_OK, "update_row: read it back");
    ok(got.title != NULL && strcmp(got.title, "Seven, renamed") == 0 && got.pages == 777
       && got.genre == POETRY, "update_row: the new values");
    mg_free_row(&book_model, &got);
    row.has_pages = false;
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_OK,
           "update_row: the same values but pages NULL");
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE id = 7 AND pages IS NULL"), 1,
           "update_row: pages is NULL now");
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_OK,
           "update_row: changing nothing still finds the row");
    row.id = 999;
    row.title = "Nobody";
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_NOTFOUND,
           "update_row: no row with the id");
    is_str(mg_errmsg(db), "no books row with id 999", "update_row: the NOTFOUND message");
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE title = 'Nobody'"), 0,
           "update_row: and nothing changed");
    row.id = 8;
    row.title = "Kindred";
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_CONSTRAINT,
           "update_row: a duplicate title is MG_CONSTRAINT, not NOTFOUND");
    row.genre = -2;
    is_int(mg_update_row(db, &book_model, book_update, &row), MG_MISUSE,
           "update_row: a bad enum value is MG_MISUSE");
    row.genre = FICTION;
    is_int(mg_update_row(db, &book_model, book_update_bad, &row), MG_ERROR,
           "update_row: bad SQL");
    ok(contains(mg_errmsg(db), "nope"), "update_row: mg_errmsg: %s", mg_errmsg(db));

    /* delete */
    is_int(mg_delete_row(db, &book_model, book_delete, 100), MG_OK, "delete_row");
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE id = 100"), 0,
           "delete_row: the row is gone");
    is_int(mg_delete_row(db, &book_model, book_delete, 100), MG_NOTFOUND,
           "delete_row: again is MG_NOTFOUND");
    is_str(mg_errmsg(db), "no books row with id 100", "delete_row: the NOTFOUND message");
    is_int(mg_delete_row(db, &author_model, author_delete, 2), MG_CONSTRAINT,
           "delete_row: a referenced author is MG_CONSTRAINT");
    ok(contains(mg_errmsg(db), pick("FOREIGN KEY constraint failed", "books_author_id_fkey")),
       "delete_row: mg_errmsg: %s", mg_errmsg(db));
    is_int(raw_int(db, "SELECT count(*) FROM authors WHERE id = 2"), 1,
           "delete_row: the author stays");
    is_int(mg_delete_row(db, &book_model, book_bad, 1), MG_ERROR, "delete_row: bad SQL");
    is_int(mg_delete_row(db, &book_model, book_first, 1), MG_MISUSE,
           "delete_row: SQL without ?1 is MG_MISUSE");
    is_int(raw_int(db, "SELECT count(*) FROM books"), NBOOKS + 4,
           "delete_row: only the one row went (5 inserted, 1 deleted)");
    no_leak(before, "insert, update, delete");
    mg_close(db);
}

/* ---- mg_set_key and mg_exec_params ---- */

static void test_set_key_exec_params(void)
{
    mg_db *db = open_library();
    int64_t key = 3, changes = -1;
    long long n;
    mg_param p[2];

    is_int(raw_int(db, "SELECT author_id FROM books WHERE id = 1"), 2, "book 1 starts by author 2");
    is_int(mg_set_key(db, &book_model, book_set_author, 1, &key), MG_OK, "set_key");
    is_int(raw_int(db, "SELECT author_id FROM books WHERE id = 1"), 3, "set_key: the column is set");
    is_int(mg_set_key(db, &book_model, book_set_author, 1, NULL), MG_OK, "set_key with NULL");
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE id = 1 AND author_id IS NULL"), 1,
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
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE id = 1 AND author_id IS NULL"), 1,
           "set_key: and the column kept its value");
    is_int(mg_set_key(db, &book_model, move_bad, 1, &key), MG_ERROR, "set_key: bad SQL");

    n = raw_int(db, "SELECT count(*) FROM books WHERE author_id = 2");
    p[0] = p_int(1);
    p[1] = p_int(2);
    is_int(mg_exec_params(db, move_books, p, 2, &changes), MG_OK, "exec_params");
    is_int(changes, n, "exec_params: *changes is the number of rows changed");
    ok(n > 1, "exec_params: several (%lld)", n);
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE author_id = 2"), 0,
           "exec_params: they moved");
    changes = -1;
    is_int(mg_exec_params(db, move_books, p, 2, &changes), MG_OK, "exec_params matching nothing");
    is_int(changes, 0, "exec_params: is no failure, *changes is 0");
    n = raw_int(db, "SELECT count(*) FROM books WHERE author_id = 3");
    p[0] = mg_param_null(MG_TYPE_INT);
    p[1] = p_int(3);
    is_int(mg_exec_params(db, move_books, p, 2, NULL), MG_OK, "exec_params: NULL first, NULL changes");
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE author_id = 3"), 0, "exec_params: it ran");
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE author_id IS NULL"),
           n + NBOOKS / 4 + 1, "exec_params: ?1 bound SQL NULL");
    changes = 77;
    p[0] = p_int(1);
    p[1] = p_int(1);
    is_int(mg_exec_params(db, move_bad, p, 2, &changes), MG_ERROR, "exec_params: bad SQL");
    is_int(changes, 0, "exec_params: *changes is 0 on failure");
    ok(contains(mg_errmsg(db), "nowhere"), "exec_params: mg_errmsg: %s", mg_errmsg(db));
    changes = 77;
    is_int(mg_exec_params(db, one_param, p, 2, &changes), MG_MISUSE,
           "exec_params: SQL without ?2 is MG_MISUSE");
    is_int(changes, 0, "exec_params: *changes is 0");
    p[0] = p_int(99);
    changes = 77;
    is_int(mg_exec_params(db, move_books, p, 2, &changes), MG_CONSTRAINT,
           "exec_params: a missing author is MG_CONSTRAINT");
    is_int(changes, 0, "exec_params: *changes is 0");
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
    ok(b.id == 5 && b.title != NULL && strcmp(b.title, "book 05") == 0 && b.pages == 50
       && b.genre == genre_of(5), "get_with: the book");
    ok(a.id == 3 && a.name != NULL && strcmp(a.name, "Butler") == 0 && a.born == 1947,
       "get_with: its author, read from column 4 on");
    ok(a.mg_owned != NULL && (void *)a.name == a.mg_owned && a.mg_owned != b.mg_owned,
       "get_with: each has its own block");
    is_int(live - before, 2, "get_with: two blocks");
    mg_free_row(&book_model, &b);
    mg_free_row(&author_model, &a);

    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 8, &b, &a), MG_OK,
           "get_with: a book without an author");
    is_int(b.id, 8, "get_with: the book");
    ok(is_zero(&a, sizeof a), "get_with: the target is zeroed");
    is_int(live - before, 1, "get_with: one block");
    mg_free_row(&book_model, &b);

    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 404, &b, &a), MG_NOTFOUND,
           "get_with: not found");
    is_str(mg_errmsg(db), "no books row with id 404", "get_with: the NOTFOUND message");
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both zeroed");

    /* the owner reads, then its target's read fails: both empty, the owner released */
    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    fail_mg_countdown = 2; /* the book's block, then the author's */
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 1, &b, &a), MG_NOMEM,
           "get_with: the target's block cannot be allocated");
    fail_mg_countdown = 0;
    ok(contains(mg_errmsg(db), pick("authors", "out of memory")),
       "get_with: the target's read's message: %s", mg_errmsg(db));
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both empty");
    no_leak(before, "get_with whose target fails (the book was released)");

    memset(&b, 0x5a, sizeof b);
    memset(&a, 0x5a, sizeof a);
    is_int(mg_get_with(db, &book_model, &author_model, book_bad_genre_with_author, 1, &b, &a),
           MG_ERROR, "get_with: the owner's read fails");
    ok(contains(mg_errmsg(db), "bogus"), "get_with: with its message: %s", mg_errmsg(db));
    ok(is_zero(&b, sizeof b) && is_zero(&a, sizeof a), "get_with: both empty");
    no_leak(before, "get_with whose owner fails");

    fail_mg_countdown = 1;
    is_int(mg_get_with(db, &book_model, &author_model, book_with_author, 1, &b, &a), MG_NOMEM,
           "get_with: the owner's block cannot be allocated");
    fail_mg_countdown = 0;
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
    ok(contains(mg_errmsg(db), pick("integer overflow", "out of range")), "get_with: mg_errmsg: %s",
       mg_errmsg(db));
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

    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors_none, &rows, &targets),
           MG_OK, "all_with: no row");
    ok(rows_empty(&rows) && rows_empty(&targets), "all_with: both arrays { NULL, 0 }");

    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors, &rows, &targets),
           MG_OK, "all_with: 20 books, some without an author");
    is_int(rows.count, NBOOKS, "all_with: every book");
    is_int(targets.count, NBOOKS, "all_with: a target slot for each");
    is_int(misaligned(&rows, &targets), 0,
           "all_with: item i of the targets is the author of book i, or zeroed");
    is_int(live - before, 2 + NBOOKS + (NBOOKS - NBOOKS / 4),
           "all_with: two arrays, a block per book and per author found");
    free_books(&rows);
    free_authors(&targets);
    no_leak(before, "all_with");

    /* failures midway: both arrays empty */
    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors_bad_genre_10, &rows,
                       &targets), MG_ERROR, "all_with: the 10th book's read fails");
    ok(contains(mg_errmsg(db), "bogus"), "all_with: its message: %s", mg_errmsg(db));
    ok(rows_empty(&rows) && rows_empty(&targets), "all_with: both arrays empty");
    no_leak(before, "all_with failing on a book");

    /* book 17's author's block: blocks go book, author, ... and the arrays at 8 and 16 */
    {
        /* allocations: 2 arrays, then per book 1 or 2 blocks, 2 more arrays after 8 pairs */
        int calls = 2, i;
        for (i = 1; i <= 17; i++) {
            if (i == 9 || i == 17) /* both arrays grow: to 16, to 32 */
                calls += 2;
            calls += 1 + (author_of(i) != 0);
        }
        rows = dirty_rows();
        targets = dirty_rows();
        fail_mg_countdown = calls; /* the last: book 17's author's block */
        is_int(mg_all_with(db, &book_model, &author_model, books_with_authors, &rows, &targets),
               MG_NOMEM, "all_with: the 17th book's author cannot be copied");
        fail_mg_countdown = 0;
        ok(contains(mg_errmsg(db), pick("authors", "out of memory")), "all_with: its message: %s",
           mg_errmsg(db));
        ok(rows_empty(&rows) && rows_empty(&targets), "all_with: both arrays empty");
        no_leak(before, "all_with failing on an author (book 17 was released)");
    }

    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors_fail_at_12, &rows,
                       &targets), MG_ERROR, "all_with: the 12th step fails");
    ok(contains(mg_errmsg(db), pick("integer overflow", "out of range")),
       "all_with: mg_errmsg: %s", mg_errmsg(db));
    ok(rows_empty(&rows) && rows_empty(&targets), "all_with: both arrays empty");
    no_leak(before, "all_with whose step fails");

    {
        /* each array's growth, the owners' first, then the targets' */
        static const struct { size_t size; const char *what; } grow[] = {
            { 8 * sizeof(struct book), "all_with: the first owner array fails" },
            { 8 * sizeof(struct author), "all_with: the first target array fails" },
            { 16 * sizeof(struct book), "all_with: growing the owners to 16 fails" },
            { 16 * sizeof(struct author), "all_with: growing the targets to 16 fails" },
            { 32 * sizeof(struct author), "all_with: growing the targets to 32 fails" },
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
            ok(rows_empty(&rows) && rows_empty(&targets), "all_with: both arrays empty");
            no_leak(before, "all_with out of memory");
        }
    }

    rows = dirty_rows();
    targets = dirty_rows();
    is_int(mg_all_with(db, &book_model, &author_model, books_with_authors_bad, &rows, &targets),
           MG_ERROR, "all_with: bad SQL");
    ok(rows_empty(&rows) && rows_empty(&targets), "all_with: both arrays empty");
    no_leak(before, "all_with");
    mg_close(db);
}

/* ---- Every allocation failing in turn ---- */

typedef int (*scenario_fn)(mg_db *db, int *bad);

/* On failure each scenario also checks that its outputs are empty. */
static int scenario_get_rows(mg_db *db, int *bad)
{
    mg_rows rows = dirty_rows();
    int status = mg_get_rows(db, &book_model, books_all_desc, NULL, 0, &rows);
    if (status != MG_OK)
        *bad += !rows_empty(&rows);
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
    mg_free_row(&book_model, &b);
    mg_free_row(&author_model, &a);
    return status;
}

static int scenario_all_with(mg_db *db, int *bad)
{
    mg_rows rows = dirty_rows(), targets = dirty_rows();
    int status = mg_all_with(db, &book_model, &author_model, books_with_authors, &rows, &targets);
    if (status != MG_OK)
        *bad += !rows_empty(&rows) || !rows_empty(&targets);
    else
        *bad += rows.count != NBOOKS || misaligned(&rows, &targets) != 0;
    free_books(&rows);
    free_authors(&targets);
    return status;
}

/* a row of every type: reading it allocates its block, converting may allocate too */
static int scenario_kinds(mg_db *db, int *bad)
{
    struct kind got;
    mg_rows rows = dirty_rows();
    int status;

    memset(&got, 0x5a, sizeof got);
    status = mg_get_by_id(db, &kind_model, kind_get, 1, &got);
    if (status != MG_OK)
        *bad += !is_zero(&got, sizeof got);
    else
        *bad += got.t == NULL || strcmp(got.t, utf8_text) != 0 || !blob_is(got.b, five_bytes, 5)
                || got.i != INT64_MIN || got.colour != BLUE || !got.has_ncolour;
    mg_free_row(&kind_model, &got);
    if (status == MG_OK) {
        status = mg_get_rows(db, &kind_model, kind_all, NULL, 0, &rows);
        if (status != MG_OK)
            *bad += !rows_empty(&rows);
        else
            *bad += rows.count != 2;
        mg_free_rows(&kind_model, rows.items, rows.count);
    }
    return status;
}

/* writes: an insert of every type, updated, then deleted; what the table holds after a
   failure is checked, and tidied, with no failure injected */
static int scenario_write(mg_db *db, int *bad)
{
    struct kind k = kind_a();
    int64_t id = 0;
    bool inserted, updated = false, deleted = false;
    int status = mg_insert_row(db, &kind_model, kind_insert, &k, &id), paused;

    inserted = status == MG_OK;
    if (status == MG_OK) {
        k.id = id;
        k.t = "changed";
        status = mg_update_row(db, &kind_model, kind_update, &k);
        updated = status == MG_OK;
    }
    if (status == MG_OK) {
        status = mg_delete_row(db, &kind_model, "DELETE FROM kinds WHERE id = ?1", id);
        deleted = status == MG_OK;
    }
    paused = fail_countdown;
    fail_countdown = 0;
    if (raw_int(db, "SELECT count(*) FROM kinds") != 2 + (inserted && !deleted))
        (*bad)++;
    if (inserted && !deleted
        && raw_int(db, "SELECT count(*) FROM kinds WHERE t = 'changed'") != (updated ? 1 : 0))
        (*bad)++;
    raw_exec(db, "DELETE FROM kinds WHERE id > 2");
    fail_countdown = paused;
    return status;
}

static mg_db *open_kinds_with_rows(void)
{
    mg_db *db = open_kinds();
    struct kind a = kind_a(), b = kind_b();
    int64_t id;

    a.id = 1;
    b.id = 2;
    if (mg_insert_row(db, &kind_model, kind_insert, &a, &id) != MG_OK
        || mg_insert_row(db, &kind_model, kind_insert, &b, &id) != MG_OK)
        bail("cannot fill kinds", mg_errmsg(db));
    return db;
}

/* Runs the scenario with the kth allocation from now failing. */
static int run_failing(mg_db *db, scenario_fn run, int k, int *bad)
{
    int status;

    if (on_pg)
        fail_mg_countdown = k; /* libpq's allocations cannot be failed */
    else
        fail_countdown = k;
    status = run(db, bad);
    fail_countdown = fail_mg_countdown = 0;
    return status;
}

/* Fails each allocation of the scenario in turn. The library's blocks must be exactly
   as many after each failure as before. sqlite3 may keep memory for the connection after
   a failure (a statement prepared again, an error buffer), once: a failure whose repeat
   takes more again is a leak, and so is anything left after mg_close. */
static void sweep(const char *name, mg_db *(*open)(void), scenario_fn run)
{
    sqlite3_int64 at_start = sqlite3_memory_used();
    mg_db *db = open();
    int k, injected = 0, not_nomem = 0, leaks = 0, bad = 0, last = -1;
    long calls = mg_calls;

    run(db, &bad); /* prepares and caches the statements */
    calls = mg_calls - calls;
    for (k = 1; k < 100000; k++) {
        int before = faults, status;
        long live_before = live;
        sqlite3_int64 used = sqlite3_memory_used(), kept;
        status = run_failing(db, run, k, &bad);
        kept = sqlite3_memory_used() - used;
        if (kept != 0 && faults != before) {
            used = sqlite3_memory_used();
            run_failing(db, run, k, &bad);
            kept = sqlite3_memory_used() - used;
        }
        if (live != live_before || kept != 0) {
            leaks++;
            printf("# %s, allocation %d: %ld blocks of the library's, %lld bytes of sqlite3's"
                   " more than before (%s)\n", name, k, live - live_before, (long long)kept,
                   mg_status_name(status));
        }
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
    ok(injected >= calls && (calls > 0 || injected > 0),
       "%s: failed each of the %d allocations in turn (%ld of them the library's)", name,
       injected, calls);
    is_int(last, MG_OK, "the scenario passes once no allocation fails");
    is_int(not_nomem, 0, "every failed allocation gave MG_NOMEM (or was absorbed)");
    is_int(bad, 0, "every failure left the outputs empty, every success was right");
    is_int(leaks, 0, "no failure leaked memory (library or sqlite3)");
    mg_close(db);
    is_int(sqlite3_memory_used() - at_start, 0, "mg_close gave back all of sqlite3's memory");
}

int main(int argc, char **argv)
{
    choose_engine(argc, argv);
    if (!install_allocators()) {
        printf("Bail out! cannot install the allocators\n");
        return 1;
    }
    printf("# engine: %s\n", engine_name());
    test_kinds_round_trip();
    test_kinds_failures();
    test_params();
    test_get_row();
    test_keys();
    test_get_rows();
    test_get_count();
    test_insert_update_delete();
    test_set_key_exec_params();
    test_get_with();
    test_all_with();
    sweep("get_rows", open_library, scenario_get_rows);
    sweep("get_with", open_library, scenario_get_with);
    sweep("all_with", open_library, scenario_all_with);
    sweep("kinds", open_kinds_with_rows, scenario_kinds);
    if (!on_pg) /* writes allocate nothing of the library's */
        sweep("write", open_kinds_with_rows, scenario_write);
    is_int(live, 0, "the library holds nothing at the end");
    return done_testing();
}
