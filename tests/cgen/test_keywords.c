/* Models and fields named after SQL keywords (Order, Group, select, from, where, order):
   every statement quotes them. */
#include "keywords.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

int main(void)
{
    struct group g, dup, got_g;
    struct order o, got_o;
    struct order_array orders;
    struct group_array groups;
    int64_t n;

    db = open_db(":memory:", keywords_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();

    group_init(&g);
    g.order = "first";
    is_int(group_insert(db, &g), MG_OK, "insert into \"groups\"");
    order_init(&o);
    o.select = "SELECT * FROM orders";
    o.from = 7;
    o.has_from = true;
    o.where = true;
    is_int(order_insert(db, &o), MG_OK, "insert an order");
    is_int(order_set_group(db, &o, &g), MG_OK, "set_group");
    is_int(order_get(db, o.id, &got_o), MG_OK, "get");
    is_str(got_o.select, "SELECT * FROM orders", "select");
    ok(got_o.has_from && got_o.from == 7 && got_o.where, "from, where");
    ok(got_o.has_group_id && got_o.group_id == g.id, "group_id");
    order_free(&got_o);
    is_int(group_get_by_order(db, "first", &got_g), MG_OK, "get_by_order");
    is_int(got_g.id, g.id, "the group");
    group_free(&got_g);
    is_int(order_get_with_group(db, o.id, &got_o, &got_g), MG_OK, "get_with_group");
    is_str(got_g.order, "first", "the group's order");
    order_free(&got_o);
    group_free(&got_g);
    is_int(group_get_orders(db, &g, &orders), MG_OK, "get_orders");
    is_int(orders.count, 1, "one order");
    order_array_free(&orders);
    is_int(group_count_orders(db, &g, &n), MG_OK, "count_orders");
    is_int(n, 1, "1");
    is_int(order_all_with_group(db, &orders, &groups), MG_OK, "all_with_group");
    ok(orders.count == 1 && groups.count == 1, "aligned");
    order_array_free(&orders);
    group_array_free(&groups);

    group_init(&dup);
    dup.order = "first";
    is_int(group_insert(db, &dup), MG_CONSTRAINT, "a unique keyword column: MG_CONSTRAINT");
    o.where = false;
    o.has_from = false;
    is_int(order_update(db, &o), MG_OK, "update");
    is_int(order_get(db, o.id, &got_o), MG_OK, "get");
    ok(!got_o.has_from && !got_o.where, "the update took");
    order_free(&got_o);
    is_int(order_count(db, &n), MG_OK, "count");
    is_int(n, 1, "1");
    is_int(order_delete(db, o.id), MG_OK, "delete");
    is_int(group_delete(db, g.id), MG_OK, "delete the group");
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
