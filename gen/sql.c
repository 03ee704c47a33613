/* Migration SQL for SQLite and PostgreSQL (SPEC section 5). The text lives in
   templates/sql.tmpl; this file only decides which sections go where, in what order. */
#include "sql.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "analyze.h"
#include "names.h"
#include "template.h"

/* Fixed words ("NOT NULL", "INTEGER") a run has already built, by section. */
enum { WORD_CACHE = 24 };

/* One run of the generator. The strings it builds live in `arena`: the run's own, or while
   body() writes one table, that table's (freed when the table is done, so that the same
   memory serves every table). The cached words live in `run`, the run's arena. */
struct gen {
    const struct schema *s;
    enum dialect d;
    struct arena *arena;
    struct arena *run;
    struct {
        const char *section, *text;
    } words[WORD_CACHE];
    size_t nwords;
};

/* ---------------------------------------------------------------------------- pieces -- */

/* The dialect's own section `name`: "sql.sqlite.name" or "sql.postgres.name". Both are
   literals, not strings built per call, so that the template cache and the word cache
   below recognise them by address. */
#define DIALECT_SECTION(g, name) \
    ((g)->d == DIALECT_SQLITE ? "sql.sqlite." name : "sql.postgres." name)

/* Moves b into the arena. */
static const char *keep(struct gen *g, struct buf *b)
{
    const char *s = arena_strndup(g->arena, b->data ? b->data : "", b->len);
    buf_free(b);
    return s;
}

/* Short strings are assembled here and then copied into the arena, sparing each a
   malloc and free of its own. Whatever fills it copies the result out before anything
   else can use it (arguments are evaluated before the call that fills it). One per
   thread. */
static __thread struct buf scratch;

void sql_scratch_release(void)
{
    buf_free(&scratch);
}

static const char *keep_scratch(struct gen *g)
{
    return arena_strndup(g->arena, scratch.data ? scratch.data : "", scratch.len);
}

/* A one-line section as a string, without its final newline, for use inside a line. */
static const char *piece(struct gen *g, const char *section, const struct tvar *vars,
                         size_t nvars)
{
    scratch.len = 0;
    tmpl_emit(&scratch, section, vars, nvars);
    if (scratch.len && scratch.data[scratch.len - 1] == '\n')
        scratch.data[--scratch.len] = '\0';
    return keep_scratch(g);
}

#define PIECE(g, section, ...)                                                   \
    piece((g), (section), (const struct tvar[]){__VA_ARGS__},                    \
          sizeof((const struct tvar[]){__VA_ARGS__}) / sizeof(struct tvar))

/* A section without placeholders, as a string. A column's definition asks for the same
   few words again and again, so each is built once per run; sections are string literals
   (never freed), so the address identifies one. */
static const char *word(struct gen *g, const char *section)
{
    for (size_t i = 0; i < g->nwords; i++)
        if (g->words[i].section == section)
            return g->words[i].text;
    const char *text = piece(g, section, NULL, 0);
    if (g->arena != g->run)
        text = arena_strdup(g->run, text);
    if (g->nwords < WORD_CACHE) {
        g->words[g->nwords].section = section;
        g->words[g->nwords].text = text;
        g->nwords++;
    }
    return text;
}

/* Appends `w` to a space-separated list of words. */
static void add_word(struct buf *b, const char *w)
{
    if (b->len)
        buf_putc(b, ' ');
    buf_puts(b, w);
}

/* "1 table" or "3 tables": section `one` (sql.count.<what>.one) or `many`. */
static const char *count_text(struct gen *g, const char *one, const char *many, size_t n)
{
    return PIECE(g, n == 1 ? one : many, {"n", arena_printf(g->arena, "%zu", n)});
}

/* ----------------------------------------------------------------------- identifiers -- */

void sql_ident(struct buf *out, const char *name)
{
    sqlq_ident(out, name);
}

static const char *ident(struct gen *g, const char *name)
{
    scratch.len = 0;
    sql_ident(&scratch, name);
    return keep_scratch(g);
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

/* users_email_key, unquoted: `section` (sql.name.<suffix>) over the raw names. */
static const char *raw_object_name(struct gen *g, const char *section, const struct model *m,
                                   struct column *const *cols, size_t n)
{
    struct buf joined = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&joined, '_');
        buf_puts(&joined, cols[i]->name);
    }
    const char *name = PIECE(g, section, {"table", m->table}, {"columns", keep(g, &joined)});
    return g->d == DIALECT_POSTGRES ? sql_postgres_name(name, g->arena) : name;
}

/* What the database that m was pulled from calls this object, when it is not modelgen's
   name (see struct db_object_name); NULL for modelgen's. */
static const char *database_name(struct gen *g, const struct model *m,
                                 enum sql_object_kind kind, struct column *const *cols,
                                 size_t n)
{
    char want = kind == SQL_UNIQUE ? 'u' : kind == SQL_FOREIGN_KEY ? 'f'
              : kind == SQL_INDEX ? 'i' : 0;
    if (!want || m->ndb_names == 0)
        return NULL;
    struct buf joined = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&joined, "%s%s", i ? "," : "", cols[i]->name);
    const char *name = NULL;
    for (size_t i = 0; i < m->ndb_names && !name; i++)
        if (m->db_names[i].kind == want && strcmp(m->db_names[i].columns, joined.data) == 0)
            name = arena_strdup(g->arena, m->db_names[i].name);
    buf_free(&joined);
    return name;
}

/* section: sql.name.check, .key, .fkey or .idx */
static struct sql_object *new_object(struct gen *g, enum sql_object_kind kind,
                                     const char *section, const struct model *m,
                                     struct column *const *cols, size_t n)
{
    struct sql_object *o = arena_alloc(g->arena, sizeof *o);
    struct column **copy = arena_alloc(g->arena, n * sizeof *copy);
    memcpy(copy, cols, n * sizeof *copy);
    o->kind = kind;
    o->name = raw_object_name(g, section, m, cols, n);
    o->columns = copy;
    o->ncolumns = n;
    const char *db_name = database_name(g, m, kind, cols, n);
    if (db_name && strcmp(db_name, o->name) != 0) {
        o->name = db_name;
        o->database_name = true;
    }
    return o;
}

/* --------------------------------------------------------------------------- values -- */

static const char *string_literal(struct gen *g, const char *text)
{
    scratch.len = 0;
    sqlq_literal(&scratch, text, g->d);
    return keep_scratch(g);
}

static const char *default_value(struct gen *g, const struct field *f)
{
    const struct default_value *d = &f->def;
    switch (d->kind) {
    case DEFAULT_NONE:
        return NULL;
    case DEFAULT_INT: {
        const char *n = arena_printf(g->arena, "%" PRId64, d->i);
        /* to_timestamp(n) is exact while n microseconds are a double's integer (2^53) */
        if (f->type == TYPE_TIMESTAMP && g->d == DIALECT_POSTGRES &&
            (d->i > INT64_C(9007199254) || d->i < -INT64_C(9007199254))) {
            int64_t hours = d->i / 3600;
            return PIECE(g, "sql.postgres.seconds_exact",
                         {"h1", arena_printf(g->arena, "%" PRId64, hours / 2)},
                         {"h2", arena_printf(g->arena, "%" PRId64, hours - hours / 2)},
                         {"s", arena_printf(g->arena, "%" PRId64, d->i % 3600)});
        }
        if (f->type == TYPE_TIMESTAMP)
            return PIECE(g, DIALECT_SECTION(g, "seconds"), {"n", n});
        return n;
    }
    case DEFAULT_REAL:
        return d->text;
    case DEFAULT_TEXT:
        return string_literal(g, d->text);
    case DEFAULT_BOOL:
        return word(g, d->b ? DIALECT_SECTION(g, "true") : DIALECT_SECTION(g, "false"));
    case DEFAULT_NULL:
        return word(g, "sql.null");
    case DEFAULT_NOW:
        return word(g, DIALECT_SECTION(g, "now"));
    case DEFAULT_ENUM:
        return string_literal(g, f->enum_type->members[d->member]);
    }
    return NULL;
}

static const char *type_name_sql(struct gen *g, enum type_kind t)
{
#define TYPE_SECTIONS(dialect)                                                             \
    {                                                                                      \
        [TYPE_INT] = "sql." dialect ".type.int", [TYPE_REAL] = "sql." dialect ".type.real", \
        [TYPE_TEXT] = "sql." dialect ".type.text", [TYPE_BLOB] = "sql." dialect ".type.blob", \
        [TYPE_BOOL] = "sql." dialect ".type.bool",                                         \
        [TYPE_TIMESTAMP] = "sql." dialect ".type.timestamp",                               \
        [TYPE_ENUM] = "sql." dialect ".type.enum",                                         \
    }
    static const char *const sqlite[] = TYPE_SECTIONS("sqlite");
    static const char *const postgres[] = TYPE_SECTIONS("postgres");
#undef TYPE_SECTIONS
    return word(g, g->d == DIALECT_SQLITE ? sqlite[t] : postgres[t]);
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
        add_word(&b, word(g, DIALECT_SECTION(g, "id")));
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

/* n spaces: a suffix of one literal when that is long enough, else built in the arena. */
static const char *spaces(struct gen *g, size_t n)
{
    static const char run[] = "                                                                ";
    if (n < sizeof run)
        return run + (sizeof run - 1 - n);
    char *s = arena_alloc(g->arena, n + 1);
    memset(s, ' ', n);
    return s;
}

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
        const char *pad = spaces(g, width - strlen(names[i]));
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
            vec_push(&v, new_object(g, SQL_CHECK, "sql.name.check", m, &c, 1));
    }
    for (size_t i = 0; i < m->ncolumns; i++) {
        struct column *c = &m->columns[i];
        if (c->field && c->field->unique)
            vec_push(&v, new_object(g, SQL_UNIQUE, "sql.name.key", m, &c, 1));
    }
    for (size_t i = 0; i < m->ncomposites; i++) {
        const struct composite *k = m->composites[i];
        if (k->unique && !duplicate_unique(m, i))
            vec_push(&v, new_object(g, SQL_UNIQUE, "sql.name.key", m, k->columns, k->ncolumns));
    }
    for (size_t i = 0; i < m->ncolumns; i++) {
        struct column *c = &m->columns[i];
        if (is_constrained_key(c))
            vec_push(&v, new_object(g, SQL_FOREIGN_KEY, "sql.name.fkey", m, &c, 1));
    }
    /* Declared indexes and one per foreign-key column, unless a unique constraint or another
       index already covers exactly the same columns. */
    for (size_t i = 0; i < m->ncolumns; i++) {
        struct column *c = &m->columns[i];
        bool wanted = c->assoc || (c->field && c->field->index);
        if (wanted && !already_indexed(m, &c, 1, m->ncomposites))
            vec_push(&v, new_object(g, SQL_INDEX, "sql.name.idx", m, &c, 1));
    }
    for (size_t i = 0; i < m->ncomposites; i++) {
        const struct composite *k = m->composites[i];
        if (!k->unique && !already_indexed(m, k->columns, k->ncolumns, i))
            vec_push(&v, new_object(g, SQL_INDEX, "sql.name.idx", m, k->columns, k->ncolumns));
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
                 {"reason", sqlq_comment_a(g->arena, defer_reason_text(a, g->arena))});
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

/* CREATE TABLE of m, whose objects (from table_objects) are objects[0..n). */
static void emit_table_of(struct gen *g, struct buf *out, const struct model *m,
                          const struct sql_object *objects, size_t n)
{
    struct vec items = {0};
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

static void emit_table(struct gen *g, struct buf *out, const struct model *m)
{
    struct sql_object *objects;
    size_t n = table_objects(g, m, &objects);
    emit_table_of(g, out, m, objects, n);
}

static void emit_index(struct gen *g, struct buf *out, const struct model *m,
                       const struct sql_object *o)
{
    TMPL(out, "sql.create_index", {"name", ident(g, o->name)}, {"table", ident(g, m->table)},
         {"columns", column_list(g, o->columns, o->ncolumns)});
}

/* The CREATE INDEX statements among objects[0..n) of m. */
static void emit_indexes_of(struct gen *g, struct buf *out, const struct model *m,
                            const struct sql_object *objects, size_t n)
{
    size_t emitted = 0;
    for (size_t i = 0; i < n; i++) {
        if (objects[i].kind == SQL_INDEX) {
            emit_index(g, out, m, &objects[i]);
            emitted++;
        }
    }
    if (emitted)
        tmpl_emit(out, "sql.end_indexes", NULL, 0);
}

static void emit_indexes(struct gen *g, struct buf *out, const struct model *m)
{
    struct sql_object *objects;
    size_t n = table_objects(g, m, &objects);
    emit_indexes_of(g, out, m, objects, n);
}

static void emit_deferred_key(struct gen *g, struct buf *out, const struct model *m,
                              struct column *c)
{
    TMPL(out, "sql.postgres.deferred_foreign_key",
         {"reason", sqlq_comment_a(g->arena, defer_reason_text(c->assoc, g->arena))},
         {"table", ident(g, m->table)},
         {"name", ident(g, raw_object_name(g, "sql.name.fkey", m, &c, 1))},
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
        /* the table's constraints and its indexes come from one list, built once */
        const struct model *m = g->s->create_order[i];
        g->arena = arena_new();
        struct sql_object *objects;
        size_t n = table_objects(g, m, &objects);
        emit_table_of(g, out, m, objects, n);
        emit_indexes_of(g, out, m, objects, n);
        arena_free(g->arena);
        g->arena = g->run;
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
    struct gen g = {.s = s, .d = d, .arena = arena_new()};
    g.run = g.arena;
    body(&g, out);
    arena_free(g.arena);
}

/* The file around a body: the body's text when given, else built here. */
static void generate(struct buf *out, const struct schema *s, enum dialect d,
                     const struct buf *prebuilt)
{
    struct gen g = {.s = s, .d = d, .arena = arena_new()};
    g.run = g.arena;
    TMPL(out, "sql.header", {"file", sqlq_comment_a(g.arena, s->file)},
         {"tables", count_text(&g, "sql.count.tables.one", "sql.count.tables.many", s->nmodels)},
         {"deferred", count_text(&g, "sql.count.deferred.one", "sql.count.deferred.many",
                                 count_deferred(s))});
    if (prebuilt)
        buf_putn(out, prebuilt->data ? prebuilt->data : "", prebuilt->len);
    else
        body(&g, out);
    tmpl_emit(out, "sql.footer", NULL, 0);
    arena_free(g.arena);
}

void sql_generate(struct buf *out, const struct schema *s, enum dialect d)
{
    generate(out, s, d, NULL);
}

void sql_generate_with_body(struct buf *out, const struct schema *s, enum dialect d,
                            const struct buf *body_text)
{
    generate(out, s, d, body_text);
}

/* ------------------------------------------------------------- PostgreSQL's names -- */

/* PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) and drops the rest, so
   two long names that begin alike would be one. A name modelgen chooses that is longer
   keeps its first 54 bytes and ends in _ and 8 hexadecimal digits of its hash. */
enum { PG_NAME_MAX = 63, PG_NAME_KEEP = 54 };

const char *sql_postgres_name(const char *name, struct arena *a)
{
    size_t n = strlen(name);
    if (n <= PG_NAME_MAX)
        return name;
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    return arena_printf(a, "%.*s_%08x", PG_NAME_KEEP, name, (unsigned)h);
}

/* The name PostgreSQL itself gives a table's primary key (label "pkey") or a column's
   identity sequence (name2 the column, label "seq"): its makeObjectName, which shortens
   the longer of the two names until they fit. */
const char *sql_postgres_auto_name(const char *name1, const char *name2, const char *label,
                                   struct arena *a)
{
    size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
    size_t overhead = (name2 ? 1 : 0) + strlen(label) + 1;
    while (n1 + n2 > PG_NAME_MAX - overhead) {
        if (n1 > n2)
            n1--;
        else
            n2--;
    }
    if (name2)
        return arena_printf(a, "%.*s_%.*s_%s", (int)n1, name1, (int)n2, name2, label);
    return arena_printf(a, "%.*s_%s", (int)n1, name1, label);
}

/* ------------------------------------------------------------- pieces for modelgen diff -- */

/* A generator for one model's pieces; the strings it returns live in `a`. */
static struct gen piece_gen(enum dialect d, struct arena *a)
{
    struct gen g = {.s = NULL, .d = d, .arena = a, .run = a};
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
