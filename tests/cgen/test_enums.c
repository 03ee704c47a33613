/* Enums: names and parsing, a default, NULL through has_ flags, a unique enum column, and
   values that are no member. */
#include "enums.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

int main(void)
{
    struct shirt s, t, got;
    struct shirt_array all;
    enum color c;
    enum size z;
    enum lonely lone;

    is_str(color_name(COLOR_RED), "red", "color_name");
    is_str(color_name(COLOR_BLUE), "blue", "color_name, last");
    ok(color_name((enum color)3) == NULL && color_name((enum color)-1) == NULL,
       "color_name: NULL out of range");
    ok(size_parse("large", &z) == MG_OK && z == SIZE_LARGE, "size_parse");
    is_int(size_parse("Large", &z), MG_NOTFOUND, "names are case-sensitive");
    is_int(color_parse(NULL, &c), MG_MISUSE, "color_parse(NULL)");
    ok(lonely_parse("only", &lone) == MG_OK && lone == LONELY_ONLY, "a one-member enum");

    db = open_db(":memory:", enums_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();

    shirt_init(&s);
    ok(s.color == COLOR_GREEN && !s.has_size && !s.has_code, "init: the defaults");
    is_str(s.label, "it's \"new\"", "init: a text default");
    shirt_free(&s);
    is_str(s.label, "it's \"new\"", "free leaves a default literal alone");
    is_int(shirt_insert(db, &s), MG_OK, "insert with the defaults");
    is_int(shirt_get(db, s.id, &got), MG_OK, "get");
    ok(got.color == COLOR_GREEN && !got.has_size && !got.has_code && got.lonely == LONELY_ONLY,
       "NULL enums have their flags false");
    is_str(got.label, "it's \"new\"", "the text default round-trips");
    shirt_free(&got);

    s.size = SIZE_LARGE;
    s.has_size = true;
    s.code = COLOR_RED;
    s.has_code = true;
    s.color = COLOR_BLUE;
    is_int(shirt_update(db, &s), MG_OK, "update the enums");
    is_int(shirt_get_by_code(db, COLOR_RED, &got), MG_OK, "get_by_code");
    ok(got.id == s.id && got.has_size && got.size == SIZE_LARGE && got.color == COLOR_BLUE,
       "the values");
    shirt_free(&got);
    is_int(shirt_get_by_code(db, COLOR_BLUE, &got), MG_NOTFOUND, "get_by_code: MG_NOTFOUND");
    is_int(raw_int(db, "SELECT count(*) FROM shirts WHERE size = 'large' AND code = 'red'"), 1,
           "stored as the members' names");

    shirt_init(&t);
    t.code = COLOR_RED;
    t.has_code = true;
    is_int(shirt_insert(db, &t), MG_CONSTRAINT, "a duplicate unique enum: MG_CONSTRAINT");
    t.has_code = false;
    t.size = (enum size)77;   /* ignored: has_size is false */
    is_int(shirt_insert(db, &t), MG_OK, "a value behind a false flag is not used");
    t.has_size = true;
    is_int(shirt_update(db, &t), MG_MISUSE, "an enum value that is no member: MG_MISUSE");
    t.has_size = false;
    t.color = (enum color)-5;
    is_int(shirt_update(db, &t), MG_MISUSE, "a negative one too");
    ok(strstr(mg_errmsg(db), "Color") != NULL, "the message names the enum: %s", mg_errmsg(db));

    is_int(shirt_all(db, &all), MG_OK, "all");
    is_int(all.count, 2, "two shirts");
    shirt_array_free(&all);

    /* a stored name the enum does not know: an error, and the row comes back empty */
    ok(exec_without_check(db, "shirts", "shirts_color_check",
                          "UPDATE shirts SET color = 'mauve' WHERE id = 1") == MG_OK
       && raw_int(db, "SELECT count(*) FROM shirts WHERE color = 'mauve'") == 1,
       "store a bad name past the CHECK");
    is_int(shirt_get(db, 1, &got), MG_ERROR, "reading it: MG_ERROR");
    ok(strstr(mg_errmsg(db), "'mauve' is not a member of enum Color") != NULL, "says why: %s",
       mg_errmsg(db));
    ok(got.id == 0 && got.label == NULL && got.lonely == 0 && got.mg_owned == NULL,
       "the failed row is empty, numbers included");
    is_int(shirt_all(db, &all), MG_ERROR, "all: MG_ERROR too");
    ok(all.items == NULL && all.count == 0, "and the array is empty");
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
