/* modelgen diff for SQLite: ALTER TABLE where SQLite can (RENAME TO, RENAME COLUMN, DROP
   COLUMN, ADD COLUMN), CREATE and DROP INDEX, and the table rebuild of
   https://www.sqlite.org/lang_altertable.html section 7 for everything else. The order is
   PostgreSQL's: what goes away, renames, rebuilds, then what is new. */
#include "diff_dialects.h"
#include "diff_convert.h"
#include "diff_rows.h"

#include <string.h>

#include "analyze.h"

static const char *q(struct writer *w, const char *name)
{
    return dsql_ident(w, name);
}

static bool on_added_column(const struct table_diff *t, const struct sql_object *o)
{
    for (size_t i = 0; i < o->ncolumns; i++) {
        const struct column_diff *c = diff_column_of_new(t, o->columns[i]);
        if (!c || c->old)
            return false;
    }
    return true;
}

static bool same_storage(struct writer *w, const struct column_diff *c)
{
    return strcmp(sql_type(c->old->field->type, w->d, w->a),
                  sql_type(c->new->field->type, w->d, w->a)) == 0;
}

/* Whether OLD's CREATE TABLE has a comment among its columns (a key without a constraint
   says so above its column). SQLite keeps that text, and DROP COLUMN edits it by
   scanning back from the dropped column to the comma before it: through a comment, which
   may hold a comma, it cuts the comment in two and leaves a table SQLite cannot read. */
static bool has_column_comment(const struct model *m)
{
    for (size_t i = 0; i < m->ncolumns; i++)
        if (m->columns[i].assoc && m->columns[i].assoc->mode == FK_NONE)
            return true;
    return false;
}

/* Whether ALTER TABLE cannot make a table's changes: a column's type, NOT NULL or default
   changes, a column arrives with a default that is not a constant, a column goes from a
   table whose text has comments among its columns, or a CHECK, UNIQUE or FOREIGN KEY
   clause appears, goes or changes (its name included) other than with a column that ADD
   COLUMN can carry it on. */
static bool needs_rebuild(struct writer *w, size_t i)
{
    const struct table_diff *t = w->df->tables[i];
    if (!t->old || !t->new)
        return false;
    for (size_t j = 0; j < t->ncolumns; j++) {
        const struct column_diff *c = t->columns[j];
        if (!c->new && has_column_comment(t->old))
            return true;
        if (c->old && c->new &&
            (c->nullability || c->def || (c->retyped && !same_storage(w, c))))
            return true;
        if (!c->old && c->new->field && c->new->field->def.kind == DEFAULT_NOW)
            return true;
    }
    for (size_t j = 0; j < w->npairs[i]; j++) {
        const struct object_pair *p = &w->pairs[i][j];
        const struct sql_object *o = p->new ? p->new : p->old;
        if (o->kind == SQL_INDEX)
            continue;
        if (p->old && p->new ? p->changed || strcmp(p->old->name, p->new->name) != 0
                             : p->old || o->kind == SQL_UNIQUE || !on_added_column(t, o))
            return true;
    }
    return false;
}

/* Foreign keys go off around the transaction for a rebuild, and for a dropped table: with
   them on, DROP TABLE deletes the table's rows first, and their keys act. */
size_t dsql_sqlite_plan(struct writer *w)
{
    size_t n = 0;
    w->rebuilt = arena_alloc(w->a, w->df->ntables + 1);
    for (size_t i = 0; i < w->df->ntables; i++) {
        n += w->rebuilt[i] = needs_rebuild(w, i);
        w->keys_off |= w->rebuilt[i] || !w->df->tables[i]->new;
    }
    return n;
}


/* ------------------------------------------------------------------ what goes away -- */

static void drop_indexes(struct writer *w)
{
    for (size_t i = w->df->ntables; i-- > 0;) {
        for (size_t j = 0; dsql_altered(w, i) && j < w->npairs[i]; j++) {
            const struct object_pair *p = &w->pairs[i][j];
            if (!p->old || p->old->kind != SQL_INDEX ||
                (p->new && strcmp(p->old->name, p->new->name) == 0))
                continue;
            dsql_comment(w, dsql_object_text(w, "diff.what.drop_object", p->old));
            TMPL(w->out, "diff.drop_index", {"name", q(w, p->old->name)});
            dsql_blank(w);
        }
    }
}

/* ------------------------------------------------------------------------- renames -- */

/* Every renamed table, rebuilt or not: RENAME TO carries the other tables' foreign keys
   along. Columns only in the tables that are not rebuilt (a rebuild copies them over). */
static void renames(struct writer *w)
{
    const struct diff *df = w->df;
    dsql_rename_tables(w);
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; dsql_altered(w, i) && j < t->ncolumns; j++) {
            const struct column_diff *c = t->columns[j];
            if (!c->old || !c->new || !c->renamed)
                continue;
            if (dsql_same_name(w, c->old->name, c->new->name)) {
                dsql_same_name_comment(w, dsql_find(w, CHANGE_RENAME_COLUMN, t, c));
                continue;
            }
            dsql_describe(w, dsql_find(w, CHANGE_RENAME_COLUMN, t, c));
            TMPL(w->out, "diff.rename_column", {"table", q(w, t->new->table)},
                 {"old", q(w, c->old->name)}, {"new", q(w, c->new->name)});
            dsql_blank(w);
        }
    }
}

/* ------------------------------------------------------------------------ rebuilds -- */

/* The old row's value for NEW's column c (the rows it cannot hold at all went first). */
static const char *copied_value(struct writer *w, const struct column_diff *c)
{
    const char *x = dsql_convert(w, c, q(w, c->old->name));
    const char *def = c->new->field ? sql_default(c->new->field, w->d, w->a) : NULL;
    if (c->narrowed && (diff_fills(c->new) || diff_nullable(c->new)))
        x = DPIECE(w, "diff.keep_members", {"x", x}, {"values", dsql_members(w, c->new)},
                   {"other", diff_fills(c->new) ? def : dsql_piece(w, "sql.null", NULL, 0)});
    if (c->nullability && !diff_nullable(c->new) && diff_fills(c->new))
        x = DPIECE(w, "diff.coalesce", {"x", x}, {"value", def});
    return x;
}

static void rebuild(struct writer *w, size_t i)
{
    const struct table_diff *t = w->df->tables[i];
    const char *table = q(w, t->new->table);
    const char *old = q(w, arena_printf(w->a, "mg_old_%s", t->new->table));
    TMPL(w->out, "diff.sqlite.rebuild_heading", {"table", dsql_comment_text(w, t->new->table)});
    bool renamed = false;
    for (size_t j = 0; j < w->npairs[i]; j++) {
        const struct object_pair *p = &w->pairs[i][j];
        renamed |= p->old && p->new && p->new->kind != SQL_INDEX &&
                   strcmp(p->old->name, p->new->name) != 0;
    }
    if (renamed)
        TMPL(w->out, "diff.rebuild_item",
             {"text", dsql_comment_text(w, dsql_piece(w, "diff.sqlite.names_follow", NULL, 0))});
    for (size_t k = 0; k < w->df->nchanges; k++) {
        const struct change *ch = w->df->changes[k];
        if (ch->table != t || ch->kind == CHANGE_RENAME_TABLE)
            continue;
        TMPL(w->out, "diff.rebuild_item", {"text", dsql_comment_text(w, dsql_what(w, ch))});
        if (!dsql_deletes(ch))
            dsql_comment(w, dsql_loss(w, ch));
        if (ch->kind == CHANGE_RETYPE)
            dsql_comment(w, dsql_check_comment(w, ch->column));
    }
    TMPL(w->out, "diff.sqlite.move_aside", {"table", table}, {"old", old});
    sql_create_table(w->out, t->new, w->d);

    struct buf columns = {0}, values = {0};
    for (size_t j = 0; j < t->new->ncolumns; j++) {
        const struct column_diff *c = diff_column_of_new(t, &t->new->columns[j]);
        if (!c->old)
            continue;
        const char *sep = columns.len ? ", " : "";
        buf_printf(&columns, "%s%s", sep, q(w, c->new->name));
        buf_printf(&values, "%s%s", sep, copied_value(w, c));
    }
    TMPL(w->out, "diff.sqlite.copy", {"table", table}, {"columns", columns.data},
         {"values", values.data}, {"old", old});
    dsql_check_copy(w, t, old);
    TMPL(w->out, "diff.sqlite.drop_old", {"old", old});
    buf_free(&columns);
    buf_free(&values);
    sql_create_indexes(w->out, t->new, w->d);
}

/* ---------------------------------------------------------------------- what is new -- */

/* ADD COLUMN, with the column's CHECK and foreign key inline (all SQLite takes). */
static void add_column(struct writer *w, size_t i, const struct column_diff *c)
{
    const struct table_diff *t = w->df->tables[i];
    struct buf with = {0};
    for (size_t j = 0; j < w->npairs[i]; j++) {
        const struct sql_object *o = w->pairs[i][j].new;
        if (!o || w->pairs[i][j].old || o->columns[0] != c->new || o->kind == SQL_INDEX)
            continue;
        if (with.len)
            buf_puts(&with, "\n    ");
        if (o->kind == SQL_CHECK) {
            buf_puts(&with, sql_table_constraint(t->new, o, w->d, w->a));
            continue;
        }
        const struct assoc *a = c->new->assoc;
        buf_puts(&with, DPIECE(w, "diff.sqlite.column_reference", {"name", q(w, o->name)},
                               {"target", q(w, a->target->table)},
                               {"actions", sql_actions(a, w->a)}));
        if (diff_deferred(a))
            buf_puts(&with, dsql_piece(w, "diff.sqlite.deferrable", NULL, 0));
    }
    dsql_describe(w, dsql_find(w, CHANGE_ADD_COLUMN, t, c));
    const char *table = q(w, t->new->table), *column = q(w, c->new->name);
    const char *definition = sql_column_definition(c->new, w->d, w->a);
    if (with.len)
        TMPL(w->out, "diff.sqlite.add_column_with", {"table", table}, {"column", column},
             {"definition", definition}, {"constraint", with.data});
    else
        TMPL(w->out, "diff.add_column", {"table", table}, {"column", column},
             {"definition", definition});
    dsql_blank(w);
    buf_free(&with);
}

static void add_columns_and_indexes(struct writer *w)
{
    const struct diff *df = w->df;
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        for (size_t j = 0; dsql_altered(w, i) && j < t->ncolumns; j++) {
            const struct column_diff *c = t->columns[j];
            if (!c->old)
                add_column(w, i, c);
            else if (c->new && c->retyped) {  /* int and timestamp: both INTEGER */
                TMPL(w->out, "diff.sqlite.same_storage",
                     {"text", dsql_comment_text(w, dsql_what(w, dsql_find(w, CHANGE_RETYPE, t, c)))});
                dsql_comment(w, dsql_check_comment(w, c));
                dsql_blank(w);
            }
        }
    }
    for (size_t i = 0; i < df->ntables; i++) {
        for (size_t j = 0; dsql_altered(w, i) && j < w->npairs[i]; j++) {
            const struct object_pair *p = &w->pairs[i][j];
            if (!p->new || p->new->kind != SQL_INDEX ||
                (p->old && strcmp(p->old->name, p->new->name) == 0))
                continue;
            dsql_comment(w, dsql_object_text(w, "diff.what.add_object", p->new));
            sql_create_index(w->out, df->tables[i]->new, p->new, w->d);
            dsql_blank(w);
        }
    }
}

void dsql_sqlite_body(struct writer *w)
{
    const struct diff *df = w->df;
    drop_indexes(w);
    dsql_drop_columns_and_tables(w);
    renames(w);
    for (size_t i = 0; i < df->ntables; i++)
        if (w->rebuilt[i])
            rebuild(w, i);
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        if (t->new && !t->old) {
            dsql_describe(w, dsql_find(w, CHANGE_ADD_TABLE, t, NULL));
            sql_create_table(w->out, t->new, w->d);
            sql_create_indexes(w->out, t->new, w->d);
        }
    }
    add_columns_and_indexes(w);
}
