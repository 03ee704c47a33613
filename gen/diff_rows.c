/* modelgen diff: the rows a migration deletes first (see diff_rows.h). */
#include "diff_rows.h"

#include "diff_convert.h"

/* The rows of a table that a change deletes, as a condition on OLD's row, or NULL. */
static const char *doomed_rows(struct writer *w, const struct table_diff *t)
{
    struct buf cond = {0};
    for (size_t i = 0; i < w->df->nchanges; i++) {
        const struct change *ch = w->df->changes[i];
        if (ch->table != t || !dsql_deletes(ch))
            continue;
        const struct column_diff *c = ch->column;
        const char *x = dsql_ident(w, c->old->name);
        if (cond.len)
            buf_puts(&cond, dsql_piece(w, "diff.or", NULL, 0));
        if (ch->kind == CHANGE_REQUIRED)
            buf_puts(&cond, DPIECE(w, "diff.is_null", {"x", x}));
        else
            buf_puts(&cond, DPIECE(w, "diff.not_in_members", {"x", dsql_convert(w, c, x)},
                                   {"values", dsql_members(w, c->new)}));
    }
    const char *s = cond.len ? arena_strdup(w->a, cond.data) : NULL;
    buf_free(&cond);
    return s;
}

static bool on_stack(const struct model *const *stack, size_t n, const struct model *m)
{
    for (size_t i = 0; i < n; i++)
        if (stack[i] == m)
            return true;
    return false;
}

/* SQLite with foreign keys off: DELETE FROM m WHERE condition, and by hand what OLD's
   foreign keys to m would do: cascade (depth first, each table once on a path) and
   set_null. The rows referring to m that remain fail the final foreign key check. */
static void delete_by_hand(struct writer *w, const struct model *m, const char *condition,
                           const struct model **stack, size_t depth)
{
    const struct schema *s = w->df->old_s;
    const char *table = dsql_ident(w, m->table);
    const char *ids = DPIECE(w, "diff.ids", {"table", table}, {"condition", condition});
    stack[depth] = m;
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *child = s->create_order[s->nmodels - 1 - i];
        for (size_t j = 0; j < child->ncolumns; j++) {
            const struct assoc *a = child->columns[j].assoc;
            if (!a || a->target != m || a->mode == FK_NONE)
                continue;
            const char *column = dsql_ident(w, child->columns[j].name);
            const char *refers = DPIECE(w, "diff.in_ids", {"column", column}, {"ids", ids});
            if (a->on_delete == ACTION_CASCADE && !on_stack(stack, depth + 1, child))
                delete_by_hand(w, child, refers, stack, depth + 1);
            else if (a->on_delete == ACTION_SET_NULL)
                TMPL(w->out, "diff.set_null", {"table", dsql_ident(w, child->table)},
                     {"column", column}, {"condition", refers});
        }
    }
    TMPL(w->out, "diff.delete", {"table", table}, {"condition", condition});
}

/* First of all, while OLD's tables and foreign keys are all still there. */
void dsql_delete_rows(struct writer *w)
{
    const struct diff *df = w->df;
    const struct model **stack = arena_alloc(w->a, (df->old_s->nmodels + 1) * sizeof *stack);
    bool heading = false;
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        const char *condition = t->old && t->new ? doomed_rows(w, t) : NULL;
        if (!condition)
            continue;
        if (!heading)
            tmpl_emit(w->out, dsql_dialect_section(w, "rows_heading"), NULL, 0);
        heading = true;
        for (size_t j = 0; j < df->nchanges; j++)
            if (df->changes[j]->table == t && dsql_deletes(df->changes[j]))
                dsql_comment(w, dsql_loss(w, df->changes[j]));
        if (w->d == DIALECT_SQLITE && w->rebuilt[i])
            delete_by_hand(w, t->old, condition, stack, 0);
        else
            TMPL(w->out, "diff.delete", {"table", dsql_ident(w, t->old->table)},
                 {"condition", condition});
        dsql_blank(w);
    }
    if (heading && w->d == DIALECT_POSTGRES)
        tmpl_emit(w->out, "diff.postgres.checks_now", NULL, 0);
}
