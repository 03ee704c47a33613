/* The blog's named queries (blog.model), each one typed call of the generated API, on the
   engine of the run (tests/cgen/common.h): a page of published posts newest first,
   comment counts per post, archiving old drafts, scalars of every kind, a LEFT JOIN's
   NULLs, optional filters, blob and enum parameters, RETURNING, a declared not-null
   column that meets a NULL, and the arguments the functions refuse. */
#include <time.h>

#include "blog.h"
#include "tap.h"
#include "cgen/common.h"

static mg_db *db;

static int64_t add_author(const char *name, const char *email)
{
    struct author a;
    author_init(&a);
    a.name = name;
    a.email = email;
    if (author_insert(db, &a) != MG_OK) {
        printf("Bail out! cannot insert author %s: %s\n", name, mg_errmsg(db));
        exit(1);
    }
    return a.id;
}

static int64_t add_post(int64_t author, const char *title, enum status status,
                        int64_t published_at, int64_t created_at)
{
    struct post p;
    post_init(&p);
    p.title = title;
    p.body = "...";
    p.status = status;
    p.published_at = published_at;
    p.has_published_at = published_at != 0;
    p.created_at = created_at;
    p.author_id = author;
    if (post_insert(db, &p) != MG_OK) {
        printf("Bail out! cannot insert post %s: %s\n", title, mg_errmsg(db));
        exit(1);
    }
    return p.id;
}

static int64_t add_comment(int64_t post, const char *body, int64_t author)
{
    struct comment c;
    comment_init(&c);
    c.body = body;
    c.post_id = post;
    c.author_id = author;
    c.has_author_id = author != 0;
    if (comment_insert(db, &c) != MG_OK) {
        printf("Bail out! cannot insert comment %s: %s\n", body, mg_errmsg(db));
        exit(1);
    }
    return c.id;
}

static void test_pages(void)
{
    struct post_array page = {0};
    is_int(blog_published_posts(db, 1, 2, &page), MG_OK, "published_posts: page 1");
    is_int(page.count, 2, "two posts on it");
    if (page.count == 2) {
        is_str(page.items[0].title, "newest", "newest first");
        is_str(page.items[1].title, "middle", "then the one before");
        ok(page.items[0].status == STATUS_PUBLISHED && page.items[0].has_published_at &&
           page.items[0].published_at == 3000, "the row's columns, typed");
    }
    post_array_free(&page);
    ok(page.items == NULL && page.count == 0, "post_array_free empties it");
    is_int(blog_published_posts(db, 2, 2, &page), MG_OK, "page 2");
    is_int(page.count, 1, "the last one");
    if (page.count == 1)
        is_str(page.items[0].title, "oldest", "the oldest published post");
    post_array_free(&page);
    is_int(blog_published_posts(db, 3, 2, &page), MG_OK, "page 3");
    ok(page.count == 0 && page.items == NULL, "empty");
    post_array_free(&page);
}

static void test_counts(int64_t newest, int64_t oldest)
{
    struct comment_count_array counts = {0};
    is_int(blog_comment_counts(db, &counts), MG_OK, "comment_counts");
    is_int(counts.count, 5, "one row per post, the LEFT JOIN keeps those without comments");
    for (size_t i = 0; i < counts.count; i++) {
        const struct comment_count *c = &counts.items[i];
        if (c->post_id == newest)
            ok(c->comments == 3 && strcmp(c->title, "newest") == 0, "newest has 3 comments");
        else if (c->post_id == oldest)
            ok(c->comments == 1, "oldest has 1");
        else
            ok(c->comments == 0, "%s has none", c->title);
    }
    comment_count_array_free(&counts);
    ok(counts.items == NULL, "comment_count_array_free empties it");

    int64_t n = -1;
    is_int(blog_count_with_status(db, STATUS_PUBLISHED, &n), MG_OK, "count_with_status");
    is_int(n, 3, "three published");
    is_int(blog_count_with_status(db, (enum status)42, &n), MG_MISUSE,
           "an enum value that is no member: MG_MISUSE");
    ok(n == 0, "the output emptied");
    ok(strstr(mg_errmsg(db), "Status") != NULL, "the message names the enum: %s", mg_errmsg(db));
}

static void test_scalars(int64_t newest)
{
    int64_t when = -1;
    bool has = false;
    is_int(blog_latest_publication(db, &when, &has), MG_OK, "latest_publication");
    ok(has && when == 3000, "the latest time");

    enum status st = STATUS_ARCHIVED;
    is_int(blog_status_of(db, newest, &st), MG_OK, "status_of");
    ok(st == STATUS_PUBLISHED, "an enum scalar");
    is_int(blog_status_of(db, 987654, &st), MG_NOTFOUND, "status_of a missing post: MG_NOTFOUND");

    bool drafts = false;
    is_int(blog_has_drafts(db, &drafts), MG_OK, "has_drafts");
    ok(drafts, "a bool scalar");

    double mean = 0;
    is_int(blog_mean_title_length(db, &mean, &has), MG_OK, "mean_title_length");
    ok(has && mean > 7.1 && mean < 7.3, "a real scalar: %g", mean);

    struct post p;
    is_int(blog_post_titled(db, "middle", &p), MG_OK, "post_titled: one row of a model");
    is_str(p.title, "middle", "its title");
    post_free(&p);
    is_int(blog_post_titled(db, "nothing", &p), MG_NOTFOUND, "none: MG_NOTFOUND");
    ok(p.id == 0 && p.title == NULL, "and the row empty");
    is_int(blog_post_titled(db, NULL, &p), MG_MISUSE, "a NULL where text is declared: MG_MISUSE");
}

static void test_joins(int64_t newest, int64_t ann)
{
    struct comment_line_array lines = {0};
    is_int(blog_comment_lines(db, newest, &lines), MG_OK, "comment_lines");
    is_int(lines.count, 3, "three comments");
    if (lines.count == 3) {
        is_str(lines.items[0].author_name, "Ann", "an author");
        ok(lines.items[1].author_name == NULL, "no author: NULL from the LEFT JOIN");
        is_str(lines.items[2].body, "third", "a body");
    }
    comment_line_array_free(&lines);

    struct post_array posts = {0};
    is_int(blog_tagged(db, "c", &posts), MG_OK, "tagged");
    ok(posts.count == 2, "two posts tagged c");
    post_array_free(&posts);

    enum status published = STATUS_PUBLISHED;
    is_int(blog_search(db, NULL, NULL, NULL, &posts), MG_OK, "search without filters");
    is_int(posts.count, 5, "every post");
    post_array_free(&posts);
    is_int(blog_search(db, &ann, &published, "e", &posts), MG_OK, "search with every filter");
    is_int(posts.count, 2, "Ann's published posts with an e");
    post_array_free(&posts);
    is_int(blog_search(db, NULL, NULL, "'; DROP TABLE posts; --", &posts), MG_OK,
           "a hostile text is only a value");
    is_int(posts.count, 0, "it matches nothing");
    post_array_free(&posts);

    struct author_array authors = {0};
    const unsigned char png[] = {0x89, 'P', 'N', 'G', 0, 1, 2};
    mg_blob avatar = {png, sizeof png};
    is_int(blog_authors_with_avatar(db, avatar, &authors), MG_OK, "authors_with_avatar");
    is_int(authors.count, 1, "one author has that avatar");
    if (authors.count == 1)
        ok(authors.items[0].avatar.size == sizeof png &&
           memcmp(authors.items[0].avatar.data, png, sizeof png) == 0, "its bytes");
    author_array_free(&authors);
    mg_blob none = {NULL, 0};
    is_int(blog_authors_with_avatar(db, none, &authors), MG_MISUSE, "a NULL blob: MG_MISUSE");
}

static void test_writes(void)
{
    int64_t changes = -1;
    is_int(blog_archive_old_drafts(db, 1500, &changes), MG_OK, "archive_old_drafts");
    is_int(changes, 1, "one draft was old");
    is_int(blog_archive_old_drafts(db, 1500, NULL), MG_OK, "again, without counting");
    is_int(blog_archive_old_drafts(db, 1500, &changes), MG_OK, "and again");
    is_int(changes, 0, "nothing left to archive");
    int64_t n = 0;
    is_int(blog_count_with_status(db, STATUS_ARCHIVED, &n), MG_OK, "count archived");
    is_int(n, 1, "the archived draft");

    struct tag t;
    is_int(blog_add_tag(db, "new", &t), MG_OK, "add_tag: INSERT ... RETURNING *");
    ok(t.id > 0, "the new tag's id");
    is_str(t.label, "new", "and label");
    tag_free(&t);
    is_int(blog_add_tag(db, "new", &t), MG_CONSTRAINT, "a duplicate: MG_CONSTRAINT");
    ok(t.id == 0, "the row empty");
    ok(no_transaction_open(db), "no transaction left open");
}

static void test_not_null_checked(void)
{
    struct comment_id_sum_array sums = {0};
    is_int(blog_comment_id_sums(db, &sums), MG_ERROR,
           "a NULL where the row declares int: MG_ERROR");
    ok(sums.items == NULL && sums.count == 0, "and no rows");
    ok(strstr(mg_errmsg(db), "CommentIdSum.total is NULL") != NULL, "the message: %s",
       mg_errmsg(db));
    is_int(raw_exec(db, "DELETE FROM posts WHERE id NOT IN (SELECT post_id FROM comments)"), MG_OK,
           "delete the posts without comments");
    is_int(blog_comment_id_sums(db, &sums), MG_OK, "now every total is a number");
    is_int(sums.count, 2, "two posts");
    comment_id_sum_array_free(&sums);
}

/* A table whose columns come in another order than the model's, as a migration can leave
   one: the generated SQL names the columns instead of SELECT * or RETURNING *. */
static void test_column_order(void)
{
    struct tag t;
    is_int(raw_exec(db, per_engine(db,
        "DROP TABLE taggings; DROP TABLE tags; "
        "CREATE TABLE tags (label TEXT NOT NULL UNIQUE, id INTEGER PRIMARY KEY)",
        "DROP TABLE taggings; DROP TABLE tags; "
        "CREATE TABLE tags (label text NOT NULL UNIQUE, "
        "id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)")), MG_OK,
        "tags made again with its columns the other way round");
    is_int(blog_add_tag(db, "reordered", &t), MG_OK, "add_tag on it");
    ok(t.id > 0, "the id is the id");
    is_str(t.label, "reordered", "and the label the label");
    tag_free(&t);
}

static void test_misuse(void)
{
    int64_t n;
    bool has;
    is_int(blog_published_posts(db, 1, 2, NULL), MG_MISUSE, "a NULL output: MG_MISUSE");
    is_int(blog_count_with_status(db, STATUS_DRAFT, NULL), MG_MISUSE, "a NULL scalar output");
    is_int(blog_latest_publication(db, &n, NULL), MG_MISUSE, "a NULL has_out");
    is_int(blog_latest_publication(NULL, &n, &has), MG_MISUSE, "a NULL connection");
}

int main(void)
{
    db = open_db("blog.db", blog_migrate);
    if (db == NULL) {
        printf("Bail out! cannot open the database\n");
        return 1;
    }
    int64_t ann = add_author("Ann", "ann@example.org");
    int64_t bob = add_author("Bob", "bob@example.org");
    int64_t oldest = add_post(ann, "oldest", STATUS_PUBLISHED, 1000, 100);
    int64_t newest = add_post(bob, "newest", STATUS_PUBLISHED, 3000, 300);
    add_post(ann, "middle", STATUS_PUBLISHED, 2000, 200);
    add_post(ann, "old draft", STATUS_DRAFT, 0, 1000);
    add_post(bob, "new draft", STATUS_DRAFT, 0, 2000);
    add_comment(newest, "first", ann);
    add_comment(newest, "second", 0);
    add_comment(newest, "third", bob);
    add_comment(oldest, "only", bob);
    {
        const unsigned char png[] = {0x89, 'P', 'N', 'G', 0, 1, 2};
        struct author a;
        author_init(&a);
        a.name = "Cy";
        a.email = "cy@example.org";
        a.avatar.data = png;
        a.avatar.size = sizeof png;
        if (author_insert(db, &a) != MG_OK) {
            printf("Bail out! %s\n", mg_errmsg(db));
            return 1;
        }
    }
    {
        struct tag c;
        struct post p;
        tag_init(&c);
        c.label = "c";
        post_init(&p);
        if (tag_insert(db, &c) != MG_OK) {
            printf("Bail out! %s\n", mg_errmsg(db));
            return 1;
        }
        p.id = oldest;
        post_add_tags(db, &p, &c);
        p.id = newest;
        post_add_tags(db, &p, &c);
    }

    test_pages();
    test_counts(newest, oldest);
    test_scalars(newest);
    test_joins(newest, ann);
    test_misuse();
    test_writes();
    test_not_null_checked();
    test_column_order();
    mg_close(db);
    return done_testing();
}
