/* modelgen diff: what a migration checks, and the rows it deletes first (see diff_rows.h). */
#include "diff_rows.h"

#include <stdlib.h>
#include <string.h>

#include "diff_convert.h"

/* -------------------------------------------------------------------- messages -- */

static const char *problem_literal(struct writer *w, const char *section, const char *table,
                                   const char *columns)
{
    return dsql_literal(w, DPIECE(w, section, {"file", w->df->old_s->file}, {"table", table},
                                  {"columns", columns ? columns : ""}));
}

static const char *lower_ascii(struct writer *w, const char *s)
{
    char *copy = arena_strdup(w->a, s);
    for (char *p = copy; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return copy;
}

/* "a, b, c" for a sentence, or 'a', 'b', 'c' for SQL. */
static const char *column_names(struct writer *w, const struct model *m, bool sql)
{
    struct buf b = {0};
    for (size_t i = 0; i < m->ncolumns; i++) {
        buf_puts(&b, i ? ", " : "");
        if (sql)    /* SQLite does not tell the case of a name apart */
            buf_puts(&b, dsql_literal(w, lower_ascii(w, m->columns[i].name)));
        else
            buf_puts(&b, m->columns[i].name);
    }
    const char *s = arena_strdup(w->a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}


static void stop(struct writer *w)
{
    tmpl_emit(w->out, dsql_dialect_section(w, "stop"), NULL, 0);
}

/* The tables the migration touches: they change, go, are renamed or rebuilt, or lose rows. */
static bool *touched_tables(struct writer *w)
{
    bool *touched = arena_alloc(w->a, w->df->ntables + 1);
    for (size_t i = 0; i < w->df->ntables; i++)
        touched[i] = w->rebuilt && w->rebuilt[i];
    for (size_t k = 0; k < w->df->nchanges; k++)
        touched[w->df->changes[k]->table->index] = true;
    return touched;
}

/* SQLite: m's table has exactly m's columns, or the problem goes into mg_failed. */
static void columns_are(struct writer *w, const struct model *m, const char *section)
{
    TMPL(w->out, "diff.sqlite.columns_are",
         {"problem", problem_literal(w, section, m->table, column_names(w, m, false))},
         {"table", dsql_literal(w, m->table)},
         {"n", arena_printf(w->a, "%zu", m->ncolumns)},
         {"columns", column_names(w, m, true)});
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* SQLite: the database is at OLD. Every table the migration touches has OLD's columns, and
   no name the migration creates is taken. Run twice without -bail, or on another
   database, a migration would otherwise go on from whatever statement still succeeds. */
static void at_old(struct writer *w)
{
    const struct diff *df = w->df;
    TMPL(w->out, "diff.sqlite.at_old", {"file", dsql_comment_text(w, df->old_s->file)});
    struct buf names = {0};
    bool *touched = touched_tables(w);
    const char **old_tables = arena_alloc(w->a, (df->old_s->nmodels + 1) * sizeof *old_tables);
    for (size_t j = 0; j < df->old_s->nmodels; j++)
        old_tables[j] = lower_ascii(w, df->old_s->models[j]->table);
    qsort(old_tables, df->old_s->nmodels, sizeof *old_tables, compare_names);
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        if (t->old && touched[i])
            columns_are(w, t->old, "diff.problem.not_at_old");
        const char *taken[3] = {NULL, NULL, NULL};
        if (t->new && (!t->old || t->renamed))
            taken[0] = t->new->table;
        if (t->old && t->new && t->renamed)
            taken[1] = arena_printf(w->a, "mg_tmp_%s", t->old->table);
        if (w->rebuilt && w->rebuilt[i])
            taken[2] = arena_printf(w->a, "mg_old_%s", t->new->table);
        for (size_t k = 0; k < 3; k++) {
            if (!taken[k])
                continue;
            const char *lower = lower_ascii(w, taken[k]);
            /* a name one of OLD's tables gives up */
            if (k == 0 && bsearch(&lower, old_tables, df->old_s->nmodels, sizeof *old_tables,
                                  compare_names))
                continue;
            buf_puts(&names, names.len ? ", " : "");
            buf_puts(&names, dsql_literal(w, lower));
        }
    }
    if (names.len)
        TMPL(w->out, "diff.sqlite.names_free",
             {"problem", problem_literal(w, "diff.problem.name_taken", "", NULL)},
             {"end", dsql_literal(w, dsql_piece(w, "diff.problem.end", NULL, 0))},
             {"names", names.data});
    buf_free(&names);
}

/* ---------------------------------------------------------------- the checks -- */

void dsql_begin_checks(struct writer *w)
{
    const struct diff *df = w->df;
    bool floats = false, checks = false;
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; t->old && t->new && j < t->ncolumns; j++) {
            floats |= dsql_needs_float_text(t->columns[j]);
            checks |= dsql_check_reason(w, t->columns[j]) != NULL;
        }
    }
    if (w->d == DIALECT_POSTGRES && floats)
        tmpl_emit(w->out, "diff.postgres.float_text", NULL, 0);
    if (w->d == DIALECT_SQLITE) {
        tmpl_emit(w->out, "diff.sqlite.guard", NULL, 0);
        at_old(w);
        w->failures = true;
    } else if (checks) {
        tmpl_emit(w->out, "diff.postgres.failures", NULL, 0);
        w->failures = true;
    }
    if (checks)
        tmpl_emit(w->out, "diff.checks_heading", NULL, 0);
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; t->old && t->new && j < t->ncolumns; j++)
            dsql_check_retype(w, t, t->columns[j]);
    }
    if (w->failures) {
        stop(w);
        dsql_blank(w);
    }
}

void dsql_check_copy(struct writer *w, const struct table_diff *t, const char *old)
{
    TMPL(w->out, "diff.sqlite.copied",
         {"problem", dsql_literal(w, DPIECE(w, "diff.problem.copy", {"table", t->new->table}))},
         {"table", dsql_ident(w, t->new->table)}, {"old", old});
}

void dsql_end_checks(struct writer *w)
{
    const struct diff *df = w->df;
    if (w->d != DIALECT_SQLITE)
        return;
    tmpl_emit(w->out, "diff.sqlite.at_new", NULL, 0);
    bool *touched = touched_tables(w);
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        if (t->new && touched[i])
            columns_are(w, t->new, "diff.problem.not_at_new");
    }
    if (w->keys_off)
        tmpl_emit(w->out, "diff.sqlite.keys_hold", NULL, 0);
    stop(w);
    tmpl_emit(w->out, "diff.sqlite.guard_end", NULL, 0);
}

/* ---------------------------------------------------------------- rows that go -- */

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

/* Whether a's foreign key acts when its target's rows are deleted with on_delete `action`. */
static bool acts(const struct assoc *a, enum action action)
{
    return a && a->mode != FK_NONE && a->on_delete == action;
}

/* The rows NEW cannot hold and nothing can fill go first, while OLD's tables and foreign
   keys are all still there. Which rows go with them is worked out before any goes (the
   cascade's closure, through self-references and cycles too, into mg_doomed), so that the
   same rows go on both engines whatever order the keys act in; then rows that refer to
   them through a set_null key get NULL, and they are deleted, referring tables first. A
   row left referring to a deleted one (restrict, no_action) fails the migration. */
void dsql_delete_rows(struct writer *w)
{
    const struct diff *df = w->df;
    const struct schema *s = df->old_s;
    struct buf initial = {0}, edges = {0};
    bool *reached = arena_alloc(w->a, s->nmodels + 1);
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        const char *condition = t->old && t->new ? doomed_rows(w, t) : NULL;
        if (!condition)
            continue;
        if (!initial.len)
            tmpl_emit(w->out, dsql_dialect_section(w, "rows_heading"), NULL, 0);
        else
            buf_printf(&initial, "\n%s\n", dsql_piece(w, "diff.union", NULL, 0));
        for (size_t j = 0; j < df->nchanges; j++)
            if (df->changes[j]->table == t && dsql_deletes(df->changes[j]))
                dsql_comment(w, dsql_loss(w, df->changes[j]));
        buf_puts(&initial, DPIECE(w, "diff.doomed_initial",
                                  {"k", arena_printf(w->a, "%zu", t->old->index + 1)},
                                  {"table", dsql_ident(w, t->old->table)},
                                  {"condition", condition}));
        reached[t->old->index] = true;
    }
    if (!initial.len)
        return;
    /* the tables the cascade reaches, and its edges */
    for (bool more = true; more;) {
        more = false;
        for (size_t i = 0; i < s->nmodels; i++) {
            const struct model *child = s->models[i];
            for (size_t j = 0; j < child->ncolumns; j++) {
                const struct assoc *a = child->columns[j].assoc;
                if (acts(a, ACTION_CASCADE) && reached[a->target->index] && !reached[i])
                    more = reached[i] = true;
            }
        }
    }
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *child = s->models[i];
        for (size_t j = 0; j < child->ncolumns; j++) {
            const struct assoc *a = child->columns[j].assoc;
            if (!acts(a, ACTION_CASCADE) || !reached[a->target->index])
                continue;
            if (edges.len)
                buf_printf(&edges, "\n%s\n", dsql_piece(w, "diff.union_all", NULL, 0));
            buf_puts(&edges, DPIECE(w, "diff.doomed_edge",
                                    {"parent", arena_printf(w->a, "%zu", a->target->index + 1)},
                                    {"child", arena_printf(w->a, "%zu", i + 1)},
                                    {"column", dsql_ident(w, child->columns[j].name)},
                                    {"table", dsql_ident(w, child->table)}));
        }
    }
    tmpl_emit(w->out, dsql_dialect_section(w, "doomed_table"), NULL, 0);
    if (edges.len)
        TMPL(w->out, "diff.doomed_cascade", {"initial", initial.data}, {"edges", edges.data});
    else
        TMPL(w->out, "diff.doomed_plain", {"initial", initial.data});
    buf_free(&initial);
    buf_free(&edges);
    /* SQLite has foreign keys off: what set_null does, by hand (PostgreSQL's keys do it) */
    for (size_t i = 0; w->d == DIALECT_SQLITE && i < s->nmodels; i++) {
        const struct model *child = s->create_order[i];
        for (size_t j = 0; j < child->ncolumns; j++) {
            const struct assoc *a = child->columns[j].assoc;
            if (!acts(a, ACTION_SET_NULL) || !reached[a->target->index])
                continue;
            const char *column = dsql_ident(w, child->columns[j].name);
            TMPL(w->out, "diff.doomed_set_null", {"table", dsql_ident(w, child->table)},
                 {"column", column},
                 {"parent", arena_printf(w->a, "%zu", a->target->index + 1)},
                 {"child", arena_printf(w->a, "%zu", child->index + 1)});
        }
    }
    /* SQLite (keys off): a DELETE per table. PostgreSQL: one statement deleting from every
       table at once (a data-modifying WITH per table), whose keys act and are checked when
       it ends: a restrict key between two deleted rows, which no order of DELETEs gets
       past in a cycle, then finds nothing left to refuse. */
    struct buf with = {0};
    const struct model *last = NULL;
    for (size_t i = s->nmodels; i-- > 0;) {
        const struct model *m = s->create_order[i];
        if (!reached[m->index])
            continue;
        const char *k = arena_printf(w->a, "%zu", m->index + 1);
        if (w->d == DIALECT_SQLITE) {
            TMPL(w->out, "diff.doomed_delete", {"table", dsql_ident(w, m->table)}, {"k", k});
            continue;
        }
        if (last)
            buf_printf(&with, "%s%s", with.len ? ",\n" : "",
                       DPIECE(w, "diff.postgres.doomed_with", {"table", dsql_ident(w, last->table)},
                              {"k", arena_printf(w->a, "%zu", last->index + 1)}));
        last = m;
    }
    if (last && with.len)
        TMPL(w->out, "diff.postgres.doomed_delete_with", {"with", with.data},
             {"table", dsql_ident(w, last->table)},
             {"k", arena_printf(w->a, "%zu", last->index + 1)});
    else if (last)
        TMPL(w->out, "diff.doomed_delete", {"table", dsql_ident(w, last->table)},
             {"k", arena_printf(w->a, "%zu", last->index + 1)});
    buf_free(&with);
    tmpl_emit(w->out, dsql_dialect_section(w, "doomed_end"), NULL, 0);
    if (w->d == DIALECT_SQLITE)
        stop(w);
    w->immediate = w->d == DIALECT_POSTGRES;
    dsql_blank(w);
}
