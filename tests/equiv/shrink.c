/* randdiff: a failing pair made as small as it goes while it fails the same way, and the
   report of a run. */
#include "shrink.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --------------------------------------------------------------- the rows as SQL -- */

static void literal(struct buf *b, const struct rd_value *v, enum rd_type t, bool postgres)
{
    switch (v->kind) {
    case V_NULL:
    case V_NOW:
        buf_puts(b, "NULL");
        return;
    case V_INT:
        if (postgres && t == T_BOOL)
            buf_puts(b, v->i ? "true" : "false");
        else if (postgres && t == T_TIMESTAMP)
            buf_printf(b, "to_timestamp(%lld)", (long long)v->i);
        else
            buf_printf(b, "%lld", (long long)v->i);
        return;
    case V_REAL:
        if (isinf(v->r))
            buf_puts(b, postgres ? (v->r > 0 ? "'Infinity'" : "'-Infinity'")
                                 : (v->r > 0 ? "9e999" : "-9e999"));
        else
            buf_printf(b, "%.17g", v->r);
        return;
    case V_TEXT:
        buf_putc(b, '\'');
        for (int i = 0; i < v->len; i++) {
            if (v->s[i] == '\'')
                buf_putc(b, '\'');
            buf_putc(b, (char)v->s[i]);
        }
        buf_putc(b, '\'');
        return;
    case V_BLOB:
        buf_puts(b, postgres ? "'\\x" : "X'");
        for (int i = 0; i < v->len; i++)
            buf_printf(b, "%02x", v->s[i]);
        buf_putc(b, '\'');
        return;
    }
}

static void rows_sql(const struct rd_case *k, bool postgres, struct buf *b)
{
    char table[NAME_LEN], col[NAME_LEN];
    buf_puts(b, postgres ? "BEGIN;\nSET CONSTRAINTS ALL DEFERRED;\n" :
                           "PRAGMA foreign_keys = ON;\nBEGIN;\nPRAGMA defer_foreign_keys = ON;\n");
    for (int i = 0; i < k->old.nm; i++) {
        const struct rd_model *m = &k->old.m[i];
        const struct rd_table_rows *t = rd_rows_of_c(&k->rows, m->id);
        for (int r = 0; t && r < t->n; r++) {
            buf_printf(b, "INSERT INTO \"%s\" (id", rd_table(m, table));
            for (int c = 0; c < m->nf; c++)
                buf_printf(b, ", \"%s\"", m->f[c].name);
            for (int c = 0; c < m->na; c++)
                buf_printf(b, ", \"%s\"", rd_assoc_column(&m->a[c], col));
            buf_printf(b, ")%s VALUES (%lld", postgres ? " OVERRIDING SYSTEM VALUE" : "",
                       (long long)t->r[r].id);
            for (int c = 0; c < m->nf + m->na; c++) {
                int id = c < m->nf ? m->f[c].id : m->a[c - m->nf].id;
                const struct rd_value *v = rd_row_value(&t->r[r], id);
                struct rd_value null = {0};
                buf_puts(b, ", ");
                literal(b, v ? v : &null, c < m->nf ? m->f[c].type : T_INT, postgres);
            }
            buf_puts(b, ");\n");
        }
    }
    buf_puts(b, "COMMIT;\n");
}

/* ------------------------------------------------------------------ shrinking -- */

enum { MAX_TRIES = 600 };

static bool still_fails(const struct rd_case *k, const struct engine_ops *ops, enum rd_path stop,
                        const char *dir, enum rd_result want, int *tries)
{
    struct rd_outcome o;
    (*tries)++;
    rd_run_pair(k, ops, stop, dir, &o);
    buf_free(&o.detail);
    return o.result == want;
}

/* Tries the smaller cases one by one; returns whether one still failed (k is it then). */
static bool step(struct rd_case *k, const struct engine_ops *ops, enum rd_path stop, const char *dir,
                 enum rd_result want, int *tries)
{
    struct rd_case *c = malloc(sizeof *c);
    bool found = false;
#define TRY()                                                                     \
    do {                                                                          \
        if (*tries >= MAX_TRIES)                                                  \
            goto out;                                                             \
        if (still_fails(c, ops, stop, dir, want, tries)) {                        \
            *k = *c;                                                              \
            found = true;                                                         \
            goto out;                                                             \
        }                                                                         \
    } while (0)
    /* a change fewer */
    for (int i = k->nchanges - 1; i >= 0; i--) {
        *c = *k;
        memmove(&c->ch[i], &c->ch[i + 1], (size_t)(c->nchanges - i - 1) * sizeof c->ch[i]);
        c->nchanges--;
        TRY();
    }
    /* a model fewer, then a field, an association, a composite, an inverse */
    for (int i = k->old.nm - 1; i >= 0; i--) {
        *c = *k;
        rd_remove_model(&c->old, k->old.m[i].id);
        TRY();
    }
    for (int i = 0; i < k->old.nm; i++) {
        const struct rd_model *m = &k->old.m[i];
        for (int j = m->nf - 1; j >= 0; j--) {
            *c = *k;
            rd_remove_field(&c->old, m->id, m->f[j].id);
            TRY();
        }
        for (int j = m->na - 1; j >= 0; j--) {
            *c = *k;
            rd_remove_assoc(&c->old, m->id, m->a[j].id);
            TRY();
        }
        for (int j = m->nc - 1; j >= 0; j--) {
            *c = *k;
            struct rd_model *cm = rd_model(&c->old, m->id);
            cm->c[j] = cm->c[--cm->nc];
            TRY();
        }
        for (int j = m->ni - 1; j >= 0; j--) {
            *c = *k;
            struct rd_model *cm = rd_model(&c->old, m->id);
            cm->inv[j] = cm->inv[--cm->ni];
            TRY();
        }
    }
    /* an enum no field uses */
    for (int i = k->old.ne - 1; i >= 0; i--) {
        bool used = false;
        for (int m = 0; m < k->old.nm; m++)
            for (int j = 0; j < k->old.m[m].nf; j++)
                used |= k->old.m[m].f[j].type == T_ENUM && k->old.m[m].f[j].enum_id == k->old.e[i].id;
        if (used)
            continue;
        *c = *k;
        memmove(&c->old.e[i], &c->old.e[i + 1], (size_t)(c->old.ne - i - 1) * sizeof c->old.e[i]);
        c->old.ne--;
        TRY();
    }
    /* rows: a table's all, then one at a time; values made NULL */
    for (int t = 0; t < k->rows.nt; t++) {
        if (k->rows.t[t].n > 1) {
            *c = *k;
            c->rows.t[t].n = 0;
            TRY();
        }
        for (int r = k->rows.t[t].n - 1; r >= 0; r--) {
            *c = *k;
            struct rd_table_rows *tr = &c->rows.t[t];
            memmove(&tr->r[r], &tr->r[r + 1], (size_t)(tr->n - r - 1) * sizeof tr->r[r]);
            tr->n--;
            TRY();
        }
    }
    for (int t = 0; t < k->rows.nt; t++)
        for (int r = 0; r < k->rows.t[t].n; r++)
            for (int v = 0; v < k->rows.t[t].r[r].ncols; v++) {
                if (k->rows.t[t].r[r].v[v].kind == V_NULL)
                    continue;
                *c = *k;
                c->rows.t[t].r[r].v[v].kind = V_NULL;
                TRY();
            }
    /* defaults and flags made plain */
    for (int i = 0; i < k->old.nm; i++)
        for (int j = 0; j < k->old.m[i].nf; j++) {
            const struct rd_field *f = &k->old.m[i].f[j];
            if (f->def.kind != D_NONE) {
                *c = *k;
                c->old.m[i].f[j].def.kind = D_NONE;
                TRY();
            }
            if (f->unique || f->index) {
                *c = *k;
                c->old.m[i].f[j].unique = c->old.m[i].f[j].index = false;
                TRY();
            }
        }
#undef TRY
out:
    free(c);
    return found;
}

void rd_shrink(struct rd_case *k, const struct engine_ops *ops, enum rd_path stop, const char *dir,
               struct rd_outcome *o)
{
    enum rd_result want = o->result;
    int tries = 0;
    char scratch[700];
    snprintf(scratch, sizeof scratch, "%s.shrink", dir);
    while (tries < MAX_TRIES && step(k, ops, stop, scratch, want, &tries))
        ;
    char *argv[] = {"rm", "-rf", scratch, NULL};
    run_command(argv, NULL, NULL, NULL, NULL);
    /* the minimal pair, written out and run once more for its outcome */
    buf_free(&o->detail);
    rd_run_pair(k, ops, stop, dir, o);
    struct buf b = {0}, f = {0};
    char path[800];
    for (int pg = 0; pg < 2; pg++) {
        b.len = 0;
        rows_sql(k, pg, &b);
        snprintf(path, sizeof path, "%s/rows.%s.sql", dir, pg ? "postgres" : "sqlite");
        write_file(path, b.data, b.len);
    }
    buf_printf(&f, "seed %llu, %s, %s, after %d tries to shrink it\n%s: %s\nchanges:\n",
               (unsigned long long)k->seed, ops->name, rd_path_name(stop, ops), tries,
               rd_result_name(o->result), o->detail.data);
    for (int i = 0; i < k->nchanges; i++) {
        char text[200];
        buf_printf(&f, "  %s\n", rd_change_text(&k->ch[i], text, sizeof text));
    }
    snprintf(path, sizeof path, "%s/failure.txt", dir);
    write_file(path, f.data, f.len);
    buf_free(&b);
    buf_free(&f);
    buf_printf(&o->detail, "\n(shrunk in %d tries; the pair is in %s)", tries, dir);
}

/* -------------------------------------------------------------------- report -- */

int rd_report(const char *work, int jobs, bool tap, long seconds, uint64_t seed)
{
    struct vec lines = {0};
    for (int j = 0; j < jobs; j++) {
        char path[700];
        snprintf(path, sizeof path, "%s/job-%d.results", work, j);
        size_t len;
        char *text = read_file(path, &len);
        for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
            vec_push(&lines, xstrdup(line));
        free(text);
    }
    /* in pair order */
    for (size_t i = 1; i < lines.count; i++)
        for (size_t k = i; k > 0 && atol(lines.items[k - 1]) > atol(lines.items[k]); k--) {
            void *x = lines.items[k];
            lines.items[k] = lines.items[k - 1];
            lines.items[k - 1] = x;
        }
    struct {
        const char *name;
        long pairs, invalid, failed, migrated, refused, stop, on, program, apply;
    } per[2] = {{"sqlite", 0, 0, 0, 0, 0, 0, 0, 0, 0}, {"postgres", 0, 0, 0, 0, 0, 0, 0, 0, 0}};
    long by_result[RES_COUNT] = {0};
    int n = 0;
    for (size_t i = 0; i < lines.count; i++) {
        char *fields[7] = {0}, *p = lines.items[i];
        for (int f = 0; f < 7 && p; f++) {
            fields[f] = p;
            p = f < 6 ? strchr(p, '\t') : NULL;
            if (p)
                *p++ = '\0';
        }
        if (!fields[6])
            continue;
        int e = strcmp(fields[1], "postgres") == 0;
        enum rd_result r = (enum rd_result)atoi(fields[2]);
        int path = atoi(fields[5]);
        by_result[r]++;
        per[e].pairs++;
        per[e].invalid += r == RES_INVALID;
        per[e].failed += r != RES_OK && r != RES_INVALID;
        per[e].migrated += r == RES_OK && atoi(fields[3]);
        per[e].refused += r == RES_OK && atoi(fields[4]);
        per[e].stop += r != RES_INVALID && path == PATH_STOP;
        per[e].on += r != RES_INVALID && path == PATH_ON;
        per[e].program += r != RES_INVALID && path == PATH_MIGRATE;
        per[e].apply += r != RES_INVALID && path == PATH_APPLY;
        for (char *q = fields[6]; *q; q++)
            if (*q == '\x1f')
                *q = '\n';
        if (tap) {
            n++;
            if (r == RES_OK)
                printf("ok %d - pair %s on %s: %s\n", n, fields[0], fields[1],
                       atoi(fields[3]) ? "migrated, catalog and rows as they must be"
                                       : "failed as it must, nothing changed");
            else if (r == RES_INVALID)
                printf("ok %d - pair %s on %s # SKIP not a test: %.120s\n", n, fields[0], fields[1],
                       strtok(fields[6], "\n"));
            else
                printf("not ok %d - pair %s on %s: %s\n", n, fields[0], fields[1], rd_result_name(r));
        }
        if (r != RES_OK && r != RES_INVALID) {
            if (!tap)
                printf("FAILED pair %s on %s (seed %llu): %s\n", fields[0], fields[1],
                       (unsigned long long)seed, rd_result_name(r));
            for (char *line = strtok(fields[6], "\n"); line; line = strtok(NULL, "\n"))
                printf("#   %s\n", line);
        }
    }
    long failed = per[0].failed + per[1].failed;
    for (int e = 0; e < 2; e++) {
        if (!per[e].pairs)
            continue;
        printf("# %s: %ld pairs in %ld s: %ld tested (%ld migrated as they must, %ld failed as "
               "they must changing nothing; %ld run by the shell stopping at the first error, %ld "
               "going on after errors, %ld by modelgen apply, %ld by NAME_migrate), %ld not tests (a "
               "schema or rows that do not go in, a program that does not build), %ld failures\n",
               per[e].name, per[e].pairs, seconds, per[e].pairs - per[e].invalid, per[e].migrated,
               per[e].refused, per[e].stop, per[e].on, per[e].apply, per[e].program, per[e].invalid,
               per[e].failed);
    }
    for (int r = RES_REFUSAL; r < RES_COUNT; r++)
        if (by_result[r])
            printf("#   %ld %s\n", by_result[r], rd_result_name((enum rd_result)r));
    if (tap)
        printf("1..%d\n", n);
    for (size_t i = 0; i < lines.count; i++)
        free(lines.items[i]);
    vec_free(&lines);
    return failed ? 1 : 0;
}
