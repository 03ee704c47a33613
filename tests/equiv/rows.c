/* randdiff: random rows that stress every type (2^53 + 1, 2^63 - 1, -0.0, 1e308,
   subnormals, empty and long strings, strings that look like numbers, bytes that are no
   UTF-8) and keep every key, unique constraint and CHECK of their schema. */
#include "randdiff.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PICK(g, a) ((a)[rd_below((g), (int)(sizeof (a) / sizeof (a)[0]))])

static const int64_t ints[] = {
    0, 1, -1, 2, 3, 7, 42, 100, -42, 2147483648, 9007199254740992, 9007199254740993,
    INT64_MAX, INT64_MIN, 1700000000, 9224318015999, 9224318016000, -210866803200,
};
static const double reals[] = {
    0.0, -0.0, 0.5, 0.1, 0.30000000000000004, 42.0, 2.0, -3.0, 2.75, 1e308, -1e308,
    4.9406564584124654e-324, 2.2250738585072014e-308, 1e-5, 1e15, 123456789012345.0,
    1152921504606846976.0, 1.0, 9.2233720368547758e18, -9.2233720368547758e18, 1e20,
    1700000000.0, 9224318015999.0,
};
static const char *const texts[] = {
    "", "x", "it's", "line\nnext", "-- c", "/* c", "*/", "$$", "\\", "caf\xc3\xa9",
    "42", "-7", "007", " 1", "0", "1", "0.5", "1.50", "1e+20", "1e20", "true", "false",
    "1700000000", "9223372036854775808", "-0", "Infinity", "red", "blue", "leaf", "a",
    "\xf0\x9f\x8e\x89", "tab\there",
};
static const char *const blobs[] = {
    "", "\x00", "\xff", "\x00\xff", "\xc3\xa9", "42", "true", "-7", "\x80", "\xed\xa0\x80",
    "\xf4\x90\x80\x80", "\xc0\x80", "\xe0\x80\x80", "ok", "\xf0\x9f\x8e\x89", "1e+20",
    "0.5", "false",
};
static const size_t blob_len[] = {0, 1, 1, 2, 2, 2, 4, 2, 1, 3, 4, 2, 3, 2, 4, 5, 3, 5};
static const int64_t seconds[] = {0, 1, -1, 1700000000, -210866803200, 9224318015999, 86400};

static void set_text(struct rd_value *v, const char *s, int len)
{
    v->kind = V_TEXT;
    v->len = len;
    memcpy(v->s, s, (size_t)len);
}

static void random_value(const struct rd_schema *s, const struct rd_field *f,
                         struct rd_value *v, struct rd_rng *g)
{
    memset(v, 0, sizeof *v);
    if (f->nullable && rd_chance(g, 20))
        return;
    bool plain = rd_chance(g, 55);      /* the values most rows hold */
    switch (f->type) {
    case T_INT:
        v->kind = V_INT;
        v->i = plain ? rd_below(g, 10) : PICK(g, ints);
        break;
    case T_REAL:
        v->kind = V_REAL;
        v->r = plain ? rd_below(g, 20) / 4.0 : rd_chance(g, 8) ? (rd_chance(g, 50) ? INFINITY : -INFINITY)
                                                               : PICK(g, reals);
        break;
    case T_TEXT:
        if (rd_chance(g, 5)) {
            char long_text[TEXT_LEN];
            int n = 200 + rd_below(g, 80);
            for (int i = 0; i < n; i++)
                long_text[i] = (char)('a' + i % 26);
            set_text(v, long_text, n);
        } else {
            const char *t = plain ? (rd_chance(g, 50) ? "x" : "42") : PICK(g, texts);
            set_text(v, t, (int)strlen(t));
        }
        break;
    case T_BLOB: {
        int k = rd_below(g, (int)(sizeof blobs / sizeof *blobs));
        v->kind = V_BLOB;
        v->len = (int)blob_len[k];
        memcpy(v->s, blobs[k], blob_len[k]);
        break;
    }
    case T_BOOL:
        v->kind = V_INT;
        v->i = rd_below(g, 2);
        break;
    case T_TIMESTAMP:
        v->kind = V_INT;
        v->i = plain ? 1700000000 + rd_below(g, 1000) : PICK(g, seconds);
        break;
    case T_ENUM: {
        const struct rd_enum *e = rd_enum_c(s, f->enum_id);
        if (e && e->n) {
            const char *t = e->member[rd_below(g, e->n)];
            set_text(v, t, (int)strlen(t));
        }
        break;
    }
    case T_COUNT:
        break;
    }
}

bool rd_same_value(const struct rd_value *a, const struct rd_value *b)
{
    if (a->kind == V_NOW || b->kind == V_NOW) {   /* any time: whole seconds, or now()'s */
        enum rd_value_kind k = (a->kind == V_NOW ? b : a)->kind;
        return k == V_INT || k == V_REAL || k == V_NOW;
    }
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case V_NULL:
        return true;
    case V_INT:
        return a->i == b->i;
    case V_REAL:
        /* the same double: bit for bit, but for the sign of zero, which SQLite's REAL
           column does not keep (it stores 0.0 and -0.0 as the integer 0) */
        return a->r == b->r || (isnan(a->r) && isnan(b->r));
    default:
        return a->len == b->len && memcmp(a->s, b->s, (size_t)a->len) == 0;
    }
}

void rd_value_text(const struct rd_value *v, char *buf, size_t n)
{
    switch (v->kind) {
    case V_NULL: snprintf(buf, n, "NULL"); return;
    case V_NOW: snprintf(buf, n, "(now)"); return;
    case V_INT: snprintf(buf, n, "%lld", (long long)v->i); return;
    case V_REAL: snprintf(buf, n, "%.17g", v->r); return;
    default: break;
    }
    size_t at = 0;
    at += (size_t)snprintf(buf, n, v->kind == V_BLOB ? "x'" : "'");
    for (int i = 0; i < v->len && at + 5 < n; i++) {
        unsigned char c = v->s[i];
        if (v->kind == V_BLOB)
            at += (size_t)snprintf(buf + at, n - at, "%02x", c);
        else if (c < 0x20 || c == '\\')
            at += (size_t)snprintf(buf + at, n - at, "\\x%02x", c);
        else
            buf[at++] = (char)c;
    }
    if (at + 2 < n) {
        buf[at++] = '\'';
        buf[at] = '\0';
    }
}

void rd_default_value(const struct rd_field *f, struct rd_value *v)
{
    memset(v, 0, sizeof *v);
    switch (f->def.kind) {
    case D_NONE:
    case D_NULL:
        return;
    case D_INT:
    case D_BOOL:
        v->kind = V_INT;
        v->i = f->def.i;
        return;
    case D_REAL:
        v->kind = V_REAL;
        v->r = strtod(f->def.text, NULL);
        return;
    case D_TEXT:
    case D_ENUM:
        set_text(v, f->def.text, (int)strlen(f->def.text));
        return;
    case D_NOW:
        v->kind = V_NOW;
        return;
    }
}

struct rd_table_rows *rd_rows_of(struct rd_rows *rows, int model)
{
    for (int i = 0; i < rows->nt; i++)
        if (rows->t[i].model == model)
            return &rows->t[i];
    return NULL;
}

const struct rd_table_rows *rd_rows_of_c(const struct rd_rows *rows, int model)
{
    return rd_rows_of((struct rd_rows *)rows, model);
}

const struct rd_value *rd_row_value(const struct rd_row *r, int col)
{
    for (int i = 0; i < r->ncols; i++)
        if (r->col[i] == col)
            return &r->v[i];
    return NULL;
}

static struct rd_value *slot(struct rd_row *r, int col)
{
    for (int i = 0; i < r->ncols; i++)
        if (r->col[i] == col)
            return &r->v[i];
    r->col[r->ncols] = col;
    memset(&r->v[r->ncols], 0, sizeof r->v[0]);
    return &r->v[r->ncols++];
}

/* Whether row k's values of the columns cols collide with an earlier row's (NULLs never do). */
static bool collides(const struct rd_table_rows *t, int k, const int *cols, int ncols)
{
    for (int j = 0; j < k; j++) {
        bool same = true;
        for (int c = 0; c < ncols && same; c++) {
            const struct rd_value *a = rd_row_value(&t->r[k], cols[c]);
            const struct rd_value *b = rd_row_value(&t->r[j], cols[c]);
            if (!a || !b || a->kind == V_NULL || b->kind == V_NULL)
                same = false;
            else
                same = rd_same_value(a, b);
        }
        if (same)
            return true;
    }
    return false;
}

/* Whether a model is the target of a required key (its table must have a row). */
static bool needed(const struct rd_schema *s, int id)
{
    for (int i = 0; i < s->nm; i++)
        for (int k = 0; k < s->m[i].na; k++)
            if (s->m[i].a[k].target == id && !s->m[i].a[k].nullable)
                return true;
    return false;
}

void rd_random_rows(const struct rd_schema *s, struct rd_rows *rows, struct rd_rng *g)
{
    memset(rows, 0, sizeof *rows);
    bool stress = rd_chance(g, 20);
    for (int i = 0; i < s->nm; i++) {
        struct rd_table_rows *t = &rows->t[rows->nt++];
        t->model = s->m[i].id;
        t->n = rd_below(g, stress ? MAX_ROWS + 1 : 6);
        if (needed(s, t->model) && t->n == 0)
            t->n = 1;
        int64_t next = 1;
        for (int k = 0; k < t->n; k++) {
            /* ids in order (a self-reference refers back), now and then large */
            next += rd_chance(g, 10) ? (int64_t)1 << (20 + rd_below(g, 30)) : 1 + rd_below(g, 2);
            t->r[k].id = next;
        }
    }
    for (int i = 0; i < s->nm; i++) {
        const struct rd_model *m = &s->m[i];
        struct rd_table_rows *t = rd_rows_of(rows, m->id);
        for (int k = 0; k < t->n; k++) {
            struct rd_row *r = &t->r[k];
            for (int tries = 0; tries < 30; tries++) {
                for (int j = 0; j < m->nf; j++)
                    random_value(s, &m->f[j], slot(r, m->f[j].id), g);
                for (int j = 0; j < m->na; j++) {
                    const struct rd_assoc *a = &m->a[j];
                    struct rd_value *v = slot(r, a->id);
                    const struct rd_table_rows *target = rd_rows_of(rows, a->target);
                    memset(v, 0, sizeof *v);
                    int n = target ? target->n : 0;
                    if (a->target == m->id)
                        n = k + 1;      /* itself or an earlier row */
                    if (a->nullable && (n == 0 || rd_chance(g, 30)))
                        continue;
                    v->kind = V_INT;
                    if (a->mode == M_NONE && rd_chance(g, 25))
                        v->i = 999999;  /* dangling: nothing stops it */
                    else
                        v->i = n ? target->r[rd_below(g, n)].id : 1;
                }
                bool ok = true;
                for (int j = 0; j < m->nf && ok; j++)
                    if (m->f[j].unique)
                        ok = !collides(t, k, &m->f[j].id, 1);
                for (int j = 0; j < m->nc && ok; j++)
                    if (m->c[j].unique)
                        ok = !collides(t, k, m->c[j].col, m->c[j].n);
                if (ok)
                    break;
                if (tries == 29) {      /* give up on this row */
                    t->n = k;
                    break;
                }
            }
        }
    }
    /* required keys into a table left empty point nowhere: such schemas are skipped */
}
