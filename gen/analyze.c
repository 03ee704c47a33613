/* Glue between the checked schema and the graph algorithm in cycles.c: tables become nodes,
   belongs_to keys edges; the decisions come back as each assoc's defer and cycle. */
#include "analyze.h"

#include <string.h>

#include "cycles.h"
#include "util.h"

enum {
    CYCLE_SHOWN = 8,        /* tables a cycle_text spells out in full */
    KEYS_SHOWN = 4,         /* keys a required-cycle warning lists */
    NOTES_SHOWN = 4,        /* notes after an unbreakable-cycle error */
};

const char *cycle_text(struct model *const *cycle, size_t len, struct arena *a)
{
    struct buf b = {0};
    for (size_t i = 0; i < len; i++) {
        if (len > CYCLE_SHOWN && i == CYCLE_SHOWN - 2) {
            buf_puts(&b, "... -> ");
            i = len - 1;
        }
        buf_printf(&b, "%s -> ", cycle[i]->table);
    }
    if (len)
        buf_puts(&b, cycle[0]->table);
    if (len > CYCLE_SHOWN)
        buf_printf(&b, " (%zu tables)", len);
    const char *s = arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *defer_reason_text(const struct assoc *as, struct arena *a)
{
    switch (as->defer) {
    case DEFER_NOT:
        break;
    case DEFER_DECLARED:
        return "declared 'constraint deferred'";
    case DEFER_REQUIRED_CYCLE:
        return arena_printf(a, "on the cycle of required keys %s; its rows are inserted in "
                            "one transaction", cycle_text(as->cycle, as->cycle_len, a));
    case DEFER_BREAKS_CYCLE:
        return arena_printf(a, "breaks the cycle %s", cycle_text(as->cycle, as->cycle_len, a));
    }
    return "not deferred";
}

/* The graph handed to cycles.c, each edge remembering the belongs_to it came from. */
struct fk_input {
    struct fk_graph g;
    struct assoc **assoc;
    size_t *out_start, *out;    /* per table, its edges (for finding the keys along a cycle) */
};

/* Every belongs_to starts undeferred; the graph gets those with a constraint to another table
   (self-references are created inline, and 'none' has no constraint to order). */
static void build_input(struct fk_input *in, struct schema *s, struct arena *a)
{
    size_t n = 0, nmodels = s->nmodels;
    for (size_t i = 0; i < nmodels; i++)
        n += s->models[i]->nassocs;
    in->g.nnodes = nmodels;
    in->g.names = arena_alloc(a, (nmodels + 1) * sizeof *in->g.names);
    in->g.edges = arena_alloc(a, (n + 1) * sizeof *in->g.edges);
    in->assoc = arena_alloc(a, (n + 1) * sizeof *in->assoc);
    in->out_start = arena_alloc(a, (nmodels + 1) * sizeof *in->out_start);
    in->out = arena_alloc(a, (n + 1) * sizeof *in->out);
    for (size_t i = 0; i < nmodels; i++) {
        struct model *m = s->models[i];
        in->g.names[i] = m->table;
        in->out_start[i] = in->g.nedges;
        for (size_t j = 0; j < m->nassocs; j++) {
            struct assoc *as = m->assocs[j];
            if (as->kind != ASSOC_BELONGS_TO)
                continue;
            /* rule 1 holds for self-references too: they stay inline, but deferrable */
            as->defer = as->mode == FK_DEFERRED ? DEFER_DECLARED : DEFER_NOT;
            as->cycle = NULL;
            as->cycle_len = 0;
            const struct model *t = as->target;
            if (as->mode == FK_NONE || !t || t == m || t->index >= nmodels ||
                s->models[t->index] != t)
                continue;
            in->out[in->g.nedges] = in->g.nedges;
            in->assoc[in->g.nedges] = as;
            in->g.edges[in->g.nedges++] = (struct fk_edge){
                i, t->index, as->nullable, as->mode, as->column, DEFER_NOT, NULL, 0};
        }
    }
    in->out_start[nmodels] = in->g.nedges;
}

static size_t find(size_t *parent, size_t v)
{
    while (parent[v] != v)
        v = parent[v] = parent[parent[v]];
    return v;
}

/* Turns node cycles into model cycles. cycles.c lends one long cycle to every deferred edge on
   it (their arrays are slices of one buffer); converting each slice on its own would be
   quadratic, so a long cycle is converted once and lent the same way. Tables on a required
   cycle are joined in `group`. */
static void set_cycles(const struct fk_input *in, struct schema *s, struct arena *a,
                       size_t *group)
{
    for (size_t e = 0; e < in->g.nedges; e++) {
        const struct fk_edge *x = &in->g.edges[e];
        struct assoc *as = in->assoc[e];
        as->defer = x->defer;
        if (!x->cycle || as->cycle)
            continue;
        size_t len = x->cycle_len;
        struct model **cycle = arena_alloc(a, 2 * len * sizeof *cycle);
        for (size_t i = 0; i < 2 * len; i++)
            cycle[i] = s->models[x->cycle[i % len]];
        as->cycle = cycle;
        as->cycle_len = len;
        for (size_t i = 1; i < len && x->defer == DEFER_REQUIRED_CYCLE; i++)
            group[find(group, x->cycle[i])] = find(group, x->cycle[0]);
        for (size_t j = 1; j < len && len > CYCLE_SHOWN; j++) {
            size_t u = x->cycle[j];
            for (size_t k = in->out_start[u]; k < in->out_start[u + 1]; k++) {
                const struct fk_edge *y = &in->g.edges[in->out[k]];
                if (y->cycle == x->cycle + j && !in->assoc[in->out[k]]->cycle) {
                    in->assoc[in->out[k]]->cycle = cycle + j;
                    in->assoc[in->out[k]]->cycle_len = len;
                }
            }
        }
    }
}

/* "users.profile_id -> profiles" */
static const char *key_text(const struct assoc *as, struct arena *a)
{
    return arena_printf(a, "%s.%s -> %s", as->owner->table, as->column, as->target->table);
}

/* One warning for the required-cycle keys of group g: it names them and spells the first
   one's cycle. */
static void warn_group(const struct fk_input *in, const size_t *keys, size_t nkeys,
                       size_t ntables, struct arena *a, struct diag *d)
{
    const struct assoc *first = in->assoc[keys[0]];
    struct buf b = {0};
    for (size_t i = 0; i < nkeys && i < KEYS_SHOWN; i++) {
        const char *sep = i == 0 ? "" : i + 1 == nkeys ? " and " : ", ";
        buf_printf(&b, "%s%s", sep, key_text(in->assoc[keys[i]], a));
    }
    if (nkeys > KEYS_SHOWN)
        buf_printf(&b, " and %zu more", nkeys - KEYS_SHOWN);
    diag_warning(d, first->pos,
                 "foreign keys %s form a cycle of required keys (%s); their constraints are "
                 "deferred, so insert %s rows in one transaction (explicit ids are accepted)",
                 b.data, cycle_text(first->cycle, first->cycle_len, a),
                 ntables == 2 ? "both" : "these");
    buf_free(&b);
}

/* Rule 2 asks for a warning per all-required cycle; keys whose cycles share tables are one
   group, warned about once, at the group's first key in declaration order. */
static void warn_required_cycles(const struct fk_input *in, size_t *group, size_t nmodels,
                                 struct arena *a, struct diag *d)
{
    size_t n = in->g.nedges, *start = arena_alloc(a, (nmodels + 2) * sizeof *start);
    size_t *keys = arena_alloc(a, (n + 1) * sizeof *keys);
    size_t *tables = arena_alloc(a, (nmodels + 1) * sizeof *tables);
    for (size_t v = 0; v < nmodels; v++)
        tables[find(group, v)]++;
    for (size_t e = 0; e < n; e++)
        if (in->g.edges[e].defer == DEFER_REQUIRED_CYCLE)
            start[find(group, in->g.edges[e].from) + 2]++;
    for (size_t v = 0; v < nmodels; v++)
        start[v + 2] += start[v + 1];
    for (size_t e = 0; e < n; e++)     /* keys by group, each in declaration order */
        if (in->g.edges[e].defer == DEFER_REQUIRED_CYCLE)
            keys[start[find(group, in->g.edges[e].from) + 1]++] = e;
    for (size_t e = 0; e < n; e++) {
        size_t r = find(group, in->g.edges[e].from);
        if (in->g.edges[e].defer == DEFER_REQUIRED_CYCLE && keys[start[r]] == e)
            warn_group(in, keys + start[r], start[r + 1] - start[r], tables[r], a, d);
    }
}

/* An error per cycle of immediate keys, with a note at each other key on it. */
static void report_unbreakable(const struct fk_input *in, struct schema *s,
                               const struct fk_cycle *cycles, size_t ncycles, struct arena *a,
                               struct diag *d)
{
    for (size_t i = 0; i < ncycles; i++) {
        const struct fk_cycle *k = &cycles[i];
        struct model **cycle = arena_alloc(a, (k->len + 1) * sizeof *cycle);
        for (size_t j = 0; j < k->len; j++)
            cycle[j] = s->models[k->nodes[j]];
        diag_error(d, in->assoc[k->edge]->pos, "the cycle %s can only be broken by deferring "
                   "an 'immediate' constraint; make one of its keys 'auto' or 'deferred'",
                   cycle_text(cycle, k->len, a));
        for (size_t j = 1; j < k->len && j <= NOTES_SHOWN; j++) {
            size_t u = k->nodes[j], v = k->nodes[(j + 1) % k->len];
            for (size_t e = in->out_start[u]; e < in->out_start[u + 1]; e++) {
                const struct fk_edge *x = &in->g.edges[e];
                if (x->to == v && x->mode == FK_IMMEDIATE) {
                    diag_note(d, in->assoc[e]->pos, "%s is 'immediate' too",
                              key_text(in->assoc[e], a));
                    break;
                }
            }
        }
    }
}

bool analyze_schema(struct schema *s, struct arena *a, struct diag *d)
{
    struct fk_input in = {0};
    build_input(&in, s, a);
    struct fk_cycle *cycles = NULL;
    size_t ncycles = 0;
    cycles_analyze(&in.g, a, &cycles, &ncycles);

    size_t *group = arena_alloc(a, (s->nmodels + 1) * sizeof *group);
    for (size_t v = 0; v < s->nmodels; v++)
        group[v] = v;
    set_cycles(&in, s, a, group);
    warn_required_cycles(&in, group, s->nmodels, a, d);
    report_unbreakable(&in, s, cycles, ncycles, a, d);

    size_t *order = cycles_create_order(&in.g, a);
    s->create_order = arena_alloc(a, (s->nmodels + 1) * sizeof *s->create_order);
    for (size_t i = 0; i < s->nmodels; i++)
        s->create_order[i] = s->models[order[i]];
    s->analyzed = true;
    return ncycles == 0;
}
