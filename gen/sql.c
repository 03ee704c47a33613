/* Migration SQL for SQLite and PostgreSQL (SPEC section 5). The text lives in
   templates/sql.tmpl; this file only decides which sections go where, in what order. */
#include "sql.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "analyze.h"
#include "names.h"
#include "template.h"

/* One run of the generator. Every string it builds lives in `arena` until the run ends. */
struct gen {
    const struct schema *s;
    enum dialect d;
    struct arena *arena;
};

/* ---------------------------------------------------------------------------- pieces -- */

/* The dialect's own section `name`: "sql.sqlite.name" or "sql.postgres.name". */
static const char *dialect_section(struct gen *g, const char *name)
{
    return arena_printf(g->arena, "sql.%s.%s", g->d == DIALECT_SQLITE ? "sqlite" : "postgres",
                        name);
}

/* Moves b into the arena. */
static const char *keep(struct gen *g, struct buf *b)
{
    const char *s = arena_strndup(g->arena, b->data ? b->data : "", b->len);
    buf_free(b);
    return s;
}

/* A one-line section as a string, without its final newline, for use inside a line. */
static const char *piece(struct gen *g, const char *section, const struct tvar *vars,
                         size_t nvars)
{
    struct buf b = {0};
    tmpl_emit(&b, section, vars, nvars);
    if (b.len && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    return keep(g, &b);
}

#define PIECE(g, section, ...)                                                   \
    piece((g), (section), (const struct tvar[]){__VA_ARGS__},                    \
          sizeof((const struct tvar[]){__VA_ARGS__}) / sizeof(struct tvar))

static const char *word(struct gen *g, const char *section)
{
    return piece(g, section, NULL, 0);
}

/* Appends `w` to a space-separated list of words. */
static void add_word(struct buf *b, const char *w)
{
    if (b->len)
        buf_putc(b, ' ');
    buf_puts(b, w);
}

/* "1 table" or "3 tables": section sql.count.<what>.one or .many. */
static const char *count_text(struct gen *g, const char *what, size_t n)
{
    const char *section = arena_printf(g->arena, "sql.count.%s.%s", what, n == 1 ? "one" : "many");
    return PIECE(g, section, {"n", arena_printf(g->arena, "%zu", n)});
}

/* ----------------------------------------------------------------------- identifiers -- */

/* SQL keywords are case-insensitive, so `Select` needs quotes as much as `select`. */
static bool needs_quotes(const char *name)
{
    char lower[64];
    size_t n = strlen(name);
    if (n >= sizeof lower)
        return false;   /* longer than any keyword */
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    return is_sql_keyword(lower);
}

void sql_ident(struct buf *out, const char *name)
{
    if (!needs_quotes(name)) {
        buf_puts(out, name);
        return;
    }
    buf_putc(out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}

static const char *ident(struct gen *g, const char *name)
{
    struct buf b = {0};
    sql_ident(&b, name);
    return keep(g, &b);
}

/* "a, b" with each column quoted as needed. */
static const char *column_list(struct gen *g, struct column *const *cols, size_t n)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&b, ", ");
        sql_ident(&b, cols[i]->name);
    }
    return keep(g, &b);
}

/* users_email_key, unquoted: section sql.name.<suffix> over the raw names. */
static const char *raw_object_name(struct gen *g, const char *suffix, const struct model *m,
                                   struct column *const *cols, size_t n)
{
    struct buf joined = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&joined, "%s%s", i ? "_" : "", cols[i]->name);
    const char *section = arena_printf(g->arena, "sql.name.%s", suffix);
    return PIECE(g, section, {"table", m->table}, {"columns", keep(g, &joined)});
}

static struct sql_object *new_object(struct gen *g, enum sql_object_kind kind, const char *suffix,
                                     const struct model *m, struct column *const *cols, size_t n)
{
    struct sql_object *o = arena_alloc(g->arena, sizeof *o);
    struct column **copy = arena_alloc(g->arena, n * sizeof *copy);
    memcpy(copy, cols, n * sizeof *copy);
    o->kind = kind;
    o->name = raw_object_name(g, suffix, m, cols, n);
    o->columns = copy;
    o->ncolumns = n;
    return o;
}

/* --------------------------------------------------------------------------- values -- */

static const char *string_literal(struct gen *g, const char *text)
{
    struct buf b = {0};
    for (const char *p = text; *p; p++) {
        if (*p == '\'')
            buf_putc(&b, '\'');
        buf_putc(&b, *p);
    }
    return PIECE(g, "sql.string", {"text", keep(g, &b)});
}

static const char *default_value(struct gen *g, const struct field *f)
{
    const struct default_value *d = &f->def;
    switch (d->kind) {
    case DEFAULT_NONE:
        return NULL;
    case DEFAULT_INT: {
        const char *n = arena_printf(g->arena, "%" PRId64, d->i);
        if (f->type == TYPE_TIMESTAMP)
            return PIECE(g, dialect_section(g, "seconds"), {"n", n});
        return n;
    }
    case DEFAULT_REAL:
        return d->text;
    case DEFAULT_TEXT:
        return string_literal(g, d->text);
    case DEFAULT_BOOL:
        return word(g, dialect_section(g, d->b ? "true" : "false"));
    case DEFAULT_NULL:
        return word(g, "sql.null");
    case DEFAULT_NOW:
        return word(g, dialect_section(g, "now"));
    case DEFAULT_ENUM:
        return string_literal(g, f->enum_type->members[d->member]);
    }
    return NULL;
}

static const char *type_name_sql(struct gen *g, enum type_kind t)
{
    static const char *const names[] = {
        [TYPE_INT] = "type.int",   [TYPE_REAL] = "type.real", [TYPE_TEXT] = "type.text",
        [TYPE_BLOB] = "type.blob", [TYPE_BOOL] = "type.bool", [TYPE_TIMESTAMP] = "type.timestamp",
        [TYPE_ENUM] = "type.enum",
    };
    return word(g, dialect_section(g, names[t]));
}

/* Everything after the column's name: type, NOT NULL, DEFAULT. */
static const char *column_definition(struct gen *g, const struct column *c)
{
    struct buf b = {0};
    if (c->field) {
        add_word(&b, type_name_sql(g, c->field->type));
        if (!c->field->nullable)
            add_word(&b, word(g, "sql.not_null"));
        const char *def = default_value(g, c->field);
        if (def)
            add_word(&b, PIECE(g, "sql.default", {"value", def}));
    } else if (c->assoc) {
        add_word(&b, type_name_sql(g, TYPE_INT));
        if (!c->assoc->nullable)
            add_word(&b, word(g, "sql.not_null"));
    } else {
        add_word(&b, word(g, dialect_section(g, "id")));
    }
    return keep(g, &b);
}

/* " ON DELETE CASCADE ON UPDATE RESTRICT", or "" when both are the database's default. */
static const char *actions(struct gen *g, const struct assoc *a)
{
    static const char *const names[] = {
        [ACTION_CASCADE] = "sql.action.cascade", [ACTION_SET_NULL] = "sql.action.set_null",
        [ACTION_RESTRICT] = "sql.action.restrict", [ACTION_NO_ACTION] = "sql.action.no_action",
    };
    struct buf b = {0};
    if (a->on_delete != ACTION_UNSET) {
        buf_putc(&b, ' ');
        buf_puts(&b, PIECE(g, "sql.on_delete", {"action", word(g, names[a->on_delete])}));
    }
    if (a->on_update != ACTION_UNSET) {
        buf_putc(&b, ' ');
        buf_puts(&b, PIECE(g, "sql.on_update", {"action", word(g, names[a->on_update])}));
    }
    return keep(g, &b);
}

/* ---------------------------------------------------------- constraints and indexes -- */

static bool same_columns(const struct composite *k, struct column *const *cols, size_t n)
{
    if (k->ncolumns != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(k->columns[i]->name, cols[i]->name) != 0)
            return false;
    return true;
}

/* Whether a unique constraint, or an index among composites[0..before), covers exactly these
   columns, so that another index on them would only duplicate it. */
static bool already_indexed(const struct model *m, struct column *const *cols, size_t n,
                            size_t before)
{
    if (n == 1 && cols[0]->field && cols[0]->field->unique)
        return true;
    for (size_t i = 0; i < m->ncomposites; i++) {
        const struct composite *k = m->composites[i];
        if ((k->unique || i < before) && same_columns(k, cols, n))
            return true;
    }
    return false;
}

/* Whether composites[i] repeats a unique constraint declared before it. */
static bool duplicate_unique(const struct model *m, size_t i)
{
    const struct composite *k = m->composites[i];
    if (k->ncolumns == 1 && k->columns[0]->field && k->columns[0]->field->unique)
        return true;
    for (size_t j = 0; j < i; j++)
        if (m->composites[j]->unique && same_columns(m->composites[j], k->columns, k->ncolumns))
            return true;
    return false;
}

static bool is_constrained_key(const struct column *c)
{
    return c->assoc && c->assoc->mode != FK_NONE;
}

/* A foreign key created inside CREATE TABLE rather than by a later ALTER TABLE. */
static bool inline_key(struct gen *g, const struct assoc *a)
{
    return g->d == DIALECT_SQLITE || a->defer == DEFER_NOT;
}

/* ------------------------------------------------------------------------- the tables -- */

/* A line (or a few) of a CREATE TABLE, emitted once it is known whether a comma follows. */
struct item {
    const char *section;
    struct tvar vars[8];    /* the last one used is reserved for {{comma}} */
    size_t nvars;
};

static void add_item(struct gen *g, struct vec *items, const char *section,
                     const struct tvar *vars, size_t nvars)
{
    struct item *it = arena_alloc(g->arena, sizeof *it);
    it->section = section;
    memcpy(it->vars, vars, nvars * sizeof *vars);
    it->nvars = nvars;
    vec_push(items, it);
}

#define ITEM(g, items, section, ...)                                             \
    add_item((g), (items), (section), (const struct tvar[]){__VA_ARGS__},        \
             sizeof((const struct tvar[]){__VA_ARGS__}) / sizeof(struct tvar))

static void add_columns(struct gen *g, const struct model *m, struct vec *items)
{
    const char **names = arena_alloc(g->arena, m->ncolumns * sizeof *names);
    size_t width = 0;
    for (size_t i = 0; i < m->ncolumns; i++) {
        names[i] = ident(g, m->columns[i].name);
        if (strlen(names[i]) > width)
            width = strlen(names[i]);
    }
    for (size_t i = 0; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        const char *pad = arena_printf(g->arena, "%*s", (int)(width - strlen(names[i])), "");
        const char *definition = column_definition(g, c);
        if (c->assoc && c->assoc->mode == FK_NONE)
            ITEM(g, items, "sql.column_without_constraint", {"name", names[i]}, {"pad", pad},
                 {"definition", definition}, {"target", ident(g, c->assoc->target->table)});
        else
            ITEM(g, items, "sql.column", {"name", names[i]}, {"pad", pad},
                 {"definition", definition});
    }
}

/* Every named constraint and index of m's table, in the order the from-empty file creates
   them: checks, unique constraints, foreign keys with a constraint, indexes. */
static size_t table_objects(struct gen *g, const struct model *m, struct sql_object **out)
{
    struct vec v = {0};
    for (size_t i = 0; i < m->ncolumns; i++) {
        struct column *c = &m->columns[i];
        const struct field *f = c->field;
        if (f && (f->type == TYPE_ENUM || (f->type == TYPE_BOOL && g->d == DIALECT_SQLITE)))
            vec_push(&v, new_object(g, SQL_CHECK, "check", m, &c, 1));
    }
    for (size_t i = 0; i < m->ncolumns; i++) {
        struct column *c = &m->columns[i];
        if (c->field && c->field->unique)
            vec_push(&v, new_object(g, SQL_UNIQUE, "key", m, &c, 1));
    }
    for (size_t i = 0; i < m->ncomposites; i++) {
        const struct composite *k = m->composites[i];
        if (k->unique && !duplicate_unique(m, i))
            vec_push(&v, new_object(g, SQL_UNIQUE, "key", m, k->columns, k->ncolumns));
    }
    for (size_t i = 0; i < m->ncolumns; i++) {
        struct column *c = &m->columns[i];
        if (is_constrained_key(c))
            vec_push(&v, new_object(g, SQL_FOREIGN_KEY, "fkey", m, &c, 1));
    }
    /* Declared indexes and one per foreign-key column, unless a unique constraint or another
       index already covers exactly the same columns. */
    for (size_t i = 0; i < m->ncolumns; i++) {
        struct column *c = &m->columns[i];
        bool wanted = c->assoc || (c->field && c->field->index);
        if (wanted && !already_indexed(m, &c, 1, m->ncomposites))
            vec_push(&v, new_object(g, SQL_INDEX, "idx", m, &c, 1));
    }
    for (size_t i = 0; i < m->ncomposites; i++) {
        const struct composite *k = m->composites[i];
        if (!k->unique && !already_indexed(m, k->columns, k->ncolumns, i))
            vec_push(&v, new_object(g, SQL_INDEX, "idx", m, k->columns, k->ncolumns));
    }
    *out = arena_alloc(g->arena, (v.count ? v.count : 1) * sizeof **out);
    for (size_t i = 0; i < v.count; i++)
        (*out)[i] = *(struct sql_object *)v.items[i];
    size_t n = v.count;
    vec_free(&v);
    return n;
}

static const char *enum_values(struct gen *g, const struct enum_type *e)
{
    struct buf values = {0};
    for (size_t j = 0; j < e->nmembers; j++)
        buf_printf(&values, "%s%s", j ? ", " : "", string_literal(g, e->members[j]));
    return keep(g, &values);
}

/* The CREATE TABLE item of a check, unique or foreign-key object. */
static void add_object_item(struct gen *g, const struct model *m, const struct sql_object *o,
                            struct vec *items)
{
    const char *name = ident(g, o->name);
    const struct column *c = o->columns[0];
    switch (o->kind) {
    case SQL_CHECK:
        if (c->field->type == TYPE_ENUM)
            ITEM(g, items, "sql.check_enum", {"name", name}, {"column", ident(g, c->name)},
                 {"values", enum_values(g, c->field->enum_type)});
        else
            ITEM(g, items, "sql.sqlite.check_bool", {"name", name},
                 {"column", ident(g, c->name)});
        break;
    case SQL_UNIQUE:
        ITEM(g, items, "sql.unique", {"name", name},
             {"columns", column_list(g, o->columns, o->ncolumns)});
        break;
    case SQL_FOREIGN_KEY: {
        const struct assoc *a = c->assoc;
        const char *column = ident(g, c->name), *target = ident(g, a->target->table);
        if (a->defer == DEFER_NOT)
            ITEM(g, items, "sql.foreign_key", {"name", name}, {"column", column},
                 {"target", target}, {"actions", actions(g, a)});
        else
            ITEM(g, items, "sql.sqlite.deferred_foreign_key", {"name", name},
                 {"column", column}, {"target", target}, {"actions", actions(g, a)},
                 {"reason", defer_reason_text(a, g->arena)});
        break;
    }
    case SQL_INDEX:
        break;
    }
    (void)m;
}

static void emit_items(struct buf *out, struct vec *items)
{
    for (size_t i = 0; i < items->count; i++) {
        struct item *it = items->items[i];
        it->vars[it->nvars].name = "comma";
        it->vars[it->nvars].value = i + 1 < items->count ? "," : "";
        tmpl_emit(out, it->section, it->vars, it->nvars + 1);
    }
}

static void emit_table(struct gen *g, struct buf *out, const struct model *m)
{
    struct vec items = {0};
    struct sql_object *objects;
    size_t n = table_objects(g, m, &objects);
    add_columns(g, m, &items);
    for (size_t i = 0; i < n; i++)
        if (objects[i].kind != SQL_INDEX &&
            (objects[i].kind != SQL_FOREIGN_KEY || inline_key(g, objects[i].columns[0]->assoc)))
            add_object_item(g, m, &objects[i], &items);
    TMPL(out, "sql.create_table", {"table", ident(g, m->table)});
    emit_items(out, &items);
    tmpl_emit(out, "sql.end_table", NULL, 0);
    vec_free(&items);
}

static void emit_index(struct gen *g, struct buf *out, const struct model *m,
                       const struct sql_object *o)
{
    TMPL(out, "sql.create_index", {"name", ident(g, o->name)}, {"table", ident(g, m->table)},
         {"columns", column_list(g, o->columns, o->ncolumns)});
}

static void emit_indexes(struct gen *g, struct buf *out, const struct model *m)
{
    struct sql_object *objects;
    size_t n = table_objects(g, m, &objects), emitted = 0;
    for (size_t i = 0; i < n; i++) {
        if (objects[i].kind == SQL_INDEX) {
            emit_index(g, out, m, &objects[i]);
            emitted++;
        }
    }
    if (emitted)
        tmpl_emit(out, "sql.end_indexes", NULL, 0);
}

static void emit_deferred_key(struct gen *g, struct buf *out, const struct model *m,
                              struct column *c)
{
    TMPL(out, "sql.postgres.deferred_foreign_key",
         {"reason", defer_reason_text(c->assoc, g->arena)}, {"table", ident(g, m->table)},
         {"name", ident(g, raw_object_name(g, "fkey", m, &c, 1))},
         {"column", ident(g, c->name)}, {"target", ident(g, c->assoc->target->table)},
         {"actions", actions(g, c->assoc)});
}

/* PostgreSQL: the deferred foreign keys, once every table they join exists. */
static void emit_deferred_keys(struct gen *g, struct buf *out)
{
    bool heading = false;
    for (size_t i = 0; i < g->s->nmodels; i++) {
        const struct model *m = g->s->create_order[i];
        for (size_t j = 0; j < m->ncolumns; j++) {
            struct column *c = &m->columns[j];
            if (!is_constrained_key(c) || inline_key(g, c->assoc))
                continue;
            if (!heading)
                tmpl_emit(out, "sql.postgres.deferred_heading", NULL, 0);
            heading = true;
            emit_deferred_key(g, out, m, c);
        }
    }
}

/* ---------------------------------------------------------------------- entry points -- */

static void body(struct gen *g, struct buf *out)
{
    for (size_t i = 0; i < g->s->nmodels; i++) {
        const struct model *m = g->s->create_order[i];
        emit_table(g, out, m);
        emit_indexes(g, out, m);
    }
    if (g->d == DIALECT_POSTGRES)
        emit_deferred_keys(g, out);
}

static size_t count_deferred(const struct schema *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nmodels; i++)
        for (size_t j = 0; j < s->models[i]->ncolumns; j++)
            if (is_constrained_key(&s->models[i]->columns[j]) &&
                s->models[i]->columns[j].assoc->defer != DEFER_NOT)
                n++;
    return n;
}

void sql_schema_body(struct buf *out, const struct schema *s, enum dialect d)
{
    struct gen g = {s, d, arena_new()};
    body(&g, out);
    arena_free(g.arena);
}

void sql_generate(struct buf *out, const struct schema *s, enum dialect d)
{
    struct gen g = {s, d, arena_new()};
    TMPL(out, "sql.header", {"file", s->file}, {"tables", count_text(&g, "tables", s->nmodels)},
         {"deferred", count_text(&g, "deferred", count_deferred(s))});
    body(&g, out);
    tmpl_emit(out, "sql.footer", NULL, 0);
    arena_free(g.arena);
}

/* ------------------------------------------------------------- pieces for modelgen diff -- */

/* A generator for one model's pieces; the strings it returns live in `a`. */
static struct gen piece_gen(enum dialect d, struct arena *a)
{
    struct gen g = {NULL, d, a};
    return g;
}

size_t sql_table_objects(const struct model *m, enum dialect d, struct arena *a,
                         struct sql_object **out)
{
    struct gen g = piece_gen(d, a);
    return table_objects(&g, m, out);
}

void sql_create_table(struct buf *out, const struct model *m, enum dialect d)
{
    struct gen g = piece_gen(d, arena_new());
    emit_table(&g, out, m);
    arena_free(g.arena);
}

void sql_create_indexes(struct buf *out, const struct model *m, enum dialect d)
{
    struct gen g = piece_gen(d, arena_new());
    emit_indexes(&g, out, m);
    arena_free(g.arena);
}

void sql_create_index(struct buf *out, const struct model *m, const struct sql_object *o,
                      enum dialect d)
{
    struct gen g = piece_gen(d, arena_new());
    emit_index(&g, out, m, o);
    arena_free(g.arena);
}

void sql_deferred_foreign_key(struct buf *out, const struct model *m, struct column *c)
{
    struct gen g = piece_gen(DIALECT_POSTGRES, arena_new());
    emit_deferred_key(&g, out, m, c);
    arena_free(g.arena);
}

const char *sql_table_constraint(const struct model *m, const struct sql_object *o,
                                 enum dialect d, struct arena *a)
{
    struct gen g = piece_gen(d, a);
    struct vec items = {0};
    struct buf b = {0};
    add_object_item(&g, m, o, &items);
    emit_items(&b, &items);
    vec_free(&items);
    size_t start = 0, end = b.len;
    while (start < end && b.data[start] == ' ')
        start++;
    while (end > start && b.data[end - 1] == '\n')
        end--;
    const char *s = arena_strndup(a, b.data ? b.data + start : "", end - start);
    buf_free(&b);
    return s;
}

const char *sql_column_definition(const struct column *c, enum dialect d, struct arena *a)
{
    struct gen g = piece_gen(d, a);
    return column_definition(&g, c);
}

const char *sql_type(enum type_kind t, enum dialect d, struct arena *a)
{
    struct gen g = piece_gen(d, a);
    return type_name_sql(&g, t);
}

const char *sql_default(const struct field *f, enum dialect d, struct arena *a)
{
    struct gen g = piece_gen(d, a);
    return default_value(&g, f);
}

const char *sql_string(const char *text, struct arena *a)
{
    struct gen g = piece_gen(DIALECT_SQLITE, a);
    return string_literal(&g, text);
}

const char *sql_actions(const struct assoc *as, struct arena *a)
{
    struct gen g = piece_gen(DIALECT_SQLITE, a);
    return actions(&g, as);
}

const char *sql_quoted(const char *name, struct arena *a)
{
    struct gen g = piece_gen(DIALECT_SQLITE, a);
    return ident(&g, name);
}
