/* The catalog of a PostgreSQL database, from pg_catalog: the tables of the connection's
   current schema (pg_class), their columns (pg_attribute, pg_attrdef, pg_type, pg_enum),
   constraints (pg_constraint: keys, foreign keys with confdeltype, confupdtype,
   condeferrable and condeferred, checks), indexes (pg_index) and triggers (pg_trigger). The
   connection is the runtime's (mg_open), read inside one REPEATABLE READ, READ ONLY
   transaction, so that every query sees the same catalog. */
#include "catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MODELGEN_PULL_POSTGRES

#include <libpq-fe.h>

#include "modelgen.h"

struct reader {
    PGconn *conn;
    struct catalog *c;
    struct arena *a;
    const char *schema;
};

/* Runs sql with the schema as $1; NULL after printing the failure. */
static PGresult *query(struct reader *r, const char *sql)
{
    const char *params[1] = {r->schema};
    PGresult *res = PQexecParams(r->conn, sql, r->schema ? 1 : 0, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "modelgen: cannot read the catalog of %s: %s", r->c->display,
                PQerrorMessage(r->conn));
        PQclear(res);
        return NULL;
    }
    return res;
}

static const char *get(struct reader *r, PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return arena_strdup(r->a, PQgetvalue(res, row, col));
}

static bool get_bool(PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

static unsigned long get_oid(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : strtoul(PQgetvalue(res, row, col), NULL, 10);
}

/* "{1,3}" (an array) or "1 3" (an int2vector) as numbers. */
static size_t numbers(const char *text, struct arena *a, long **out)
{
    size_t n = 0;
    for (const char *p = text ? text : ""; *p; p++)
        if (isdigit((unsigned char)*p) && (p == text || !isdigit((unsigned char)p[-1])))
            n++;
    *out = arena_alloc(a, (n + 1) * sizeof **out);
    n = 0;
    for (const char *p = text ? text : ""; *p;) {
        if (isdigit((unsigned char)*p) || (*p == '-' && isdigit((unsigned char)p[1]))) {
            char *end;
            (*out)[n++] = strtol(p, &end, 10);
            p = end;
        } else {
            p++;
        }
    }
    return n;
}

/* ---------------------------------------------------------------------------- types -- */

static void map_type(struct cat_column *col, const char *typname, char typtype,
                     const char *basename, struct arena *a)
{
    const char *t = typname;
    if (typtype == 'd' && basename) {
        /* a domain: its base type's, said of the domain */
        col->decl = arena_printf(a, "domain %s over %s", col->decl, basename);
        t = basename;
    }
    col->type = TYPE_TEXT;
    if (strcmp(t, "int8") == 0) {
        col->type = TYPE_INT;
    } else if (strcmp(t, "int4") == 0 || strcmp(t, "int2") == 0) {
        col->type = TYPE_INT;
        col->type_note = arena_printf(a, "%s pulled as int (modelgen writes bigint)", col->decl);
    } else if (strcmp(t, "bool") == 0) {
        col->type = TYPE_BOOL;
    } else if (strcmp(t, "float8") == 0) {
        col->type = TYPE_REAL;
    } else if (strcmp(t, "float4") == 0) {
        col->type = TYPE_REAL;
        col->type_note = arena_printf(a, "%s (4 bytes) pulled as real, which modelgen writes as "
                                      "double precision", col->decl);
    } else if (strcmp(t, "numeric") == 0) {
        col->type = TYPE_REAL;
        col->type_note = arena_printf(a, "%s pulled as real (a double: exact decimals are not "
                                      "kept)", col->decl);
    } else if (strcmp(t, "text") == 0) {
        col->type = TYPE_TEXT;
    } else if (strcmp(t, "varchar") == 0 || strcmp(t, "bpchar") == 0 ||
               strcmp(t, "citext") == 0 || strcmp(t, "name") == 0) {
        col->type = TYPE_TEXT;
        col->type_note = strchr(col->decl, '(')
            ? arena_printf(a, "%s pulled as text (the length limit is not kept)", col->decl)
            : arena_printf(a, "%s pulled as text", col->decl);
    } else if (strcmp(t, "bytea") == 0) {
        col->type = TYPE_BLOB;
    } else if (strcmp(t, "timestamptz") == 0) {
        col->type = TYPE_TIMESTAMP;
    } else if (strcmp(t, "timestamp") == 0 || strcmp(t, "date") == 0) {
        col->type = TYPE_TIMESTAMP;
        col->type_note = arena_printf(a, "%s pulled as timestamp (modelgen writes timestamptz)",
                                      col->decl);
    } else if (typtype == 'e') {
        col->type = TYPE_TEXT;  /* members are filled in from pg_enum */
        col->enum_type = typname;
        col->enum_note = arena_printf(a, "enum type %s pulled as an enum, which modelgen "
                                      "writes as text with a CHECK", col->decl);
    } else {
        col->type = TYPE_TEXT;
        col->type_note = arena_printf(a, "unknown type %s pulled as text", col->decl);
    }
    if (typtype == 'd' && basename && !col->type_note)
        col->type_note = arena_printf(a, "%s pulled as %s", col->decl,
                                      col->type == TYPE_INT ? "int" : col->type == TYPE_REAL
                                      ? "real" : col->type == TYPE_BOOL ? "bool"
                                      : col->type == TYPE_BLOB ? "blob"
                                      : col->type == TYPE_TIMESTAMP ? "timestamp" : "text");
}

/* ------------------------------------------------------------------------- tables -- */

static struct cat_table *table_of(struct catalog *c, const unsigned long *oids,
                                  unsigned long oid)
{
    for (size_t i = 0; i < c->ntables; i++)
        if (oids[i] == oid)
            return &c->tables[i];
    return NULL;
}

static long column_of(const struct cat_table *t, const long *attnums, long attnum)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (attnums[i] == attnum)
            return (long)i;
    return -1;
}

struct table_extra {
    long *attnums;      /* the attnum of each column */
    struct vec fks, keys, indexes;
};

static bool read_tables(struct reader *r, unsigned long **oids_out, struct table_extra **extra)
{
    PGresult *res = query(r,
        "SELECT c.oid, c.relname, c.relkind, c.relispartition, c.relrowsecurity "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.oid");
    if (!res)
        return false;
    int rows = PQntuples(res);
    struct catalog *c = r->c;
    c->tables = arena_alloc(r->a, ((size_t)rows + 1) * sizeof *c->tables);
    unsigned long *oids = arena_alloc(r->a, ((size_t)rows + 1) * sizeof *oids);
    for (int i = 0; i < rows; i++) {
        const char *name = get(r, res, i, 1);
        char kind = PQgetvalue(res, i, 2)[0];
        if (kind == 'v' || kind == 'm') {
            catalog_warn(c, NULL, NULL, "%sview %s not pulled (the model has no views)",
                         kind == 'm' ? "materialized " : "", name);
            continue;
        }
        if (kind == 'f') {
            catalog_warn(c, NULL, NULL, "foreign table %s not pulled", name);
            continue;
        }
        if (get_bool(res, i, 3)) {
            catalog_warn(c, NULL, NULL, "partition %s not pulled (its parent is)", name);
            continue;
        }
        if (strcmp(name, "modelgen_migrations") == 0)
            continue;   /* modelgen's history of migrations */
        if (kind == 'p')
            catalog_warn(c, name, NULL, "partitioning is not kept");
        if (get_bool(res, i, 4))
            catalog_warn(c, name, NULL, "row-level security is not kept");
        oids[c->ntables] = get_oid(res, i, 0);
        c->tables[c->ntables++].name = name;
    }
    PQclear(res);
    *oids_out = oids;
    *extra = arena_alloc(r->a, (c->ntables + 1) * sizeof **extra);
    return true;
}

struct enum_labels {
    unsigned long *types;
    const char **labels;
    size_t n;
};

static bool read_enums(struct reader *r, struct enum_labels *e)
{
    PGresult *res = query(r, "SELECT enumtypid, enumlabel FROM pg_enum WHERE $1::text IS NOT NULL "
                             "ORDER BY enumtypid, enumsortorder");
    if (!res)
        return false;
    e->n = (size_t)PQntuples(res);
    e->types = arena_alloc(r->a, (e->n + 1) * sizeof *e->types);
    e->labels = arena_alloc(r->a, (e->n + 1) * sizeof *e->labels);
    for (size_t i = 0; i < e->n; i++) {
        e->types[i] = get_oid(res, (int)i, 0);
        e->labels[i] = get(r, res, (int)i, 1);
    }
    PQclear(res);
    return true;
}

static bool read_columns(struct reader *r, const unsigned long *oids, struct table_extra *x,
                         const struct enum_labels *e)
{
    PGresult *res = query(r,
        "SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), "
        "t.typname, t.typtype, a.attnotnull, a.attidentity, a.attgenerated, "
        "pg_get_expr(d.adbin, d.adrelid), t.oid, bt.typname, "
        "CASE WHEN a.attcollation <> t.typcollation THEN (SELECT collname FROM pg_collation "
        "WHERE oid = a.attcollation) END "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attrelid, a.attnum");
    if (!res)
        return false;
    int rows = PQntuples(res);
    struct catalog *c = r->c;
    /* count per table first, so that each table's columns are one array */
    size_t *counts = arena_alloc(r->a, (c->ntables + 1) * sizeof *counts);
    for (int i = 0; i < rows; i++) {
        struct cat_table *t = table_of(c, oids, get_oid(res, i, 0));
        if (t)
            counts[t - c->tables]++;
    }
    for (size_t i = 0; i < c->ntables; i++) {
        c->tables[i].columns = arena_alloc(r->a, (counts[i] + 1) * sizeof *c->tables[i].columns);
        x[i].attnums = arena_alloc(r->a, (counts[i] + 1) * sizeof *x[i].attnums);
    }
    for (int i = 0; i < rows; i++) {
        struct cat_table *t = table_of(c, oids, get_oid(res, i, 0));
        if (!t)
            continue;
        size_t ti = (size_t)(t - c->tables);
        x[ti].attnums[t->ncolumns] = strtol(PQgetvalue(res, i, 1), NULL, 10);
        struct cat_column *col = &t->columns[t->ncolumns++];
        col->name = get(r, res, i, 2);
        col->decl = get(r, res, i, 3);
        char typtype = PQgetvalue(res, i, 5)[0];
        map_type(col, get(r, res, i, 4), typtype, get(r, res, i, 11), r->a);
        if (typtype == 'e') {
            unsigned long type = get_oid(res, i, 10);
            size_t first = 0, n = 0;
            while (first < e->n && e->types[first] != type)
                first++;
            while (first + n < e->n && e->types[first + n] == type)
                n++;
            col->members = e->labels + first;
            col->nmembers = n;
        }
        col->notnull = get_bool(res, i, 6);
        char identity = PQgetvalue(res, i, 7)[0];
        if (identity == 'd' || identity == 'a')
            col->identity = true;
        if (identity == 'a')
            catalog_warn(c, t->name, col->name, "GENERATED ALWAYS AS IDENTITY pulled as "
                         "modelgen's BY DEFAULT");
        if (PQgetvalue(res, i, 8)[0] == 's')
            catalog_warn(c, t->name, col->name, "generated column pulled as a plain column "
                         "(the model cannot compute columns)");
        const char *collation = get(r, res, i, 12);
        if (collation)
            catalog_warn(c, t->name, col->name, "COLLATE \"%s\" is not kept", collation);
        const char *def = get(r, res, i, 9);
        if (def && PQgetvalue(res, i, 8)[0] == 's')
            def = NULL;     /* a generated column's expression, not a default */
        if (def) {
            struct sqltok *toks;
            size_t n = sql_tokens(def, DIALECT_POSTGRES, r->a, &toks);
            col->def = sql_parse_default(toks, n, DIALECT_POSTGRES, r->a);
            if (col->def.serial)
                col->identity = true;
            /* 'happy'::mood on a column of the enum type mood */
            if (typtype == 'e' && col->def.cast && col->def.text &&
                strcmp(col->def.cast, col->decl) == 0) {
                col->def.kind = DEFAULT_TEXT;
                col->def.note = NULL;
            }
        }
    }
    PQclear(res);
    return true;
}

static enum action action_of(char code, struct arena *a, const char *what, const char **note)
{
    switch (code) {
    case 'c': return ACTION_CASCADE;
    case 'n': return ACTION_SET_NULL;
    case 'r': return ACTION_RESTRICT;
    case 'd':
        *note = arena_printf(a, "%s SET DEFAULT cannot be said in the model: pulled without it",
                             what);
        return ACTION_UNSET;
    default: return ACTION_UNSET;   /* 'a': NO ACTION, written or not */
    }
}

static size_t *column_indexes(struct reader *r, const struct cat_table *t, const long *attnums,
                              const char *text, size_t *n, bool *ok)
{
    long *nums;
    *n = numbers(text, r->a, &nums);
    size_t *cols = arena_alloc(r->a, (*n + 1) * sizeof *cols);
    *ok = true;
    for (size_t i = 0; i < *n; i++) {
        long c = column_of(t, attnums, nums[i]);
        if (c < 0)
            *ok = false;
        cols[i] = c < 0 ? 0 : (size_t)c;
    }
    return cols;
}

static bool read_constraints(struct reader *r, const unsigned long *oids, struct table_extra *x)
{
    PGresult *res = query(r,
        "SELECT con.conrelid, con.conname, con.contype, con.conkey::text, con.confrelid, "
        "fc.relname, fn.nspname, con.confkey::text, con.confdeltype, con.confupdtype, "
        "con.confmatchtype, con.condeferrable, con.condeferred, pg_get_constraintdef(con.oid), "
        "con.convalidated "
        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_class fc ON fc.oid = con.confrelid "
        "LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace "
        "WHERE n.nspname = $1 ORDER BY con.conrelid, con.oid");
    if (!res)
        return false;
    struct catalog *c = r->c;
    int rows = PQntuples(res);
    for (int i = 0; i < rows; i++) {
        struct cat_table *t = table_of(c, oids, get_oid(res, i, 0));
        if (!t)
            continue;
        struct table_extra *tx = &x[t - c->tables];
        const char *name = get(r, res, i, 1);
        char type = PQgetvalue(res, i, 2)[0];
        const char *def = get(r, res, i, 13);
        size_t n;
        bool ok;
        size_t *cols = column_indexes(r, t, tx->attnums, PQgetvalue(res, i, 3), &n, &ok);
        if (!get_bool(res, i, 14))
            catalog_warn(c, t->name, NULL, "constraint %s is NOT VALID: pulled as a valid one",
                         name);
        switch (type) {
        case 'p':
            for (size_t k = 0; k < n && ok; k++)
                t->columns[cols[k]].pk = true;
            t->npk = n;
            break;
        case 'u': {
            struct cat_key *k = arena_alloc(r->a, sizeof *k);
            k->name = name;
            k->unique = k->constraint = true;
            k->columns = cols;
            k->ncolumns = n;
            if (!ok)
                k->inexpressible = "a constraint on a system column";
            if (get_bool(res, i, 11))
                k->inexpressible = "a DEFERRABLE unique constraint";
            vec_push(&tx->keys, k);
            break;
        }
        case 'f': {
            struct cat_fk *fk = arena_alloc(r->a, sizeof *fk);
            fk->name = name;
            fk->columns = cols;
            fk->ncolumns = n;
            const char *nsp = get(r, res, i, 6);
            fk->target = get(r, res, i, 5);
            if (nsp && strcmp(nsp, r->schema) != 0)
                fk->note = arena_printf(r->a, "it refers to %s.%s, outside schema %s", nsp,
                                        fk->target, r->schema);
            /* the target's columns, by name (the target table may not be read yet) */
            unsigned long target = get_oid(res, i, 4);
            struct cat_table *tt = table_of(c, oids, target);
            long *nums;
            fk->ntarget_columns = numbers(PQgetvalue(res, i, 7), r->a, &nums);
            fk->target_columns = arena_alloc(r->a, (fk->ntarget_columns + 1) *
                                                       sizeof *fk->target_columns);
            for (size_t k = 0; k < fk->ntarget_columns; k++) {
                long tc = tt ? column_of(tt, x[tt - c->tables].attnums, nums[k]) : -1;
                fk->target_columns[k] = tc >= 0 ? tt->columns[tc].name : "?";
            }
            fk->on_delete = action_of(PQgetvalue(res, i, 8)[0], r->a, "ON DELETE", &fk->note);
            fk->on_update = action_of(PQgetvalue(res, i, 9)[0], r->a, "ON UPDATE", &fk->note);
            char match = PQgetvalue(res, i, 10)[0];
            if (match == 'f' || match == 'p')
                fk->note = arena_printf(r->a, "MATCH %s cannot be said in the model: pulled "
                                        "without it", match == 'f' ? "FULL" : "PARTIAL");
            fk->deferrable = get_bool(res, i, 11);
            fk->deferred = get_bool(res, i, 12);
            if (ok)
                vec_push(&tx->fks, fk);
            break;
        }
        case 'c': {
            /* an enum's CHECK (col IN (...)), as pg_get_constraintdef prints it */
            struct sqltok *toks;
            size_t nt = sql_tokens(def ? def : "", DIALECT_POSTGRES, r->a, &toks);
            const char *column, **members;
            size_t nmembers;
            bool numeric;
            long ci = -1;
            if (nt > 1 && sqltok_is(&toks[0], "check") &&
                sql_parse_in_check(toks + 1, nt - 1, r->a, &column, &members, &nmembers,
                                   &numeric) && !numeric && n == 1 && ok) {
                ci = (long)cols[0];
                if (strcmp(t->columns[ci].name, column) != 0)
                    ci = -1;
            }
            struct cat_column *col = ci >= 0 ? &t->columns[ci] : NULL;
            if (col && !col->members && col->type == TYPE_TEXT) {
                col->members = members;
                col->nmembers = nmembers;
                col->check_name = name;
            } else {
                catalog_warn(c, t->name, n == 1 && ok ? t->columns[cols[0]].name : NULL,
                             "%s named %s cannot be said in the model: not pulled", def, name);
            }
            break;
        }
        case 'x':
            catalog_warn(c, t->name, NULL, "exclusion constraint %s cannot be said in the "
                         "model: not pulled", name);
            break;
        case 't':
            break;  /* a constraint trigger: pg_trigger lists it */
        default:
            catalog_warn(c, t->name, NULL, "constraint %s (%s) cannot be said in the model: "
                         "not pulled", name, def ? def : "?");
            break;
        }
    }
    PQclear(res);
    return true;
}

static bool read_indexes(struct reader *r, const unsigned long *oids, struct table_extra *x)
{
    PGresult *res = query(r,
        "SELECT i.indrelid, ic.relname, i.indisunique, i.indkey::text, "
        "i.indexprs IS NOT NULL, i.indpred IS NOT NULL, am.amname, i.indoption::text, "
        "i.indcollation::text, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = "
        "i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) "
        "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_am am ON am.oid = ic.relam "
        "WHERE n.nspname = $1 ORDER BY i.indrelid, i.indexrelid");
    if (!res)
        return false;
    struct catalog *c = r->c;
    int rows = PQntuples(res);
    for (int i = 0; i < rows; i++) {
        struct cat_table *t = table_of(c, oids, get_oid(res, i, 0));
        if (!t || get_bool(res, i, 9))
            continue;   /* the index of a primary key or unique constraint */
        struct table_extra *tx = &x[t - c->tables];
        struct cat_key *k = arena_alloc(r->a, sizeof *k);
        k->name = get(r, res, i, 1);
        k->unique = get_bool(res, i, 2);
        bool ok;
        k->columns = column_indexes(r, t, tx->attnums, PQgetvalue(res, i, 3), &k->ncolumns, &ok);
        long *opts, *colls;
        size_t nopts = numbers(PQgetvalue(res, i, 7), r->a, &opts);
        size_t ncolls = numbers(PQgetvalue(res, i, 8), r->a, &colls);
        if (get_bool(res, i, 4) || !ok) {
            k->inexpressible = "an index on an expression";
            k->ncolumns = 0;
        }
        else if (get_bool(res, i, 5))
            k->inexpressible = "a partial index (WHERE ...)";
        else if (strcmp(PQgetvalue(res, i, 6), "btree") != 0)
            k->inexpressible = arena_printf(r->a, "a %s index", PQgetvalue(res, i, 6));
        for (size_t j = 0; j < nopts && !k->inexpressible; j++)
            if (opts[j])
                k->inexpressible = "an index with DESC or NULLS FIRST";
        for (size_t j = 0; j < ncolls && !k->inexpressible; j++)
            if (colls[j] && colls[j] != 100)    /* 100: the database's default collation */
                k->inexpressible = "an index with a COLLATE of its own";
        vec_push(&tx->indexes, k);
    }
    PQclear(res);
    return true;
}

static bool read_triggers(struct reader *r, const unsigned long *oids)
{
    PGresult *res = query(r,
        "SELECT t.tgrelid, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY t.tgrelid, t.tgname");
    if (!res)
        return false;
    for (int i = 0; i < PQntuples(res); i++) {
        struct cat_table *t = table_of(r->c, oids, get_oid(res, i, 0));
        if (t)
            catalog_warn(r->c, t->name, NULL, "trigger %s cannot be said in the model: not "
                         "pulled", PQgetvalue(res, i, 1));
    }
    PQclear(res);
    return true;
}

/* Whether a primary key is modelgen's: one bigint identity column (of any name: pull.c
   checks the name). */
static void check_ids(struct catalog *c)
{
    for (size_t i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];
        for (size_t j = 0; j < t->ncolumns && t->npk == 1; j++) {
            struct cat_column *col = &t->columns[j];
            if (!col->pk || col->type != TYPE_INT)
                continue;
            if (col->def.serial)
                t->id_note = arena_printf(c->arena, "%s with a sequence (serial) pulled as "
                                          "modelgen's id, bigint GENERATED BY DEFAULT AS "
                                          "IDENTITY", col->decl);
            else if (!col->identity)
                t->id_note = arena_printf(c->arena, "%s PRIMARY KEY without a default pulled as "
                                          "modelgen's id, bigint GENERATED BY DEFAULT AS "
                                          "IDENTITY", col->decl);
            else if (col->type_note)
                t->id_note = arena_printf(c->arena, "%s identity pulled as modelgen's id, bigint",
                                          col->decl);
            col->identity = true;
            col->def = (struct cat_default){.kind = DEFAULT_NONE};
            col->type_note = NULL;
        }
    }
}

static void assemble(struct reader *r, struct table_extra *x)
{
    struct catalog *c = r->c;
    for (size_t i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];
        t->fks = arena_alloc(r->a, (x[i].fks.count + 1) * sizeof *t->fks);
        for (size_t j = 0; j < x[i].fks.count; j++)
            t->fks[t->nfks++] = *(struct cat_fk *)x[i].fks.items[j];
        size_t nkeys = x[i].keys.count + x[i].indexes.count;
        t->keys = arena_alloc(r->a, (nkeys + 1) * sizeof *t->keys);
        for (size_t j = 0; j < x[i].keys.count; j++)
            t->keys[t->nkeys++] = *(struct cat_key *)x[i].keys.items[j];
        for (size_t j = 0; j < x[i].indexes.count; j++)
            t->keys[t->nkeys++] = *(struct cat_key *)x[i].indexes.items[j];
        vec_free(&x[i].fks);
        vec_free(&x[i].keys);
        vec_free(&x[i].indexes);
    }
}

/* postgresql://USER@HOST:PORT/DB: where the connection went, without its password. */
static const char *display(PGconn *conn, const char *schema, struct arena *a)
{
    const char *host = PQhost(conn), *port = PQport(conn), *db = PQdb(conn);
    const char *user = PQuser(conn);
    struct buf b = {0};
    buf_printf(&b, "postgresql://%s%s%s%s%s/%s", user ? user : "", user ? "@" : "",
               host && host[0] != '/' ? host : "", port && *port ? ":" : "",
               port ? port : "", db ? db : "");
    if (schema && strcmp(schema, "public") != 0)
        buf_printf(&b, " (schema %s)", schema);
    const char *s = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return s;
}

int catalog_read_postgres(const char *uri, struct catalog *c)
{
    mg_db *db;
    if (mg_open(uri, &db) != MG_OK) {
        fprintf(stderr, "modelgen: %s\n", mg_open_errmsg());
        return 2;
    }
    struct reader r = {.conn = mg_postgres(db), .c = c, .a = c->arena};
    c->display = display(r.conn, NULL, c->arena);
    /* the settings that change how pg_get_expr prints a constant: UTC and ISO dates, for
       the epoch of a timestamp default; standard strings, for backslashes */
    PGresult *res = PQexec(r.conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
                                   "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; "
                                   "SET LOCAL standard_conforming_strings = on");
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (ok && (res = query(&r, "SELECT current_schema()")) != NULL) {
        r.schema = get(&r, res, 0, 0);
        PQclear(res);
        if (!r.schema) {
            fprintf(stderr, "modelgen: %s has no current schema (see its search_path)\n",
                    c->display);
            ok = false;
        }
    } else {
        ok = false;
    }
    if (ok)
        c->display = display(r.conn, r.schema, c->arena);
    unsigned long *oids = NULL;
    struct table_extra *x = NULL;
    struct enum_labels e = {0};
    ok = ok && read_tables(&r, &oids, &x) && read_enums(&r, &e) &&
         read_columns(&r, oids, x, &e) && read_constraints(&r, oids, x) &&
         read_indexes(&r, oids, x) && read_triggers(&r, oids);
    if (x)
        assemble(&r, x);
    if (ok)
        check_ids(c);
    mg_close(db);
    return ok ? 0 : 2;
}

#else

int catalog_read_postgres(const char *uri, struct catalog *c)
{
    (void)uri;
    (void)c;
    fprintf(stderr, "modelgen: this modelgen was built without PostgreSQL (libpq)\n");
    return 2;
}

#endif
