/* Three tables in one cycle (authors -> posts -> topics -> authors): one nullable key is
   deferred, the other two are immediate; cascades run around the cycle. */
#include "cycle3.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

int main(void)
{
    struct author a, got_a;
    struct topic t, got_t;
    struct post p, got_p;
    struct author_array authors;
    struct post_array posts;
    struct topic_array topics;
    int64_t n;

    db = open_db(":memory:", cycle3_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();

    author_init(&a);
    a.name = "Ann";
    is_int(author_insert(db, &a), MG_OK, "insert an author, before any post exists");
    topic_init(&t);
    t.label = "cycles";
    t.founder_id = a.id;
    is_int(topic_insert(db, &t), MG_OK, "insert a topic founded by her");
    post_init(&p);
    p.title = "On cycles";
    p.topic_id = t.id;
    is_int(post_insert(db, &p), MG_OK, "insert a post in the topic");
    is_int(author_set_latest(db, &a, &p), MG_OK, "close the cycle: the author's latest post");
    ok(a.has_latest_id && a.latest_id == p.id, "set_latest updates the struct");

    is_int(author_get_with_latest(db, a.id, &got_a, &got_p), MG_OK, "get_with_latest");
    is_str(got_p.title, "On cycles", "the latest post, from one join");
    author_free(&got_a);
    post_free(&got_p);
    is_int(post_get_topic(db, &p, &got_t), MG_OK, "post_get_topic");
    is_str(got_t.label, "cycles", "the topic");
    topic_free(&got_t);
    is_int(topic_get_founder(db, &t, &got_a), MG_OK, "topic_get_founder");
    is_str(got_a.name, "Ann", "the founder");
    author_free(&got_a);
    is_int(topic_get_by_label(db, "cycles", &got_t), MG_OK, "get_by_label");
    is_int(got_t.id, t.id, "the topic by its unique label");
    topic_free(&got_t);
    is_int(author_get_topics(db, &a, &topics), MG_OK, "author_get_topics");
    is_int(topics.count, 1, "one topic");
    topic_array_free(&topics);
    is_int(topic_count_posts(db, &t, &n), MG_OK, "topic_count_posts");
    is_int(n, 1, "one post");
    is_int(topic_get_posts(db, &t, &posts), MG_OK, "topic_get_posts");
    ok(posts.count == 1 && posts.items[0].id == p.id, "the post");
    post_array_free(&posts);
    is_int(topic_all_with_founder(db, &topics, &authors), MG_OK, "all_with_founder");
    ok(topics.count == 1 && authors.count == 1 && authors.items[0].id == a.id, "aligned");
    topic_array_free(&topics);
    author_array_free(&authors);

    /* the immediate keys are checked at once, the deferred one at commit */
    post_init(&got_p);
    got_p.title = "orphan";
    got_p.topic_id = 4242;
    is_int(post_insert(db, &got_p), MG_CONSTRAINT, "an immediate key to no row: MG_CONSTRAINT");
    is_int(mg_begin(db), MG_OK, "begin");
    a.latest_id = 4242;
    is_int(author_update(db, &a), MG_OK, "the deferred key to no row, inside a transaction");
    is_int(mg_commit(db), MG_CONSTRAINT, "fails at commit");
    is_int(author_get(db, a.id, &got_a), MG_OK, "get");
    is_int(got_a.latest_id, p.id, "the database is as before");
    author_free(&got_a);

    is_int(author_delete(db, a.id), MG_OK, "delete the author");
    is_int(raw_int(db, "SELECT count(*) FROM topics") + raw_int(db, "SELECT count(*) FROM posts"), 0,
           "on_delete cascade went around the cycle");
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
