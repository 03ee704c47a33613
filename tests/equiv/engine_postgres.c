/* randdiff on PostgreSQL: a database is a schema of the server's database (PGDATABASE),
   filled and read through libpq in one connection; migrations run through psql, in a
   session of their own with search_path set to the schema, as people run SQL files. */
#include "engine.h"
#include "sql_quote.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct engine {
    PGconn *conn;
    char schema[80];
    char dir[400];
};

static PGconn *shared;     /* one connection for a whole run */

static bool ok_result(PGresult *r, char *err, size_t nerr, const char *what)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return true;
    snprintf(err, nerr, "%s: %s", what, PQresultErrorMessage(r));
    return false;
}

static bool run(struct engine *e, const char *sql, char *err, size_t nerr, const char *what)
{
    PGresult *r = PQexec(e->conn, sql);
    bool ok = ok_result(r, err, nerr, what);
    PQclear(r);
    return ok;
}

static struct engine *pg_open(const char *dir, const char *name, char *err, size_t nerr)
{
    if (!shared) {
        shared = PQconnectdb("");
        if (PQstatus(shared) != CONNECTION_OK) {
            snprintf(err, nerr, "cannot connect: %s", PQerrorMessage(shared));
            PQfinish(shared);
            shared = NULL;
            return NULL;
        }
        PGresult *r = PQexec(shared, "SET client_min_messages = error; SET extra_float_digits = 3");
        PQclear(r);
    }
    struct engine *e = calloc(1, sizeof *e);
    e->conn = shared;
    snprintf(e->dir, sizeof e->dir, "%s", dir);
    snprintf(e->schema, sizeof e->schema, "rd_%d_%s", (int)getpid(), name);
    char sql[300];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s; SET search_path = %s",
             e->schema, e->schema, e->schema);
    if (!run(e, sql, err, nerr, "create schema")) {
        free(e);
        return NULL;
    }
    return e;
}

static void pg_close(struct engine *e, bool drop)
{
    if (!e)
        return;
    char sql[200], err[200];
    if (drop) {
        snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", e->schema);
        run(e, sql, err, sizeof err, "drop schema");
    }
    free(e);
}

static bool use(struct engine *e, char *err, size_t nerr)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SET search_path = %s", e->schema);
    return run(e, sql, err, nerr, "search_path");
}

static bool pg_exec_file(struct engine *e, const char *sql, char *err, size_t nerr)
{
    if (!use(e, err, nerr))
        return false;
    bool ok = run(e, sql, err, nerr, "exec");
    if (!ok)
        run(e, "ROLLBACK", err + strlen(err), 0, "rollback");
    return ok;
}

/* A name as modelgen writes it (sql_quote.c): PostgreSQL folds the unquoted to lower case. */
static void quoted(struct buf *b, const char *name)
{
    sqlq_ident(b, name);
}

/* The column's type, as far as values go. */
static enum rd_type column_type(const struct rd_schema *s, const struct rd_model *m, int id)
{
    const struct rd_field *f = rd_field_c(m, id);
    (void)s;
    return f ? f->type : T_INT;
}

static const char *param_sql(enum rd_type t, int k, char *buf, size_t n)
{
    switch (t) {
    case T_BLOB:
        snprintf(buf, n, "decode($%d, 'hex')", k);
        break;
    case T_TIMESTAMP:   /* whole seconds, exactly (as modelgen's migrations build them) */
        snprintf(buf, n, "(timestamptz 'epoch' + make_interval(hours => ($%d::bigint / 3600 / 2)::integer) + "
                 "make_interval(hours => ($%d::bigint / 3600 - $%d::bigint / 3600 / 2)::integer) + "
                 "make_interval(secs => $%d::bigint %% 3600))", k, k, k, k);
        break;
    case T_BOOL:
        snprintf(buf, n, "$%d::integer::boolean", k);
        break;
    default:
        snprintf(buf, n, "$%d", k);
        break;
    }
    return buf;
}

/* A value as a text parameter (NULL for SQL NULL); buf holds what the text needs. */
static const char *param_text(const struct rd_value *v, enum rd_type t, char *buf, size_t n)
{
    switch (v->kind) {
    case V_NULL:
    case V_NOW:
        return NULL;
    case V_INT:
        snprintf(buf, n, "%lld", (long long)v->i);
        return buf;
    case V_REAL:
        if (isinf(v->r))
            snprintf(buf, n, v->r > 0 ? "Infinity" : "-Infinity");
        else
            snprintf(buf, n, "%.17g", v->r);
        return buf;
    case V_TEXT:
        memcpy(buf, v->s, (size_t)v->len);
        buf[v->len] = '\0';
        return buf;
    case V_BLOB:
        for (int i = 0; i < v->len; i++)
            snprintf(buf + 2 * i, 3, "%02x", v->s[i]);
        buf[2 * v->len] = '\0';
        (void)t;
        return buf;
    }
    return NULL;
}

static bool pg_fill(struct engine *e, const struct rd_schema *s, const struct rd_rows *rows,
                    const int *order, int norder, char *err, size_t nerr)
{
    if (!use(e, err, nerr) || !run(e, "BEGIN; SET CONSTRAINTS ALL DEFERRED", err, nerr, "begin"))
        return false;
    for (int i = 0; i < norder; i++) {
        const struct rd_model *m = rd_model_c(s, order[i]);
        const struct rd_table_rows *t = m ? rd_rows_of_c(rows, m->id) : NULL;
        if (!t || !t->n)
            continue;
        char table[NAME_LEN], col[NAME_LEN], p[400];
        struct buf sql = {0};
        int ids[MAX_FIELDS + MAX_ASSOCS], n = 0;
        buf_puts(&sql, "INSERT INTO ");
        quoted(&sql, rd_table(m, table));
        buf_puts(&sql, " (id");
        for (int k = 0; k < m->nf; k++) {
            buf_puts(&sql, ", ");
            quoted(&sql, m->f[k].name);
            ids[n++] = m->f[k].id;
        }
        for (int k = 0; k < m->na; k++) {
            buf_puts(&sql, ", ");
            quoted(&sql, rd_assoc_column(&m->a[k], col));
            ids[n++] = m->a[k].id;
        }
        buf_puts(&sql, ") OVERRIDING SYSTEM VALUE VALUES ($1");
        for (int k = 0; k < n; k++)
            buf_printf(&sql, ", %s", param_sql(column_type(s, m, ids[k]), k + 2, p, sizeof p));
        buf_puts(&sql, ")");
        for (int r = 0; r < t->n; r++) {
            char bufs[MAX_FIELDS + MAX_ASSOCS + 1][2 * TEXT_LEN + 2];
            const char *values[MAX_FIELDS + MAX_ASSOCS + 1];
            snprintf(bufs[0], sizeof bufs[0], "%lld", (long long)t->r[r].id);
            values[0] = bufs[0];
            for (int k = 0; k < n; k++) {
                const struct rd_value *v = rd_row_value(&t->r[r], ids[k]);
                struct rd_value null = {0};
                values[k + 1] = param_text(v ? v : &null, column_type(s, m, ids[k]), bufs[k + 1],
                                           sizeof bufs[k + 1]);
            }
            PGresult *res = PQexecParams(e->conn, sql.data, n + 1, NULL, values, NULL, NULL, 0);
            bool ok = ok_result(res, err, nerr, table);
            PQclear(res);
            if (!ok) {
                buf_free(&sql);
                run(e, "ROLLBACK", p, sizeof p, "rollback");
                return false;
            }
        }
        buf_free(&sql);
    }
    if (!run(e, "COMMIT", err, nerr, "fill: COMMIT")) {
        run(e, "ROLLBACK", err + strlen(err), 0, "rollback");
        return false;
    }
    return true;
}

static int hex_digit(char c)
{
    return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0';
}

static bool read_value(enum rd_type t, const char *text, int len, struct rd_value *v)
{
    memset(v, 0, sizeof *v);
    switch (t) {
    case T_INT:
    case T_BOOL:
        v->kind = V_INT;
        v->i = strtoll(text, NULL, 10);
        return true;
    case T_TIMESTAMP: {   /* extract(epoch ...): a numeric; a fraction (now()) as a real */
        v->kind = V_INT;
        char *end;
        v->i = strtoll(text, &end, 10);
        if (*end == '.')
            for (const char *p = end + 1; *p; p++)
                if (*p != '0') {
                    v->kind = V_REAL;
                    v->r = strtod(text, NULL);
                    break;
                }
        return true;
    }
    case T_REAL:
        v->kind = V_REAL;
        v->r = strcmp(text, "Infinity") == 0 ? INFINITY : strcmp(text, "-Infinity") == 0 ? -INFINITY
                                             : strtod(text, NULL);
        return true;
    case T_BLOB:
        v->kind = V_BLOB;
        v->len = len / 2 < TEXT_LEN ? len / 2 : TEXT_LEN;
        for (int i = 0; i < v->len; i++)
            v->s[i] = (unsigned char)(hex_digit(text[2 * i]) * 16 + hex_digit(text[2 * i + 1]));
        return true;
    default:
        v->kind = V_TEXT;
        v->len = len < TEXT_LEN ? len : TEXT_LEN;
        memcpy(v->s, text, (size_t)v->len);
        return true;
    }
}

static bool pg_read(struct engine *e, const struct rd_schema *s, struct rd_rows *out, char *err,
                    size_t nerr)
{
    memset(out, 0, sizeof *out);
    if (!use(e, err, nerr))
        return false;
    for (int i = 0; i < s->nm; i++) {
        const struct rd_model *m = &s->m[i];
        struct rd_table_rows *t = &out->t[out->nt++];
        t->model = m->id;
        char table[NAME_LEN], col[NAME_LEN];
        struct buf sql = {0};
        int ids[MAX_FIELDS + MAX_ASSOCS], n = 0;
        enum rd_type types[MAX_FIELDS + MAX_ASSOCS];
        buf_puts(&sql, "SELECT id");
        for (int k = 0; k < m->nf + m->na; k++) {
            struct buf c = {0};
            if (k < m->nf) {
                quoted(&c, m->f[k].name);
                ids[n] = m->f[k].id;
                types[n] = m->f[k].type;
            } else {
                quoted(&c, rd_assoc_column(&m->a[k - m->nf], col));
                ids[n] = m->a[k - m->nf].id;
                types[n] = T_INT;
            }
            switch (types[n]) {
            case T_BLOB: buf_printf(&sql, ", encode(%s, 'hex')", c.data); break;
            case T_BOOL: buf_printf(&sql, ", %s::integer", c.data); break;
            case T_TIMESTAMP: buf_printf(&sql, ", extract(epoch FROM %s)", c.data); break;
            default: buf_printf(&sql, ", %s", c.data); break;
            }
            buf_free(&c);
            n++;
        }
        buf_puts(&sql, " FROM ");
        quoted(&sql, rd_table(m, table));
        buf_puts(&sql, " ORDER BY id");
        PGresult *r = PQexec(e->conn, sql.data);
        buf_free(&sql);
        if (!ok_result(r, err, nerr, table)) {
            PQclear(r);
            return false;
        }
        if (PQntuples(r) > MAX_ROWS) {
            snprintf(err, nerr, "read %s: more rows than ever went in", table);
            PQclear(r);
            return false;
        }
        for (int row = 0; row < PQntuples(r); row++) {
            struct rd_row *x = &t->r[t->n++];
            memset(x, 0, sizeof *x);
            x->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
            for (int k = 0; k < n; k++) {
                x->col[x->ncols] = ids[k];
                struct rd_value *v = &x->v[x->ncols++];
                if (PQgetisnull(r, row, k + 1)) {
                    memset(v, 0, sizeof *v);
                    continue;
                }
                if (!read_value(types[k], PQgetvalue(r, row, k + 1), PQgetlength(r, row, k + 1), v)) {
                    snprintf(err, nerr, "read %s row %lld: a timestamp with a fraction of a second (%s)",
                             table, (long long)x->id, PQgetvalue(r, row, k + 1));
                    PQclear(r);
                    return false;
                }
            }
        }
        PQclear(r);
    }
    return true;
}

static bool pg_catalog(struct engine *e, struct buf *out, char *err, size_t nerr)
{
    char sql[4000];
    const char *rels = "n.nspname = $1 AND c.relname <> 'modelgen_migrations'";
    snprintf(sql, sizeof sql,
        "SELECT line FROM ("
        "SELECT 'table ' || c.relname AS line FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "  WHERE %s AND c.relkind IN ('r', 'p') "
        "UNION ALL SELECT 'column ' || c.relname || ' ' || a.attname || ' type=' || format_type(a.atttypid, a.atttypmod)"
        "  || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')"
        "  || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text"
        "  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        "  WHERE %s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
        "UNION ALL SELECT 'constraint ' || c.relname || ' ' || co.conname || ' ' || co.contype::text || ' '"
        "  || pg_get_constraintdef(co.oid) || ' deferrable=' || co.condeferrable || ' deferred=' || co.condeferred"
        "  || ' validated=' || co.convalidated"
        "  FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE %s "
        "UNION ALL SELECT 'index ' || c.relname || ' ' || ic.relname || ' '"
        "  || replace(pg_get_indexdef(x.indexrelid), ' ON ' || quote_ident($1) || '.', ' ON ')"
        "  || CASE WHEN x.indisvalid THEN '' ELSE ' INVALID' END"
        "  FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class ic ON ic.oid = x.indexrelid"
        "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE %s "
        "UNION ALL SELECT 'trigger ' || c.relname || ' ' || tg.tgname FROM pg_trigger tg"
        "  JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE %s AND NOT tg.tgisinternal"
        ") facts ORDER BY line COLLATE \"C\"", rels, rels, rels, rels, rels);
    const char *params[] = {e->schema};
    if (!use(e, err, nerr))
        return false;
    PGresult *r = PQexecParams(e->conn, sql, 1, NULL, params, NULL, NULL, 0);
    if (!ok_result(r, err, nerr, "catalog")) {
        PQclear(r);
        return false;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        buf_puts(out, PQgetvalue(r, i, 0));
        buf_putc(out, '\n');
    }
    PQclear(r);
    return true;
}

static int pg_apply(struct engine *e, const char *file, bool stop_at_error, struct buf *err_out)
{
    char errf[500], options[200];
    snprintf(errf, sizeof errf, "%s/%s.err", e->dir, e->schema);
    snprintf(options, sizeof options, "PGOPTIONS=-c search_path=%s -c client_min_messages=warning",
             e->schema);
    char *env[] = {options, NULL};
    char *argv[] = {"psql", "-X", "-q", "-v", stop_at_error ? "ON_ERROR_STOP=1" : "ON_ERROR_STOP=0",
                    "-f", (char *)file, NULL};
    int rc = run_command(argv, NULL, "/dev/null", errf, env);
    size_t len;
    char *text = read_file(errf, &len);
    if (text)
        buf_puts(err_out, text);
    free(text);
    unlink(errf);
    return rc;
}

/* A libpq URI for the server of PGHOST and friends, its session in the schema. */
static void pg_target(struct engine *e, char *buf, size_t n)
{
    const char *host = getenv("PGHOST"), *port = getenv("PGPORT"), *user = getenv("PGUSER");
    const char *db = getenv("PGDATABASE");
    snprintf(buf, n, "postgresql://%s@%s:%s/%s?options=-csearch_path%%3D%s", user ? user : "",
             host ? host : "localhost", port ? port : "5432", db ? db : "postgres", e->schema);
}

static void pg_nothing(struct engine *e)
{
    (void)e;
}

const struct engine_ops postgres_engine = {
    "postgres", pg_open, pg_close, pg_exec_file, pg_fill, pg_read, pg_catalog, pg_apply,
    pg_target, pg_nothing, pg_nothing,
};
