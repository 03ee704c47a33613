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
#include "cgen.h"
#include "dump.h"
#include "frontend.h"
#include "generate.h"
#include "graph.h"
#include "jobs.h"
#include "migrate.h"
#include "util.h"

#ifndef MODELGEN_VERSION
#define MODELGEN_VERSION "unknown"
#endif

const char usage_text[] =
    "usage: modelgen SCHEMA.model -o DIR [--name NAME] [--check] [--migrations MDIR]\n"
    "       modelgen check SCHEMA.model [--explain] [--dump]\n"
    "       modelgen graph SCHEMA.model [--format dot|mermaid]\n"
    "       modelgen diff OLD.model NEW.model [--dialect sqlite|postgres] [--allow-data-loss]\n"
    "                     [-o FILE]\n"
    "       modelgen migrate SCHEMA.model --dir DIR [--allow-data-loss]\n"
    "       modelgen --help | --version\n";

static const char help_text[] =
    "Generates migration SQL (SQLite, PostgreSQL) and typed C accessors from a .model schema,\n"
    "deferring exactly the foreign keys that circular references require.\n"
    "\n"
    "Commands:\n"
    "  SCHEMA -o DIR      write NAME.h, NAME.c, NAME.sqlite.sql and NAME.postgres.sql into DIR\n"
    "    --name NAME      base name of the outputs and prefix of schema-level functions\n"
    "                     (default: the schema file's name without its extension)\n"
    "    --check          write nothing; exit 1 naming the files in DIR that are out of date\n"
    "    --migrations MDIR  NAME_migrate applies MDIR's numbered migrations (see migrate)\n"
    "                     instead of the schema from empty; MDIR's last snapshot must be SCHEMA\n"
    "  check SCHEMA       validate the schema and print diagnostics; write nothing\n"
    "    --explain        list every deferred foreign key and why it is deferred\n"
    "    --dump           print the checked model in a stable text form\n"
    "  graph SCHEMA       print the foreign-key graph; deferred keys are dashed\n"
    "    --format F       dot (default) or mermaid\n"
    "  diff OLD NEW       print the migration from OLD to NEW as one transaction\n"
    "    --dialect D      sqlite (default) or postgres\n"
    "    --allow-data-loss  apply destructive changes (each is commented in the SQL)\n"
    "    -o FILE          write the migration to FILE instead of standard output\n"
    "  migrate SCHEMA --dir DIR\n"
    "                     write DIR's next numbered migration (NNNN_name.sqlite.sql,\n"
    "                     .postgres.sql, and .model: a copy of SCHEMA) when SCHEMA differs\n"
    "                     from DIR's last snapshot; 0001_initial when DIR has none\n"
    "    --allow-data-loss  write a migration with destructive changes (else refused)\n"
    "\n"
    "Exit status: 0 success, 1 the schema has errors (or --check found stale files),\n"
    "2 usage or I/O error.\n";

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

static int cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    bool want_explain = false, want_dump = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--explain") == 0)
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
    struct compiled c;
    int rc = compile_file(path, &c);
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
    const char *path = NULL, *format = "dot";
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0) {
            if (++i == argc)
                return usage_error("%s", "--format needs dot or mermaid");
            format = argv[i];
        } else if (strncmp(argv[i], "--format=", 9) == 0) {
            format = argv[i] + 9;
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
        print_buf(&b);
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
    const char *path = NULL, *dir = NULL, *name = NULL, *migrations = NULL;
    bool check_only = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (++i == argc)
                return usage_error("%s", "-o needs a directory");
            dir = argv[i];
        } else if (strcmp(argv[i], "--name") == 0) {
            if (++i == argc)
                return usage_error("%s", "--name needs a name");
            name = argv[i];
        } else if (strcmp(argv[i], "--check") == 0) {
            check_only = true;
        } else if (strcmp(argv[i], "--migrations") == 0) {
            if (++i == argc)
                return usage_error("%s", "--migrations needs a directory");
            migrations = argv[i];
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
    /* with --migrations, NAME_migrate applies the directory's migrations */
    struct cgen_migration *history = NULL;
    size_t nhistory = 0;
    if (rc == 0 && migrations)
        rc = migrations_load(migrations, c.schema, path, c.arena, &history, &nhistory);
    if (rc == 0)
        rc = generate_files(c.schema, name, history, nhistory, dir, check_only, jobs_threads());
    release_compiled(&c);
    free(owned_name);
    return rc;
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

int main(int argc, char **argv)
{
    tune_malloc();
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_text, stdout);
        fputs("\n", stdout);
        fputs(help_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("modelgen %s\n", MODELGEN_VERSION);
        return 0;
    }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "graph") == 0)
        return cmd_graph(argc - 2, argv + 2);
    if (strcmp(cmd, "diff") == 0)
        return cmd_diff(argc - 2, argv + 2);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(argc - 2, argv + 2);
    return cmd_generate(argc - 1, argv + 1);
}
