/* A small app on the generated users/profiles API: the circular case of the README.
   A user points at its profile, and the profile records which user created it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "users.h"

static int fail(mg_db *db, const char *what, int rc)
{
    fprintf(stderr, "app: %s failed: %s (%s)\n", what, mg_status_name(rc), mg_errmsg(db));
    mg_rollback(db);
    mg_close(db);
    return 1;
}

int main(int argc, char **argv)
{
    /* an SQLite file, or a PostgreSQL URI (postgresql://...): the same code runs on both */
    const char *path = argc > 1 ? argv[1] : "app.db";
    mg_db *db;
    int rc = mg_open(path, &db);
    if (rc != MG_OK) {
        /* the message names the database but never a password (the target may hold one) */
        fprintf(stderr, "app: %s\n", mg_errmsg(NULL));
        return 1;
    }
    if ((rc = users_migrate(db)) != MG_OK)
        return fail(db, "migrate", rc);

    /* Both rows in one transaction: the user first, then the profile it created,
       then the user's link to that profile. */
    if ((rc = mg_begin(db)) != MG_OK)
        return fail(db, "begin", rc);
    struct user ada;
    user_init(&ada);
    ada.email = "ada@example.org";
    ada.name = "Ada";
    if ((rc = user_insert(db, &ada)) != MG_OK)
        return fail(db, "user_insert", rc);
    struct profile card;
    profile_init(&card);
    card.bio = "Writes the first programs.";
    card.created_by_user_id = ada.id;
    if ((rc = profile_insert(db, &card)) != MG_OK)
        return fail(db, "profile_insert", rc);
    if ((rc = user_set_profile(db, &ada, &card)) != MG_OK)
        return fail(db, "user_set_profile", rc);
    if ((rc = mg_commit(db)) != MG_OK)
        return fail(db, "commit", rc);

    /* Eager loading: the user and its profile in one query. */
    struct user u;
    struct profile p;
    if ((rc = user_get_with_profile(db, ada.id, &u, &p)) != MG_OK)
        return fail(db, "user_get_with_profile", rc);
    printf("user %" PRId64 " %s <%s>, role %s, profile %" PRId64 ": %s\n", u.id, u.name,
           u.email, role_name(u.role), p.id, p.bio ? p.bio : "(none)");
    user_free(&u);
    profile_free(&p);

    struct profile_array authored;
    if ((rc = user_get_authored(db, &ada, &authored)) != MG_OK)
        return fail(db, "user_get_authored", rc);
    printf("%s created %zu profile(s)\n", ada.name, authored.count);
    profile_array_free(&authored);

    int64_t users, profiles;
    if ((rc = user_count(db, &users)) != MG_OK || (rc = profile_count(db, &profiles)) != MG_OK)
        return fail(db, "count", rc);
    printf("the database now holds %" PRId64 " user(s) and %" PRId64 " profile(s)\n", users,
           profiles);
    mg_close(db);
    return 0;
}
