/* modelgen pull: from a database's catalog (catalog.h) to .model text.

   The text goes through the normal front end (parse, check, analyse) like any schema, so
   that what `pull` writes and what `diff --db` compares are the same model. Deciding it
   takes four steps:
   1. names: a model per table (users -> User, with `table NAME` when the plural rule would
      not give the table back), an association per foreign key (profile_id -> profile, with
      `fk COLUMN` when the column is not NAME_id), an enum per CHECK (col IN (...));
   2. members: columns in the table's order, as fields or belongs_to; unique constraints and
      indexes as field options where the generated SQL would write them in the same order,
      else as composites;
   3. deferral: every key starts as `auto`; the analyzer runs; a key the database defers
      and the analyzer does not becomes `constraint deferred`, a key the analyzer defers and
      the database does not becomes `constraint immediate` (unless that leaves a cycle
      nothing may break: then the database's key is reported, and modelgen defers it);
   4. every approximation is a warning on stderr and a comment in the text. */
#include "pull.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze.h"
#include "catalog.h"
#include "c_reserved.h"
#include "check.h"
#include "frontend.h"
#include "names.h"
#include "output.h"

enum { MAX_ROUNDS = 64 };

struct p_enum {
    const char *name;
    const char **members;
    size_t nmembers;
};

struct p_model;

enum p_kind { P_FIELD, P_ASSOC };

struct p_member {
    enum p_kind kind;
    const char *name;
    const struct cat_column *col;
    const char *comment;
    /* a field */
    enum type_kind type;
    struct p_enum *e;
    bool nullable, unique, index;
    const char *def;            /* the default as the model writes it, or NULL */
    /* a belongs_to */
    struct p_model *target;
    enum action on_delete, on_update;
    enum fk_mode mode;
    bool constrained;           /* the database has the key (else: constraint none) */
    bool db_deferred;
    bool pinned;                /* immediate was tried and left a cycle nothing may break */
    const char *key_name;       /* the database's name of the key */
    bool indexed;               /* a one-column index covers it */
};

struct p_composite {
    bool unique;
    const char **columns;
    size_t ncolumns;
    const char *comment;
};

struct p_model {
    const char *name, *table;
    const struct cat_table *t;
    const struct model *like;   /* the same table in the naming schema */
    bool table_clause;
    struct vec members;         /* struct p_member * in column order */
    struct vec composites;      /* struct p_composite * */
    struct vec has_many;        /* lines */
    const char *comment;        /* above the model */
    long *member_of;            /* the member of each catalog column, or -1 */
};

struct puller {
    struct catalog c;
    struct arena *a;
    const struct pull_options *o;
    struct vec models;          /* struct p_model *, in the catalog's order */
    struct vec enums;           /* struct p_enum * */
    struct vec type_names;      /* names taken by models and enums, and their C names */
};

static void warn(struct puller *p, const char *table, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warn(struct puller *p, const char *table, const char *column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *text = arena_vprintf(p->a, fmt, ap);
    va_end(ap);
    catalog_warn(&p->c, table, column, "%s", text);
}

/* ---------------------------------------------------------------------------- names -- */

static bool is_ident(const char *s)
{
    if (!s || !isalpha((unsigned char)s[0]) || (unsigned char)s[0] >= 0x80)
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_') || (unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* Words the grammar never takes as a name. */
static bool is_hard_keyword(const char *s, bool field)
{
    static const char *const words[] = {"model", "enum", "belongs_to", "has_one", "has_many",
                                        "default", "true", "false", "null"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    return !field && (strcmp(s, "unique") == 0 || strcmp(s, "index") == 0);
}

/* Why a name cannot be one of the model's (check.c refuses these), or NULL. */
static const char *bad_name(const char *s, bool field)
{
    static const char *const system_columns[] = {"cmax", "cmin", "ctid", "oid", "rowid",
                                                 "tableoid", "xmax", "xmin"};
    if (!is_ident(s))
        return "not a name of the model language (letters, digits and _, from a letter)";
    if (is_hard_keyword(s, field))
        return "a keyword of the model language";
    if (is_c_keyword(s))
        return "a C or C++ keyword";
    for (size_t i = 0; i < sizeof system_columns / sizeof system_columns[0]; i++)
        if (strcmp(s, system_columns[i]) == 0)
            return "a system column's name";
    if (strncmp(s, "sqlite3", 7) == 0 || strncmp(s, "mg_", 3) == 0 || strcmp(s, "mg") == 0)
        return "reserved for SQLite's API or modelgen's runtime";
    if (strlen(s) > 63)
        return "longer than PostgreSQL's 63 bytes";
    bool fatal = false;
    if (c_reserved(s, &fatal) && fatal)   /* the others are warnings, as in check */
        return "a name the C library or GNU C already takes";
    return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* posts -> post, categories -> category, addresses -> address, sizes -> size,
   people -> person */
static const char *singular(struct arena *a, const char *word)
{
    static const struct {
        const char *many, *one;
    } irregular[] = {
        {"people", "person"}, {"children", "child"}, {"men", "man"},
        {"women", "woman"},   {"mice", "mouse"},     {"geese", "goose"},
    };
    for (size_t i = 0; i < sizeof irregular / sizeof irregular[0]; i++)
        if (strcasecmp(word, irregular[i].many) == 0)
            return irregular[i].one;
    size_t n = strlen(word);
    if (ends_with(word, "ies") && n > 3)
        return arena_printf(a, "%.*sy", (int)(n - 3), word);
    if (ends_with(word, "zzes"))    /* quizzes -> quiz; but sizes -> size, below */
        return arena_printf(a, "%.*s", (int)(n - 3), word);
    if (ends_with(word, "sses") || ends_with(word, "xes") || ends_with(word, "ches") ||
        ends_with(word, "shes") || ends_with(word, "tuses"))
        return arena_printf(a, "%.*s", (int)(n - 2), word);
    if (ends_with(word, "s") && !ends_with(word, "ss") && n > 1)
        return arena_printf(a, "%.*s", (int)(n - 1), word);
    return word;
}

/* blog_post -> BlogPost; a part already in capitals keeps them (userProfile -> UserProfile) */
static char *camel(struct arena *a, const char *snake)
{
    char *s = arena_strdup(a, snake);
    size_t j = 0;
    bool up = true;
    for (size_t i = 0; snake[i]; i++) {
        if (snake[i] == '_') {
            up = true;
            continue;
        }
        s[j++] = up ? (char)toupper((unsigned char)snake[i]) : snake[i];
        up = false;
    }
    s[j] = '\0';
    return s;
}

/* The table a model of this name gets without `table`. */
static const char *default_table(struct arena *a, const char *model)
{
    return plural(a, snake_case(a, model));
}

static bool type_name_taken(const struct puller *p, const char *name, const char *c_name)
{
    static const char *const builtin[] = {"int", "real", "text", "blob", "bool", "timestamp"};
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(name, builtin[i]) == 0)
            return true;
    for (size_t i = 0; i < p->type_names.count; i++) {
        const char *t = p->type_names.items[i];
        if (strcmp(t, name) == 0 || strcmp(t, c_name) == 0)
            return true;
    }
    return false;
}

/* Whether name can name a model or an enum (its C name too), and is free. */
static bool type_name_ok(struct puller *p, const char *name)
{
    if (!name || bad_name(name, false))
        return false;
    const char *c_name = snake_case(p->a, name);
    char taken[128];
    if (bad_name(c_name, false) || ends_with(c_name, "_array") ||
        c_reserved_type(c_name, taken, sizeof taken))
        return false;
    return !type_name_taken(p, name, c_name);
}

static void take_type_name(struct puller *p, const char *name)
{
    vec_push(&p->type_names, (void *)name);
    vec_push(&p->type_names, snake_case(p->a, name));
}

/* Whether a model of this name could hold table t: its column constants (SIZE_MAX for a
   column max of a model Size) must be free too. */
static bool model_name_ok(struct puller *p, const char *name, const struct cat_table *t)
{
    if (!type_name_ok(p, name))
        return false;
    const char *c_name = snake_case(p->a, name);
    for (size_t i = 0; t && i < t->ncolumns; i++) {
        bool fatal = false;
        if (c_reserved(upper_case(p->a, arena_printf(p->a, "%s_%s", c_name, t->columns[i].name)),
                       &fatal) && fatal)
            return false;
    }
    return true;
}

/* A name from base that model_name_ok accepts (type_name_ok for an enum, t NULL): base,
   baseRow, base2, base3, ... */
static const char *free_type_name(struct puller *p, const char *base, const char *suffix,
                                  const struct cat_table *t)
{
    if (model_name_ok(p, base, t))
        return base;
    const char *with = arena_printf(p->a, "%s%s", base, suffix);
    if (model_name_ok(p, with, t))
        return with;
    for (int i = 2;; i++) {
        const char *n = arena_printf(p->a, "%s%d", with, i);
        if (model_name_ok(p, n, t))
            return n;
    }
}

static const struct model *like_model(const struct puller *p, const char *table)
{
    const struct schema *s = p->o->like;
    for (size_t i = 0; s && i < s->nmodels; i++)
        if (strcmp(s->models[i]->table, table) == 0)
            return s->models[i];
    return NULL;
}

static const struct model *like_named(const struct puller *p, const char *name)
{
    const struct schema *s = p->o->like;
    for (size_t i = 0; s && i < s->nmodels; i++)
        if (strcmp(s->models[i]->name, name) == 0)
            return s->models[i];
    return NULL;
}

/* users -> User: the singular of the table's last word, in CamelCase */
static const char *derived_name(struct puller *p, const char *table)
{
    const char *last = strrchr(table, '_');
    size_t head = last ? (size_t)(last - table) + 1 : 0;
    const char *one = arena_printf(p->a, "%.*s%s", (int)head, table,
                                   singular(p->a, table + head));
    return camel(p->a, one);
}

/* Whether model x has exactly the columns of table t (its id aside). */
static bool same_columns(const struct model *x, const struct cat_table *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (strcmp(t->columns[i].name, "id") == 0)
            continue;
        bool found = false;
        for (size_t j = 1; j < x->ncolumns && !found; j++)
            found = strcmp(x->columns[j].name, t->columns[i].name) == 0;
        if (!found)
            return false;
        n++;
    }
    return n + 1 == x->ncolumns;
}

static bool claimed(const struct puller *p, const struct model *x)
{
    for (size_t i = 0; i < p->models.count; i++)
        if (((const struct p_model *)p->models.items[i])->like == x)
            return true;
    return false;
}

/* Which of the naming schema's models each table is. A table is the model that has its
   name, or the model of its derived name (tables that trade names keep their models'
   names): first where the model has exactly the table's columns, then where it is still
   free, the table's model first. */
static void match_like(struct puller *p)
{
    if (!p->o->like)
        return;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < p->models.count; i++) {
            struct p_model *m = p->models.items[i];
            if (m->like)
                continue;
            const struct model *candidates[2] = {like_model(p, m->table),
                                                 like_named(p, derived_name(p, m->table))};
            for (int k = 0; k < 2 && !m->like; k++) {
                const struct model *x = candidates[k];
                if (x && !claimed(p, x) && (pass == 1 || same_columns(x, m->t)))
                    m->like = x;
            }
        }
    }
}

/* A model's name: the naming schema's for its table, else derived from the table. */
static void name_model(struct puller *p, struct p_model *m)
{
    const char *name = NULL;
    if (m->like && model_name_ok(p, m->like->name, m->t)) {
        name = m->like->name;
    } else {
        m->like = NULL;
        name = free_type_name(p, derived_name(p, m->table), "Row", m->t);
    }
    take_type_name(p, name);
    m->name = name;
    m->table_clause = strcmp(default_table(p->a, name), m->table) != 0;
}

/* ---------------------------------------------------------------------------- model -- */

static struct p_model *model_of_table(const struct puller *p, const char *table)
{
    for (size_t i = 0; i < p->models.count; i++) {
        struct p_model *m = p->models.items[i];
        if (strcmp(m->table, table) == 0)
            return m;
    }
    for (size_t i = 0; i < p->models.count; i++) {
        struct p_model *m = p->models.items[i];
        if (strcasecmp(m->table, table) == 0)
            return m;
    }
    return NULL;
}

static bool member_name_taken(const struct p_model *m, const char *name)
{
    for (size_t i = 0; i < m->members.count; i++) {
        const struct p_member *x = m->members.items[i];
        if (strcmp(x->name, name) == 0 || (x->col && strcmp(x->col->name, name) == 0))
            return true;
    }
    for (size_t i = 0; i < m->t->ncolumns; i++)
        if (strcmp(m->t->columns[i].name, name) == 0)
            return true;
    return false;
}

/* The id column: the primary key when it is one integer column named id. */
static bool is_id(const struct cat_table *t, const struct cat_column *c)
{
    return t->npk == 1 && c->pk && strcmp(c->name, "id") == 0 && c->type == TYPE_INT;
}

static bool table_has_id(const struct cat_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (is_id(t, &t->columns[i]))
            return true;
    return false;
}

static const char *column_list(struct puller *p, const struct cat_table *t, const size_t *cols,
                               size_t n, const char *sep)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? sep : "", t->columns[cols[i]].name);
    const char *s = arena_strndup(p->a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

/* The foreign key the model can hold for column ci: one column, to a pulled table's id. */
static const struct cat_fk *usable_fk(struct puller *p, const struct cat_table *t, size_t ci,
                                      bool report)
{
    const struct cat_fk *found = NULL;
    for (size_t k = 0; k < t->nfks; k++) {
        const struct cat_fk *fk = &t->fks[k];
        bool mine = false;
        for (size_t j = 0; j < fk->ncolumns; j++)
            mine = mine || fk->columns[j] == ci;
        if (!mine)
            continue;
        const char *col = t->columns[ci].name;
        if (fk->ncolumns != 1) {
            if (report && fk->columns[0] == ci)
                warn(p, t->name, NULL, "foreign key %s(%s) -> %s cannot be said in the model "
                     "(a key is one column referring to an id): not pulled",
                     fk->name ? arena_printf(p->a, "%s ", fk->name) : "",
                     column_list(p, t, fk->columns, fk->ncolumns, ", "), fk->target);
            continue;
        }
        struct p_model *target = model_of_table(p, fk->target);
        if (!target || (fk->note && strstr(fk->note, "outside schema"))) {
            if (report)
                warn(p, t->name, col, "foreign key to %s, which is not pulled: the column is "
                     "pulled as a plain field%s%s", fk->target, fk->note ? "; " : "",
                     fk->note ? fk->note : "");
            continue;
        }
        const char *to = fk->target_columns[0];
        bool to_id = false;
        if (table_has_id(target->t)) {
            to_id = !to;
            for (size_t j = 0; j < target->t->ncolumns && to; j++)
                if (strcasecmp(target->t->columns[j].name, to) == 0)
                    to_id = is_id(target->t, &target->t->columns[j]);
        }
        if (!to_id) {
            if (report)
                warn(p, t->name, col, "foreign key to %s(%s), which is not its id: pulled as a "
                     "plain field", fk->target, to ? to : "?");
            continue;
        }
        if (found) {
            if (report)
                warn(p, t->name, col, "second foreign key%s%s on the column not pulled",
                     fk->name ? " " : "", fk->name ? fk->name : "");
            continue;
        }
        found = fk;
    }
    return found;
}

static const struct assoc *like_assoc(const struct p_model *m, const char *column)
{
    for (size_t i = 0; m->like && i < m->like->nassocs; i++) {
        const struct assoc *as = m->like->assocs[i];
        if (as->kind == ASSOC_BELONGS_TO && as->column && strcmp(as->column, column) == 0)
            return as;
    }
    return NULL;
}

static const struct field *like_field(const struct p_model *m, const char *column)
{
    for (size_t i = 0; m->like && i < m->like->nfields; i++)
        if (strcmp(m->like->fields[i]->name, column) == 0)
            return m->like->fields[i];
    return NULL;
}

/* A belongs_to's name for column col: NAME of NAME_id, else the column itself. */
static const char *assoc_name(struct puller *p, struct p_model *m, const char *col)
{
    const struct assoc *like = like_assoc(m, col);
    if (like && !bad_name(like->name, false) && !member_name_taken(m, like->name))
        return like->name;
    size_t n = strlen(col);
    const char *base = n > 3 && ends_with(col, "_id") ? arena_strndup(p->a, col, n - 3) : col;
    if (!bad_name(base, false) && (base == col || !member_name_taken(m, base)))
        return base;
    const char *with = arena_printf(p->a, "%s_ref", base);
    for (int i = 2; bad_name(with, false) || member_name_taken(m, with); i++)
        with = arena_printf(p->a, "%s_ref%d", base, i);
    return with;
}

/* A model string: '...' with the lexer's escapes. */
static const char *model_string(struct arena *a, const char *s)
{
    struct buf b = {0};
    buf_putc(&b, '\'');
    for (; *s; s++) {
        switch (*s) {
        case '\'': buf_puts(&b, "\\'"); break;
        case '\\': buf_puts(&b, "\\\\"); break;
        case '\n': buf_puts(&b, "\\n"); break;
        case '\t': buf_puts(&b, "\\t"); break;
        default: buf_putc(&b, *s); break;
        }
    }
    buf_putc(&b, '\'');
    const char *r = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return r;
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t len = *p < 0x80 ? 1 : (*p >= 0xc2 && *p <= 0xdf) ? 2 : (*p >= 0xe0 && *p <= 0xef) ? 3
                   : (*p >= 0xf0 && *p <= 0xf4) ? 4 : 0;
        if (!len)
            return false;
        for (size_t i = 1; i < len; i++)
            if ((p[i] & 0xc0) != 0x80)
                return false;
        p += len;
    }
    return true;
}

/* Seconds PostgreSQL's timestamptz holds (check.c refuses the rest). */
static bool timestamp_in_range(int64_t s)
{
    return s >= -210866803200LL && s <= 9224318015999LL;
}

static const char *type_word(enum type_kind t)
{
    static const char *const words[] = {"int", "real", "text", "blob", "bool", "timestamp", "enum"};
    return words[t];
}

/* The default of field f, from the column's, as the model writes it (or NULL). */
static const char *field_default(struct puller *p, const struct p_model *m,
                                 const struct p_member *f, const struct cat_column *c)
{
    const struct cat_default *d = &c->def;
    const char *t = m->table, *col = c->name;
    if (d->note)
        warn(p, t, col, "%s", d->note);
    if (d->serial) {
        warn(p, t, col, "default %s (a sequence) cannot be said in the model: dropped", d->expr);
        return NULL;
    }
    const char *dropped = "default %s does not fit a %s field: dropped";
    const char *type = f->type == TYPE_ENUM ? f->e->name : type_word(f->type);
    switch (d->kind) {
    case DEFAULT_NONE:
        return NULL;
    case DEFAULT_NULL:
        return f->nullable ? "null" : NULL;
    case DEFAULT_NOW:
        if (f->type == TYPE_TIMESTAMP)
            return "now";
        break;
    case DEFAULT_INT:
        if (f->type == TYPE_INT || f->type == TYPE_REAL)
            return d->text;
        if (f->type == TYPE_TIMESTAMP && timestamp_in_range(d->i))
            return d->text;
        if (f->type == TYPE_BOOL && (d->i == 0 || d->i == 1))
            return d->i ? "true" : "false";
        break;
    case DEFAULT_REAL:
        if (f->type == TYPE_REAL)
            return d->text;
        break;
    case DEFAULT_BOOL:
        if (f->type == TYPE_BOOL)
            return d->i ? "true" : "false";
        break;
    case DEFAULT_TEXT:
        if (!valid_utf8(d->text)) {
            warn(p, t, col, "default %s is not UTF-8: dropped", d->expr);
            return NULL;
        }
        if (f->type == TYPE_TEXT)
            return model_string(p->a, d->text);
        if (f->type == TYPE_ENUM) {
            for (size_t i = 0; i < f->e->nmembers; i++)
                if (strcmp(f->e->members[i], d->text) == 0)
                    return f->e->members[i];
            warn(p, t, col, "default %s is not a member of the enum: dropped", d->expr);
            return NULL;
        }
        break;
    case DEFAULT_ENUM:
        break;
    }
    warn(p, t, col, dropped, d->expr, type);
    return NULL;
}

/* The naming schema's default where it means the same as the database's (diff --db would
   see a change where there is none): `default null` (PostgreSQL keeps no default for it), a
   real's spelling (PostgreSQL keeps 1e3 as 1000). */
static const char *like_spelling(struct puller *p, const struct p_model *m,
                                 const struct p_member *f, const char *def)
{
    const struct field *like = like_field(m, f->name);
    if (!like || like->type != f->type)
        return def;
    const struct default_value *d = &like->def;
    if (f->nullable && like->nullable && (!def || strcmp(def, "null") == 0) &&
        (d->kind == DEFAULT_NULL || d->kind == DEFAULT_NONE))
        return d->kind == DEFAULT_NULL ? "null" : NULL;
    if (def && f->type == TYPE_REAL && d->kind == DEFAULT_REAL &&
        strtod(def, NULL) == strtod(d->text, NULL))
        return arena_strdup(p->a, d->text);
    return def;
}

static struct p_enum *enum_for(struct puller *p, const struct p_model *m,
                               const struct cat_column *c)
{
    /* the naming schema's enum, when its field there has the same members */
    const struct field *like = like_field(m, c->name);
    const char *base = camel(p->a, c->enum_type && is_ident(c->enum_type) ? c->enum_type
                                                                         : c->name);
    if (like && like->type == TYPE_ENUM)
        base = like->enum_type->name;
    const char *candidates[3] = {base, arena_printf(p->a, "%s%s", m->name, camel(p->a, c->name)),
                                 NULL};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < p->enums.count; i++) {
            struct p_enum *e = p->enums.items[i];
            if (strcmp(e->name, candidates[k]) != 0 || e->nmembers != c->nmembers)
                continue;
            bool same = true;
            for (size_t j = 0; j < e->nmembers && same; j++)
                same = strcmp(e->members[j], c->members[j]) == 0;
            if (same)
                return e;
        }
    }
    struct p_enum *e = arena_alloc(p->a, sizeof *e);
    e->name = free_type_name(p, base, "Kind", NULL);
    if (strcmp(e->name, base) != 0 && type_name_ok(p, candidates[1]))
        e->name = candidates[1];
    take_type_name(p, e->name);
    e->members = c->members;
    e->nmembers = c->nmembers;
    vec_push(&p->enums, e);
    return e;
}

/* Why CHECK members cannot be enum members (names of the model language), or NULL. */
static const char *bad_members(const struct cat_column *c)
{
    for (size_t i = 0; i < c->nmembers; i++) {
        if (!is_ident(c->members[i]))
            return "a value that is not a name";
        if (is_hard_keyword(c->members[i], false))
            return "a keyword of the model language";
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->members[i], c->members[j]) == 0)
                return "a value listed twice";
    }
    return NULL;
}

static struct p_member *new_member(struct puller *p, struct p_model *m, enum p_kind kind,
                                   const char *name, const struct cat_column *c, size_t ci)
{
    struct p_member *x = arena_alloc(p->a, sizeof *x);
    x->kind = kind;
    x->name = name;
    x->col = c;
    m->member_of[ci] = (long)m->members.count;
    vec_push(&m->members, x);
    return x;
}

static void add_field(struct puller *p, struct p_model *m, const struct cat_column *c, size_t ci)
{
    const char *why = bad_name(c->name, true);
    if (why) {
        warn(p, m->table, c->name, "the column's name is %s: not pulled", why);
        return;
    }
    struct p_member *f = new_member(p, m, P_FIELD, c->name, c, ci);
    f->nullable = !c->notnull;
    f->type = c->type;
    if (c->type_note) {
        warn(p, m->table, c->name, "%s", c->type_note);
        f->comment = *c->decl ? arena_printf(p->a, "%s in the database", c->decl)
                              : "no declared type in the database";
    }
    if (c->members) {
        const char *bad = bad_members(c);
        if (bad) {
            warn(p, m->table, c->name, "CHECK (%s IN (...)) holds %s, which cannot be an enum's "
                 "member: pulled as text without the CHECK", c->name, bad);
        } else {
            f->type = TYPE_ENUM;
            f->e = enum_for(p, m, c);
            if (c->enum_note) {
                warn(p, m->table, c->name, "%s", c->enum_note);
                f->comment = arena_printf(p->a, "enum type %s in the database", c->decl);
            }
            const char *expected = arena_printf(p->a, "%s_%s_check", m->table, c->name);
            if (c->check_name && strcmp(c->check_name, expected) != 0)
                warn(p, m->table, c->name, "CHECK %s will be named %s by modelgen",
                     c->check_name, expected);
        }
    } else if (c->int_or_time) {
        const struct field *like = like_field(m, c->name);
        if (like && (like->type == TYPE_INT || like->type == TYPE_TIMESTAMP)) {
            f->type = like->type;
        } else if (c->def.kind == DEFAULT_NOW) {
            f->type = TYPE_TIMESTAMP;
        } else if (ends_with(c->name, "_at")) {
            f->type = TYPE_TIMESTAMP;
            warn(p, m->table, c->name, "INTEGER pulled as timestamp from the column's name "
                 "(SQLite keeps modelgen's timestamps as INTEGER; the catalog cannot tell)");
            f->comment = "a timestamp by its name";
        }
    } else if (c->type == TYPE_BOOL && p->c.dialect == DIALECT_SQLITE && c->check_name) {
        const char *expected = arena_printf(p->a, "%s_%s_check", m->table, c->name);
        if (strcmp(c->check_name, expected) != 0)
            warn(p, m->table, c->name, "CHECK %s will be named %s by modelgen", c->check_name,
                 expected);
    }
    f->def = like_spelling(p, m, f, field_default(p, m, f, c));
}

static void add_assoc(struct puller *p, struct p_model *m, const struct cat_column *c,
                      size_t ci, const struct cat_fk *fk, struct p_model *target)
{
    const char *why = bad_name(c->name, false);
    if (why) {
        warn(p, m->table, c->name, "the key column's name is %s: pulled as a plain field", why);
        add_field(p, m, c, ci);
        return;
    }
    struct p_member *a = new_member(p, m, P_ASSOC, assoc_name(p, m, c->name), c, ci);
    a->target = target;
    a->nullable = !c->notnull;
    a->constrained = fk != NULL;
    a->mode = fk ? FK_AUTO : FK_NONE;
    if (c->type_note) {
        warn(p, m->table, c->name, "%s", c->type_note);
        a->comment = arena_printf(p->a, "%s in the database", c->decl);
    }
    if (c->def.kind != DEFAULT_NONE && c->def.kind != DEFAULT_NULL)
        warn(p, m->table, c->name, "default %s on a foreign key cannot be said in the model: "
             "dropped", c->def.expr);
    if (!fk)
        return;
    a->on_delete = fk->on_delete;
    a->on_update = fk->on_update;
    /* NO ACTION written or not is the same key; PostgreSQL does not keep which */
    const struct assoc *like = like_assoc(m, c->name);
    if (like && (a->on_delete == ACTION_UNSET || a->on_delete == ACTION_NO_ACTION) &&
        (like->on_delete == ACTION_UNSET || like->on_delete == ACTION_NO_ACTION))
        a->on_delete = like->on_delete;
    if (like && (a->on_update == ACTION_UNSET || a->on_update == ACTION_NO_ACTION) &&
        (like->on_update == ACTION_UNSET || like->on_update == ACTION_NO_ACTION))
        a->on_update = like->on_update;
    if (fk->note)
        warn(p, m->table, c->name, "%s", fk->note);
    if (!a->nullable && a->on_delete == ACTION_SET_NULL) {
        warn(p, m->table, c->name, "ON DELETE SET NULL on a NOT NULL column cannot be said in "
             "the model (it could only fail): pulled without it");
        a->on_delete = ACTION_UNSET;
    }
    if (!a->nullable && a->on_update == ACTION_SET_NULL) {
        warn(p, m->table, c->name, "ON UPDATE SET NULL on a NOT NULL column cannot be said in "
             "the model (it could only fail): pulled without it");
        a->on_update = ACTION_UNSET;
    }
    a->db_deferred = fk->deferred;
    a->key_name = fk->name;
    if (fk->deferrable && !fk->deferred)
        warn(p, m->table, c->name, "DEFERRABLE INITIALLY IMMEDIATE cannot be said in the model "
             "(a key is deferred or not): pulled as not deferred");
    const char *expected = arena_printf(p->a, "%s_%s_fkey", m->table, c->name);
    if (fk->name && strcmp(fk->name, expected) != 0)
        warn(p, m->table, c->name, "foreign key %s will be named %s by modelgen", fk->name,
             expected);
}

/* A column without a foreign key that modelgen would have written for `belongs_to NAME: T
   constraint none`: NAME_id, an integer, T's table pulled, and an index of its own. */
static struct p_model *unconstrained_target(struct puller *p, struct p_model *m,
                                            const struct cat_column *c, size_t ci,
                                            bool *guessed)
{
    *guessed = false;
    if (c->type != TYPE_INT || c->type_note || c->def.kind != DEFAULT_NONE)
        return NULL;
    /* the naming schema's belongs_to on the column, whatever its mode: the database has no
       constraint for it, which diff --db then adds */
    const struct assoc *like = like_assoc(m, c->name);
    if (like && like->target)
        return model_of_table(p, like->target->table);
    if (like_field(m, c->name))
        return NULL;
    if (!ends_with(c->name, "_id") || strlen(c->name) <= 3)
        return NULL;
    const char *base = arena_strndup(p->a, c->name, strlen(c->name) - 3);
    struct p_model *target = model_of_table(p, plural(p->a, base));
    if (!target || !table_has_id(target->t))
        return NULL;
    for (size_t k = 0; k < m->t->nkeys; k++) {
        const struct cat_key *key = &m->t->keys[k];
        if (!key->unique && !key->inexpressible && key->ncolumns == 1 && key->columns[0] == ci) {
            *guessed = true;
            return target;
        }
    }
    return NULL;
}

static const char *snake_lower(struct arena *a, const char *s)
{
    char *l = arena_strdup(a, s);
    for (char *q = l; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return l;
}

static bool has_capitals(const char *s)
{
    for (; *s; s++)
        if (isupper((unsigned char)*s))
            return true;
    return false;
}

/* PostgreSQL folds unquoted names to lower case, and the generated SQL quotes only names
   that need it to parse: "createdAt" would be read as createdat. */
static void warn_capitals(struct puller *p, const char *table, const char *column)
{
    const char *name = column ? column : table;
    if (p->c.dialect == DIALECT_POSTGRES && has_capitals(name) && !sqlq_ident_needs_quotes(name))
        warn(p, table, column, "the name has capital letters, which modelgen's SQL does not "
             "quote: PostgreSQL would read it as %s", snake_lower(p->a, name));
}

static void add_members(struct puller *p, struct p_model *m)
{
    const struct cat_table *t = m->t;
    warn_capitals(p, t->name, NULL);
    m->member_of = arena_alloc(p->a, (t->ncolumns + 1) * sizeof *m->member_of);
    for (size_t i = 0; i < t->ncolumns; i++)
        m->member_of[i] = -1;
    if (t->npk == 0)
        warn(p, t->name, NULL, "no primary key: pulled with modelgen's implicit id");
    else if (t->npk > 1)
        warn(p, t->name, NULL, "primary key of %zu columns pulled as a unique constraint, beside "
             "modelgen's implicit id", t->npk);
    else if (!table_has_id(t))
        warn(p, t->name, NULL, "primary key that is not an integer column named id: pulled as a "
             "unique field, beside modelgen's implicit id");
    else if (t->id_note)
        warn(p, t->name, "id", "%s", t->id_note);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const struct cat_column *c = &t->columns[i];
        if (is_id(t, c))
            continue;
        if (strcmp(c->name, "id") == 0) {
            warn(p, t->name, c->name, "a column named id that is not the primary key cannot be "
                 "said in the model (its id is implicit): not pulled");
            continue;
        }
        warn_capitals(p, t->name, c->name);
        const struct cat_fk *fk = usable_fk(p, t, i, true);
        struct p_model *target = fk ? model_of_table(p, fk->target) : NULL;
        if (fk && c->type != TYPE_INT) {
            warn(p, t->name, c->name, "foreign key column of type %s (modelgen's keys are "
                 "integers): pulled as a plain field", c->decl);
            fk = NULL;
            target = NULL;
        }
        if (fk) {
            add_assoc(p, m, c, i, fk, target);
            continue;
        }
        bool guessed;
        target = unconstrained_target(p, m, c, i, &guessed);
        if (target) {
            add_assoc(p, m, c, i, NULL, target);
            if (guessed) {
                struct p_member *a = m->members.items[m->members.count - 1];
                warn(p, t->name, c->name, "no foreign key, but named and indexed like one: "
                     "pulled as 'belongs_to %s: %s constraint none'", a->name, target->name);
                a->comment = "no foreign key in the database";
            }
            continue;
        }
        add_field(p, m, c, i);
    }
}

/* ------------------------------------------------------------------ keys and indexes -- */

static struct p_member *member_at(struct p_model *m, size_t ci)
{
    return m->member_of[ci] >= 0 ? m->members.items[m->member_of[ci]] : NULL;
}

static bool same_key_columns(const struct p_composite *k, const char **cols, size_t n)
{
    if (k->ncolumns != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(k->columns[i], cols[i]) != 0)
            return false;
    return true;
}

static const char *key_label(struct puller *p, const struct cat_table *t, const struct cat_key *k)
{
    const char *cols = k->ncolumns ? arena_printf(p->a, " (%s)", column_list(p, t, k->columns,
                                                                         k->ncolumns, ", "))
                                   : "";
    const char *what = k->constraint ? "unique constraint" : k->unique ? "unique index" : "index";
    return k->name ? arena_printf(p->a, "%s %s%s", what, k->name, cols)
                   : arena_printf(p->a, "%s%s", what, cols);
}

static void add_keys(struct puller *p, struct p_model *m)
{
    const struct cat_table *t = m->t;
    /* the generated SQL writes one-column unique fields and indexed fields (and foreign-key
       indexes) in column order before the composites: a one-column key is a field option
       while the database's order allows that */
    long last_unique = -1, last_index = -1;
    bool composite_unique = false, composite_index = false;
    if (t->npk > 1 || (t->npk == 1 && !table_has_id(t))) {
        struct cat_key pk = {.unique = true, .constraint = true};
        pk.columns = arena_alloc(p->a, (t->npk + 1) * sizeof *pk.columns);
        for (size_t i = 0; i < t->ncolumns; i++)
            if (t->columns[i].pk)
                pk.columns[pk.ncolumns++] = i;
        struct cat_key *keys = arena_alloc(p->a, (t->nkeys + 2) * sizeof *keys);
        keys[0] = pk;
        memcpy(keys + 1, t->keys, t->nkeys * sizeof *keys);
        ((struct cat_table *)t)->keys = keys;
        ((struct cat_table *)t)->nkeys++;
    }
    for (size_t k = 0; k < t->nkeys; k++) {
        const struct cat_key *key = &t->keys[k];
        const char *label = key_label(p, t, key);
        if (key->inexpressible) {
            warn(p, t->name, NULL, "%s is %s, which the model cannot say: not pulled", label,
                 key->inexpressible);
            continue;
        }
        const char **cols = arena_alloc(p->a, (key->ncolumns + 1) * sizeof *cols);
        const char *why = NULL;
        bool on_id = false;
        for (size_t i = 0; i < key->ncolumns && !why; i++) {
            const struct cat_column *c = &t->columns[key->columns[i]];
            struct p_member *x = member_at(m, key->columns[i]);
            if (is_id(t, c))
                on_id = true;
            else if (!x)
                why = arena_printf(p->a, "column %s is not pulled", c->name);
            else if (x->kind == P_FIELD && x->type == TYPE_BLOB)
                why = "a blob column cannot be in a key or an index";
            else if (bad_name(c->name, false))
                why = arena_printf(p->a, "column %s cannot be named in a composite", c->name);
            cols[i] = c->name;
        }
        if (on_id && key->ncolumns == 1) {
            if (!key->unique)
                warn(p, t->name, NULL, "%s repeats the primary key's: not pulled", label);
            continue;
        }
        if (on_id)
            why = "the id cannot be named in a composite";
        if (why) {
            warn(p, t->name, NULL, "%s: %s: not pulled", label, why);
            continue;
        }
        /* a key the model already has (modelgen writes one of each) */
        bool duplicate = false;
        for (size_t i = 0; i < m->composites.count && !duplicate; i++) {
            const struct p_composite *x = m->composites.items[i];
            duplicate = same_key_columns(x, cols, key->ncolumns) && (x->unique || !key->unique);
        }
        struct p_member *one = key->ncolumns == 1 ? member_at(m, key->columns[0]) : NULL;
        if (one && one->kind == P_FIELD && (one->unique || (!key->unique && one->index)))
            duplicate = true;
        if (one && one->kind == P_ASSOC && !key->unique && one->indexed)
            duplicate = true;
        if (!key->unique && one && one->kind == P_FIELD && one->unique)
            duplicate = true;
        if (!key->unique) {
            for (size_t i = 0; i < m->composites.count && !duplicate; i++) {
                const struct p_composite *x = m->composites.items[i];
                duplicate = same_key_columns(x, cols, key->ncolumns);
            }
        }
        if (duplicate) {
            warn(p, t->name, NULL, "%s repeats another key on the same columns: not pulled",
                 label);
            continue;
        }
        const char *suffix = key->unique ? "key" : "idx";
        const char *expected = arena_printf(p->a, "%s_%s_%s", t->name,
                                            column_list(p, t, key->columns, key->ncolumns, "_"),
                                            suffix);
        if (key->name && strcmp(key->name, expected) != 0)
            warn(p, t->name, NULL, "%s will be named %s by modelgen", label, expected);
        if (key->unique && !key->constraint)
            warn(p, t->name, NULL, "%s pulled as a unique constraint", label);
        long pos = key->ncolumns == 1 ? (long)key->columns[0] : -1;
        if (key->unique && one && one->kind == P_FIELD && !composite_unique && pos > last_unique) {
            one->unique = true;
            last_unique = pos;
            continue;
        }
        if (!key->unique && one && !composite_index && pos > last_index) {
            if (one->kind == P_FIELD)
                one->index = true;
            one->indexed = true;
            last_index = pos;
            continue;
        }
        if (key->unique)
            composite_unique = true;
        else
            composite_index = true;
        struct p_composite *x = arena_alloc(p->a, sizeof *x);
        x->unique = key->unique;
        x->columns = cols;
        x->ncolumns = key->ncolumns;
        vec_push(&m->composites, x);
        if (one && one->kind == P_ASSOC)
            one->indexed = true;
    }
    /* modelgen indexes every foreign-key column that no unique key or index covers */
    for (size_t i = 0; i < m->members.count; i++) {
        struct p_member *a = m->members.items[i];
        if (a->kind != P_ASSOC || a->indexed)
            continue;
        bool covered = false;
        for (size_t j = 0; j < m->composites.count && !covered; j++) {
            const struct p_composite *x = m->composites.items[j];
            covered = x->ncolumns == 1 && strcmp(x->columns[0], a->col->name) == 0;
        }
        if (!covered)
            warn(p, t->name, a->col->name, "no index on the foreign key column, where "
                 "modelgen's schema has %s_%s_idx", t->name, a->col->name);
    }
}

/* has_many for the other side of every belongs_to (--has-many). */
static void add_has_many(struct puller *p)
{
    for (size_t i = 0; i < p->models.count; i++) {
        struct p_model *m = p->models.items[i];
        for (size_t j = 0; j < m->members.count; j++) {
            struct p_member *a = m->members.items[j];
            if (a->kind != P_ASSOC)
                continue;
            struct p_model *target = a->target;
            const char *base = plural(p->a, snake_case(p->a, m->name));
            const char *name = base;
            if (member_name_taken(target, name) || bad_name(name, false))
                name = arena_printf(p->a, "%s_by_%s", base, a->name);
            for (int k = 2; member_name_taken(target, name) || bad_name(name, false); k++)
                name = arena_printf(p->a, "%s_by_%s%d", base, a->name, k);
            bool again = false;
            for (size_t k = 0; k < target->has_many.count && !again; k++)
                again = strncmp(target->has_many.items[k], name, strlen(name)) == 0 &&
                        ((const char *)target->has_many.items[k])[strlen(name)] == ':';
            if (again)
                name = arena_printf(p->a, "%s_by_%s", base, a->name);
            vec_push(&target->has_many, arena_printf(p->a, "%s: %s by %s", name, m->name,
                                                     a->name));
        }
    }
}

/* ----------------------------------------------------------------------------- text -- */

static const char *action_word(enum action a)
{
    static const char *const words[] = {"", "cascade", "set_null", "restrict", "no_action"};
    return words[a];
}

static void clean_comment(struct buf *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void write_text(struct puller *p, struct buf *b)
{
    buf_puts(b, "# Pulled by modelgen from ");
    clean_comment(b, p->c.display);
    buf_puts(b, p->c.dialect == DIALECT_POSTGRES ? ", a PostgreSQL database.\n"
                                                 : ", an SQLite database.\n");
    for (size_t i = 0; i < p->enums.count; i++) {
        const struct p_enum *e = p->enums.items[i];
        buf_printf(b, "\nenum %s {", e->name);
        for (size_t j = 0; j < e->nmembers; j++)
            buf_printf(b, "%s %s", j ? "," : "", e->members[j]);
        buf_puts(b, " }\n");
    }
    for (size_t i = 0; i < p->models.count; i++) {
        const struct p_model *m = p->models.items[i];
        buf_printf(b, "\nmodel %s", m->name);
        if (m->table_clause)
            buf_printf(b, " table %s", m->table);
        buf_puts(b, " {\n");
        size_t width = 0;
        for (size_t j = 0; j < m->members.count; j++) {
            const struct p_member *x = m->members.items[j];
            if (x->kind == P_FIELD && strlen(x->name) > width)
                width = strlen(x->name);
        }
        for (size_t j = 0; j < m->members.count; j++) {
            const struct p_member *x = m->members.items[j];
            struct buf line = {0};
            if (x->kind == P_FIELD) {
                buf_printf(&line, "  %-*s %s%s", (int)width, x->name,
                           x->type == TYPE_ENUM ? x->e->name : type_word(x->type),
                           x->nullable ? "?" : "");
                if (x->unique)
                    buf_puts(&line, " unique");
                if (x->index)
                    buf_puts(&line, " index");
                if (x->def)
                    buf_printf(&line, " default %s", x->def);
            } else {
                buf_printf(&line, "  belongs_to %s: %s%s", x->name, x->target->name,
                           x->nullable ? "?" : "");
                if (strcmp(arena_printf(p->a, "%s_id", x->name), x->col->name) != 0)
                    buf_printf(&line, " fk %s", x->col->name);
                if (x->on_delete)
                    buf_printf(&line, " on_delete %s", action_word(x->on_delete));
                if (x->on_update)
                    buf_printf(&line, " on_update %s", action_word(x->on_update));
                if (x->mode != FK_AUTO)
                    buf_printf(&line, " constraint %s", fk_mode_name(x->mode));
            }
            if (x->comment) {
                buf_puts(&line, "  # ");
                clean_comment(&line, x->comment);
            }
            buf_putc(&line, '\n');
            buf_putn(b, line.data, line.len);
            buf_free(&line);
        }
        for (size_t j = 0; j < m->has_many.count; j++)
            buf_printf(b, "  has_many %s\n", (const char *)m->has_many.items[j]);
        for (size_t j = 0; j < m->composites.count; j++) {
            const struct p_composite *k = m->composites.items[j];
            buf_printf(b, "  %s (", k->unique ? "unique" : "index");
            for (size_t c = 0; c < k->ncolumns; c++)
                buf_printf(b, "%s%s", c ? ", " : "", k->columns[c]);
            buf_puts(b, ")\n");
        }
        buf_puts(b, "}\n");
    }
}

/* ------------------------------------------------------------------------- deferral -- */

int pull_compile(const struct buf *text, const char *name, struct compiled *c)
{
    memset(c, 0, sizeof *c);
    source_from_memory(&c->src, name, text->data ? text->data : "", text->len);
    c->arena = arena_new();
    diag_init(&c->diag, &c->src, NULL);
    c->schema = compile_schema(&c->src, c->arena, &c->diag);
    return c->diag.errors;
}

static const struct assoc *compiled_assoc(const struct schema *s, const char *table,
                                          const char *column)
{
    for (size_t i = 0; s && i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        if (strcmp(m->table, table) != 0)
            continue;
        for (size_t j = 0; j < m->nassocs; j++)
            if (m->assocs[j]->kind == ASSOC_BELONGS_TO &&
                strcmp(m->assocs[j]->column, column) == 0)
                return m->assocs[j];
    }
    return NULL;
}

static void list_keys(struct puller *p, struct pull_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < p->models.count; i++) {
        struct p_model *m = p->models.items[i];
        for (size_t j = 0; j < m->members.count; j++) {
            struct p_member *x = m->members.items[j];
            n += x->kind == P_ASSOC && x->constrained;
        }
    }
    r->keys = xcalloc(n + 1, sizeof *r->keys);
    for (size_t i = 0; i < p->models.count; i++) {
        struct p_model *m = p->models.items[i];
        for (size_t j = 0; j < m->members.count; j++) {
            struct p_member *x = m->members.items[j];
            if (x->kind != P_ASSOC || !x->constrained)
                continue;
            struct pull_key *k = &r->keys[r->nkeys++];
            k->table = xstrdup(m->table);
            k->column = xstrdup(x->col->name);
            k->deferred = x->db_deferred;
        }
    }
}

static void add_name(struct pull_result *r, const char *table, char kind, const char *columns,
                     const char *name)
{
    r->names[r->nnames++] = (struct pull_name){xstrdup(table), kind, xstrdup(columns),
                                               xstrdup(name)};
}

/* The database's names of what the text has: each constrained belongs_to's key, and each
   unique constraint and plain index whose columns were all pulled (a unique index that is
   no constraint is left out: modelgen would drop a constraint of that name). */
static void list_names(struct puller *p, struct pull_result *r)
{
    size_t cap = 1;
    for (size_t i = 0; i < p->models.count; i++) {
        struct p_model *m = p->models.items[i];
        cap += m->members.count + m->t->nkeys;
    }
    r->names = xcalloc(cap, sizeof *r->names);
    for (size_t i = 0; i < p->models.count; i++) {
        struct p_model *m = p->models.items[i];
        for (size_t j = 0; j < m->members.count; j++) {
            struct p_member *x = m->members.items[j];
            if (x->kind == P_ASSOC && x->constrained && x->key_name)
                add_name(r, m->table, 'f', x->col->name, x->key_name);
        }
        for (size_t k = 0; k < m->t->nkeys; k++) {
            const struct cat_key *key = &m->t->keys[k];
            if (!key->name || key->inexpressible || (key->unique && !key->constraint))
                continue;
            struct buf cols = {0};
            bool pulled = key->ncolumns > 0;
            for (size_t c = 0; c < key->ncolumns && pulled; c++) {
                pulled = member_at(m, key->columns[c]) != NULL;
                buf_printf(&cols, "%s%s", c ? "," : "", m->t->columns[key->columns[c]].name);
            }
            if (pulled)
                add_name(r, m->table, key->unique ? 'u' : 'i', cols.data, key->name);
            buf_free(&cols);
        }
    }
}

void pull_match_names(struct schema *s, const struct pull_result *r, struct arena *a)
{
    for (size_t i = 0; i < s->nmodels; i++) {
        struct model *m = s->models[i];
        size_t n = 0;
        for (size_t k = 0; k < r->nnames; k++)
            n += strcmp(r->names[k].table, m->table) == 0;
        if (n == 0)
            continue;
        struct db_object_name *names = arena_alloc(a, n * sizeof *names);
        for (size_t k = 0; k < r->nnames; k++)
            if (strcmp(r->names[k].table, m->table) == 0)
                names[m->ndb_names++] = (struct db_object_name){
                    r->names[k].kind, arena_strdup(a, r->names[k].columns),
                    arena_strdup(a, r->names[k].name)};
        m->db_names = names;
    }
}

void pull_match_deferral(struct schema *s, const struct pull_result *r)
{
    for (size_t i = 0; i < r->nkeys; i++) {
        struct assoc *as = (struct assoc *)compiled_assoc(s, r->keys[i].table,
                                                          r->keys[i].column);
        if (!as || as->mode == FK_NONE || (as->defer != DEFER_NOT) == r->keys[i].deferred)
            continue;
        as->defer = r->keys[i].deferred ? DEFER_DECLARED : DEFER_NOT;
        as->cycle = NULL;
        as->cycle_len = 0;
    }
}

/* Runs the analyzer over the text until it defers exactly the keys the database defers,
   or as near as the rules allow (see the top of the file). Leaves the final text in b;
   returns its errors (0). */
static int settle_deferral(struct puller *p, struct buf *b, const char *name)
{
    for (int round = 0;; round++) {
        b->len = 0;
        write_text(p, b);
        struct compiled c;
        int errors = pull_compile(b, name, &c);
        bool changed = false;
        if (errors) {
            /* an `immediate` left a cycle nothing may break: the analyzer chooses again,
               among every key it had chosen */
            for (size_t i = 0; i < p->models.count; i++) {
                struct p_model *m = p->models.items[i];
                for (size_t j = 0; j < m->members.count; j++) {
                    struct p_member *x = m->members.items[j];
                    if (x->kind == P_ASSOC && x->mode == FK_IMMEDIATE) {
                        x->mode = FK_AUTO;
                        x->pinned = changed = true;
                    }
                }
            }
            release_compiled(&c);
            if (!changed || round >= MAX_ROUNDS)
                return errors;
            continue;
        }
        for (size_t i = 0; i < p->models.count && round < MAX_ROUNDS; i++) {
            struct p_model *m = p->models.items[i];
            for (size_t j = 0; j < m->members.count; j++) {
                struct p_member *x = m->members.items[j];
                if (x->kind != P_ASSOC || !x->constrained)
                    continue;
                const struct assoc *as = compiled_assoc(c.schema, m->table, x->col->name);
                bool deferred = as && as->defer != DEFER_NOT;
                if (x->db_deferred && !deferred && x->mode == FK_AUTO) {
                    x->mode = FK_DEFERRED;
                    changed = true;
                } else if (!x->db_deferred && deferred && x->mode == FK_AUTO && !x->pinned) {
                    x->mode = FK_IMMEDIATE;
                    changed = true;
                }
            }
        }
        if (changed) {
            release_compiled(&c);
            continue;
        }
        for (size_t i = 0; i < p->models.count; i++) {
            struct p_model *m = p->models.items[i];
            for (size_t j = 0; j < m->members.count; j++) {
                struct p_member *x = m->members.items[j];
                if (x->kind != P_ASSOC || !x->constrained)
                    continue;
                const struct assoc *as = compiled_assoc(c.schema, m->table, x->col->name);
                if (as && as->defer != DEFER_NOT && !x->db_deferred)
                    warn(p, m->table, x->col->name, "the database checks foreign key %s at "
                         "once (it is not DEFERRABLE INITIALLY DEFERRED), but modelgen defers "
                         "it: %s", x->key_name ? x->key_name : "", defer_reason_text(as, c.arena));
            }
        }
        release_compiled(&c);
        return 0;
    }
}

/* ----------------------------------------------------------------------------- pull -- */

static bool folds_to(const char *name, const char *folded)
{
    return strcasecmp(name, folded) == 0 && strcmp(name, folded) != 0 &&
           !sqlq_ident_needs_quotes(name);
}

/* PostgreSQL folds unquoted names to lower case: a table People or a column Email of the
   naming schema is people and email in the catalog. They take the naming schema's spelling
   again, so that diff --db sees the same names. */
static void respell(struct puller *p)
{
    const struct schema *s = p->o->like;
    if (!s || p->c.dialect != DIALECT_POSTGRES)
        return;
    for (size_t i = 0; i < p->c.ntables; i++) {
        struct cat_table *t = &p->c.tables[i];
        const struct model *like = NULL;
        for (size_t k = 0; k < s->nmodels && !like; k++)
            if (strcmp(s->models[k]->table, t->name) == 0)
                like = s->models[k];
        for (size_t k = 0; k < s->nmodels && !like; k++)
            if (folds_to(s->models[k]->table, t->name))
                like = s->models[k];
        if (!like)
            continue;
        if (strcmp(like->table, t->name) != 0) {
            for (size_t j = 0; j < p->c.ntables; j++)
                for (size_t f = 0; f < p->c.tables[j].nfks; f++)
                    if (strcmp(p->c.tables[j].fks[f].target, t->name) == 0)
                        p->c.tables[j].fks[f].target = like->table;
            t->name = like->table;
        }
        for (size_t j = 0; j < t->ncolumns; j++)
            for (size_t k = 1; k < like->ncolumns; k++)
                if (folds_to(like->columns[k].name, t->columns[j].name))
                    t->columns[j].name = like->columns[k].name;
    }
}

/* The models that the naming schema has, in its order, then the others in the catalog's
   (what diff --db prints follows the order of OLD's models). */
static void order_like(struct puller *p)
{
    if (!p->o->like)
        return;
    struct vec ordered = {0};
    for (size_t i = 0; i < p->o->like->nmodels; i++)
        for (size_t j = 0; j < p->models.count; j++) {
            struct p_model *m = p->models.items[j];
            if (m->like == p->o->like->models[i])
                vec_push(&ordered, m);
        }
    for (size_t j = 0; j < p->models.count; j++) {
        struct p_model *m = p->models.items[j];
        if (!m->like)
            vec_push(&ordered, m);
    }
    vec_free(&p->models);
    p->models = ordered;
}

int pull_database(const char *target, const struct pull_options *o, struct pull_result *r)
{
    memset(r, 0, sizeof *r);
    struct puller p = {.a = arena_new(), .o = o};
    int rc = catalog_read(target, p.a, &p.c);
    r->dialect = p.c.dialect;
    r->display = xstrdup(p.c.display ? p.c.display : "the database");
    if (rc == 0) {
        respell(&p);
        for (size_t i = 0; i < p.c.ntables; i++) {
            const struct cat_table *t = &p.c.tables[i];
            const char *why = bad_name(t->name, false);
            if (why) {
                catalog_warn(&p.c, t->name, NULL, "the table's name is %s: not pulled", why);
                continue;
            }
            struct p_model *m = arena_alloc(p.a, sizeof *m);
            m->t = t;
            m->table = t->name;
            vec_push(&p.models, m);
        }
        match_like(&p);
        /* the models the naming schema names first, so that its names are free for them */
        for (int named = 1; named >= 0; named--)
            for (size_t i = 0; i < p.models.count; i++)
                if ((((struct p_model *)p.models.items[i])->like != NULL) == named)
                    name_model(&p, p.models.items[i]);
        order_like(&p);
        for (size_t i = 0; i < p.models.count; i++)
            add_members(&p, p.models.items[i]);
        for (size_t i = 0; i < p.models.count; i++)
            add_keys(&p, p.models.items[i]);
        if (o->has_many)
            add_has_many(&p);
        const char *name = arena_printf(p.a, "%s (pulled)", r->display);
        int errors = settle_deferral(&p, &r->text, name);
        list_keys(&p, r);
        list_names(&p, r);
        if (errors) {
            /* a name or a combination this file did not foresee: show the checker's words */
            struct source src;
            source_from_memory(&src, name, r->text.data, r->text.len);
            struct arena *a = arena_new();
            struct diag d;
            diag_init(&d, &src, stderr);
            compile_schema(&src, a, &d);
            fprintf(stderr, "modelgen: the schema pulled from %s does not check (a bug in "
                    "modelgen pull: please report it)\n", r->display);
            arena_free(a);
            source_free(&src);
            rc = 1;
        }
    }
    catalog_print_warnings(&p.c);
    r->warnings = (int)p.c.warnings.count;
    for (size_t i = 0; i < p.models.count; i++) {
        struct p_model *m = p.models.items[i];
        vec_free(&m->members);
        vec_free(&m->composites);
        vec_free(&m->has_many);
    }
    vec_free(&p.models);
    vec_free(&p.enums);
    vec_free(&p.type_names);
    catalog_free(&p.c);
    arena_free(p.a);
    return rc;
}

void pull_result_free(struct pull_result *r)
{
    buf_free(&r->text);
    free(r->display);
    for (size_t i = 0; i < r->nkeys; i++) {
        free(r->keys[i].table);
        free(r->keys[i].column);
    }
    free(r->keys);
    for (size_t i = 0; i < r->nnames; i++) {
        free(r->names[i].table);
        free(r->names[i].columns);
        free(r->names[i].name);
    }
    free(r->names);
}

int cmd_pull(int argc, char **argv)
{
    const char *db = NULL, *output = NULL;
    struct pull_options o = {0};
    for (int i = 0; i < argc; i++) {
        int got;
        if ((got = cli_option(argc, argv, &i, "--db", NULL, "a database (an SQLite file or a "
                              "postgresql:// URI)", &db)) ||
            (got = cli_option(argc, argv, &i, "-o", "--output", "a file", &output))) {
            if (got == 2)
                return 2;
        } else if (strcmp(argv[i], "--has-many") == 0) {
            o.has_many = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option '%s'", argv[i]);
        } else {
            return usage_error("unexpected argument '%s' (name the database with --db)",
                               argv[i]);
        }
    }
    if (!db)
        return usage_error("%s", "pull needs a database: --db TARGET");
    struct pull_result r;
    int rc = pull_database(db, &o, &r);
    if (rc == 0) {
        if (output)
            rc = output_write_path(output, &r.text);
        else if (r.text.len && fwrite(r.text.data, 1, r.text.len, stdout) != r.text.len)
            rc = 2;
    }
    pull_result_free(&r);
    return rc;
}
