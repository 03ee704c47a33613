/* Named queries checked on SQLite (see query.h): every query is prepared in an in-memory
   database that holds the schema, and its result columns are matched with what the
   query declares.

   Where a result column's type comes from:
    - a column read straight from a table (SQLite's column metadata names its table and
      column): that column's type and nullability in the schema, made nullable when an
      outer join may NULL-extend its table, when it comes through a scalar subquery, or
      when the SELECT aggregates without GROUP BY (one row even over no rows);
    - CAST(... AS type) as the whole expression: that type, nullable unless declared not;
    - anything else: only the query's declaration (a row's column type, the scalar type),
      never a guess. A declared `not null` over an expression is checked by the generated
      code on every row it reads. */
#include "query.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "query_sql.h"
#include "sql.h"
#include "util.h"

const char *query_type_text(const struct value_type *t, struct arena *a)
{
    return arena_printf(a, "%s%s", t->type == TYPE_ENUM ? t->enum_type->name : type_name(t->type),
                        t->nullable ? "?" : "");
}

static bool same_type(const struct value_type *x, const struct value_type *y)
{
    return x->type == y->type && (x->type != TYPE_ENUM || x->enum_type == y->enum_type);
}

/* ---- One query's result columns ---- */

enum origin { FROM_TABLE, FROM_CAST, FROM_EXPR };

/* What is known of a result column's nullability, from the best to the worst. */
enum nullness { NOT_NULL, UNKNOWN, MAY_BE_NULL };

struct result_col {
    const char *name;               /* as SQLite names it */
    enum origin from;
    struct value_type t;            /* FROM_TABLE, FROM_CAST */
    enum nullness null;
    const char *why_null;           /* MAY_BE_NULL: why, for messages */
    const char *source;             /* FROM_TABLE: "posts.title" */
    const struct sql_item *item;    /* its item of the select list, when known */
    const char *bad_cast;           /* a CAST to a type that says no C type */
};

struct checking {
    struct schema *s;
    struct arena *a;
    struct diag *d;
    const struct source *src;
    sqlite3 *db;
};

static const struct model *model_of_table(const struct schema *s, const char *table)
{
    for (size_t i = 0; i < s->nmodels; i++)
        if (sql_same_name(s->models[i]->table, table))
            return s->models[i];
    return NULL;
}

static const struct column *column_of(const struct model *m, const char *name)
{
    for (size_t i = 0; i < m->ncolumns; i++)
        if (sql_same_name(m->columns[i].name, name))
            return &m->columns[i];
    return NULL;
}

static struct value_type column_type(const struct column *c)
{
    struct value_type t = {TYPE_INT, NULL, false};
    if (c->field) {
        t.type = c->field->type;
        t.enum_type = c->field->enum_type;
        t.nullable = c->field->nullable;
    } else if (c->assoc) {
        t.nullable = c->assoc->nullable;
    }
    return t;
}

/* The type a CAST names, in either engine's words. */
static bool cast_type(const char *written, struct value_type *t)
{
    static const struct {
        const char *name;
        enum type_kind type;
    } names[] = {
        {"INTEGER", TYPE_INT}, {"INT", TYPE_INT}, {"BIGINT", TYPE_INT}, {"INT8", TYPE_INT},
        {"SMALLINT", TYPE_INT}, {"INT2", TYPE_INT}, {"INT4", TYPE_INT},
        {"REAL", TYPE_REAL}, {"DOUBLE PRECISION", TYPE_REAL}, {"FLOAT", TYPE_REAL},
        {"FLOAT8", TYPE_REAL}, {"FLOAT4", TYPE_REAL},
        {"TEXT", TYPE_TEXT}, {"VARCHAR", TYPE_TEXT}, {"CHARACTER VARYING", TYPE_TEXT},
        {"BOOLEAN", TYPE_BOOL}, {"BOOL", TYPE_BOOL},
        {"TIMESTAMPTZ", TYPE_TIMESTAMP}, {"TIMESTAMP WITH TIME ZONE", TYPE_TIMESTAMP},
        {"BLOB", TYPE_BLOB},
    };
    /* upper case, without a (length) */
    char word[64];
    size_t n = 0;
    for (const char *p = written; *p && *p != '(' && n + 1 < sizeof word; p++)
        word[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    while (n > 0 && word[n - 1] == ' ')
        n--;
    word[n] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(word, names[i].name) == 0) {
            t->type = names[i].type;
            t->enum_type = NULL;
            t->nullable = true;
            return true;
        }
    return false;
}

static bool in_outer(const struct sql_result *r, const char *table)
{
    for (size_t i = 0; i < r->nouter; i++)
        if (sql_same_name(r->outer_tables[i], table))
            return true;
    return false;
}

static bool is_cte_name(const struct sql_result *r, const char *name)
{
    for (size_t i = 0; i < r->nctes; i++)
        if (sql_same_name(r->ctes[i], name))
            return true;
    return false;
}

/* The source of the first SELECT's FROM that an item reads a column of `table` from,
   when that can be told for sure; NULL otherwise. */
static const struct sql_source *source_of(const struct sql_result *r, const struct sql_item *it,
                                          const char *table)
{
    if (!r->sources_known)
        return NULL;
    const struct sql_source *found = NULL;
    if (it->qualifier) {
        for (size_t i = 0; i < r->nsources; i++) {
            const struct sql_source *s = &r->sources[i];
            const char *as = s->alias ? s->alias : s->name;
            if (as && sql_same_name(as, it->qualifier)) {
                if (found)
                    return NULL;
                found = s;
            }
        }
    } else {
        /* unqualified: only when every source is a table and one of them is this one */
        for (size_t i = 0; i < r->nsources; i++) {
            const struct sql_source *s = &r->sources[i];
            if (s->kind != SOURCE_TABLE || is_cte_name(r, s->name))
                return NULL;
            if (sql_same_name(s->name, table)) {
                if (found)
                    return NULL;
                found = s;
            }
        }
    }
    if (!found || found->kind != SOURCE_TABLE || is_cte_name(r, found->name) ||
        !sql_same_name(found->name, table))
        return NULL;
    return found;
}

/* How many columns a star item stands for, or -1 when unknown. */
static long star_width(const struct checking *k, const struct sql_result *r,
                       const struct sql_item *it)
{
    if (!r->sources_known)
        return -1;
    long total = 0;
    for (size_t i = 0; i < r->nsources; i++) {
        const struct sql_source *s = &r->sources[i];
        const char *as = s->alias ? s->alias : s->name;
        if (it->kind == ITEM_TABLE_STAR && !(as && sql_same_name(as, it->qualifier)))
            continue;
        const struct model *m = s->kind == SOURCE_TABLE && !is_cte_name(r, s->name)
                                    ? model_of_table(k->s, s->name) : NULL;
        if (!m)
            return -1;
        total += (long)m->ncolumns;
        if (it->kind == ITEM_TABLE_STAR)
            return total;
    }
    /* a bare * over several sources: a NATURAL join or USING merges columns */
    return it->kind == ITEM_STAR && r->nsources == 1 ? total : -1;
}

/* Points each column at its item of the select list, when the items can be told apart. */
static void map_items(const struct checking *k, const struct sql_result *r,
                      struct result_col *cols, int ncols)
{
    if (r->compound || r->nitems == 0)
        return;
    long *width = xcalloc(r->nitems, sizeof *width);
    long known = 0;
    size_t unknown = 0, unknown_at = 0;
    for (size_t i = 0; i < r->nitems; i++) {
        const struct sql_item *it = &r->items[i];
        width[i] = it->kind == ITEM_STAR || it->kind == ITEM_TABLE_STAR ? star_width(k, r, it) : 1;
        if (width[i] < 0) {
            unknown++;
            unknown_at = i;
        } else {
            known += width[i];
        }
    }
    if (unknown == 1 && ncols >= known)
        width[unknown_at] = ncols - known;
    if (unknown <= 1) {
        long total = 0;
        for (size_t i = 0; i < r->nitems; i++)
            total += width[i];
        if (total == ncols) {
            int c = 0;
            for (size_t i = 0; i < r->nitems; i++)
                for (long w = 0; w < width[i]; w++)
                    cols[c++].item = &r->items[i];
        }
    }
    free(width);
}

static const char *nullable_column_reason(struct checking *k, const struct model *m,
                                          const struct column *c)
{
    return arena_printf(k->a, "%s.%s is nullable", m->table, c->name);
}

/* Settles where column i comes from. */
static void describe_column(struct checking *k, sqlite3_stmt *st, const struct sql_result *r,
                            int i, struct result_col *col)
{
#ifndef MODELGEN_NO_COLUMN_METADATA
    const char *table = sqlite3_column_table_name(st, i);
    const char *origin = sqlite3_column_origin_name(st, i);
#else
    /* an sqlite3 built without SQLITE_ENABLE_COLUMN_METADATA names no column's table:
       every column's type is then the query's declaration */
    const char *table = NULL, *origin = NULL;
    (void)st;
    (void)i;
#endif
    const struct model *m = table && !r->compound ? model_of_table(k->s, table) : NULL;
    const struct column *c = m && origin ? column_of(m, origin) : NULL;
    const struct sql_item *it = col->item;
    if (c) {
        col->from = FROM_TABLE;
        col->t = column_type(c);
        col->source = arena_printf(k->a, "%s.%s", m->table, c->name);
        col->null = col->t.nullable ? MAY_BE_NULL : NOT_NULL;
        if (col->t.nullable)
            col->why_null = nullable_column_reason(k, m, c);
        bool outer;
        if (it && it->kind == ITEM_SUBQUERY) {
            if (col->null == NOT_NULL)
                col->why_null = "a subquery may find no row";
            outer = true;
        } else if (!r->select && r->target && sql_same_name(r->target, m->table)) {
            outer = false;      /* RETURNING the row written */
        } else if (r->select && it && (it->kind == ITEM_COLUMN || it->kind == ITEM_STAR ||
                                       it->kind == ITEM_TABLE_STAR) &&
                   source_of(r, it, m->table)) {
            outer = source_of(r, it, m->table)->nullable;
        } else {
            outer = in_outer(r, m->table);
        }
        if (outer && col->null == NOT_NULL) {
            col->null = MAY_BE_NULL;
            if (!col->why_null)
                col->why_null = arena_printf(k->a, "%s is on the NULL side of an outer join", m->table);
        }
        if (r->lone_aggregate && col->null == NOT_NULL) {
            col->null = MAY_BE_NULL;
            col->why_null = "an aggregate without GROUP BY returns a row even over no rows, "
                            "its other columns NULL";
        }
        col->t.nullable = col->null != NOT_NULL;
        return;
    }
    if (it && it->kind == ITEM_CAST) {
        if (cast_type(it->cast_type, &col->t)) {
            col->from = FROM_CAST;
            col->null = UNKNOWN;
            return;
        }
        col->bad_cast = it->cast_type;
    }
    col->from = FROM_EXPR;
    col->null = UNKNOWN;
}

/* A compound SELECT's columns, from each arm prepared on its own: the statement with
   everything but the WITH clause and the arm blanked out, so that offsets stay. A column
   has a type when every arm gives it the same; it may be NULL when an arm's may be. */
static void describe_arms(struct checking *k, const struct query *q, const struct sql_result *r,
                          struct result_col *cols, int ncols)
{
    size_t len = strlen(q->text);
    char *text = xmalloc(len + 1);
    for (size_t a = 0; a < r->narms; a++) {
        for (size_t i = 0; i < len; i++) {
            bool keep = i < r->with_len || (i >= r->arms[a].at && i < r->arms[a].at + r->arms[a].len);
            text[i] = keep || q->text[i] == '\n' ? q->text[i] : ' ';
        }
        text[len] = '\0';
        sqlite3_stmt *st = NULL;
        struct result_col *arm = NULL;
        if (sqlite3_prepare_v2(k->db, text, -1, &st, NULL) == SQLITE_OK && st &&
            sqlite3_column_count(st) == ncols) {
            struct sql_result ar;
            sql_read_result(text, &ar, k->a);
            arm = xcalloc((size_t)ncols, sizeof *arm);
            map_items(k, &ar, arm, ncols);
            for (int i = 0; i < ncols; i++)
                describe_column(k, st, &ar, i, &arm[i]);
        }
        sqlite3_finalize(st);
        for (int i = 0; i < ncols; i++) {
            struct result_col *c = &cols[i];
            if (a == 0) {
                /* the first arm names the columns and points at their items */
                const char *name = c->name;
                *c = arm ? arm[i] : (struct result_col){0};
                c->name = name;
                if (!arm) {
                    c->from = FROM_EXPR;
                    c->null = UNKNOWN;
                }
                continue;
            }
            enum nullness null = arm ? arm[i].null : UNKNOWN;
            if (r->arms[a].op == 'E') {
                /* EXCEPT only takes rows away */
            } else if (r->arms[a].op == 'I') {
                /* INTERSECT keeps the rows both sides have: NULL only if both may be */
                if (null < c->null)
                    c->null = null;
            } else if (null > c->null) {
                c->null = null;
                if (null == MAY_BE_NULL)
                    c->why_null = arena_printf(k->a, "in arm %zu of the compound SELECT: %s",
                                               a + 1, arm[i].why_null);
            }
            if (c->from != FROM_EXPR &&
                (!arm || arm[i].from == FROM_EXPR || !same_type(&arm[i].t, &c->t))) {
                c->from = FROM_EXPR;
                c->bad_cast = NULL;
            } else if (c->from != FROM_EXPR && arm[i].from == FROM_CAST) {
                c->from = FROM_CAST;
            }
            c->t.nullable = c->null != NOT_NULL;
        }
        free(arm);
    }
    free(text);
}

/* Where a column's diagnostic points: its item in the SQL, else `fallback`. */
static struct pos column_pos(const struct checking *k, const struct query *q,
                             const struct result_col *col, struct pos fallback)
{
    if (col->item)
        return query_text_pos(k->src, q, col->item->at, col->item->len);
    return fallback;
}

/* Why a column's type is not known, for messages. */
static const char *untyped_reason(struct checking *k, const struct result_col *col,
                                  const struct sql_result *r)
{
    if (col->bad_cast)
        return arena_printf(k->a, "CAST to '%s' does not say a C type (int: INTEGER, real: "
                            "REAL, text: TEXT, bool: BOOLEAN, timestamp: TIMESTAMPTZ)",
                            col->bad_cast);
    if (r && r->compound)
        return "the arms of the compound SELECT do not give it one type";
    return "it is an expression";
}

/* Compares a column with a declared type; false after reporting a mismatch. `member`
   names what it goes into ("column 'n' of row type 'X'", "model column 'Post.title'"). */
static bool fit_declared(struct checking *k, const struct query *q, const struct result_col *col,
                         const struct value_type *want, const char *member, struct pos at,
                         bool can_verify, bool *verify)
{
    if (col->from != FROM_EXPR && !same_type(&col->t, want)) {
        struct value_type got = col->t;
        got.nullable = false;
        struct value_type w = *want;
        w.nullable = false;
        diag_error(k->d, at, "result column '%s' of query '%s' is %s (%s), but %s is %s",
                   col->name, q->name, query_type_text(&got, k->a),
                   col->from == FROM_TABLE ? col->source : "a CAST", member,
                   query_type_text(&w, k->a));
        return false;
    }
    if (want->nullable)
        return true;
    if (col->null == MAY_BE_NULL) {
        diag_error(k->d, at, "result column '%s' of query '%s' may be NULL (%s), but %s is "
                   "not nullable", col->name, q->name, col->why_null, member);
        return false;
    }
    if (col->null == UNKNOWN) {
        if (!can_verify) {
            diag_error(k->d, at, "result column '%s' of query '%s' may be NULL (modelgen cannot "
                       "know whether %s is), but %s is not nullable; read it into a row "
                       "type, whose declared columns are checked as they are read", col->name,
                       q->name, col->from == FROM_CAST ? "a CAST's value" : "an expression",
                       member);
            return false;
        }
        *verify = true;
    }
    return true;
}

static void fit_model(struct checking *k, const struct query *q, struct result_col *cols,
                      int ncols, const struct sql_result *r)
{
    const struct model *m = q->model;
    if ((size_t)ncols != m->ncolumns) {
        struct buf names = {0};
        for (size_t i = 0; i < m->ncolumns; i++)
            buf_printf(&names, "%s%s", i ? ", " : "", m->columns[i].name);
        diag_error(k->d, q->result_pos, "query '%s' returns %d column%s, but a row of model '%s' "
                   "has %zu (%s)", q->name, ncols, ncols == 1 ? "" : "s", m->name,
                   m->ncolumns, names.data);
        buf_free(&names);
        return;
    }
    for (int i = 0; i < ncols; i++) {
        const struct column *c = &m->columns[i];
        struct result_col *col = &cols[i];
        struct pos at = column_pos(k, q, col, q->result_pos);
        if (!sql_same_name(col->name, c->name)) {
            diag_error(k->d, at, "result column %d of query '%s' is '%s', but column %d of "
                       "model '%s' is '%s' (a row's columns come in the order of its table)",
                       i + 1, q->name, col->name, i + 1, m->name, c->name);
            continue;
        }
        const char *member = arena_printf(k->a, "'%s.%s'", m->name, c->name);
        if (col->from == FROM_EXPR) {
            diag_error(k->d, at, "the type of result column '%s' of query '%s' cannot be known: "
                       "%s; read it from a column of type %s, or CAST it", col->name, q->name,
                       untyped_reason(k, col, r), query_type_text(&(struct value_type){
                           column_type(c).type, column_type(c).enum_type, false}, k->a));
            continue;
        }
        struct value_type want = column_type(c);
        bool verify = false;
        fit_declared(k, q, col, &want, member, at, false, &verify);
    }
}

/* A row type's columns settled by the query that declares it, or checked against those
   of the query that declared it. */
static void fit_row(struct checking *k, const struct query *q, struct result_col *cols,
                    int ncols, const struct sql_result *r)
{
    struct row_type *row = q->row;
    bool declaring = row->declared_by == q;
    if ((size_t)ncols != row->ncolumns) {
        diag_error(k->d, q->result_pos, "query '%s' returns %d column%s, but row type '%s' has "
                   "%zu", q->name, ncols, ncols == 1 ? "" : "s", row->name, row->ncolumns);
        return;
    }
    for (int i = 0; i < ncols; i++) {
        struct row_column *rc = &row->columns[i];
        struct result_col *col = &cols[i];
        struct pos decl = declaring ? rc->pos : q->result_pos;
        struct pos at = column_pos(k, q, col, decl);
        if (!sql_same_name(col->name, rc->name)) {
            diag_error(k->d, at, "result column %d of query '%s' is '%s', but row type '%s' "
                           "names it '%s'%s", i + 1, q->name, col->name, row->name, rc->name,
                       col->item ? "" : " (rename it in the SQL with AS)");
            continue;
        }
        const char *member = arena_printf(k->a, "column '%s' of row type '%s'", rc->name,
                                          row->name);
        if (rc->typed) {
            fit_declared(k, q, col, &rc->t, member, at, true, &rc->verify_not_null);
            continue;
        }
        if (!declaring)
            continue;   /* the declaring query could not settle it: reported there */
        if (col->from == FROM_EXPR) {
            diag_error(k->d, at, "the type of result column '%s' of query '%s' cannot be known: "
                       "%s; declare it in the row (%s TYPE) or CAST it", col->name, q->name,
                       untyped_reason(k, col, r), rc->name);
            continue;
        }
        rc->t = col->t;
        rc->t.nullable = col->null != NOT_NULL;
        rc->typed = true;
    }
}

static void fit_scalar(struct checking *k, struct query *q, struct result_col *cols, int ncols,
                       const struct sql_result *r)
{
    if (ncols != 1) {
        diag_error(k->d, q->result_pos, "query '%s' returns %d columns, but its result, %s, is "
                   "one", q->name, ncols, query_type_text(&q->scalar, k->a));
        return;
    }
    struct result_col *col = &cols[0];
    struct pos at = column_pos(k, q, col, q->result_pos);
    bool verify = false;
    (void)r;
    fit_declared(k, q, col, &q->scalar, arena_printf(k->a, "the result of query '%s'", q->name),
                 at, true, &verify);
}

/* The model a star item of the result stands for, when that can be told. */
static const struct model *star_model(const struct checking *k, const struct sql_result *r,
                                      const struct sql_item *it)
{
    if (!r->select && r->target) {
        if (it->kind == ITEM_STAR ||
            sql_same_name(it->qualifier, r->target_alias ? r->target_alias : r->target))
            return model_of_table(k->s, r->target);
        return NULL;
    }
    if (r->compound || !r->sources_known)
        return NULL;
    const struct sql_source *found = NULL;
    for (size_t i = 0; i < r->nsources; i++) {
        const struct sql_source *s = &r->sources[i];
        const char *as = s->alias ? s->alias : s->name;
        if (it->kind == ITEM_TABLE_STAR && !(as && sql_same_name(as, it->qualifier)))
            continue;
        if (found)
            return NULL;
        found = &r->sources[i];
    }
    if (!found || found->kind != SOURCE_TABLE || is_cte_name(r, found->name))
        return NULL;
    return model_of_table(k->s, found->name);
}

/* q->stmt: the statement with each * of its result spelled out as its table's columns in
   the model's order, since a migrated table may keep them in another and the rows are
   read by position. A * whose table cannot be told is left as it is, with a warning. */
static void expand_stars(struct checking *k, struct query *q, const struct sql_result *r,
                         int ncols)
{
    struct buf out = {0};
    struct sql_subst *subs = NULL;
    size_t nsubs = 0, copied = 0;
    buf_puts(&out, "");
    for (size_t i = 0; i < r->nitems; i++) {
        const struct sql_item *it = &r->items[i];
        if (it->kind != ITEM_STAR && it->kind != ITEM_TABLE_STAR)
            continue;
        const struct model *m = star_model(k, r, it);
        if (!m) {
            diag_warning(k->d, query_text_pos(k->src, q, it->at, it->len), "in query '%s': "
                         "this * stands for columns in the order the database keeps them, "
                         "which a migration may change; name the columns", q->name);
            continue;
        }
        buf_putn(&out, q->text + copied, it->at - copied);
        /* the line so far, to break the list where it grows long */
        size_t line = 0;
        while (line < out.len && out.data[out.len - 1 - line] != '\n')
            line++;
        /* a continuation is indented two more than the line's own indentation */
        struct buf wrap = {0};
        buf_puts(&wrap, ",\n");
        for (const char *p = out.data + out.len - line; *p == ' ' || *p == '\t'; p++)
            buf_putc(&wrap, *p);
        buf_puts(&wrap, "  ");
        struct buf cols = {0};
        for (size_t c = 0; c < m->ncolumns; c++) {
            struct buf one = {0};
            if (it->kind == ITEM_TABLE_STAR)
                buf_putn(&one, q->text + it->at, it->len - 1);      /* "p." as written */
            sql_ident(&one, m->columns[c].name);
            if (c > 0 && line + 2 + one.len > 72) {
                buf_putn(&cols, wrap.data, wrap.len);
                line = wrap.len - 2;
            } else if (c > 0) {
                buf_puts(&cols, ", ");
                line += 2;
            }
            buf_putn(&cols, one.data, one.len);
            line += one.len;
            buf_free(&one);
        }
        subs = xrealloc(subs, (nsubs + 1) * sizeof *subs);
        subs[nsubs++] = (struct sql_subst){out.len, cols.len, it->at, it->len};
        buf_putn(&out, cols.data, cols.len);
        copied = it->at + it->len;
        buf_free(&cols);
        buf_free(&wrap);
    }
    buf_puts(&out, q->text + copied);
    /* the statement as spelled out must return the same columns */
    sqlite3_stmt *st = NULL;
    if (nsubs && sqlite3_prepare_v2(k->db, out.data, -1, &st, NULL) == SQLITE_OK && st &&
        sqlite3_column_count(st) == ncols) {
        q->stmt = arena_strndup(k->a, out.data, out.len);
        q->expansions = arena_alloc(k->a, nsubs * sizeof *q->expansions);
        memcpy(q->expansions, subs, nsubs * sizeof *subs);
        q->nexpansions = nsubs;
    }
    sqlite3_finalize(st);
    free(subs);
    buf_free(&out);
}

/* Where SQLite's message names something it did not find ("no such table: x") and gives
   no offset: the first token of the statement with that name, or -1. */
static int named_offset(const char *text, const char *message)
{
    static const char *const prefixes[] = {"no such table: ", "no such function: ",
                                           "no such column: ", "no such collation sequence: "};
    const char *name = NULL;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !name; i++)
        if (strncmp(message, prefixes[i], strlen(prefixes[i])) == 0)
            name = message + strlen(prefixes[i]);
    if (!name)
        return -1;
    const char *dot = strrchr(name, '.');
    if (dot && (strncmp(name, "main.", 5) == 0 || strncmp(name, "temp.", 5) == 0))
        name = dot + 1;
    struct sqltoks ts;
    sql_tokenize(text, &ts);
    int at = -1;
    for (size_t i = 0; i < ts.n && at < 0; i++)
        if ((ts.t[i].kind == SQLT_WORD || ts.t[i].kind == SQLT_QUOTED) &&
            ts.t[i].len < 200) {
            char word[256];
            const char *w = text + ts.t[i].at;
            size_t n = ts.t[i].len;
            if (ts.t[i].kind == SQLT_QUOTED && n >= 2) {
                w++;
                n -= 2;
            }
            memcpy(word, w, n);
            word[n] = '\0';
            if (sql_same_name(word, name))
                at = (int)ts.t[i].at;
        }
    sql_tokens_free(&ts);
    return at;
}

/* The length of the token at byte `offset` of the statement, for a caret; 1 if none. */
static size_t token_length(const char *text, size_t offset)
{
    struct sqltoks ts;
    sql_tokenize(text, &ts);
    size_t len = 1;
    for (size_t i = 0; i < ts.n; i++)
        if (ts.t[i].at == offset) {
            len = ts.t[i].len;
            break;
        }
    sql_tokens_free(&ts);
    return len;
}

static void check_query(struct checking *k, struct query *q)
{
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v2(k->db, q->text, -1, &st, &tail);
    if (rc != SQLITE_OK) {
        int offset = -1;
#if SQLITE_VERSION_NUMBER >= 3038000
        offset = sqlite3_error_offset(k->db);
#endif
        if (offset < 0)
            offset = named_offset(q->text, sqlite3_errmsg(k->db));
        struct pos at = q->sql_pos;
        if (offset >= 0 && (size_t)offset <= strlen(q->text))
            at = query_text_pos(k->src, q, (size_t)offset, token_length(q->text, (size_t)offset));
        diag_error(k->d, at, "in query '%s': %s", q->name, sqlite3_errmsg(k->db));
        return;
    }
    if (!st) {
        diag_error(k->d, q->sql_pos, "query '%s' has no SQL statement", q->name);
        return;
    }
    if (tail && *tail) {
        struct sqltoks ts;
        sql_tokenize(tail, &ts);
        if (ts.n > 0) {
            size_t at = (size_t)(tail - q->text) + ts.t[0].at;
            diag_error(k->d, query_text_pos(k->src, q, at, ts.t[0].len), "query '%s' holds more "
                       "than one statement; a query is one", q->name);
        }
        sql_tokens_free(&ts);
    }
    {
        /* the runtime keeps the transaction state: only its calls may change it */
        static const char *const words[] = {"begin", "commit", "end", "rollback", "savepoint",
                                            "release", "attach", "detach", "vacuum"};
        struct sqltoks ts;
        sql_tokenize(q->text, &ts);
        for (size_t i = 0; i < sizeof words / sizeof words[0] && ts.n > 0; i++)
            if (sqltok_word(&ts, 0, words[i])) {
                diag_error(k->d, query_text_pos(k->src, q, ts.t[0].at, ts.t[0].len),
                           "query '%s' is a %.*s statement: a query cannot control "
                           "transactions or databases (mg_begin, mg_commit and mg_rollback "
                           "do)", q->name, (int)ts.t[0].len, q->text + ts.t[0].at);
                break;
            }
        sql_tokens_free(&ts);
    }
    int ncols = sqlite3_column_count(st);
    if (q->result == RESULT_NONE) {
        if (ncols > 0)
            diag_error(k->d, q->pos, "query '%s' returns %d column%s but declares no result: "
                       "add one after its parameters (-> many Model, -> Model, -> Row(columns), "
                       "-> type)", q->name, ncols, ncols == 1 ? "" : "s");
        sqlite3_finalize(st);
        return;
    }
    if (ncols == 0) {
        diag_error(k->d, q->result_pos, "query '%s' returns no rows, but declares a result; "
                   "without '-> ...' it returns the number of rows it changed", q->name);
        sqlite3_finalize(st);
        return;
    }
    struct sql_result r;
    sql_read_result(q->text, &r, k->a);
    struct result_col *cols = xcalloc((size_t)ncols, sizeof *cols);
    for (int i = 0; i < ncols; i++) {
        const char *name = sqlite3_column_name(st, i);
        cols[i].name = arena_strdup(k->a, name ? name : "");
    }
    map_items(k, &r, cols, ncols);
    for (int i = 0; i < ncols; i++)
        describe_column(k, st, &r, i, &cols[i]);
    if (r.compound && r.narms > 1)
        describe_arms(k, q, &r, cols, ncols);
    int errors = k->d->errors;
    switch (q->result) {
    case RESULT_MODEL: fit_model(k, q, cols, ncols, &r); break;
    case RESULT_ROW: fit_row(k, q, cols, ncols, &r); break;
    case RESULT_SCALAR: fit_scalar(k, q, cols, ncols, &r); break;
    case RESULT_NONE: break;
    }
    if (k->d->errors == errors)
        expand_stars(k, q, &r, ncols);
    free(cols);
    sqlite3_finalize(st);
}

bool query_check_sqlite(struct schema *s, struct arena *a, struct diag *d)
{
    if (s->nqueries == 0)
        return true;
    int errors = d->errors;
    struct checking k = {s, a, d, d->src, NULL};
    if (sqlite3_open_v2(":memory:", &k.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        diag_error(d, s->queries[0]->pos, "cannot open an SQLite database in memory to check "
                   "the queries");
        sqlite3_close(k.db);
        return false;
    }
    struct buf ddl = {0};
    sql_schema_body(&ddl, s, DIALECT_SQLITE);
    char *err = NULL;
    if (sqlite3_exec(k.db, ddl.data ? ddl.data : "", NULL, NULL, &err) != SQLITE_OK) {
        diag_error(d, s->queries[0]->pos, "cannot create the schema in SQLite to check the "
                   "queries: %s", err ? err : "unknown error");
        sqlite3_free(err);
    } else {
        /* the queries that declare row types first: the others read their columns */
        for (size_t i = 0; i < s->nqueries; i++)
            if (s->queries[i]->row && s->queries[i]->row->declared_by == s->queries[i])
                check_query(&k, s->queries[i]);
        for (size_t i = 0; i < s->nqueries; i++)
            if (!(s->queries[i]->row && s->queries[i]->row->declared_by == s->queries[i]))
                check_query(&k, s->queries[i]);
    }
    buf_free(&ddl);
    sqlite3_close(k.db);
    return d->errors == errors;
}

