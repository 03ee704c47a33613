/* One program for the four constraint modes of books.author (auto, deferred, immediate,
   none): compiled against each generated API, it must behave the same, except that a
   dangling reference is rejected when the database enforces the key (ENFORCED=1) and
   accepted when it does not (ENFORCED=0); and where it is rejected: at mg_commit when
   the embedded DDL defers the key (DEFERRED=1), at the insert when not. Either way the
   transaction ends rolled back, on SQLite and on PostgreSQL. */
#include "modes.h"
#include "tap.h"
#include "common.h"

#ifndef ENFORCED
#error "compile with -DENFORCED=0 or -DENFORCED=1"
#endif
#ifndef DEFERRED
#error "compile with -DDEFERRED=0 or -DDEFERRED=1"
#endif

static mg_db *db;

int main(void)
{
    struct author a, got_a;
    struct book b, dangling, got_b;
    struct author_array authors;
    struct book_array books;
    int64_t n;
    int inserted, committed;

    db = open_db(":memory:", modes_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();
    is_int(modes_migrate(db), MG_OK, "migrate twice");

    author_init(&a);
    a.name = "Le Guin";
    is_int(author_insert(db, &a), MG_OK, "insert an author");
    book_init(&b);
    b.title = "The Dispossessed";
    is_int(book_insert(db, &b), MG_OK, "insert a book");
    is_int(book_set_author(db, &b, &a), MG_OK, "set_author");
    is_int(author_set_favorite(db, &a, &b), MG_OK, "set_favorite: the cycle is closed");
    is_int(book_get_author(db, &b, &got_a), MG_OK, "get_author");
    is_str(got_a.name, "Le Guin", "the author");
    author_free(&got_a);
    is_int(author_get_books(db, &a, &books), MG_OK, "get_books");
    ok(books.count == 1 && books.items[0].id == b.id, "her book");
    book_array_free(&books);
    is_int(author_count_books(db, &a, &n), MG_OK, "count_books");
    is_int(n, 1, "1");
    is_int(book_get_with_author(db, b.id, &got_b, &got_a), MG_OK, "get_with_author");
    ok(got_b.id == b.id && got_a.id == a.id, "both rows");
    book_free(&got_b);
    author_free(&got_a);
    is_int(book_all_with_author(db, &books, &authors), MG_OK, "all_with_author");
    ok(books.count == 1 && authors.count == 1 && authors.items[0].id == a.id, "aligned");
    book_array_free(&books);
    author_array_free(&authors);
    is_int(book_set_author(db, &b, NULL), MG_OK, "set_author(NULL)");
    ok(!b.has_author_id, "cleared");

    /* A dangling reference, in a transaction: an enforced key rejects it at the insert
       (immediate) or at the commit (deferred); without a constraint it stays. */
    book_init(&dangling);
    dangling.title = "Orphan";
    dangling.author_id = 4242;
    dangling.has_author_id = true;
    is_int(mg_begin(db), MG_OK, "begin");
    inserted = book_insert(db, &dangling);
#if ENFORCED && DEFERRED
    is_int(inserted, MG_OK, "a deferred key accepts the dangling reference at the insert");
    is_int(book_count(db, &n), MG_OK, "the transaction goes on");
    committed = mg_commit(db);
    is_int(committed, MG_CONSTRAINT, "and mg_commit fails with MG_CONSTRAINT");
    ok(strstr(mg_errmsg(db), is_postgres(db) ? "books_author_id_fkey" : "FOREIGN KEY") != NULL,
       "the message names the key: %s", mg_errmsg(db));
#elif ENFORCED
    is_int(inserted, MG_CONSTRAINT, "an immediate key rejects the dangling reference at once");
    ok(strstr(mg_errmsg(db), is_postgres(db) ? "books_author_id_fkey" : "FOREIGN KEY") != NULL,
       "the message names the key: %s", mg_errmsg(db));
    is_int(book_count(db, &n), MG_ERROR, "the transaction has failed: a later call is MG_ERROR");
    committed = mg_commit(db);
    is_int(committed, MG_CONSTRAINT, "and mg_commit returns the insert's MG_CONSTRAINT");
    ok(strstr(mg_errmsg(db), "rolled back") != NULL &&
       strstr(mg_errmsg(db), is_postgres(db) ? "books_author_id_fkey" : "FOREIGN KEY") != NULL,
       "saying it rolled back, and the first failure's message: %s", mg_errmsg(db));
#else
    committed = mg_commit(db);
#endif
    ok(no_transaction_open(db), "no transaction is left open");
    ok(!mg_in_transaction(db), "mg_in_transaction says so too");
#if ENFORCED
    ok(inserted == MG_CONSTRAINT || (inserted == MG_OK && committed == MG_CONSTRAINT),
       "an enforced key rejects a dangling reference (insert %d, commit %d)", inserted,
       committed);
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE title = 'Orphan'"), 0,
           "and the database is as before: rolled back");
    is_int(book_count(db, &n), MG_OK, "the connection works again");
    is_int(n, 1, "one book, as before");
#else
    ok(inserted == MG_OK && committed == MG_OK,
       "without a constraint a dangling reference is accepted (insert %d, commit %d)",
       inserted, committed);
    is_int(raw_int(db, "SELECT count(*) FROM books WHERE title = 'Orphan'"), 1, "and kept");
#endif
    dangling.id = 0;
    dangling.title = "Orphan outside a transaction";
    is_int(book_insert(db, &dangling), ENFORCED ? MG_CONSTRAINT : MG_OK,
           "the same outside a transaction");
    if (dangling.id != 0) {
        is_int(book_get_author(db, &dangling, &got_a), MG_NOTFOUND, "get_author: dangling");
        is_int(book_get_with_author(db, dangling.id, &got_b, &got_a), MG_OK, "get_with_author");
        ok(got_a.id == 0, "a dangling key reads as no author");
        book_free(&got_b);
    }
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
