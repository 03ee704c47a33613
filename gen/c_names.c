/* The names the generated C declares at file scope, and their clashes (see c_names.h).
   The lists below follow what cgen_*.c and templates/c_*.tmpl write; a test generates and
   compiles schemas whose names come close to one another (tests/frontend). */
#include "c_names.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "c_reserved.h"
#include "names.h"
#include "util.h"

/* A name and what it was generated for. Finders over the same columns (a unique field's
   user_get_by_email and a one-column `unique (email)`) are one function, which the
   generator writes once: they carry the same key and do not clash. */
struct entry {
    const char *name;
    struct pos pos;
    const char *of;
    const char *key;
    bool query;
};

struct c_name_table {
    struct arena *a;
    struct diag *d;
    const char *prefix;
    struct entry *slots;
    size_t cap, count;
    bool ok;
    const char *reported;   /* the thing of the last error: one error a thing */
    void (*each)(const char *name, void *ctx);  /* set: only list the names */
    void *ctx;
};

static struct entry *slot(const struct c_name_table *n, const char *name)
{
    size_t i = hash_string(name) & (n->cap - 1);
    while (n->slots[i].name && strcmp(n->slots[i].name, name) != 0)
        i = (i + 1) & (n->cap - 1);
    return &n->slots[i];
}

static void grow(struct c_name_table *n)
{
    struct entry *old = n->slots;
    size_t cap = n->cap;
    n->cap = cap ? cap * 2 : 256;
    n->slots = arena_alloc(n->a, n->cap * sizeof *n->slots);   /* zeroed */
    for (size_t i = 0; i < cap; i++)
        if (old[i].name)
            *slot(n, old[i].name) = old[i];
}

/* prefix_migration_0001_sqlite and the like: the migrations' tables. */
static bool migration_table(const struct c_name_table *n, const char *name)
{
    size_t k = strlen(n->prefix);
    return strncmp(name, n->prefix, k) == 0 && strncmp(name + k, "_migration_", 11) == 0 &&
           isdigit((unsigned char)name[k + 11]);
}

static void add(struct c_name_table *n, const char *name, struct pos pos, const char *of,
                const char *key, bool query)
{
    if (n->each) {
        n->each(name, n->ctx);
        return;
    }
    if (n->reported == of)
        return;
    bool fatal = false;
    const char *taken = c_reserved(name, &fatal);
    if (taken && fatal) {
        diag_error(n->d, pos, "the C name '%s' generated for %s is reserved: it is %s", name,
                   of, taken);
        n->ok = false;
        n->reported = of;
        return;
    }
    if (taken)  /* a warning, and the name is kept */
        diag_warning(n->d, pos, "the C name '%s' generated for %s is %s: a program that "
                     "includes that header beside the generated one will not compile", name,
                     of, taken);
    if (migration_table(n, name)) {
        diag_error(n->d, pos, "the C name '%s' generated for %s is the kind the embedded "
                   "migrations take%s", name, of,
                   query ? "; rename the query or choose another --name" : "");
        n->ok = false;
        n->reported = of;
        return;
    }
    if ((n->count + 1) * 2 > n->cap)
        grow(n);
    struct entry *e = slot(n, name);
    if (e->name) {
        if (key && e->key && strcmp(key, e->key) == 0)
            return;
        diag_error(n->d, pos, "the C name '%s' generated for %s is generated for %s too%s",
                   name, of, e->of,
                   query || e->query ? "; rename the query or choose another --name" : "");
        if (e->pos.line)
            diag_note(n->d, e->pos, "that one comes from here");
        n->ok = false;
        n->reported = of;
        return;
    }
    *e = (struct entry){name, pos, of, key, query};
    n->count++;
}

/* NAME_SUFFIX for each suffix, and NAME_SUFFIX_sql for those that end in '+'. */
static void add_all(struct c_name_table *n, const char *name, const char *const *suffixes,
                    size_t count, struct pos pos, const char *of, const char *key)
{
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(suffixes[i]);
        bool sql = len && suffixes[i][len - 1] == '+';
        const char *fn = arena_printf(n->a, "%s_%.*s", name, (int)(len - sql), suffixes[i]);
        add(n, fn, pos, of, key, false);
        if (sql)
            add(n, arena_printf(n->a, "%s_sql", fn), pos, of, key, false);
    }
}

#define ADD_ALL(n, name, list, pos, of, key) \
    add_all(n, name, list, sizeof list / sizeof list[0], pos, of, key)

static void enum_names(struct c_name_table *n, const struct enum_type *e)
{
    static const char *const fns[] = {"name", "parse", "members", "enum"};
    const char *of = arena_printf(n->a, "enum '%s'", e->name);
    ADD_ALL(n, e->c_name, fns, e->pos, of, NULL);
    for (size_t i = 0; i < e->nmembers; i++)
        add(n, arena_printf(n->a, "%s_%s", upper_case(n->a, e->c_name),
                            upper_case(n->a, e->members[i])),
            e->pos, arena_printf(n->a, "member '%s' of enum '%s'", e->members[i], e->name),
            NULL, false);
}

/* The columns' names joined with sep: "a,b", a finder's key; "a_and_b", its suffix. */
static const char *joined(struct arena *a, struct column *const *cols, size_t n,
                          const char *sep)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? sep : "", cols[i]->name);
    const char *key = arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return key;
}

/* NAME_VERB for each verb, a printf format of the thing's own name (get_%s+). */
static void add_verbs(struct c_name_table *n, const char *name, const char *const *verbs,
                      size_t count, const char *arg, struct pos pos, const char *of,
                      const char *key)
{
    for (size_t i = 0; i < count; i++) {
        const char *verb = arena_printf(n->a, verbs[i], arg);
        add_all(n, name, &verb, 1, pos, of, key);
    }
}

static void finder_names(struct c_name_table *n, const struct model *m, const char *suffix,
                         bool unique, struct pos pos, const char *of, const char *key)
{
    static const char *const get[] = {"get_by_%s+", "upsert_by_%s+"};
    static const char *const all[] = {"all_by_%s+"};
    if (unique)
        add_verbs(n, m->c_name, get, 2, suffix, pos, of, key);
    else
        add_verbs(n, m->c_name, all, 1, suffix, pos, of, key);
}

static void model_names(struct c_name_table *n, const struct model *m)
{
    static const char *const fns[] = {
        "init", "free", "array_free", "insert+", "update+", "delete+", "get+", "all+",
        "count+", "next_id", "insert_many", "update_columns+", "columns", "model",
    };
    static const char *const belongs[] = {"get_%s", "set_%s+", "get_with_%s+", "all_with_%s+"};
    static const char *const has_one[] = {"get_%s+"};
    static const char *const has_many[] = {"get_%s+", "count_%s+", "get_with_%s+",
                                           "all_with_%s+", "with_%s_free"};
    static const char *const through[] = {"get_%s+", "add_%s+", "remove_%s+", "get_with_%s+",
                                          "all_with_%s+", "with_%s_free"};
#define VERBS(list) list, sizeof list / sizeof list[0]
    struct arena *a = n->a;
    const char *of = arena_printf(a, "model '%s'", m->name);
    ADD_ALL(n, m->c_name, fns, m->pos, of, NULL);
    for (size_t i = 0; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        struct pos pos = c->field ? c->field->pos : c->assoc ? c->assoc->pos : m->pos;
        add(n, arena_printf(a, "%s_%s", upper_case(a, m->c_name), upper_case(a, c->name)), pos,
            arena_printf(a, "column '%s' of model '%s'", c->name, m->name), NULL, false);
    }
    for (size_t i = 0; i < m->nfields; i++) {
        const struct field *f = m->fields[i];
        if (f->unique || f->index)
            finder_names(n, m, f->name, f->unique, f->pos,
                         arena_printf(a, "field '%s' of model '%s'", f->name, m->name), f->name);
    }
    for (size_t i = 0; i < m->ncomposites; i++) {
        const struct composite *k = m->composites[i];
        const char *key = joined(a, k->columns, k->ncolumns, ",");
        finder_names(n, m, joined(a, k->columns, k->ncolumns, "_and_"), k->unique, k->pos,
                     arena_printf(a, "%s (%s) of model '%s'", k->unique ? "unique" : "index",
                                  key, m->name),
                     key);
    }
    for (size_t i = 0; i < m->nassocs; i++) {
        const struct assoc *as = m->assocs[i];
        const char *what = arena_printf(a, "association '%s' of model '%s'", as->name, m->name);
        switch (as->kind) {
        case ASSOC_BELONGS_TO:
            add_verbs(n, m->c_name, VERBS(belongs), as->name, as->pos, what, NULL);
            break;
        case ASSOC_HAS_ONE:
            add_verbs(n, m->c_name, VERBS(has_one), as->name, as->pos, what, NULL);
            break;
        case ASSOC_HAS_MANY:
            add_verbs(n, m->c_name, VERBS(has_many), as->name, as->pos, what, NULL);
            break;
        case ASSOC_HAS_MANY_THROUGH:
            add_verbs(n, m->c_name, VERBS(through), as->name, as->pos, what, NULL);
            break;
        }
    }
#undef VERBS
}

static void row_names(struct c_name_table *n, const struct row_type *r)
{
    static const char *const fns[] = {"free", "array_free", "columns", "model", "verify"};
    ADD_ALL(n, r->c_name, fns, r->pos, arena_printf(n->a, "row type '%s'", r->name), NULL);
}

static void add_schema(struct c_name_table *n, const struct schema *s)
{
    struct arena *a = n->a;
    const char *prefix = n->prefix;
    static const char *const migrations[] = {"migrate", "migrations"};
    struct pos none = {0, 0, 0};
    ADD_ALL(n, prefix, migrations, none,
            arena_printf(a, "the migrations of the schema (its C prefix is '%s')", prefix),
            NULL);
    for (size_t i = 0; i < s->nenums; i++)
        enum_names(n, s->enums[i]);
    for (size_t i = 0; i < s->nmodels; i++)
        model_names(n, s->models[i]);
    for (size_t i = 0; i < s->nrows; i++)
        row_names(n, s->rows[i]);
    for (size_t i = 0; i < s->nqueries; i++) {
        const struct query *q = s->queries[i];
        const char *fn = arena_printf(a, "%s_%s", prefix, q->name);
        const char *of = arena_printf(a, "query '%s'", q->name);
        add(n, fn, q->pos, of, NULL, true);
        add(n, arena_printf(a, "%s_sql", fn), q->pos, of, NULL, true);
        add(n, arena_printf(a, "%s_value", fn), q->pos, of, NULL, true);
        add(n, arena_printf(a, "%s_value_columns", fn), q->pos, of, NULL, true);
        add(n, arena_printf(a, "%s_value_model", fn), q->pos, of, NULL, true);
    }
}

bool c_names_check(struct schema *s, const char *prefix, struct arena *a, struct diag *d)
{
    struct c_name_table *n = arena_alloc(a, sizeof *n);
    *n = (struct c_name_table){a, d, prefix, NULL, 0, 0, true, NULL, NULL, NULL};
    add_schema(n, s);
    if (n->ok)
        s->c_names = n;
    return n->ok;
}

bool c_names_has(const struct c_name_table *t, const char *name)
{
    return t && t->cap && slot(t, name)->name;
}

void c_names_each(const struct schema *s, const char *prefix, struct arena *a,
                  void (*fn)(const char *name, void *ctx), void *ctx)
{
    struct c_name_table n = {a, NULL, prefix, NULL, 0, 0, true, NULL, fn, ctx};
    add_schema(&n, s);
}
