/* The C generator, per enum and per model: enum names, reading and binding rows, and the
   CRUD functions. */
#include <inttypes.h>
#include <string.h>

#include "cgen_internal.h"
#include "sql.h"
#include "template.h"

/* ---- Enums ---- */

void cgen_enum_source(struct cgen *g, const struct enum_type *e, bool read_column)
{
    TMPL(g->out, "c_source.enum.begin", {"e", e->c_name}, {"enum", e->name});
    for (size_t i = 0; i < e->nmembers; i++)
        TMPL(g->out, "c_source.enum.name", {"constant", enum_constant(g, e, i)},
             {"literal", cg_literal(g, e->members[i])});
    TMPL(g->out, "c_source.enum.middle", {"e", e->c_name});
    for (size_t i = 0; i < e->nmembers; i++)
        TMPL(g->out, i == 0 ? "c_source.enum.parse.first" : "c_source.enum.parse.next",
             {"constant", enum_constant(g, e, i)}, {"literal", cg_literal(g, e->members[i])});
    TMPL(g->out, "c_source.enum.end", {"e", e->c_name});
    if (read_column)
        TMPL(g->out, "c_source.enum.column", {"e", e->c_name}, {"enum", e->name});
}

/* ---- Reading a row ---- */

/* "col" for the first column, "col + 3" for the others. */
static const char *col_at(struct cgen *g, size_t i)
{
    return i == 0 ? "col" : cg_printf(g, "col + %zu", i);
}

/* How a number column is read: "sqlite3_column_int64(st, col + 4)". */
static const char *read_value(struct cgen *g, const struct column *c, size_t i)
{
    enum type_kind t = c->field ? c->field->type : TYPE_INT;
    if (t == TYPE_REAL)
        return cg_printf(g, "sqlite3_column_double(st, %s)", col_at(g, i));
    if (t == TYPE_BOOL)
        return cg_printf(g, "sqlite3_column_int(st, %s) != 0", col_at(g, i));
    return cg_printf(g, "sqlite3_column_int64(st, %s)", col_at(g, i));
}

static void model_read(struct cgen *g, const struct model *m)
{
    size_t ncopies = 0, nenums = 0;
    for (size_t i = 0; i < m->ncolumns; i++) {
        ncopies += col_is_text(&m->columns[i]) || col_is_blob(&m->columns[i]);
        nenums += col_enum(&m->columns[i]) != NULL;
    }
    TMPL(g->out, "c_source.read.begin", {"m", m->c_name}, {"table", m->table});
    if (ncopies) {
        /* every string and blob of the row in one block: one allocation per row */
        TMPL(g->out, "c_source.read.copies.begin", {"m", m->c_name});
        for (size_t i = 0; i < m->ncolumns; i++) {
            const struct column *c = &m->columns[i];
            if (col_is_text(c) || col_is_blob(c))
                TMPL(g->out, "c_source.read.copies.line", {"col", col_at(g, i)},
                     {"kind", col_is_text(c) ? "MG_COL_TEXT" : "MG_COL_BLOB"},
                     {"member", c->name});
        }
        TMPL(g->out, "c_source.read.copies.end", {"table", m->table});
    } else {
        TMPL(g->out, nenums ? "c_source.read.nocopies" : "c_source.read.scalars",
             {"m", m->c_name});
    }
    for (size_t i = 0; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        if (col_is_text(c) || col_is_blob(c) || col_enum(c))
            continue;
        if (col_has_flag(c))
            TMPL(g->out, "c_source.read.flag", {"member", c->name}, {"col", col_at(g, i)});
        TMPL(g->out, "c_source.read.line", {"member", c->name}, {"value", read_value(g, c, i)});
    }
    /* enums last: reading one can fail, and then the whole row is released */
    bool first = true;
    for (size_t i = 0; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        const struct enum_type *e = col_enum(c);
        if (!e)
            continue;
        if (col_has_flag(c))
            TMPL(g->out, "c_source.read.flag", {"member", c->name}, {"col", col_at(g, i)});
        const char *section = col_has_flag(c)
            ? (first ? "c_source.read.enum.nullable.first" : "c_source.read.enum.nullable")
            : (first ? "c_source.read.enum.first" : "c_source.read.enum");
        TMPL(g->out, section, {"e", e->c_name}, {"member", c->name}, {"col", col_at(g, i)});
        first = false;
    }
    TMPL(g->out, nenums ? "c_source.read.end.status" : "c_source.read.end.ok", {"m", m->c_name});
}

/* ---- Binding a row ---- */

static void model_bind(struct cgen *g, const struct model *m)
{
    TMPL(g->out, "c_source.bind.begin", {"m", m->c_name});
    /* an enum value that names no member is the caller's mistake, caught before binding */
    for (size_t i = 1; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        const struct enum_type *e = col_enum(c);
        if (e)
            TMPL(g->out, col_has_flag(c) ? "c_source.bind.enum.nullable" : "c_source.bind.enum",
                 {"e", e->c_name}, {"enum", e->name}, {"member", c->name},
                 {"table", m->table});
    }
    TMPL(g->out, "c_source.bind.id", {"m", m->c_name});
    for (size_t i = 1; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        const char *value = cg_printf(g, "row->%s", c->name);
        const char *flag = col_has_flag(c) ? cg_printf(g, "row->has_%s", c->name) : NULL;
        TMPL(g->out, "c_source.bind.line",
             {"bind", cg_bind_expr(g, c, (int)i + 1, value, flag, 13)});
    }
    TMPL(g->out, "c_source.bind.end", {"m", m->c_name});
}

void cgen_model_helpers(struct cgen *g, const struct model *m)
{
    TMPL(g->out, "c_source.helpers.begin", {"model", m->name});
    model_read(g, m);
    model_bind(g, m);
    TMPL(g->out, "c_source.helpers.end", {"m", m->c_name}, {"table", m->table},
         {"ncols", cg_printf(g, "%zu", m->ncolumns)});
}

/* ---- SQL ---- */

const char *cgen_select_where(struct cgen *g, const struct model *m, const char *where,
                              const char *tail)
{
    struct buf b = {0};
    sql_piece(&b, "SELECT");
    sql_column_list(&b, m, NULL);
    sql_piece(&b, cg_printf(g, "FROM %s", sql_table(g, m)));
    if (where)
        sql_piece(&b, cg_printf(g, "WHERE %s = ?", sql_qualified(g, NULL, where)));
    if (tail)
        sql_piece(&b, tail);
    return cg_sql_finish(g, &b);
}

/* INSERT INTO t (id, a, b) VALUES (?1, ?2, ?3): the parameters of the bind helper. */
static const char *insert_sql(struct cgen *g, const struct model *m)
{
    struct buf b = {0};
    sql_piece(&b, cg_printf(g, "INSERT INTO %s", sql_table(g, m)));
    for (size_t i = 0; i < m->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s%s%s", i == 0 ? "(" : "",
                                sql_qualified(g, NULL, m->columns[i].name),
                                i + 1 < m->ncolumns ? "," : ")"));
    for (size_t i = 0; i < m->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s?%zu%s", i == 0 ? "VALUES (" : "", i + 1,
                                i + 1 < m->ncolumns ? "," : ")"));
    return cg_sql_finish(g, &b);
}

/* UPDATE t SET a = ?2, b = ?3 WHERE id = ?1: the same parameters as the insert. */
static const char *update_sql(struct cgen *g, const struct model *m)
{
    struct buf b = {0};
    sql_piece(&b, cg_printf(g, "UPDATE %s SET", sql_table(g, m)));
    for (size_t i = 1; i < m->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s = ?%zu%s", sql_qualified(g, NULL, m->columns[i].name),
                                i + 1, i + 1 < m->ncolumns ? "," : ""));
    if (m->ncolumns == 1)   /* only the id: keep the statement valid and harmless */
        sql_piece(&b, "id = ?1");
    sql_piece(&b, "WHERE id = ?1");
    return cg_sql_finish(g, &b);
}

static const char *simple_sql(struct cgen *g, const char *fmt, const struct model *m)
{
    struct buf b = {0};
    buf_printf(&b, fmt, sql_table(g, m));
    return cg_sql_finish(g, &b);
}

/* ---- The model's functions ---- */

/* The C expression of a field's default, or NULL when it has none. */
static const char *default_value(struct cgen *g, const struct field *f)
{
    const struct default_value *d = &f->def;
    switch (d->kind) {
    case DEFAULT_NONE:
    case DEFAULT_NULL:
        return NULL;
    case DEFAULT_INT:
        return d->i == INT64_MIN ? "INT64_MIN" : cg_printf(g, "%" PRId64, d->i);
    case DEFAULT_REAL:
        return d->text;
    case DEFAULT_TEXT:
        /* a literal, never a heap copy: _free must not (and does not) free it */
        return cg_printf(g, "(char *)%s", cg_literal(g, d->text));
    case DEFAULT_BOOL:
        return d->b ? "true" : "false";
    case DEFAULT_NOW:
        return "(int64_t)time(NULL)";
    case DEFAULT_ENUM:
        return enum_constant(g, f->enum_type, d->member);
    }
    return NULL;
}

static void model_init_free(struct cgen *g, const struct model *m, const char *row)
{
    TMPL(g->out, "c_source.model.begin", {"m", m->c_name}, {"model", m->name}, {"row", row});
    for (size_t i = 0; i < m->nfields; i++) {
        const struct field *f = m->fields[i];
        const char *value = default_value(g, f);
        if (!value)
            continue;
        TMPL(g->out, "c_source.init.line", {"row", row}, {"member", f->name}, {"value", value});
        if (f->nullable && f->type != TYPE_TEXT && f->type != TYPE_BLOB)
            TMPL(g->out, "c_source.init.line", {"row", row},
                 {"member", cg_printf(g, "has_%s", f->name)}, {"value", "true"});
    }
    TMPL(g->out, "c_source.model.free", {"m", m->c_name}, {"row", row});
    for (size_t i = 0; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        if (col_is_text(c) || col_is_blob(c))
            TMPL(g->out, col_is_text(c) ? "c_source.free.text" : "c_source.free.blob",
                 {"row", row}, {"member", c->name});
    }
}

static void model_get_by(struct cgen *g, const struct model *m, const struct field *f)
{
    TMPL(g->out, "c_source.get_by", {"m", m->c_name}, {"field", f->name}, {"table", m->table},
         {"sql", cgen_select_where(g, m, f->name, NULL)}, {"param", get_by_param(g, f)},
         {"key", cg_key_expr(g, f, get_by_param_name(f))});
}

void cgen_model_source(struct cgen *g, const struct model *m)
{
    const char *row = param_for_model(m);
    model_init_free(g, m, row);
    TMPL(g->out, "c_source.model.crud", {"m", m->c_name}, {"row", row}, {"table", m->table},
         {"insert_sql", insert_sql(g, m)}, {"update_sql", update_sql(g, m)},
         {"delete_sql", simple_sql(g, "DELETE FROM %s WHERE id = ?", m)},
         {"get_sql", cgen_select_where(g, m, "id", NULL)},
         {"all_sql", cgen_select_where(g, m, NULL, "ORDER BY id")},
         {"count_sql", simple_sql(g, "SELECT count(*) FROM %s", m)});
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i]->unique)
            model_get_by(g, m, m->fields[i]);
}
