/* randdiff: the differential test of modelgen diff (see randdiff.h and README.md).

     randdiff [--engine sqlite|postgres|both] [--seed N] [--count N] [--jobs N]
              [--modelgen PATH] [--work DIR] [--tap] [--no-shrink] [--keep] [--seconds S]
              [--pair N] [--apply-every N]
              [--runtime LIB --runtime-include DIR --migrate-every N]

   Pair i of a run is seed N's i-th: the same seed and count run the same pairs. Every pair
   is checked on each engine asked for, its migration applied by the engine's shell
   stopping at the first error and going on after errors in turn, every Nth (10) by
   modelgen apply over a migrations directory, and with --migrate-every N every Nth through
   the generated NAME_migrate (built against the runtime LIB); a failure is shrunk to a minimal pair, written to
   DIR/failure-SEED-ENGINE/ (old.model, new.model, the rows as SQL, the migration, what went
   wrong) and shown. PostgreSQL needs PGHOST and friends (tests/pg/with-postgres.sh). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "frontend.h"
#include "randdiff.h"
#include "shrink.h"
#include "sql.h"

extern char **environ;

/* ------------------------------------------------------------------- processes -- */

int run_command(char *const argv[], const char *in_file, const char *out_file,
                const char *err_file, char *const envp_extra[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int in = open(in_file ? in_file : "/dev/null", O_RDONLY);
        int out = open(out_file ? out_file : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_file ? err_file : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        for (size_t i = 0; envp_extra && envp_extra[i]; i++) {
            char name[200];
            const char *eq = strchr(envp_extra[i], '=');
            if (!eq || (size_t)(eq - envp_extra[i]) >= sizeof name)
                continue;
            memcpy(name, envp_extra[i], (size_t)(eq - envp_extra[i]));
            name[eq - envp_extra[i]] = '\0';
            setenv(name, eq + 1, 1);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    buf_puts(&b, "");
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_putn(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

bool write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* ------------------------------------------------------------------ options -- */

static struct {
    const char *modelgen;
    const char *work;
    const struct engine_ops *engines[2];
    int nengines;
    uint64_t seed;
    long count;
    int jobs;
    bool tap, shrink, keep, verbose;
    long seconds;
    long pair;                  /* --pair N: that pair alone */
    const char *runtime;        /* libmodelgen.a, for the NAME_migrate path */
    const char *runtime_include;
    long migrate_every;         /* every Nth pair goes through NAME_migrate */
    const char *cflags;         /* for compiling it, as the runtime was (a sanitizer) */
    long apply_every;           /* and every Nth through modelgen apply */
} opt = {.seed = 1, .count = 100, .jobs = 1, .shrink = true, .pair = -1, .apply_every = 10};

/* ------------------------------------------------------------------ one pair -- */

struct compiled {
    struct arena *arena;
    struct source src;
    struct diag diag;
    struct schema *s;
};

static bool compile_text(struct compiled *c, const char *name, const char *text,
                         struct buf *errors)
{
    c->arena = arena_new();
    source_from_memory(&c->src, name, text, strlen(text));
    FILE *mem = tmpfile();
    diag_init(&c->diag, &c->src, mem);
    c->s = compile_schema(&c->src, c->arena, &c->diag);
    diag_flush(&c->diag);
    if (mem) {
        fflush(mem);
        rewind(mem);
        char line[512];
        while (errors && fgets(line, sizeof line, mem))
            buf_puts(errors, line);
        fclose(mem);
    }
    return c->s != NULL;
}

static void compiled_free(struct compiled *c)
{
    source_free(&c->src);
    arena_free(c->arena);
}

/* The analyser's create order, as model ids. */
static int create_order(const struct rd_schema *rs, const struct schema *s, int *order)
{
    int n = 0;
    for (size_t i = 0; i < s->nmodels; i++)
        for (int k = 0; k < rs->nm; k++)
            if (strcmp(rs->m[k].name, s->create_order[i]->name) == 0)
                order[n++] = rs->m[k].id;
    return n;
}

static const char *const result_names[] = {
    [RES_OK] = "ok", [RES_INVALID] = "invalid", [RES_REFUSAL] = "refusal", [RES_DIFF] = "diff",
    [RES_SCHEMA] = "schema", [RES_FAILED] = "failed", [RES_SUCCEEDED] = "succeeded",
    [RES_NOT_ATOMIC] = "not atomic", [RES_CATALOG] = "catalog", [RES_ROWS] = "rows",
    [RES_STATUS] = "status",
};

const char *rd_result_name(enum rd_result r)
{
    return result_names[r];
}

static void report(struct rd_outcome *o, enum rd_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct rd_outcome *o, enum rd_result r, const char *fmt, ...)
{
    if (o->result != RES_OK)
        return;
    o->result = r;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&o->detail, fmt, ap);
    va_end(ap);
}

/* The first line where two sorted catalogs differ, each side marked. */
static void catalog_difference(const char *want, const char *got, struct buf *out)
{
    int shown = 0;
    const char *w = want, *g = got;
    while ((*w || *g) && shown < 12) {
        const char *we = strchr(w, '\n'), *ge = strchr(g, '\n');
        size_t wl = we ? (size_t)(we - w) : strlen(w), gl = ge ? (size_t)(ge - g) : strlen(g);
        int c = !*w ? 1 : !*g ? -1 : strncmp(w, g, wl < gl ? wl : gl);
        if (c == 0 && wl != gl)
            c = wl < gl ? -1 : 1;
        if (c == 0) {
            w += wl + (we ? 1 : 0);
            g += gl + (ge ? 1 : 0);
            continue;
        }
        if (c < 0) {
            buf_printf(out, "  want: %.*s\n", (int)wl, w);
            w += wl + (we ? 1 : 0);
        } else {
            buf_printf(out, "  got:  %.*s\n", (int)gl, g);
            g += gl + (ge ? 1 : 0);
        }
        shown++;
    }
}

/* Compares NEW's rows as the engine read them with the oracle's. */
static bool same_rows(const struct rd_schema *s, const struct rd_rows *want,
                      const struct rd_rows *got, struct buf *why)
{
    char table[NAME_LEN], a[TEXT_LEN * 3], b[TEXT_LEN * 3];
    for (int i = 0; i < s->nm; i++) {
        const struct rd_model *m = &s->m[i];
        const struct rd_table_rows *w = rd_rows_of_c(want, m->id), *g = rd_rows_of_c(got, m->id);
        int wn = w ? w->n : 0, gn = g ? g->n : 0;
        if (wn != gn) {
            buf_printf(why, "%s: %d rows, want %d", rd_table(m, table), gn, wn);
            return false;
        }
        for (int r = 0; r < wn; r++) {
            if (w->r[r].id != g->r[r].id) {
                buf_printf(why, "%s: row id %lld, want %lld", rd_table(m, table),
                           (long long)g->r[r].id, (long long)w->r[r].id);
                return false;
            }
            for (int k = 0; k < w->r[r].ncols; k++) {
                int col = w->r[r].col[k];
                const struct rd_value *x = &w->r[r].v[k], *y = rd_row_value(&g->r[r], col);
                if (!y || !rd_same_value(x, y)) {
                    const struct rd_field *f = rd_field_c(m, col);
                    const struct rd_assoc *as = rd_assoc_c(m, col);
                    char c[NAME_LEN];
                    rd_value_text(x, a, sizeof a);
                    if (y)
                        rd_value_text(y, b, sizeof b);
                    else
                        snprintf(b, sizeof b, "(missing)");
                    buf_printf(why, "%s row %lld, column %s: %s, want %s", rd_table(m, table),
                               (long long)w->r[r].id, f ? f->name : as ? rd_assoc_column(as, c) : "?",
                               b, a);
                    return false;
                }
            }
        }
    }
    return true;
}

static char *generate_sql(const struct schema *s, enum dialect d)
{
    struct buf b = {0};
    sql_generate(&b, s, d);
    return b.data;
}

/* modelgen diff OLD NEW --dialect D [--allow-data-loss] > out; its exit status. */
static int run_diff(const char *dir, const char *dialect, bool allow, const char *out,
                    const char *err)
{
    char old_path[600], new_path[600];
    snprintf(old_path, sizeof old_path, "%s/old.model", dir);
    snprintf(new_path, sizeof new_path, "%s/new.model", dir);
    char *argv[] = {(char *)opt.modelgen, "diff", old_path, new_path, "--dialect",
                    (char *)dialect, allow ? "--allow-data-loss" : NULL, NULL};
    return run_command(argv, NULL, out, err, NULL);
}

const char *rd_path_name(enum rd_path path, const struct engine_ops *ops)
{
    bool sqlite = strcmp(ops->name, "sqlite") == 0;
    switch (path) {
    case PATH_STOP:
        return sqlite ? "sqlite3 -bail" : "psql -v ON_ERROR_STOP=1";
    case PATH_ON:
        return sqlite ? "sqlite3" : "psql";
    case PATH_MIGRATE:
        return "NAME_migrate";
    case PATH_APPLY:
        return "modelgen apply";
    }
    return "?";
}

static const char driver[] =
    "#include <stdio.h>\n"
    "#include \"schema.h\"\n"
    "/* the generated NAME_migrate on the database argv[1] names */\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    mg_db *db;\n"
    "    if (argc < 2 || mg_open(argv[1], &db) != MG_OK) {\n"
    "        fprintf(stderr, \"mg_open: %s\\n\", mg_open_errmsg());\n"
    "        return 3;\n"
    "    }\n"
    "    int rc = schema_migrate(db);\n"
    "    if (rc != MG_OK)\n"
    "        fprintf(stderr, \"schema_migrate: %d: %s\\n\", rc, mg_errmsg(db));\n"
    "    mg_close(db);\n"
    "    return rc == MG_OK ? 0 : 1;\n"
    "}\n";

/* The migrations directories modelgen migrate writes: first/ with OLD's first migration
   alone, migrations/ with NEW's after it; and with programs, the NAME_migrate programs of
   both. False with why, when something does not build. */
static bool build_programs(const char *dir, bool allow, bool programs, struct buf *why)
{
    char mig[700], old_m[700], new_m[700], gen1[700], gen2[700], drv[700], prog[700], err[700];
    snprintf(mig, sizeof mig, "%s/migrations", dir);
    snprintf(old_m, sizeof old_m, "%s/old.model", dir);
    snprintf(new_m, sizeof new_m, "%s/new.model", dir);
    snprintf(gen1, sizeof gen1, "%s/gen1", dir);
    snprintf(gen2, sizeof gen2, "%s/gen2", dir);
    snprintf(drv, sizeof drv, "%s/driver.c", dir);
    snprintf(err, sizeof err, "%s/build.err", dir);
    write_file(drv, driver, sizeof driver - 1);
    char *m1[] = {(char *)opt.modelgen, "migrate", old_m, "--dir", mig, NULL};
    char *g1[] = {(char *)opt.modelgen, old_m, "-o", gen1, "--name", "schema", "--migrations", mig, NULL};
    char *m2[] = {(char *)opt.modelgen, "migrate", new_m, "--dir", mig, allow ? "--allow-data-loss" : NULL, NULL};
    char *g2[] = {(char *)opt.modelgen, new_m, "-o", gen2, "--name", "schema", "--migrations", mig, NULL};
    char first[700];
    snprintf(first, sizeof first, "%s/first", dir);
    char *cp[] = {"cp", "-r", mig, first, NULL};
    char *const *steps[] = {m1, cp, g1, m2, g2};
    static const char *const what[] = {"modelgen migrate OLD", "cp", "modelgen OLD --migrations",
                                       "modelgen migrate NEW", "modelgen NEW --migrations"};
    for (int i = 0; i < 5; i++) {
        if (!programs && (i == 2 || i == 4))
            continue;
        int rc = run_command(steps[i], NULL, NULL, err, NULL);
        if (rc != 0) {
            size_t len;
            char *e = read_file(err, &len);
            buf_printf(why, "%s exits %d: %.300s", what[i], rc, e ? e : "");
            free(e);
            return false;
        }
    }
    for (int i = 1; programs && i <= 2; i++) {
        char src[800], inc[800];
        snprintf(src, sizeof src, "%s/gen%d/schema.c", dir, i);
        snprintf(inc, sizeof inc, "-I%s/gen%d", dir, i);
        snprintf(prog, sizeof prog, "%s/migrate%d", dir, i);
        char incr[600];
        snprintf(incr, sizeof incr, "-I%s", opt.runtime_include);
        char *cc[24] = {"cc", "-std=c99", "-O0", "-w", inc, incr, src, drv, (char *)opt.runtime,
                        "-lsqlite3", "-lpq", "-lm", "-lpthread", "-o", prog, NULL};
        char flags[300];
        snprintf(flags, sizeof flags, "%s", opt.cflags ? opt.cflags : "");
        int at = 15;
        for (char *f = strtok(flags, " "); f && at < 23; f = strtok(NULL, " "))
            cc[at++] = f;
        cc[at] = NULL;
        int rc = run_command(cc, NULL, NULL, err, NULL);
        if (rc != 0) {
            size_t len;
            char *e = read_file(err, &len);
            buf_printf(why, "cannot build NAME_migrate (%d): %.300s", rc, e ? e : "");
            free(e);
            return false;
        }
    }
    return true;
}

/* Runs migrateN (or modelgen apply with first/ or migrations/) on the database; its exit
   status, its stderr into err_out. */
static int run_migrate(const char *dir, int n, enum rd_path path, const struct engine_ops *ops,
                       struct engine *e, struct buf *err_out)
{
    char prog[700], target[700], err[700], mig[700];
    snprintf(prog, sizeof prog, "%s/migrate%d", dir, n);
    snprintf(err, sizeof err, "%s/migrate%d.err", dir, n);
    snprintf(mig, sizeof mig, "%s/%s", dir, n == 1 ? "first" : "migrations");
    ops->target(e, target, sizeof target);
    ops->release(e);
    char *program[] = {prog, target, NULL};
    char *apply[] = {(char *)opt.modelgen, "apply", "--db", target, "--dir", mig, NULL};
    char **argv = path == PATH_APPLY ? apply : program;
    int rc = run_command(argv, NULL, NULL, err, NULL);
    ops->reopen(e);
    size_t len;
    char *text = read_file(err, &len);
    if (text)
        buf_puts(err_out, text);
    free(text);
    return rc;
}

void rd_run_pair(const struct rd_case *k, const struct engine_ops *ops, enum rd_path path,
                 const char *dir, struct rd_outcome *o)
{
    bool stop_at_error = path != PATH_ON;
    memset(o, 0, sizeof *o);
    buf_puts(&o->detail, "");
    struct rd_schema *new_s = malloc(sizeof *new_s);
    rd_new_schema(k, new_s);
    char *old_text = rd_model_text(&k->old, false), *new_text = rd_model_text(new_s, true);
    struct compiled co = {0}, cn = {0};
    struct buf errors = {0};
    bool ok_old = compile_text(&co, "old.model", old_text, &errors);
    bool ok_new = compile_text(&cn, "new.model", new_text, &errors);
    char file[700], diff_path[700], err_path[700];
    /* a directory of its own: migrations/ left by an earlier run of the same directory
       (the shrinker's, the minimal pair's) would hold NEW's snapshot already */
    char *rm[] = {"rm", "-rf", (char *)dir, NULL};
    run_command(rm, NULL, NULL, NULL, NULL);
    mkdir(dir, 0755);
    snprintf(file, sizeof file, "%s/old.model", dir);
    write_file(file, old_text, strlen(old_text));
    snprintf(file, sizeof file, "%s/new.model", dir);
    write_file(file, new_text, strlen(new_text));
    struct engine *new_db = NULL, *db = NULL;
    struct rd_rows *old_rows = calloc(1, sizeof *old_rows), *got = calloc(1, sizeof *got);
    struct rd_expect *expect = calloc(1, sizeof *expect);
    struct buf new_cat = {0}, old_cat = {0}, cat = {0}, apply_err = {0};
    buf_puts(&new_cat, "");
    buf_puts(&old_cat, "");
    buf_puts(&cat, "");
    buf_puts(&apply_err, "");
    char *old_sql = NULL, *new_sql = NULL;
    char err[1500] = "";
    if (!ok_old || !ok_new) {
        report(o, RES_INVALID, "%s does not compile: %.300s", ok_old ? "NEW" : "OLD",
               errors.data ? errors.data : "");
        goto done;
    }
    enum dialect d = strcmp(ops->name, "sqlite") == 0 ? DIALECT_SQLITE : DIALECT_POSTGRES;
    old_sql = generate_sql(co.s, d);
    new_sql = generate_sql(cn.s, d);

    /* the refusal: without --allow-data-loss exactly when something is destructive */
    bool destructive = rd_destructive(&k->old, new_s);
    snprintf(diff_path, sizeof diff_path, "%s/diff.%s.sql", dir, ops->name);
    snprintf(err_path, sizeof err_path, "%s/diff.err", dir);
    int rc = run_diff(dir, ops->name, false, diff_path, err_path);
    if (rc != (destructive ? 1 : 0)) {
        size_t len;
        char *e = read_file(err_path, &len);
        report(o, RES_REFUSAL, "modelgen diff exits %d without --allow-data-loss, want %d (%s): %.400s",
               rc, destructive ? 1 : 0, destructive ? "destructive" : "not destructive", e ? e : "");
        free(e);
        goto done;
    }
    if (destructive && (rc = run_diff(dir, ops->name, true, diff_path, err_path)) != 0) {
        size_t len;
        char *e = read_file(err_path, &len);
        report(o, RES_DIFF, "modelgen diff --allow-data-loss exits %d: %.400s", rc, e ? e : "");
        free(e);
        goto done;
    }

    /* a fresh NEW, and OLD with its rows */
    if (!(new_db = ops->open(dir, "new", err, sizeof err)) ||
        !ops->exec_file(new_db, new_sql, err, sizeof err) ||
        !ops->catalog(new_db, &new_cat, err, sizeof err)) {
        report(o, RES_SCHEMA, "NEW's from-empty SQL: %s", err);
        goto done;
    }
    ops->close(new_db, true);
    new_db = NULL;
    int order[MAX_MODELS];
    int norder = create_order(&k->old, co.s, order);
    bool history = path == PATH_MIGRATE || path == PATH_APPLY;
    if (history) {
        struct buf why = {0};
        bool built = build_programs(dir, destructive, path == PATH_MIGRATE, &why);
        if (!built)
            report(o, strstr(why.data, "cannot build") ? RES_INVALID : RES_DIFF, "%s", why.data);
        buf_free(&why);
        if (!built)
            goto done;
    }
    if (!(db = ops->open(dir, "mig", err, sizeof err))) {
        report(o, RES_SCHEMA, "a new database: %s", err);
        goto done;
    }
    if (history && run_migrate(dir, 1, path, ops, db, &apply_err) != 0) {
        report(o, RES_SCHEMA, "OLD's first migration (%s) on an empty database: %s",
               rd_path_name(path, ops), apply_err.data);
        goto done;
    }
    if (!history && !ops->exec_file(db, old_sql, err, sizeof err)) {
        report(o, RES_SCHEMA, "OLD's from-empty SQL: %s", err);
        goto done;
    }
    apply_err.len = 0;
    apply_err.data[0] = '\0';
    if (!ops->fill(db, &k->old, &k->rows, order, norder, err, sizeof err)) {
        report(o, RES_INVALID, "OLD's rows do not go in: %s", err);
        goto done;
    }
    if (!ops->read(db, &k->old, old_rows, err, sizeof err) ||
        !ops->catalog(db, &old_cat, err, sizeof err)) {
        report(o, RES_SCHEMA, "reading OLD: %s", err);
        goto done;
    }
    rd_oracle(&k->old, new_s, old_rows, expect);
    o->expected_failure = expect->fails;

    /* the migration, through the engine's shell or NAME_migrate */
    if (history)
        rc = run_migrate(dir, 2, path, ops, db, &apply_err);
    else
        rc = ops->apply(db, diff_path, stop_at_error, &apply_err);
    if (!ops->catalog(db, &cat, err, sizeof err)) {
        report(o, RES_SCHEMA, "reading the migrated catalog: %s", err);
        goto done;
    }
    bool at_new = strcmp(cat.data, new_cat.data) == 0, at_old = strcmp(cat.data, old_cat.data) == 0;
    o->migrated = at_new && !expect->fails;
    const char *how = rd_path_name(path, ops);
    /* where OLD and NEW make the same catalog (int and timestamp are both INTEGER to
       SQLite), what the shell said tells whether the migration failed */
    bool said_failed = rc != 0 || apply_err.len > 0;
    if (expect->fails) {
        if (at_new && !(at_old && said_failed))
            report(o, RES_SUCCEEDED, "the migration succeeded (%s), but must fail: %s", how, expect->why);
        else if (!at_old) {
            report(o, RES_NOT_ATOMIC, "the migration failed (%s) and left a database that is neither OLD "
                   "nor NEW:\n", how);
            catalog_difference(old_cat.data, cat.data, &o->detail);
        } else if (!ops->read(db, &k->old, got, err, sizeof err) ||
                   !same_rows(&k->old, old_rows, got, &o->detail)) {
            report(o, RES_NOT_ATOMIC, "the migration failed (%s) but changed rows: %s", how, err);
        } else if (stop_at_error && rc == 0) {
            report(o, RES_STATUS, "the migration failed and changed nothing, but %s exited 0", how);
        } else {
            o->detail.len = 0;
            buf_printf(&o->detail, "fails as it must (%s): %.200s", expect->why,
                       apply_err.data ? apply_err.data : "");
        }
        goto done;
    }
    if (!at_new) {
        if (at_old)
            report(o, RES_FAILED, "the migration failed (%s, exit %d): %.600s", how, rc,
                   apply_err.data ? apply_err.data : "");
        else {
            report(o, RES_CATALOG, "the migrated catalog differs from fresh NEW's (%s, exit %d: %.300s):\n",
                   how, rc, apply_err.data ? apply_err.data : "");
            catalog_difference(new_cat.data, cat.data, &o->detail);
        }
        goto done;
    }
    if (!ops->read(db, new_s, got, err, sizeof err)) {
        report(o, RES_ROWS, "reading NEW's rows: %s", err);
        goto done;
    }
    struct buf why = {0};
    if (!same_rows(new_s, &expect->rows, got, &why))
        report(o, RES_ROWS, "%s", why.data);
    else if (rc != 0 || apply_err.len)
        report(o, RES_STATUS, "the migration succeeded, but %s exited %d with: %.300s", how, rc,
               apply_err.data ? apply_err.data : "");
    buf_free(&why);
done:
    if (new_db)
        ops->close(new_db, true);
    if (db)
        ops->close(db, true);
    if (ok_old || co.arena)
        compiled_free(&co);
    if (ok_new || cn.arena)
        compiled_free(&cn);
    free(old_sql);
    free(new_sql);
    free(old_text);
    free(new_text);
    free(new_s);
    free(old_rows);
    free(got);
    free(expect);
    buf_free(&errors);
    buf_free(&new_cat);
    buf_free(&old_cat);
    buf_free(&cat);
    buf_free(&apply_err);
}

/* ------------------------------------------------------------------ the cases -- */

void rd_make_case(uint64_t seed, struct rd_case *k)
{
    memset(k, 0, sizeof *k);
    k->seed = seed;
    struct rd_rng g = {seed * UINT64_C(0x9E3779B97F4A7C15) + UINT64_C(0x632BE59BD9B4E019)};
    rd_next(&g);
    rd_random_schema(&k->old, &g);
    rd_random_rows(&k->old, &k->rows, &g);
    struct rd_schema *s = malloc(sizeof *s);
    rd_new_schema(k, s);
    int n = 1 + rd_below(&g, 4) + (rd_chance(&g, 20) ? rd_below(&g, 4) : 0);
    for (int i = 0; i < n && k->nchanges < MAX_CHANGES; i++)
        if (rd_random_change(s, &k->ch[k->nchanges], &g))
            k->nchanges++;
    free(s);
}

/* ------------------------------------------------------------------- the run -- */

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

/* One job's pairs: j, j + jobs, ... Each result is a line in the job's file:
   INDEX ENGINE RESULT MIGRATED EXPECTED_FAILURE DETAIL (one line) */
static void run_job(int j, const char *results)
{
    FILE *out = fopen(results, "w");
    time_t start = time(NULL);
    struct rd_case *k = malloc(sizeof *k);
    for (long i = j; i < opt.count && !stopping; i += opt.jobs) {
        if (opt.seconds && time(NULL) - start > opt.seconds)
            break;
        if (opt.pair >= 0 && i != opt.pair)
            continue;
        rd_make_case(opt.seed * 1000003 + (uint64_t)i, k);
        for (int e = 0; e < opt.nengines; e++) {
            char dir[600];
            snprintf(dir, sizeof dir, "%s/pair-%ld-%s", opt.work, i, opt.engines[e]->name);
            enum rd_path stop = (i + e) % 2 == 0 ? PATH_STOP : PATH_ON;
            if (opt.apply_every && i % opt.apply_every == opt.apply_every / 2)
                stop = PATH_APPLY;
            if (opt.migrate_every && opt.runtime && i % opt.migrate_every == opt.migrate_every - 1)
                stop = PATH_MIGRATE;
            struct rd_outcome o;
            rd_run_pair(k, opt.engines[e], stop, dir, &o);
            if (o.result != RES_OK && o.result != RES_INVALID && opt.shrink)
                rd_shrink(k, opt.engines[e], stop, dir, &o);
            for (char *p = o.detail.data; p && *p; p++)
                if (*p == '\n' || *p == '\t')
                    *p = '\x1f';
            fprintf(out, "%ld\t%s\t%d\t%d\t%d\t%d\t%s\n", i, opt.engines[e]->name, o.result,
                    o.migrated, o.expected_failure, stop, o.detail.data ? o.detail.data : "");
            fflush(out);
            buf_free(&o.detail);
            if (!opt.keep && (o.result == RES_OK || o.result == RES_INVALID)) {
                char *argv[] = {"rm", "-rf", dir, NULL};
                run_command(argv, NULL, NULL, NULL, NULL);
            }
        }
    }
    free(k);
    fclose(out);
}

static void usage(void)
{
    fprintf(stderr, "usage: randdiff [--engine sqlite|postgres|both] [--seed N] [--count N] "
                    "[--jobs N] [--modelgen PATH] [--work DIR] [--tap] [--no-shrink] [--keep] "
                    "[--seconds S] [--pair N] [--apply-every N] [--runtime LIB --runtime-include DIR "
                    "--migrate-every N [--cflags FLAGS]]\n");
    exit(2);
}

static bool add_engine(const char *name)
{
    if (strcmp(name, "sqlite") == 0 || strcmp(name, "both") == 0)
        opt.engines[opt.nengines++] = &sqlite_engine;
#ifdef RANDDIFF_POSTGRES
    if (strcmp(name, "postgres") == 0 || strcmp(name, "both") == 0)
        opt.engines[opt.nengines++] = &postgres_engine;
#endif
    return opt.nengines > 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--engine") == 0 && v) {
            if (!add_engine(v)) {
                fprintf(stderr, "randdiff: no engine '%s' in this build\n", v);
                return 2;
            }
            i++;
        } else if (strcmp(a, "--seed") == 0 && v) {
            opt.seed = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--count") == 0 && v) {
            opt.count = strtol(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--jobs") == 0 && v) {
            opt.jobs = atoi(v) > 0 ? atoi(v) : 1;
            i++;
        } else if (strcmp(a, "--pair") == 0 && v) {
            opt.pair = strtol(v, NULL, 10);
            if (opt.count <= opt.pair)
                opt.count = opt.pair + 1;
            i++;
        } else if (strcmp(a, "--runtime") == 0 && v) {
            opt.runtime = v;
            i++;
        } else if (strcmp(a, "--runtime-include") == 0 && v) {
            opt.runtime_include = v;
            i++;
        } else if (strcmp(a, "--cflags") == 0 && v) {
            opt.cflags = v;
            i++;
        } else if (strcmp(a, "--apply-every") == 0 && v) {
            opt.apply_every = strtol(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--migrate-every") == 0 && v) {
            opt.migrate_every = strtol(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--seconds") == 0 && v) {
            opt.seconds = strtol(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--modelgen") == 0 && v) {
            opt.modelgen = v;
            i++;
        } else if (strcmp(a, "--work") == 0 && v) {
            opt.work = v;
            i++;
        } else if (strcmp(a, "--tap") == 0) {
            opt.tap = true;
        } else if (strcmp(a, "--no-shrink") == 0) {
            opt.shrink = false;
        } else if (strcmp(a, "--keep") == 0) {
            opt.keep = true;
        } else {
            usage();
        }
    }
    if (!opt.modelgen)
        usage();
    if (!opt.nengines)
        add_engine("sqlite");
    char work[512];
    if (!opt.work) {
        snprintf(work, sizeof work, "%s/randdiff.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(work)) {
            perror("randdiff: mkdtemp");
            return 2;
        }
        opt.work = work;
    } else {
        mkdir(opt.work, 0755);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    time_t start = time(NULL);
    pid_t pids[64];
    int jobs = opt.jobs > 64 ? 64 : opt.jobs;
    opt.jobs = jobs;
    for (int j = 0; j < jobs; j++) {
        char results[700];
        snprintf(results, sizeof results, "%s/job-%d.results", opt.work, j);
        if (jobs == 1) {
            run_job(0, results);
            break;
        }
        pids[j] = fork();
        if (pids[j] == 0) {
            run_job(j, results);
            _exit(0);
        }
    }
    for (int j = 0; jobs > 1 && j < jobs; j++)
        waitpid(pids[j], NULL, 0);
    return rd_report(opt.work, jobs, opt.tap, time(NULL) - start, opt.seed);
}
