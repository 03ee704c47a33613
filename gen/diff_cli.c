/* modelgen diff OLD.model NEW.model: the command line around the diff engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "output.h"
#include "util.h"

struct diff_options {
    const char *old_path, *new_path, *output;
    enum dialect dialect;
    bool allow_data_loss;
};

static int parse_options(int argc, char **argv, struct diff_options *o)
{
    const char *dialect = "sqlite";
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--dialect") == 0) {
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
    if (strcmp(dialect, "sqlite") == 0)
        o->dialect = DIALECT_SQLITE;
    else if (strcmp(dialect, "postgres") == 0 || strcmp(dialect, "postgresql") == 0)
        o->dialect = DIALECT_POSTGRES;
    else
        return usage_error("unknown dialect '%s' (use sqlite or postgres)", dialect);
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

int cmd_diff(int argc, char **argv)
{
    struct diff_options o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc;
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
        if (o.output)
            rc = output_write_path(o.output, &sql);
        else if (sql.len && fwrite(sql.data, 1, sql.len, stdout) != sql.len)
            rc = 2;
        buf_free(&sql);
    }
    arena_free(a);
    release_compiled(&old_c);
    release_compiled(&new_c);
    return rc;
}
