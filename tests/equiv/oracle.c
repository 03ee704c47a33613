/* randdiff: what a migration must do to OLD's rows, worked out from the two schemas alone
   (never from modelgen's diff): which rows it deletes, what each value becomes in NEW's
   type, and whether it must fail instead. The rules are README.md's: the retype table,
   rows NEW cannot hold deleted with their foreign keys acting as on a DELETE, and NEW's
   constraints holding at the end. */
#include "randdiff.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_TABLE_ROWS = MAX_ROWS };

/* ------------------------------------------------------------ the retype table -- */

/* Text and enums hold the same values. */
static enum rd_type text_class(enum rd_type t)
{
    return t == T_ENUM ? T_TEXT : t;
}

/* Whether a retype takes every value (as diff_retype_kind in gen/diff.c, written again). */
bool rd_retype_exact(enum rd_type from, enum rd_type to)
{
    from = text_class(from);
    switch (to) {
    case T_TEXT:
        return from != T_REAL && from != T_BLOB;
    case T_BLOB:
        return from != T_REAL;
    case T_INT:
    case T_REAL:
        return from == T_BOOL || from == T_TIMESTAMP;
    case T_TIMESTAMP:
        return from == T_BOOL;
    default:
        return false;
    }
}

static void text_value(struct rd_value *v, const char *s, int len)
{
    memset(v, 0, sizeof *v);
    v->kind = V_TEXT;
    v->len = len < TEXT_LEN ? len : TEXT_LEN;
    memcpy(v->s, s, (size_t)v->len);
}

/* A real's text: its %.15g form, 0 for either zero, Infinity for the infinities. */
static void real_text(double r, char *buf, size_t n)
{
    if (r == 0)
        snprintf(buf, n, "0");
    else if (isinf(r))
        snprintf(buf, n, r > 0 ? "Infinity" : "-Infinity");
    else
        snprintf(buf, n, "%.15g", r);
}

/* Whether bytes are a C string (no NUL). */
static bool no_nul(const struct rd_value *v)
{
    return memchr(v->s, 0, (size_t)v->len) == NULL;
}

static bool utf8_text(const struct rd_value *v)
{
    const unsigned char *p = v->s, *end = v->s + v->len;
    while (p < end) {
        unsigned c = *p++;
        int need;
        unsigned lo = 0x80, hi = 0xbf;
        if (c == 0)
            return false;
        if (c < 0x80)
            continue;
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0)
                lo = 0xa0;
            if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0)
                lo = 0x90;
            if (c == 0xf4)
                hi = 0x8f;
        } else
            return false;
        for (int k = 0; k < need; k++, lo = 0x80, hi = 0xbf) {
            if (p >= end || *p < lo || *p > hi)
                return false;
            p++;
        }
    }
    return true;
}

/* The canonical text of an integer ("42", "-7"): the integer, or false. */
static bool canonical_int(const struct rd_value *v, int64_t *out)
{
    char buf[40];
    if (v->len == 0 || v->len > 20 || !no_nul(v))
        return false;
    memcpy(buf, v->s, (size_t)v->len);
    buf[v->len] = '\0';
    errno = 0;
    char *end;
    long long x = strtoll(buf, &end, 10);
    if (errno || *end)
        return false;
    char back[40];
    snprintf(back, sizeof back, "%lld", x);
    if (strcmp(back, buf) != 0)
        return false;
    *out = x;
    return true;
}

static bool canonical_real(const struct rd_value *v, double *out)
{
    char buf[TEXT_LEN + 1], back[64];
    if (v->len == 0 || !no_nul(v))
        return false;
    memcpy(buf, v->s, (size_t)v->len);
    buf[v->len] = '\0';
    double r = strtod(buf, NULL);
    if (!isfinite(r))
        return false;
    real_text(r, back, sizeof back);
    if (strcmp(back, buf) != 0)
        return false;
    *out = r;
    return true;
}

static bool in_range_seconds(int64_t s)
{
    return s >= -210866803200 && s <= 9224318015999;
}

/* Converts a non-NULL value of type `from` to type `to` (not an enum: text for it).
   Returns false when the value has none (the check fails). */
static bool convert(enum rd_type from, enum rd_type to, const struct rd_value *in,
                    struct rd_value *out)
{
    char buf[64];
    memset(out, 0, sizeof *out);
    from = text_class(from);
    if (to == T_ENUM)
        to = T_TEXT;
    if (from == to) {
        *out = *in;
        return true;
    }
    if (from == T_BLOB && to != T_TEXT) {
        if (!no_nul(in))
            return false;
        struct rd_value t = *in;
        t.kind = V_TEXT;
        return convert(T_TEXT, to, &t, out);
    }
    switch (from) {
    case T_INT:
    case T_TIMESTAMP:
    case T_BOOL: {
        int64_t i = in->i;
        switch (to) {
        case T_INT:
        case T_TIMESTAMP:
            if (to == T_TIMESTAMP && from == T_INT && !in_range_seconds(i))
                return false;
            out->kind = V_INT;
            out->i = i;
            return true;
        case T_REAL: {
            double d = (double)i;
            if (from == T_INT && (d >= 9223372036854775808.0 || (int64_t)d != i))
                return false;
            out->kind = V_REAL;
            out->r = d;
            return true;
        }
        case T_TEXT:
        case T_BLOB:
            if (from == T_BOOL)
                snprintf(buf, sizeof buf, "%s", i ? "true" : "false");
            else
                snprintf(buf, sizeof buf, "%lld", (long long)i);
            text_value(out, buf, (int)strlen(buf));
            out->kind = to == T_BLOB ? V_BLOB : V_TEXT;
            return true;
        case T_BOOL:
            if (i != 0 && i != 1)
                return false;
            out->kind = V_INT;
            out->i = i;
            return true;
        default:
            return false;
        }
    }
    case T_REAL: {
        double r = in->r;
        switch (to) {
        case T_INT:
        case T_TIMESTAMP:
            if (!isfinite(r) || r != trunc(r) || r < -9223372036854775808.0 ||
                r >= 9223372036854775808.0)
                return false;
            if (to == T_TIMESTAMP && !in_range_seconds((int64_t)r))
                return false;
            out->kind = V_INT;
            out->i = (int64_t)r;
            return true;
        case T_TEXT:
        case T_BLOB:
            real_text(r, buf, sizeof buf);
            if (!isfinite(r) || strtod(buf, NULL) != r)
                return false;
            text_value(out, buf, (int)strlen(buf));
            out->kind = to == T_BLOB ? V_BLOB : V_TEXT;
            return true;
        case T_BOOL:
            if (r != 0 && r != 1)
                return false;
            out->kind = V_INT;
            out->i = r == 1;
            return true;
        default:
            return false;
        }
    }
    case T_TEXT: {
        int64_t i;
        double r;
        switch (to) {
        case T_INT:
        case T_TIMESTAMP:
            if (!canonical_int(in, &i) || (to == T_TIMESTAMP && !in_range_seconds(i)))
                return false;
            out->kind = V_INT;
            out->i = i;
            return true;
        case T_REAL:
            if (!canonical_real(in, &r))
                return false;
            out->kind = V_REAL;
            out->r = r;
            return true;
        case T_BLOB:
            *out = *in;
            out->kind = V_BLOB;
            return true;
        case T_BOOL:
            if (in->len == 4 && memcmp(in->s, "true", 4) == 0)
                out->i = 1;
            else if (in->len == 5 && memcmp(in->s, "false", 5) == 0)
                out->i = 0;
            else
                return false;
            out->kind = V_INT;
            return true;
        default:
            return false;
        }
    }
    case T_BLOB:    /* to text */
        if (!utf8_text(in))
            return false;
        *out = *in;
        out->kind = V_TEXT;
        return true;
    default:
        return false;
    }
}

/* The text an enum column takes from a value of type `from`, for the members test; no
   check applies (what has no member is replaced). */
static void enum_text(enum rd_type from, const struct rd_value *in, struct rd_value *out)
{
    char buf[64];
    from = text_class(from);
    switch (from) {
    case T_REAL:
        real_text(in->r, buf, sizeof buf);
        text_value(out, buf, (int)strlen(buf));
        return;
    case T_INT:
    case T_TIMESTAMP:
    case T_BOOL:
        convert(from, T_TEXT, in, out);
        return;
    default:
        *out = *in;
        out->kind = V_TEXT;
        return;
    }
}

static bool is_member(const struct rd_enum *e, const struct rd_value *v)
{
    for (int i = 0; e && i < e->n; i++)
        if ((int)strlen(e->member[i]) == v->len && memcmp(e->member[i], v->s, (size_t)v->len) == 0)
            return true;
    return false;
}

static bool fills(const struct rd_field *f)
{
    return f->def.kind != D_NONE && f->def.kind != D_NULL;
}

/* ------------------------------------------------------------- destructive -- */

static const struct rd_model *old_model_of(const struct rd_schema *old_s, int id)
{
    return rd_model_c(old_s, id);
}

bool rd_destructive(const struct rd_schema *old_s, const struct rd_schema *new_s)
{
    for (int i = 0; i < old_s->nm; i++) {
        const struct rd_model *om = &old_s->m[i], *nm = rd_model_c(new_s, om->id);
        if (!nm)
            return true;
        for (int k = 0; k < om->nf; k++) {
            const struct rd_field *of = &om->f[k], *nf = rd_field_c(nm, of->id);
            if (!nf)
                return true;
            if (of->nullable && !nf->nullable && !fills(nf))
                return true;
            if (nf->type == T_ENUM && of->type != T_ENUM)
                return true;
            if (nf->type == T_ENUM && of->type == T_ENUM) {
                const struct rd_enum *oe = rd_enum_c(old_s, of->enum_id);
                const struct rd_enum *ne = rd_enum_c(new_s, nf->enum_id);
                for (int j = 0; oe && j < oe->n; j++) {
                    struct rd_value v;
                    text_value(&v, oe->member[j], (int)strlen(oe->member[j]));
                    if (!is_member(ne, &v))
                        return true;
                }
            }
        }
        for (int k = 0; k < om->na; k++) {
            const struct rd_assoc *oa = &om->a[k], *na = rd_assoc_c(nm, oa->id);
            if (!na || (oa->nullable && !na->nullable))
                return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------ the rows -- */

struct work {
    const struct rd_schema *old_s, *new_s;
    const struct rd_rows *old;
    bool doomed[MAX_MODELS][MAX_TABLE_ROWS];
    struct rd_expect *e;
};

static int table_index(const struct rd_rows *rows, int model)
{
    for (int i = 0; i < rows->nt; i++)
        if (rows->t[i].model == model)
            return i;
    return -1;
}

static void fail(struct work *w, const char *fmt, const char *a, const char *b, long long n)
{
    if (w->e->fails)
        return;
    w->e->fails = true;
    snprintf(w->e->why, sizeof w->e->why, fmt, a, b, n);
}

/* The NEW value a non-NULL OLD value of field of gets in nf; sets *doomed when the row
   cannot be kept, returns false when a check fails. */
static bool new_value(struct work *w, const struct rd_field *of, const struct rd_field *nf,
                      const struct rd_value *in, struct rd_value *out, bool *doomed)
{
    *doomed = false;
    if (in->kind == V_NULL) {
        memset(out, 0, sizeof *out);
    } else if (nf->type == T_ENUM) {
        struct rd_value t;
        if (of->type == T_ENUM)
            t = *in;
        else
            enum_text(of->type, in, &t);
        if (is_member(rd_enum_c(w->new_s, nf->enum_id), &t)) {
            *out = t;
        } else if (fills(nf)) {
            rd_default_value(nf, out);
        } else if (nf->nullable) {
            memset(out, 0, sizeof *out);
        } else {
            *doomed = true;
            return true;
        }
    } else if (of->type != nf->type && !convert(of->type, nf->type, in, out)) {
        return false;
    } else if (of->type == nf->type) {
        *out = *in;
    }
    if (out->kind == V_NULL && !nf->nullable) {
        if (fills(nf))
            rd_default_value(nf, out);
        else
            *doomed = true;
    }
    return true;
}

void rd_oracle(const struct rd_schema *old_s, const struct rd_schema *new_s,
               const struct rd_rows *old, struct rd_expect *e)
{
    struct work *w = calloc(1, sizeof *w);
    w->old_s = old_s;
    w->new_s = new_s;
    w->old = old;
    w->e = e;
    memset(e, 0, sizeof *e);
    char t1[NAME_LEN], t2[NAME_LEN];

    /* 1. checked retypes, over every OLD row; 2. the rows NEW cannot hold */
    for (int ti = 0; ti < old->nt; ti++) {
        const struct rd_table_rows *t = &old->t[ti];
        const struct rd_model *om = old_model_of(old_s, t->model), *nm = rd_model_c(new_s, t->model);
        if (!om || !nm)
            continue;
        for (int r = 0; r < t->n; r++) {
            for (int k = 0; k < nm->nf; k++) {
                const struct rd_field *nf = &nm->f[k], *of = rd_field_c(om, nf->id);
                if (!of)
                    continue;
                const struct rd_value *in = rd_row_value(&t->r[r], of->id);
                struct rd_value out;
                bool doomed;
                if (!in)
                    continue;
                if (!new_value(w, of, nf, in, &out, &doomed))
                    fail(w, "a checked retype: %s.%s, row %lld", rd_table(nm, t1), nf->name,
                         (long long)t->r[r].id);
                w->doomed[ti][r] |= doomed;
            }
            for (int k = 0; k < nm->na; k++) {
                const struct rd_assoc *na = &nm->a[k], *oa = rd_assoc_c(om, na->id);
                const struct rd_value *in = oa ? rd_row_value(&t->r[r], oa->id) : NULL;
                if (oa && oa->nullable && !na->nullable && in && in->kind == V_NULL)
                    w->doomed[ti][r] = true;
            }
        }
    }
    if (e->fails) {
        free(w);
        return;
    }
    /* 3. the cascade, through OLD's enforced keys, to a fixed point */
    for (bool more = true; more;) {
        more = false;
        for (int ti = 0; ti < old->nt; ti++) {
            const struct rd_table_rows *t = &old->t[ti];
            const struct rd_model *om = old_model_of(old_s, t->model);
            for (int k = 0; om && k < om->na; k++) {
                const struct rd_assoc *a = &om->a[k];
                int pi = table_index(old, a->target);
                if (a->mode == M_NONE || a->on_delete != A_CASCADE || pi < 0)
                    continue;
                for (int r = 0; r < t->n; r++) {
                    const struct rd_value *v = rd_row_value(&t->r[r], a->id);
                    if (w->doomed[ti][r] || !v || v->kind != V_INT)
                        continue;
                    for (int p = 0; p < old->t[pi].n; p++)
                        if (w->doomed[pi][p] && old->t[pi].r[p].id == v->i)
                            more = w->doomed[ti][r] = true;
                }
            }
        }
    }
    /* 4. what is left refers to nothing deleted, but through set_null (cleared) */
    struct rd_rows *kept = calloc(1, sizeof *kept);
    *kept = *old;
    for (int ti = 0; ti < old->nt; ti++) {
        struct rd_table_rows *t = &kept->t[ti];
        const struct rd_model *om = old_model_of(old_s, t->model);
        for (int k = 0; om && k < om->na; k++) {
            const struct rd_assoc *a = &om->a[k];
            int pi = table_index(old, a->target);
            if (a->mode == M_NONE || pi < 0)
                continue;
            for (int r = 0; r < t->n; r++) {
                struct rd_value *v = (struct rd_value *)rd_row_value(&t->r[r], a->id);
                if (w->doomed[ti][r] || !v || v->kind != V_INT)
                    continue;
                for (int p = 0; p < old->t[pi].n; p++) {
                    if (!w->doomed[pi][p] || old->t[pi].r[p].id != v->i)
                        continue;
                    if (a->on_delete == A_SET_NULL)
                        v->kind = V_NULL;
                    else
                        fail(w, "%s row %s refers to a deleted row (restrict), id %lld",
                             rd_table(om, t1), "", (long long)t->r[r].id);
                }
            }
        }
    }
    if (e->fails) {
        free(kept);
        free(w);
        return;
    }
    /* 5. NEW's rows */
    struct rd_rows *out = &e->rows;
    for (int i = 0; i < new_s->nm; i++) {
        const struct rd_model *nm = &new_s->m[i], *om = old_model_of(old_s, nm->id);
        struct rd_table_rows *nt = &out->t[out->nt++];
        nt->model = nm->id;
        int ti = om ? table_index(kept, om->id) : -1;
        if (ti < 0)
            continue;
        const struct rd_table_rows *t = &kept->t[ti];
        for (int r = 0; r < t->n; r++) {
            if (w->doomed[ti][r])
                continue;
            struct rd_row *row = &nt->r[nt->n++];
            memset(row, 0, sizeof *row);
            row->id = t->r[r].id;
            for (int k = 0; k < nm->nf; k++) {
                const struct rd_field *nf = &nm->f[k], *of = rd_field_c(om, nf->id);
                struct rd_value *v = &row->v[row->ncols];
                row->col[row->ncols++] = nf->id;
                const struct rd_value *in = of ? rd_row_value(&t->r[r], of->id) : NULL;
                bool doomed;
                if (!of || !in)
                    rd_default_value(nf, v);
                else
                    new_value(w, of, nf, in, v, &doomed);
            }
            for (int k = 0; k < nm->na; k++) {
                const struct rd_assoc *na = &nm->a[k], *oa = rd_assoc_c(om, na->id);
                struct rd_value *v = &row->v[row->ncols];
                row->col[row->ncols++] = na->id;
                const struct rd_value *in = oa ? rd_row_value(&t->r[r], oa->id) : NULL;
                if (in)
                    *v = *in;
                else
                    memset(v, 0, sizeof *v);
            }
        }
    }
    /* 6. NEW's constraints hold, or the migration fails: NOT NULL (a key that set_null
       cleared, in a column NEW requires), unique, and the enforced keys */
    for (int i = 0; i < new_s->nm; i++) {
        const struct rd_model *nm = &new_s->m[i];
        const struct rd_table_rows *t = rd_rows_of_c(out, nm->id);
        for (int r = 0; r < t->n; r++)
            for (int k = 0; k < nm->na; k++) {
                const struct rd_value *v = rd_row_value(&t->r[r], nm->a[k].id);
                if (!nm->a[k].nullable && (!v || v->kind == V_NULL))
                    fail(w, "%s.%s is required, and NULL in row %lld", rd_table(nm, t1),
                         nm->a[k].name, (long long)t->r[r].id);
            }
        int cols[MAX_FIELDS + MAX_COMPOSITES][4], ncols[MAX_FIELDS + MAX_COMPOSITES], nsets = 0;
        for (int k = 0; k < nm->nf; k++)
            if (nm->f[k].unique) {
                cols[nsets][0] = nm->f[k].id;
                ncols[nsets++] = 1;
            }
        for (int k = 0; k < nm->nc; k++)
            if (nm->c[k].unique) {
                memcpy(cols[nsets], nm->c[k].col, sizeof cols[0]);
                ncols[nsets++] = nm->c[k].n;
            }
        for (int u = 0; u < nsets; u++)
            for (int a = 0; a < t->n; a++)
                for (int b = 0; b < a; b++) {
                    bool same = true;
                    for (int c = 0; c < ncols[u] && same; c++) {
                        const struct rd_value *x = rd_row_value(&t->r[a], cols[u][c]);
                        const struct rd_value *y = rd_row_value(&t->r[b], cols[u][c]);
                        same = x && y && x->kind != V_NULL && y->kind != V_NULL &&
                               (x->kind == V_NOW || y->kind == V_NOW ? x->kind == y->kind
                                                                     : rd_same_value(x, y));
                    }
                    if (same)
                        fail(w, "a unique constraint of %s%s, row %lld", rd_table(nm, t1), "",
                             (long long)t->r[a].id);
                }
        for (int k = 0; k < nm->na; k++) {
            const struct rd_assoc *a = &nm->a[k];
            const struct rd_model *target = rd_model_c(new_s, a->target);
            const struct rd_table_rows *tt = target ? rd_rows_of_c(out, target->id) : NULL;
            if (a->mode == M_NONE || !tt)
                continue;
            for (int r = 0; r < t->n; r++) {
                const struct rd_value *v = rd_row_value(&t->r[r], a->id);
                bool found = !v || v->kind != V_INT;
                for (int p = 0; !found && p < tt->n; p++)
                    found = tt->r[p].id == v->i;
                if (!found)
                    fail(w, "a foreign key of %s to %s, row %lld", rd_table(nm, t1),
                         rd_table(target, t2), (long long)t->r[r].id);
            }
        }
    }
    free(kept);
    free(w);
}
