/* The generated API against hand-written sqlite3 code doing the same work: statements
   prepared once, values bound, strings copied out. Both run in one process on the same
   database, in alternating rounds; the best round of each is reported. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(mg_db *db, const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, mg_errmsg(db));
    exit(1);
}

/* ---- hand-written sqlite3 code: what a careful programmer writes without modelgen ---- */

struct hand_user {
    int64_t id, age, profile_id;
    bool has_profile_id;
    char *email, *name;
};

struct hand_post {
    int64_t id, author_id;
    char *title, *body;
};

struct hand_profile {
    int64_t id, created_by_id;
    bool has_created_by_id;
    char *bio;
};

struct hand {
    sqlite3 *db;
    sqlite3_stmt *insert_user, *get_user, *get_user_by_email, *get_profile, *posts_of;
};

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: prepare: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    return st;
}

static void hand_open(struct hand *h, sqlite3 *db)
{
    h->db = db;
    h->insert_user = prepare(db, "INSERT INTO users (id, email, name, age, profile_id) "
                                 "VALUES (?, ?, ?, ?, ?)");
    h->get_user = prepare(db, "SELECT id, email, name, age, profile_id FROM users WHERE id = ?");
    h->get_user_by_email = prepare(db, "SELECT id, email, name, age, profile_id FROM users "
                                       "WHERE email = ?");
    h->get_profile = prepare(db, "SELECT id, bio, created_by_id FROM profiles WHERE id = ?");
    h->posts_of = prepare(db, "SELECT id, title, body, author_id FROM posts "
                              "WHERE author_id = ? ORDER BY id");
}

static void hand_close(struct hand *h)
{
    sqlite3_finalize(h->insert_user);
    sqlite3_finalize(h->get_user);
    sqlite3_finalize(h->get_user_by_email);
    sqlite3_finalize(h->get_profile);
    sqlite3_finalize(h->posts_of);
}

static char *copy_text(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    if (!s)
        return NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    char *p = malloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

static int hand_insert_user(struct hand *h, struct hand_user *u)
{
    sqlite3_stmt *st = h->insert_user;
    sqlite3_bind_null(st, 1);
    sqlite3_bind_text(st, 2, u->email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, u->age);
    if (u->has_profile_id)
        sqlite3_bind_int64(st, 5, u->profile_id);
    else
        sqlite3_bind_null(st, 5);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return 1;
    u->id = sqlite3_last_insert_rowid(h->db);
    return 0;
}

static void read_hand_user(sqlite3_stmt *st, struct hand_user *u)
{
    u->id = sqlite3_column_int64(st, 0);
    u->email = copy_text(st, 1);
    u->name = copy_text(st, 2);
    u->age = sqlite3_column_int64(st, 3);
    u->has_profile_id = sqlite3_column_type(st, 4) != SQLITE_NULL;
    u->profile_id = sqlite3_column_int64(st, 4);
}

static int hand_get_user(struct hand *h, sqlite3_stmt *st, struct hand_user *u)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_hand_user(st, u);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : 1;
    (void)h;
}

static void hand_user_free(struct hand_user *u)
{
    free(u->email);
    free(u->name);
}

static int hand_get_profile(struct hand *h, int64_t id, struct hand_profile *p)
{
    sqlite3_stmt *st = h->get_profile;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        p->id = sqlite3_column_int64(st, 0);
        p->bio = copy_text(st, 1);
        p->has_created_by_id = sqlite3_column_type(st, 2) != SQLITE_NULL;
        p->created_by_id = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : 1;
}

static int hand_posts_of(struct hand *h, int64_t author, struct hand_post **out, size_t *n)
{
    sqlite3_stmt *st = h->posts_of;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    sqlite3_bind_int64(st, 1, author);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = realloc(*out, cap * sizeof **out);
        }
        struct hand_post *p = &(*out)[(*n)++];
        p->id = sqlite3_column_int64(st, 0);
        p->title = copy_text(st, 1);
        p->body = copy_text(st, 2);
        p->author_id = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : 1;
}

static void hand_posts_free(struct hand_post *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].title);
        free(p[i].body);
    }
    free(p);
}

/* ---- the measured operations ---- */

enum { USERS = 10000, POSTS_PER_USER = 5, ROUNDS = 7 };

struct op {
    const char *name;
    const char *baseline;   /* what the ratio compares against */
    long count;             /* operations per round */
    void (*generated)(mg_db *db, struct hand *h, long n);
    void (*hand)(mg_db *db, struct hand *h, long n);
    double best_generated, best_hand;
};

static long seq;

static void gen_insert(mg_db *db, struct hand *h, long n)
{
    (void)h;
    char email[64];
    if (mg_begin(db) != MG_OK)
        die(db, "begin");
    for (long i = 0; i < n; i++) {
        struct user u;
        user_init(&u);
        snprintf(email, sizeof email, "g%ld@example.org", seq++);
        u.email = email;
        u.name = "generated";
        if (user_insert(db, &u) != MG_OK)
            die(db, "user_insert");
    }
    if (mg_rollback(db) != MG_OK)
        die(db, "rollback");
}

static void hand_insert(mg_db *db, struct hand *h, long n)
{
    char email[64];
    if (mg_begin(db) != MG_OK)
        die(db, "begin");
    for (long i = 0; i < n; i++) {
        struct hand_user u = {0};
        snprintf(email, sizeof email, "h%ld@example.org", seq++);
        u.email = email;
        u.name = "hand";
        if (hand_insert_user(h, &u))
            die(db, "hand insert");
    }
    if (mg_rollback(db) != MG_OK)
        die(db, "rollback");
}

static void gen_get(mg_db *db, struct hand *h, long n)
{
    (void)h;
    for (long i = 0; i < n; i++) {
        struct user u;
        if (user_get(db, 1 + i % USERS, &u) != MG_OK)
            die(db, "user_get");
        user_free(&u);
    }
}

static void hand_get(mg_db *db, struct hand *h, long n)
{
    for (long i = 0; i < n; i++) {
        struct hand_user u;
        sqlite3_bind_int64(h->get_user, 1, 1 + i % USERS);
        if (hand_get_user(h, h->get_user, &u))
            die(db, "hand get");
        hand_user_free(&u);
    }
}

static void gen_get_by_email(mg_db *db, struct hand *h, long n)
{
    (void)h;
    char email[64];
    for (long i = 0; i < n; i++) {
        struct user u;
        snprintf(email, sizeof email, "user%ld@example.org", 1 + i % USERS);
        if (user_get_by_email(db, email, &u) != MG_OK)
            die(db, "user_get_by_email");
        user_free(&u);
    }
}

static void hand_get_by_email(mg_db *db, struct hand *h, long n)
{
    char email[64];
    for (long i = 0; i < n; i++) {
        struct hand_user u;
        snprintf(email, sizeof email, "user%ld@example.org", 1 + i % USERS);
        sqlite3_bind_text(h->get_user_by_email, 1, email, -1, SQLITE_STATIC);
        if (hand_get_user(h, h->get_user_by_email, &u))
            die(db, "hand get by email");
        hand_user_free(&u);
    }
}

static void gen_get_profile(mg_db *db, struct hand *h, long n)
{
    (void)h;
    struct user u;
    user_init(&u);
    u.has_profile_id = true;
    for (long i = 0; i < n; i++) {
        struct profile p;
        u.profile_id = 1 + i % USERS;
        if (user_get_profile(db, &u, &p) != MG_OK)
            die(db, "user_get_profile");
        profile_free(&p);
    }
}

static void hand_get_profile_op(mg_db *db, struct hand *h, long n)
{
    for (long i = 0; i < n; i++) {
        struct hand_profile p;
        if (hand_get_profile(h, 1 + i % USERS, &p))
            die(db, "hand get profile");
        free(p.bio);
    }
}

static void gen_posts(mg_db *db, struct hand *h, long n)
{
    (void)h;
    struct user u;
    user_init(&u);
    for (long i = 0; i < n; i++) {
        struct post_array posts;
        u.id = 1 + i % USERS;
        if (user_get_posts(db, &u, &posts) != MG_OK || posts.count != POSTS_PER_USER)
            die(db, "user_get_posts");
        post_array_free(&posts);
    }
}

static void hand_posts(mg_db *db, struct hand *h, long n)
{
    for (long i = 0; i < n; i++) {
        struct hand_post *posts;
        size_t count;
        if (hand_posts_of(h, 1 + i % USERS, &posts, &count) || count != POSTS_PER_USER)
            die(db, "hand posts");
        hand_posts_free(posts, count);
    }
}

static void gen_all_with(mg_db *db, struct hand *h, long n)
{
    (void)h;
    for (long i = 0; i < n; i++) {
        struct user_array users;
        struct profile_array profiles;
        if (user_all_with_profile(db, &users, &profiles) != MG_OK || users.count != USERS)
            die(db, "user_all_with_profile");
        user_array_free(&users);
        profile_array_free(&profiles);
    }
}

/* The N+1 way with the same generated API: every user, then each one's profile. */
static void gen_n_plus_one(mg_db *db, struct hand *h, long n)
{
    (void)h;
    for (long i = 0; i < n; i++) {
        struct user_array users;
        if (user_all(db, &users) != MG_OK || users.count != USERS)
            die(db, "user_all");
        for (size_t j = 0; j < users.count; j++) {
            struct profile p;
            int rc = user_get_profile(db, &users.items[j], &p);
            if (rc != MG_OK && rc != MG_NOTFOUND)
                die(db, "user_get_profile");
            if (rc == MG_OK)
                profile_free(&p);
        }
        user_array_free(&users);
    }
}

static void fill(mg_db *db)
{
    if (bench_migrate(db) != MG_OK)
        die(db, "migrate");
    if (mg_begin(db) != MG_OK)
        die(db, "begin");
    char buf[64];
    /* profiles.created_by_id is the deferred key of the cycle (see `modelgen check
       --explain`), so each profile goes in first and its user second */
    for (long i = 1; i <= USERS; i++) {
        struct profile p;
        profile_init(&p);
        p.id = i;
        p.bio = "Likes benchmarks.";
        p.created_by_id = i;
        p.has_created_by_id = true;
        if (profile_insert(db, &p) != MG_OK)
            die(db, "fill profiles");
        struct user u;
        user_init(&u);
        snprintf(buf, sizeof buf, "user%ld@example.org", i);
        u.email = buf;
        u.name = "A. Person";
        u.age = i % 90;
        u.id = i;
        u.profile_id = i;
        u.has_profile_id = true;
        if (user_insert(db, &u) != MG_OK)
            die(db, "fill users");
        for (int k = 0; k < POSTS_PER_USER; k++) {
            struct post post;
            post_init(&post);
            post.title = "A title";
            post.body = "Some text for the body of the post.";
            post.author_id = i;
            if (post_insert(db, &post) != MG_OK)
                die(db, "fill posts");
        }
    }
    if (mg_commit(db) != MG_OK)
        die(db, "commit");
}

static double timed(void (*fn)(mg_db *, struct hand *, long), mg_db *db, struct hand *h, long n)
{
    double t0 = now();
    fn(db, h, n);
    return now() - t0;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "bench.db";
    remove(path);
    mg_db *db;
    if (mg_open(path, &db) != MG_OK)
        die(db, "open");
    mg_exec(db, "PRAGMA journal_mode = WAL");
    mg_exec(db, "PRAGMA synchronous = NORMAL");
    fill(db);
    struct hand h;
    hand_open(&h, mg_sqlite(db));

    struct op ops[] = {
        {"insert (in a transaction)", "hand-written", 20000, gen_insert, hand_insert, 0, 0},
        {"get by id", "hand-written", 100000, gen_get, hand_get, 0, 0},
        {"get by unique email", "hand-written", 100000, gen_get_by_email, hand_get_by_email, 0, 0},
        {"user_get_profile", "hand-written", 100000, gen_get_profile, hand_get_profile_op, 0, 0},
        {"user_get_posts (has_many, 5 rows)", "hand-written", 50000, gen_posts, hand_posts, 0, 0},
        {"user_all_with_profile (10,000 rows)", "N+1 user_get_profile", 3, gen_all_with,
         gen_n_plus_one, 0, 0},
    };
    size_t nops = sizeof ops / sizeof ops[0];
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t i = 0; i < nops; i++) {
            /* alternate which side goes first, so neither always gets the warm cache */
            double a, b;
            if (round % 2 == 0) {
                a = timed(ops[i].generated, db, &h, ops[i].count);
                b = timed(ops[i].hand, db, &h, ops[i].count);
            } else {
                b = timed(ops[i].hand, db, &h, ops[i].count);
                a = timed(ops[i].generated, db, &h, ops[i].count);
            }
            if (round == 0 || a < ops[i].best_generated)
                ops[i].best_generated = a;
            if (round == 0 || b < ops[i].best_hand)
                ops[i].best_hand = b;
        }
    }
    printf("| operation | generated ops/s | baseline | baseline ops/s | ratio |\n");
    printf("| --- | ---: | --- | ---: | ---: |\n");
    for (size_t i = 0; i < nops; i++) {
        double g = ops[i].count / ops[i].best_generated;
        double b = ops[i].count / ops[i].best_hand;
        printf("| %s | %.0f | %s | %.0f | %.2f |\n", ops[i].name, g, ops[i].baseline, b, g / b);
    }
    hand_close(&h);
    mg_close(db);
    remove(path);
    return 0;
}
