/* Many rows in one call against the one-row loop, through the generated API of
   bench/bench.model: N users inserted by
     - user_insert in a loop, each row its own transaction (autocommit),
     - user_insert in a loop inside one transaction (mg_begin ... mg_commit),
     - user_insert_many, one call (a transaction of its own; on PostgreSQL a pipeline),
   on an SQLite WAL file (synchronous = NORMAL) and, when the environment names a server
   (tests/pg/with-postgres.sh exports PGHOST, PGPORT, PGUSER, PGDATABASE), on PostgreSQL
   over TCP and, when MODELGEN_PG_DIR holds its socket, over a Unix socket. The table is
   emptied before each run; rounds alternate the three ways, and the best of each is
   reported, as a Markdown table.

   usage: write_bench SQLITE_FILE [--rows N] [--rounds N] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

enum { LOOP, LOOP_IN_TRANSACTION, INSERT_MANY, WAYS };

static const char *const way_names[WAYS] = {
    "user_insert loop (autocommit)", "user_insert loop in one transaction", "user_insert_many",
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(mg_db *db, const char *what)
{
    fprintf(stderr, "write_bench: %s: %s\n", what, db ? mg_errmsg(db) : mg_open_errmsg());
    exit(1);
}

/* Fresh rows for one run: emails made beforehand, so that no way formats them. */
static void fill_rows(struct user *rows, char (*emails)[40], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        user_init(&rows[i]);
        rows[i].email = emails[i];
        rows[i].name = "a writer of benchmarks";
        rows[i].age = (int64_t)(i % 90);
    }
}

/* One run of one way: the seconds it took. */
static double run(mg_db *db, int way, struct user *rows, char (*emails)[40], size_t n)
{
    double t0, t;

    if (mg_exec(db, "DELETE FROM posts; DELETE FROM profiles; DELETE FROM users") != MG_OK)
        die(db, "empty the tables");
    fill_rows(rows, emails, n);
    t0 = now();
    switch (way) {
    case LOOP:
        for (size_t i = 0; i < n; i++)
            if (user_insert(db, &rows[i]) != MG_OK)
                die(db, "user_insert");
        break;
    case LOOP_IN_TRANSACTION:
        if (mg_begin(db) != MG_OK)
            die(db, "mg_begin");
        for (size_t i = 0; i < n; i++)
            if (user_insert(db, &rows[i]) != MG_OK)
                die(db, "user_insert");
        if (mg_commit(db) != MG_OK)
            die(db, "mg_commit");
        break;
    default: {
        size_t failed;
        if (user_insert_many(db, rows, n, &failed) != MG_OK)
            die(db, "user_insert_many");
        break;
    }
    }
    t = now() - t0;
    {
        int64_t count = 0;
        if (user_count(db, &count) != MG_OK || (size_t)count != n || rows[n - 1].id == 0)
            die(db, "the rows are not all there");
    }
    return t;
}

static void bench(const char *label, const char *target, size_t n, int rounds, bool sqlite)
{
    struct user *rows = calloc(n, sizeof *rows);
    char (*emails)[40] = calloc(n, sizeof *emails);
    double best[WAYS];
    mg_db *db = NULL;

    if (rows == NULL || emails == NULL)
        die(NULL, "out of memory");
    if (mg_open(target, &db) != MG_OK)
        die(NULL, "mg_open");
    if (sqlite && (mg_exec(db, "PRAGMA journal_mode = WAL") != MG_OK
                   || mg_exec(db, "PRAGMA synchronous = NORMAL") != MG_OK))
        die(db, "WAL");
    if (bench_migrate(db) != MG_OK)
        die(db, "migrate");
    for (size_t i = 0; i < n; i++)
        snprintf(emails[i], sizeof emails[i], "writer%zu@example.com", i);
    for (int w = 0; w < WAYS; w++)
        best[w] = 1e30;
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < WAYS; k++) {
            int w = (k + r) % WAYS;     /* the way that goes first alternates */
            double t = run(db, w, rows, emails, n);
            if (t < best[w])
                best[w] = t;
        }
    printf("\n### %s, %zu rows (best of %d)\n\n", label, n, rounds);
    printf("| way | ms | rows/s | × the autocommit loop | × the loop in a transaction |\n");
    printf("| --- | ---: | ---: | ---: | ---: |\n");
    for (int w = 0; w < WAYS; w++)
        printf("| %s | %.1f | %.0f | %.2f | %.2f |\n", way_names[w], best[w] * 1e3,
               (double)n / best[w], best[LOOP] / best[w], best[LOOP_IN_TRANSACTION] / best[w]);
    mg_close(db);
    free(rows);
    free(emails);
}

int main(int argc, char **argv)
{
    const char *file = NULL, *host = getenv("PGHOST"), *port = getenv("PGPORT"),
               *user = getenv("PGUSER"), *dbname = getenv("PGDATABASE"),
               *dir = getenv("MODELGEN_PG_DIR");
    size_t n = 10000;
    int rounds = 5;
    char uri[1024], side[1100];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            n = (size_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else
            file = argv[i];
    }
    if (file == NULL || n == 0 || rounds < 1) {
        fprintf(stderr, "usage: write_bench SQLITE_FILE [--rows N] [--rounds N]\n");
        return 2;
    }
    remove(file);
    snprintf(side, sizeof side, "%s-wal", file);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", file);
    remove(side);
    printf("## Writes: many rows in one call against the one-row loop\n");
    bench("SQLite, a WAL file (synchronous = NORMAL)", file, n, rounds, true);
    if (host != NULL && port != NULL) {
        snprintf(uri, sizeof uri, "postgresql://%s@%s:%s/%s", user ? user : "", host, port,
                 dbname ? dbname : "postgres");
        bench("PostgreSQL over TCP (loopback)", uri, n, rounds, false);
        if (dir != NULL) {
            snprintf(uri, sizeof uri, "postgresql:///%s?host=%s&port=%s&user=%s",
                     dbname ? dbname : "postgres", dir, port, user ? user : "");
            bench("PostgreSQL over a Unix socket", uri, n, rounds, false);
        }
    } else {
        printf("\n(PostgreSQL skipped: no PGHOST and PGPORT; run under tests/pg/with-postgres.sh)\n");
    }
    return 0;
}
