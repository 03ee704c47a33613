/* The seed schema (users <-> profiles): CRUD, every accessor kind, NULLs and has_ flags,
   hostile strings, constraint failures, the deferred key at commit, a failed statement
   failing its transaction, NULL arguments, statements prepared once, the migration, and
   the ownership rules of _free and _array_free; on the engine of the run (common.h). */
#include <time.h>

#include "users.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

/* A user with the given email and name, inserted; aborts the test on failure. */
static struct user add_user(const char *email, const char *name)
{
    struct user u;
    user_init(&u);
    u.email = email;
    u.name = name;
    if (user_insert(db, &u) != MG_OK) {
        printf("# cannot insert %s: %s\n", email, mg_errmsg(db));
        exit(1);
    }
    return u;
}

static struct profile add_profile(const struct user *by, const char *bio)
{
    struct profile p;
    profile_init(&p);
    p.bio = bio;
    p.created_by_user_id = by->id;
    if (profile_insert(db, &p) != MG_OK) {
        printf("# cannot insert a profile: %s\n", mg_errmsg(db));
        exit(1);
    }
    return p;
}

static void test_migrate(void)
{
    const char *target = fresh_target("migrate.db");
    mg_db *file = NULL;

    ok(target && mg_open(target, &file) == MG_OK, "open a database of its own");
    if (file == NULL)
        return;
    is_int(users_migrate(file), MG_OK, "migrate an empty database");
    is_int(users_migrate(file), MG_OK, "migrate again: a no-op");
    is_int(raw_int(file, "SELECT count(*) FROM modelgen_migrations"), 1, "one migration recorded");
    is_int(table_exists(file, "profiles"), 1, "the schema exists");
    mg_close(file);
    ok(mg_open(target, &file) == MG_OK, "reopen it");
    is_int(users_migrate(file), MG_OK, "migrate on another connection: still a no-op");
    is_int(raw_int(file, "SELECT count(*) FROM modelgen_migrations"), 1, "still one migration");
    raw_exec(file, "UPDATE modelgen_migrations SET checksum = '0000000000000000'");
    is_int(users_migrate(file), MG_ERROR, "a database migrated with another schema is refused");
    ok(strstr(mg_errmsg(file), "checksum") != NULL, "and the message says why: %s",
       mg_errmsg(file));
    ok(no_transaction_open(file), "no transaction is left open");
    mg_close(file);
    if (!test_on_postgres())
        remove("migrate.db");

    target = fresh_target(":memory:");
    ok(target && mg_open(target, &file) == MG_OK, "open another database");
    if (file == NULL)
        return;
    raw_exec(file, "CREATE TABLE users (x integer)");
    is_int(users_migrate(file), MG_ERROR, "migrating over a conflicting table fails");
    ok(strstr(mg_errmsg(file), "users") != NULL, "with the engine's message: %s",
       mg_errmsg(file));
    is_int(table_exists(file, "modelgen_migrations"), 0, "and leaves nothing behind");
    ok(no_transaction_open(file), "no transaction is left open");
    mg_close(file);
}

static void test_init_free(void)
{
    struct user u;
    struct user_array none = {NULL, 0};
    time_t before = time(NULL), after;

    user_init(&u);
    after = time(NULL);
    ok(u.id == 0 && u.email == NULL && u.name == NULL && u.bio == NULL, "init: zeroed");
    ok(u.age == 0 && u.active && u.role == ROLE_MEMBER, "init: the defaults");
    ok(u.joined_at >= before && u.joined_at <= after, "init: now is the time of the call");
    ok(!u.has_profile_id && u.mg_owned == NULL, "init: no profile, nothing owned");
    u.email = "caller@example.com";
    user_free(&u);
    is_str(u.email, "caller@example.com", "free leaves the caller's pointers alone");
    user_free(&u);
    user_free(NULL);
    user_array_free(&none);
    user_array_free(NULL);
    ok(none.items == NULL && none.count == 0, "free on init'd structs and empty arrays is safe");
}

static void test_crud(void)
{
    struct user u, got, again;
    struct user_array all;
    int64_t n;

    user_init(&u);
    u.email = "ada@example.com";
    u.name = "Ada";
    u.age = 36;
    u.role = ROLE_ADMIN;
    is_int(user_insert(db, &u), MG_OK, "insert");
    ok(u.id > 0, "insert sets the id (%lld)", (long long)u.id);

    is_int(user_get(db, u.id, &got), MG_OK, "get");
    is_str(got.email, "ada@example.com", "get: text");
    ok(got.bio == NULL, "get: NULL text is NULL");
    ok(got.age == 36 && got.active && got.role == ROLE_ADMIN, "get: numbers, bool, enum");
    ok(got.joined_at == u.joined_at, "get: timestamp");
    ok(!got.has_profile_id && got.profile_id == 0, "get: an unset key has its flag false");
    ok(got.mg_owned != NULL, "get: the library owns the strings it read");

    got.bio = "now with a bio";
    got.age = 37;
    got.active = false;
    got.role = ROLE_GUEST;
    is_int(user_update(db, &got), MG_OK, "update");
    user_free(&got);
    ok(got.mg_owned == NULL && got.email == NULL && got.bio == NULL,
       "free clears what pointed into the block");
    is_int(user_get(db, u.id, &again), MG_OK, "get after update");
    is_str(again.bio, "now with a bio", "update: text");
    ok(again.age == 37 && !again.active && again.role == ROLE_GUEST, "update: the rest");
    user_free(&again);

    is_int(user_get_by_email(db, "ada@example.com", &got), MG_OK, "get_by_email");
    is_int(got.id, u.id, "get_by_email: the right row");
    user_free(&got);
    is_int(user_get_by_email(db, "nobody@example.com", &got), MG_NOTFOUND,
           "get_by_email: MG_NOTFOUND");
    ok(got.id == 0 && got.mg_owned == NULL, "a failed get leaves its output empty");
    ok(mg_errmsg(db)[0] != '\0', "with a message: %s", mg_errmsg(db));
    got.id = 5;
    got.email = "stale";
    is_int(user_get(db, 999999, &got), MG_NOTFOUND, "get: MG_NOTFOUND");
    ok(got.id == 0 && got.email == NULL, "the output is emptied first");

    {
        struct user first = add_user("b@example.com", "B");
        struct user explicit_id;
        user_init(&explicit_id);
        explicit_id.id = 1000;
        explicit_id.email = "explicit@example.com";
        explicit_id.name = "Explicit";
        is_int(user_insert(db, &explicit_id), MG_OK, "insert with an explicit id");
        is_int(explicit_id.id, 1000, "the explicit id is kept");
        explicit_id.email = "other@example.com";
        is_int(user_insert(db, &explicit_id), MG_CONSTRAINT, "an explicit id taken: MG_CONSTRAINT");
        (void)first;
    }

    is_int(user_count(db, &n), MG_OK, "count");
    is_int(n, 3, "count: 3 rows");
    is_int(user_all(db, &all), MG_OK, "all");
    is_int(all.count, 3, "all: 3 rows");
    ok(all.count == 3 && all.items[0].id < all.items[1].id && all.items[1].id < all.items[2].id,
       "all: ordered by id");
    ok(all.count == 3 && all.items[2].id == 1000, "all: the explicit id last");
    ok(all.count == 3 && strcmp(all.items[0].email, "ada@example.com") == 0,
       "all: the rows' strings");
    user_array_free(&all);
    ok(all.items == NULL && all.count == 0, "array_free empties the array");

    is_int(user_delete(db, 1000), MG_OK, "delete");
    is_int(user_delete(db, 1000), MG_NOTFOUND, "delete again: MG_NOTFOUND");
    is_int(user_get(db, 1000, &got), MG_NOTFOUND, "get a deleted row: MG_NOTFOUND");
    got.id = 1000;
    got.email = "x@example.com";
    got.name = "x";
    is_int(user_update(db, &got), MG_NOTFOUND, "update a deleted row: MG_NOTFOUND");
    got.id = 0;
    is_int(user_update(db, &got), MG_NOTFOUND, "update a row never inserted: MG_NOTFOUND");

    user_init(&got);
    got.email = "noname@example.com";
    is_int(user_insert(db, &got), MG_CONSTRAINT, "a required text left NULL: MG_CONSTRAINT");
    is_int(busy_statements(db), 0, "every statement was reset");

    {
        long long before;
        is_int(user_get(db, u.id, &got), MG_OK, "get");
        user_free(&got);
        is_int(user_count(db, &n), MG_OK, "count");
        before = prepared_statements(db);
        for (int i = 0; i < 3; i++) {
            user_get(db, u.id, &got);
            user_free(&got);
            user_count(db, &n);
        }
        ok(before > 0 && prepared_statements(db) == before,
           "calls made again prepare nothing new (%lld statements)", before);
    }
}

static void test_hostile(void)
{
    static const char *const strings[] = {
        "Robert'); DROP TABLE users; --",
        "\"double\" and 'single' quotes, a \\ backslash, ?? and ?1 and :name and %s%n",
        "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x8e\x89 non-ASCII",
        "line\nbreak\ttab\r\n",
        "",
    };
    char *huge = long_string(1000000);
    char email[64];
    struct user u, got;

    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        snprintf(email, sizeof email, "hostile%zu@example.com", i);
        u = add_user(email, strings[i]);
        u.bio = strings[i];
        ok(user_update(db, &u) == MG_OK, "update with hostile string %zu", i);
        is_int(user_get(db, u.id, &got), MG_OK, "get it back");
        is_str(got.name, strings[i], "the name round-trips unchanged");
        is_str(got.bio, strings[i], "the bio round-trips unchanged");
        user_free(&got);
    }
    u = add_user("huge@example.com", huge);
    is_int(user_get_by_email(db, "huge@example.com", &got), MG_OK, "a 1 MB string");
    ok(got.name && strcmp(got.name, huge) == 0, "round-trips unchanged");
    user_free(&got);
    is_int(user_get_by_email(db, strings[0], &got), MG_NOTFOUND,
           "a hostile string as a key is only a value");
    ok(raw_int(db, "SELECT count(*) FROM users") > 0, "the users table is still there");
    free(huge);
}

static void test_constraints(void)
{
    struct user u = add_user("unique@example.com", "U"), dup;
    struct profile p;
    long long before = raw_int(db, "SELECT count(*) FROM profiles");

    user_init(&dup);
    dup.email = "unique@example.com";
    dup.name = "Dup";
    is_int(user_insert(db, &dup), MG_CONSTRAINT, "a duplicate unique email: MG_CONSTRAINT");
    ok(names_unique_key(db, "users.email", "users_email_key"),
       "with the engine's message, naming the key: %s", mg_errmsg(db));
    is_int(dup.id, 0, "a failed insert sets no id");

    profile_init(&p);
    p.created_by_user_id = 424242;
    is_int(profile_insert(db, &p), MG_CONSTRAINT,
           "an immediate key to no row: MG_CONSTRAINT at once");
    is_int(raw_int(db, "SELECT count(*) FROM profiles"), before, "and nothing was inserted");
    p.created_by_user_id = u.id;
    is_int(profile_insert(db, &p), MG_OK, "the same profile with a real author");
    p.created_by_user_id = 424242;
    is_int(profile_update(db, &p), MG_CONSTRAINT, "update to a key to no row: MG_CONSTRAINT");

    u.role = (enum role)42;
    is_int(user_update(db, &u), MG_MISUSE, "an enum value that is no member: MG_MISUSE");
    is_int(busy_statements(db), 0, "every statement was reset");
}

static void test_deferred(void)
{
    struct user u;
    long long users = raw_int(db, "SELECT count(*) FROM users");

    user_init(&u);
    u.email = "dangling@example.com";
    u.name = "Dangling";
    u.profile_id = 777777;
    u.has_profile_id = true;
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(user_insert(db, &u), MG_OK, "a deferred key to no row is accepted inside a transaction");
    is_int(mg_commit(db), MG_CONSTRAINT, "and fails at commit with MG_CONSTRAINT");
    ok(strstr(mg_errmsg(db), is_postgres(db) ? "users_profile_id_fkey" : "FOREIGN KEY") != NULL,
       "the message names the key: %s", mg_errmsg(db));
    ok(no_transaction_open(db), "the failed commit rolled back");
    is_int(raw_int(db, "SELECT count(*) FROM users"), users, "the database is as before");
    u.id = 0;
    is_int(user_insert(db, &u), MG_CONSTRAINT, "outside a transaction it fails at once");
    is_int(raw_int(db, "SELECT count(*) FROM users"), users, "still as before");
}

/* A statement that fails inside a transaction fails the transaction, on both engines:
   every later call is MG_ERROR until mg_rollback, and mg_commit rolls back and returns
   the first failure. */
static void test_failed_transaction(void)
{
    struct user u = add_user("tx@example.com", "Tx"), v, got;
    long long users = raw_int(db, "SELECT count(*) FROM users");
    int64_t n = -1;

    is_int(mg_rollback(db), MG_OK, "mg_rollback with no transaction open: MG_OK");
    ok(no_transaction_open(db), "and none is open");
    is_int(mg_begin(db), MG_OK, "begin");
    is_int(mg_begin(db), MG_OK, "begin again inside it: a savepoint");
    is_int(mg_commit(db), MG_OK, "released at once");
    ok(mg_in_transaction(db), "the transaction is still open");
    user_init(&v);
    v.email = "tx2@example.com";
    v.name = "Tx2";
    is_int(user_insert(db, &v), MG_OK, "insert inside the transaction");
    v.id = 0;
    is_int(user_insert(db, &v), MG_CONSTRAINT, "a duplicate inside it: MG_CONSTRAINT");
    ok(mg_in_transaction(db), "the transaction stays open, failed");
    is_int(user_get(db, u.id, &got), MG_ERROR, "a read after the failure: MG_ERROR");
    ok(got.id == 0 && got.mg_owned == NULL, "with its output empty");
    ok(mg_errmsg(db)[0] != '\0', "saying why: %s", mg_errmsg(db));
    is_int(user_count(db, &n), MG_ERROR, "a count: MG_ERROR");
    v.email = "tx3@example.com";
    v.id = 0;
    is_int(user_insert(db, &v), MG_ERROR, "a valid insert: MG_ERROR");
    is_int(mg_exec(db, "SELECT 1"), MG_ERROR, "mg_exec: MG_ERROR");
    is_int(mg_commit(db), MG_CONSTRAINT, "mg_commit returns the first failure");
    ok(names_unique_key(db, "users.email", "users_email_key"), "with its message: %s",
       mg_errmsg(db));
    ok(no_transaction_open(db), "and rolled back");
    is_int(raw_int(db, "SELECT count(*) FROM users"), users,
           "the insert that had succeeded is gone");

    is_int(mg_begin(db), MG_OK, "begin");
    v.email = "tx@example.com";
    v.id = 0;
    is_int(user_insert(db, &v), MG_CONSTRAINT, "a duplicate: MG_CONSTRAINT");
    is_int(user_get(db, u.id, &got), MG_ERROR, "then MG_ERROR");
    is_int(mg_rollback(db), MG_OK, "mg_rollback ends the failed transaction");
    ok(no_transaction_open(db), "none is open");
    is_int(user_get(db, u.id, &got), MG_OK, "calls work again");
    user_free(&got);
    is_int(user_count(db, &n), MG_OK, "count");
    is_int(n, users, "nothing changed");

    /* a failure outside a transaction fails only its statement */
    v.id = 0;
    is_int(user_insert(db, &v), MG_CONSTRAINT, "a duplicate outside a transaction");
    is_int(user_get(db, u.id, &got), MG_OK, "the next call works");
    user_free(&got);
    is_int(busy_statements(db), 0, "every statement was reset");
}

/* NULL connections and outputs are MG_MISUSE, and touch nothing. */
static void test_misuse(void)
{
    struct user u = add_user("misuse@example.com", "Misuse"), got;
    struct user_array all;
    struct profile p;
    struct profile_array ps;
    int64_t n;

    is_int(mg_begin(NULL), MG_MISUSE, "mg_begin(NULL)");
    is_int(mg_commit(NULL), MG_MISUSE, "mg_commit(NULL)");
    is_int(mg_rollback(NULL), MG_MISUSE, "mg_rollback(NULL)");
    is_int(mg_exec(NULL, "SELECT 1"), MG_MISUSE, "mg_exec(NULL, ...)");
    is_int(mg_query_int(NULL, "SELECT 1", &n), MG_MISUSE, "mg_query_int(NULL, ...)");
    is_int(mg_query_int(db, "SELECT 1", NULL), MG_MISUSE, "mg_query_int(db, sql, NULL)");
    is_int(mg_open(":memory:", NULL), MG_MISUSE, "mg_open(target, NULL)");
    is_int(user_get(NULL, u.id, &got), MG_MISUSE, "user_get(NULL, ...)");
    is_int(user_get(db, u.id, NULL), MG_MISUSE, "user_get(db, id, NULL)");
    is_int(user_insert(NULL, &u), MG_MISUSE, "user_insert(NULL, ...)");
    is_int(user_insert(db, NULL), MG_MISUSE, "user_insert(db, NULL)");
    is_int(user_update(db, NULL), MG_MISUSE, "user_update(db, NULL)");
    is_int(user_delete(NULL, u.id), MG_MISUSE, "user_delete(NULL, ...)");
    is_int(user_all(db, NULL), MG_MISUSE, "user_all(db, NULL)");
    is_int(user_all(NULL, &all), MG_MISUSE, "user_all(NULL, ...)");
    is_int(user_count(db, NULL), MG_MISUSE, "user_count(db, NULL)");
    is_int(user_get_by_email(db, "misuse@example.com", NULL), MG_MISUSE,
           "user_get_by_email(db, key, NULL)");
    is_int(user_get_profile(db, NULL, &p), MG_MISUSE, "user_get_profile(db, NULL, ...)");
    is_int(user_get_profile(db, &u, NULL), MG_MISUSE, "user_get_profile(db, u, NULL)");
    is_int(user_set_profile(db, NULL, NULL), MG_MISUSE, "user_set_profile(db, NULL, NULL)");
    is_int(user_get_authored(db, &u, NULL), MG_MISUSE, "user_get_authored(db, u, NULL)");
    is_int(user_get_authored(NULL, &u, &ps), MG_MISUSE, "user_get_authored(NULL, ...)");
    is_int(user_count_authored(db, &u, NULL), MG_MISUSE, "user_count_authored(db, u, NULL)");
    is_int(user_get_with_profile(db, u.id, NULL, &p), MG_MISUSE,
           "user_get_with_profile(db, id, NULL, p)");
    is_int(user_all_with_profile(db, &all, NULL), MG_MISUSE,
           "user_all_with_profile(db, users, NULL)");
    ok(no_transaction_open(db), "no transaction was opened");
    is_int(user_get(db, u.id, &got), MG_OK, "the connection still works");
    user_free(&got);
    is_int(user_delete(db, u.id), MG_OK, "delete the user");
}

static void test_belongs_to(void)
{
    struct user u = add_user("owner@example.com", "Owner"), v = add_user("v@example.com", "V");
    struct user w = add_user("w@example.com", "W"), got_u;
    struct profile p = add_profile(&u, "u's profile"), got_p, unsaved;
    struct user_array users;
    struct profile_array profiles;

    is_int(user_get_profile(db, &u, &got_p), MG_NOTFOUND, "get_profile: unset is MG_NOTFOUND");
    is_int(user_set_profile(db, &u, &p), MG_OK, "set_profile");
    ok(u.has_profile_id && u.profile_id == p.id, "set_profile updates the struct");
    is_int(user_get(db, u.id, &got_u), MG_OK, "get");
    ok(got_u.has_profile_id && got_u.profile_id == p.id, "and the row");
    user_free(&got_u);
    is_int(user_get_profile(db, &u, &got_p), MG_OK, "get_profile");
    is_str(got_p.bio, "u's profile", "get_profile: the profile");
    profile_free(&got_p);
    is_int(profile_get_created_by(db, &p, &got_u), MG_OK, "get_created_by (required)");
    is_str(got_u.email, "owner@example.com", "get_created_by: the user");
    user_free(&got_u);

    profile_init(&unsaved);
    is_int(user_set_profile(db, &u, &unsaved), MG_MISUSE, "set to a row never inserted: MG_MISUSE");
    is_int(profile_set_created_by(db, &p, NULL), MG_MISUSE, "NULL for a required key: MG_MISUSE");
    is_int(profile_set_created_by(db, &p, &v), MG_OK, "set_created_by");
    is_int(p.created_by_user_id, v.id, "set_created_by updates the struct");
    {
        struct user ghost = u;
        ghost.id = 31337;
        is_int(user_set_profile(db, &ghost, &p), MG_NOTFOUND, "set on a row not in the table");
    }

    /* v has no profile; w points at a profile that does not exist */
    ok(exec_without_foreign_keys(db, "UPDATE users SET profile_id = 888888 "
                                     "WHERE email = 'w@example.com'") == MG_OK,
       "make w's key dangle (foreign keys not enforced)");
    w.profile_id = 888888;
    w.has_profile_id = true;
    is_int(user_get_profile(db, &w, &got_p), MG_NOTFOUND, "get_profile: a dangling key");

    is_int(user_get_with_profile(db, u.id, &got_u, &got_p), MG_OK, "get_with_profile");
    ok(got_u.id == u.id && got_p.id == p.id, "get_with_profile: both rows");
    is_str(got_p.bio, "u's profile", "get_with_profile: the profile's text");
    user_free(&got_u);
    profile_free(&got_p);
    is_int(user_get_with_profile(db, v.id, &got_u, &got_p), MG_OK, "get_with_profile: none");
    ok(got_u.id == v.id && got_p.id == 0 && got_p.mg_owned == NULL, "the profile is empty");
    user_free(&got_u);
    profile_free(&got_p);
    is_int(user_get_with_profile(db, w.id, &got_u, &got_p), MG_OK, "get_with_profile: dangling");
    ok(got_u.id == w.id && got_p.id == 0, "a dangling key reads as no profile");
    user_free(&got_u);
    is_int(user_get_with_profile(db, 999999, &got_u, &got_p), MG_NOTFOUND,
           "get_with_profile: MG_NOTFOUND");

    is_int(user_all_with_profile(db, &users, &profiles), MG_OK, "all_with_profile");
    is_int(users.count, profiles.count, "all_with_profile: aligned arrays");
    is_int(users.count, raw_int(db, "SELECT count(*) FROM users"), "all_with_profile: every user");
    for (size_t i = 0; i < users.count && i < profiles.count; i++) {
        struct user *x = &users.items[i];
        int64_t want = x->id == u.id ? p.id : 0;
        if (i > 0 && users.items[i - 1].id >= x->id)
            ok(0, "all_with_profile: ordered by id");
        if (profiles.items[i].id != want)
            ok(0, "all_with_profile: user %lld has profile %lld, want %lld", (long long)x->id,
               (long long)profiles.items[i].id, (long long)want);
    }
    ok(1, "all_with_profile: each user with its own profile, ordered by id");
    user_array_free(&users);
    profile_array_free(&profiles);

    is_int(user_set_profile(db, &u, NULL), MG_OK, "set_profile(NULL) clears");
    ok(!u.has_profile_id && u.profile_id == 0, "in the struct");
    is_int(raw_int(db, "SELECT count(*) FROM users WHERE profile_id IS NULL AND email = "
                   "'owner@example.com'"), 1, "and in the row");
    raw_exec(db, "UPDATE users SET profile_id = NULL WHERE email = 'w@example.com'");
    is_int(busy_statements(db), 0, "every statement was reset");
}

static void test_has_many(void)
{
    struct user u = add_user("author@example.com", "Author"), lonely = add_user("l@example.com", "L");
    struct profile a = add_profile(&u, "first"), b = add_profile(&u, "second");
    struct profile_array got;
    int64_t n;

    is_int(user_get_authored(db, &u, &got), MG_OK, "get_authored");
    is_int(got.count, 2, "get_authored: two profiles");
    ok(got.count == 2 && got.items[0].id == a.id && got.items[1].id == b.id, "ordered by id");
    ok(got.count == 2 && strcmp(got.items[1].bio, "second") == 0, "with their strings");
    profile_array_free(&got);
    is_int(user_count_authored(db, &u, &n), MG_OK, "count_authored");
    is_int(n, 2, "count_authored: 2");
    is_int(user_get_authored(db, &lonely, &got), MG_OK, "get_authored: none");
    ok(got.count == 0 && got.items == NULL, "an empty array");
    is_int(user_count_authored(db, &lonely, &n), MG_OK, "count_authored: none");
    is_int(n, 0, "count_authored: 0");

    is_int(user_delete(db, u.id), MG_OK, "delete the author");
    is_int(raw_int(db, "SELECT count(*) FROM profiles WHERE bio IN ('first', 'second')"), 0,
           "on_delete cascade removed the profiles");
}

static void test_bad_enum_in_database(void)
{
    struct user u = add_user("bogus@example.com", "Bogus"), got;
    struct user_array all;
    enum role r;

    is_str(role_name(ROLE_GUEST), "guest", "role_name");
    ok(role_name((enum role)7) == NULL, "role_name: NULL out of range");
    ok(role_parse("admin", &r) == MG_OK && r == ROLE_ADMIN, "role_parse");
    is_int(role_parse("root", &r), MG_NOTFOUND, "role_parse: unknown name");
    is_int(role_parse(NULL, &r), MG_MISUSE, "role_parse: NULL");

    ok(exec_without_check(db, "users", "users_role_check",
                          "UPDATE users SET role = 'root' WHERE email = 'bogus@example.com'")
       == MG_OK, "store a name the enum does not know, past its CHECK");
    is_int(user_get(db, u.id, &got), MG_ERROR, "reading it is MG_ERROR");
    ok(strstr(mg_errmsg(db), "root") != NULL, "naming the value: %s", mg_errmsg(db));
    ok(got.mg_owned == NULL && got.email == NULL, "and the output is left empty");
    all.items = &got;
    all.count = 1;
    is_int(user_all(db, &all), MG_ERROR, "all: MG_ERROR");
    ok(all.items == NULL && all.count == 0, "all: partial results freed");
    is_int(user_delete(db, u.id), MG_OK, "the row can still be deleted");
    is_int(busy_statements(db), 0, "every statement was reset");
}

int main(void)
{
    test_migrate();
    db = open_db(":memory:", users_migrate);
    if (!db) {
        ok(0, "open and migrate");
        return done_testing();
    }
    ok(strcmp(mg_engine(db), test_on_postgres() ? "postgres" : "sqlite") == 0,
       "the engine asked for: %s", mg_engine(db));
    ok(test_on_postgres() ? mg_postgres(db) != NULL && mg_sqlite(db) == NULL
                          : mg_sqlite(db) != NULL && mg_postgres(db) == NULL,
       "its raw handle, and none of the other engine's");
    test_init_free();
    test_crud();
    test_hostile();
    test_constraints();
    test_deferred();
    test_failed_transaction();
    test_misuse();
    test_belongs_to();
    test_has_many();
    test_bad_enum_in_database();
    mg_close(db);
    return done_testing();
}
