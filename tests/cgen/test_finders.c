/* Finders: an array finder per indexed field of every type and per composite index,
   ordered by id; a row finder per composite unique key (MG_NOTFOUND, a belongs_to and an
   enum among its columns); enum values checked; parameters renamed where a column is
   named like something the function uses; keyword tables and columns; statements
   prepared once and always reset. */
#include "finders.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

static struct author new_author(const char *name)
{
    struct author a;
    author_init(&a);
    a.name = name;
    if (author_insert(db, &a) != MG_OK)
        printf("# cannot insert author %s: %s\n", name, mg_errmsg(db));
    return a;
}

static int64_t new_post(const struct author *a, const char *title, enum status status,
                        int64_t score)
{
    struct post p;
    post_init(&p);
    p.title = title;
    p.slug = title;
    p.status = status;
    p.score = score;
    p.author_id = a->id;
    if (post_insert(db, &p) != MG_OK)
        printf("# cannot insert post %s: %s\n", title, mg_errmsg(db));
    return p.id;
}

/* The ids of an array, as "1,3,4". */
static const char *ids(const struct post_array *a)
{
    static char text[512];
    size_t n = 0;
    text[0] = '\0';
    for (size_t i = 0; i < a->count && n + 24 < sizeof text; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%lld", i ? "," : "",
                              (long long)a->items[i].id);
    return text;
}

static const char *id_list(int64_t a, int64_t b, int64_t c)
{
    static char text[96];
    if (c)
        snprintf(text, sizeof text, "%lld,%lld,%lld", (long long)a, (long long)b, (long long)c);
    else if (b)
        snprintf(text, sizeof text, "%lld,%lld", (long long)a, (long long)b);
    else
        snprintf(text, sizeof text, "%lld", (long long)a);
    return text;
}

int main(void)
{
    struct post_array got;
    struct post p;
    struct group g, found;
    struct group_array groups;

    db = open_db("finders.db", finders_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();

    struct author ada = new_author("Ada"), bob = new_author("Bob");
    /* interleaved, so that ordering by id is not insertion order per author */
    int64_t p1 = new_post(&ada, "one", STATUS_PUBLISHED, 5);
    int64_t p2 = new_post(&bob, "two", STATUS_DRAFT, 5);
    int64_t p3 = new_post(&ada, "three", STATUS_DRAFT, 7);
    int64_t p4 = new_post(&ada, "four", STATUS_PUBLISHED, 5);
    int64_t p5 = new_post(&bob, "five", STATUS_PUBLISHED, 9);

    /* an enum index */
    is_int(post_all_by_status(db, STATUS_PUBLISHED, &got), MG_OK, "all_by_status");
    is_str(ids(&got), id_list(p1, p4, p5), "every published post, ordered by id");
    ok(got.count == 3 && strcmp(got.items[1].title, "four") == 0 &&
       got.items[1].status == STATUS_PUBLISHED, "whole rows, strings and enums read");
    post_array_free(&got);
    is_int(post_all_by_status(db, STATUS_ARCHIVED, &got), MG_OK, "all_by_status: none");
    ok(got.count == 0 && got.items == NULL, "an empty array");
    got.count = 99;
    is_int(post_all_by_status(db, (enum status)7, &got), MG_MISUSE,
           "a value that is no member: MG_MISUSE");
    ok(got.count == 0 && got.items == NULL, "the output is emptied");
    ok(strstr(mg_errmsg(db), "post_all_by_status") && strstr(mg_errmsg(db), "enum Status"),
       "the message names the function and the enum");
    is_int(post_all_by_status(db, STATUS_DRAFT, NULL), MG_MISUSE, "a NULL output: MG_MISUSE");
    is_int(post_all_by_status(NULL, STATUS_DRAFT, &got), MG_MISUSE,
           "a NULL connection: MG_MISUSE");
    ok(got.count == 0 && got.items == NULL, "the output is emptied");

    /* an int index */
    is_int(post_all_by_score(db, 5, &got), MG_OK, "all_by_score");
    is_str(ids(&got), id_list(p1, p2, p4), "score 5, ordered by id");
    post_array_free(&got);

    /* real, bool, timestamp and text indexes, nullable ones included */
    raw_exec(db, per_engine(db,
                            "UPDATE posts SET rating = 2.5, pinned = true, "
                            "published_at = 1700000000, category = 'news' "
                            "WHERE title IN ('two', 'five')",
                            "UPDATE posts SET rating = 2.5, pinned = true, "
                            "published_at = to_timestamp(1700000000), category = 'news' "
                            "WHERE title IN ('two', 'five')"));
    raw_exec(db, "UPDATE posts SET rating = 0.5 WHERE title = 'one'");
    is_int(post_all_by_rating(db, 2.5, &got), MG_OK, "all_by_rating (a real)");
    is_str(ids(&got), id_list(p2, p5, 0), "rating 2.5");
    post_array_free(&got);
    is_int(post_all_by_pinned(db, true, &got), MG_OK, "all_by_pinned (a bool)");
    is_str(ids(&got), id_list(p2, p5, 0), "pinned");
    post_array_free(&got);
    is_int(post_all_by_pinned(db, false, &got), MG_OK, "all_by_pinned false");
    is_str(ids(&got), id_list(p1, p3, p4), "not pinned");
    post_array_free(&got);
    is_int(post_all_by_published_at(db, 1700000000, &got), MG_OK,
           "all_by_published_at (a timestamp)");
    ok(got.count == 2 && got.items[0].has_published_at &&
       got.items[0].published_at == 1700000000, "published at that second");
    post_array_free(&got);
    is_int(post_all_by_category(db, "news", &got), MG_OK, "all_by_category (nullable text)");
    is_str(ids(&got), id_list(p2, p5, 0), "category news");
    post_array_free(&got);
    is_int(post_all_by_category(db, NULL, &got), MG_OK, "all_by_category(NULL)");
    is_int(got.count, 0, "NULL equals nothing: no row, though three have no category");
    post_array_free(&got);

    /* columns named like the function's parameter and like the enum's status_name() */
    raw_exec(db, "UPDATE posts SET db = 3, status_name = 'x' WHERE title = 'three'");
    is_int(post_all_by_db(db, 3, &got), MG_OK, "all_by_db: a column named db");
    is_str(ids(&got), id_list(p3, 0, 0), "the row");
    post_array_free(&got);
    is_int(post_all_by_status_name(db, "x", &got), MG_OK,
           "all_by_status_name: a column named like status_name()");
    is_str(ids(&got), id_list(p3, 0, 0), "the row");
    post_array_free(&got);

    /* a belongs_to's key, asked for with index (author) */
    is_int(post_all_by_author_id(db, ada.id, &got), MG_OK, "all_by_author_id");
    is_str(ids(&got), id_list(p1, p3, p4), "Ada's posts");
    post_array_free(&got);
    is_int(post_all_by_author_id(db, 12345, &got), MG_OK, "all_by_author_id: nobody's");
    is_int(got.count, 0, "no rows");
    post_array_free(&got);

    /* a composite index */
    is_int(post_all_by_author_id_and_status(db, ada.id, STATUS_PUBLISHED, &got), MG_OK,
           "all_by_author_id_and_status");
    is_str(ids(&got), id_list(p1, p4, 0), "Ada's published posts");
    post_array_free(&got);
    is_int(post_all_by_author_id_and_status(db, ada.id, (enum status)-1, &got), MG_MISUSE,
           "a composite with a value that is no member: MG_MISUSE");
    ok(got.count == 0 && got.items == NULL, "the output is emptied");

    /* a composite unique key with a belongs_to */
    is_int(post_get_by_author_id_and_title(db, bob.id, "five", &p), MG_OK,
           "get_by_author_id_and_title");
    ok(p.id == p5 && strcmp(p.slug, "five") == 0, "the row");
    post_free(&p);
    p.id = 77;
    is_int(post_get_by_author_id_and_title(db, ada.id, "five", &p), MG_NOTFOUND,
           "another author's title: MG_NOTFOUND");
    is_int(p.id, 0, "the output is emptied");
    ok(strstr(mg_errmsg(db), "no posts row with that author_id and title") != NULL,
       "the message names the columns");
    is_int(post_get_by_author_id_and_title(db, ada.id, "one", NULL), MG_MISUSE,
           "a NULL output: MG_MISUSE");
    /* the unique field's finder is still there */
    is_int(post_get_by_slug(db, "two", &p), MG_OK, "get_by_slug");
    is_int(p.id, p2, "the row");
    post_free(&p);

    /* a keyword table and column, an enum and a column named out in a unique key */
    group_init(&g);
    g.order = 4;
    g.kind = STATUS_ARCHIVED;
    g.out = 2;
    is_int(group_insert(db, &g), MG_OK, "insert a group");
    group_init(&g);
    g.order = 4;
    g.kind = STATUS_DRAFT;
    is_int(group_insert(db, &g), MG_OK, "and another");
    is_int(group_get_by_order_and_kind_and_out(db, 4, STATUS_DRAFT, 0, &found), MG_OK,
           "get_by_order_and_kind_and_out");
    is_int(found.id, g.id, "the row");
    group_free(&found);
    found.id = 5;
    is_int(group_get_by_order_and_kind_and_out(db, 4, (enum status)3, 0, &found), MG_MISUSE,
           "a value that is no member: MG_MISUSE");
    is_int(found.id, 0, "the output is emptied");
    is_int(group_get_by_order_and_kind_and_out(db, 4, STATUS_PUBLISHED, 0, &found), MG_NOTFOUND,
           "MG_NOTFOUND");
    is_int(group_all_by_order(db, 4, &groups), MG_OK, "all_by_order: a keyword column");
    ok(groups.count == 2 && groups.items[0].id < groups.items[1].id, "both, ordered by id");
    group_array_free(&groups);

    /* statements are prepared once, and none is left running */
    long long prepared = prepared_statements(db);
    is_int(post_all_by_status(db, STATUS_DRAFT, &got), MG_OK, "all_by_status again");
    post_array_free(&got);
    is_int(post_get_by_author_id_and_title(db, bob.id, "two", &p), MG_OK, "get_by again");
    post_free(&p);
    is_int(prepared_statements(db), prepared, "no statement was prepared again");
    is_int(busy_statements(db), 0, "every statement was reset");

    /* in a failed transaction, the finders fail too, with their outputs empty */
    is_int(mg_begin(db), MG_OK, "begin");
    raw_exec(db, "INSERT INTO no_such_table VALUES (1)");
    is_int(post_all_by_score(db, 5, &got), MG_ERROR, "a failed transaction: MG_ERROR");
    ok(got.count == 0 && got.items == NULL, "the output is empty");
    is_int(post_get_by_author_id_and_title(db, ada.id, "one", &p), MG_ERROR, "get_by too");
    is_int(p.id, 0, "the output is empty");
    is_int(mg_rollback(db), MG_OK, "rollback");
    is_int(post_all_by_score(db, 5, &got), MG_OK, "after the rollback");
    is_int(got.count, 3, "the rows");
    post_array_free(&got);

    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
