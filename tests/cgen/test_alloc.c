/* What a read allocates: one block per row that has text or blobs (all its strings share
   it), the items of an array, and nothing else, counted through mg_set_allocator. */
#include "alloc.h"
#include "tap.h"
#include "common.h"

static long allocations;

static void *counting_realloc(void *p, size_t n)
{
    if (p == NULL)
        allocations++;
    return realloc(p, n);
}

int main(void)
{
    mg_set_allocator(counting_realloc, free);
    mg_db *db = open_db(":memory:", alloc_migrate);
    if (!db) {
        printf("Bail out! cannot open the database\n");
        return 1;
    }
    long before = allocations;
    mg_begin(db);
    struct user u;
    user_init(&u);
    u.email = "ada@example.org";
    u.name = "Ada";
    is_int(user_insert(db, &u), MG_OK, "insert a user");
    struct profile p;
    profile_init(&p);
    p.created_by_user_id = u.id;
    is_int(profile_insert(db, &p), MG_OK, "insert a profile without text (bio NULL)");
    is_int(user_set_profile(db, &u, &p), MG_OK, "link them");
    is_int(mg_commit(db), MG_OK, "commit");
    is_int(allocations - before, 0, "inserts and updates allocate nothing of the library's");

    struct user got;
    before = allocations;
    is_int(user_get(db, u.id, &got), MG_OK, "user_get");
    is_int(allocations - before, 1, "user_get: one block for all of the row's strings");
    ok(got.email != NULL && got.name != NULL && got.bio == NULL, "both strings filled, bio NULL");
    user_free(&got);

    before = allocations;
    is_int(user_get_by_email(db, "ada@example.org", &got), MG_OK, "user_get_by_email");
    is_int(allocations - before, 1, "user_get_by_email: one block");
    user_free(&got);

    struct profile gp;
    before = allocations;
    is_int(user_get_profile(db, &u, &gp), MG_OK, "user_get_profile");
    is_int(allocations - before, 0, "a row without text or blobs allocates nothing");
    profile_free(&gp);

    struct user wu;
    before = allocations;
    is_int(user_get_with_profile(db, u.id, &wu, &gp), MG_OK, "user_get_with_profile");
    is_int(allocations - before, 1, "the join: one block, for the user's strings");
    user_free(&wu);
    profile_free(&gp);

    struct profile_array authored;
    before = allocations;
    is_int(user_get_authored(db, &u, &authored), MG_OK, "user_get_authored");
    is_int(allocations - before, 1, "has_many of text-less rows: only the items array");
    profile_array_free(&authored);

    int64_t n = -1;
    before = allocations;
    is_int(user_count(db, &n), MG_OK, "user_count");
    is_int(allocations - before, 0, "a count allocates nothing");

    mg_close(db);
    mg_set_allocator(NULL, NULL);
    return done_testing();
}
