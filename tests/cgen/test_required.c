/* A cycle of required keys: neither row can be inserted first, so both keys are deferred
   and a pair goes in inside one transaction with ids chosen in advance. */
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
    c.name = (char *)"Henrietta";
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
    got_c.id = 11;
    got_c.name = (char *)"Dangling";
    got_c.egg_id = 99;
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(chicken_insert(db, &got_c), MG_OK, "a chicken whose egg never comes");
    is_int(mg_commit(db), MG_CONSTRAINT, "commit: MG_CONSTRAINT");
    is_int(raw_int(db, "SELECT count(*) FROM chickens"), 1, "the database is as before");

    is_int(chicken_all_with_egg(db, &chickens, &eggs), MG_OK, "all_with_egg");
    ok(chickens.count == 1 && eggs.count == 1 && eggs.items[0].chicken_id == 10, "aligned");
    chicken_array_free(&chickens);
    egg_array_free(&eggs);
    is_int(chicken_delete(db, 10), MG_OK, "delete the chicken");
    is_int(raw_int(db, "SELECT count(*) FROM eggs"), 0, "its egg went with it (cascade)");
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
