/* Writes beyond one row through the generated API, on the engine of the run (common.h):
   NAME_insert_many (ids set, all or nothing, the failing row named, inside a transaction a
   savepoint), NAME_upsert_by_KEY (a field, a composite with a belongs_to, a key alone, SQL
   keywords), NAME_update_columns (the chosen columns only, another writer's survive),
   nested transactions as savepoints, and mg_constraint for every kind of violation. */
#include "writes.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

static struct author an_author(const char *email, const char *name)
{
    struct author a;
    author_init(&a);
    a.email = email;
    a.name = name;
    return a;
}

static struct post a_post(const struct author *by, const char *title)
{
    struct post p;
    post_init(&p);
    p.title = title;
    p.author_id = by->id;
    return p;
}

static mg_constraint_info constraint_of(mg_db *conn)
{
    mg_constraint_info c;
    mg_constraint(conn, &c);
    return c;
}

/* ---- NAME_insert_many ---- */

static void test_insert_many(void)
{
    enum { N = 3000 };
    struct author *authors = calloc(N, sizeof *authors);
    struct post *posts = calloc(N, sizeof *posts);
    char (*emails)[32] = calloc(N, sizeof *emails);
    size_t failed = 0, i;
    long long prepared;
    bool ids_ok = true;
    struct author got;

    for (i = 0; i < N; i++) {
        snprintf(emails[i], sizeof emails[i], "a%zu@example.com", i);
        authors[i] = an_author(emails[i], "writer");
    }
    authors[10].id = 50000;
    is_int(author_insert_many(db, authors, N, &failed), MG_OK, "3000 authors in one call");
    is_int(failed, N, "*failed is n");
    is_int(raw_int(db, "SELECT count(*) FROM authors"), N, "all of them");
    for (i = 1; i < N; i++)
        ids_ok = ids_ok && authors[i].id != 0 && authors[i].id != authors[i - 1].id;
    ok(ids_ok && authors[10].id == 50000, "every id is set, the explicit one kept");
    is_int(author_get(db, authors[2999].id, &got), MG_OK, "the last one reads back");
    ok(got.email && strcmp(got.email, "a2999@example.com") == 0, "by its id");
    author_free(&got);
    ok(busy_statements(db) == 0, "no statement left running");
    {
        struct author later = an_author("later@example.com", "x");
        is_int(author_insert(db, &later), MG_OK, "an insert after the batch");
        ok(later.id > 50000, "takes an id past the explicit one (%lld)", (long long)later.id);
    }

    /* posts of a few authors, then a batch whose row 1234 names no author */
    for (i = 0; i < N; i++)
        posts[i] = a_post(&authors[i % 7], emails[i]);
    posts[5].views = 3;
    posts[5].has_views = true;
    posts[5].cover = (mg_blob){ "\0\1", 2 };
    posts[5].status = STATUS_PUBLISHED;
    is_int(post_insert_many(db, posts, N, &failed), MG_OK, "3000 posts");
    for (i = 0; i < N; i++) {
        snprintf(emails[i], sizeof emails[i], "second %zu", i);
        posts[i] = a_post(&authors[i % 7], emails[i]);
    }
    posts[1234].author_id = 987654321;
    is_int(post_insert_many(db, posts, N, &failed), MG_CONSTRAINT,
           "a batch with a key to no author");
    is_int(failed, 1234, "names row 1234");
    is_int(constraint_of(db).kind, MG_FOREIGN_KEY, "mg_constraint: MG_FOREIGN_KEY");
    is_int(raw_int(db, "SELECT count(*) FROM posts WHERE title LIKE 'second%'"), 0,
           "none of the batch was inserted");
    ok(posts[0].id == 0 && posts[1233].id == 0, "the ids before it are zero again");
    prepared = prepared_statements(db);
    is_int(post_insert_many(db, posts, N, &failed), MG_CONSTRAINT, "the same batch again");
    is_int(failed, 1234, "the same row");
    is_int(prepared_statements(db), prepared, "the insert's statements were reused");
    ok(no_transaction_open(db), "no transaction is left open");
    ok(busy_statements(db) == 0, "no statement left running");

    /* inside a transaction: a savepoint of its own */
    is_int(mg_begin(db), MG_OK, "begin");
    authors[0] = an_author("tx0@example.com", "in tx");
    authors[1] = an_author("tx1@example.com", "in tx");
    authors[2] = an_author("a1@example.com", "in tx");
    is_int(author_insert_many(db, authors, 3, &failed), MG_CONSTRAINT,
           "a batch inside the transaction with a taken email");
    is_int(failed, 2, "names row 2");
    is_str(constraint_of(db).columns, "email", "mg_constraint: the email");
    is_int(mg_transaction_depth(db), 1, "the transaction is as it was");
    is_int(author_insert_many(db, authors, 2, &failed), MG_OK, "the first two alone");
    is_int(mg_commit(db), MG_OK, "commit");
    is_int(raw_int(db, "SELECT count(*) FROM authors WHERE name = 'in tx'"), 2, "kept");
    is_int(author_insert_many(db, NULL, 1, &failed), MG_MISUSE, "NULL rows: MG_MISUSE");
    is_int(author_insert_many(db, NULL, 0, NULL), MG_OK, "no rows: MG_OK");
    free(authors);
    free(posts);
    free(emails);
}

/* ---- NAME_upsert_by_KEY ---- */

static void test_upsert(void)
{
    struct author a = an_author("up@example.com", "first"), got;
    struct post p;
    struct tag t;
    struct order o;
    int64_t id;

    is_int(author_upsert_by_email(db, &a), MG_OK, "upsert a new author");
    ok(a.id > 0, "its id is set");
    id = a.id;
    {
        struct author other = an_author("other-up@example.com", "x");
        author_insert(db, &other);
    }
    a.id = 0;
    a.name = "second";
    a.karma = 7;
    is_int(author_upsert_by_email(db, &a), MG_OK, "upsert the same email");
    is_int(a.id, id, "the existing row's id, not the last insert's");
    is_int(author_get(db, id, &got), MG_OK, "read it");
    ok(strcmp(got.name, "second") == 0 && got.karma == 7, "its other columns are updated");
    author_free(&got);
    is_int(author_upsert_by_email(db, NULL), MG_MISUSE, "NULL: MG_MISUSE");

    p = a_post(&a, "hello");
    is_int(post_upsert_by_author_id_and_title(db, &p), MG_OK, "upsert a post by (author, title)");
    id = p.id;
    p.id = 0;
    p.views = 10;
    p.has_views = true;
    is_int(post_upsert_by_author_id_and_title(db, &p), MG_OK, "again");
    is_int(p.id, id, "the same post");
    is_int(raw_int(db, "SELECT views FROM posts WHERE title = 'hello'"), 10, "updated");

    tag_init(&t);
    t.label = "c";
    is_int(tag_upsert_by_label(db, &t), MG_OK, "a tag");
    id = t.id;
    t.id = 0;
    is_int(tag_upsert_by_label(db, &t), MG_OK, "the same tag: nothing but the key to update");
    is_int(t.id, id, "its id");

    order_init(&o);
    o.select = "sel";
    o.from = 1;
    o.has_from = true;
    is_int(order_upsert_by_select(db, &o), MG_OK, "keywords: an order");
    id = o.id;
    o.id = 0;
    o.from = 2;
    o.where = true;
    is_int(order_upsert_by_select(db, &o), MG_OK, "the same order");
    is_int(o.id, id, "its id");
    is_int(raw_int(db, per_engine(db, "SELECT \"from\" + \"where\" FROM orders",
                                  "SELECT \"from\" + \"where\"::int FROM orders")), 3,
           "both columns updated");
    {
        /* enough rows for PostgreSQL's INSERT of arrays, with keywords for names */
        struct order many[40];
        char names[40][16];
        size_t failed = 0;
        for (int i = 0; i < 40; i++) {
            order_init(&many[i]);
            snprintf(names[i], sizeof names[i], "o%d", i);
            many[i].select = names[i];
            many[i].from = i;
            many[i].has_from = i % 2 == 0;
        }
        is_int(order_insert_many(db, many, 40, &failed), MG_OK, "40 orders in one call");
        is_int(raw_int(db, "SELECT count(*) FROM orders WHERE \"from\" IS NULL"), 20,
               "half of them without a from");
        is_int(raw_int(db, "SELECT sum(\"from\") FROM orders WHERE \"select\" LIKE 'o%'"),
               380, "the others with theirs");
    }
    ok(busy_statements(db) == 0, "no statement left running");
}

/* ---- NAME_update_columns ---- */

static void test_update_columns(const char *target)
{
    mg_db *other = NULL;
    struct author a = an_author("cols@example.com", "ann"), got;
    struct post p;
    long long prepared;

    if (mg_open(target, &other) != MG_OK) {
        ok(0, "a second connection: %s", mg_open_errmsg());
        return;
    }
    a.bio = "bio";
    author_insert(db, &a);
    is_int(raw_exec(other, "UPDATE authors SET karma = 99 WHERE email = 'cols@example.com'"),
           MG_OK, "another writer sets karma");
    a.name = "anna";
    a.karma = -1;
    a.bio = NULL;
    is_int(author_update_columns(db, &a, AUTHOR_NAME), MG_OK, "update the name alone");
    is_int(author_get(db, a.id, &got), MG_OK, "read it");
    ok(strcmp(got.name, "anna") == 0, "the name is written");
    ok(got.karma == 99 && got.bio && strcmp(got.bio, "bio") == 0,
       "karma (the other writer's) and bio are not");
    author_free(&got);
    prepared = prepared_statements(db);
    is_int(author_update_columns(db, &a, AUTHOR_BIO | AUTHOR_KARMA), MG_OK,
           "bio (to NULL) and karma");
    is_int(author_get(db, a.id, &got), MG_OK, "read it");
    ok(got.bio == NULL && got.karma == -1 && strcmp(got.name, "anna") == 0, "written");
    author_free(&got);
    is_int(prepared_statements(db), prepared, "another choice, the same statement");
    is_int(author_update_columns(db, &a, (uint64_t)1 << 4), MG_MISUSE,
           "a bit past the columns: MG_MISUSE");
    a.id = 123456789;
    is_int(author_update_columns(db, &a, AUTHOR_NAME), MG_NOTFOUND, "no such row: MG_NOTFOUND");

    a = an_author("cols2@example.com", "x");
    author_insert(db, &a);
    p = a_post(&a, "t");
    post_insert(db, &p);
    p.status = STATUS_ARCHIVED;
    p.views = 5;
    p.has_views = true;
    p.title = "not written";
    is_int(post_update_columns(db, &p, POST_STATUS | POST_VIEWS), MG_OK, "a post's status and views");
    is_int(raw_int(db, "SELECT count(*) FROM posts WHERE title = 't' AND status = 'archived'"
                       " AND views = 5"), 1, "written, the title kept");
    p.status = (enum status)42;
    is_int(post_update_columns(db, &p, POST_VIEWS), MG_OK,
           "an enum that is no member, not chosen, is not read");
    ok(busy_statements(db) == 0, "no statement left running");
    mg_close(other);
}

/* ---- Savepoints ---- */

static void test_savepoints(void)
{
    struct author a = an_author("sp1@example.com", "sp"), b = an_author("sp2@example.com", "sp");

    is_int(mg_begin(db), MG_OK, "begin");
    is_int(author_insert(db, &a), MG_OK, "an author");
    is_int(mg_begin(db), MG_OK, "a savepoint");
    is_int(author_insert(db, &b), MG_OK, "another, inside it");
    b.id = 0;
    b.email = "sp1@example.com";
    is_int(author_insert(db, &b), MG_CONSTRAINT, "a duplicate fails the savepoint");
    is_int(author_count(db, &(int64_t){0}), MG_ERROR, "which refuses every call");
    is_int(mg_rollback(db), MG_OK, "rolled back to the savepoint");
    is_int(mg_transaction_depth(db), 1, "the transaction goes on");
    b.id = 0;
    b.email = "sp3@example.com";
    is_int(author_insert(db, &b), MG_OK, "and inserts");
    is_int(mg_commit(db), MG_OK, "commits");
    is_int(raw_int(db, "SELECT count(*) FROM authors WHERE name = 'sp'"), 2,
           "sp1 and sp3, not sp2");
}

/* ---- Which constraint ---- */

static void test_constraints(void)
{
    struct author a = an_author("c@example.com", "c"), dup;
    struct post p;
    mg_constraint_info c;

    author_insert(db, &a);
    dup = an_author("c@example.com", "d");
    is_int(author_insert(db, &dup), MG_CONSTRAINT, "a taken email");
    c = constraint_of(db);
    is_int(c.kind, MG_UNIQUE, "MG_UNIQUE");
    is_str(c.table, "authors", "on authors");
    is_str(c.columns, "email", "its column");
    if (is_postgres(db))
        is_str(c.name, "authors_email_key", "PostgreSQL names it");

    dup = an_author("d@example.com", "d");
    dup.id = a.id;
    is_int(author_insert(db, &dup), MG_CONSTRAINT, "a taken id");
    is_int(constraint_of(db).kind, MG_PRIMARY_KEY, "MG_PRIMARY_KEY");
    is_str(constraint_of(db).columns, "id", "on id");

    dup = an_author("e@example.com", NULL);
    is_int(author_insert(db, &dup), MG_CONSTRAINT, "a NULL name");
    c = constraint_of(db);
    is_int(c.kind, MG_NOT_NULL, "MG_NOT_NULL");
    is_str(c.columns, "name", "its column");

    p = a_post(&a, "same");
    post_insert(db, &p);
    p.id = 0;
    is_int(post_insert(db, &p), MG_CONSTRAINT, "the same (author, title)");
    c = constraint_of(db);
    is_int(c.kind, MG_UNIQUE, "MG_UNIQUE");
    is_str(c.columns, "author_id, title", "both columns");

    is_int(mg_exec(db, "UPDATE posts SET status = 'bogus'"), MG_CONSTRAINT,
           "a status that is no member");
    c = constraint_of(db);
    is_int(c.kind, MG_CHECK, "MG_CHECK");
    is_str(c.name, "posts_status_check", "its name, on both engines");

    p = a_post(&a, "orphan");
    p.author_id = 424242;
    is_int(post_insert(db, &p), MG_CONSTRAINT, "a post of no author");
    is_int(constraint_of(db).kind, MG_FOREIGN_KEY, "MG_FOREIGN_KEY");
    is_int(author_delete(db, a.id), MG_CONSTRAINT, "deleting an author who has posts");
    c = constraint_of(db);
    is_int(c.kind, MG_FOREIGN_KEY, "MG_FOREIGN_KEY (restrict)");
    if (is_postgres(db))
        is_str(c.name, "posts_author_id_fkey", "PostgreSQL names it");
    else
        is_str(c.name, "", "SQLite names no foreign key");
}

int main(void)
{
    const char *target = fresh_target("writes.db");

    if (target == NULL || mg_open(target, &db) != MG_OK || writes_migrate(db) != MG_OK) {
        printf("Bail out! cannot open and migrate %s: %s\n", target ? target : "(none)",
               db ? mg_errmsg(db) : mg_open_errmsg());
        return 1;
    }
    test_insert_many();
    test_upsert();
    test_update_columns(target);
    test_savepoints();
    test_constraints();
    ok(busy_statements(db) == 0, "no statement left running at the end");
    mg_close(db);
    return done_testing();
}
