/* modelgen diff, the SQL: the changes diff.c found, as one commented transaction per
   dialect. The text lives in templates/diff.tmpl, and every table, column, constraint and
   index comes out exactly as the from-empty file (gen/sql.c) would write it. */
#include "diff_sql.h"

#include <string.h>

#include "analyze.h"
#include "check.h"
#include "template.h"

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

bool dsql_altered(struct writer *w, size_t i)
{
    const struct table_diff *t = w->df->tables[i];
    return t->old && t->new && !(w->rebuilt && w->rebuilt[i]);
}

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

const char *dsql_ident(struct writer *w, const char *name)
{
    return sql_quoted(name, w->a);
}

void dsql_comment(struct writer *w, const char *text)
{
    if (text)
        TMPL(w->out, "diff.comment", {"text", text});
}

void dsql_blank(struct writer *w)
{
    tmpl_emit(w->out, "diff.blank", NULL, 0);
}

/* 'a', 'b' as an SQL list, or 'a' or 'b' for a sentence. */
static const char *values_text(struct writer *w, const char *const *members, size_t n,
                               const char *last_separator)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 == n ? last_separator : ", ",
                   sql_string(members[i], w->a));
    const char *s = arena_strdup(w->a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *dsql_members(struct writer *w, const struct column *c)
{
    const struct enum_type *e = c->field->enum_type;
    return values_text(w, e->members, e->nmembers, ", ");
}

static const char *table_of(const struct table_diff *t)
{
    return t->new ? t->new->table : t->old->table;
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

/* One sentence on a change, in the user's terms. */
const char *dsql_what(struct writer *w, const struct change *ch)
{
    const struct table_diff *t = ch->table;
    const struct column_diff *c = ch->column;
    const char *table = table_of(t);
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

/* What a destructive change loses, or NULL. */
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
                      {"values", values_text(w, c->lost, c->nlost, " or ")},
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

/* The change of this kind to a table (column NULL) or one of its columns, or NULL. */
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

/* Whether a change deletes rows: NEW's column cannot hold their value, and neither a
   default nor NULL can take its place. */
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

/* The comment lines of a change: what it is and, when it is destructive, what it loses
   (rows it deletes are commented where they go, at the start). */
void dsql_describe(struct writer *w, const struct change *ch)
{
    if (!ch)
        return;
    dsql_comment(w, dsql_what(w, ch));
    if (!dsql_deletes(ch))
        dsql_comment(w, dsql_loss(w, ch));
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
static void delete_rows(struct writer *w)
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

/* --------------------------------------------------------------- converting values -- */

static const char *cast(struct writer *w, const char *x, enum type_kind to)
{
    return DPIECE(w, "diff.postgres.cast", {"x", x}, {"type", sql_type(to, w->d, w->a)});
}

static const char *sqlite_convert(struct writer *w, enum type_kind from, enum type_kind to,
                                  const char *x)
{
    bool number = from == TYPE_INT || from == TYPE_REAL || from == TYPE_TIMESTAMP;
    bool text = from == TYPE_TEXT || from == TYPE_ENUM;
    switch (to) {
    case TYPE_INT:
    case TYPE_TIMESTAMP:
        if (from == TYPE_INT || from == TYPE_BOOL || from == TYPE_TIMESTAMP)
            return x;
        return DPIECE(w, "diff.sqlite.to_int", {"x", x});
    case TYPE_REAL:
        return DPIECE(w, "diff.sqlite.to_real", {"x", x});
    case TYPE_TEXT:
    case TYPE_ENUM:
        if (text)
            return x;
        if (from == TYPE_BOOL)
            return DPIECE(w, "diff.sqlite.bool_to_text", {"x", x});
        return DPIECE(w, "diff.sqlite.to_text", {"x", x});
    case TYPE_BLOB:
        return DPIECE(w, "diff.sqlite.to_blob", {"x", x});
    case TYPE_BOOL:
        if (number)
            return DPIECE(w, "diff.sqlite.number_to_bool", {"x", x});
        return DPIECE(w, "diff.sqlite.text_to_bool", {"x", x});
    }
    return x;
}

static const char *postgres_convert(struct writer *w, enum type_kind from, enum type_kind to,
                                    const char *x)
{
    /* text first, for the types PostgreSQL only converts from text */
    if (from == TYPE_BLOB && to != TYPE_TEXT && to != TYPE_ENUM) {
        x = DPIECE(w, "diff.postgres.bytes_to_text", {"x", x});
        from = TYPE_TEXT;
    }
    bool text = from == TYPE_TEXT || from == TYPE_ENUM;
    const char *type = sql_type(to, w->d, w->a);
    switch (to) {
    case TYPE_INT:
    case TYPE_REAL:
        if (from == TYPE_REAL && to == TYPE_INT)
            return DPIECE(w, "diff.postgres.real_to_int", {"x", x});
        if (from == TYPE_BOOL)
            return DPIECE(w, "diff.postgres.bool_to_number", {"x", x}, {"type", type});
        if (from == TYPE_TIMESTAMP)
            return DPIECE(w, "diff.postgres.epoch", {"x", x}, {"type", type});
        if (text)
            return DPIECE(w, to == TYPE_INT ? "diff.postgres.text_to_int"
                                            : "diff.postgres.text_to_real", {"x", x});
        return cast(w, x, to);
    case TYPE_TEXT:
    case TYPE_ENUM:
        if (text)
            return x;
        if (from == TYPE_BLOB)
            return DPIECE(w, "diff.postgres.bytes_to_text", {"x", x});
        if (from == TYPE_TIMESTAMP)
            x = DPIECE(w, "diff.postgres.epoch", {"x", x}, {"type", sql_type(TYPE_INT, w->d, w->a)});
        return cast(w, x, TYPE_TEXT);
    case TYPE_BLOB:
        return DPIECE(w, "diff.postgres.text_to_bytes", {"x", postgres_convert(w, from, TYPE_TEXT, x)});
    case TYPE_BOOL:
        if (text)
            return DPIECE(w, "diff.postgres.text_to_bool", {"x", x});
        if (from == TYPE_TIMESTAMP)
            x = DPIECE(w, "diff.postgres.epoch", {"x", x}, {"type", sql_type(TYPE_INT, w->d, w->a)});
        return DPIECE(w, "diff.postgres.number_to_bool", {"x", x});
    case TYPE_TIMESTAMP:
        if (text)
            x = DPIECE(w, "diff.postgres.text_to_real", {"x", x});
        else if (from == TYPE_BOOL)
            x = DPIECE(w, "diff.postgres.bool_to_number", {"x", x}, {"type", "integer"});
        return DPIECE(w, "diff.postgres.to_timestamp", {"x", x});
    }
    return x;
}

/* The old value x of column c as NEW's type. */
const char *dsql_convert(struct writer *w, const struct column_diff *c, const char *x)
{
    if (!c->retyped)
        return x;
    enum type_kind from = c->old->field->type, to = c->new->field->type;
    return w->d == DIALECT_SQLITE ? sqlite_convert(w, from, to, x) : postgres_convert(w, from, to, x);
}

/* -------------------------------------------------------------- ordering renames -- */

static bool in_use(const char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
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
            if (done[i] || in_use(names, nnames, pending[i].to))
                continue;
            for (size_t k = 0; k < nnames; k++)
                if (names[k] && strcmp(names[k], pending[i].from) == 0)
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
                if (names[k] && strcmp(names[k], pending[i].from) == 0)
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

static bool is_temporary(const char *name)
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
        if (t->renamed)
            renames[n++] = (struct rename_step){t->old->table, t->new->table, t};
    }
    struct rename_step *steps;
    size_t nsteps = dsql_order_renames(w, renames, n, names, nnames, &steps);
    for (size_t i = 0; i < nsteps; i++) {
        const struct table_diff *t = steps[i].item;
        if (is_temporary(steps[i].to))
            TMPL(w->out, "diff.through_temporary", {"old", t->old->table}, {"new", t->new->table});
        else if (!is_temporary(steps[i].from))
            dsql_describe(w, dsql_find(w, CHANGE_RENAME_TABLE, t, NULL));
        TMPL(w->out, "diff.rename_table", {"old", dsql_ident(w, steps[i].from)},
             {"new", dsql_ident(w, steps[i].to)});
        dsql_blank(w);
    }
}

/* ------------------------------------------------------------------------ the file -- */

static void emit_header(struct writer *w, size_t rebuilt)
{
    const struct diff *df = w->df;
    size_t loss = 0;
    for (size_t i = 0; i < df->nchanges; i++)
        loss += df->changes[i]->destructive;
    struct buf summary = {0};
    const char *n = arena_printf(w->a, "%zu", df->nchanges);
    buf_puts(&summary, DPIECE(w, df->nchanges == 1 ? "diff.count.changes.one"
                                                   : "diff.count.changes.many", {"n", n}));
    if (loss)
        buf_puts(&summary, DPIECE(w, loss == 1 ? "diff.count.loss.one" : "diff.count.loss.many",
                                  {"n", arena_printf(w->a, "%zu", loss)}));
    if (rebuilt)
        buf_puts(&summary, DPIECE(w, rebuilt == 1 ? "diff.count.rebuilt.one"
                                                  : "diff.count.rebuilt.many",
                                  {"n", arena_printf(w->a, "%zu", rebuilt)}));
    TMPL(w->out, "diff.header", {"old", df->old_s->file}, {"new", df->new_s->file},
         {"summary", summary.data});
    buf_free(&summary);
}

void diff_sql(struct buf *out, const struct diff *df, enum dialect d)
{
    struct writer w = {df, d, df->arena, out, NULL, NULL, NULL};
    if (diff_empty(df)) {   /* still one transaction, as every migration */
        emit_header(&w, 0);
        tmpl_emit(out, "diff.begin", NULL, 0);
        tmpl_emit(out, "diff.nothing", NULL, 0);
        tmpl_emit(out, "diff.commit", NULL, 0);
        return;
    }
    w.pairs = arena_alloc(w.a, df->ntables * sizeof *w.pairs);
    w.npairs = arena_alloc(w.a, df->ntables * sizeof *w.npairs);
    for (size_t i = 0; i < df->ntables; i++)
        w.npairs[i] = diff_objects(df, df->tables[i], d, &w.pairs[i]);
    size_t rebuilt = d == DIALECT_SQLITE ? dsql_sqlite_plan(&w) : 0;
    emit_header(&w, rebuilt);
    if (rebuilt)
        tmpl_emit(out, "diff.sqlite.foreign_keys_off", NULL, 0);
    tmpl_emit(out, "diff.begin", NULL, 0);
    delete_rows(&w);
    if (d == DIALECT_SQLITE)
        dsql_sqlite_body(&w);
    else
        dsql_postgres_body(&w);
    if (rebuilt)
        tmpl_emit(out, "diff.sqlite.fk_check", NULL, 0);
    tmpl_emit(out, "diff.commit", NULL, 0);
    if (rebuilt)
        tmpl_emit(out, "diff.sqlite.foreign_keys_on", NULL, 0);
}
