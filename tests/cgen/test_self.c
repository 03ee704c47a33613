/* A self-reference: employees and their managers, created inline; has_many and has_one
   over the same table; on_delete set_null. */
#include "self.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

static struct employee hire(const char *name, const struct employee *manager)
{
    struct employee e;
    employee_init(&e);
    e.name = name;
    if (manager) {
        e.manager_id = manager->id;
        e.has_manager_id = true;
    }
    if (employee_insert(db, &e) != MG_OK)
        printf("# cannot hire %s: %s\n", name, mg_errmsg(db));
    return e;
}

int main(void)
{
    struct employee boss, alice, bob, carol, got, got_m;
    struct employee_array all, managers;
    int64_t n;

    db = open_db(":memory:", self_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();
    boss = hire("Boss", NULL);
    alice = hire("Alice", &boss);
    bob = hire("Bob", &boss);
    ok(boss.id && alice.id && bob.id, "hire three");

    is_int(employee_get_manager(db, &alice, &got), MG_OK, "get_manager");
    is_str(got.name, "Boss", "alice's manager");
    employee_free(&got);
    is_int(employee_get_manager(db, &boss, &got), MG_NOTFOUND, "the boss has none");
    is_int(employee_get_reports(db, &boss, &all), MG_OK, "get_reports");
    ok(all.count == 2 && all.items[0].id == alice.id && all.items[1].id == bob.id,
       "two reports, ordered by id");
    employee_array_free(&all);
    is_int(employee_count_reports(db, &boss, &n), MG_OK, "count_reports");
    is_int(n, 2, "2");

    is_int(employee_get_with_manager(db, alice.id, &got, &got_m), MG_OK, "get_with_manager");
    ok(got.id == alice.id && got_m.id == boss.id, "two rows of one table from one join");
    is_str(got_m.name, "Boss", "the manager's text");
    employee_free(&got);
    employee_free(&got_m);
    is_int(employee_get_with_manager(db, boss.id, &got, &got_m), MG_OK, "get_with_manager: none");
    is_int(got_m.id, 0, "no manager");
    employee_free(&got);
    is_int(employee_all_with_manager(db, &all, &managers), MG_OK, "all_with_manager");
    ok(all.count == 3 && managers.count == 3 && managers.items[0].id == 0 &&
       managers.items[1].id == boss.id && managers.items[2].id == boss.id, "aligned");
    ok(!all.items[0].has_salary, "a NULL real has its flag false");
    employee_array_free(&all);
    employee_array_free(&managers);

    carol = hire("Carol", NULL);
    is_int(employee_get_assistant(db, &alice, &got), MG_NOTFOUND, "get_assistant: none");
    is_int(employee_set_mentor(db, &carol, &alice), MG_OK, "set_mentor");
    is_int(employee_set_mentor(db, &bob, &alice), MG_OK, "set_mentor again");
    is_int(employee_get_assistant(db, &alice, &got), MG_OK, "get_assistant (has_one)");
    is_int(got.id, bob.id, "the lowest id of the two");
    employee_free(&got);
    is_int(employee_set_manager(db, &carol, &carol), MG_OK, "an employee may manage herself");

    carol.salary = 1234.5;
    carol.has_salary = true;
    is_int(employee_update(db, &carol), MG_OK, "update a nullable real");
    is_int(employee_get(db, carol.id, &got), MG_OK, "get it");
    ok(got.has_salary && got.salary == 1234.5, "the real round-trips");
    ok(got.has_manager_id && got.manager_id == carol.id, "and the self key");
    employee_free(&got);

    is_int(employee_delete(db, boss.id), MG_OK, "delete the boss");
    is_int(employee_get(db, alice.id, &got), MG_OK, "get alice");
    ok(!got.has_manager_id && got.manager_id == 0, "on_delete set_null cleared her manager");
    employee_free(&got);
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
