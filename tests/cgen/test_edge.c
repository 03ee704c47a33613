/* Corners of the generator: a model with only an id (and explicit ids beside the ones the
   engine picks), one with only numbers, 64-bit extremes, every nullable type, every
   default, unique keys of every type (a timestamp under a session time zone far from
   UTC, on PostgreSQL), and a many-to-many from a model to itself. */
#include <stdint.h>
#include <time.h>

#include "edge.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

static void test_tag(void)
{
    struct tag t, got;
    struct tag_array all;
    int64_t n;

    tag_init(&t);
    is_int(tag_insert(db, &t), MG_OK, "insert a row that is only an id");
    is_int(tag_update(db, &t), MG_OK, "update it (nothing to change)");
    is_int(tag_get(db, t.id, &got), MG_OK, "get it");
    is_int(got.id, t.id, "the id");
    t.id = 99;
    is_int(tag_update(db, &t), MG_NOTFOUND, "update a missing one: MG_NOTFOUND");
    is_int(tag_insert(db, &t), MG_OK, "insert with id 99");
    is_int(tag_count(db, &n), MG_OK, "count");
    is_int(n, 2, "2");
    is_int(tag_all(db, &all), MG_OK, "all");
    ok(all.count == 2 && all.items[1].id == 99, "ordered by id");
    tag_array_free(&all);

    /* an explicit id the engine would have picked next, then one left to the engine */
    {
        struct tag next, later;
        tag_init(&next);
        next.id = got.id + 1;
        is_int(tag_insert(db, &next), MG_OK, "insert with the id the engine would pick next");
        tag_init(&later);
        is_int(tag_insert(db, &later), MG_OK, "then one without an id: no collision");
        ok(later.id > 99, "its id is past every explicit one (%lld)", (long long)later.id);
        is_int(tag_delete(db, next.id), MG_OK, "delete them");
        is_int(tag_delete(db, later.id), MG_OK, "both");
    }
}

static void test_counter(void)
{
    struct counter c, got;

    counter_init(&c);
    ok(c.hits == INT64_MIN && c.big == INT64_MAX, "init: 64-bit extremes");
    ok(c.weight == -0.25 && !c.seen && c.at == 0, "init: the other defaults");
    is_int(counter_insert(db, &c), MG_OK, "insert");
    is_int(counter_get(db, c.id, &got), MG_OK, "get");
    ok(got.hits == INT64_MIN && got.big == INT64_MAX && got.weight == -0.25, "round trip");
    is_int(raw_int(db, "SELECT count(*) FROM counters WHERE hits = -9223372036854775807 - 1"), 1,
           "stored exactly");
}

static void test_sample(void)
{
    struct sample s, t, got;
    time_t before = time(NULL);

    sample_init(&s);
    ok(!s.has_n && !s.has_x && s.has_flag && s.flag, "init: null defaults and a bool");
    ok(s.has_when && s.when >= before && s.has_level && s.level == LEVEL_HIGH,
       "init: now and an enum on nullable columns");
    is_str(s.note, "tab\there ?? and \\ and */ end", "init: an escaped text default");
    ok(s.raw.data == NULL, "init: a NULL blob");
    s.code = 1;
    s.ok = true;
    is_int(sample_insert(db, &s), MG_OK, "insert");
    is_int(sample_get(db, s.id, &got), MG_OK, "get");
    ok(!got.has_n && !got.has_x && got.has_flag && got.flag && got.has_when &&
       got.when == s.when && got.has_level && got.level == LEVEL_HIGH && !got.has_ratio &&
       !got.has_stamp, "NULLs and values, with their flags");
    is_str(got.note, "tab\there ?? and \\ and */ end", "the default text round-trips");
    sample_free(&got);

    sample_init(&t);
    t.code = 2;
    t.ratio = 0.5;
    t.has_ratio = true;
    t.stamp = 1700000000;
    t.has_stamp = true;
    t.has_level = false;
    t.n = -5;
    t.has_n = true;
    is_int(sample_insert(db, &t), MG_OK, "insert another");
    is_int(sample_get_by_code(db, 2, &got), MG_OK, "get_by_code (int)");
    ok(got.id == t.id && got.has_n && got.n == -5 && !got.has_level, "the row");
    sample_free(&got);
    is_int(sample_get_by_ratio(db, 0.5, &got), MG_OK, "get_by_ratio (real)");
    is_int(got.id, t.id, "the row");
    sample_free(&got);
    is_int(sample_get_by_ok(db, true, &got), MG_OK, "get_by_ok (bool)");
    is_int(got.id, s.id, "the row");
    sample_free(&got);
    is_int(sample_get_by_stamp(db, 1700000000, &got), MG_OK, "get_by_stamp (timestamp)");
    is_int(got.id, t.id, "the row");
    sample_free(&got);
    is_int(raw_int(db, per_engine(db, "SELECT count(*) FROM samples WHERE stamp = 1700000000",
                                  "SELECT count(*) FROM samples "
                                  "WHERE stamp = to_timestamp(1700000000)")), 1,
           "stored as that instant, whatever the session's time zone");
    is_int(sample_get_by_code(db, 3, &got), MG_NOTFOUND, "get_by_code: MG_NOTFOUND");
    t.code = 1;
    is_int(sample_update(db, &t), MG_CONSTRAINT, "a duplicate int key: MG_CONSTRAINT");
}

static void test_friends(void)
{
    struct person a, b, c;
    struct person_array got;
    const char *names[] = {"Ann", "Ben", "Cat"};
    struct person *all[] = {&a, &b, &c};

    for (int i = 0; i < 3; i++) {
        person_init(all[i]);
        all[i]->name = names[i];
        person_insert(db, all[i]);
    }
    is_int(person_add_friends(db, &a, &c), MG_OK, "add_friends: a model to itself");
    is_int(person_add_friends(db, &a, &b), MG_OK, "add another");
    is_int(person_add_friends(db, &c, &a), MG_OK, "and the other way");
    is_int(person_get_friends(db, &a, &got), MG_OK, "get_friends");
    ok(got.count == 2 && got.items[0].id == b.id && got.items[1].id == c.id, "ordered by id");
    person_array_free(&got);
    is_int(person_get_friends(db, &b, &got), MG_OK, "get_friends: none");
    is_int(got.count, 0, "a link is one-way");
    is_int(person_remove_friends(db, &a, &b), MG_OK, "remove_friends");
    is_int(person_get_friends(db, &a, &got), MG_OK, "get_friends");
    ok(got.count == 1 && got.items[0].id == c.id, "one left");
    person_array_free(&got);
}

int main(void)
{
    enum unused u;

    ok(unused_parse("b", &u) == MG_OK && u == UNUSED_B, "an enum no column uses");
    db = open_db(":memory:", edge_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();
    /* a time zone far from UTC, with a fractional offset: timestamps must not move */
    if (is_postgres(db))
        is_int(raw_exec(db, "SET TimeZone = 'Asia/Kathmandu'"), MG_OK,
               "the session's TimeZone is +05:45");
    test_tag();
    test_counter();
    test_sample();
    test_friends();
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
