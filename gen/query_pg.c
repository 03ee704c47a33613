/* Named queries checked on a PostgreSQL server (see query.h): the schema is created in
   the session's temporary schema inside a transaction that is rolled back, so that the
   check changes nothing on the server; each query is prepared with the parameter types
   the runtime binds (int8, float8, text, bytea, boolean, timestamptz), and the server's
   description of it must agree with what modelgen decided when it read the schema. */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_sql.h"
#include "sql.h"
#include "util.h"

#ifdef MODELGEN_QUERY_POSTGRES
#include <libpq-fe.h>

bool query_postgres_available(void)
{
    return true;
}

/* Built-in type OIDs (PostgreSQL's pg_type.dat); they never change. */
enum {
    OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
    OID_TEXT = 25, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_UNKNOWN = 705, OID_BPCHAR = 1042,
    OID_VARCHAR = 1043, OID_TIMESTAMPTZ = 1184,
};

/* The type the runtime binds a parameter of this type as. */
static Oid param_oid(const struct value_type *t)
{
    switch (t->type) {
    case TYPE_INT: return OID_INT8;
    case TYPE_REAL: return OID_FLOAT8;
    case TYPE_TEXT:
    case TYPE_ENUM: return OID_TEXT;
    case TYPE_BLOB: return OID_BYTEA;
    case TYPE_BOOL: return OID_BOOL;
    case TYPE_TIMESTAMP: return OID_TIMESTAMPTZ;
    }
    return OID_TEXT;
}

/* Whether the runtime reads a result column of this server type as t (postgres.c). */
static bool readable(Oid oid, const struct value_type *t)
{
    switch (t->type) {
    case TYPE_INT: return oid == OID_INT8 || oid == OID_INT4 || oid == OID_INT2;
    case TYPE_REAL: return oid == OID_FLOAT8 || oid == OID_FLOAT4;
    case TYPE_BOOL: return oid == OID_BOOL;
    case TYPE_TIMESTAMP: return oid == OID_TIMESTAMPTZ;
    case TYPE_BLOB: return oid == OID_BYTEA;
    case TYPE_TEXT:
    case TYPE_ENUM:
        return oid == OID_TEXT || oid == OID_VARCHAR || oid == OID_BPCHAR || oid == OID_NAME ||
               oid == OID_UNKNOWN;
    }
    return false;
}

/* What the runtime reads as t, in PostgreSQL's words, and the CAST that gives it. */
static const char *readable_text(const struct value_type *t)
{
    switch (t->type) {
    case TYPE_INT: return "bigint, integer or smallint (CAST(... AS BIGINT))";
    case TYPE_REAL: return "double precision or real (CAST(... AS DOUBLE PRECISION))";
    case TYPE_BOOL: return "boolean";
    case TYPE_TIMESTAMP: return "timestamptz (CAST(... AS TIMESTAMPTZ))";
    case TYPE_BLOB: return "bytea";
    case TYPE_TEXT:
    case TYPE_ENUM: return "text, varchar or char (CAST(... AS TEXT))";
    }
    return "";
}

struct pg_checking {
    const struct schema *s;
    struct arena *a;
    struct diag *d;
    PGconn *conn;
};

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static bool command(PGconn *conn, const char *sql, char **error)
{
    PGresult *res = PQexec(conn, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok && error)
        *error = xstrdup(PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/* The server's name of a type: "numeric", "integer". */
static const char *type_text(struct pg_checking *k, Oid oid)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT format_type(%u, NULL)", (unsigned)oid);
    PGresult *res = PQexec(k->conn, sql);
    const char *name = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1
        ? arena_strdup(k->a, PQgetvalue(res, 0, 0))
        : arena_printf(k->a, "the type with oid %u", (unsigned)oid);
    PQclear(res);
    return name;
}

/* The statement as the runtime sends it: q->stmt with $N for ?N (the same length, so
   the same offsets). */
static char *server_text(const struct query *q)
{
    char *t = xstrdup(q->stmt);
    struct sqltoks ts;
    sql_tokenize(t, &ts);
    for (size_t i = 0; i < ts.n; i++)
        if (ts.t[i].kind == SQLT_PLACEHOLDER && t[ts.t[i].at] == '?')
            t[ts.t[i].at] = '$';
    sql_tokens_free(&ts);
    return t;
}

/* A 1-based character position of PostgreSQL's as a byte offset of text. */
static size_t byte_offset(const char *text, long position)
{
    size_t i = 0;
    for (long chars = 1; text[i] && chars < position; chars++) {
        i++;
        while (((unsigned char)text[i] & 0xc0) == 0x80)
            i++;
    }
    return i;
}

/* The columns the query declares, as the check wants them: type and name. */
struct expected {
    const char *name;       /* NULL: any */
    struct value_type t;
};

static size_t expected_columns(const struct query *q, struct expected **out)
{
    size_t n = 0;
    switch (q->result) {
    case RESULT_NONE:
        break;
    case RESULT_MODEL:
        n = q->model->ncolumns;
        *out = xcalloc(n, sizeof **out);
        for (size_t i = 0; i < n; i++) {
            const struct column *c = &q->model->columns[i];
            (*out)[i].name = c->name;
            (*out)[i].t.type = c->field ? c->field->type : TYPE_INT;
            (*out)[i].t.enum_type = c->field ? c->field->enum_type : NULL;
        }
        break;
    case RESULT_ROW:
        n = q->row->ncolumns;
        *out = xcalloc(n, sizeof **out);
        for (size_t i = 0; i < n; i++) {
            (*out)[i].name = q->row->columns[i].name;
            (*out)[i].t = q->row->columns[i].t;
        }
        break;
    case RESULT_SCALAR:
        n = 1;
        *out = xcalloc(1, sizeof **out);
        (*out)[0].t = q->scalar;
        break;
    }
    return n;
}

/* Where a result column's diagnostic points: its item of the select list when the items
   are one column each, else the query's result. */
static struct pos column_at(struct pg_checking *k, const struct query *q,
                            const struct sql_result *r, int i, int nfields)
{
    bool plain = (size_t)nfields == r->nitems && !r->compound;
    for (size_t j = 0; plain && j < r->nitems; j++)
        plain = r->items[j].kind != ITEM_STAR && r->items[j].kind != ITEM_TABLE_STAR;
    if (plain)
        return query_stmt_pos(k->d->src, q, r->items[i].at, r->items[i].len);
    return q->result_pos;
}

static void compare(struct pg_checking *k, const struct query *q, PGresult *desc)
{
    int nparams = PQnparams(desc);
    if ((size_t)nparams != q->nparams)
        diag_error(k->d, q->pos, "on PostgreSQL, query '%s' takes %d parameter%s; it declares "
                   "%zu", q->name, nparams, nparams == 1 ? "" : "s", q->nparams);
    for (int i = 0; i < nparams && (size_t)i < q->nparams; i++) {
        Oid want = param_oid(&q->params[i].t), got = PQparamtype(desc, i);
        if (got != want)
            diag_error(k->d, q->params[i].pos, "on PostgreSQL, parameter '%s' of query '%s' is "
                       "%s, but the runtime binds it as %s", q->params[i].name, q->name,
                       type_text(k, got), type_text(k, want));
    }
    int nfields = PQnfields(desc);
    struct expected *cols = NULL;
    size_t n = expected_columns(q, &cols);
    if (q->result == RESULT_NONE) {
        if (nfields > 0)
            diag_error(k->d, q->pos, "on PostgreSQL, query '%s' returns %d column%s but "
                       "declares no result", q->name, nfields, nfields == 1 ? "" : "s");
        free(cols);
        return;
    }
    if ((size_t)nfields != n) {
        diag_error(k->d, q->result_pos, "on PostgreSQL, query '%s' returns %d column%s; its "
                   "result has %zu", q->name, nfields, nfields == 1 ? "" : "s", n);
        free(cols);
        return;
    }
    struct sql_result r;
    sql_read_result(q->stmt, &r, k->a);
    for (int i = 0; i < nfields; i++) {
        const char *name = PQfname(desc, i);
        Oid oid = PQftype(desc, i);
        struct pos at = column_at(k, q, &r, i, nfields);
        if (cols[i].name && name && !sql_same_name(name, cols[i].name)) {
            diag_error(k->d, at, "on PostgreSQL, result column %d of query '%s' is '%s', but "
                       "the result names it '%s'", i + 1, q->name, name, cols[i].name);
            continue;
        }
        if (!readable(oid, &cols[i].t)) {
            struct value_type t = cols[i].t;
            t.nullable = false;
            diag_error(k->d, at, "on PostgreSQL, result column '%s' of query '%s' is %s, but "
                       "the runtime reads %s as %s", name ? name : "?", q->name,
                       type_text(k, oid), query_type_text(&t, k->a), readable_text(&t));
        }
    }
    free(cols);
}

static void check_one(struct pg_checking *k, const struct query *q)
{
    char *text = server_text(q);
    Oid *types = xcalloc(q->nparams ? q->nparams : 1, sizeof *types);
    for (size_t i = 0; i < q->nparams; i++)
        types[i] = param_oid(&q->params[i].t);
    command(k->conn, "SAVEPOINT modelgen_query", NULL);
    PGresult *res = PQprepare(k->conn, "modelgen_query", text, (int)q->nparams, types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        const char *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        const char *position = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
        struct pos at = q->sql_pos;
        if (position && atol(position) > 0) {
            size_t offset = byte_offset(text, atol(position));
            struct sqltoks ts;
            sql_tokenize(text, &ts);
            size_t len = 1;
            for (size_t i = 0; i < ts.n; i++)
                if (ts.t[i].at == offset)
                    len = ts.t[i].len;
            sql_tokens_free(&ts);
            at = query_stmt_pos(k->d->src, q, offset, len);
        }
        diag_error(k->d, at, "on PostgreSQL, in query '%s': %s", q->name,
                   message ? message : PQresultErrorMessage(res));
        PQclear(res);
        command(k->conn, "ROLLBACK TO SAVEPOINT modelgen_query", NULL);
    } else {
        PQclear(res);
        res = PQdescribePrepared(k->conn, "modelgen_query");
        if (PQresultStatus(res) == PGRES_COMMAND_OK)
            compare(k, q, res);
        else
            diag_error(k->d, q->pos, "on PostgreSQL, query '%s' cannot be described: %s",
                       q->name, PQresultErrorMessage(res));
        PQclear(res);
        command(k->conn, "DEALLOCATE modelgen_query", NULL);
        command(k->conn, "RELEASE SAVEPOINT modelgen_query", NULL);
    }
    free(types);
    free(text);
}

int query_check_postgres(const struct schema *s, const char *conninfo, struct arena *a,
                         struct diag *d)
{
    struct pg_checking k = {s, a, d, PQconnectdb(conninfo)};
    if (PQstatus(k.conn) != CONNECTION_OK) {
        fprintf(stderr, "modelgen: cannot connect to the database: %s",
                PQerrorMessage(k.conn));
        PQfinish(k.conn);
        return 2;
    }
    PQsetNoticeProcessor(k.conn, quiet, NULL);
    int errors = d->errors;
    char *error = NULL;
    struct buf ddl = {0};
    sql_schema_body(&ddl, s, DIALECT_POSTGRES);
    /* the schema in this session's temporary schema, first on the search path */
    if (!command(k.conn, "BEGIN", &error) ||
        !command(k.conn, "SELECT set_config('search_path', 'pg_temp, ' || "
                 "current_setting('search_path'), true)", &error) ||
        !command(k.conn, ddl.data ? ddl.data : "", &error)) {
        fprintf(stderr, "modelgen: cannot create the schema on the server to check the queries: "
                "%s", error ? error : "\n");
        free(error);
        buf_free(&ddl);
        PQfinish(k.conn);
        return 2;
    }
    buf_free(&ddl);
    for (size_t i = 0; i < s->nqueries; i++)
        check_one(&k, s->queries[i]);
    command(k.conn, "ROLLBACK", NULL);
    PQfinish(k.conn);
    return d->errors == errors ? 0 : 1;
}

#else

bool query_postgres_available(void)
{
    return false;
}

int query_check_postgres(const struct schema *s, const char *conninfo, struct arena *a,
                         struct diag *d)
{
    (void)s;
    (void)conninfo;
    (void)a;
    (void)d;
    fprintf(stderr, "modelgen: this modelgen was built without libpq, so it cannot check "
            "queries on PostgreSQL\n");
    return 2;
}

#endif
