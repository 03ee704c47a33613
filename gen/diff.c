/* modelgen diff, the engine: which model, column, association and object of OLD each one of
   NEW is, and what changed between them. The SQL lives in diff_sql.c. */
#include "diff_internal.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "names.h"

enum { NAME_MAX_LEN = 40 };

/* --------------------------------------------------------------------------- matching -- */

/* Sorted indexes into a list of names, for finding one in O(log n) on large schemas. */
struct name_index {
    const char *const *names;
    size_t *order;
    size_t n;
};

static const char *const *sort_names;

static int compare_indexes(const void *a, const void *b)
{
    int c = strcmp(sort_names[*(const size_t *)a], sort_names[*(const size_t *)b]);
    return c ? c : *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static struct name_index index_names(const char *const *names, size_t n, struct arena *a)
{
    struct name_index x = {names, arena_alloc(a, (n + 1) * sizeof *x.order), n};
    for (size_t i = 0; i < n; i++)
        x.order[i] = i;
    sort_names = names;
    qsort(x.order, n, sizeof *x.order, compare_indexes);
    return x;
}

/* The first item named name (in list order) that is not taken, or -1. */
static long find_name(const struct name_index *x, const char *name, const bool *taken)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(x->names[x->order[mid]], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < x->n && strcmp(x->names[x->order[lo]], name) == 0; lo++)
        if (!taken || !taken[x->order[lo]])
            return (long)x->order[lo];
    return -1;
}

/* Pairs NEW's names with OLD's: match[i] is the OLD index of NEW item i, or -1. A `was`
   counts when OLD has that name and NEW does not (NEW's own item of that name claims it
   otherwise, which also lets a stale `was` sit harmlessly in the schema); then equal names
   pair up. Renames are never guessed. */
static void match_names(const char *const *new_names, const char *const *new_was, size_t nnew,
                        const char *const *old_names, size_t nold, long *match, bool *taken,
                        struct arena *a)
{
    struct name_index old_index = index_names(old_names, nold, a);
    struct name_index new_index = index_names(new_names, nnew, a);
    for (size_t j = 0; j < nold; j++)
        taken[j] = false;
    for (size_t i = 0; i < nnew; i++) {
        match[i] = -1;
        if (!new_was[i] || find_name(&new_index, new_was[i], NULL) >= 0)
            continue;
        match[i] = find_name(&old_index, new_was[i], taken);
        if (match[i] >= 0)
            taken[match[i]] = true;
    }
    for (size_t i = 0; i < nnew; i++) {
        if (match[i] >= 0)
            continue;
        match[i] = find_name(&old_index, new_names[i], taken);
        if (match[i] >= 0)
            taken[match[i]] = true;
    }
}

/* Name lists for match_names, from an array of n things each with a name and a was. */
struct names {
    const char **name, **was;
    size_t n;
};

static struct names model_names(const struct schema *s, struct arena *a)
{
    struct names r = {arena_alloc(a, (s->nmodels + 1) * sizeof *r.name),
                      arena_alloc(a, (s->nmodels + 1) * sizeof *r.was), s->nmodels};
    for (size_t i = 0; i < s->nmodels; i++) {
        r.name[i] = s->models[i]->name;
        r.was[i] = s->models[i]->was;
    }
    return r;
}

/* A model's fields or its belongs_to associations, as the columns that hold them. */
static struct names column_names(const struct model *m, bool keys, const struct column **cols,
                                 struct arena *a)
{
    struct names r = {arena_alloc(a, (m->ncolumns + 1) * sizeof *r.name),
                      arena_alloc(a, (m->ncolumns + 1) * sizeof *r.was), 0};
    for (size_t i = 0; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        if (keys ? !c->assoc : !c->field)
            continue;
        r.name[r.n] = keys ? c->assoc->name : c->field->name;
        r.was[r.n] = keys ? c->assoc->was : c->field->was;
        cols[r.n++] = c;
    }
    return r;
}

/* ------------------------------------------------------------------ comparing columns -- */

static bool same_default(const struct field *a, const struct field *b)
{
    const struct default_value *x = &a->def, *y = &b->def;
    /* an enum member is stored as its name: the same default as that text */
    if (x->kind == DEFAULT_ENUM && y->kind == DEFAULT_TEXT)
        return strcmp(a->enum_type->members[x->member], y->text) == 0;
    if (x->kind == DEFAULT_TEXT && y->kind == DEFAULT_ENUM)
        return strcmp(x->text, b->enum_type->members[y->member]) == 0;
    if (x->kind != y->kind)
        return false;
    switch (x->kind) {
    case DEFAULT_INT:
        return x->i == y->i;
    case DEFAULT_REAL:
    case DEFAULT_TEXT:
        return strcmp(x->text, y->text) == 0;
    case DEFAULT_BOOL:
        return x->b == y->b;
    case DEFAULT_ENUM:
        return strcmp(a->enum_type->members[x->member], b->enum_type->members[y->member]) == 0;
    case DEFAULT_NONE:
    case DEFAULT_NULL:
    case DEFAULT_NOW:
        break;
    }
    return true;
}

/* Text and enums hold the same values; a timestamp is a whole number of seconds. */
static enum type_kind value_class(enum type_kind t)
{
    return t == TYPE_ENUM ? TYPE_TEXT : t;
}

enum retype_kind diff_retype_kind(enum type_kind from, enum type_kind to)
{
    if (to == TYPE_ENUM)
        return RETYPE_TO_ENUM;
    from = value_class(from);
    switch (to) {
    case TYPE_TEXT:
    case TYPE_BLOB:     /* the text's UTF-8 bytes */
        return from == TYPE_REAL || (from == TYPE_BLOB && to == TYPE_TEXT) ? RETYPE_CHECKED
                                                                           : RETYPE_EXACT;
    case TYPE_INT:
    case TYPE_REAL:     /* a timestamp's seconds are at most 2^53: every real holds them */
        return from == TYPE_BOOL || from == TYPE_TIMESTAMP ? RETYPE_EXACT : RETYPE_CHECKED;
    case TYPE_TIMESTAMP:
        return from == TYPE_BOOL ? RETYPE_EXACT : RETYPE_CHECKED;
    case TYPE_BOOL:
    case TYPE_ENUM:
        return RETYPE_CHECKED;
    }
    return RETYPE_CHECKED;
}

static bool has_member(const struct enum_type *e, const char *name)
{
    for (size_t i = 0; i < e->nmembers; i++)
        if (strcmp(e->members[i], name) == 0)
            return true;
    return false;
}

bool diff_deferred(const struct assoc *a)
{
    return a->mode != FK_NONE && a->defer != DEFER_NOT;
}

static void compare_fields(struct column_diff *c, const struct field *o, const struct field *n,
                           struct arena *a)
{
    if (o->type == TYPE_ENUM && n->type == TYPE_ENUM) {
        const struct enum_type *oe = o->enum_type, *ne = n->enum_type;
        c->members = oe->nmembers != ne->nmembers;
        for (size_t i = 0; i < oe->nmembers && !c->members; i++)
            c->members = strcmp(oe->members[i], ne->members[i]) != 0;
        c->lost = arena_alloc(a, (oe->nmembers + 1) * sizeof *c->lost);
        for (size_t i = 0; i < oe->nmembers; i++)
            if (!has_member(ne, oe->members[i]))
                c->lost[c->nlost++] = oe->members[i];
        c->narrowed = c->nlost > 0;
    } else if (o->type != n->type) {
        enum retype_kind kind = diff_retype_kind(o->type, n->type);
        c->retyped = true;
        c->checked = kind == RETYPE_CHECKED;
        c->narrowed = kind == RETYPE_TO_ENUM;
    }
    c->nullability = o->nullable != n->nullable;
    c->def = !same_default(o, n);
}

static void compare_keys(const struct diff *df, struct column_diff *c, const struct assoc *o,
                         const struct assoc *n)
{
    bool both = o->mode != FK_NONE && n->mode != FK_NONE;   /* constrained in both */
    c->nullability = o->nullable != n->nullable;
    c->mode = (o->mode == FK_NONE) != (n->mode == FK_NONE);
    c->target = both && df->old_of_new[n->target->index] != o->target;
    c->actions = both && (o->on_delete != n->on_delete || o->on_update != n->on_update);
    c->deferral = both && diff_deferred(o) != diff_deferred(n);
}

static struct column_diff *new_column_diff(struct diff *df, struct table_diff *t,
                                           const struct column *o, const struct column *n)
{
    struct column_diff *c = arena_alloc(df->arena, sizeof *c);
    c->old = o;
    c->new = n;
    if (o && n) {
        c->renamed = strcmp(o->name, n->name) != 0;
        if (o->field && n->field)
            compare_fields(c, o->field, n->field, df->arena);
        else if (o->assoc && n->assoc)
            compare_keys(df, c, o->assoc, n->assoc);
    }
    t->columns[t->ncolumns++] = c;
    return c;
}

/* Pairs the columns of a table in both schemas: id with id, fields with fields and
   belongs_to keys with belongs_to keys, by name or `was`. */
static void match_columns(struct diff *df, struct table_diff *t)
{
    const struct model *om = t->old, *nm = t->new;
    struct arena *a = df->arena;
    const struct column **old_of = arena_alloc(a, (nm->ncolumns + 1) * sizeof *old_of);
    bool *old_used = arena_alloc(a, om->ncolumns + 1);
    long *match = arena_alloc(a, (nm->ncolumns + 1) * sizeof *match);
    bool *taken = arena_alloc(a, om->ncolumns + 1);
    old_of[0] = &om->columns[0];    /* the id */
    old_used[0] = true;
    for (int keys = 0; keys < 2; keys++) {
        const struct column **ncols = arena_alloc(a, (nm->ncolumns + 1) * sizeof *ncols);
        const struct column **ocols = arena_alloc(a, (om->ncolumns + 1) * sizeof *ocols);
        struct names nn = column_names(nm, keys, ncols, a);
        struct names on = column_names(om, keys, ocols, a);
        match_names(nn.name, nn.was, nn.n, on.name, on.n, match, taken, a);
        for (size_t i = 0; i < nn.n; i++) {
            if (match[i] < 0)
                continue;
            const struct column *o = ocols[match[i]];
            old_of[ncols[i] - nm->columns] = o;
            old_used[o - om->columns] = true;
        }
    }
    t->columns = arena_alloc(a, (nm->ncolumns + om->ncolumns) * sizeof *t->columns);
    for (size_t i = 0; i < nm->ncolumns; i++)
        new_column_diff(df, t, old_of[i], &nm->columns[i]);
    for (size_t i = 0; i < om->ncolumns; i++)
        if (!old_used[i])
            new_column_diff(df, t, &om->columns[i], NULL);
}

const struct column_diff *diff_column_of_new(const struct table_diff *t, const struct column *c)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i]->new == c)
            return t->columns[i];
    return NULL;
}

const struct column_diff *diff_column_of_old(const struct table_diff *t, const struct column *c)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i]->old == c)
            return t->columns[i];
    return NULL;
}

/* ------------------------------------------------------------------ comparing objects -- */

static bool same_members(const struct enum_type *a, const struct enum_type *b)
{
    if (a->nmembers != b->nmembers)
        return false;
    for (size_t i = 0; i < a->nmembers; i++)
        if (strcmp(a->members[i], b->members[i]) != 0)
            return false;
    return true;
}

/* Whether old object o is new object n under another name, given the column matching. */
static bool same_object(const struct table_diff *t, const struct sql_object *o,
                        const struct sql_object *n)
{
    if (o->kind != n->kind || o->ncolumns != n->ncolumns)
        return false;
    for (size_t i = 0; i < n->ncolumns; i++) {
        const struct column_diff *c = diff_column_of_new(t, n->columns[i]);
        if (!c || c->old != o->columns[i])
            return false;
    }
    return true;
}

static void compare_objects(const struct diff *df, struct object_pair *p)
{
    const struct column *o = p->old->columns[0], *n = p->new->columns[0];
    if (p->new->kind == SQL_CHECK) {
        const struct field *of = o->field, *nf = n->field;
        p->changed = of->type != nf->type ||
                     (of->type == TYPE_ENUM && !same_members(of->enum_type, nf->enum_type));
    } else if (p->new->kind == SQL_FOREIGN_KEY) {
        const struct assoc *oa = o->assoc, *na = n->assoc;
        bool other = df->old_of_new[na->target->index] != oa->target ||
                     oa->on_delete != na->on_delete || oa->on_update != na->on_update;
        bool deferral = diff_deferred(oa) != diff_deferred(na);
        p->changed = other || deferral;
        p->deferral_only = deferral && !other;
    }
}

size_t diff_objects(const struct diff *df, const struct table_diff *t, enum dialect d,
                    struct object_pair **out)
{
    struct sql_object *old_objs = NULL, *new_objs = NULL;
    size_t nold = t->old ? sql_table_objects(t->old, d, df->arena, &old_objs) : 0;
    size_t nnew = t->new ? sql_table_objects(t->new, d, df->arena, &new_objs) : 0;
    struct object_pair *pairs = arena_alloc(df->arena, (nold + nnew + 1) * sizeof *pairs);
    bool *used = arena_alloc(df->arena, nold + 1);
    size_t n = 0;
    for (size_t i = 0; i < nnew; i++) {
        struct object_pair *p = &pairs[n++];
        p->new = &new_objs[i];
        for (size_t j = 0; j < nold && !p->old; j++) {
            if (!used[j] && same_object(t, &old_objs[j], p->new)) {
                used[j] = true;
                p->old = &old_objs[j];
                compare_objects(df, p);
            }
        }
    }
    for (size_t j = 0; j < nold; j++)
        if (!used[j])
            pairs[n++].old = &old_objs[j];
    *out = pairs;
    return n;
}

/* ---------------------------------------------------------------------- the changes -- */

static struct change *add_change(struct vec *v, struct diff *df, enum change_kind kind,
                                 const struct table_diff *t, const struct column_diff *c)
{
    struct change *ch = arena_alloc(df->arena, sizeof *ch);
    ch->kind = kind;
    ch->table = t;
    ch->column = c;
    vec_push(v, ch);
    return ch;
}

bool diff_fills(const struct column *c)
{
    return c->field && c->field->def.kind != DEFAULT_NONE && c->field->def.kind != DEFAULT_NULL;
}

bool diff_nullable(const struct column *c)
{
    return c->field ? c->field->nullable : c->assoc ? c->assoc->nullable : false;
}

static void column_changes(struct vec *v, struct diff *df, const struct table_diff *t,
                           const struct column_diff *c)
{
    if (!c->old) {
        struct change *ch = add_change(v, df, CHANGE_ADD_COLUMN, t, c);
        ch->impossible = !diff_nullable(c->new) && !diff_fills(c->new);
        return;
    }
    if (!c->new) {
        add_change(v, df, CHANGE_DROP_COLUMN, t, c)->destructive = true;
        return;
    }
    if (c->renamed)
        add_change(v, df, CHANGE_RENAME_COLUMN, t, c);
    if (c->retyped)
        add_change(v, df, CHANGE_RETYPE, t, c)->destructive = c->narrowed;
    if (c->nullability && diff_nullable(c->new))
        add_change(v, df, CHANGE_NULLABLE, t, c);
    if (c->nullability && !diff_nullable(c->new))
        add_change(v, df, CHANGE_REQUIRED, t, c)->destructive = !diff_fills(c->new);
    if (c->def)
        add_change(v, df, CHANGE_DEFAULT, t, c);
    if (c->members || (c->narrowed && !c->retyped))
        add_change(v, df, CHANGE_ENUM, t, c)->destructive = c->narrowed;
    if (c->target)
        add_change(v, df, CHANGE_TARGET, t, c);
    if (c->actions)
        add_change(v, df, CHANGE_ACTIONS, t, c);
    if (c->mode)
        add_change(v, df, CHANGE_MODE, t, c);
    if (c->deferral)
        add_change(v, df, CHANGE_DEFERRAL, t, c);
}

/* Whether an object involves a column added or dropped with it (its change is that one). */
static bool rides_along(const struct table_diff *t, const struct sql_object *o, bool in_new)
{
    for (size_t i = 0; i < o->ncolumns; i++) {
        const struct column_diff *c = in_new ? diff_column_of_new(t, o->columns[i])
                                             : diff_column_of_old(t, o->columns[i]);
        if (!c || !c->old || !c->new)
            return true;
    }
    return false;
}

/* Declared unique constraints and indexes that appear or go (the rest follow columns). */
static void object_changes(struct vec *v, struct diff *df, const struct table_diff *t)
{
    struct object_pair *pairs;
    size_t n = diff_objects(df, t, DIALECT_POSTGRES, &pairs);
    for (size_t k = 0; k < 2 * n; k++) {    /* what goes, then what comes */
        const struct object_pair *p = &pairs[k % n];
        if ((k < n) != (p->new == NULL))
            continue;
        const struct sql_object *o = p->new ? p->new : p->old;
        if ((p->old && p->new) || (o->kind != SQL_UNIQUE && o->kind != SQL_INDEX) ||
            rides_along(t, o, p->new != NULL))
            continue;
        enum change_kind kind = o->kind == SQL_UNIQUE ? (p->new ? CHANGE_ADD_UNIQUE : CHANGE_DROP_UNIQUE)
                                                      : (p->new ? CHANGE_ADD_INDEX : CHANGE_DROP_INDEX);
        add_change(v, df, kind, t, NULL)->object = o;
    }
}

static void list_changes(struct diff *df)
{
    struct vec v = {0};
    for (size_t i = 0; i < df->ntables; i++) {
        const struct table_diff *t = df->tables[i];
        if (!t->old) {
            add_change(&v, df, CHANGE_ADD_TABLE, t, NULL);
            continue;
        }
        if (!t->new) {
            add_change(&v, df, CHANGE_DROP_TABLE, t, NULL)->destructive = true;
            continue;
        }
        if (t->renamed)
            add_change(&v, df, CHANGE_RENAME_TABLE, t, NULL);
        for (size_t j = 0; j < t->ncolumns; j++)
            column_changes(&v, df, t, t->columns[j]);
        object_changes(&v, df, t);
    }
    df->changes = arena_alloc(df->arena, (v.count + 1) * sizeof *df->changes);
    for (size_t i = 0; i < v.count; i++)
        df->changes[i] = v.items[i];
    df->nchanges = v.count;
    vec_free(&v);
}

struct diff *diff_compute(const struct schema *old_s, const struct schema *new_s,
                          struct arena *a)
{
    struct diff *df = arena_alloc(a, sizeof *df);
    df->old_s = old_s;
    df->new_s = new_s;
    df->arena = a;
    df->new_of_old = arena_alloc(a, (old_s->nmodels + 1) * sizeof *df->new_of_old);
    df->old_of_new = arena_alloc(a, (new_s->nmodels + 1) * sizeof *df->old_of_new);
    struct names nn = model_names(new_s, a), on = model_names(old_s, a);
    long *match = arena_alloc(a, (new_s->nmodels + 1) * sizeof *match);
    bool *taken = arena_alloc(a, old_s->nmodels + 1);
    match_names(nn.name, nn.was, nn.n, on.name, on.n, match, taken, a);
    for (size_t i = 0; i < new_s->nmodels; i++) {
        if (match[i] >= 0) {
            df->old_of_new[i] = old_s->models[match[i]];
            df->new_of_old[match[i]] = new_s->models[i];
        }
    }

    df->tables = arena_alloc(a, (new_s->nmodels + old_s->nmodels + 1) * sizeof *df->tables);
    for (size_t i = 0; i < new_s->nmodels; i++) {
        struct table_diff *t = arena_alloc(a, sizeof *t);
        t->new = new_s->create_order[i];
        t->old = df->old_of_new[t->new->index];
        t->index = df->ntables;
        df->tables[df->ntables++] = t;
    }
    for (size_t i = 0; i < old_s->nmodels; i++) {
        const struct model *m = old_s->create_order[i];
        if (df->new_of_old[m->index])
            continue;
        struct table_diff *t = arena_alloc(a, sizeof *t);
        t->old = m;
        t->index = df->ntables;
        df->tables[df->ntables++] = t;
    }
    /* Columns compare their keys' targets through the model matching, so it comes first. */
    for (size_t i = 0; i < df->ntables; i++) {
        struct table_diff *t = df->tables[i];
        if (t->old && t->new) {
            t->renamed = strcmp(t->old->table, t->new->table) != 0;
            match_columns(df, t);
        }
    }
    list_changes(df);
    return df;
}

bool diff_empty(const struct diff *df)
{
    return df->nchanges == 0;
}

/* ---------------------------------------------------------------------- the refusals -- */

static struct pos column_pos(const struct column *c)
{
    return c->field ? c->field->pos : c->assoc->pos;
}

static const char *column_kind(const struct column *c)
{
    return c->field ? "field" : "association";
}

static const char *column_label(const struct column *c)
{
    return c->field ? c->field->name : c->assoc->name;
}

/* 'a', 'a' and 'b', 'a', 'b' and 'c' */
static const char *member_list(const char **members, size_t n, struct arena *a)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s'%s'", i == 0 ? "" : i + 1 == n ? " and " : ", ", members[i]);
    const char *s = arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *diff_replacement_text(const struct column *c, struct arena *a)
{
    const struct field *f = c->field;
    if (diff_fills(c)) {
        if (f->def.kind == DEFAULT_ENUM)
            return arena_printf(a, "set to the default '%s'", f->enum_type->members[f->def.member]);
        return "set to the default";
    }
    return diff_nullable(c) ? "set to NULL" : "deleted";
}

static void report_destructive(const struct diff *df, const struct change *ch,
                               struct diag *old_d, struct diag *new_d)
{
    const struct table_diff *t = ch->table;
    const struct column_diff *c = ch->column;
    struct arena *a = df->arena;
    switch (ch->kind) {
    case CHANGE_DROP_TABLE:
        diag_error(old_d, t->old->pos, "dropping model '%s' deletes table %s and all its rows",
                   t->old->name, t->old->table);
        break;
    case CHANGE_DROP_COLUMN:
        /* NEW has no line for what it lost: its model's, naming OLD's */
        diag_error(new_d, t->new->pos, "model '%s' no longer has %s '%s' (%s:%d): dropping it "
                   "deletes column %s.%s and its values", t->new->name, column_kind(c->old),
                   column_label(c->old), df->old_s->file, column_pos(c->old).line,
                   t->old->table, c->old->name);
        break;
    case CHANGE_REQUIRED:
        diag_error(new_d, column_pos(c->new), "making %s.%s required without a default deletes "
                   "the rows where it is NULL", t->new->table, c->new->name);
        break;
    case CHANGE_ENUM:
        diag_error(new_d, column_pos(c->new), "enum '%s' of %s.%s no longer has %s: rows holding "
                   "%s would be %s", c->new->field->enum_type->name, t->new->table, c->new->name,
                   member_list(c->lost, c->nlost, a), c->nlost == 1 ? "it" : "them",
                   diff_replacement_text(c->new, a));
        break;
    case CHANGE_RETYPE:
        diag_error(new_d, column_pos(c->new), "changing %s.%s from %s to enum '%s' can lose "
                   "data: rows holding other values would be %s", t->new->table,
                   c->new->name, type_name(c->old->field->type),
                   c->new->field->enum_type->name, diff_replacement_text(c->new, a));
        break;
    default:
        break;
    }
}

int diff_report_destructive(const struct diff *df, struct diag *old_d, struct diag *new_d)
{
    int n = 0;
    for (size_t i = 0; i < df->nchanges; i++) {
        if (df->changes[i]->destructive) {
            report_destructive(df, df->changes[i], old_d, new_d);
            n++;
        }
    }
    return n;
}

int diff_report_errors(const struct diff *df, struct diag *new_d)
{
    int n = 0;
    for (size_t i = 0; i < df->nchanges; i++) {
        const struct change *ch = df->changes[i];
        if (!ch->impossible)
            continue;
        const struct column *c = ch->column->new;
        if (c->field)
            diag_error(new_d, column_pos(c), "cannot add required field '%s' to table %s without "
                       "a default: its rows would have no value (give it a default, or make it "
                       "nullable)", c->field->name, ch->table->new->table);
        else
            diag_error(new_d, column_pos(c), "cannot add required association '%s' to table %s: "
                       "its rows would have no %s (make it nullable, fill it in, then make it "
                       "required)", c->assoc->name, ch->table->new->table, c->name);
        n++;
    }
    return n;
}

/* -------------------------------------------------------------------------- the name -- */

/* At most NAME_MAX_LEN characters, cut at a word when it can be. */
static const char *fit_name(const char *name, struct arena *a)
{
    size_t n = strlen(name);
    if (n <= NAME_MAX_LEN)
        return name;
    n = NAME_MAX_LEN;
    while (n > 0 && name[n] != '_')
        n--;
    if (n < NAME_MAX_LEN / 2)
        n = NAME_MAX_LEN;
    while (n > 0 && name[n - 1] == '_')
        n--;
    return arena_strndup(a, name, n);
}

static const char *single_change_name(const struct change *ch, struct arena *a)
{
    const struct table_diff *t = ch->table;
    const struct column_diff *c = ch->column;
    switch (ch->kind) {
    case CHANGE_ADD_TABLE:
        return arena_printf(a, "add_%s", t->new->table);
    case CHANGE_DROP_TABLE:
        return arena_printf(a, "drop_%s", t->old->table);
    case CHANGE_RENAME_TABLE:
        if (strcmp(t->old->name, t->new->name) != 0)
            return arena_printf(a, "rename_%s_to_%s", snake_case(a, t->old->name),
                                snake_case(a, t->new->name));
        return arena_printf(a, "rename_%s_to_%s", t->old->table, t->new->table);
    case CHANGE_ADD_COLUMN:
        return arena_printf(a, "add_%s", snake_case(a, column_label(c->new)));
    case CHANGE_DROP_COLUMN:
        return arena_printf(a, "drop_%s", snake_case(a, column_label(c->old)));
    case CHANGE_RENAME_COLUMN:
        return arena_printf(a, "rename_%s_to_%s", snake_case(a, column_label(c->old)),
                            snake_case(a, column_label(c->new)));
    default:
        return arena_printf(a, "change_%s", t->new->table);
    }
}

const char *diff_name(const struct diff *df, struct arena *a)
{
    if (df->nchanges == 0)
        return "no_changes";
    const char *name = "changes";
    if (df->nchanges == 1) {
        name = single_change_name(df->changes[0], a);
    } else {
        const struct table_diff *t = df->changes[0]->table;
        bool one_table = t->old && t->new;
        for (size_t i = 1; i < df->nchanges && one_table; i++)
            one_table = df->changes[i]->table == t;
        if (one_table)
            name = arena_printf(a, "change_%s", t->new->table);
    }
    return fit_name(snake_case(a, name), a);
}
