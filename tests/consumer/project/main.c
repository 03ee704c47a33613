/* A program of one's own against an installed modelgen: it inserts a cycle of two rows
   (an author whose favourite book is by her) in one transaction, reads both back in one
   query, and runs a statement of its own through sqlite3, on the handle mg_sqlite gives:
   so it links only if pkg-config's flags for modelgen bring sqlite3 too. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "app.h"

static int failed(mg_db *db, const char *what, int rc)
{
    fprintf(stderr, "app: %s: %s: %s\n", what, mg_status_name(rc), db ? mg_errmsg(db) : "");
    mg_rollback(db);
    mg_close(db);
    return 1;
}

int main(int argc, char **argv)
{
    const char *target = argc > 1 ? argv[1] : ":memory:";
    mg_db *db = NULL;
    int rc = mg_open(target, &db);
    if (rc != MG_OK) {
        fprintf(stderr, "app: cannot open %s: %s\n", target, mg_open_errmsg());
        return 1;
    }
    if ((rc = app_migrate(db)) != MG_OK)
        return failed(db, "app_migrate", rc);

    struct author author;
    struct book book;
    author_init(&author);
    author.name = "Ursula";
    book_init(&book);
    book.title = "The Dispossessed";
    if ((rc = mg_begin(db)) != MG_OK)
        return failed(db, "mg_begin", rc);
    if ((rc = author_insert(db, &author)) != MG_OK)
        return failed(db, "author_insert", rc);
    book.author_id = author.id;
    if ((rc = book_insert(db, &book)) != MG_OK)
        return failed(db, "book_insert", rc);
    if ((rc = author_set_favourite(db, &author, &book)) != MG_OK)
        return failed(db, "author_set_favourite", rc);
    if ((rc = mg_commit(db)) != MG_OK)
        return failed(db, "mg_commit", rc);

    struct author got;
    struct book favourite;
    if ((rc = author_get_with_favourite(db, author.id, &got, &favourite)) != MG_OK)
        return failed(db, "author_get_with_favourite", rc);
    int same = strcmp(got.name, "Ursula") == 0 && favourite.id == book.id &&
               strcmp(favourite.title, "The Dispossessed") == 0 &&
               favourite.author_id == got.id;
    author_free(&got);
    book_free(&favourite);
    if (!same) {
        fprintf(stderr, "app: the cycle did not read back as it was written\n");
        mg_close(db);
        return 1;
    }

    sqlite3 *raw = mg_sqlite(db);
    char *error = NULL;
    if (!raw || sqlite3_exec(raw, "UPDATE books SET title = upper(title)", NULL, NULL,
                             &error) != SQLITE_OK || sqlite3_changes(raw) != 1) {
        fprintf(stderr, "app: sqlite3: %s\n", error ? error : "no handle or no change");
        sqlite3_free(error);
        mg_close(db);
        return 1;
    }
    printf("ok: %s's favourite is %s; sqlite3 %s changed 1 row\n", author.name, book.title,
           sqlite3_libversion());
    mg_close(db);
    return 0;
}
