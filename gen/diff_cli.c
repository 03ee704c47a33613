/* modelgen diff OLD.model NEW.model, and modelgen diff --db TARGET NEW.model (drift: OLD is
   what pull reads from the live database): the command line around the diff engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "output.h"
#include "pull.h"
#include "util.h"

struct diff_options {
    const char *old_path, *new_path, *output, *db;
    enum dialect dialect;
    bool allow_data_loss;
};

static int parse_options(int argc, char **argv, struct diff_options *o)
{
    const char *dialect = NULL;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        int got = cli_option(argc, argv, &i, "--db", NULL, "a database (an SQLite file or a "
                             "postgresql:// URI)", &o->db);
        if (got == 2)
            return 2;
        if (got) {
            continue;
        } else if (strcmp(arg, "--dialect") == 0) {
            if (++i == argc)
                return usage_error("%s", "--dialect needs sqlite or postgres");
            dialect = argv[i];
        } else if (strncmp(arg, "--dialect=", 10) == 0) {
            dialect = arg + 10;
        } else if (strcmp(arg, "--allow-data-loss") == 0) {
            o->allow_data_loss = true;
        } else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            if (++i == argc)
                return usage_error("%s", "-o needs a file");
            o->output = argv[i];
        } else if (arg[0] == '-' && arg[1]) {
            return usage_error("unknown option '%s'", arg);
        } else if (!o->old_path) {
            o->old_path = arg;
        } else if (!o->new_path) {
            o->new_path = arg;
        } else {
            return usage_error("unexpected argument '%s'", arg);
        }
    }
    /* with --db, the migration is in the database's dialect */
    enum dialect db_dialect = o->db && (strncmp(o->db, "postgresql://", 13) == 0 ||
                                        strncmp(o->db, "postgres://", 11) == 0)
                                  ? DIALECT_POSTGRES : DIALECT_SQLITE;
    if (!dialect)
        dialect = o->db && db_dialect == DIALECT_POSTGRES ? "postgres" : "sqlite";
    if (strcmp(dialect, "sqlite") == 0)
        o->dialect = DIALECT_SQLITE;
    else if (strcmp(dialect, "postgres") == 0 || strcmp(dialect, "postgresql") == 0)
        o->dialect = DIALECT_POSTGRES;
    else
        return usage_error("unknown dialect '%s' (use sqlite or postgres)", dialect);
    if (o->db) {
        if (o->new_path)
            return usage_error("unexpected argument '%s' (with --db, diff takes NEW only)",
                               o->new_path);
        if (!o->old_path)
            return usage_error("%s", "diff --db needs the schema file NEW");
        o->new_path = o->old_path;
        o->old_path = NULL;
        if (o->dialect != db_dialect)
            return usage_error("--dialect %s is not the database's (the migration is in its "
                               "dialect)", dialect);
        return 0;
    }
    if (!o->new_path)
        return usage_error("%s", "diff needs two schema files, OLD and NEW");
    return 0;
}

/* Reports what cannot or may not be done; returns 1 when anything was reported. */
static int refuse(const struct diff *df, struct compiled *old_c, struct compiled *new_c,
                  bool allow_data_loss)
{
    int errors = diff_report_errors(df, &new_c->diag);
    int destructive = allow_data_loss ? 0 : diff_report_destructive(df, &old_c->diag, &new_c->diag);
    diag_flush(&old_c->diag);
    diag_flush(&new_c->diag);
    if (errors)
        fprintf(stderr, "%d error%s generated.\n", errors, errors == 1 ? "" : "s");
    if (destructive)
        fprintf(stderr, "modelgen: refusing %d destructive change%s; review %s, then pass "
                "--allow-data-loss to apply %s\n", destructive, destructive == 1 ? "" : "s",
                destructive == 1 ? "it" : "them", destructive == 1 ? "it" : "them");
    return errors || destructive ? 1 : 0;
}

/* The migration in sql, written to -o's file or standard output; 0 or 2. */
static int write_sql(const struct diff_options *o, struct buf *sql)
{
    int rc = 0;
    if (o->output)
        rc = output_write_path(o->output, sql);
    else if (sql->len && fwrite(sql->data, 1, sql->len, stdout) != sql->len)
        rc = 2;
    return rc;
}

/* Drift: from what the database holds to NEW. 0 when they match, 1 when they differ (or a
   change is refused), 2 when the database cannot be read. */
static int diff_database(const struct diff_options *o)
{
    struct compiled new_c;
    int rc = compile_file(o->new_path, &new_c);
    if (rc) {
        if (rc != 2)
            release_compiled(&new_c);
        return rc;
    }
    struct pull_options po = {.like = new_c.schema};
    struct pull_result pulled;
    rc = pull_database(o->db, &po, &pulled);
    struct compiled old_c;
    if (rc == 0 && pull_compile(&pulled.text, pulled.display, &old_c) == 0) {
        old_c.diag.out = stderr;    /* refusals point into the pulled schema */
        pull_match_deferral(old_c.schema, &pulled);
        pull_match_names(old_c.schema, &pulled, old_c.arena);
        struct arena *a = arena_new();
        struct diff *df = diff_compute(old_c.schema, new_c.schema, a);
        rc = refuse(df, &old_c, &new_c, o->allow_data_loss);
        if (rc == 0) {
            struct buf sql = {0};
            diff_sql(&sql, df, pulled.dialect);
            rc = write_sql(o, &sql);
            if (rc == 0 && !diff_empty(df))
                rc = 1;
            buf_free(&sql);
        }
        arena_free(a);
        release_compiled(&old_c);
    } else if (rc == 0) {
        release_compiled(&old_c);
        rc = 1;
    }
    pull_result_free(&pulled);
    release_compiled(&new_c);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    struct diff_options o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc;
    if (o.db)
        return diff_database(&o);
    struct compiled old_c, new_c;
    int old_rc = compile_file(o.old_path, &old_c);
    int new_rc = old_rc == 2 ? 2 : compile_file(o.new_path, &new_c);
    if (old_rc || new_rc) {
        release_compiled(&old_c);
        if (old_rc != 2)
            release_compiled(&new_c);
        return old_rc == 2 || new_rc == 2 ? 2 : 1;
    }
    struct arena *a = arena_new();
    struct diff *df = diff_compute(old_c.schema, new_c.schema, a);
    rc = refuse(df, &old_c, &new_c, o.allow_data_loss);
    if (rc == 0) {
        struct buf sql = {0};
        diff_sql(&sql, df, o.dialect);
        rc = write_sql(&o, &sql);
        buf_free(&sql);
    }
    arena_free(a);
    release_compiled(&old_c);
    release_compiled(&new_c);
    return rc;
}
