/* A cycle of required keys: neither row can be inserted first, so both keys are deferred
   and a pair goes in inside one transaction with ids chosen in advance: preset ones, or
   ids obtained from chicken_next_id and egg_next_id, which no other insert takes. */
#include "required.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

int main(void)
{
    struct chicken c, got_c;
    struct egg e, got_e;
    struct chicken_array chickens;
    struct egg_array eggs;

    db = open_db(":memory:", required_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();

    chicken_init(&c);
    c.id = 10;
    c.name = "Henrietta";
    c.egg_id = 20;
    egg_init(&e);
    e.id = 20;
    e.size = 3;
    e.chicken_id = 10;
    is_int(chicken_insert(db, &c), MG_CONSTRAINT, "alone, outside a transaction: MG_CONSTRAINT");
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(chicken_insert(db, &c), MG_OK, "insert the chicken, its egg not yet there");
    is_int(egg_insert(db, &e), MG_OK, "insert the egg");
    is_int(mg_commit(db), MG_OK, "commit: both keys hold");
    ok(c.id == 10 && e.id == 20, "the preset ids were used");
    {
        struct chicken later;
        chicken_init(&later);
        later.name = "Later";
        later.egg_id = 20;
        is_int(chicken_insert(db, &later), MG_OK, "then a chicken without an id");
        ok(later.id > 10, "its id is past the preset one (%lld)", (long long)later.id);
        is_int(chicken_delete(db, later.id), MG_OK, "delete it");
    }

    is_int(chicken_get_with_egg(db, 10, &got_c, &got_e), MG_OK, "get_with_egg");
    ok(got_c.egg_id == 20 && got_e.id == 20 && got_e.size == 3 && got_e.chicken_id == 10,
       "both rows, from one join");
    chicken_free(&got_c);
    egg_free(&got_e);
    is_int(egg_get_chicken(db, &e, &got_c), MG_OK, "egg_get_chicken");
    is_str(got_c.name, "Henrietta", "the chicken");
    chicken_free(&got_c);
    is_int(chicken_get_egg(db, &c, &got_e), MG_OK, "chicken_get_egg");
    is_int(got_e.id, 20, "the egg");
    egg_free(&got_e);
    is_int(egg_set_chicken(db, &e, NULL), MG_MISUSE, "a required key cannot be cleared");

    chicken_init(&got_c);
    got_c.name = "Dangling";
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(chicken_next_id(db, &got_c.id), MG_OK, "chicken_next_id");
    is_int(egg_next_id(db, &got_c.egg_id), MG_OK, "egg_next_id, for an egg never inserted");
    is_int(chicken_insert(db, &got_c), MG_OK, "a chicken whose egg never comes");
    is_int(mg_commit(db), MG_CONSTRAINT, "commit: MG_CONSTRAINT");
    is_int(raw_int(db, "SELECT count(*) FROM chickens"), 1, "the database is as before");

    is_int(chicken_all_with_egg(db, &chickens, &eggs), MG_OK, "all_with_egg");
    ok(chickens.count == 1 && eggs.count == 1 && eggs.items[0].chicken_id == 10, "aligned");
    chicken_array_free(&chickens);
    egg_array_free(&eggs);
    is_int(chicken_delete(db, 10), MG_OK, "delete the chicken");
    is_int(raw_int(db, "SELECT count(*) FROM eggs"), 0, "its egg went with it (cascade)");

    /* ids obtained before inserting fill the cycle on any engine */
    {
        struct chicken c2, c3;
        struct egg e2;
        int64_t spare = 0;
        chicken_init(&c2);
        c2.name = "Hatched";
        egg_init(&e2);
        e2.size = 5;
        is_int(chicken_next_id(db, &c2.id), MG_OK, "chicken_next_id");
        is_int(egg_next_id(db, &e2.id), MG_OK, "egg_next_id");
        ok(c2.id > 0 && e2.id > 0, "two ids (%lld, %lld)", (long long)c2.id, (long long)e2.id);
        is_int(chicken_next_id(db, &spare), MG_OK, "chicken_next_id again");
        ok(spare != c2.id && spare > 0, "another id (%lld)", (long long)spare);
        c2.egg_id = e2.id;
        e2.chicken_id = c2.id;
        is_int(mg_begin(db), MG_OK, "begin");
        is_int(egg_insert(db, &e2), MG_OK, "insert the egg first this time");
        is_int(chicken_insert(db, &c2), MG_OK, "then its chicken");
        is_int(mg_commit(db), MG_OK, "commit");
        is_int(chicken_get_with_egg(db, c2.id, &got_c, &got_e), MG_OK, "get_with_egg");
        ok(got_c.id == c2.id && got_e.id == e2.id && got_e.chicken_id == c2.id,
           "the pair, with the ids handed out");
        chicken_free(&got_c);
        egg_free(&got_e);
        chicken_init(&c3);
        c3.name = "Second";
        c3.egg_id = e2.id;
        is_int(chicken_insert(db, &c3), MG_OK, "a chicken without an id");
        ok(c3.id != c2.id && c3.id != spare,
           "takes none of the ids handed out (%lld; %lld, %lld)", (long long)c3.id,
           (long long)c2.id, (long long)spare);
        is_int(chicken_next_id(db, &spare), MG_OK, "chicken_next_id after it");
        ok(spare > c3.id, "is past it (%lld)", (long long)spare);
    }
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
