/* The generated API against hand-written code doing the same work, on one connection:
   sqlite3 (a WAL file or ":memory:") or libpq (PostgreSQL).

   The hand-written side is what a careful programmer writes without modelgen: each
   statement prepared once (sqlite3_prepare_v3 PERSISTENT; PQprepare), values bound
   (PostgreSQL: int8 in binary, text as text, results in binary, the format the runtime
   uses), and each row's strings copied out into ONE malloc'd block, as the generated
   code does (it allocates one block per row for all of the row's strings and blobs), so
   that the ratio measures the runtime's own overhead, not a difference in allocations.

   Both sides run in one process on the same database and connection, in alternating
   rounds (the side that goes first alternates); the best round of each is reported:
   many short rounds, so that a busy machine still leaves some of them undisturbed. The
   last column compares the best CPU times of this process instead (on PostgreSQL the
   client's: libpq and the runtime or the hand-written code, not the server), which a
   busy machine disturbs less than wall time.

   usage: runtime_bench sqlite FILE|:memory: [--rounds N]
          runtime_bench postgres CONNINFO [--rounds N]
          runtime_bench ENGINE TARGET --instructions   (under valgrind --tool=callgrind
                                                        --instr-atstart=no: one dump
                                                        per operation and side)
   --only KEY runs one operation (insert, get, email, profile, posts, allwith, nplus1);
   --side gen|hand only that side of it (for a profiler). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#ifdef BENCH_POSTGRES
#include <libpq-fe.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif

#include "bench.h"

static double clock_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_of(CLOCK_MONOTONIC);
}

static void die(mg_db *db, const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, mg_errmsg(db));
    exit(1);
}

enum { USERS = 10000, POSTS_PER_USER = 5 };

/* The unique emails of the users, made once so that neither side's loop formats them. */
static char emails[USERS + 1][32];

/* ---- The hand-written side's rows: strings in one block per row ---- */

struct hand_user {
    int64_t id, age, profile_id;
    bool has_profile_id;
    const char *email, *name;
    char *block;
};

struct hand_post {
    int64_t id, author_id;
    const char *title, *body;
    char *block;
};

struct hand_profile {
    int64_t id, created_by_id;
    bool has_created_by_id;
    const char *bio;        /* NULL for SQL NULL */
    char *block;
};

/* Copies two strings (a, b of lengths na, nb) into one block; 0 when out of memory. */
static char *two_strings(const char *a, size_t na, const char *b, size_t nb,
                         const char **pa, const char **pb)
{
    char *block = malloc(na + nb + 2);
    if (block == NULL)
        return NULL;
    memcpy(block, a, na);
    block[na] = '\0';
    memcpy(block + na + 1, b, nb);
    block[na + 1 + nb] = '\0';
    *pa = block;
    *pb = block + na + 1;
    return block;
}

static void hand_posts_free(struct hand_post *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].block);
    free(p);
}

/* An engine's hand-written operations. Each returns 0 on success. */
struct hand_ops {
    int (*insert_user)(void *h, struct hand_user *u);
    int (*get_user)(void *h, int64_t id, struct hand_user *u);
    int (*get_user_by_email)(void *h, const char *email, struct hand_user *u);
    int (*get_profile)(void *h, int64_t id, struct hand_profile *p);
    int (*posts_of)(void *h, int64_t author, struct hand_post **out, size_t *n);
    /* every user and its profile in one join, the arrays growing together */
    int (*all_with_profile)(void *h, struct hand_user **users, struct hand_profile **profiles,
                            size_t *n);
};

/* ---- Hand-written sqlite3 ---- */

struct hand_sqlite {
    sqlite3 *db;
    sqlite3_stmt *insert_user, *get_user, *get_user_by_email, *get_profile, *posts_of,
        *all_with_profile;
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

static void hs_open(struct hand_sqlite *h, sqlite3 *db)
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
    h->all_with_profile = prepare(db, "SELECT o.id, o.email, o.name, o.age, o.profile_id, "
                                      "t.id, t.bio, t.created_by_id FROM users AS o LEFT JOIN "
                                      "profiles AS t ON t.id = o.profile_id ORDER BY o.id");
}

static void hs_close(struct hand_sqlite *h)
{
    sqlite3_finalize(h->insert_user);
    sqlite3_finalize(h->get_user);
    sqlite3_finalize(h->get_user_by_email);
    sqlite3_finalize(h->get_profile);
    sqlite3_finalize(h->posts_of);
    sqlite3_finalize(h->all_with_profile);
}

static int hs_insert_user(void *hp, struct hand_user *u)
{
    struct hand_sqlite *h = hp;
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

/* A users row from column col on; 1 when out of memory. */
static int hs_read_user(sqlite3_stmt *st, int col, struct hand_user *u)
{
    const char *email = (const char *)sqlite3_column_text(st, col + 1);
    size_t ne = (size_t)sqlite3_column_bytes(st, col + 1);
    const char *name = (const char *)sqlite3_column_text(st, col + 2);
    size_t nn = (size_t)sqlite3_column_bytes(st, col + 2);

    u->id = sqlite3_column_int64(st, col);
    u->age = sqlite3_column_int64(st, col + 3);
    u->has_profile_id = sqlite3_column_type(st, col + 4) != SQLITE_NULL;
    u->profile_id = u->has_profile_id ? sqlite3_column_int64(st, col + 4) : 0;
    if (email == NULL || name == NULL)  /* NOT NULL columns: out of memory */
        return 1;
    u->block = two_strings(email, ne, name, nn, &u->email, &u->name);
    return u->block == NULL;
}

/* A profiles row from column col on (bio may be NULL); 1 when out of memory. */
static int hs_read_profile(sqlite3_stmt *st, int col, struct hand_profile *p)
{
    const char *bio = (const char *)sqlite3_column_text(st, col + 1);

    p->id = sqlite3_column_int64(st, col);
    p->has_created_by_id = sqlite3_column_type(st, col + 2) != SQLITE_NULL;
    p->created_by_id = p->has_created_by_id ? sqlite3_column_int64(st, col + 2) : 0;
    p->bio = NULL;
    p->block = NULL;
    if (bio == NULL)
        return sqlite3_column_type(st, col + 1) != SQLITE_NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, col + 1);
    if ((p->block = malloc(n + 1)) == NULL)
        return 1;
    memcpy(p->block, bio, n + 1);
    p->bio = p->block;
    return 0;
}

static int hs_get_user_stmt(sqlite3_stmt *st, struct hand_user *u)
{
    int rc = sqlite3_step(st), bad = 1;
    if (rc == SQLITE_ROW)
        bad = hs_read_user(st, 0, u);
    sqlite3_reset(st);
    return bad;
}

static int hs_get_user(void *hp, int64_t id, struct hand_user *u)
{
    struct hand_sqlite *h = hp;
    sqlite3_bind_int64(h->get_user, 1, id);
    return hs_get_user_stmt(h->get_user, u);
}

static int hs_get_user_by_email(void *hp, const char *email, struct hand_user *u)
{
    struct hand_sqlite *h = hp;
    sqlite3_bind_text(h->get_user_by_email, 1, email, -1, SQLITE_STATIC);
    return hs_get_user_stmt(h->get_user_by_email, u);
}

static int hs_get_profile(void *hp, int64_t id, struct hand_profile *p)
{
    struct hand_sqlite *h = hp;
    sqlite3_stmt *st = h->get_profile;
    int bad = 1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        bad = hs_read_profile(st, 0, p);
    sqlite3_reset(st);
    return bad;
}

static int hs_posts_of(void *hp, int64_t author, struct hand_post **out, size_t *n)
{
    struct hand_sqlite *h = hp;
    sqlite3_stmt *st = h->posts_of;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    sqlite3_bind_int64(st, 1, author);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = realloc(*out, cap * sizeof **out);
        }
        struct hand_post *p = &(*out)[*n];
        const char *title = (const char *)sqlite3_column_text(st, 1);
        size_t nt = (size_t)sqlite3_column_bytes(st, 1);
        const char *body = (const char *)sqlite3_column_text(st, 2);
        size_t nb = (size_t)sqlite3_column_bytes(st, 2);
        p->id = sqlite3_column_int64(st, 0);
        p->author_id = sqlite3_column_int64(st, 3);
        if (title == NULL || body == NULL
            || (p->block = two_strings(title, nt, body, nb, &p->title, &p->body)) == NULL)
            break;
        (*n)++;
    }
    sqlite3_reset(st);
    return rc != SQLITE_DONE;
}

static int hs_all_with_profile(void *hp, struct hand_user **users,
                               struct hand_profile **profiles, size_t *n)
{
    struct hand_sqlite *h = hp;
    sqlite3_stmt *st = h->all_with_profile;
    size_t cap = 0;
    int rc;

    *users = NULL;
    *profiles = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *users = realloc(*users, cap * sizeof **users);
            *profiles = realloc(*profiles, cap * sizeof **profiles);
        }
        struct hand_user *u = &(*users)[*n];
        struct hand_profile *p = &(*profiles)[*n];
        if (hs_read_user(st, 0, u))
            break;
        if (sqlite3_column_type(st, 5) == SQLITE_NULL)
            memset(p, 0, sizeof *p);
        else if (hs_read_profile(st, 5, p)) {
            free(u->block);
            break;
        }
        (*n)++;
    }
    sqlite3_reset(st);
    return rc != SQLITE_DONE;
}

static const struct hand_ops hand_sqlite_ops = {
    hs_insert_user, hs_get_user, hs_get_user_by_email, hs_get_profile, hs_posts_of,
    hs_all_with_profile,
};

/* ---- Hand-written libpq ---- */

#ifdef BENCH_POSTGRES
struct hand_pg {
    PGconn *conn;
};

enum { OID_INT8 = 20, OID_TEXT = 25 };

static void pg_prepare_or_die(PGconn *conn, const char *name, const char *sql, int n,
                              const Oid *types)
{
    PGresult *res = PQprepare(conn, name, sql, n, types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "bench: PQprepare %s: %s", name, PQerrorMessage(conn));
        exit(1);
    }
    PQclear(res);
}

static void hp_open(struct hand_pg *h, PGconn *conn)
{
    static const Oid int8[] = { OID_INT8 };
    static const Oid text[] = { OID_TEXT };
    static const Oid insert[] = { OID_TEXT, OID_TEXT, OID_INT8, OID_INT8 };

    h->conn = conn;
    pg_prepare_or_die(conn, "hand_insert_user", "INSERT INTO users (email, name, age, "
                      "profile_id) VALUES ($1, $2, $3, $4) RETURNING id", 4, insert);
    pg_prepare_or_die(conn, "hand_get_user", "SELECT id, email, name, age, profile_id "
                      "FROM users WHERE id = $1", 1, int8);
    pg_prepare_or_die(conn, "hand_get_user_by_email", "SELECT id, email, name, age, "
                      "profile_id FROM users WHERE email = $1", 1, text);
    pg_prepare_or_die(conn, "hand_get_profile", "SELECT id, bio, created_by_id FROM profiles "
                      "WHERE id = $1", 1, int8);
    pg_prepare_or_die(conn, "hand_posts_of", "SELECT id, title, body, author_id FROM posts "
                      "WHERE author_id = $1 ORDER BY id", 1, int8);
    pg_prepare_or_die(conn, "hand_all_with_profile", "SELECT o.id, o.email, o.name, o.age, "
                      "o.profile_id, t.id, t.bio, t.created_by_id FROM users AS o LEFT JOIN "
                      "profiles AS t ON t.id = o.profile_id ORDER BY o.id", 0, NULL);
}

static void put_int8(unsigned char *dst, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--, u >>= 8)
        dst[i] = (unsigned char)(u & 0xff);
}

static int64_t get_int8(const char *src)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | (unsigned char)src[i];
    return (int64_t)u;
}

/* Runs a prepared statement with one int8 parameter (or none); binary results. */
static PGresult *hp_exec_int(struct hand_pg *h, const char *name, int64_t v, int n)
{
    unsigned char be[8];
    const char *values[1] = { (const char *)be };
    static const int lengths[1] = { 8 }, formats[1] = { 1 };

    put_int8(be, v);
    PGresult *res = PQexecPrepared(h->conn, name, n, values, lengths, formats, 1);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        PQclear(res);
        return NULL;
    }
    return res;
}

static int hp_insert_user(void *hpp, struct hand_user *u)
{
    struct hand_pg *h = hpp;
    unsigned char age[8], profile[8];
    const char *values[4] = { u->email, u->name, (const char *)age,
                              u->has_profile_id ? (const char *)profile : NULL };
    static const int lengths[4] = { 0, 0, 8, 8 }, formats[4] = { 0, 0, 1, 1 };

    put_int8(age, u->age);
    put_int8(profile, u->profile_id);
    PGresult *res = PQexecPrepared(h->conn, "hand_insert_user", 4, values, lengths, formats, 1);
    int bad = PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1;
    if (!bad)
        u->id = get_int8(PQgetvalue(res, 0, 0));
    PQclear(res);
    return bad;
}

/* A users row of res from column col on; 1 when out of memory. */
static int hp_read_user(const PGresult *res, int row, int col, struct hand_user *u)
{
    u->id = get_int8(PQgetvalue(res, row, col));
    u->age = get_int8(PQgetvalue(res, row, col + 3));
    u->has_profile_id = !PQgetisnull(res, row, col + 4);
    u->profile_id = u->has_profile_id ? get_int8(PQgetvalue(res, row, col + 4)) : 0;
    u->block = two_strings(PQgetvalue(res, row, col + 1),
                           (size_t)PQgetlength(res, row, col + 1),
                           PQgetvalue(res, row, col + 2),
                           (size_t)PQgetlength(res, row, col + 2), &u->email, &u->name);
    return u->block == NULL;
}

static int hp_read_profile(const PGresult *res, int row, int col, struct hand_profile *p)
{
    p->id = get_int8(PQgetvalue(res, row, col));
    p->has_created_by_id = !PQgetisnull(res, row, col + 2);
    p->created_by_id = p->has_created_by_id ? get_int8(PQgetvalue(res, row, col + 2)) : 0;
    p->bio = NULL;
    p->block = NULL;
    if (PQgetisnull(res, row, col + 1))
        return 0;
    size_t n = (size_t)PQgetlength(res, row, col + 1);
    if ((p->block = malloc(n + 1)) == NULL)
        return 1;
    memcpy(p->block, PQgetvalue(res, row, col + 1), n + 1);
    p->bio = p->block;
    return 0;
}

static int hp_get_user(void *hpp, int64_t id, struct hand_user *u)
{
    PGresult *res = hp_exec_int(hpp, "hand_get_user", id, 1);
    int bad = res == NULL || PQntuples(res) != 1 || hp_read_user(res, 0, 0, u);
    PQclear(res);
    return bad;
}

static int hp_get_user_by_email(void *hpp, const char *email, struct hand_user *u)
{
    struct hand_pg *h = hpp;
    const char *values[1] = { email };
    PGresult *res = PQexecPrepared(h->conn, "hand_get_user_by_email", 1, values, NULL, NULL, 1);
    int bad = PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1
              || hp_read_user(res, 0, 0, u);
    PQclear(res);
    return bad;
}

static int hp_get_profile(void *hpp, int64_t id, struct hand_profile *p)
{
    PGresult *res = hp_exec_int(hpp, "hand_get_profile", id, 1);
    int bad = res == NULL || PQntuples(res) != 1 || hp_read_profile(res, 0, 0, p);
    PQclear(res);
    return bad;
}

static int hp_posts_of(void *hpp, int64_t author, struct hand_post **out, size_t *n)
{
    PGresult *res = hp_exec_int(hpp, "hand_posts_of", author, 1);
    int rows, i;

    *out = NULL;
    *n = 0;
    if (res == NULL)
        return 1;
    rows = PQntuples(res);
    if (rows > 0 && (*out = malloc((size_t)rows * sizeof **out)) == NULL) {
        PQclear(res);
        return 1;
    }
    for (i = 0; i < rows; i++) {
        struct hand_post *p = &(*out)[i];
        p->id = get_int8(PQgetvalue(res, i, 0));
        p->author_id = get_int8(PQgetvalue(res, i, 3));
        p->block = two_strings(PQgetvalue(res, i, 1), (size_t)PQgetlength(res, i, 1),
                               PQgetvalue(res, i, 2), (size_t)PQgetlength(res, i, 2),
                               &p->title, &p->body);
        if (p->block == NULL)
            break;
        (*n)++;
    }
    PQclear(res);
    return i != rows;
}

static int hp_all_with_profile(void *hpp, struct hand_user **users,
                               struct hand_profile **profiles, size_t *n)
{
    PGresult *res = hp_exec_int(hpp, "hand_all_with_profile", 0, 0);
    int rows, i;

    *users = NULL;
    *profiles = NULL;
    *n = 0;
    if (res == NULL)
        return 1;
    rows = PQntuples(res);
    *users = malloc((size_t)(rows ? rows : 1) * sizeof **users);
    *profiles = malloc((size_t)(rows ? rows : 1) * sizeof **profiles);
    if (*users == NULL || *profiles == NULL) {
        PQclear(res);
        return 1;
    }
    for (i = 0; i < rows; i++) {
        struct hand_user *u = &(*users)[i];
        struct hand_profile *p = &(*profiles)[i];
        if (hp_read_user(res, i, 0, u))
            break;
        if (PQgetisnull(res, i, 5))
            memset(p, 0, sizeof *p);
        else if (hp_read_profile(res, i, 5, p)) {
            free(u->block);
            break;
        }
        (*n)++;
    }
    PQclear(res);
    return i != rows;
}

static const struct hand_ops hand_pg_ops = {
    hp_insert_user, hp_get_user, hp_get_user_by_email, hp_get_profile, hp_posts_of,
    hp_all_with_profile,
};
#endif

/* ---- The measured operations ---- */

struct ctx {
    mg_db *db;
    const struct hand_ops *hand;
    void *h;
};

typedef void op_fn(struct ctx *c, long n);

static long seq;

static void gen_insert(struct ctx *c, long n)
{
    char email[64];
    if (mg_begin(c->db) != MG_OK)
        die(c->db, "begin");
    for (long i = 0; i < n; i++) {
        struct user u;
        user_init(&u);
        snprintf(email, sizeof email, "new%ld@example.org", seq++);
        u.email = email;
        u.name = "A. Person";
        if (user_insert(c->db, &u) != MG_OK)
            die(c->db, "user_insert");
    }
    if (mg_rollback(c->db) != MG_OK)
        die(c->db, "rollback");
}

static void hand_insert(struct ctx *c, long n)
{
    char email[64];
    if (mg_begin(c->db) != MG_OK)
        die(c->db, "begin");
    for (long i = 0; i < n; i++) {
        struct hand_user u = {0};
        snprintf(email, sizeof email, "new%ld@example.org", seq++);
        u.email = email;
        u.name = "A. Person";
        if (c->hand->insert_user(c->h, &u))
            die(c->db, "hand insert");
    }
    if (mg_rollback(c->db) != MG_OK)
        die(c->db, "rollback");
}

static void gen_get(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct user u;
        if (user_get(c->db, 1 + i % USERS, &u) != MG_OK)
            die(c->db, "user_get");
        user_free(&u);
    }
}

static void hand_get(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct hand_user u;
        if (c->hand->get_user(c->h, 1 + i % USERS, &u))
            die(c->db, "hand get");
        free(u.block);
    }
}

static void gen_get_by_email(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct user u;
        if (user_get_by_email(c->db, emails[1 + i % USERS], &u) != MG_OK)
            die(c->db, "user_get_by_email");
        user_free(&u);
    }
}

static void hand_get_by_email(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct hand_user u;
        if (c->hand->get_user_by_email(c->h, emails[1 + i % USERS], &u))
            die(c->db, "hand get by email");
        free(u.block);
    }
}

static void gen_get_profile(struct ctx *c, long n)
{
    struct user u;
    user_init(&u);
    u.has_profile_id = true;
    for (long i = 0; i < n; i++) {
        struct profile p;
        u.profile_id = 1 + i % USERS;
        if (user_get_profile(c->db, &u, &p) != MG_OK)
            die(c->db, "user_get_profile");
        profile_free(&p);
    }
}

static void hand_get_profile(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct hand_profile p;
        if (c->hand->get_profile(c->h, 1 + i % USERS, &p))
            die(c->db, "hand get profile");
        free(p.block);
    }
}

static void gen_posts(struct ctx *c, long n)
{
    struct user u;
    user_init(&u);
    for (long i = 0; i < n; i++) {
        struct post_array posts;
        u.id = 1 + i % USERS;
        if (user_get_posts(c->db, &u, &posts) != MG_OK || posts.count != POSTS_PER_USER)
            die(c->db, "user_get_posts");
        post_array_free(&posts);
    }
}

static void hand_posts(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct hand_post *posts;
        size_t count;
        if (c->hand->posts_of(c->h, 1 + i % USERS, &posts, &count) || count != POSTS_PER_USER)
            die(c->db, "hand posts");
        hand_posts_free(posts, count);
    }
}

static void gen_all_with(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct user_array users;
        struct profile_array profiles;
        if (user_all_with_profile(c->db, &users, &profiles) != MG_OK || users.count != USERS)
            die(c->db, "user_all_with_profile");
        user_array_free(&users);
        profile_array_free(&profiles);
    }
}

static void hand_all_with(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct hand_user *users;
        struct hand_profile *profiles;
        size_t count;
        if (c->hand->all_with_profile(c->h, &users, &profiles, &count) || count != USERS)
            die(c->db, "hand all with profile");
        for (size_t j = 0; j < count; j++) {
            free(users[j].block);
            free(profiles[j].block);
        }
        free(users);
        free(profiles);
    }
}

/* The N+1 way with the same generated API: every user, then each one's profile. */
static void gen_n_plus_one(struct ctx *c, long n)
{
    for (long i = 0; i < n; i++) {
        struct user_array users;
        if (user_all(c->db, &users) != MG_OK || users.count != USERS)
            die(c->db, "user_all");
        for (size_t j = 0; j < users.count; j++) {
            struct profile p;
            int rc = user_get_profile(c->db, &users.items[j], &p);
            if (rc != MG_OK && rc != MG_NOTFOUND)
                die(c->db, "user_get_profile");
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
        u.email = emails[i];
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

struct op {
    const char *key;        /* for --instructions */
    const char *name;
    const char *baseline;   /* what the ratio compares against */
    long count;             /* operations per round on SQLite */
    long pg_count;          /* on PostgreSQL (each a round trip or more) */
    op_fn *generated, *hand;
    double best_generated, best_hand;           /* wall time */
    double best_cpu_generated, best_cpu_hand;   /* this process's CPU time */
};

/* The CPU time of the last timed run: this process's (SQLite's work, or libpq's and
   the runtime's for PostgreSQL, whose server is another process); a busy machine takes
   wall time from a run more easily than CPU time. */
static double last_cpu;

static double timed(op_fn *fn, struct ctx *c, long n)
{
    double t0 = now(), c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    fn(c, n);
    last_cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: runtime_bench sqlite FILE|:memory: | postgres CONNINFO "
                        "[--rounds N] [--instructions]\n");
        return 2;
    }
    const char *engine = argv[1], *target = argv[2];
    bool pg = strcmp(engine, "postgres") == 0, instructions = false;
    const char *only = NULL, *side = NULL;
    int rounds = 15;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--instructions") == 0)
            instructions = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--side") == 0 && i + 1 < argc)
            side = argv[++i];
        else {
            fprintf(stderr, "runtime_bench: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    for (long i = 1; i <= USERS; i++)
        snprintf(emails[i], sizeof emails[i], "user%ld@example.org", i);

    mg_db *db;
    struct ctx c;
    const char *server = NULL;
#ifdef BENCH_POSTGRES
    struct hand_pg hp;
#endif
    struct hand_sqlite hs;
    if (pg) {
#ifdef BENCH_POSTGRES
        if (mg_open(target, &db) != MG_OK) {
            fprintf(stderr, "bench: open: %s\n", mg_open_errmsg());
            return 1;
        }
        /* a fresh schema: the server is the harness's throw-away one */
        mg_exec(db, "DROP TABLE IF EXISTS posts, users, profiles, modelgen_migrations CASCADE");
        fill(db);
        /* statistics now, so that the plans do not depend on when autovacuum runs */
        if (mg_exec(db, "ANALYZE") != MG_OK)
            die(db, "analyze");
        hp_open(&hp, mg_postgres(db));
        server = PQparameterStatus(mg_postgres(db), "server_version");
        c = (struct ctx){ db, &hand_pg_ops, &hp };
#else
        fprintf(stderr, "runtime_bench: built without PostgreSQL\n");
        return 1;
#endif
    } else {
        bool memory = strcmp(target, ":memory:") == 0;
        if (!memory)
            remove(target);
        if (mg_open(target, &db) != MG_OK) {
            fprintf(stderr, "bench: open: %s\n", mg_open_errmsg());
            return 1;
        }
        if (!memory) {
            mg_exec(db, "PRAGMA journal_mode = WAL");
            mg_exec(db, "PRAGMA synchronous = NORMAL");
        }
        fill(db);
        hs_open(&hs, mg_sqlite(db));
        c = (struct ctx){ db, &hand_sqlite_ops, &hs };
    }

    struct op ops[] = {
        {"insert", "insert (in a transaction)", "hand-written", 10000, 2500, gen_insert,
         hand_insert, 0, 0, 0, 0},
        {"get", "get by id", "hand-written", 50000, 5000, gen_get, hand_get, 0, 0, 0, 0},
        {"email", "get by unique email", "hand-written", 50000, 5000, gen_get_by_email,
         hand_get_by_email, 0, 0, 0, 0},
        {"profile", "user_get_profile", "hand-written", 50000, 5000, gen_get_profile,
         hand_get_profile, 0, 0, 0, 0},
        {"posts", "user_get_posts (has_many, 5 rows)", "hand-written", 25000, 5000,
         gen_posts, hand_posts, 0, 0, 0, 0},
        {"allwith", "user_all_with_profile (10,000 rows)", "hand-written join", 2, 2,
         gen_all_with, hand_all_with, 0, 0, 0, 0},
        {"nplus1", "user_all_with_profile (10,000 rows)", "N+1 user_get_profile", 1, 1,
         gen_all_with, gen_n_plus_one, 0, 0, 0, 0},
    };
    size_t nops = sizeof ops / sizeof ops[0];

    if (instructions) {
#ifdef HAVE_CALLGRIND
        /* per side: a warm-up run, then one instrumented run dumped as "KEY gen N" or
           "KEY hand N" (N operations) */
        for (size_t i = 0; i < nops; i++) {
            long n = ops[i].count > 1000 ? 2000 : 1;
            char label[64];
            if (strcmp(ops[i].key, "nplus1") == 0)
                continue;
            for (int side = 0; side < 2; side++) {
                op_fn *fn = side == 0 ? ops[i].generated : ops[i].hand;
                fn(&c, n > 1 ? n / 4 : 1);
                CALLGRIND_ZERO_STATS;
                CALLGRIND_START_INSTRUMENTATION;
                fn(&c, n);
                CALLGRIND_STOP_INSTRUMENTATION;
                snprintf(label, sizeof label, "%s %s %ld", ops[i].key,
                         side == 0 ? "gen" : "hand", n);
                CALLGRIND_DUMP_STATS_AT(label);
            }
        }
#else
        fprintf(stderr, "runtime_bench: built without valgrind/callgrind.h\n");
        return 1;
#endif
    } else {
        for (int round = 0; round < rounds; round++) {
            /* PostgreSQL keeps the rows the insert rounds rolled back until a vacuum: every
               round starts without them */
            if (pg && mg_exec(db, "VACUUM ANALYZE users") != MG_OK)
                die(db, "vacuum");
            for (size_t i = 0; i < nops; i++) {
                long n = pg ? ops[i].pg_count : ops[i].count;
                /* alternate which side goes first, so neither always gets the warm
                   cache */
                double a = 0, b = 0, ca = 0, cb = 0;
                if (only != NULL && strcmp(only, ops[i].key) != 0)
                    continue;
                if (side != NULL) {
                    if (strcmp(side, "hand") == 0)
                        b = timed(ops[i].hand, &c, n), cb = last_cpu;
                    else
                        a = timed(ops[i].generated, &c, n), ca = last_cpu;
                } else if (round % 2 == 0) {
                    a = timed(ops[i].generated, &c, n), ca = last_cpu;
                    b = timed(ops[i].hand, &c, n), cb = last_cpu;
                } else {
                    b = timed(ops[i].hand, &c, n), cb = last_cpu;
                    a = timed(ops[i].generated, &c, n), ca = last_cpu;
                }
                if (round == 0 || a < ops[i].best_generated)
                    ops[i].best_generated = a;
                if (round == 0 || b < ops[i].best_hand)
                    ops[i].best_hand = b;
                if (round == 0 || ca < ops[i].best_cpu_generated)
                    ops[i].best_cpu_generated = ca;
                if (round == 0 || cb < ops[i].best_cpu_hand)
                    ops[i].best_cpu_hand = cb;
            }
        }
        printf("| operation | generated ops/s | baseline | baseline ops/s | ratio | ratio in "
               "%sCPU time |\n", pg ? "the client's " : "");
        printf("| --- | ---: | --- | ---: | ---: | ---: |\n");
        for (size_t i = 0; i < nops; i++) {
            long n = pg ? ops[i].pg_count : ops[i].count;
            if (only != NULL && strcmp(only, ops[i].key) != 0)
                continue;
            double g = n / ops[i].best_generated;
            double b = n / ops[i].best_hand;
            printf("| %s | %.*f | %s | %.*f | %.2f | %.2f |\n", ops[i].name, g < 100 ? 1 : 0, g,
                   ops[i].baseline, b < 100 ? 1 : 0, b, g / b,
                   ops[i].best_cpu_hand / ops[i].best_cpu_generated);
        }
        if (server != NULL)
            printf("\nserver: PostgreSQL %s, one connection over a Unix socket\n", server);
    }
    if (!pg)
        hs_close(&hs);
    mg_close(db);
    if (!pg && strcmp(target, ":memory:") != 0)
        remove(target);
    return 0;
}
