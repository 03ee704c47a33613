/* The modelgen command line. */
#include <ctype.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cli.h"
#include "c_names.h"
#include "cgen.h"
#include "dump.h"
#include "frontend.h"
#include "generate.h"
#include "graph.h"
#include "help.h"
#include "jobs.h"
#include "migrate.h"
#include "output.h"
#include "pull.h"
#include "query.h"
#include "util.h"

#ifndef MODELGEN_VERSION
#define MODELGEN_VERSION "unknown"
#endif

static void print_buf(struct buf *b)
{
    if (b->len)
        fwrite(b->data, 1, b->len, stdout);
    buf_free(b);
}

static void explain(const struct schema *s, struct arena *a)
{
    int n = 0;
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        for (size_t j = 0; j < m->nassocs; j++) {
            const struct assoc *as = m->assocs[j];
            if (as->kind != ASSOC_BELONGS_TO || !as->defer)
                continue;
            printf("%s.%s -> %s: deferred: %s\n", m->table, as->column, as->target->table,
                   defer_reason_text(as, a));
            n++;
        }
    }
    if (n == 0)
        printf("no foreign key needs deferring\n");
}

static char *stem(const char *path);

/* The named queries' C names under this prefix, then (with a URI) the queries on that
   PostgreSQL server; reports like compile_file. */
static int check_queries(struct compiled *c, const char *prefix, const char *db_uri)
{
    int rc = 0;
    if (!c_names_check(c->schema, prefix, c->arena, &c->diag))
        rc = 1;
    if (rc == 0 && db_uri && c->schema->nqueries > 0)
        rc = query_check_postgres(c->schema, db_uri, c->arena, &c->diag);
    diag_flush(&c->diag);
    if (rc == 1)
        fprintf(stderr, "%d error%s generated.\n", c->diag.errors,
                c->diag.errors == 1 ? "" : "s");
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    const char *path = NULL, *db_uri = NULL, *name = NULL;
    bool want_explain = false, want_dump = false;
    for (int i = 0; i < argc; i++) {
        int got;
        if ((got = cli_option(argc, argv, &i, "--db", NULL, "a PostgreSQL URI", &db_uri)) ||
            (got = cli_option(argc, argv, &i, "--name", NULL, "a name", &name))) {
            if (got == 2)
                return 2;
        } else if (strcmp(argv[i], "--explain") == 0)
            want_explain = true;
        else if (strcmp(argv[i], "--dump") == 0)
            want_dump = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("unknown option '%s'", argv[i]);
        else if (path)
            return usage_error("unexpected argument '%s'", argv[i]);
        else
            path = argv[i];
    }
    if (!path)
        return usage_error("%s", "check needs a schema file");
    if (db_uri && !query_postgres_available()) {
        fprintf(stderr, "modelgen: this modelgen was built without libpq, so --db cannot check "
                "queries on PostgreSQL\n");
        return 2;
    }
    struct compiled c;
    int rc = compile_file(path, &c);
    char *owned_name = name ? NULL : stem(path);
    if (rc == 0)
        rc = check_queries(&c, name ? name : owned_name, db_uri);
    free(owned_name);
    if (rc == 0 && want_dump) {
        struct buf b = {0};
        dump_schema(&b, c.schema);
        print_buf(&b);
    }
    if (rc == 0 && want_explain)
        explain(c.schema, c.arena);
    release_compiled(&c);
    return rc;
}

static int cmd_graph(int argc, char **argv)
{
    const char *path = NULL, *format = "dot", *output = NULL;
    for (int i = 0; i < argc; i++) {
        int got;
        if ((got = cli_option(argc, argv, &i, "--format", NULL, "dot or mermaid", &format)) ||
            (got = cli_option(argc, argv, &i, "-o", "--output", "a file", &output))) {
            if (got == 2)
                return 2;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option '%s'", argv[i]);
        } else if (path) {
            return usage_error("unexpected argument '%s'", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (strcmp(format, "dot") != 0 && strcmp(format, "mermaid") != 0)
        return usage_error("unknown graph format '%s' (use dot or mermaid)", format);
    if (!path)
        return usage_error("%s", "graph needs a schema file");
    struct compiled c;
    int rc = compile_file(path, &c);
    if (rc == 0) {
        struct buf b = {0};
        if (strcmp(format, "dot") == 0)
            graph_dot(&b, c.schema);
        else
            graph_mermaid(&b, c.schema);
        if (output)
            rc = output_write_path(output, &b);
        else if (b.len && fwrite(b.data, 1, b.len, stdout) != b.len)
            rc = 2;
        buf_free(&b);
    }
    release_compiled(&c);
    return rc;
}

static bool is_c_identifier(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* schema.model -> schema */
static char *stem(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *s = xstrdup(slash ? slash + 1 : path);
    char *dot = strrchr(s, '.');
    if (dot && dot != s)
        *dot = '\0';
    return s;
}

static int cmd_generate(int argc, char **argv)
{
    const char *path = NULL, *dir = NULL, *name = NULL, *migrations = NULL, *depfile = NULL;
    bool check_only = false;
    for (int i = 0; i < argc; i++) {
        int got;
        if ((got = cli_option(argc, argv, &i, "-o", "--output", "a directory", &dir)) ||
            (got = cli_option(argc, argv, &i, "--name", NULL, "a name", &name)) ||
            (got = cli_option(argc, argv, &i, "--migrations", NULL, "a directory",
                              &migrations)) ||
            (got = cli_option(argc, argv, &i, "--depfile", NULL, "a file", &depfile))) {
            if (got == 2)
                return 2;
        } else if (strcmp(argv[i], "--check") == 0) {
            check_only = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option '%s'", argv[i]);
        } else if (path) {
            return usage_error("unexpected argument '%s'", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return usage_error("%s", "no schema file given");
    if (!dir)
        return usage_error("%s", "no output directory given (use -o DIR)");
    char *owned_name = name ? NULL : stem(path);
    if (!name)
        name = owned_name;
    if (!is_c_identifier(name)) {
        fprintf(stderr, "modelgen: '%s' is not a valid C identifier; choose one with --name\n",
                name);
        free(owned_name);
        return 2;
    }
    struct compiled c;
    int rc = compile_file(path, &c);
    if (rc == 0)
        rc = check_queries(&c, name, NULL);
    /* with --migrations, NAME_migrate applies the directory's migrations; the outputs
       depend on the schema and on every file read from there */
    struct cgen_migration *history = NULL;
    size_t nhistory = 0;
    struct vec prereqs = {0};
    vec_push(&prereqs, xstrdup(path));
    if (rc == 0 && migrations)
        rc = migrations_load(migrations, c.schema, path, c.arena, &history, &nhistory,
                             &prereqs);
    if (rc == 0)
        rc = generate_files(c.schema, name, history, nhistory, dir, check_only, jobs_threads(),
                            depfile, (const char *const *)prereqs.items, prereqs.count);
    for (size_t i = 0; i < prereqs.count; i++)
        free(prereqs.items[i]);
    vec_free(&prereqs);
    release_compiled(&c);
    free(owned_name);
    return rc;
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        help_overview(stdout);
        return 0;
    }
    if (argc > 1)
        return usage_error("unexpected argument '%s'", argv[1]);
    return help_command(stdout, argv[0]);
}

/* modelgen is a short-lived process that builds its output in memory: memory it frees is
   better kept for the next allocation than handed back to the system and faulted in again.
   Only glibc has the knobs; elsewhere the defaults stay. */
static void tune_malloc(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
#endif
}

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"generate", cmd_generate}, {"check", cmd_check}, {"graph", cmd_graph},
    {"diff", cmd_diff},         {"migrate", cmd_migrate}, {"apply", cmd_apply},
    {"status", cmd_status},     {"pull", cmd_pull},       {"help", cmd_help},
};

int main(int argc, char **argv)
{
    tune_malloc();
    if (argc < 2) {
        help_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        help_overview(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("modelgen %s\n", MODELGEN_VERSION);
        return 0;
    }
    /* anything that is not a command is the schema of `modelgen SCHEMA -o DIR` */
    const struct command *c = &commands[0];
    int skip = 1;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            c = &commands[i];
            skip = 2;
        }
    }
    cli_set_command(c->name);
    if (help_requested(c->name, argc - skip, argv + skip))
        return help_command(stdout, c->name);
    return c->run(argc - skip, argv + skip);
}
