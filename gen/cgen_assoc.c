/* The C generator, per association: belongs_to (get, set, eager loading with a join),
   has_one, has_many and has_many through. The accessors depend only on the columns, never
   on how the database enforces the key: a deferred or absent constraint generates the
   same code as an immediate one. */
#include "cgen_assoc.h"

#include <stdarg.h>
#include <string.h>

#include "template.h"

/* The parameter naming the associated row in set, add and remove. */
static const char *target_param(struct cgen *g, const struct model *m, const char *name)
{
    return param_or(g, name, param_for_model(g, m), "target");
}

/* ---- The header ---- */

void cgen_assoc_header(struct cgen *g, const struct model *m, const struct assoc *a)
{
    const char *row = param_for_model(g, m);
    switch (a->kind) {
    case ASSOC_BELONGS_TO:
        TMPL(g->out, a->nullable ? "c_header.belongs_to.optional" : "c_header.belongs_to.required",
             {"m", m->c_name}, {"row", row}, {"assoc", a->name}, {"column", a->column},
             {"target", a->target->c_name}, {"target_model", a->target->name},
             {"param", target_param(g, m, a->name)});
        TMPL(g->out, "c_header.belongs_to.with", {"m", m->c_name}, {"assoc", a->name},
             {"target", a->target->c_name});
        break;
    case ASSOC_HAS_ONE:
    case ASSOC_HAS_MANY:
        TMPL(g->out, a->kind == ASSOC_HAS_ONE ? "c_header.has_one" : "c_header.has_many",
             {"m", m->c_name}, {"row", row}, {"assoc", a->name}, {"by", a->inverse->name},
             {"target", a->target->c_name}, {"target_model", a->target->name},
             {"target_table", a->target->table});
        break;
    case ASSOC_HAS_MANY_THROUGH:
        TMPL(g->out, "c_header.through", {"m", m->c_name}, {"row", row}, {"assoc", a->name},
             {"target", a->target->c_name}, {"target_model", a->target->name},
             {"target_table", a->target->table}, {"through_model", a->through->name},
             {"through_table", a->through->table},
             {"param", target_param(g, m, a->target->c_name)});
        break;
    }
}

/* ---- SQL ---- */

/* The owner's row (alias o) and its target (alias t) from one LEFT JOIN, so that an owner
   with no target, or a dangling key, still comes back; tail: WHERE or ORDER BY. */
static const char *join_sql(struct cgen *g, const struct model *m, const struct assoc *a,
                            const char *tail)
{
    struct buf b = {0};
    sql_piece(&b, "SELECT");
    sql_column_list(&b, m, "o");
    buf_putc(&b, ',');
    sql_column_list(&b, a->target, "t");
    sql_piece(&b, cg_printf(g, "FROM %s AS o", sql_table(g, m)));
    sql_piece(&b, cg_printf(g, "LEFT JOIN %s AS t", sql_table(g, a->target)));
    sql_piece(&b, cg_printf(g, "ON t.id = %s", sql_qualified(g, "o", a->column)));
    sql_piece(&b, tail);
    return cg_sql_finish(g, &b);
}

static const char *sql_text(struct cgen *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A statement from a format, as C string literals. */
static const char *sql_text(struct cgen *g, const char *fmt, ...)
{
    struct buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return cg_sql_finish(g, &b);
}

/* ---- The source ---- */

static void belongs_to_source(struct cgen *g, const struct model *m, const struct assoc *a)
{
    const char *row = param_for_model(g, m);
    const char *table = sql_table(g, m), *column = sql_qualified(g, NULL, a->column);
    TMPL(g->out, a->nullable ? "c_source.belongs_to.get.optional"
                             : "c_source.belongs_to.get.required",
         {"m", m->c_name}, {"model", m->name}, {"row", row}, {"assoc", a->name},
         {"column", a->column}, {"target", a->target->c_name}, {"table", m->table});
    TMPL(g->out, a->nullable ? "c_source.belongs_to.set.optional"
                             : "c_source.belongs_to.set.required",
         {"m", m->c_name}, {"row", row}, {"assoc", a->name}, {"column", a->column},
         {"target", a->target->c_name}, {"table", m->table},
         {"param", target_param(g, m, a->name)},
         {"set_sql", sql_text(g, "UPDATE %s SET %s = ?1 WHERE id = ?2", table, column)});
    TMPL(g->out, "c_source.belongs_to.with", {"m", m->c_name}, {"assoc", a->name},
         {"target", a->target->c_name},
         {"get_with_sql", join_sql(g, m, a, "WHERE o.id = ?1")},
         {"all_with_sql", join_sql(g, m, a, "ORDER BY o.id")});
}

static void has_source(struct cgen *g, const struct model *m, const struct assoc *a)
{
    const char *key = a->inverse->column;
    if (a->kind == ASSOC_HAS_ONE) {
        TMPL(g->out, "c_source.has_one", {"m", m->c_name}, {"model", m->name},
             {"row", param_for_model(g, m)}, {"assoc", a->name}, {"target", a->target->c_name},
             {"table", m->table},
             {"get_sql", cg_select_where(g, a->target, key, "ORDER BY id LIMIT 1")});
        return;
    }
    TMPL(g->out, "c_source.has_many", {"m", m->c_name}, {"model", m->name},
         {"row", param_for_model(g, m)}, {"assoc", a->name}, {"target", a->target->c_name},
         {"get_sql", cg_select_where(g, a->target, key, "ORDER BY id")},
         {"count_sql", sql_text(g, "SELECT count(*) FROM %s WHERE %s = ?1",
                                sql_table(g, a->target), sql_qualified(g, NULL, key))});
}

static void through_source(struct cgen *g, const struct model *m, const struct assoc *a)
{
    const char *join = sql_table(g, a->through);
    const char *self = sql_qualified(g, NULL, a->through_self->column);
    const char *other = sql_qualified(g, NULL, a->through_target->column);

    struct buf b = {0};
    sql_piece(&b, "SELECT");
    sql_column_list(&b, a->target, "t");
    sql_piece(&b, cg_printf(g, "FROM %s AS t", sql_table(g, a->target)));
    sql_piece(&b, cg_printf(g, "JOIN %s AS j", join));
    sql_piece(&b, cg_printf(g, "ON %s = t.id", sql_qualified(g, "j", a->through_target->column)));
    sql_piece(&b, cg_printf(g, "WHERE %s = ?1", sql_qualified(g, "j", a->through_self->column)));
    sql_piece(&b, "ORDER BY t.id");
    const char *get_sql = cg_sql_finish(g, &b);

    TMPL(g->out, "c_source.through", {"m", m->c_name}, {"model", m->name},
         {"row", param_for_model(g, m)}, {"assoc", a->name}, {"target", a->target->c_name},
         {"through_model", a->through->name}, {"through_table", a->through->table},
         {"param", target_param(g, m, a->target->c_name)},
         {"get_sql", get_sql},
         {"add_sql", sql_text(g, "INSERT INTO %s (%s, %s) VALUES (?1, ?2)", join, self, other)},
         {"remove_sql", sql_text(g, "DELETE FROM %s WHERE %s = ?1 AND %s = ?2", join, self,
                                 other)});
}

void cgen_assoc_source(struct cgen *g, const struct model *m, const struct assoc *a)
{
    switch (a->kind) {
    case ASSOC_BELONGS_TO:
        belongs_to_source(g, m, a);
        break;
    case ASSOC_HAS_ONE:
    case ASSOC_HAS_MANY:
        has_source(g, m, a);
        break;
    case ASSOC_HAS_MANY_THROUGH:
        through_source(g, m, a);
        break;
    }
}
