#include "analyze.h"

#include "cycles.h"
#include "util.h"

const char *cycle_text(struct model *const *cycle, size_t len, struct arena *a)
{
    struct buf b = {0};
    for (size_t i = 0; i < len; i++)
        buf_printf(&b, "%s -> ", cycle[i]->table);
    if (len)
        buf_puts(&b, cycle[0]->table);
    const char *s = arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *defer_reason_text(const struct assoc *as, struct arena *a)
{
    switch (as->defer) {
    case DEFER_NOT:
        return "not deferred";
    case DEFER_DECLARED:
        return "declared 'constraint deferred'";
    case DEFER_REQUIRED_CYCLE:
        return arena_printf(a, "on the cycle of required keys %s; its rows are inserted in "
                            "one transaction", cycle_text(as->cycle, as->cycle_len, a));
    case DEFER_BREAKS_CYCLE:
        return arena_printf(a, "breaks the cycle %s", cycle_text(as->cycle, as->cycle_len, a));
    }
    return "";
}

/* The graph's edges, each remembering the belongs_to it came from. */
struct graph_build {
    struct fk_graph g;
    struct assoc **assoc_of;
};

static void build_graph(struct graph_build *gb, struct schema *s, struct arena *a)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nmodels; i++)
        n += s->models[i]->nassocs;
    gb->g.nnodes = s->nmodels;
    gb->g.names = arena_alloc(a, (s->nmodels + 1) * sizeof *gb->g.names);
    gb->g.edges = arena_alloc(a, (n + 1) * sizeof *gb->g.edges);
    gb->assoc_of = arena_alloc(a, (n + 1) * sizeof *gb->assoc_of);
    for (size_t i = 0; i < s->nmodels; i++) {
        struct model *m = s->models[i];
        gb->g.names[i] = m->table;
        for (size_t j = 0; j < m->nassocs; j++) {
            struct assoc *as = m->assocs[j];
            if (as->kind != ASSOC_BELONGS_TO)
                continue;
            as->defer = DEFER_NOT;
            if (as->mode == FK_NONE || as->target == m)
                continue;
            struct fk_edge *e = &gb->g.edges[gb->g.nedges];
            e->from = m->index;
            e->to = as->target->index;
            e->nullable = as->nullable;
            e->mode = as->mode;
            e->column = as->column;
            gb->assoc_of[gb->g.nedges++] = as;
        }
    }
}

static struct model **to_models(struct schema *s, const size_t *nodes, size_t len,
                                struct arena *a)
{
    struct model **out = arena_alloc(a, (len + 1) * sizeof *out);
    for (size_t i = 0; i < len; i++)
        out[i] = s->models[nodes[i]];
    return out;
}

/* One warning per group of required-cycle edges that share a cycle text's first table set. */
static void warn_required_cycles(struct schema *s, struct graph_build *gb, struct arena *a,
                                 struct diag *d)
{
    bool *warned = arena_alloc(a, (s->nmodels + 1) * sizeof *warned);
    for (size_t i = 0; i < gb->g.nedges; i++) {
        struct assoc *as = gb->assoc_of[i];
        if (as->defer != DEFER_REQUIRED_CYCLE)
            continue;
        bool seen = true;
        for (size_t k = 0; k < as->cycle_len; k++)
            seen = seen && warned[as->cycle[k]->index];
        if (seen)
            continue;
        for (size_t k = 0; k < as->cycle_len; k++)
            warned[as->cycle[k]->index] = true;
        diag_warning(d, as->pos, "required foreign keys form the cycle %s: their constraints "
                     "are deferred, so insert these rows in one transaction (explicit ids "
                     "are accepted)", cycle_text(as->cycle, as->cycle_len, a));
    }
}

bool analyze_schema(struct schema *s, struct arena *a, struct diag *d)
{
    struct graph_build gb = {0};
    build_graph(&gb, s, a);
    struct fk_cycle *cycles = NULL;
    size_t ncycles = 0;
    cycles_analyze(&gb.g, a, &cycles, &ncycles);
    for (size_t i = 0; i < gb.g.nedges; i++) {
        struct assoc *as = gb.assoc_of[i];
        struct fk_edge *e = &gb.g.edges[i];
        as->defer = e->defer;
        as->cycle = to_models(s, e->cycle, e->cycle_len, a);
        as->cycle_len = e->cycle_len;
    }
    warn_required_cycles(s, &gb, a, d);
    for (size_t i = 0; i < ncycles; i++) {
        struct assoc *as = gb.assoc_of[cycles[i].edge];
        struct model **cycle = to_models(s, cycles[i].nodes, cycles[i].len, a);
        diag_error(d, as->pos, "the cycle %s can only be broken by deferring an 'immediate' "
                   "constraint; make one of its keys 'auto' or 'deferred'",
                   cycle_text(cycle, cycles[i].len, a));
    }
    size_t *order = cycles_create_order(&gb.g, a);
    s->create_order = to_models(s, order, s->nmodels, a);
    s->analyzed = true;
    return ncycles == 0;
}
