/* randdiff: random schemas using every construct of the language, random changes of every
   kind, and their .model text. */
#include "randdiff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "util.h"

/* -------------------------------------------------------------------- random -- */

uint64_t rd_next(struct rd_rng *g)
{
    /* xorshift64* */
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return g->s * UINT64_C(2685821657736338717);
}

int rd_below(struct rd_rng *g, int n)
{
    return n <= 1 ? 0 : (int)(rd_next(g) % (uint64_t)n);
}

bool rd_chance(struct rd_rng *g, int percent)
{
    return rd_below(g, 100) < percent;
}

#define PICK(g, a) ((a)[rd_below((g), (int)(sizeof (a) / sizeof (a)[0]))])

/* ---------------------------------------------------------------------- names -- */

/* SQL keywords, words the language uses elsewhere, an upper-case letter, a long name */
static const char *const model_names[] = {
    "Alpha", "Bravo", "Charlie", "Order", "Group", "User", "Select", "BlogPost", "Category",
    "Address", "Person", "Check", "Where", "Limit", "Values", "Table", "Index", "Delta",
    "Echo", "From", "Foxtrot", "Join", "AVeryLongModelNameForTheTables",
};
static const char *const field_names[] = {
    "name", "email", "select", "order", "group", "user", "from", "where", "limit", "table",
    "by", "fk", "was", "constraint", "unique", "index", "values", "check", "key", "value",
    "count", "at", "kind", "flag", "ratio", "body", "title", "code", "raw", "num", "size",
    "note", "Email", "primary", "references", "column", "a_rather_long_field_name_here",
};
static const char *const assoc_names[] = {
    "owner", "parent", "team", "profile", "author", "next", "prev", "target", "group",
    "order", "user", "source", "home", "Boss",
};
static const char *const table_names[] = {
    "things", "select", "order_items", "Users", "people_v2", "group", "t", "limit",
};
static const char *const enum_names[] = {"Kind", "Color", "Role", "State"};
static const char *const member_names[] = {
    "red", "blue", "green", "leaf", "branch", "select", "order", "now", "Infinity", "a", "b",
    "open", "closed", "x1", "member", "guest",
};
/* strings that could end a literal or a comment early, numbers written as text */
static const char *const strings[] = {
    "", "x", "it's", "line\nDROP TABLE t; --", "*/ DROP TABLE t; /*", "$$", "\\", "\\'",
    "-- c", "\t", "\r", "42", "-7", "0.5", "1e+20", "true", "false", "1700000000", "red",
    "caf\xc3\xa9", "{{table}}", "%s", "'); DROP TABLE t; --",
};

static bool used_model_name(const struct rd_schema *s, const char *name)
{
    for (int i = 0; i < s->nm; i++)
        if (strcmp(s->m[i].name, name) == 0 || strcmp(s->m[i].was, name) == 0)
            return true;
    for (int i = 0; i < s->ngone; i++)
        if (strcmp(s->gone[i], name) == 0)
            return true;
    return false;
}

/* A column name (a field's, or an association's column) the model does not have, nor had. */
static bool used_column(const struct rd_model *m, const char *name)
{
    char buf[NAME_LEN];
    for (int i = 0; i < m->nf; i++)
        if (strcasecmp(m->f[i].name, name) == 0 || strcasecmp(m->f[i].was, name) == 0)
            return true;
    for (int i = 0; i < m->na; i++)
        if (strcasecmp(rd_assoc_column(&m->a[i], buf), name) == 0 ||
            strcasecmp(m->a[i].name, name) == 0 || strcasecmp(m->a[i].was, name) == 0)
            return true;
    for (int i = 0; i < m->ni; i++)
        if (strcasecmp(m->inv[i].name, name) == 0)
            return true;
    for (int i = 0; i < m->ngone; i++)
        if (strcasecmp(m->gone[i], name) == 0)
            return true;
    return strcmp(name, "id") == 0;
}

static void fresh_name(char *out, const char *const *pool, int n, struct rd_rng *g,
                       bool (*taken)(const void *, const char *), const void *ctx)
{
    /* the name is made aside: out may be the name of a thing the schema already holds */
    char name[NAME_LEN];
    out[0] = '\0';
    for (int tries = 0; tries < 40; tries++) {
        const char *base = pool[rd_below(g, n)];
        if (tries < 20)
            snprintf(name, NAME_LEN, "%s", base);
        else
            snprintf(name, NAME_LEN, "%s%d", base, rd_below(g, 90) + 2);
        if (!taken(ctx, name)) {
            memcpy(out, name, NAME_LEN);
            return;
        }
    }
    snprintf(out, NAME_LEN, "n%llu", (unsigned long long)(rd_next(g) % 100000));
}

static bool model_taken(const void *s, const char *name)
{
    return used_model_name(s, name);
}

static bool column_taken(const void *m, const char *name)
{
    return used_column(m, name);
}

static bool enum_taken(const void *sv, const char *name)
{
    const struct rd_schema *s = sv;
    for (int i = 0; i < s->ne; i++)
        if (strcmp(s->e[i].name, name) == 0)
            return true;
    return used_model_name(s, name);
}

/* ---------------------------------------------------------------------- lookup -- */

struct rd_model *rd_model(struct rd_schema *s, int id)
{
    for (int i = 0; i < s->nm; i++)
        if (s->m[i].id == id)
            return &s->m[i];
    return NULL;
}

const struct rd_model *rd_model_c(const struct rd_schema *s, int id)
{
    return rd_model((struct rd_schema *)s, id);
}

static struct rd_field *field_of(struct rd_model *m, int id)
{
    for (int i = 0; i < m->nf; i++)
        if (m->f[i].id == id)
            return &m->f[i];
    return NULL;
}

const struct rd_field *rd_field_c(const struct rd_model *m, int id)
{
    return field_of((struct rd_model *)m, id);
}

static struct rd_assoc *assoc_of(struct rd_model *m, int id)
{
    for (int i = 0; i < m->na; i++)
        if (m->a[i].id == id)
            return &m->a[i];
    return NULL;
}

const struct rd_assoc *rd_assoc_c(const struct rd_model *m, int id)
{
    return assoc_of((struct rd_model *)m, id);
}

static struct rd_enum *enum_of(struct rd_schema *s, int id)
{
    for (int i = 0; i < s->ne; i++)
        if (s->e[i].id == id)
            return &s->e[i];
    return NULL;
}

const struct rd_enum *rd_enum_c(const struct rd_schema *s, int id)
{
    return enum_of((struct rd_schema *)s, id);
}

/* The model and index of the field or association with this id. */
static struct rd_model *owner_of(struct rd_schema *s, int id, struct rd_field **f,
                                 struct rd_assoc **a)
{
    *f = NULL;
    *a = NULL;
    for (int i = 0; i < s->nm; i++) {
        if ((*f = field_of(&s->m[i], id)) || (*a = assoc_of(&s->m[i], id)))
            return &s->m[i];
    }
    return NULL;
}

const char *rd_table(const struct rd_model *m, char *buf)
{
    if (m->table[0]) {
        snprintf(buf, NAME_LEN, "%s", m->table);
        return buf;
    }
    struct arena *a = arena_new();
    snprintf(buf, NAME_LEN, "%s", plural(a, snake_case(a, m->name)));
    arena_free(a);
    return buf;
}

const char *rd_assoc_column(const struct rd_assoc *a, char *buf)
{
    if (a->fk[0])
        snprintf(buf, NAME_LEN, "%s", a->fk);
    else
        snprintf(buf, NAME_LEN, "%s_id", a->name);
    return buf;
}

static bool composable(const struct rd_model *m, int id);
static bool table_taken(const struct rd_schema *s, const struct rd_model *self, const char *table);
static bool tables_unique(const struct rd_schema *s);

/* ------------------------------------------------------------------- defaults -- */

static void random_default(const struct rd_schema *s, struct rd_field *f, struct rd_rng *g)
{
    struct rd_default *d = &f->def;
    memset(d, 0, sizeof *d);
    if (rd_chance(g, 45))
        return;
    if (f->nullable && rd_chance(g, 15)) {
        d->kind = D_NULL;
        return;
    }
    static const int64_t ints[] = {0, 1, -1, 7, 42, INT64_MAX, INT64_MIN, 9007199254740993,
                                   2147483648};
    static const int64_t seconds[] = {0, 1, 1700000000, -210866803200, 9224318015999, 86400};
    static const char *const reals[] = {"0.5", "1e308", "4.9e-324", "-0.0", "0.1", "42",
                                        "1e-5", "2.75", "-1000.25", "123456789012345.0"};
    switch (f->type) {
    case T_INT:
        d->kind = D_INT;
        d->i = rd_chance(g, 50) ? rd_below(g, 10) : PICK(g, ints);
        break;
    case T_TIMESTAMP:
        if (rd_chance(g, 30)) {
            d->kind = D_NOW;
        } else {
            d->kind = D_INT;
            d->i = PICK(g, seconds);
        }
        break;
    case T_REAL:
        d->kind = D_REAL;
        snprintf(d->text, TEXT_LEN, "%s", PICK(g, reals));
        break;
    case T_TEXT:
        d->kind = D_TEXT;
        snprintf(d->text, TEXT_LEN, "%s", PICK(g, strings));
        break;
    case T_BOOL:
        d->kind = D_BOOL;
        d->i = rd_below(g, 2);
        break;
    case T_BLOB:
        break;  /* a blob takes no default but null */
    case T_ENUM: {
        const struct rd_enum *e = rd_enum_c(s, f->enum_id);
        if (e && e->n) {
            d->kind = D_ENUM;
            snprintf(d->text, TEXT_LEN, "%s", e->member[rd_below(g, e->n)]);
        }
        break;
    }
    case T_COUNT:
        break;
    }
}

/* Keeps a default valid for its field: of its type, null only when nullable. */
static void fit_default(const struct rd_schema *s, struct rd_field *f)
{
    struct rd_default *d = &f->def;
    bool ok = true;
    switch (d->kind) {
    case D_NONE:
        return;
    case D_NULL:
        ok = f->nullable;
        break;
    case D_INT:
        ok = f->type == T_INT || f->type == T_TIMESTAMP;
        if (f->type == T_TIMESTAMP && (d->i < -210866803200 || d->i > 9224318015999))
            ok = false;
        break;
    case D_REAL:
        ok = f->type == T_REAL;
        break;
    case D_TEXT:
        ok = f->type == T_TEXT;
        break;
    case D_BOOL:
        ok = f->type == T_BOOL;
        break;
    case D_NOW:
        ok = f->type == T_TIMESTAMP;
        break;
    case D_ENUM: {
        const struct rd_enum *e = f->type == T_ENUM ? rd_enum_c(s, f->enum_id) : NULL;
        ok = false;
        for (int i = 0; e && i < e->n; i++)
            ok |= strcmp(e->member[i], d->text) == 0;
        break;
    }
    }
    if (!ok)
        memset(d, 0, sizeof *d);
}

/* ----------------------------------------------------------------- generation -- */

static enum rd_type random_type(const struct rd_schema *s, struct rd_rng *g)
{
    int t = rd_below(g, s->ne ? 7 : 6);
    return (enum rd_type)t;
}

static void random_field(struct rd_schema *s, struct rd_model *m, struct rd_field *f,
                         struct rd_rng *g)
{
    memset(f, 0, sizeof *f);
    f->id = ++s->next_id;
    fresh_name(f->name, field_names, (int)(sizeof field_names / sizeof *field_names), g,
               column_taken, m);
    f->type = random_type(s, g);
    if (f->type == T_ENUM)
        f->enum_id = s->e[rd_below(g, s->ne)].id;
    f->nullable = rd_chance(g, 50);
    f->unique = rd_chance(g, 12) && f->type != T_REAL && f->type != T_BOOL && f->type != T_BLOB;
    f->index = !f->unique && rd_chance(g, 12) && f->type != T_BLOB;
    random_default(s, f, g);
    if (f->unique && !f->nullable && f->def.kind != D_NONE && f->def.kind != D_NULL)
        f->def.kind = D_NONE;   /* rows added by a change would all get it */
}

static void random_assoc(struct rd_schema *s, struct rd_model *m, struct rd_assoc *a,
                         struct rd_rng *g, bool nullable_only)
{
    memset(a, 0, sizeof *a);
    a->id = ++s->next_id;
    fresh_name(a->name, assoc_names, (int)(sizeof assoc_names / sizeof *assoc_names), g,
               column_taken, m);
    a->target = s->m[rd_below(g, s->nm)].id;
    if (rd_chance(g, 20))
        a->target = m->id;      /* a self-reference */
    a->nullable = nullable_only || rd_chance(g, 65);
    if (rd_chance(g, 15)) {
        char fk[NAME_LEN];
        snprintf(fk, sizeof fk, "%s_ref", a->name);
        if (!used_column(m, fk))
            snprintf(a->fk, NAME_LEN, "%s", fk);
    }
    int mode = rd_below(g, 10);
    a->mode = mode < 5 ? M_AUTO : mode < 7 ? M_DEFERRED : mode < 8 ? M_IMMEDIATE : M_NONE;
    if (a->mode != M_NONE) {
        static const enum rd_action actions[] = {A_UNSET, A_UNSET, A_CASCADE, A_CASCADE,
                                                 A_SET_NULL, A_RESTRICT, A_NO_ACTION};
        a->on_delete = PICK(g, actions);
        if (a->on_delete == A_SET_NULL && !a->nullable)
            a->on_delete = A_CASCADE;
        if (rd_chance(g, 20))
            a->on_update = rd_chance(g, 50) ? A_CASCADE : A_RESTRICT;
    }
}

static void random_model(struct rd_schema *s, struct rd_model *m, struct rd_rng *g)
{
    memset(m, 0, sizeof *m);
    m->id = ++s->next_id;
    fresh_name(m->name, model_names, (int)(sizeof model_names / sizeof *model_names), g,
               model_taken, s);
    if (rd_chance(g, 15)) {
        snprintf(m->table, NAME_LEN, "%s", PICK(g, table_names));
        if (table_taken(s, m, m->table))
            m->table[0] = '\0';
    }
    int nf = rd_below(g, 5) + (rd_chance(g, 20) ? 0 : 1);
    for (int i = 0; i < nf && m->nf < MAX_FIELDS; i++)
        random_field(s, m, &m->f[m->nf++], g);
}

void rd_random_schema(struct rd_schema *s, struct rd_rng *g)
{
    memset(s, 0, sizeof *s);
    s->ne = rd_below(g, 3);
    for (int i = 0; i < s->ne; i++) {
        struct rd_enum *e = &s->e[i];
        e->id = ++s->next_id;
        fresh_name(e->name, enum_names, 4, g, enum_taken, s);
        e->n = 2 + rd_below(g, 4);
        for (int k = 0; k < e->n; k++) {
            for (int tries = 0; tries < 20; tries++) {
                snprintf(e->member[k], NAME_LEN, "%s", PICK(g, member_names));
                bool dup = false;
                for (int j = 0; j < k; j++)
                    dup |= strcmp(e->member[j], e->member[k]) == 0;
                if (!dup)
                    break;
                snprintf(e->member[k], NAME_LEN, "m%d", k);
            }
        }
        e->in_old = true;
    }
    s->nm = 1 + rd_below(g, 4);
    for (int i = 0; i < s->nm; i++)
        random_model(s, &s->m[i], g);
    /* associations: self-references, cycles of nullable and required keys */
    for (int i = 0; i < s->nm; i++) {
        struct rd_model *m = &s->m[i];
        int na = rd_below(g, 3);
        for (int k = 0; k < na && m->na < MAX_ASSOCS; k++)
            random_assoc(s, m, &m->a[m->na++], g, false);
    }
    /* a has_many through now and then: a join model that belongs to two others */
    if (s->nm >= 2 && s->nm < MAX_MODELS && rd_chance(g, 25)) {
        struct rd_model *j = &s->m[s->nm];
        random_model(s, j, g);
        j->nf = 0;
        struct rd_model *x = &s->m[0], *y = &s->m[1];
        s->nm++;
        for (int k = 0; k < 2; k++) {
            struct rd_assoc *a = &j->a[j->na++];
            random_assoc(s, j, a, g, false);
            a->target = (k ? y : x)->id;
            a->nullable = false;
            if (a->on_delete == A_SET_NULL)
                a->on_delete = A_CASCADE;
        }
        if (x->ni < MAX_INVERSES) {
            struct rd_inverse *v = &x->inv[x->ni++];
            v->kind = INV_THROUGH;
            fresh_name(v->name, assoc_names, (int)(sizeof assoc_names / sizeof *assoc_names),
                       g, column_taken, x);
            v->target = y->id;
            v->through = j->id;
        }
    }
    /* has_one and has_many by the other side's belongs_to */
    for (int i = 0; i < s->nm; i++) {
        struct rd_model *m = &s->m[i];
        for (int k = 0; k < m->na; k++) {
            struct rd_model *t = rd_model(s, m->a[k].target);
            if (!t || t->ni >= MAX_INVERSES || !rd_chance(g, 25))
                continue;
            struct rd_inverse *v = &t->inv[t->ni++];
            v->kind = rd_chance(g, 30) ? INV_HAS_ONE : INV_HAS_MANY;
            fresh_name(v->name, assoc_names, (int)(sizeof assoc_names / sizeof *assoc_names),
                       g, column_taken, t);
            v->target = m->id;
            v->by = m->a[k].id;
        }
    }
    /* composite uniques and indexes */
    for (int i = 0; i < s->nm; i++) {
        struct rd_model *m = &s->m[i];
        if (m->nf + m->na >= 2 && rd_chance(g, 25)) {
            struct rd_composite *c = &m->c[m->nc++];
            c->unique = rd_chance(g, 50);
            c->n = 2;
            int a = rd_below(g, m->nf + m->na), b = (a + 1 + rd_below(g, m->nf + m->na - 1)) %
                                                   (m->nf + m->na);
            c->col[0] = a < m->nf ? m->f[a].id : m->a[a - m->nf].id;
            c->col[1] = b < m->nf ? m->f[b].id : m->a[b - m->nf].id;
            if (!composable(m, c->col[0]) || !composable(m, c->col[1]))
                m->nc--;
        }
    }
    for (int i = 0; i < s->nm && !tables_unique(s); i++)
        s->m[i].table[0] = '\0';
    for (int i = 0; i < s->nm; i++) {
        struct rd_model *m = &s->m[i];
        m->in_old = true;
        for (int k = 0; k < m->nf; k++)
            m->f[k].in_old = true;
        for (int k = 0; k < m->na; k++)
            m->a[k].in_old = true;
    }
}

/* ----------------------------------------------------------------- removing -- */

static void remove_inverses_by(struct rd_schema *s, int assoc_id, int model_id)
{
    for (int i = 0; i < s->nm; i++) {
        struct rd_model *m = &s->m[i];
        for (int k = 0; k < m->ni;) {
            struct rd_inverse *v = &m->inv[k];
            if (v->by == assoc_id || (model_id && (v->target == model_id || v->through == model_id)))
                m->inv[k] = m->inv[--m->ni];
            else
                k++;
        }
    }
}

static void remove_from_composites(struct rd_model *m, int id)
{
    for (int k = 0; k < m->nc;) {
        bool has = false;
        for (int j = 0; j < m->c[k].n; j++)
            has |= m->c[k].col[j] == id;
        if (has)
            m->c[k] = m->c[--m->nc];
        else
            k++;
    }
}

void rd_remove_field(struct rd_schema *s, int model, int id)
{
    struct rd_model *m = rd_model(s, model);
    if (!m)
        return;
    for (int k = 0; k < m->nf; k++) {
        if (m->f[k].id != id)
            continue;
        if (m->f[k].in_old && m->ngone < MAX_FIELDS + MAX_ASSOCS)
            snprintf(m->gone[m->ngone++], NAME_LEN, "%s", m->f[k].was[0] ? m->f[k].was : m->f[k].name);
        memmove(&m->f[k], &m->f[k + 1], (size_t)(m->nf - k - 1) * sizeof m->f[k]);
        m->nf--;
        break;
    }
    remove_from_composites(m, id);
}

void rd_remove_assoc(struct rd_schema *s, int model, int id)
{
    struct rd_model *m = rd_model(s, model);
    if (!m)
        return;
    for (int k = 0; k < m->na; k++) {
        if (m->a[k].id != id)
            continue;
        if (m->a[k].in_old && m->ngone + 2 <= MAX_FIELDS + MAX_ASSOCS) {
            char col[NAME_LEN];
            snprintf(m->gone[m->ngone++], NAME_LEN, "%s", m->a[k].was[0] ? m->a[k].was : m->a[k].name);
            snprintf(m->gone[m->ngone++], NAME_LEN, "%s", rd_assoc_column(&m->a[k], col));
        }
        memmove(&m->a[k], &m->a[k + 1], (size_t)(m->na - k - 1) * sizeof m->a[k]);
        m->na--;
        break;
    }
    remove_from_composites(m, id);
    remove_inverses_by(s, id, 0);
}

void rd_remove_model(struct rd_schema *s, int id)
{
    for (int i = 0; i < s->nm; i++) {
        struct rd_model *m = &s->m[i];
        for (int k = 0; k < m->na;) {
            if (m->a[k].target == id && m->id != id)
                rd_remove_assoc(s, m->id, m->a[k].id);
            else
                k++;
        }
    }
    remove_inverses_by(s, -1, id);
    for (int i = 0; i < s->nm; i++) {
        if (s->m[i].id != id)
            continue;
        if (s->m[i].in_old && s->ngone < MAX_MODELS * 2)
            snprintf(s->gone[s->ngone++], NAME_LEN, "%s", s->m[i].was[0] ? s->m[i].was : s->m[i].name);
        memmove(&s->m[i], &s->m[i + 1], (size_t)(s->nm - i - 1) * sizeof s->m[i]);
        s->nm--;
        break;
    }
}

/* Whether a model is the target of another's belongs_to, or the join of a through. */
static bool referenced(const struct rd_schema *s, int id)
{
    for (int i = 0; i < s->nm; i++) {
        for (int k = 0; k < s->m[i].na; k++)
            if (s->m[i].a[k].target == id && s->m[i].id != id)
                return true;
        for (int k = 0; k < s->m[i].ni; k++)
            if (s->m[i].inv[k].through == id)
                return true;
    }
    return false;
}

static bool composable_name(const char *name)
{
    return strcmp(name, "unique") != 0 && strcmp(name, "index") != 0;
}

/* Whether a column may be in a composite: no blob, and a name the list syntax takes. */
static bool composable(const struct rd_model *m, int id)
{
    const struct rd_field *f = rd_field_c(m, id);
    return !f || (f->type != T_BLOB && strcmp(f->name, "unique") != 0 && strcmp(f->name, "index") != 0);
}

/* Whether another model has this table name (SQLite's are case-insensitive). */
static bool table_taken(const struct rd_schema *s, const struct rd_model *self, const char *table)
{
    char t[NAME_LEN];
    for (int i = 0; i < s->nm; i++)
        if (&s->m[i] != self && s->m[i].id != self->id && strcasecmp(rd_table(&s->m[i], t), table) == 0)
            return true;
    return false;
}

static bool tables_unique(const struct rd_schema *s)
{
    char t[NAME_LEN];
    for (int i = 0; i < s->nm; i++)
        if (table_taken(s, &s->m[i], rd_table(&s->m[i], t)))
            return false;
    return true;
}

static bool used_by_inverse(const struct rd_schema *s, int assoc_id)
{
    for (int i = 0; i < s->nm; i++)
        for (int k = 0; k < s->m[i].ni; k++)
            if (s->m[i].inv[k].by == assoc_id)
                return true;
    return false;
}

static bool joins_through(const struct rd_schema *s, int model_id)
{
    for (int i = 0; i < s->nm; i++)
        for (int k = 0; k < s->m[i].ni; k++)
            if (s->m[i].inv[k].through == model_id)
                return true;
    return false;
}

/* ------------------------------------------------------------------ changes -- */

static void set_was(char *was, const char *name, bool in_old)
{
    if (in_old && !was[0])
        memmove(was, name, strlen(name) + 1);
}

static bool apply_change(struct rd_schema *s, const struct rd_change *c);

/* A required column added to a table that exists, with nothing to fill its rows: modelgen
   refuses it whatever the options (so the generator does not make it). */
static bool impossible(const struct rd_schema *s)
{
    for (int i = 0; i < s->nm; i++) {
        const struct rd_model *m = &s->m[i];
        if (!m->in_old)
            continue;
        for (int k = 0; k < m->nf; k++)
            if (!m->f[k].in_old && !m->f[k].nullable &&
                (m->f[k].def.kind == D_NONE || m->f[k].def.kind == D_NULL))
                return true;
        for (int k = 0; k < m->na; k++)
            if (!m->a[k].in_old && !m->a[k].nullable)
                return true;
    }
    return false;
}

bool rd_apply(struct rd_schema *s, const struct rd_change *c)
{
    return apply_change(s, c) && !impossible(s);
}

static bool apply_change(struct rd_schema *s, const struct rd_change *c)
{
    struct rd_model *m = NULL;
    struct rd_field *f = NULL;
    struct rd_assoc *a = NULL;
    switch (c->kind) {
    case C_ADD_MODEL:
        if (s->nm >= MAX_MODELS || used_model_name(s, c->model.name))
            return false;
        s->m[s->nm] = c->model;
        for (int k = 0; k < s->m[s->nm].nf; k++)
            if (s->m[s->nm].f[k].type == T_ENUM && !enum_of(s, s->m[s->nm].f[k].enum_id))
                return false;
        s->nm++;
        return tables_unique(s);
    case C_DROP_MODEL:
        if (!rd_model(s, c->target) || referenced(s, c->target))
            return false;
        rd_remove_model(s, c->target);
        return true;
    case C_RENAME_MODEL:
        if (!(m = rd_model(s, c->target)) || used_model_name(s, c->name))
            return false;
        set_was(m->was, m->name, m->in_old);
        snprintf(m->name, NAME_LEN, "%s", c->name);
        return tables_unique(s);
    case C_RENAME_TABLE:
        if (!(m = rd_model(s, c->target)) || (c->name[0] && table_taken(s, m, c->name)))
            return false;
        snprintf(m->table, NAME_LEN, "%s", c->name);
        return tables_unique(s);
    case C_ADD_FIELD:
        if (!(m = rd_model(s, c->target)) || m->nf >= MAX_FIELDS ||
            used_column(m, c->field.name) ||
            (c->field.type == T_ENUM && !enum_of(s, c->field.enum_id)))
            return false;
        m->f[m->nf++] = c->field;
        return true;
    default:
        break;
    }
    if (c->kind >= C_ENUM_ADD && c->kind <= C_ENUM_REORDER) {
        struct rd_enum *e = enum_of(s, c->target);
        if (!e)
            return false;
        if (c->kind == C_ENUM_ADD) {
            if (e->n >= MAX_MEMBERS)
                return false;
            for (int i = 0; i < e->n; i++)
                if (strcmp(e->member[i], c->name) == 0)
                    return false;
            snprintf(e->member[e->n++], NAME_LEN, "%s", c->name);
        } else if (c->kind == C_ENUM_DROP) {
            if (e->n <= 1 || c->n >= e->n)
                return false;
            memmove(e->member[c->n], e->member[c->n + 1],
                    (size_t)(e->n - c->n - 1) * sizeof e->member[0]);
            e->n--;
        } else {
            if (e->n < 2)
                return false;
            char tmp[NAME_LEN];
            int i = c->n % e->n, j = (c->n / e->n + 1 + i) % e->n;
            memcpy(tmp, e->member[i], NAME_LEN);
            memcpy(e->member[i], e->member[j], NAME_LEN);
            memcpy(e->member[j], tmp, NAME_LEN);
        }
        for (int i = 0; i < s->nm; i++)
            for (int k = 0; k < s->m[i].nf; k++)
                if (s->m[i].f[k].type == T_ENUM && s->m[i].f[k].enum_id == e->id)
                    fit_default(s, &s->m[i].f[k]);
        return true;
    }
    if (c->kind == C_ADD_COMPOSITE || c->kind == C_DROP_COMPOSITE || c->kind == C_ADD_INVERSE ||
        c->kind == C_DROP_INVERSE || c->kind == C_ADD_ASSOC) {
        if (!(m = rd_model(s, c->target)))
            return false;
        switch (c->kind) {
        case C_ADD_COMPOSITE: {
            if (m->nc >= MAX_COMPOSITES)
                return false;
            struct rd_field *ff;
            struct rd_assoc *aa;
            for (int j = 0; j < c->comp.n; j++)
                if (owner_of(s, c->comp.col[j], &ff, &aa) != m || !composable(m, c->comp.col[j]))
                    return false;
            m->c[m->nc++] = c->comp;
            return true;
        }
        case C_DROP_COMPOSITE:
            if (c->n >= m->nc)
                return false;
            m->c[c->n] = m->c[--m->nc];
            return true;
        case C_ADD_INVERSE: {
            if (m->ni >= MAX_INVERSES || used_column(m, c->inv.name) || !rd_model(s, c->inv.target))
                return false;
            const struct rd_model *t = rd_model(s, c->inv.target);
            if (c->inv.kind == INV_THROUGH) {
                const struct rd_model *j = rd_model(s, c->inv.through);
                bool to_self = false, to_target = false;
                for (int k = 0; j && k < j->na; k++) {
                    to_self |= j->a[k].target == m->id;
                    to_target |= j->a[k].target == t->id;
                }
                if (!to_self || !to_target || m->id == t->id)
                    return false;
            } else {
                const struct rd_assoc *by = rd_assoc_c(t, c->inv.by);
                if (!by || by->target != m->id)
                    return false;
            }
            m->inv[m->ni++] = c->inv;
            return true;
        }
        case C_DROP_INVERSE:
            if (c->n >= m->ni)
                return false;
            m->inv[c->n] = m->inv[--m->ni];
            return true;
        case C_ADD_ASSOC:
            if (m->na >= MAX_ASSOCS || !rd_model(s, c->assoc.target))
                return false;
            {
                char col[NAME_LEN];
                if (used_column(m, c->assoc.name) || used_column(m, rd_assoc_column(&c->assoc, col)))
                    return false;
            }
            m->a[m->na++] = c->assoc;
            return true;
        default:
            return false;
        }
    }
    if (!(m = owner_of(s, c->target, &f, &a)))
        return false;
    switch (c->kind) {
    case C_DROP_FIELD:
        if (!f)
            return false;
        rd_remove_field(s, m->id, f->id);
        return true;
    case C_RENAME_FIELD:
        /* into a name that is taken, but for one that only changes the field's case */
        if (!f || (used_column(m, c->name) && strcasecmp(c->name, f->name) != 0) ||
            strcmp(c->name, f->name) == 0 || !composable_name(f->was[0] ? f->was : f->name) ||
            !composable_name(c->name))
            return false;
        set_was(f->was, f->name, f->in_old);
        snprintf(f->name, NAME_LEN, "%s", c->name);
        return true;
    case C_RETYPE:
        if (!f || f->type == c->field.type || (c->field.type == T_ENUM && !enum_of(s, c->field.enum_id)))
            return false;
        f->type = c->field.type;
        f->enum_id = c->field.enum_id;
        f->def = c->field.def;
        if ((f->type == T_REAL || f->type == T_BOOL || f->type == T_BLOB) && f->unique)
            f->unique = false;
        if (f->type == T_BLOB) {
            f->index = false;
            remove_from_composites(m, f->id);
        }
        fit_default(s, f);
        return true;
    case C_NULLABLE:
        if (f) {
            if (f->nullable)
                return false;
            f->nullable = true;
            return true;
        }
        return false;
    case C_REQUIRED:
        if (!f || !f->nullable)
            return false;
        f->nullable = false;
        if (c->field.def.kind != D_NONE)
            f->def = c->field.def;
        fit_default(s, f);
        /* a field added to a table that exists must fill its rows */
        return f->in_old || !m->in_old || (f->def.kind != D_NONE && f->def.kind != D_NULL);
    case C_DEFAULT:
        if (!f)
            return false;
        f->def = c->field.def;
        fit_default(s, f);
        return f->in_old || !m->in_old || f->nullable || (f->def.kind != D_NONE && f->def.kind != D_NULL);
    case C_UNIQUE:
        if (!f)
            return false;
        if (f->type == T_BLOB)
            return false;
        if (c->n == 0) {
            f->unique = !f->unique && f->type != T_REAL && f->type != T_BOOL;
            if (f->unique)
                f->index = false;
        } else {
            f->index = !f->index && !f->unique;
        }
        return true;
    case C_INDEX:
        if (!f || f->unique || f->type == T_BLOB)
            return false;
        f->index = !f->index;
        return true;
    case C_DROP_ASSOC:
        if (!a || used_by_inverse(s, a->id) || joins_through(s, m->id))
            return false;
        rd_remove_assoc(s, m->id, a->id);
        return true;
    case C_RENAME_ASSOC: {
        char col[NAME_LEN];
        if (!a)
            return false;
        struct rd_assoc renamed = *a;
        snprintf(renamed.name, NAME_LEN, "%s", c->name);
        if (used_column(m, c->name) || (!a->fk[0] && used_column(m, rd_assoc_column(&renamed, col))))
            return false;
        set_was(a->was, a->name, a->in_old);
        snprintf(a->name, NAME_LEN, "%s", c->name);
        return true;
    }
    case C_FK_COLUMN:
        if (!a || (c->name[0] && used_column(m, c->name)))
            return false;
        snprintf(a->fk, NAME_LEN, "%s", c->name);
        return true;
    case C_RETARGET:
        if (!a || !rd_model(s, c->other) || used_by_inverse(s, a->id) || joins_through(s, m->id))
            return false;
        a->target = c->other;
        return true;
    case C_ACTIONS:
        if (!a || a->mode == M_NONE)
            return false;
        a->on_delete = (enum rd_action)(c->n % 5);
        a->on_update = (enum rd_action)(c->n / 5 % 5);
        if (a->on_delete == A_SET_NULL && !a->nullable)
            a->on_delete = A_CASCADE;
        if (a->on_update == A_SET_NULL && !a->nullable)
            a->on_update = A_NO_ACTION;
        return true;
    case C_MODE:
        if (!a)
            return false;
        a->mode = (enum rd_mode)(c->n % 4);
        if (a->mode == M_NONE)
            a->on_delete = a->on_update = A_UNSET;
        return true;
    case C_ASSOC_NULLABLE:
        if (!a || (!a->in_old && m->in_old && a->nullable))
            return false;
        a->nullable = !a->nullable;
        if (!a->nullable && (a->on_delete == A_SET_NULL || a->on_update == A_SET_NULL))
            a->on_delete = a->on_update = A_CASCADE;
        return true;
    default:
        return false;
    }
}

/* A name of the same kind, not taken. */
static void new_column_name(struct rd_model *m, char *out, struct rd_rng *g, bool assoc)
{
    if (assoc)
        fresh_name(out, assoc_names, (int)(sizeof assoc_names / sizeof *assoc_names), g,
                   column_taken, m);
    else
        fresh_name(out, field_names, (int)(sizeof field_names / sizeof *field_names), g,
                   column_taken, m);
}

bool rd_random_change(struct rd_schema *s, struct rd_change *c, struct rd_rng *g)
{
    for (int tries = 0; tries < 50; tries++) {
        memset(c, 0, sizeof *c);
        c->kind = (enum rd_change_kind)rd_below(g, C_KINDS);
        if (s->nm == 0)
            c->kind = C_ADD_MODEL;
        struct rd_model *m = s->nm ? &s->m[rd_below(g, s->nm)] : NULL;
        struct rd_field *f = m && m->nf ? &m->f[rd_below(g, m->nf)] : NULL;
        struct rd_assoc *a = m && m->na ? &m->a[rd_below(g, m->na)] : NULL;
        c->target = m ? m->id : 0;
        switch (c->kind) {
        case C_ADD_MODEL:
            random_model(s, &c->model, g);
            if (s->nm && rd_chance(g, 50) && c->model.na < MAX_ASSOCS) {
                random_assoc(s, &c->model, &c->model.a[c->model.na++], g, false);
            }
            break;
        case C_DROP_MODEL:
        case C_RENAME_TABLE:
            if (c->kind == C_RENAME_TABLE)
                snprintf(c->name, NAME_LEN, "%s", rd_chance(g, 30) ? "" : PICK(g, table_names));
            break;
        case C_RENAME_MODEL:
            fresh_name(c->name, model_names, (int)(sizeof model_names / sizeof *model_names), g,
                       model_taken, s);
            break;
        case C_ADD_FIELD:
            if (!m)
                continue;
            random_field(s, m, &c->field, g);
            if (!c->field.nullable && (c->field.def.kind == D_NONE || c->field.def.kind == D_NULL)) {
                /* a required field needs a default to fill the rows */
                if (rd_chance(g, 50))
                    c->field.nullable = true;
                else
                    random_default(s, &c->field, g);
                if (!c->field.nullable && (c->field.def.kind == D_NONE || c->field.def.kind == D_NULL))
                    c->field.nullable = true;
            }
            break;
        case C_DROP_FIELD:
        case C_NULLABLE:
        case C_INDEX:
            if (!f)
                continue;
            c->target = f->id;
            break;
        case C_RENAME_FIELD:
            if (!f)
                continue;
            c->target = f->id;
            if (rd_chance(g, 20) && m->nf >= 2) {
                /* into the name of another field, which goes or is renamed too */
                snprintf(c->name, NAME_LEN, "%s", m->f[rd_below(g, m->nf)].name);
            } else if (rd_chance(g, 10)) {
                /* the same name in another case: the same column to SQL */
                snprintf(c->name, NAME_LEN, "%s", f->name);
                c->name[0] = (char)(c->name[0] >= 'a' && c->name[0] <= 'z' ? c->name[0] - 32 : c->name[0] + 32);
            } else {
                new_column_name(m, c->name, g, false);
            }
            break;
        case C_RETYPE:
            if (!f)
                continue;
            c->target = f->id;
            c->field = *f;
            c->field.type = random_type(s, g);
            if (c->field.type == T_ENUM)
                c->field.enum_id = s->e[rd_below(g, s->ne)].id;
            if (rd_chance(g, 40))
                random_default(s, &c->field, g);
            break;
        case C_REQUIRED:
        case C_DEFAULT:
            if (!f)
                continue;
            c->target = f->id;
            c->field = *f;
            random_default(s, &c->field, g);
            break;
        case C_UNIQUE:
            if (!f)
                continue;
            c->target = f->id;
            c->n = rd_below(g, 2);
            break;
        case C_ADD_COMPOSITE: {
            if (!m || m->nf + m->na < 2)
                continue;
            int n = m->nf + m->na, x = rd_below(g, n), y = (x + 1 + rd_below(g, n - 1)) % n;
            c->comp.unique = rd_chance(g, 50);
            c->comp.n = 2;
            c->comp.col[0] = x < m->nf ? m->f[x].id : m->a[x - m->nf].id;
            c->comp.col[1] = y < m->nf ? m->f[y].id : m->a[y - m->nf].id;
            break;
        }
        case C_DROP_COMPOSITE:
            if (!m || !m->nc)
                continue;
            c->n = rd_below(g, m->nc);
            break;
        case C_ADD_ASSOC:
            if (!m)
                continue;
            random_assoc(s, m, &c->assoc, g, true);
            break;
        case C_DROP_ASSOC:
        case C_ASSOC_NULLABLE:
            if (!a)
                continue;
            c->target = a->id;
            break;
        case C_RENAME_ASSOC:
            if (!a)
                continue;
            c->target = a->id;
            new_column_name(m, c->name, g, true);
            break;
        case C_FK_COLUMN:
            if (!a)
                continue;
            c->target = a->id;
            if (!a->fk[0] || rd_chance(g, 50))
                snprintf(c->name, NAME_LEN, "%s_key", a->name);
            break;
        case C_RETARGET:
            if (!a)
                continue;
            c->target = a->id;
            c->other = s->m[rd_below(g, s->nm)].id;
            break;
        case C_ACTIONS:
        case C_MODE:
            if (!a)
                continue;
            c->target = a->id;
            c->n = rd_below(g, 25);
            break;
        case C_ENUM_ADD:
        case C_ENUM_DROP:
        case C_ENUM_REORDER:
            if (!s->ne)
                continue;
            c->target = s->e[rd_below(g, s->ne)].id;
            c->n = rd_below(g, 8);
            snprintf(c->name, NAME_LEN, "%s", PICK(g, member_names));
            break;
        case C_ADD_INVERSE: {
            if (!m)
                continue;
            c->inv.kind = rd_chance(g, 30) ? INV_HAS_ONE : INV_HAS_MANY;
            new_column_name(m, c->inv.name, g, true);
            /* a belongs_to of some model that points here */
            bool found = false;
            for (int i = 0; i < s->nm && !found; i++)
                for (int k = 0; k < s->m[i].na && !found; k++)
                    if (s->m[i].a[k].target == m->id && rd_chance(g, 60)) {
                        c->inv.target = s->m[i].id;
                        c->inv.by = s->m[i].a[k].id;
                        found = true;
                    }
            if (!found)
                continue;
            break;
        }
        case C_DROP_INVERSE:
            if (!m || !m->ni)
                continue;
            c->n = rd_below(g, m->ni);
            break;
        case C_KINDS:
            continue;
        }
        struct rd_schema *copy = malloc(sizeof *copy);
        *copy = *s;
        bool ok = rd_apply(copy, c);
        if (ok)
            *s = *copy;
        free(copy);
        if (ok)
            return true;
    }
    return false;
}

void rd_new_schema(const struct rd_case *k, struct rd_schema *out)
{
    *out = k->old;
    out->ngone = 0;
    for (int i = 0; i < out->nm; i++)
        out->m[i].ngone = 0;
    for (int i = 0; i < out->nm; i++) {
        out->m[i].was[0] = '\0';
        for (int j = 0; j < out->m[i].nf; j++)
            out->m[i].f[j].was[0] = '\0';
        for (int j = 0; j < out->m[i].na; j++)
            out->m[i].a[j].was[0] = '\0';
    }
    for (int i = 0; i < k->nchanges; i++)
        rd_apply(out, &k->ch[i]);
}

/* ---------------------------------------------------------------------- text -- */

static void put_string(struct buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++) {
        switch (*s) {
        case '\n': buf_puts(b, "\\n"); break;
        case '\t': buf_puts(b, "\\t"); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\'': buf_puts(b, "\\'"); break;
        default: buf_putc(b, *s); break;
        }
    }
    buf_putc(b, '\'');
}

static const char *type_word(const struct rd_schema *s, const struct rd_field *f)
{
    static const char *const words[] = {"int", "real", "text", "blob", "bool", "timestamp"};
    if (f->type == T_ENUM) {
        const struct rd_enum *e = rd_enum_c(s, f->enum_id);
        return e ? e->name : "int";
    }
    return words[f->type];
}

static const char *action_word(enum rd_action a)
{
    static const char *const words[] = {"", "cascade", "set_null", "restrict", "no_action"};
    return words[a];
}

static const char *column_name_of(const struct rd_model *m, int id, char *buf)
{
    const struct rd_field *f = rd_field_c(m, id);
    if (f)
        return f->name;
    const struct rd_assoc *a = rd_assoc_c(m, id);
    return a ? a->name : (snprintf(buf, NAME_LEN, "missing%d", id), buf);
}

char *rd_model_text(const struct rd_schema *s, bool with_was)
{
    struct buf b = {0};
    buf_puts(&b, "");
    for (int i = 0; i < s->ne; i++) {
        const struct rd_enum *e = &s->e[i];
        buf_printf(&b, "enum %s {", e->name);
        for (int k = 0; k < e->n; k++)
            buf_printf(&b, "%s %s", k ? "," : "", e->member[k]);
        buf_puts(&b, " }\n\n");
    }
    for (int i = 0; i < s->nm; i++) {
        const struct rd_model *m = &s->m[i];
        buf_printf(&b, "model %s", m->name);
        if (with_was && m->was[0])
            buf_printf(&b, " was %s", m->was);
        if (m->table[0])
            buf_printf(&b, " table %s", m->table);
        buf_puts(&b, " {\n");
        for (int k = 0; k < m->nf; k++) {
            const struct rd_field *f = &m->f[k];
            buf_printf(&b, "  %s %s%s", f->name, type_word(s, f), f->nullable ? "?" : "");
            if (f->unique)
                buf_puts(&b, " unique");
            if (f->index)
                buf_puts(&b, " index");
            switch (f->def.kind) {
            case D_NONE: break;
            case D_INT: buf_printf(&b, " default %lld", (long long)f->def.i); break;
            case D_REAL: buf_printf(&b, " default %s", f->def.text); break;
            case D_TEXT: buf_puts(&b, " default "); put_string(&b, f->def.text); break;
            case D_BOOL: buf_puts(&b, f->def.i ? " default true" : " default false"); break;
            case D_NULL: buf_puts(&b, " default null"); break;
            case D_NOW: buf_puts(&b, " default now"); break;
            case D_ENUM: buf_printf(&b, " default %s", f->def.text); break;
            }
            if (with_was && f->was[0])
                buf_printf(&b, " was %s", f->was);
            buf_puts(&b, "\n");
        }
        for (int k = 0; k < m->na; k++) {
            const struct rd_assoc *a = &m->a[k];
            const struct rd_model *t = rd_model_c(s, a->target);
            buf_printf(&b, "  belongs_to %s: %s%s", a->name, t ? t->name : "Missing",
                       a->nullable ? "?" : "");
            if (a->fk[0])
                buf_printf(&b, " fk %s", a->fk);
            if (a->on_delete)
                buf_printf(&b, " on_delete %s", action_word(a->on_delete));
            if (a->on_update)
                buf_printf(&b, " on_update %s", action_word(a->on_update));
            if (a->mode != M_AUTO) {
                static const char *const modes[] = {"auto", "deferred", "immediate", "none"};
                buf_printf(&b, " constraint %s", modes[a->mode]);
            }
            if (with_was && a->was[0])
                buf_printf(&b, " was %s", a->was);
            buf_puts(&b, "\n");
        }
        for (int k = 0; k < m->ni; k++) {
            const struct rd_inverse *v = &m->inv[k];
            const struct rd_model *t = rd_model_c(s, v->target);
            if (v->kind == INV_THROUGH) {
                const struct rd_model *j = rd_model_c(s, v->through);
                buf_printf(&b, "  has_many %s: %s through %s\n", v->name, t ? t->name : "Missing",
                           j ? j->name : "Missing");
            } else {
                const struct rd_assoc *by = t ? rd_assoc_c(t, v->by) : NULL;
                buf_printf(&b, "  %s %s: %s by %s\n", v->kind == INV_HAS_ONE ? "has_one" : "has_many",
                           v->name, t ? t->name : "Missing", by ? by->name : "missing");
            }
        }
        for (int k = 0; k < m->nc; k++) {
            const struct rd_composite *c = &m->c[k];
            char buf[NAME_LEN];
            buf_printf(&b, "  %s (", c->unique ? "unique" : "index");
            for (int j = 0; j < c->n; j++)
                buf_printf(&b, "%s%s", j ? ", " : "", column_name_of(m, c->col[j], buf));
            buf_puts(&b, ")\n");
        }
        buf_puts(&b, "}\n\n");
    }
    return b.data;
}

const char *rd_change_text(const struct rd_change *c, char *buf, size_t n)
{
    static const char *const names[] = {
        "add model", "drop model", "rename model", "rename table", "add field", "drop field",
        "rename field", "retype", "make nullable", "make required", "change default",
        "unique or index", "index", "add composite", "drop composite", "add association",
        "drop association", "rename association", "foreign key column", "retarget",
        "actions", "constraint mode", "association nullability", "enum member added",
        "enum member dropped", "enum members reordered", "add inverse", "drop inverse",
    };
    snprintf(buf, n, "%s (#%d%s%s)", names[c->kind], c->target, c->name[0] ? " " : "", c->name);
    return buf;
}
