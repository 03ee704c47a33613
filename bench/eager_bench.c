/* Eager loading against the N+1 loop, through the generated API, on one connection:
   10,000 users with 5 posts each (has_many) and 5 followed tags each (has_many through),
   the children inserted round-robin so that one user's are not neighbours on disk.

     N+1:    user_all, then user_get_posts (or user_get_tags) for every user
     eager:  user_all_with_posts (or user_all_with_tags): one query

   Both read the same rows into the same structs (each row's strings in one block) and
   free them; both run outside a transaction, as an application's reads usually do, and
   again inside one read transaction. The sides alternate (which goes first alternates
   too); the best of the rounds is reported. On SQLite, the same reads through sqlite3
   alone, copying nothing, give the floor of each side.

   usage: eager_bench FILE|postgresql://... [--rounds N]
   An SQLite FILE is removed first and used in WAL mode (synchronous NORMAL); a
   PostgreSQL database should be empty (tests/pg/with-postgres.sh gives a fresh one). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "eager.h"

enum { USERS = 10000, PER_USER = 5, TAGS = 100 };

static double clock_of(clockid_t which)
{
    struct timespec ts;
    clock_gettime(which, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A run's wall time and this process's CPU time (on a shared machine the CPU time of
   an SQLite run is the steadier measure; on PostgreSQL it leaves out the server's). */
struct times {
    double wall, cpu;
};

static void check(mg_db *db, int status, const char *what)
{
    if (status != MG_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, mg_status_name(status), mg_errmsg(db));
        exit(1);
    }
}

static void fill(mg_db *db)
{
    static char text[64];
    check(db, mg_begin(db), "begin");
    for (int i = 0; i < TAGS; i++) {
        struct tag t;
        tag_init(&t);
        snprintf(text, sizeof text, "tag%d", i);
        t.name = text;
        check(db, tag_insert(db, &t), "insert a tag");
    }
    for (int i = 0; i < USERS; i++) {
        struct user u;
        char email[32];
        user_init(&u);
        snprintf(email, sizeof email, "user%d@example.org", i);
        u.email = email;
        u.name = "A. N. Other";
        u.age = i % 90;
        check(db, user_insert(db, &u), "insert a user");
    }
    for (int round = 0; round < PER_USER; round++)
        for (int i = 0; i < USERS; i++) {
            struct post p;
            struct follow f;
            post_init(&p);
            p.title = "A title of some length";
            p.body = "The body of the post, a sentence or two of text, as posts have.";
            p.author_id = i + 1;
            check(db, post_insert(db, &p), "insert a post");
            follow_init(&f);
            f.user_id = i + 1;
            f.tag_id = (i * 7 + round * 13) % TAGS + 1;
            check(db, follow_insert(db, &f), "insert a follow");
        }
    check(db, mg_commit(db), "commit");
}

/* ---- The two sides; each returns the number of children it read ---- */

static size_t posts_n_plus_1(mg_db *db)
{
    struct user_array users;
    size_t n = 0;
    check(db, user_all(db, &users), "user_all");
    for (size_t i = 0; i < users.count; i++) {
        struct post_array posts;
        check(db, user_get_posts(db, &users.items[i], &posts), "user_get_posts");
        n += posts.count;
        post_array_free(&posts);
    }
    user_array_free(&users);
    return n;
}

static size_t posts_eager(mg_db *db)
{
    struct user_with_posts r;
    size_t n;
    check(db, user_all_with_posts(db, &r), "user_all_with_posts");
    n = r.posts.count;
    user_with_posts_free(&r);
    return n;
}

static size_t tags_n_plus_1(mg_db *db)
{
    struct user_array users;
    size_t n = 0;
    check(db, user_all(db, &users), "user_all");
    for (size_t i = 0; i < users.count; i++) {
        struct tag_array tags;
        check(db, user_get_tags(db, &users.items[i], &tags), "user_get_tags");
        n += tags.count;
        tag_array_free(&tags);
    }
    user_array_free(&users);
    return n;
}

static size_t tags_eager(mg_db *db)
{
    struct user_with_tags r;
    size_t n;
    check(db, user_all_with_tags(db, &r), "user_all_with_tags");
    n = r.tags.count;
    user_with_tags_free(&r);
    return n;
}

/* ---- The floor on SQLite: sqlite3 alone, the same reads with nothing copied ----

   Each statement prepared once, every column of every row read with sqlite3_column_*,
   nothing allocated: what the plans cost before any row becomes a struct. The N+1 side
   runs the loop's statements; the eager side scans users and posts, as the generated
   statement does. */

static sqlite3_stmt *raw_prepare(mg_db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(mg_sqlite(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(mg_sqlite(db)));
        exit(1);
    }
    return st;
}

static sqlite3_stmt *raw_users, *raw_posts_of, *raw_posts;
static volatile size_t raw_sink;

/* Reads every column of the current row; returns how many bytes its text holds. */
static size_t raw_touch(sqlite3_stmt *st)
{
    size_t n = 0;
    for (int c = 0; c < sqlite3_column_count(st); c++) {
        if (sqlite3_column_type(st, c) == SQLITE_TEXT) {
            n += (size_t)sqlite3_column_bytes(st, c);
            n += (size_t)(sqlite3_column_text(st, c) != NULL);
        } else {
            n += (size_t)sqlite3_column_int64(st, c);
        }
    }
    return n;
}

static size_t raw_n_plus_1(mg_db *db)
{
    size_t n = 0, sink = 0;
    (void)db;
    while (sqlite3_step(raw_users) == SQLITE_ROW) {
        sink += raw_touch(raw_users);
        sqlite3_bind_int64(raw_posts_of, 1, sqlite3_column_int64(raw_users, 0));
        while (sqlite3_step(raw_posts_of) == SQLITE_ROW) {
            sink += raw_touch(raw_posts_of);
            n++;
        }
        sqlite3_reset(raw_posts_of);
    }
    sqlite3_reset(raw_users);
    raw_sink = sink;
    return n;
}

static size_t raw_eager(mg_db *db)
{
    size_t n = 0, sink = 0;
    (void)db;
    while (sqlite3_step(raw_users) == SQLITE_ROW)
        sink += raw_touch(raw_users);
    sqlite3_reset(raw_users);
    while (sqlite3_step(raw_posts) == SQLITE_ROW) {
        sink += raw_touch(raw_posts);
        n++;
    }
    sqlite3_reset(raw_posts);
    raw_sink = sink;
    return n;
}

/* One timed run of a side, optionally inside a read transaction. */
static struct times run(mg_db *db, size_t (*side)(mg_db *), bool in_tx, size_t want)
{
    double w0 = clock_of(CLOCK_MONOTONIC), c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    struct times t;
    size_t n;
    if (in_tx)
        check(db, mg_begin(db), "begin");
    n = side(db);
    if (in_tx)
        check(db, mg_commit(db), "commit");
    if (n != want) {
        fprintf(stderr, "read %zu children, want %zu\n", n, want);
        exit(1);
    }
    t.wall = clock_of(CLOCK_MONOTONIC) - w0;
    t.cpu = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
    return t;
}

static void keep_best(struct times *best, struct times t)
{
    best->wall = t.wall < best->wall ? t.wall : best->wall;
    best->cpu = t.cpu < best->cpu ? t.cpu : best->cpu;
}

static void compare(mg_db *db, const char *what, size_t (*loop)(mg_db *),
                    size_t (*eager)(mg_db *), bool in_tx, int rounds)
{
    const size_t want = (size_t)USERS * PER_USER;
    struct times best_loop = { 1e9, 1e9 }, best_eager = { 1e9, 1e9 };
    for (int r = 0; r < rounds; r++) {
        if (r % 2 == 0) {
            keep_best(&best_loop, run(db, loop, in_tx, want));
            keep_best(&best_eager, run(db, eager, in_tx, want));
        } else {
            keep_best(&best_eager, run(db, eager, in_tx, want));
            keep_best(&best_loop, run(db, loop, in_tx, want));
        }
    }
    printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", what,
           in_tx ? "one read transaction" : "none", best_loop.wall * 1e3,
           best_eager.wall * 1e3, best_loop.wall / best_eager.wall, best_loop.cpu * 1e3,
           best_eager.cpu * 1e3, best_loop.cpu / best_eager.cpu);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *target = argc > 1 ? argv[1] : "eager_bench.db";
    int rounds = 7;
    mg_db *db;
    bool pg = strncmp(target, "postgres", 8) == 0;

    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
    if (!pg) {
        char side[600];
        remove(target);
        snprintf(side, sizeof side, "%s-wal", target);
        remove(side);
        snprintf(side, sizeof side, "%s-shm", target);
        remove(side);
    }
    if (mg_open(target, &db) != MG_OK) {
        fprintf(stderr, "cannot open %s: %s\n", target, mg_open_errmsg());
        return 1;
    }
    if (!pg) {
        check(db, mg_exec(db, "PRAGMA journal_mode = WAL"), "WAL");
        check(db, mg_exec(db, "PRAGMA synchronous = NORMAL"), "synchronous");
    }
    check(db, eager_migrate(db), "migrate");
    fill(db);
    check(db, mg_exec(db, "ANALYZE"), "ANALYZE");

    printf("%d users x %d children, %s (%s), best of %d alternating rounds, ms (wall, and "
           "this process's CPU)\n\n", USERS,
           PER_USER, pg ? "PostgreSQL" : "SQLite WAL file", mg_engine(db), rounds);
    printf("| association | transaction | N+1 loop | eager, one query | × | N+1 CPU | eager CPU "
           "| × CPU |\n");
    printf("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    compare(db, "has_many posts", posts_n_plus_1, posts_eager, false, rounds);
    compare(db, "has_many posts", posts_n_plus_1, posts_eager, true, rounds);
    compare(db, "has_many tags through follows", tags_n_plus_1, tags_eager, false, rounds);
    compare(db, "has_many tags through follows", tags_n_plus_1, tags_eager, true, rounds);
    if (!pg) {
        raw_users = raw_prepare(db, "SELECT id, email, name, age FROM users ORDER BY id");
        raw_posts_of = raw_prepare(db, "SELECT id, title, body, author_id FROM posts "
                                       "WHERE author_id = ?1 ORDER BY id");
        raw_posts = raw_prepare(db, "SELECT author_id, id, title, body, author_id FROM posts");
        compare(db, "sqlite3 alone, posts (the floor)", raw_n_plus_1, raw_eager, false, rounds);
        compare(db, "sqlite3 alone, posts (the floor)", raw_n_plus_1, raw_eager, true, rounds);
        sqlite3_finalize(raw_users);
        sqlite3_finalize(raw_posts_of);
        sqlite3_finalize(raw_posts);
    }
    mg_close(db);
    return 0;
}
