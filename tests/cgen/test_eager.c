/* Eager loading of has_many and has_many through: get_with (a row and its targets) and
   all_with (every row, their targets grouped by row with start[]), each one query;
   the same rows as the N+1 loop of the accessors, in the same order; rows without
   targets, a nullable key, a dangling link (constraint none), a target under several
   rows, a self-reference, keyword tables, associations named like the result's members;
   NULL arguments, a failed transaction, statements prepared once, and every allocation
   failing in turn. */
#include "eager.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

static struct author new_author(const char *name, const char *bio)
{
    struct author a;
    author_init(&a);
    a.name = name;
    a.bio = bio;
    if (author_insert(db, &a) != MG_OK)
        printf("# cannot insert author %s: %s\n", name, mg_errmsg(db));
    return a;
}

static struct post new_post(const struct author *a, const char *title, const struct author *ed)
{
    struct post p;
    post_init(&p);
    p.title = title;
    p.body = (mg_blob){ "\0x", 2 };
    p.status = STATUS_PUBLISHED;
    p.author_id = a->id;
    if (ed != NULL) {
        p.editor_id = ed->id;
        p.has_editor_id = true;
    }
    if (post_insert(db, &p) != MG_OK)
        printf("# cannot insert post %s: %s\n", title, mg_errmsg(db));
    return p;
}

static struct tag new_tag(const char *name)
{
    struct tag t;
    tag_init(&t);
    t.name = name;
    if (tag_insert(db, &t) != MG_OK)
        printf("# cannot insert tag %s: %s\n", name, mg_errmsg(db));
    return t;
}

/* The ids of items [from, to) of an array, as "1,3,4". */
#define IDS(array, from, to)                                                              \
    ids_of((array).items ? &(array).items[0].id : NULL, sizeof (array).items[0], from, to)

static const char *ids_of(const int64_t *first, size_t size, size_t from, size_t to)
{
    static char text[4][256];
    static int which;
    char *t = text[which++ % 4];
    size_t n = 0;
    t[0] = '\0';
    for (size_t i = from; i < to && n + 24 < sizeof text[0]; i++)
        n += (size_t)snprintf(t + n, sizeof text[0] - n, "%s%lld", i > from ? "," : "",
                              (long long)*(const int64_t *)((const char *)first + i * size));
    return t;
}

static const char *list(int n, const int64_t *v)
{
    static char text[4][256];
    static int which;
    char *t = text[which++ % 4];
    size_t len = 0;
    t[0] = '\0';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(t + len, sizeof text[0] - len, "%s%lld", i ? "," : "",
                                (long long)v[i]);
    return t;
}

/* Whether the grouping of every author's posts equals author_get_posts, author by
   author (the N+1 loop): the same rows, in the same order, with the same values. */
static bool same_as_loop(const struct author_with_posts *r)
{
    struct author_array all;
    bool same = author_all(db, &all) == MG_OK && all.count == r->rows.count;
    for (size_t i = 0; same && i < all.count; i++) {
        struct post_array mine;
        same = all.items[i].id == r->rows.items[i].id &&
               strcmp(all.items[i].name, r->rows.items[i].name) == 0 &&
               author_get_posts(db, &all.items[i], &mine) == MG_OK &&
               mine.count == r->start[i + 1] - r->start[i];
        for (size_t k = 0; same && k < mine.count; k++) {
            const struct post *a = &mine.items[k], *b = &r->posts.items[r->start[i] + k];
            same = a->id == b->id && strcmp(a->title, b->title) == 0 &&
                   a->body.size == b->body.size &&
                   memcmp(a->body.data, b->body.data, a->body.size) == 0 &&
                   a->status == b->status && a->author_id == b->author_id &&
                   a->has_editor_id == b->has_editor_id && a->editor_id == b->editor_id;
        }
        post_array_free(&mine);
    }
    author_array_free(&all);
    return same;
}

/* ---- Allocation failures ---- */

static long allocations, fail_at;

static void *failing_realloc(void *p, size_t n)
{
    if (++allocations == fail_at)
        return NULL;
    return realloc(p, n);
}

/* Fails every allocation of author_all_with_posts and post_all_with_tags in turn: each
   time MG_NOMEM with the result empty (leaks are the sanitizer's and valgrind's to
   find), until one run needs no more. */
static void allocation_sweep(void)
{
    bool posts_ok = true, tags_ok = true, get_ok = true;
    long k;
    for (k = 1; k < 10000; k++) {
        struct author_with_posts r;
        allocations = 0;
        fail_at = k;
        mg_set_allocator(failing_realloc, free);
        int status = author_all_with_posts(db, &r);
        mg_set_allocator(NULL, NULL);
        if (status == MG_OK) {
            author_with_posts_free(&r);
            break;
        }
        posts_ok = posts_ok && status == MG_NOMEM && r.rows.count == 0 &&
                   r.rows.items == NULL && r.posts.items == NULL && r.start == NULL;
    }
    ok(posts_ok && k > 2, "author_all_with_posts: each of %ld allocations failing: MG_NOMEM, "
       "the result empty", k - 1);
    for (k = 1; k < 10000; k++) {
        struct post_with_tags r;
        allocations = 0;
        fail_at = k;
        mg_set_allocator(failing_realloc, free);
        int status = post_all_with_tags(db, &r);
        mg_set_allocator(NULL, NULL);
        if (status == MG_OK) {
            post_with_tags_free(&r);
            break;
        }
        tags_ok = tags_ok && status == MG_NOMEM && r.rows.count == 0 && r.tags.count == 0 &&
                  r.start == NULL;
    }
    ok(tags_ok && k > 2, "post_all_with_tags: each of %ld allocations failing", k - 1);
    for (k = 1; k < 10000; k++) {
        struct author a;
        struct post_array posts;
        int64_t id = 1;
        allocations = 0;
        fail_at = k;
        mg_set_allocator(failing_realloc, free);
        int status = author_get_with_posts(db, id, &a, &posts);
        mg_set_allocator(NULL, NULL);
        if (status == MG_OK) {
            author_free(&a);
            post_array_free(&posts);
            break;
        }
        get_ok = get_ok && status == MG_NOMEM && a.id == 0 && a.name == NULL &&
                 posts.count == 0 && posts.items == NULL;
    }
    ok(get_ok && k > 2, "author_get_with_posts: each of %ld allocations failing", k - 1);
    is_int(busy_statements(db), 0, "no statement left running after the failures");
}

int main(void)
{
    struct author_with_posts ap;
    struct author_with_edited ae;
    struct post_with_tags pt;
    struct tag_with_posts tp;
    struct post_array posts;
    struct tag_array tags;
    struct author a;
    struct post p;

    db = open_db("eager.db", eager_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();

    /* empty tables */
    is_int(author_all_with_posts(db, &ap), MG_OK, "all_with_posts of no authors");
    ok(ap.rows.count == 0 && ap.rows.items == NULL && ap.posts.count == 0 &&
       ap.posts.items == NULL && ap.start == NULL, "an empty result, start NULL");
    author_with_posts_free(&ap);

    struct author ada = new_author("Ada", "first"), bob = new_author("Bob", NULL),
                  cy = new_author("Cy", NULL);
    /* interleaved: the posts of one author are not consecutive ids */
    struct post p1 = new_post(&ada, "one", &bob), p2 = new_post(&cy, "two", NULL),
                p3 = new_post(&ada, "three", &bob), p4 = new_post(&ada, "four", NULL);

    /* has_many, every author */
    is_int(author_all_with_posts(db, &ap), MG_OK, "author_all_with_posts");
    is_str(IDS(ap.rows, 0, ap.rows.count), list(3, (int64_t[]){ ada.id, bob.id, cy.id }),
           "every author, ordered by id, once each");
    ok(ap.start != NULL && ap.start[0] == 0 && ap.start[1] == 3 && ap.start[2] == 3 &&
       ap.start[3] == 4, "start: rows.count + 1 entries, 0 3 3 4");
    is_str(IDS(ap.posts, ap.start[0], ap.start[1]), list(3, (int64_t[]){ p1.id, p3.id, p4.id }),
           "Ada's posts, ordered by id");
    is_str(IDS(ap.posts, ap.start[1], ap.start[2]), "", "Bob has none");
    is_str(IDS(ap.posts, ap.start[2], ap.start[3]), list(1, &p2.id), "Cy's one");
    ok(ap.posts.count == 4 && strcmp(ap.posts.items[1].title, "three") == 0 &&
       ap.posts.items[1].body.size == 2 && memcmp(ap.posts.items[1].body.data, "\0x", 2) == 0 &&
       ap.posts.items[1].status == STATUS_PUBLISHED && ap.posts.items[1].has_editor_id &&
       ap.posts.items[1].editor_id == bob.id, "whole target rows: text, blob, enum, keys");
    is_str(ap.rows.items[0].bio, "first", "whole owner rows");
    ok(ap.rows.items[1].bio == NULL, "and their NULLs");
    ok(same_as_loop(&ap), "the same rows as the N+1 loop of author_get_posts");
    author_with_posts_free(&ap);
    ok(ap.rows.items == NULL && ap.rows.count == 0 && ap.posts.items == NULL &&
       ap.posts.count == 0 && ap.start == NULL, "_free leaves the result empty");
    author_with_posts_free(&ap);
    author_with_posts_free(NULL);
    ok(1, "_free again, and on NULL");

    /* rows updated since (PostgreSQL writes the new versions after the others, so that a
       scan meets them last): still in id order */
    ada.bio = "updated";
    is_int(author_update(db, &ada), MG_OK, "update an author");
    p1.score = 9;
    is_int(post_update(db, &p1), MG_OK, "update a post");
    is_int(author_all_with_posts(db, &ap), MG_OK, "author_all_with_posts after updates");
    is_str(IDS(ap.rows, 0, ap.rows.count), list(3, (int64_t[]){ ada.id, bob.id, cy.id }),
           "the authors in id order");
    is_str(IDS(ap.posts, ap.start[0], ap.start[1]), list(3, (int64_t[]){ p1.id, p3.id, p4.id }),
           "Ada's posts in id order");
    ok(strcmp(ap.rows.items[0].bio, "updated") == 0 && ap.posts.items[0].score == 9,
       "the new values");
    ok(same_as_loop(&ap), "the same rows as the N+1 loop");
    author_with_posts_free(&ap);

    /* has_many, one author */
    is_int(author_get_with_posts(db, ada.id, &a, &posts), MG_OK, "author_get_with_posts");
    ok(a.id == ada.id && strcmp(a.name, "Ada") == 0, "the author");
    is_str(IDS(posts, 0, posts.count), list(3, (int64_t[]){ p1.id, p3.id, p4.id }),
           "its posts, ordered by id");
    author_free(&a);
    post_array_free(&posts);
    is_int(author_get_with_posts(db, bob.id, &a, &posts), MG_OK, "an author without posts");
    ok(a.id == bob.id && posts.count == 0 && posts.items == NULL, "the author, no posts");
    author_free(&a);
    a.id = 5;
    posts.count = 5;
    is_int(author_get_with_posts(db, 9999, &a, &posts), MG_NOTFOUND, "no such author");
    ok(a.id == 0 && posts.count == 0 && posts.items == NULL, "both outputs empty");
    ok(strstr(mg_errmsg(db), "no authors row with id 9999") != NULL, "the message says so");

    /* a nullable key: posts without an editor are under no one */
    is_int(author_all_with_edited(db, &ae), MG_OK, "author_all_with_edited (a nullable key)");
    ok(ae.rows.count == 3 && ae.edited.count == 2 && ae.start[0] == 0 && ae.start[1] == 0 &&
       ae.start[2] == 2 && ae.start[3] == 2, "Bob edited two, the others none");
    is_str(IDS(ae.edited, 0, ae.edited.count), list(2, (int64_t[]){ p1.id, p3.id }),
           "those two");
    author_with_edited_free(&ae);

    /* has_many through, with a tag under several posts and a dangling link */
    struct tag go = new_tag("go"), c = new_tag("c"), zig = new_tag("zig");
    post_add_tags(db, &p1, &zig);
    post_add_tags(db, &p1, &go);
    post_add_tags(db, &p3, &go);
    post_add_tags(db, &p4, &c);
    char dangling[128];
    snprintf(dangling, sizeof dangling,
             "INSERT INTO taggings (post_id, tag_id) VALUES (%lld, 777)", (long long)p4.id);
    raw_exec(db, dangling);
    is_int(post_all_with_tags(db, &pt), MG_OK, "post_all_with_tags");
    ok(pt.rows.count == 4 && pt.tags.count == 4, "four posts, four links to tags that exist");
    ok(pt.start[1] - pt.start[0] == 2 && pt.start[2] - pt.start[1] == 0 &&
       pt.start[3] - pt.start[2] == 1 && pt.start[4] - pt.start[3] == 1, "2, 0, 1 and 1 tags");
    is_str(IDS(pt.tags, pt.start[0], pt.start[1]), list(2, (int64_t[]){ go.id, zig.id }),
           "one's tags, ordered by id (added the other way round)");
    ok(pt.tags.items[0].id == pt.tags.items[2].id &&
       strcmp(pt.tags.items[0].name, pt.tags.items[2].name) == 0 &&
       pt.tags.items[0].name != pt.tags.items[2].name, "a tag under two posts: two copies");
    for (size_t i = 0; i < pt.rows.count; i++) {
        is_int(post_get_tags(db, &pt.rows.items[i], &tags), MG_OK, "post_get_tags");
        is_str(IDS(pt.tags, pt.start[i], pt.start[i + 1]), IDS(tags, 0, tags.count),
               "the same tags as post_get_tags");
        tag_array_free(&tags);
    }
    post_with_tags_free(&pt);
    is_int(post_get_with_tags(db, p4.id, &p, &tags), MG_OK, "post_get_with_tags");
    ok(p.id == p4.id && tags.count == 1 && tags.items[0].id == c.id,
       "the post, and its one tag that exists (the dangling link is left out)");
    post_free(&p);
    tag_array_free(&tags);
    is_int(post_get_with_tags(db, p2.id, &p, &tags), MG_OK, "a post without tags");
    ok(p.id == p2.id && tags.count == 0 && tags.items == NULL, "the post, no tags");
    post_free(&p);
    is_int(tag_all_with_posts(db, &tp), MG_OK, "tag_all_with_posts: the other way");
    ok(tp.rows.count == 3 && tp.posts.count == 4, "three tags, four links");
    is_str(IDS(tp.posts, tp.start[0], tp.start[1]), list(2, (int64_t[]){ p1.id, p3.id }),
           "go's posts");
    is_str(IDS(tp.posts, tp.start[1], tp.start[2]), list(1, &p4.id), "c's post");
    tag_with_posts_free(&tp);

    /* a self-reference */
    struct employee boss, e1, e2;
    struct employee_with_reports er;
    employee_init(&boss);
    boss.name = "boss";
    employee_insert(db, &boss);
    employee_init(&e1);
    e1.name = "e1";
    e1.manager_id = boss.id;
    e1.has_manager_id = true;
    employee_insert(db, &e1);
    employee_init(&e2);
    e2.name = "e2";
    e2.manager_id = e1.id;
    e2.has_manager_id = true;
    employee_insert(db, &e2);
    is_int(employee_all_with_reports(db, &er), MG_OK, "employee_all_with_reports (a self-reference)");
    ok(er.rows.count == 3 && er.reports.count == 2 && er.start[1] == 1 && er.start[2] == 2 &&
       er.start[3] == 2 && er.reports.items[0].id == e1.id && er.reports.items[1].id == e2.id,
       "each employee once, each report under its manager");
    employee_with_reports_free(&er);

    /* keyword tables; the targets' member is "targets" where "rows" or "start" would clash */
    struct order o;
    struct line l;
    struct group g;
    struct order_with_rows orw;
    struct group_with_start gws;
    order_init(&o);
    o.total = 10;
    order_insert(db, &o);
    line_init(&l);
    l.qty = 3;
    l.order_id = o.id;
    line_insert(db, &l);
    group_init(&g);
    g.name = "g";
    group_insert(db, &g);
    group_add_start(db, &g, &o);
    is_int(order_all_with_rows(db, &orw), MG_OK, "order_all_with_rows (table orders)");
    ok(orw.rows.count == 1 && orw.targets.count == 1 && orw.targets.items[0].qty == 3,
       "the lines as targets");
    order_with_rows_free(&orw);
    is_int(group_all_with_start(db, &gws), MG_OK, "group_all_with_start (table groups)");
    ok(gws.rows.count == 1 && gws.targets.count == 1 && gws.targets.items[0].id == o.id,
       "the orders as targets");
    group_with_start_free(&gws);

    /* NULL arguments */
    is_int(author_all_with_posts(db, NULL), MG_MISUSE, "all_with: a NULL output");
    is_int(author_all_with_posts(NULL, &ap), MG_MISUSE, "all_with: a NULL connection");
    ok(ap.rows.count == 0 && ap.start == NULL, "the output is emptied");
    a.id = 3;
    is_int(author_get_with_posts(db, ada.id, &a, NULL), MG_MISUSE, "get_with: a NULL out_posts");
    is_int(a.id, 0, "the other output is emptied");
    posts.count = 3;
    is_int(author_get_with_posts(db, ada.id, NULL, &posts), MG_MISUSE, "get_with: a NULL out");
    ok(posts.count == 0 && posts.items == NULL, "the other output is emptied");
    is_int(author_get_with_posts(NULL, ada.id, &a, &posts), MG_MISUSE,
           "get_with: a NULL connection");

    /* one statement each, prepared once; none left running */
    long long prepared = prepared_statements(db);
    is_int(author_all_with_posts(db, &ap), MG_OK, "all_with again");
    author_with_posts_free(&ap);
    is_int(author_get_with_posts(db, ada.id, &a, &posts), MG_OK, "get_with again");
    author_free(&a);
    post_array_free(&posts);
    is_int(prepared_statements(db), prepared, "no statement was prepared again");
    is_int(busy_statements(db), 0, "every statement was reset");

    /* in a failed transaction */
    is_int(mg_begin(db), MG_OK, "begin");
    raw_exec(db, "INSERT INTO no_such_table VALUES (1)");
    is_int(author_all_with_posts(db, &ap), MG_ERROR, "all_with in a failed transaction");
    ok(ap.rows.count == 0 && ap.posts.count == 0 && ap.start == NULL, "the result is empty");
    is_int(post_get_with_tags(db, p1.id, &p, &tags), MG_ERROR, "get_with too");
    ok(p.id == 0 && tags.count == 0, "both outputs empty");
    is_int(mg_rollback(db), MG_OK, "rollback");

    /* inside a transaction, the rows it wrote */
    is_int(mg_begin(db), MG_OK, "begin");
    struct post p5 = new_post(&bob, "five", NULL);
    is_int(author_get_with_posts(db, bob.id, &a, &posts), MG_OK, "get_with in a transaction");
    ok(posts.count == 1 && posts.items[0].id == p5.id, "sees the transaction's own post");
    author_free(&a);
    post_array_free(&posts);
    is_int(mg_rollback(db), MG_OK, "rollback");

    /* more rows: 60 authors, 0 to 4 posts each, inserted round-robin */
    is_int(mg_begin(db), MG_OK, "begin");
    for (int i = 0; i < 60; i++) {
        char name[16];
        snprintf(name, sizeof name, "a%d", i);
        struct author x = new_author(name, NULL);
        (void)x;
    }
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < 60; i++)
            if (i % 5 > round) {
                struct author x;
                char name[16];
                snprintf(name, sizeof name, "a%d", i);
                author_get_by_name(db, name, &x);
                new_post(&x, name, NULL);
                author_free(&x);
            }
    is_int(mg_commit(db), MG_OK, "commit");
    is_int(author_all_with_posts(db, &ap), MG_OK, "all_with_posts over 63 authors");
    ok(ap.rows.count == 63 && ap.start[63] == ap.posts.count, "start's last entry is the end");
    ok(same_as_loop(&ap), "the same rows as the N+1 loop");
    author_with_posts_free(&ap);

    allocation_sweep();

    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
