#include "check.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "c_reserved.h"
#include "names.h"
#include "query_sql.h"
#include "util.h"

/* A name bound to what declared it, for duplicate checks and notes. */
struct binding {
    const char *name;
    struct pos pos;
    void *what;
};

/* A small open-addressing table from names to bindings; schemas can have thousands of models. */
struct scope {
    struct binding *slots;
    size_t cap, count;
};

static struct binding *scope_find(const struct scope *sc, const char *name)
{
    if (!sc->cap)
        return NULL;
    for (size_t i = hash_string(name) & (sc->cap - 1);; i = (i + 1) & (sc->cap - 1)) {
        if (!sc->slots[i].name)
            return NULL;
        if (strcmp(sc->slots[i].name, name) == 0)
            return &sc->slots[i];
    }
}

static void scope_put(struct scope *sc, const char *name, struct pos pos, void *what)
{
    if ((sc->count + 1) * 2 > sc->cap) {
        struct scope bigger = {0};
        bigger.cap = sc->cap ? sc->cap * 2 : 16;
        bigger.slots = xmalloc(bigger.cap * sizeof *bigger.slots);
        memset(bigger.slots, 0, bigger.cap * sizeof *bigger.slots);
        for (size_t i = 0; i < sc->cap; i++)
            if (sc->slots[i].name)
                scope_put(&bigger, sc->slots[i].name, sc->slots[i].pos, sc->slots[i].what);
        free(sc->slots);
        *sc = bigger;
    }
    size_t i = hash_string(name) & (sc->cap - 1);
    while (sc->slots[i].name)
        i = (i + 1) & (sc->cap - 1);
    sc->slots[i] = (struct binding){name, pos, what};
    sc->count++;
}

static void scope_free(struct scope *sc)
{
    free(sc->slots);
    memset(sc, 0, sizeof *sc);
}

/* Declares name in sc; reports a duplicate (with a note at the first) and returns false. */
static bool declare(struct diag *d, struct scope *sc, const char *what, const char *name,
                    struct pos pos, void *item)
{
    struct binding *prev = scope_find(sc, name);
    if (prev && prev->pos.line == 0) {
        diag_error(d, pos, "'%s' is the name of a built-in type", name);
        return false;
    }
    if (prev) {
        diag_error(d, pos, "duplicate %s '%s'", what, name);
        diag_note(d, prev->pos, "previous definition is here");
        return false;
    }
    scope_put(sc, name, pos, item);
    return true;
}

/* SQLite compares names without regard to case, and PostgreSQL folds an unquoted one to
   lower case: two tables (or two columns of a table) whose names differ only in case are
   one to SQL. The key such names are declared under. */
static const char *sql_name_key(struct arena *a, const char *name)
{
    char *key = arena_strdup(a, name);
    for (char *p = key; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return key;
}

/* Declares an SQL name (a table's, a column's) under its key; a name already declared
   under that key is a duplicate, whatever its case. */
static bool declare_sql_name(struct diag *d, struct arena *a, struct scope *sc, const char *what,
                             const char *name, struct pos pos, void *item)
{
    const char *key = sql_name_key(a, name);
    struct binding *prev = scope_find(sc, key);
    if (prev) {
        const char *other = prev->what ? *(const char *const *)prev->what : key;
        if (strcmp(other, name) == 0)
            diag_error(d, pos, "duplicate %s '%s'", what, name);
        else
            diag_error(d, pos, "%s '%s' is %s '%s' to SQL, which does not tell case apart",
                       what, name, what, other);
        diag_note(d, prev->pos, "previous definition is here");
        return false;
    }
    scope_put(sc, key, pos, item);
    return true;
}

struct checker {
    struct arena *arena;
    struct diag *diag;
    struct schema *schema;
    struct scope types;     /* models and enums share one namespace */
    struct scope tables;
    struct scope c_names;
};

static const char *const builtin_types[] = {"int", "real", "text", "blob", "bool", "timestamp"};

const char *type_name(enum type_kind t)
{
    return t == TYPE_ENUM ? "enum" : builtin_types[t];
}

static const char *const action_names[] = {"", "cascade", "set_null", "restrict", "no_action"};
static const char *const mode_names[] = {"auto", "deferred", "immediate", "none"};

const char *action_name(enum action a)
{
    return action_names[a];
}

const char *fk_mode_name(enum fk_mode m)
{
    return mode_names[m];
}

/* A name the C library takes: an error when the generated code itself would not compile,
   a warning when only a program including another header beside it would not. */
static void check_c_library(struct checker *c, const char *name, struct pos pos,
                            const char *what)
{
    bool fatal = false;
    const char *taken = c_reserved(name, &fatal);
    if (taken && fatal)
        diag_error(c->diag, pos, "%s name '%s' is reserved: it is %s", what, name, taken);
    else if (taken)
        diag_warning(c->diag, pos, "%s name '%s' is %s: a program that includes that header "
                     "beside the generated one will not compile", what, name, taken);
}

/* Names that cannot become a C identifier or a column in both databases. */
static void check_identifier(struct checker *c, const char *name, struct pos pos,
                             const char *what)
{
    static const char *const system_columns[] = {"cmax", "cmin", "ctid", "oid", "rowid",
                                                 "tableoid", "xmax", "xmin"};
    if (is_c_keyword(name)) {
        diag_error(c->diag, pos, "%s name '%s' is reserved: it is a C or C++ keyword", what,
                   name);
        return;
    }
    for (size_t i = 0; i < sizeof system_columns / sizeof system_columns[0]; i++)
        if (strcmp(name, system_columns[i]) == 0) {
            diag_error(c->diag, pos, "%s name '%s' is reserved: the databases use it for a "
                       "system column", what, name);
            return;
        }
    if (strncmp(name, "sqlite3", 7) == 0)
        diag_error(c->diag, pos, "%s name '%s' is reserved: names starting with 'sqlite3' "
                   "belong to SQLite's API", what, name);
    else if (strncmp(name, "mg_", 3) == 0)
        diag_error(c->diag, pos, "%s name '%s' is reserved: names starting with 'mg_' belong "
                   "to the modelgen runtime", what, name);
    else if (strcmp(name, "mg") == 0)   /* its functions would be mg_get, mg_free, ... */
        diag_error(c->diag, pos, "%s name 'mg' is reserved: its functions would take names "
                   "of the modelgen runtime (mg_free, ...)", what);
    else if (strlen(name) > 63)
        diag_error(c->diag, pos, "%s name '%.20s...' is too long: PostgreSQL keeps 63 bytes",
                   what, name);
    else if (strcmp(what, "table") != 0)    /* a table never reaches C */
        check_c_library(c, name, pos, what);
}

static void declare_enums(struct checker *c, const struct ast_schema *ast)
{
    size_t n = 0;
    for (const struct ast_enum *e = ast->enums; e; e = e->next)
        n++;
    c->schema->enums = arena_alloc(c->arena, (n ? n : 1) * sizeof *c->schema->enums);
    for (const struct ast_enum *e = ast->enums; e; e = e->next) {
        struct enum_type *t = arena_alloc(c->arena, sizeof *t);
        t->name = e->name.text;
        t->c_name = snake_case(c->arena, e->name.text);
        t->pos = e->name.pos;
        check_identifier(c, t->c_name, e->name.pos, "enum");
        if (!declare(c->diag, &c->types, "type", t->name, t->pos, t))
            continue;
        declare(c->diag, &c->c_names, "C name", t->c_name, t->pos, t);
        size_t count = 0;
        for (const struct ast_name_list *m = e->members; m; m = m->next)
            count++;
        if (count == 0)
            diag_error(c->diag, e->name.pos, "enum '%s' has no members", t->name);
        t->members = arena_alloc(c->arena, (count ? count : 1) * sizeof *t->members);
        struct scope members = {0};
        for (const struct ast_name_list *m = e->members; m; m = m->next)
            if (declare(c->diag, &members, "enum member", m->name.text, m->name.pos, NULL))
                t->members[t->nmembers++] = m->name.text;
        scope_free(&members);
        c->schema->enums[c->schema->nenums++] = t;
    }
}

static void declare_models(struct checker *c, const struct ast_schema *ast)
{
    size_t n = 0;
    for (const struct ast_model *m = ast->models; m; m = m->next)
        n++;
    c->schema->models = arena_alloc(c->arena, (n ? n : 1) * sizeof *c->schema->models);
    for (const struct ast_model *am = ast->models; am; am = am->next) {
        struct model *m = arena_alloc(c->arena, sizeof *m);
        m->name = am->name.text;
        m->pos = am->name.pos;
        m->c_name = snake_case(c->arena, m->name);
        m->table = am->table.text ? am->table.text : plural(c->arena, m->c_name);
        m->was = am->was.text;
        check_identifier(c, m->c_name, m->pos, "model");
        if (am->table.text)
            check_identifier(c, m->table, am->table.pos, "table");
        else if (strlen(m->table) > 63 && strlen(m->c_name) <= 63)  /* the plural's letters */
            diag_error(c->diag, m->pos, "table name '%.20s...' is too long: PostgreSQL keeps 63 "
                       "bytes (give the model a shorter table with 'table')", m->table);
        if (!declare(c->diag, &c->types, "type", m->name, m->pos, m))
            continue;
        struct pos table_pos = am->table.text ? am->table.pos : m->pos;
        if (!declare_sql_name(c->diag, c->arena, &c->tables, "table", m->table, table_pos,
                              (void *)&m->table))
            continue;
        if (!declare(c->diag, &c->c_names, "C name", m->c_name, m->pos, m))
            continue;
        m->index = c->schema->nmodels;
        c->schema->models[c->schema->nmodels++] = m;
    }
    /* struct user_array is generated for User: another model may not be called UserArray */
    for (size_t i = 0; i < c->schema->nmodels; i++) {
        struct model *m = c->schema->models[i];
        const char *array = arena_printf(c->arena, "%s_array", m->c_name);
        struct binding *b = scope_find(&c->c_names, array);
        if (b)
            diag_error(c->diag, b->pos, "C name '%s' collides with the array type generated for "
                       "model '%s'", array, m->name);
    }
}

/* Edit distance, capped: only near misses matter for suggestions. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Points at the model whose name is closest to a misspelled one, if any is close. */
static void suggest_model(struct checker *c, const char *wrong)
{
    const struct model *best = NULL;
    size_t best_d = strlen(wrong) / 3 + 1;
    for (size_t i = 0; i < c->schema->nmodels; i++) {
        size_t d = distance(wrong, c->schema->models[i]->name);
        if (d < best_d || (d == best_d && !best && d <= 2)) {
            best = c->schema->models[i];
            best_d = d;
        }
    }
    if (best)
        diag_note(c->diag, best->pos, "did you mean '%s'?", best->name);
}

static struct model *find_model(struct checker *c, struct ast_name name, const char *context)
{
    struct binding *b = scope_find(&c->types, name.text);
    struct model *m = NULL;
    if (b) {
        for (size_t i = 0; i < c->schema->nenums; i++)
            if (c->schema->enums[i] == b->what) {
                diag_error(c->diag, name.pos, "'%s' is an enum, not a model", name.text);
                return NULL;
            }
        m = b->what;
    }
    if (!m && b) {
        diag_error(c->diag, name.pos, "'%s' is a built-in type, not a model", name.text);
    } else if (!m) {
        diag_error(c->diag, name.pos, "unknown model '%s' %s", name.text, context);
        suggest_model(c, name.text);
    }
    return m;
}

/* Parses an integer literal; reports one out of range. */
static bool parse_int(struct checker *c, const struct ast_value *v, int64_t *out)
{
    errno = 0;
    char *end;
    long long x = strtoll(v->text, &end, 10);
    if (errno == ERANGE || *end) {
        diag_error(c->diag, v->pos, "integer '%s' is out of range for a 64-bit integer", v->text);
        return false;
    }
    *out = x;
    return true;
}

/* Whether a real literal's digits before its exponent are all zeros. */
static bool zero_mantissa(const char *text)
{
    for (; *text && *text != 'e' && *text != 'E'; text++)
        if (*text >= '1' && *text <= '9')
            return false;
    return true;
}

static const char *value_kind_name(const struct ast_value *v)
{
    switch (v->kind) {
    case VALUE_INT: return "an integer";
    case VALUE_REAL: return "a real number";
    case VALUE_STRING: return "a string";
    case VALUE_TRUE:
    case VALUE_FALSE: return "a boolean";
    case VALUE_NULL: return "null";
    case VALUE_NAME: break;
    }
    return strcmp(v->text, "now") == 0 ? "'now'" : "a name";
}

static void wrong_default(struct checker *c, const struct field *f, const struct ast_value *v)
{
    static const char *const wanted[] = {
        "an integer", "a number", "a string", "null", "true or false",
        "an integer or now", "a member of the enum",
    };
    diag_error(c->diag, v->pos, "default for %s field '%s' must be %s, not %s",
               f->type == TYPE_ENUM ? f->enum_type->name : type_name(f->type), f->name,
               wanted[f->type], value_kind_name(v));
}

static void check_default(struct checker *c, struct field *f, const struct ast_value *v)
{
    struct default_value *d = &f->def;
    if (v->kind == VALUE_NULL) {
        if (!f->nullable)
            diag_error(c->diag, v->pos, "default null on '%s', which is not nullable (add '?' "
                       "to its type)", f->name);
        d->kind = DEFAULT_NULL;
        return;
    }
    if (v->kind == VALUE_NAME && strcmp(v->text, "now") == 0 && f->type != TYPE_ENUM) {
        if (f->type != TYPE_TIMESTAMP)
            diag_error(c->diag, v->pos, "default 'now' is only for timestamp fields; '%s' is %s",
                       f->name, type_name(f->type));
        d->kind = DEFAULT_NOW;
        return;
    }
    switch (f->type) {
    case TYPE_INT:
    case TYPE_TIMESTAMP:
        if (v->kind != VALUE_INT)
            {
            wrong_default(c, f, v);
            return;
        }
        if (!parse_int(c, v, &d->i))
            return;
        /* seconds PostgreSQL's timestamptz holds: 4713 BC to 294276 AD */
        if (f->type == TYPE_TIMESTAMP && (d->i < TIMESTAMP_MIN || d->i > TIMESTAMP_MAX)) {
            diag_error(c->diag, v->pos, "timestamp '%s' is out of range (seconds from %lld "
                       "to %lld: 4713 BC to 294276 AD)", v->text, (long long)TIMESTAMP_MIN,
                       (long long)TIMESTAMP_MAX);
            return;
        }
        d->kind = DEFAULT_INT;
        return;
    case TYPE_REAL:
        if (v->kind != VALUE_INT && v->kind != VALUE_REAL)
            {
            wrong_default(c, f, v);
            return;
        }
        d->r = strtod(v->text, NULL);
        /* a real too small for a double is 0 to SQLite and an error to PostgreSQL */
        if (!isfinite(d->r) || (d->r == 0 && !zero_mantissa(v->text))) {
            diag_error(c->diag, v->pos, "real number '%s' is out of range", v->text);
            return;
        }
        d->kind = DEFAULT_REAL;
        d->text = v->text;
        return;
    case TYPE_TEXT:
        if (v->kind != VALUE_STRING)
            {
            wrong_default(c, f, v);
            return;
        }
        d->kind = DEFAULT_TEXT;
        d->text = v->text;
        return;
    case TYPE_BOOL:
        if (v->kind != VALUE_TRUE && v->kind != VALUE_FALSE)
            {
            wrong_default(c, f, v);
            return;
        }
        d->kind = DEFAULT_BOOL;
        d->b = v->kind == VALUE_TRUE;
        return;
    case TYPE_BLOB:
        diag_error(c->diag, v->pos, "blob field '%s' takes no default other than null", f->name);
        return;
    case TYPE_ENUM:
        if (v->kind != VALUE_NAME)
            {
            wrong_default(c, f, v);
            return;
        }
        for (size_t i = 0; i < f->enum_type->nmembers; i++)
            if (strcmp(f->enum_type->members[i], v->text) == 0) {
                d->kind = DEFAULT_ENUM;
                d->member = i;
                return;
            }
        diag_error(c->diag, v->pos, "'%s' is not a member of enum '%s'", v->text,
                   f->enum_type->name);
        return;
    }
}

static bool resolve_type(struct checker *c, struct field *f, struct ast_name type)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (strcmp(type.text, builtin_types[i]) == 0) {
            f->type = (enum type_kind)i;
            return true;
        }
    struct binding *b = scope_find(&c->types, type.text);
    for (size_t i = 0; b && i < c->schema->nenums; i++)
        if (c->schema->enums[i] == b->what) {
            f->type = TYPE_ENUM;
            f->enum_type = b->what;
            return true;
        }
    if (b)
        diag_error(c->diag, type.pos, "'%s' is a model: use 'belongs_to' to reference it",
                   type.text);
    else
        diag_error(c->diag, type.pos, "unknown type '%s'", type.text);
    return false;
}

/* Per-model state while its members are checked. */
struct model_scope {
    struct model *model;
    struct scope members;   /* field and association names */
    struct scope column_names;
    struct scope sql_column_names;  /* the same, by SQL's key (sql_name_key) */
    struct vec fields, assocs, columns, composites;
};

static void add_column(struct checker *c, struct model_scope *ms, const char *name,
                       struct pos pos, struct field *f, struct assoc *a)
{
    struct binding *prev = scope_find(&ms->column_names, name);
    if (prev) {
        diag_error(c->diag, pos, "column '%s' collides with another column of table '%s'", name,
                   ms->model->table);
        diag_note(c->diag, prev->pos, "the other column comes from here");
        return;
    }
    struct column *col = arena_alloc(c->arena, sizeof *col);
    col->name = name;
    col->field = f;
    col->assoc = a;
    if (!declare_sql_name(c->diag, c->arena, &ms->sql_column_names, "column", name, pos,
                          (void *)&col->name))
        return;
    scope_put(&ms->column_names, name, pos, col);
    vec_push(&ms->columns, col);
}

static void check_field(struct checker *c, struct model_scope *ms, const struct ast_member *am)
{
    struct field *f = arena_alloc(c->arena, sizeof *f);
    f->name = am->name.text;
    f->pos = am->name.pos;
    f->nullable = am->nullable;
    f->unique = am->unique;
    f->index = am->index;
    f->was = am->was.text;
    if (strcmp(f->name, "id") == 0) {
        diag_error(c->diag, f->pos, "field 'id' is implicit: every model has an integer primary "
                   "key 'id'");
        return;
    }
    check_identifier(c, f->name, f->pos, "field");
    bool typed = resolve_type(c, f, am->type);
    if (typed && am->default_value)
        check_default(c, f, am->default_value);
    if (typed && f->type == TYPE_BLOB && (f->unique || f->index))
        diag_error(c->diag, f->pos, "blob field '%s' cannot be unique or indexed", f->name);
    if (!declare(c->diag, &ms->members, "member", f->name, f->pos, f))
        return;
    vec_push(&ms->fields, f);
    add_column(c, ms, f->name, f->pos, f, NULL);
}

static bool parse_action(struct checker *c, struct ast_name name, enum action *out)
{
    if (!name.text) {
        *out = ACTION_UNSET;
        return true;
    }
    for (size_t i = 1; i < sizeof action_names / sizeof action_names[0]; i++)
        if (strcmp(name.text, action_names[i]) == 0) {
            *out = (enum action)i;
            return true;
        }
    diag_error(c->diag, name.pos, "unknown action '%s'; expected cascade, set_null, restrict "
               "or no_action", name.text);
    *out = ACTION_UNSET;
    return false;
}

static void check_action(struct checker *c, const struct assoc *a, enum action act,
                         struct ast_name where, const char *option)
{
    if (act == ACTION_SET_NULL && !a->nullable)
        diag_error(c->diag, where.pos, "%s set_null on '%s', which is required (add '?' after "
                   "'%s' to make it nullable)", option, a->name, a->target ? a->target->name : "");
    if (act != ACTION_UNSET && a->mode == FK_NONE)
        diag_error(c->diag, where.pos, "%s has no effect with 'constraint none': the database "
                   "carries no constraint to act on", option);
}

static void check_belongs_to(struct checker *c, struct model_scope *ms,
                             const struct ast_member *am)
{
    struct assoc *a = arena_alloc(c->arena, sizeof *a);
    a->kind = ASSOC_BELONGS_TO;
    a->name = am->name.text;
    a->owner = ms->model;
    a->pos = am->name.pos;
    a->target_pos = am->type.pos;
    a->nullable = am->nullable;
    a->was = am->was.text;
    a->target = find_model(c, am->type, arena_printf(c->arena, "in association '%s'", a->name));
    a->column = am->fk.text ? am->fk.text : arena_printf(c->arena, "%s_id", a->name);
    if (am->constraint.text) {
        size_t i;
        for (i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
            if (strcmp(am->constraint.text, mode_names[i]) == 0)
                break;
        if (i < sizeof mode_names / sizeof mode_names[0])
            a->mode = (enum fk_mode)i;
        else
            diag_error(c->diag, am->constraint.pos, "unknown constraint mode '%s'; expected "
                       "auto, deferred, immediate or none", am->constraint.text);
    }
    if (parse_action(c, am->on_delete, &a->on_delete))
        check_action(c, a, a->on_delete, am->on_delete, "on_delete");
    if (parse_action(c, am->on_update, &a->on_update))
        check_action(c, a, a->on_update, am->on_update, "on_update");
    check_identifier(c, a->name, a->pos, "association");
    struct pos column_pos = am->fk.text ? am->fk.pos : a->pos;
    if (strcmp(a->column, "id") == 0) {
        diag_error(c->diag, column_pos, "foreign key column cannot be 'id'");
        return;
    }
    check_identifier(c, a->column, column_pos, "column");
    if (!declare(c->diag, &ms->members, "member", a->name, a->pos, a))
        return;
    vec_push(&ms->assocs, a);
    add_column(c, ms, a->column, column_pos, NULL, a);
}

static void check_has(struct checker *c, struct model_scope *ms, const struct ast_member *am)
{
    struct assoc *a = arena_alloc(c->arena, sizeof *a);
    a->kind = am->kind == MEMBER_HAS_ONE ? ASSOC_HAS_ONE
            : am->kind == MEMBER_HAS_MANY ? ASSOC_HAS_MANY : ASSOC_HAS_MANY_THROUGH;
    a->name = am->name.text;
    a->owner = ms->model;
    a->pos = am->name.pos;
    a->target_pos = am->type.pos;
    if (am->nullable)
        diag_error(c->diag, am->nullable_pos, "'?' has no meaning on %s", 
                   a->kind == ASSOC_HAS_ONE ? "has_one" : "has_many");
    check_identifier(c, a->name, a->pos, "association");
    a->target = find_model(c, am->type, arena_printf(c->arena, "in association '%s'", a->name));
    if (declare(c->diag, &ms->members, "member", a->name, a->pos, a))
        vec_push(&ms->assocs, a);
    /* `by` and `through` are resolved once every model's belongs_to are known */
}

static void check_composite(struct checker *c, struct model_scope *ms, const struct ast_member *am)
{
    struct composite *k = arena_alloc(c->arena, sizeof *k);
    k->unique = am->kind == MEMBER_UNIQUE;
    k->pos = am->pos;
    size_t n = 0;
    for (const struct ast_name_list *l = am->columns; l; l = l->next)
        n++;
    k->columns = arena_alloc(c->arena, n * sizeof *k->columns);
    bool ok = true;
    for (const struct ast_name_list *l = am->columns; l; l = l->next) {
        struct binding *b = scope_find(&ms->column_names, l->name.text);
        if (!b) {
            /* a belongs_to may be named by its association name */
            struct binding *m = scope_find(&ms->members, l->name.text);
            struct assoc *a = m ? m->what : NULL;
            for (size_t i = 0; a && i < ms->assocs.count; i++)
                if (ms->assocs.items[i] == a && a->kind == ASSOC_BELONGS_TO)
                    b = scope_find(&ms->column_names, a->column);
        }
        if (!b && strcmp(l->name.text, "id") == 0) {
            diag_error(c->diag, l->name.pos, "'id' is already unique; leave it out");
            ok = false;
            continue;
        }
        if (!b) {
            diag_error(c->diag, l->name.pos, "unknown column '%s' in %s", l->name.text,
                       k->unique ? "unique" : "index");
            ok = false;
            continue;
        }
        struct column *col = b->what;
        for (size_t i = 0; i < k->ncolumns; i++)
            if (k->columns[i] == col) {
                diag_error(c->diag, l->name.pos, "column '%s' appears twice", col->name);
                ok = false;
            }
        if (col->field && col->field->type == TYPE_BLOB) {
            diag_error(c->diag, l->name.pos, "blob column '%s' cannot be in %s", col->name,
                       k->unique ? "a unique constraint" : "an index");
            ok = false;
        }
        k->columns[k->ncolumns++] = col;
    }
    if (ok)
        vec_push(&ms->composites, k);
}

/* Moves a vec's items into an arena array. */
static void *arena_array(struct arena *a, struct vec *v, size_t *count)
{
    void **items = arena_alloc(a, (v->count ? v->count : 1) * sizeof *items);
    if (v->count)
        memcpy(items, v->items, v->count * sizeof *items);
    *count = v->count;
    vec_free(v);
    return items;
}

static void check_model(struct checker *c, struct model *m, const struct ast_model *am)
{
    struct model_scope ms = {0};
    ms.model = m;
    struct column *id = arena_alloc(c->arena, sizeof *id);
    id->name = "id";
    scope_put(&ms.column_names, "id", m->pos, id);
    vec_push(&ms.columns, id);
    for (const struct ast_member *mem = am->members; mem; mem = mem->next) {
        switch (mem->kind) {
        case MEMBER_FIELD: check_field(c, &ms, mem); break;
        case MEMBER_BELONGS_TO: check_belongs_to(c, &ms, mem); break;
        case MEMBER_HAS_ONE:
        case MEMBER_HAS_MANY:
        case MEMBER_HAS_MANY_THROUGH: check_has(c, &ms, mem); break;
        case MEMBER_UNIQUE:
        case MEMBER_INDEX: break;
        }
    }
    /* composites may name columns declared after them */
    for (const struct ast_member *mem = am->members; mem; mem = mem->next)
        if (mem->kind == MEMBER_UNIQUE || mem->kind == MEMBER_INDEX)
            check_composite(c, &ms, mem);
    /* every nullable scalar gets a has_ flag in C, which must not collide with a column */
    for (size_t i = 0; i < ms.columns.count; i++) {
        struct column *col = ms.columns.items[i];
        bool flagged = col->assoc ? col->assoc->nullable
                     : col->field && col->field->nullable && col->field->type != TYPE_TEXT &&
                       col->field->type != TYPE_BLOB;
        if (!flagged)
            continue;
        const char *flag = arena_printf(c->arena, "has_%s", col->name);
        struct binding *b = scope_find(&ms.column_names, flag);
        if (b)
            diag_error(c->diag, b->pos, "column '%s' collides with the C flag generated for "
                       "nullable '%s'", flag, col->name);
    }
    m->fields = arena_array(c->arena, &ms.fields, &m->nfields);
    m->assocs = arena_array(c->arena, &ms.assocs, &m->nassocs);
    m->composites = arena_array(c->arena, &ms.composites, &m->ncomposites);
    struct column **cols = arena_array(c->arena, &ms.columns, &m->ncolumns);
    m->columns = arena_alloc(c->arena, m->ncolumns * sizeof *m->columns);
    for (size_t i = 0; i < m->ncolumns; i++)
        m->columns[i] = *cols[i];
    /* composites point at the arena copies of the columns */
    for (size_t i = 0; i < m->ncomposites; i++)
        for (size_t j = 0; j < m->composites[i]->ncolumns; j++)
            for (size_t k = 0; k < m->ncolumns; k++)
                if (m->composites[i]->columns[j] == cols[k])
                    m->composites[i]->columns[j] = &m->columns[k];
    scope_free(&ms.members);
    scope_free(&ms.column_names);
    scope_free(&ms.sql_column_names);
}

static struct assoc *find_belongs_to(const struct model *m, const char *name)
{
    for (size_t i = 0; i < m->nassocs; i++)
        if (m->assocs[i]->kind == ASSOC_BELONGS_TO && strcmp(m->assocs[i]->name, name) == 0)
            return m->assocs[i];
    return NULL;
}

static void resolve_by(struct checker *c, struct assoc *a, const struct ast_member *am)
{
    const char *kw = a->kind == ASSOC_HAS_ONE ? "has_one" : "has_many";
    struct assoc *inv = find_belongs_to(a->target, am->via.text);
    if (!inv) {
        diag_error(c->diag, am->via.pos, "model '%s' has no belongs_to '%s' for %s '%s'",
                   a->target->name, am->via.text, kw, a->name);
        return;
    }
    if (inv->target != a->owner) {
        diag_error(c->diag, am->via.pos, "'%s.%s' belongs to '%s', not to '%s'",
                   a->target->name, inv->name, inv->target ? inv->target->name : "?",
                   a->owner->name);
        diag_note(c->diag, inv->pos, "'%s' is declared here", inv->name);
        return;
    }
    a->inverse = inv;
}

static void resolve_through(struct checker *c, struct assoc *a, const struct ast_member *am)
{
    struct binding *b = scope_find(&c->types, am->via.text);
    struct model *join = NULL;
    for (size_t i = 0; b && i < c->schema->nmodels; i++)
        if (c->schema->models[i] == b->what)
            join = b->what;
    if (!join) {
        diag_error(c->diag, am->via.pos, "unknown model '%s' in 'through'", am->via.text);
        return;
    }
    struct assoc *self = NULL, *other = NULL;
    for (size_t i = 0; i < join->nassocs; i++) {
        struct assoc *j = join->assocs[i];
        if (j->kind != ASSOC_BELONGS_TO)
            continue;
        if (!self && j->target == a->owner)
            self = j;
        else if (!other && j->target == a->target)
            other = j;
    }
    if (!self || !other) {
        diag_error(c->diag, am->via.pos, "join model '%s' must belong to both '%s' and '%s'",
                   join->name, a->owner->name, a->target->name);
        return;
    }
    a->through = join;
    a->through_self = self;
    a->through_target = other;
}

static void resolve_inverses(struct checker *c, const struct ast_schema *ast)
{
    for (const struct ast_model *am = ast->models; am; am = am->next) {
        struct binding *b = scope_find(&c->types, am->name.text);
        struct model *m = b ? b->what : NULL;
        if (!m || strcmp(m->name, am->name.text) != 0 || m->pos.line != am->name.pos.line ||
            m->pos.col != am->name.pos.col)
            continue;   /* a duplicate that was not declared */
        for (const struct ast_member *mem = am->members; mem; mem = mem->next) {
            if (mem->kind != MEMBER_HAS_ONE && mem->kind != MEMBER_HAS_MANY &&
                mem->kind != MEMBER_HAS_MANY_THROUGH)
                continue;
            struct assoc *a = NULL;
            for (size_t i = 0; i < m->nassocs; i++)
                if (m->assocs[i]->pos.line == mem->name.pos.line &&
                    m->assocs[i]->pos.col == mem->name.pos.col)
                    a = m->assocs[i];
            if (!a || !a->target)
                continue;
            if (mem->kind == MEMBER_HAS_MANY_THROUGH)
                resolve_through(c, a, mem);
            else
                resolve_by(c, a, mem);
        }
    }
}


/* ---- Queries ---- */

/* What a name in the types namespace is. */
enum type_class { CLASS_NONE, CLASS_BUILTIN, CLASS_ENUM, CLASS_MODEL, CLASS_ROW };

static enum type_class classify(struct checker *c, const char *name, void **what,
                                size_t *builtin)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (strcmp(name, builtin_types[i]) == 0) {
            *builtin = i;
            return CLASS_BUILTIN;
        }
    struct binding *b = scope_find(&c->types, name);
    if (!b || !b->what)
        return CLASS_NONE;
    *what = b->what;
    for (size_t i = 0; i < c->schema->nenums; i++)
        if (c->schema->enums[i] == b->what)
            return CLASS_ENUM;
    for (size_t i = 0; i < c->schema->nrows; i++)
        if (c->schema->rows[i] == b->what)
            return CLASS_ROW;
    return CLASS_MODEL;
}

/* A value type of the language: a built-in type or an enum. Reports anything else. */
static bool value_type_of(struct checker *c, struct ast_name name, const char *what,
                          struct value_type *out)
{
    void *item = NULL;
    size_t builtin = 0;
    switch (classify(c, name.text, &item, &builtin)) {
    case CLASS_BUILTIN:
        out->type = (enum type_kind)builtin;
        return true;
    case CLASS_ENUM:
        out->type = TYPE_ENUM;
        out->enum_type = item;
        return true;
    case CLASS_MODEL:
        diag_error(c->diag, name.pos, "'%s' is a model; %s has a type of the language (int, "
                   "real, text, blob, bool, timestamp) or an enum", name.text, what);
        return false;
    case CLASS_ROW:
        diag_error(c->diag, name.pos, "'%s' is a row type; %s has a type of the language "
                   "(int, real, text, blob, bool, timestamp) or an enum", name.text, what);
        return false;
    case CLASS_NONE:
        break;
    }
    diag_error(c->diag, name.pos, "unknown type '%s'", name.text);
    return false;
}

/* Names the generated function of a query uses for itself: its own parameters, and what
   it calls by name (an enum's role_name, memset) or declares with. */
static bool reserved_param(struct checker *c, const char *name)
{
    static const char *const words[] = {"db", "out", "has_out", "changes", "memset",
                                        "int64_t", "size_t", "offsetof"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(name, words[i]) == 0)
            return true;
    for (size_t i = 0; i < c->schema->nenums; i++) {
        size_t n = strlen(c->schema->enums[i]->c_name);
        if (strncmp(name, c->schema->enums[i]->c_name, n) == 0 && strcmp(name + n, "_name") == 0)
            return true;
    }
    return false;
}

static void check_params(struct checker *c, struct query *q, const struct ast_query *aq)
{
    size_t n = 0;
    for (const struct ast_param *p = aq->params; p; p = p->next)
        n++;
    q->params = arena_alloc(c->arena, (n ? n : 1) * sizeof *q->params);
    struct scope names = {0};
    for (const struct ast_param *p = aq->params; p; p = p->next) {
        struct query_param *qp = &q->params[q->nparams];
        qp->name = p->name.text;
        qp->pos = p->name.pos;
        qp->t.nullable = p->nullable;
        check_identifier(c, qp->name, qp->pos, "parameter");
        if (reserved_param(c, qp->name))
            diag_error(c->diag, qp->pos, "parameter name '%s' is taken by the generated "
                       "function itself", qp->name);
        void *item = NULL;
        size_t builtin = 0;
        enum type_class k = classify(c, p->type.text, &item, &builtin);
        if (k == CLASS_MODEL) {
            qp->t.type = TYPE_INT;      /* the model's id */
            qp->id_of = item;
        } else if (k == CLASS_ROW) {
            diag_error(c->diag, p->type.pos, "'%s' is a row type; a parameter has a type of "
                       "the language, an enum, or a model (its id)", p->type.text);
        } else if (k == CLASS_NONE) {
            diag_error(c->diag, p->type.pos, "unknown type '%s' for parameter '%s'",
                       p->type.text, qp->name);
        } else {
            value_type_of(c, p->type, "a parameter", &qp->t);
            qp->t.nullable = p->nullable;
        }
        /* every parameter keeps its number (?N), even after an error */
        if (!declare(c->diag, &names, "parameter", qp->name, qp->pos, qp))
            qp->used = true;    /* reported already: not also "unused" */
        q->nparams++;
    }
    scope_free(&names);
}

static void declare_row(struct checker *c, struct query *q, const struct ast_query *aq)
{
    struct row_type *r = arena_alloc(c->arena, sizeof *r);
    r->name = aq->result.text;
    r->pos = aq->result.pos;
    r->c_name = snake_case(c->arena, r->name);
    r->declared_by = q;
    q->result = RESULT_ROW;
    q->row = r;
    check_identifier(c, r->c_name, r->pos, "row type");
    size_t n = 0;
    for (const struct ast_column *col = aq->columns; col; col = col->next)
        n++;
    if (n == 0)
        diag_error(c->diag, r->pos, "row type '%s' has no columns", r->name);
    r->columns = arena_alloc(c->arena, (n ? n : 1) * sizeof *r->columns);
    struct scope names = {0};
    for (const struct ast_column *col = aq->columns; col; col = col->next) {
        struct row_column *rc = &r->columns[r->ncolumns];
        rc->name = col->name.text;
        rc->pos = col->name.pos;
        check_identifier(c, rc->name, rc->pos, "column");
        if (col->type.text) {
            rc->declared = value_type_of(c, col->type, "a column of a row", &rc->t);
            rc->typed = rc->declared;
            rc->t.nullable = col->nullable;
        }
        if (declare(c->diag, &names, "column", rc->name, rc->pos, rc))
            r->ncolumns++;
    }
    /* a nullable column of a scalar type gets a has_ flag in C */
    for (size_t i = 0; i < r->ncolumns; i++) {
        const char *flag = arena_printf(c->arena, "has_%s", r->columns[i].name);
        struct binding *b = scope_find(&names, flag);
        if (b && (!r->columns[i].declared ||
                  (r->columns[i].t.nullable && r->columns[i].t.type != TYPE_TEXT &&
                   r->columns[i].t.type != TYPE_BLOB)))
            diag_error(c->diag, b->pos, "column '%s' collides with the C flag generated for "
                       "nullable '%s'", flag, r->columns[i].name);
    }
    scope_free(&names);
    if (!declare(c->diag, &c->types, "type", r->name, r->pos, r))
        return;
    if (!declare(c->diag, &c->c_names, "C name", r->c_name, r->pos, r))
        return;
    c->schema->rows[c->schema->nrows++] = r;
}

static void resolve_result(struct checker *c, struct query *q, const struct ast_query *aq)
{
    void *item = NULL;
    size_t builtin = 0;
    switch (classify(c, aq->result.text, &item, &builtin)) {
    case CLASS_MODEL:
        q->result = RESULT_MODEL;
        q->model = item;
        break;
    case CLASS_ROW:
        q->result = RESULT_ROW;
        q->row = item;
        break;
    case CLASS_BUILTIN:
    case CLASS_ENUM:
        q->result = RESULT_SCALAR;
        value_type_of(c, aq->result, "a scalar", &q->scalar);
        q->scalar.nullable = aq->result_nullable;
        if (q->scalar.type == TYPE_TEXT || q->scalar.type == TYPE_BLOB)
            diag_error(c->diag, aq->result.pos, "a query cannot return a lone %s: declare a "
                       "row of one column, e.g. -> %s(%s)", type_name(q->scalar.type),
                       q->scalar.type == TYPE_TEXT ? "Title" : "Data",
                       q->scalar.type == TYPE_TEXT ? "title" : "data");
        if (aq->many)
            diag_error(c->diag, aq->many_pos, "'many' needs a row: declare a row of one "
                       "column, e.g. -> many Item(value %s)", aq->result.text);
        return;
    case CLASS_NONE:
        diag_error(c->diag, aq->result.pos, "unknown type '%s' in the result of query '%s'",
                   aq->result.text, q->name);
        suggest_model(c, aq->result.text);
        return;
    }
    if (aq->result_nullable)
        diag_error(c->diag, aq->result_nullable_pos, "'?' has no meaning on a row: a query that "
                   "finds none returns MG_NOTFOUND");
}

static void check_queries(struct checker *c, const struct ast_schema *ast)
{
    size_t n = 0;
    for (const struct ast_query *aq = ast->queries; aq; aq = aq->next)
        n++;
    c->schema->queries = arena_alloc(c->arena, (n ? n : 1) * sizeof *c->schema->queries);
    c->schema->rows = arena_alloc(c->arena, (n ? n : 1) * sizeof *c->schema->rows);
    struct query **all = arena_alloc(c->arena, (n ? n : 1) * sizeof *all);
    struct scope names = {0};
    size_t i = 0;
    /* first every query's name, parameters and declared row type, since a result may
       name a row type that a later query declares */
    for (const struct ast_query *aq = ast->queries; aq; aq = aq->next, i++) {
        struct query *q = arena_alloc(c->arena, sizeof *q);
        all[i] = q;
        q->name = aq->name.text;
        q->pos = aq->name.pos;
        q->many = aq->many;
        q->result_pos = aq->has_result ? aq->result.pos : aq->name.pos;
        q->sql = aq->sql.text;
        q->sql_pos = aq->sql.pos;
        q->sql_raw = aq->sql.raw;
        check_identifier(c, q->name, q->pos, "query");
        check_params(c, q, aq);
        if (aq->has_columns)
            declare_row(c, q, aq);
        if (declare(c->diag, &names, "query", q->name, q->pos, q))
            c->schema->queries[c->schema->nqueries++] = q;
    }
    /* struct post_summary_array is generated for PostSummary */
    for (size_t k = 0; k < c->schema->nrows; k++) {
        const struct row_type *r = c->schema->rows[k];
        const char *array = arena_printf(c->arena, "%s_array", r->c_name);
        struct binding *b = scope_find(&c->c_names, array);
        if (b)
            diag_error(c->diag, b->pos, "C name '%s' collides with the array type generated for "
                       "row type '%s'", array, r->name);
    }
    for (size_t k = 0; k < c->schema->nmodels; k++) {
        const struct model *m = c->schema->models[k];
        const char *array = arena_printf(c->arena, "%s_array", m->c_name);
        for (size_t r = 0; r < c->schema->nrows; r++)
            if (strcmp(c->schema->rows[r]->c_name, array) == 0)
                diag_error(c->diag, c->schema->rows[r]->pos, "C name '%s' collides with the "
                           "array type generated for model '%s'", array, m->name);
    }
    i = 0;
    for (const struct ast_query *aq = ast->queries; aq; aq = aq->next, i++) {
        struct query *q = all[i];
        if (aq->has_result && !aq->has_columns)
            resolve_result(c, q, aq);
        query_translate(q, c->diag->src, c->arena, c->diag);
    }
    scope_free(&names);
}

/* ---- Names generated for eager loading ----

   struct user_with_posts and user_with_posts_free are generated for User's has_many
   posts (and for a has_many through): no model, enum or row type may have that C name,
   nor may one of their array types, nor two associations give the same one. */
static void check_eager_names(struct checker *c)
{
    struct scope seen = {0}, arrays = {0};
    /* the array types, looked up by name: a scan per association would be quadratic */
    for (size_t k = 0; k < c->schema->nmodels; k++)
        scope_put(&arrays, arena_printf(c->arena, "%s_array", c->schema->models[k]->c_name),
                  c->schema->models[k]->pos,
                  (void *)arena_printf(c->arena, "the array type of model '%s'",
                                       c->schema->models[k]->name));
    for (size_t k = 0; k < c->schema->nrows; k++)
        if (!scope_find(&arrays, arena_printf(c->arena, "%s_array", c->schema->rows[k]->c_name)))
            scope_put(&arrays, arena_printf(c->arena, "%s_array", c->schema->rows[k]->c_name),
                      c->schema->rows[k]->pos,
                      (void *)arena_printf(c->arena, "the array type of row type '%s'",
                                           c->schema->rows[k]->name));
    for (size_t i = 0; i < c->schema->nmodels; i++) {
        const struct model *m = c->schema->models[i];
        for (size_t j = 0; j < m->nassocs; j++) {
            const struct assoc *a = m->assocs[j];
            if (a->kind != ASSOC_HAS_MANY && a->kind != ASSOC_HAS_MANY_THROUGH)
                continue;
            const char *name = arena_printf(c->arena, "%s_with_%s", m->c_name, a->name);
            const char *other = NULL;
            struct binding *b = scope_find(&c->c_names, name);
            if (b)
                other = name;
            struct binding *array = other ? NULL : scope_find(&arrays, name);
            if (array)
                other = array->what;
            if (other) {
                diag_error(c->diag, a->pos, "the C name '%s' generated for eager loading of "
                           "'%s.%s' collides with %s", name, m->name, a->name,
                           other == name ? "a C name of the schema" : other);
                if (b)
                    diag_note(c->diag, b->pos, "'%s' comes from here", name);
                continue;
            }
            struct binding *prev = scope_find(&seen, name);
            if (prev) {
                diag_error(c->diag, a->pos, "the C name '%s' generated for eager loading of "
                           "'%s.%s' is generated for another association too", name, m->name,
                           a->name);
                diag_note(c->diag, prev->pos, "the other association is declared here");
                continue;
            }
            scope_put(&seen, name, a->pos, (void *)a);
        }
    }
    scope_free(&seen);
    scope_free(&arrays);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

struct schema *check_schema(const struct ast_schema *ast, const char *file, struct arena *a,
                            struct diag *d)
{
    struct checker c = {0};
    c.arena = a;
    c.diag = d;
    c.schema = arena_alloc(a, sizeof *c.schema);
    c.schema->file = base_name(file);
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        scope_put(&c.types, builtin_types[i], (struct pos){0, 0, 0}, NULL);
    declare_enums(&c, ast);
    declare_models(&c, ast);
    size_t i = 0;
    for (const struct ast_model *am = ast->models; am; am = am->next) {
        if (i < c.schema->nmodels && c.schema->models[i]->pos.line == am->name.pos.line &&
            c.schema->models[i]->pos.col == am->name.pos.col)
            check_model(&c, c.schema->models[i++], am);
    }
    resolve_inverses(&c, ast);
    check_queries(&c, ast);
    check_eager_names(&c);
    scope_free(&c.types);
    scope_free(&c.tables);
    scope_free(&c.c_names);
    return c.schema;
}
