/* modelgen diff for PostgreSQL: everything in place with ALTER TABLE. What goes away goes
   first (constraints, columns, tables), then renames, then changes to columns, then what
   is new (tables, columns, constraints, indexes, foreign keys last). */
#include "diff_dialects.h"
#include "diff_convert.h"
#include "diff_rows.h"

#include <string.h>

#include "analyze.h"

static const char *q(struct writer *w, const char *name)
{
    return dsql_ident(w, name);
}

/* Whether OLD's object involves a dropped column (DROP COLUMN takes it along). */
static bool on_dropped_column(const struct table_diff *t, const struct sql_object *o)
{
    for (size_t i = 0; i < o->ncolumns; i++) {
        const struct column_diff *c = diff_column_of_old(t, o->columns[i]);
        if (c && !c->new)
            return true;
    }
    return false;
}

static void drop_object(struct writer *w, const char *table, const struct sql_object *o)
{
    if (o->kind == SQL_INDEX)
        TMPL(w->out, "diff.drop_index", {"name", q(w, o->name)});
    else
        TMPL(w->out, "diff.postgres.drop_constraint", {"table", q(w, table)},
             {"name", q(w, o->name)});
}

/* The changes to a foreign key column that its constraint carries. */
static void describe_key(struct writer *w, const struct table_diff *t, const struct column *c)
{
    const struct column_diff *cd = diff_column_of_new(t, c);
    static const enum change_kind kinds[] = {CHANGE_MODE, CHANGE_TARGET, CHANGE_ACTIONS,
                                             CHANGE_DEFERRAL};
    for (size_t i = 0; cd && i < sizeof kinds / sizeof kinds[0]; i++)
        dsql_describe(w, dsql_find(w, kinds[i], t, cd));
}

/* ------------------------------------------------------------------ what goes away -- */

static void drop_objects(struct writer *w)
{
    const struct diff *df = w->df;
    for (size_t i = df->ntables; i-- > 0;) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; j < w->npairs[i]; j++) {
            const struct object_pair *p = &w->pairs[i][j];
            if (!t->new) {
                /* a deferred key among dropped tables would stop its target's DROP TABLE */
                const struct assoc *a = p->old->kind == SQL_FOREIGN_KEY ? p->old->columns[0]->assoc : NULL;
                if (!a || !diff_deferred(a) || a->target == t->old)
                    continue;
                TMPL(w->out, "diff.postgres.drop_first", {"name", dsql_comment_text(w, p->old->name)});
            } else if (p->old && !p->new && !on_dropped_column(t, p->old)) {
                /* a key without its constraint, a column that is no enum any more */
                const struct column_diff *c = diff_column_of_old(t, p->old->columns[0]);
                const struct change *mode = dsql_find(w, CHANGE_MODE, t, c);
                const struct change *retype = dsql_find(w, CHANGE_RETYPE, t, c);
                if (p->old->kind == SQL_FOREIGN_KEY && mode)
                    dsql_describe(w, mode);
                else if (p->old->kind == SQL_CHECK && retype && !retype->destructive)
                    dsql_describe(w, retype);
                if (!(p->old->kind == SQL_FOREIGN_KEY && mode))
                    dsql_comment(w, dsql_object_text(w, "diff.what.drop_object", p->old));
            } else if (p->old && p->new && p->changed && !p->deferral_only) {
                TMPL(w->out, "diff.postgres.drop_again", {"kind", dsql_object_kind(w, p->old)},
                     {"name", dsql_comment_text(w, p->old->name)});
            } else {
                continue;
            }
            drop_object(w, t->old->table, p->old);
            dsql_blank(w);
        }
    }
}

/* ------------------------------------------------------------------------- renames -- */

static void rename_columns(struct writer *w, const struct table_diff *t)
{
    struct rename_step *renames = arena_alloc(w->a, (t->ncolumns + 1) * sizeof *renames);
    const char **names = arena_alloc(w->a, (t->ncolumns + 1) * sizeof *names);
    size_t n = 0, nnames = 0;
    for (size_t j = 0; j < t->ncolumns; j++) {
        const struct column_diff *c = t->columns[j];
        if (!c->old || !c->new)
            continue;
        names[nnames++] = c->old->name;
        if (c->renamed && dsql_same_name(w, c->old->name, c->new->name))
            dsql_same_name_comment(w, dsql_find(w, CHANGE_RENAME_COLUMN, t, c));
        else if (c->renamed)
            renames[n++] = (struct rename_step){c->old->name, c->new->name, c};
    }
    struct rename_step *steps;
    size_t nsteps = dsql_order_renames(w, renames, n, names, nnames, &steps);
    for (size_t i = 0; i < nsteps; i++) {
        if (!dsql_is_temporary(steps[i].from) && !dsql_is_temporary(steps[i].to))
            dsql_describe(w, dsql_find(w, CHANGE_RENAME_COLUMN, t, steps[i].item));
        TMPL(w->out, "diff.rename_column", {"table", q(w, t->new->table)},
             {"old", q(w, steps[i].from)}, {"new", q(w, steps[i].to)});
        dsql_blank(w);
    }
}

/* What an object rename applies to: a constraint or an index of a table, or its sequence. */
struct named {
    enum { NAMED_CONSTRAINT, NAMED_INDEX, NAMED_SEQUENCE } kind;
    const char *table;
};

static void add_named(struct writer *w, struct rename_step *renames, size_t *n, const char *from,
                      const char *to, int kind, const char *table)
{
    struct named *x = arena_alloc(w->a, sizeof *x);
    x->kind = kind;
    x->table = table;
    renames[(*n)++] = (struct rename_step){from, to, x};
}

/* Constraint, index and sequence names follow the tables and columns they are named after,
   so that the database reads like a fresh one. */
static void rename_objects(struct writer *w)
{
    const struct diff *df = w->df;
    size_t cap = 1;
    for (size_t i = 0; i < df->ntables; i++)
        cap += w->npairs[i] + 2;
    struct rename_step *renames = arena_alloc(w->a, cap * sizeof *renames);
    const char **names = arena_alloc(w->a, cap * sizeof *names);
    size_t n = 0, nnames = 0;
    bool database_names = false;
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        if (!t->old || !t->new)
            continue;
        const char *table = t->new->table;
        const char *old_pkey = sql_postgres_auto_name(t->old->table, NULL, "pkey", w->a);
        const char *old_seq = sql_postgres_auto_name(t->old->table, "id", "seq", w->a);
        names[nnames++] = old_pkey;
        names[nnames++] = old_seq;
        const char *new_pkey = sql_postgres_auto_name(table, NULL, "pkey", w->a);
        const char *new_seq = sql_postgres_auto_name(table, "id", "seq", w->a);
        if (!dsql_same_name(w, old_pkey, new_pkey))
            add_named(w, renames, &n, old_pkey, new_pkey, NAMED_CONSTRAINT, table);
        if (!dsql_same_name(w, old_seq, new_seq))
            add_named(w, renames, &n, old_seq, new_seq, NAMED_SEQUENCE, table);
        for (size_t j = 0; j < w->npairs[i]; j++) {
            const struct object_pair *p = &w->pairs[i][j];
            if (!p->old || !p->new || (p->changed && !p->deferral_only))
                continue;
            names[nnames++] = p->old->name;
            if (!dsql_same_name(w, p->old->name, p->new->name)) {
                add_named(w, renames, &n, p->old->name, p->new->name,
                          p->new->kind == SQL_INDEX ? NAMED_INDEX : NAMED_CONSTRAINT, table);
                database_names |= p->old->database_name;
            }
        }
    }
    if (n == 0)
        return;
    struct rename_step *steps;
    size_t nsteps = dsql_order_renames(w, renames, n, names, nnames, &steps);
    tmpl_emit(w->out, database_names ? "diff.postgres.names_database"
                                     : "diff.postgres.names_follow", NULL, 0);
    for (size_t i = 0; i < nsteps; i++) {
        const struct named *x = steps[i].item;
        const char *from = q(w, steps[i].from), *to = q(w, steps[i].to);
        if (x->kind == NAMED_CONSTRAINT)
            TMPL(w->out, "diff.postgres.rename_constraint", {"table", q(w, x->table)},
                 {"old", from}, {"new", to});
        else
            TMPL(w->out, x->kind == NAMED_INDEX ? "diff.postgres.rename_index"
                                                : "diff.postgres.rename_sequence",
                 {"old", from}, {"new", to});
    }
    dsql_blank(w);
}

/* ------------------------------------------------------------------ column changes -- */

/* Whether a column's change fills or replaces values with an UPDATE (rather than in the
   USING of an ALTER TYPE). */
static bool updates(struct writer *w, const struct column_diff *c)
{
    if (!c->old || !c->new || !c->new->field || !c->old->field)
        return false;
    bool type_changes = c->retyped && strcmp(sql_type(c->old->field->type, w->d, w->a),
                                             sql_type(c->new->field->type, w->d, w->a)) != 0;
    bool replaces = c->narrowed && (diff_fills(c->new) || diff_nullable(c->new));
    bool fills = c->nullability && !diff_nullable(c->new) && diff_fills(c->new);
    return !type_changes && (replaces || fills);
}

/* In this order: NULL allowed first (a value may become NULL below); the type, its values
   converted, replaced when NEW's enum has no place for them and NULLs filled, in the one
   ALTER TYPE ... USING that rewrites the table; or else the UPDATEs that replace and fill;
   the default; NOT NULL last. */
static void alter_column(struct writer *w, const struct table_diff *t, const struct column_diff *c)
{
    const char *table = q(w, t->new->table), *column = q(w, c->new->name);
    const struct field *of = c->old->field, *nf = c->new->field;
    const char *value = nf ? sql_default(nf, w->d, w->a) : NULL;
    bool nullable = diff_nullable(c->new);
    bool fills = c->nullability && !nullable && diff_fills(c->new);
    bool replaces = c->narrowed && (diff_fills(c->new) || nullable);
    bool type_changes = c->retyped && strcmp(sql_type(of->type, w->d, w->a),
                                             sql_type(nf->type, w->d, w->a)) != 0;
    bool default_dropped = false;
    const char *other = diff_fills(c->new) ? value : dsql_piece(w, "sql.null", NULL, 0);
    if (c->nullability && nullable) {
        dsql_describe(w, dsql_find(w, CHANGE_NULLABLE, t, c));
        TMPL(w->out, "diff.postgres.drop_not_null", {"table", table}, {"column", column});
        dsql_blank(w);
    }
    if (type_changes) {
        dsql_describe(w, dsql_find(w, CHANGE_RETYPE, t, c));
        dsql_comment(w, dsql_check_comment(w, c));
        const char *x = dsql_convert(w, c, column);
        if (replaces)
            x = DPIECE(w, "diff.keep_members", {"x", x}, {"values", dsql_members(w, c->new)},
                       {"other", other});
        if (fills) {
            dsql_comment(w, DPIECE(w, "diff.what.fill_nulls", {"table", t->new->table},
                                   {"column", c->new->name}));
            x = DPIECE(w, "diff.coalesce", {"x", x}, {"value", value});
        }
        if (of->def.kind != DEFAULT_NONE) {
            TMPL(w->out, "diff.postgres.drop_default", {"table", table}, {"column", column});
            default_dropped = true;
        }
        TMPL(w->out, "diff.postgres.alter_type", {"table", table}, {"column", column},
             {"type", sql_type(nf->type, w->d, w->a)}, {"expression", x});
        if (default_dropped && value && !c->def)
            TMPL(w->out, "diff.postgres.set_default", {"table", table}, {"column", column},
                 {"value", value});
        dsql_blank(w);
    } else if (replaces) {
        dsql_describe(w, dsql_find(w, c->retyped ? CHANGE_RETYPE : CHANGE_ENUM, t, c));
        TMPL(w->out, "diff.update", {"table", table}, {"column", column}, {"value", other},
             {"condition", DPIECE(w, "diff.not_in_members", {"x", column},
                                  {"values", dsql_members(w, c->new)})});
        dsql_blank(w);
    }
    if (c->def) {
        dsql_describe(w, dsql_find(w, CHANGE_DEFAULT, t, c));
        if (value)
            TMPL(w->out, "diff.postgres.set_default", {"table", table}, {"column", column},
                 {"value", value});
        else if (!default_dropped)
            TMPL(w->out, "diff.postgres.drop_default", {"table", table}, {"column", column});
        dsql_blank(w);
    }
    if (c->nullability && !nullable) {
        dsql_describe(w, dsql_find(w, CHANGE_REQUIRED, t, c));
        if (fills && !type_changes) {   /* else the rows went first of all */
            dsql_comment(w, DPIECE(w, "diff.what.fill_nulls", {"table", t->new->table},
                                   {"column", c->new->name}));
            TMPL(w->out, "diff.update", {"table", table}, {"column", column}, {"value", value},
                 {"condition", DPIECE(w, "diff.is_null", {"x", column})});
        }
        TMPL(w->out, "diff.postgres.set_not_null", {"table", table}, {"column", column});
        dsql_blank(w);
    }
}

/* ---------------------------------------------------------------------- what is new -- */

static void add_tables_and_columns(struct writer *w)
{
    const struct diff *df = w->df;
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        if (t->new && !t->old) {
            dsql_describe(w, dsql_find(w, CHANGE_ADD_TABLE, t, NULL));
            sql_create_table(w->out, t->new, w->d);
            sql_create_indexes(w->out, t->new, w->d);
        }
    }
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; t->old && t->new && j < t->ncolumns; j++) {
            const struct column_diff *c = t->columns[j];
            if (c->old)
                continue;
            dsql_describe(w, dsql_find(w, CHANGE_ADD_COLUMN, t, c));
            TMPL(w->out, "diff.add_column", {"table", q(w, t->new->table)},
                 {"column", q(w, c->new->name)},
                 {"definition", sql_column_definition(c->new, w->d, w->a)});
            dsql_blank(w);
        }
    }
}

static void add_foreign_key(struct writer *w, const struct table_diff *t, const struct sql_object *o)
{
    struct column *c = o->columns[0];
    dsql_comment(w, dsql_object_text(w, "diff.what.add_object", o));
    if (diff_deferred(c->assoc)) {
        sql_deferred_foreign_key(w->out, t->new, c);
        return;
    }
    TMPL(w->out, "diff.postgres.add_foreign_key", {"table", q(w, t->new->table)},
         {"name", q(w, o->name)}, {"column", q(w, c->name)},
         {"target", q(w, c->assoc->target->table)}, {"actions", sql_actions(c->assoc, w->a)});
    dsql_blank(w);
}

/* Checks, unique constraints and indexes first; foreign keys once every table they join and
   every value they check is in place. */
static void add_objects(struct writer *w, bool keys)
{
    const struct diff *df = w->df;
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; t->new && j < w->npairs[i]; j++) {
            const struct object_pair *p = &w->pairs[i][j];
            const struct sql_object *o = p->new;
            if (!o || (o->kind == SQL_FOREIGN_KEY) != keys || (p->old && !p->changed))
                continue;
            if (!t->old) {
                if (keys && diff_deferred(o->columns[0]->assoc))
                    add_foreign_key(w, t, o);
                continue;
            }
            if (keys && p->deferral_only) {
                describe_key(w, t, o->columns[0]);
                TMPL(w->out, diff_deferred(o->columns[0]->assoc) ? "diff.postgres.defer"
                                                                   : "diff.postgres.undefer",
                     {"table", q(w, t->new->table)}, {"name", q(w, o->name)});
                dsql_blank(w);
                continue;
            }
            if (keys) {
                describe_key(w, t, o->columns[0]);
                add_foreign_key(w, t, o);
                continue;
            }
            const struct column_diff *c = diff_column_of_new(t, o->columns[0]);
            const struct change *members = dsql_find(w, CHANGE_ENUM, t, c);
            if (o->kind == SQL_CHECK && members && (!members->destructive || dsql_deletes(members)))
                dsql_comment(w, dsql_what(w, members));   /* not said above */
            dsql_comment(w, dsql_object_text(w, "diff.what.add_object", o));
            if (o->kind == SQL_INDEX)
                sql_create_index(w->out, t->new, o, w->d);
            else
                TMPL(w->out, "diff.postgres.add_constraint", {"table", q(w, t->new->table)},
                     {"constraint", sql_table_constraint(t->new, o, w->d, w->a)});
            dsql_blank(w);
        }
    }
}

void dsql_postgres_body(struct writer *w)
{
    const struct diff *df = w->df;
    drop_objects(w);
    dsql_drop_columns_and_tables(w);
    dsql_rename_tables(w);
    for (size_t i = 0; i < df->ntables; i++)
        if (df->tables[i]->old && df->tables[i]->new)
            rename_columns(w, df->tables[i]);
    rename_objects(w);
    bool any_update = false;
    for (size_t i = 0; i < df->ntables; i++)
        for (size_t j = 0; df->tables[i]->old && df->tables[i]->new && j < df->tables[i]->ncolumns; j++)
            any_update |= updates(w, df->tables[i]->columns[j]);
    if (any_update && !w->immediate)
        tmpl_emit(w->out, "diff.postgres.immediate", NULL, 0);
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; t->old && t->new && j < t->ncolumns; j++)
            if (t->columns[j]->old && t->columns[j]->new)
                alter_column(w, t, t->columns[j]);
    }
    add_tables_and_columns(w);
    add_objects(w, false);
    add_objects(w, true);
}
