/* modelgen apply and modelgen status: a migrations directory against a live database,
   through the runtime (libmodelgen). apply hands the directory's migrations to mg_migrate,
   the function the generated NAME_migrate calls, with the checksums the generator embeds
   (checksum.c), so the two share the table modelgen_migrations, its locks and its
   refusals: a database migrated by one is understood by the other. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "checksum.h"
#include "cli.h"
#include "migrate.h"
#include "modelgen.h"
#include "util.h"

/* ---- The target, as messages show it ---- */

static bool is_postgres(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

/* The target without its password: the one in the URI's user information becomes ***,
   and so does the value of any password= parameter. */
static char *redacted(const char *target)
{
    struct buf b = {0};
    buf_puts(&b, "");
    if (!is_postgres(target)) {
        buf_puts(&b, target);
        return b.data;
    }
    const char *rest = strstr(target, "://") + 3;
    buf_putn(&b, target, (size_t)(rest - target));
    size_t authority = strcspn(rest, "/?");
    const char *at = NULL;
    for (size_t i = 0; i < authority; i++)
        if (rest[i] == '@')
            at = rest + i;
    if (at) {
        const char *colon = memchr(rest, ':', (size_t)(at - rest));
        buf_putn(&b, rest, (size_t)((colon ? colon : at) - rest));
        if (colon)
            buf_puts(&b, ":***");
        rest = at;
    }
    /* the rest, with every password=VALUE of the query masked */
    const char *query = strchr(rest, '?');
    if (!query) {
        buf_puts(&b, rest);
        return b.data;
    }
    buf_putn(&b, rest, (size_t)(query - rest));
    for (const char *p = query; *p;) {
        size_t n = 1 + strcspn(p + 1, "&");     /* "?key=value" or "&key=value" */
        if (n >= 10 && strncmp(p + 1, "password=", 9) == 0) {
            buf_putn(&b, p, 10);
            buf_puts(&b, "***");
        } else {
            buf_putn(&b, p, n);
        }
        p += n;
    }
    return b.data;
}

/* ---- The history a database records ---- */

/* A row of modelgen_migrations, as the runtime reads it into a struct. */
struct record {
    int64_t version;
    const char *name;
    const char *checksum;
    int64_t applied_at;
    void *mg_owned;
};

static const mg_column record_columns[] = {
    {"version", MG_TYPE_INT, false, offsetof(struct record, version), 0, NULL},
    {"name", MG_TYPE_TEXT, false, offsetof(struct record, name), 0, NULL},
    {"checksum", MG_TYPE_TEXT, false, offsetof(struct record, checksum), 0, NULL},
    {"applied_at", MG_TYPE_INT, false, offsetof(struct record, applied_at), 0, NULL},
};

static const mg_model record_model = {
    "modelgen_migrations", "modelgen_migrations", sizeof(struct record),
    offsetof(struct record, mg_owned), 4, record_columns,
};

/* The queries the runtime's engines use to see whether the table exists. */
static const char sqlite_exists_sql[] =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'modelgen_migrations'";
static const char postgres_exists_sql[] =
    "SELECT CASE WHEN to_regclass('modelgen_migrations') IS NULL THEN 0 ELSE 1 END";
static const char history_sql[] =
    "SELECT version, name, checksum, applied_at FROM modelgen_migrations ORDER BY version";

/* Reads what the database records into *rows (empty without the table). Reads only, and
   outside any transaction, like mg_migrate's own first look. */
static int read_history(mg_db *db, mg_rows *rows)
{
    int64_t exists = 0;
    bool postgres = strcmp(mg_engine(db), "postgres") == 0;
    int status = mg_query_int(db, postgres ? postgres_exists_sql : sqlite_exists_sql, &exists);
    rows->items = NULL;
    rows->count = 0;
    if (status != MG_OK || exists == 0)
        return status;
    return mg_get_rows(db, &record_model, history_sql, NULL, 0, rows);
}

static void free_history(mg_rows *rows)
{
    mg_free_rows(&record_model, rows->items, rows->count);
    rows->items = NULL;
    rows->count = 0;
}

static const struct record *find_record(const mg_rows *rows, int version)
{
    const struct record *r = rows->items;
    for (size_t i = 0; i < rows->count; i++)
        if (r[i].version == version)
            return &r[i];
    return NULL;
}

/* ---- The directory, as mg_migrate takes it ---- */

struct plan {
    struct arena *arena;
    struct cgen_migration *files;   /* what the loader read */
    mg_migration *list;             /* the same, for mg_migrate */
    size_t count;
};

static const char *checksum_of(struct arena *a, uint64_t h)
{
    char text[CHECKSUM_TEXT_SIZE];
    checksum_hex(h, text);
    return arena_strdup(a, text);
}

/* Loads DIR into *p. Returns 0, 1 or 2 like migrations_read. */
static int load_plan(const char *dir, struct plan *p)
{
    memset(p, 0, sizeof *p);
    p->arena = arena_new();
    int rc = migrations_read(dir, p->arena, &p->files, &p->count);
    if (rc != 0)
        return rc;
    p->list = arena_alloc(p->arena, p->count * sizeof *p->list);
    for (size_t i = 0; i < p->count; i++) {
        const struct cgen_migration *f = &p->files[i];
        mg_migration *m = &p->list[i];
        const char **sqlite_line = arena_alloc(p->arena, sizeof *sqlite_line);
        const char **postgres_line = arena_alloc(p->arena, sizeof *postgres_line);
        *sqlite_line = f->sql;
        *postgres_line = f->postgres_sql;
        m->version = f->version;
        m->name = f->name;
        m->sqlite = (mg_migration_sql){
            checksum_of(p->arena, checksum_sqlite(f->sql, f->len, f->foreign_keys_off,
                                                  f->check_foreign_keys)),
            sqlite_line, 1, f->foreign_keys_off, f->check_foreign_keys};
        m->postgres = (mg_migration_sql){
            checksum_of(p->arena, checksum_postgres(f->postgres_sql, f->postgres_len)),
            postgres_line, 1, false, false};
    }
    return 0;
}

static void free_plan(struct plan *p)
{
    arena_free(p->arena);
    memset(p, 0, sizeof *p);
}

/* The checksum of m that a database of `engine` ("sqlite", "postgres") records. */
static const char *checksum_for(const char *engine, const mg_migration *m)
{
    return strcmp(engine, "postgres") == 0 ? m->postgres.checksum : m->sqlite.checksum;
}

/* ---- The command line ---- */

struct options {
    const char *target, *dir;
    char *shown;        /* the target as messages show it */
};

static int parse(const char *command, int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        int got;
        if ((got = cli_option(argc, argv, &i, "--db", NULL, "a database", &o->target)) ||
            (got = cli_option(argc, argv, &i, "--dir", NULL, "a directory", &o->dir))) {
            if (got == 2)
                return 2;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option '%s'", argv[i]);
        } else {
            return usage_error("unexpected argument '%s'", argv[i]);
        }
    }
    if (!o->target || !*o->target) {
        char what[80];
        snprintf(what, sizeof what, "%s needs the database (--db TARGET)", command);
        return usage_error("%s", what);
    }
    if (!o->dir || !*o->dir) {
        char what[80];
        snprintf(what, sizeof what, "%s needs the migrations directory (--dir DIR)", command);
        return usage_error("%s", what);
    }
    o->shown = redacted(o->target);
    return 0;
}

/* Connects: 0, or 2 after saying why not (the runtime's message never holds a password). */
static int open_target(const struct options *o, mg_db **db)
{
    if (mg_open(o->target, db) == MG_OK)
        return 0;
    fprintf(stderr, "modelgen: cannot open the database %s: %s\n", o->shown, mg_open_errmsg());
    return 2;
}

static void print_time(int64_t t)
{
    time_t when = (time_t)t;
    struct tm tm;
    char text[32];
    if (gmtime_r(&when, &tm) && strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm))
        printf("  applied %s", text);
}

/* What a directory and a database's records say of each migration. */
struct tally {
    int applied, pending, changed, unknown;
};

/* Prints a line per migration of p and per record the directory does not have; counts them. */
static void report(const char *engine, const struct plan *p, const mg_rows *rows,
                   const char *dir, struct tally *t)
{
    const struct record *r = rows->items;
    int width = 0;
    for (size_t i = 0; i < p->count; i++)
        if ((int)strlen(p->list[i].name) > width)
            width = (int)strlen(p->list[i].name);
    for (size_t i = 0; i < rows->count; i++)
        if ((int)strlen(r[i].name) > width)
            width = (int)strlen(r[i].name);
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < p->count; i++) {
        const mg_migration *m = &p->list[i];
        const struct record *done = find_record(rows, m->version);
        const char *want = checksum_for(engine, m);
        if (!done) {
            printf("pending  %04d_%s\n", m->version, m->name);
            t->pending++;
            continue;
        }
        bool same = strcmp(done->checksum, want) == 0;
        printf("%s  %04d_%-*s", same ? "applied" : "changed", m->version, width, m->name);
        print_time(done->applied_at);
        if (!same)
            printf("  with checksum %s; its SQL in '%s' now has %s", done->checksum, dir, want);
        else if (strcmp(done->name, m->name) != 0)
            printf("  (recorded as '%s')", done->name);
        putchar('\n');
        if (same)
            t->applied++;
        else
            t->changed++;
    }
    for (size_t i = 0; i < rows->count; i++) {
        if (r[i].version >= 1 && (size_t)r[i].version <= p->count)
            continue;
        printf("unknown  %04lld_%-*s", (long long)r[i].version, width, r[i].name);
        print_time(r[i].applied_at);
        printf("  (the database records it; '%s' has no such migration)\n", dir);
        t->unknown++;
    }
}

/* The summary line of status; returns its exit status. */
static int summary(const struct options *o, const struct tally *t, const char *note)
{
    if (t->pending + t->changed + t->unknown == 0) {
        printf("%s: up to date, %d applied\n", o->shown, t->applied);
        return 0;
    }
    printf("%s%s: %d applied, %d pending, %d changed after applying", o->shown, note,
           t->applied, t->pending, t->changed);
    if (t->unknown)
        printf(", %d unknown to '%s'", t->unknown, o->dir);
    putchar('\n');
    return 1;
}

/* Whether target is an SQLite file that does not exist: opening it would create it. */
static bool no_such_file(const char *target)
{
    struct stat st;
    return !is_postgres(target) && strcmp(target, ":memory:") != 0 &&
           strncmp(target, "file:", 5) != 0 && stat(target, &st) != 0 && errno == ENOENT;
}

int cmd_status(int argc, char **argv)
{
    struct options o;
    int rc = parse("status", argc, argv, &o);
    if (rc != 0)
        return rc;
    struct plan p;
    rc = load_plan(o.dir, &p);
    mg_db *db = NULL;
    mg_rows rows = {0};
    struct tally t;
    if (rc == 0 && no_such_file(o.target)) {
        /* status writes nothing: a database that does not exist has every migration pending */
        report("sqlite", &p, &rows, o.dir, &t);
        rc = summary(&o, &t, " (no such file yet)");
    } else if (rc == 0) {
        rc = open_target(&o, &db);
    }
    if (db) {
        if (read_history(db, &rows) != MG_OK) {
            fprintf(stderr, "modelgen: cannot read the migrations %s records: %s\n", o.shown,
                    mg_errmsg(db));
            rc = 2;
        } else {
            report(mg_engine(db), &p, &rows, o.dir, &t);
            rc = summary(&o, &t, "");
        }
        free_history(&rows);
        mg_close(db);
    }
    free_plan(&p);
    free(o.shown);
    return rc;
}

int cmd_apply(int argc, char **argv)
{
    struct options o;
    int rc = parse("apply", argc, argv, &o);
    if (rc != 0)
        return rc;
    struct plan p;
    rc = load_plan(o.dir, &p);
    mg_db *db = NULL;
    if (rc == 0)
        rc = open_target(&o, &db);
    mg_rows before = {0}, after = {0};
    if (db && read_history(db, &before) != MG_OK) {
        fprintf(stderr, "modelgen: cannot read the migrations %s records: %s\n", o.shown,
                mg_errmsg(db));
        rc = 2;
    }
    if (db && rc == 0) {
        int status = mg_migrate(db, p.list, p.count);
        char why[512];
        snprintf(why, sizeof why, "%s", mg_errmsg(db));
        /* what is recorded now that was not before: applied by this run (or, when several
           run at once, by another that took the lock first) */
        if (read_history(db, &after) == MG_OK) {
            for (size_t i = 0; i < p.count; i++)
                if (!find_record(&before, p.list[i].version) &&
                    find_record(&after, p.list[i].version))
                    printf("applied %04d_%s\n", p.list[i].version, p.list[i].name);
        }
        if (status == MG_OK) {
            const mg_migration *last = &p.list[p.count - 1];
            printf("%s: up to date at %04d_%s\n", o.shown, last->version, last->name);
        } else {
            fprintf(stderr, "modelgen: %s: %s: %s\n", o.shown, mg_status_name(status), why);
            rc = 1;
        }
    }
    free_history(&before);
    free_history(&after);
    mg_close(db);
    free_plan(&p);
    free(o.shown);
    return rc;
}
