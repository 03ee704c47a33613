/* modelgen diff: the pieces its SQL writers share (see diff_text.h). The text itself lives
   in templates/diff.tmpl. */
#include "diff_text.h"

#include <string.h>

#include "analyze.h"
#include "check.h"
#include "sql_quote.h"

/* ---------------------------------------------------------------------------- pieces -- */

const char *dsql_dialect_section(struct writer *w, const char *name)
{
    return arena_printf(w->a, "diff.%s.%s", w->d == DIALECT_SQLITE ? "sqlite" : "postgres", name);
}

const char *dsql_piece(struct writer *w, const char *section, const struct tvar *vars,
                       size_t nvars)
{
    return tmpl_piece(w->a, section, vars, nvars);
}

const char *dsql_ident(struct writer *w, const char *name)
{
    return sqlq_ident_a(w->a, name);
}

const char *dsql_literal(struct writer *w, const char *text)
{
    return sqlq_literal_a(w->a, text, w->d);
}

const char *dsql_comment_text(struct writer *w, const char *text)
{
    return sqlq_comment_a(w->a, text);
}

void dsql_comment(struct writer *w, const char *text)
{
    if (text)
        TMPL(w->out, "diff.comment", {"text", dsql_comment_text(w, text)});
}

void dsql_blank(struct writer *w)
{
    tmpl_emit(w->out, "diff.blank", NULL, 0);
}

const char *dsql_values_text(struct writer *w, const char *const *values, size_t n,
                             const char *last_separator)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++) {
        buf_puts(&b, i == 0 ? "" : i + 1 == n ? last_separator : ", ");
        sqlq_literal(&b, values[i], w->d);
    }
    const char *s = arena_strdup(w->a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *dsql_members(struct writer *w, const struct column *c)
{
    const struct enum_type *e = c->field->enum_type;
    return dsql_values_text(w, e->members, e->nmembers, ", ");
}

const char *dsql_table_name(const struct table_diff *t)
{
    return t->new ? t->new->table : t->old->table;
}

bool dsql_altered(struct writer *w, size_t i)
{
    const struct table_diff *t = w->df->tables[i];
    return t->old && t->new && !(w->rebuilt && w->rebuilt[i]);
}

/* -------------------------------------------------------------------- what changed -- */

const char *dsql_object_kind(struct writer *w, const struct sql_object *o)
{
    static const char *const kinds[] = {
        [SQL_CHECK] = "diff.kind.check", [SQL_UNIQUE] = "diff.kind.unique",
        [SQL_FOREIGN_KEY] = "diff.kind.foreign_key", [SQL_INDEX] = "diff.kind.index",
    };
    return dsql_piece(w, kinds[o->kind], NULL, 0);
}

const char *dsql_object_text(struct writer *w, const char *section, const struct sql_object *o)
{
    return DPIECE(w, section, {"kind", dsql_object_kind(w, o)}, {"name", o->name});
}

const char *dsql_what(struct writer *w, const struct change *ch)
{
    const struct table_diff *t = ch->table;
    const struct column_diff *c = ch->column;
    const char *table = dsql_table_name(t);
    const char *column = c ? (c->new ? c->new->name : c->old->name) : NULL;
    switch (ch->kind) {
    case CHANGE_ADD_TABLE:
        return DPIECE(w, "diff.what.add_table", {"table", table});
    case CHANGE_DROP_TABLE:
        return DPIECE(w, "diff.what.drop_table", {"table", table});
    case CHANGE_RENAME_TABLE:
        return DPIECE(w, "diff.what.rename_table", {"old", t->old->table}, {"new", t->new->table});
    case CHANGE_ADD_COLUMN:
        return DPIECE(w, "diff.what.add_column", {"table", table}, {"column", column});
    case CHANGE_DROP_COLUMN:
        return DPIECE(w, "diff.what.drop_column", {"table", t->old->table}, {"column", column});
    case CHANGE_RENAME_COLUMN:
        return DPIECE(w, "diff.what.rename_column", {"table", table}, {"old", c->old->name},
                      {"new", c->new->name});
    case CHANGE_RETYPE:
        return DPIECE(w, "diff.what.retype", {"table", table}, {"column", column},
                      {"from", type_name(c->old->field->type)},
                      {"to", type_name(c->new->field->type)});
    case CHANGE_NULLABLE:
        return DPIECE(w, "diff.what.nullable", {"table", table}, {"column", column});
    case CHANGE_REQUIRED:
        return DPIECE(w, "diff.what.required", {"table", table}, {"column", column});
    case CHANGE_DEFAULT: {
        const char *value = sql_default(c->new->field, w->d, w->a);
        if (!value)
            return DPIECE(w, "diff.what.drop_default", {"table", table}, {"column", column});
        return DPIECE(w, "diff.what.set_default", {"table", table}, {"column", column},
                      {"value", value});
    }
    case CHANGE_ENUM:
        return DPIECE(w, "diff.what.enum", {"table", table}, {"column", column},
                      {"values", dsql_members(w, c->new)});
    case CHANGE_ADD_UNIQUE:
    case CHANGE_ADD_INDEX:
        return dsql_object_text(w, "diff.what.add_object", ch->object);
    case CHANGE_DROP_UNIQUE:
    case CHANGE_DROP_INDEX:
        return dsql_object_text(w, "diff.what.drop_object", ch->object);
    case CHANGE_TARGET:
        return DPIECE(w, "diff.what.target", {"table", table}, {"column", column},
                      {"target", c->new->assoc->target->table});
    case CHANGE_ACTIONS:
        return DPIECE(w, "diff.what.actions", {"table", table}, {"column", column});
    case CHANGE_MODE:
        return DPIECE(w, c->new->assoc->mode == FK_NONE ? "diff.what.constraint_dropped"
                                                         : "diff.what.constraint_added",
                      {"table", table}, {"column", column});
    case CHANGE_DEFERRAL:
        if (!diff_deferred(c->new->assoc))
            return DPIECE(w, "diff.what.immediate", {"table", table}, {"column", column});
        return DPIECE(w, "diff.what.deferred", {"table", table}, {"column", column},
                      {"reason", defer_reason_text(c->new->assoc, w->a)});
    }
    return NULL;
}

const char *dsql_loss(struct writer *w, const struct change *ch)
{
    const struct table_diff *t = ch->table;
    const struct column_diff *c = ch->column;
    if (!ch->destructive)
        return NULL;
    switch (ch->kind) {
    case CHANGE_DROP_TABLE:
        return DPIECE(w, "diff.loss.drop_table", {"table", t->old->table});
    case CHANGE_DROP_COLUMN:
        return DPIECE(w, "diff.loss.drop_column", {"table", t->old->table},
                      {"column", c->old->name});
    case CHANGE_REQUIRED:
        return DPIECE(w, "diff.loss.required", {"table", t->new->table}, {"column", c->new->name});
    case CHANGE_ENUM:
        return DPIECE(w, "diff.loss.enum", {"table", t->new->table}, {"column", c->new->name},
                      {"values", dsql_values_text(w, c->lost, c->nlost, " or ")},
                      {"outcome", diff_replacement_text(c->new, w->a)});
    case CHANGE_RETYPE:
        if (c->narrowed)
            return DPIECE(w, "diff.loss.to_enum", {"table", t->new->table},
                          {"column", c->new->name}, {"values", dsql_members(w, c->new)},
                          {"outcome", diff_replacement_text(c->new, w->a)});
        return DPIECE(w, "diff.loss.retype", {"table", t->new->table},
                      {"column", c->new->name}, {"from", type_name(c->old->field->type)},
                      {"to", type_name(c->new->field->type)});
    default:
        return NULL;
    }
}

const struct change *dsql_find(struct writer *w, enum change_kind kind,
                               const struct table_diff *t, const struct column_diff *c)
{
    for (size_t i = 0; i < w->df->nchanges; i++) {
        const struct change *ch = w->df->changes[i];
        if (ch->kind == kind && ch->table == t && (!c || ch->column == c))
            return ch;
    }
    return NULL;
}

bool dsql_deletes(const struct change *ch)
{
    const struct column_diff *c = ch->column;
    if (!ch->destructive)
        return false;
    if (ch->kind == CHANGE_REQUIRED)
        return true;
    return (ch->kind == CHANGE_ENUM || (ch->kind == CHANGE_RETYPE && c->narrowed)) &&
           !diff_fills(c->new) && !diff_nullable(c->new);
}

void dsql_describe(struct writer *w, const struct change *ch)
{
    if (!ch)
        return;
    dsql_comment(w, dsql_what(w, ch));
    if (!dsql_deletes(ch))
        dsql_comment(w, dsql_loss(w, ch));
}

/* -------------------------------------------------------------- what goes away -- */

void dsql_drop_columns_and_tables(struct writer *w)
{
    const struct diff *df = w->df;
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; dsql_altered(w, i) && j < t->ncolumns; j++) {
            const struct column_diff *c = t->columns[j];
            if (c->new)
                continue;
            dsql_describe(w, dsql_find(w, CHANGE_DROP_COLUMN, t, c));
            TMPL(w->out, "diff.drop_column", {"table", dsql_ident(w, t->old->table)},
                 {"column", dsql_ident(w, c->old->name)});
            dsql_blank(w);
        }
    }
    for (size_t i = df->ntables; i-- > 0;) {
        const struct table_diff *t = df->tables[i];
        if (t->new)
            continue;
        dsql_describe(w, dsql_find(w, CHANGE_DROP_TABLE, t, NULL));
        TMPL(w->out, "diff.drop_table", {"table", dsql_ident(w, t->old->table)});
        dsql_blank(w);
    }
}

/* -------------------------------------------------------------- ordering renames -- */

static bool fold_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

bool dsql_same_name(struct writer *w, const char *a, const char *b)
{
    if (w->d == DIALECT_SQLITE)
        return fold_equal(a, b);
    /* PostgreSQL's name for each: as written when it is quoted, else in lower case */
    bool qa = sqlq_ident_needs_quotes(a), qb = sqlq_ident_needs_quotes(b);
    if (!qa && !qb)
        return fold_equal(a, b);
    for (; *a && *b; a++, b++) {
        char x = !qa && *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = !qb && *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

void dsql_same_name_comment(struct writer *w, const struct change *ch)
{
    if (ch)
        TMPL(w->out, "diff.same_name", {"text", dsql_comment_text(w, dsql_what(w, ch))});
}

static bool in_use(struct writer *w, const char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && dsql_same_name(w, names[i], name))
            return true;
    return false;
}

size_t dsql_order_renames(struct writer *w, const struct rename_step *in, size_t n,
                          const char **names, size_t nnames, struct rename_step **out)
{
    struct rename_step *pending = arena_alloc(w->a, (n + 1) * sizeof *pending);
    struct rename_step *steps = arena_alloc(w->a, (2 * n + 1) * sizeof *steps);
    bool *done = arena_alloc(w->a, n + 1);
    memcpy(pending, in, n * sizeof *in);
    size_t nsteps = 0, left = n;
    while (left) {
        bool progress = false;
        for (size_t i = 0; i < n; i++) {
            if (done[i] || in_use(w, names, nnames, pending[i].to))
                continue;
            for (size_t k = 0; k < nnames; k++)
                if (names[k] && dsql_same_name(w, names[k], pending[i].from))
                    names[k] = pending[i].to;
            steps[nsteps++] = pending[i];
            done[i] = true;
            left--;
            progress = true;
        }
        if (progress)
            continue;
        /* a cycle: move its first member aside */
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            const char *tmp = arena_printf(w->a, "mg_tmp_%s", pending[i].from);
            for (size_t k = 0; k < nnames; k++)
                if (names[k] && dsql_same_name(w, names[k], pending[i].from))
                    names[k] = tmp;
            steps[nsteps] = pending[i];
            steps[nsteps++].to = tmp;
            pending[i].from = tmp;
            break;
        }
    }
    *out = steps;
    return nsteps;
}

bool dsql_is_temporary(const char *name)
{
    return strncmp(name, "mg_tmp_", 7) == 0;
}

void dsql_rename_tables(struct writer *w)
{
    const struct diff *df = w->df;
    struct rename_step *renames = arena_alloc(w->a, (df->ntables + 1) * sizeof *renames);
    const char **names = arena_alloc(w->a, (df->ntables + 1) * sizeof *names);
    size_t n = 0, nnames = 0;
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        if (!t->old || !t->new)
            continue;
        names[nnames++] = t->old->table;
        if (t->renamed && dsql_same_name(w, t->old->table, t->new->table))
            dsql_same_name_comment(w, dsql_find(w, CHANGE_RENAME_TABLE, t, NULL));
        else if (t->renamed)
            renames[n++] = (struct rename_step){t->old->table, t->new->table, t};
    }
    struct rename_step *steps;
    size_t nsteps = dsql_order_renames(w, renames, n, names, nnames, &steps);
    for (size_t i = 0; i < nsteps; i++) {
        const struct table_diff *t = steps[i].item;
        if (dsql_is_temporary(steps[i].to))
            TMPL(w->out, "diff.through_temporary",
                 {"old", dsql_comment_text(w, t->old->table)},
                 {"new", dsql_comment_text(w, t->new->table)});
        else if (!dsql_is_temporary(steps[i].from))
            dsql_describe(w, dsql_find(w, CHANGE_RENAME_TABLE, t, NULL));
        TMPL(w->out, "diff.rename_table", {"old", dsql_ident(w, steps[i].from)},
             {"new", dsql_ident(w, steps[i].to)});
        dsql_blank(w);
    }
}
