/* The C generator, per has_many and has_many through: eager loading. Both functions are
   one statement each, the owners UNION ALL their targets (joined to the join model for
   a through), which the runtime (mg_get_with_many, mg_all_with_many) reads into the
   owner rows in id order, their targets in one array grouped by owner, in id order, and
   where each owner's targets start. Like every accessor they depend only on the
   columns, never on how the database enforces the keys. */
#include "cgen_eager.h"

#include <string.h>

#include "template.h"

/* The member of struct NAME_with_ASSOC holding the targets: the association's name,
   unless the struct's other members have it. */
static const char *targets_member(const struct assoc *a)
{
    return strcmp(a->name, "rows") == 0 || strcmp(a->name, "start") == 0 ? "targets" : a->name;
}

static bool eager(const struct assoc *a)
{
    return (a->kind == ASSOC_HAS_MANY && a->inverse) ||
           (a->kind == ASSOC_HAS_MANY_THROUGH && a->through);
}

/* ---- The header ---- */

void cgen_eager_header(struct cgen *g, const struct model *m, const struct assoc *a)
{
    if (!eager(a))
        return;
    bool through = a->kind == ASSOC_HAS_MANY_THROUGH;
    TMPL(g->out, through ? "c_eager.header.through" : "c_eager.header.has_many",
         {"m", m->c_name}, {"assoc", a->name}, {"target", a->target->c_name},
         {"member", targets_member(a)});
}

/* ---- SQL ---- */

/* Appends n NULLs, each followed by a comma but the last unless `more`. */
static void nulls(struct buf *b, size_t n, bool more)
{
    for (size_t i = 0; i < n; i++)
        sql_piece(b, i + 1 < n || more ? "NULL," : "NULL");
}

/* The owners UNION ALL their targets, as the runtime reads them (mg_all_with_many): an
   owner's row is its columns (alias o) and NULL for the target's; a target's (alias t)
   is its owner's id, NULL for the owner's other columns, then its own columns. `one`:
   only the owner with id ?1 and its targets. */
static const char *eager_sql(struct cgen *g, const struct model *m, const struct assoc *a,
                             bool one)
{
    struct buf b = {0};
    bool through = a->kind == ASSOC_HAS_MANY_THROUGH;
    const char *key = through ? sql_qualified(g, "j", a->through_self->column)
                              : sql_qualified(g, "t", a->inverse->column);
    sql_piece(&b, "SELECT");
    sql_column_list(&b, m, "o");
    buf_putc(&b, ',');
    nulls(&b, a->target->ncolumns, false);
    sql_piece(&b, cg_printf(g, "FROM %s AS o", sql_table(g, m)));
    if (one)
        sql_piece(&b, "WHERE o.id = ?1");
    sql_piece(&b, "UNION ALL SELECT");
    sql_piece(&b, cg_printf(g, "%s,", key));
    nulls(&b, m->ncolumns - 1, true);
    sql_column_list(&b, a->target, "t");
    if (through) {
        sql_piece(&b, cg_printf(g, "FROM %s AS j", sql_table(g, a->through)));
        sql_piece(&b, cg_printf(g, "JOIN %s AS t", sql_table(g, a->target)));
        sql_piece(&b, cg_printf(g, "ON t.id = %s",
                                sql_qualified(g, "j", a->through_target->column)));
    } else {
        sql_piece(&b, cg_printf(g, "FROM %s AS t", sql_table(g, a->target)));
    }
    if (one)
        sql_piece(&b, cg_printf(g, "WHERE %s = ?1", key));
    return cg_sql_finish(g, &b);
}

/* ---- The source ---- */

void cgen_eager_source(struct cgen *g, const struct model *m, const struct assoc *a)
{
    if (!eager(a))
        return;
    bool through = a->kind == ASSOC_HAS_MANY_THROUGH;
    TMPL(g->out, "c_eager.source", {"m", m->c_name}, {"model", m->name}, {"assoc", a->name},
         {"kind", through ? cg_printf(g, "has_many %s through %s", a->name, a->through->name)
                          : cg_printf(g, "has_many %s", a->name)},
         {"target", a->target->c_name}, {"member", targets_member(a)},
         {"get_sql", eager_sql(g, m, a, true)}, {"all_sql", eager_sql(g, m, a, false)});
}
