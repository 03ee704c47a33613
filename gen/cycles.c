/* Which foreign keys to defer so that the tables can be created and filled (SPEC section 4).
   Rule 1 and 2 are direct; rule 3 is minimum feedback arc set, exact on small components and
   a greedy ordering (Eades-Lin-Smyth) on large ones; rule 4 merges each group of tables tied
   by immediate cycles into one node, so rule 3 never needs to cut inside it. Everything is
   iterative and near-linear: schemas may put thousands of tables in one component. */
#include "cycles.h"

#include <stdlib.h>

#include "fk_graph.h"

size_t cycles_exact_limit = 20;

/* Where the cycle of a deferred edge is looked for: a graph over the nodes as they are, cut
   into regions (the components the deferred edges lie in). */
struct cycle_graph {
    const struct fk_graph *g;
    struct arena *w;
    struct csr fwd, rev;
    const size_t *region;
    struct bfs b;           /* parent: the edge a search reached the node by */
    size_t *budget;         /* search steps left in this run, shared by every cycle_graph */
    size_t *root;           /* per region: the root of the fallback trees, NONE before use */
    size_t *to_root, *from_root, *walk;     /* see tree_cycle */
};

/* Cycles longer than this are shared by the deferred edges on them: a cycle of its own for
   each edge of a long ring would cost time and memory quadratic in its length. */
enum { SHARE_LEN = 8 };

/* Searches may take this many steps per node and edge of the graph; past that, cycles are
   read off two BFS trees per region: still cycles through the edge, not always shortest. */
enum { SEARCH_BUDGET = 16 };

static void cycle_graph_init(struct cycle_graph *c, struct arena *w, const struct fk_graph *g,
                             const bool *sel, const size_t *region, size_t *budget)
{
    *c = (struct cycle_graph){.g = g, .w = w, .region = region, .budget = budget};
    csr_select(&c->fwd, w, g->nnodes, g, sel, NULL, false);
    csr_select(&c->rev, w, g->nnodes, g, sel, NULL, true);
    bfs_init(&c->b, w, g->nnodes);
}

/* Stores a cycle twice over, so that buf + j is the same cycle starting at its j-th node. */
static size_t *store_cycle(struct arena *a, size_t first, const size_t *rest, size_t len)
{
    size_t *buf = new_sizes(a, 2 * len);
    buf[0] = first;
    memcpy(buf + 1, rest, (len - 1) * sizeof *buf);
    memcpy(buf + len, buf, len * sizeof *buf);
    return buf;
}

/* A shortest cycle through edge e: BFS from its `to` back to its `from` inside from's region,
   stopping on arrival; parents are left in c->b for give_cycle. NULL if there is none. */
static size_t *search_cycle(struct cycle_graph *c, size_t e, struct arena *a, size_t *len)
{
    const struct fk_edge *x = &c->g->edges[e];
    struct bfs *b = &c->b;
    size_t head = 0, tail = 0, want = c->region[x->from];
    bool found = false;
    b->stamp[x->to] = ++b->round;
    b->queue[tail++] = x->to;
    while (head < tail && !found) {
        size_t v = b->queue[head++];
        for (size_t i = c->fwd.off[v]; i < c->fwd.off[v + 1] && !found; i++) {
            size_t u = c->fwd.next[i];
            *c->budget -= *c->budget > 0;
            if (b->stamp[u] == b->round || c->region[u] != want)
                continue;
            b->stamp[u] = b->round;
            b->parent[u] = c->fwd.edge[i];
            b->queue[tail++] = u;
            found = u == x->from;
        }
    }
    if (!found)
        return NULL;
    size_t n = 0;   /* the path to .. from's predecessor, gathered backwards */
    for (size_t v = x->from; v != x->to;)
        b->queue[n++] = v = c->g->edges[b->parent[v]].from;
    for (size_t i = 0; i < n - 1 - i; i++) {
        size_t t = b->queue[i];
        b->queue[i] = b->queue[n - 1 - i];
        b->queue[n - 1 - i] = t;
    }
    *len = n + 1;
    return store_cycle(a, x->from, b->queue, n + 1);
}

/* BFS over adj from root inside its region; via[v] is the edge each node was reached by. */
static void tree(struct cycle_graph *c, const struct csr *adj, size_t root, size_t *via)
{
    struct bfs *b = &c->b;
    size_t head = 0, tail = 0;
    b->stamp[root] = ++b->round;
    b->queue[tail++] = root;
    while (head < tail) {
        size_t v = b->queue[head++];
        for (size_t i = adj->off[v]; i < adj->off[v + 1]; i++) {
            size_t u = adj->next[i];
            if (b->stamp[u] != b->round && c->region[u] == c->region[root]) {
                b->stamp[u] = b->round;
                via[u] = adj->edge[i];
                b->queue[tail++] = u;
            }
        }
    }
}

/* The fallback: from `to` down the tree into the region's root, out along the tree from the
   root to `from`, with loops erased as they close. Linear in the region, once per region. */
static size_t *tree_cycle(struct cycle_graph *c, size_t e, struct arena *a, size_t *len)
{
    const struct fk_graph *g = c->g;
    size_t n = g->nnodes, u = g->edges[e].from, v = g->edges[e].to, reg = c->region[u];
    if (!c->root) {
        c->root = new_filled(c->w, n, NONE);
        c->to_root = new_sizes(c->w, n), c->from_root = new_sizes(c->w, n);
        c->walk = new_sizes(c->w, 2 * n);
    }
    if (c->root[reg] == NONE) {
        c->root[reg] = u;
        tree(c, &c->rev, u, c->to_root);
        tree(c, &c->fwd, u, c->from_root);
    }
    size_t r = c->root[reg], k = 0, tail = 2 * n;
    for (size_t x = v; x != r; x = g->edges[c->to_root[x]].to)
        c->walk[k++] = x;
    for (size_t x = u; x != r; x = g->edges[c->from_root[x]].from)
        c->walk[--tail] = x;    /* the path out of the root, kept at the far end */
    c->walk[k++] = r;
    memmove(c->walk + k, c->walk + tail, (2 * n - tail) * sizeof *c->walk);
    size_t steps = k + 2 * n - tail, top = 0, *stamp = c->b.stamp, *at = c->b.parent;
    ++c->b.round;
    for (size_t i = 0; i < steps; i++) {
        size_t x = c->walk[i];
        if (stamp[x] == c->b.round) {
            while (top > at[x] + 1)
                stamp[c->walk[--top]] = 0;
        } else {
            stamp[x] = c->b.round;
            at[x] = top;
            c->walk[top++] = x;
        }
        if (x == u)
            break;
    }
    *len = top;     /* walk[0 .. top) is to .. from */
    return store_cycle(a, u, c->walk, top);
}

/* Sets edge e's cycle, and lends a long one to the other edges on it deferred for the same
   reason that have none yet. */
static void give_cycle(struct cycle_graph *c, struct fk_graph *g, size_t e, struct arena *a)
{
    struct fk_edge *x = &g->edges[e];
    bool searched = *c->budget > 0;
    size_t len = 0, *buf = searched ? search_cycle(c, e, a, &len) : tree_cycle(c, e, a, &len);
    x->cycle = buf;
    x->cycle_len = buf ? len : 0;
    for (size_t j = 1; searched && buf && j < len && len > SHARE_LEN; j++) {
        struct fk_edge *y = &g->edges[c->b.parent[buf[j + 1]]];    /* buf[j] -> buf[j + 1] */
        if (y->defer == x->defer && !y->cycle) {
            y->cycle = buf + j;
            y->cycle_len = len;
        }
    }
}

struct ctx {
    struct fk_graph *g;
    struct arena *w, *a;    /* scratch for this run; results */
    size_t budget;          /* search steps left, see SEARCH_BUDGET */
};

/* Rule 2: an edge whose ends share a component of the required-edge graph lies on an
   all-required cycle; its rows can only go in within one transaction. */
static void defer_required_cycles(struct ctx *cx)
{
    struct fk_graph *g = cx->g;
    bool *required = arena_alloc(cx->w, g->nedges + 1);
    size_t *comp = new_sizes(cx->w, g->nnodes);
    for (size_t e = 0; e < g->nedges; e++)
        required[e] = !g->edges[e].nullable;
    struct cycle_graph c;
    cycle_graph_init(&c, cx->w, g, required, comp, &cx->budget);
    scc(&c.fwd, cx->w, comp);
    for (size_t e = 0; e < g->nedges; e++) {
        struct fk_edge *x = &g->edges[e];
        if (required[e] && comp[x->from] == comp[x->to] && x->mode == FK_AUTO &&
            x->from != x->to)
            x->defer = DEFER_REQUIRED_CYCLE;
    }
    for (size_t e = 0; e < g->nedges; e++)
        if (g->edges[e].defer == DEFER_REQUIRED_CYCLE && !g->edges[e].cycle)
            give_cycle(&c, g, e, cx->a);
}

/* Rule 4: immediate edges are never deferred, so a cycle of them cannot be broken. Reports one
   cycle per component of the immediate-edge graph and returns a map that merges each such
   component into one node (*ncomp nodes in all), inside which rule 3 will cut nothing. */
static size_t *merge_immediate_cycles(struct ctx *cx, struct fk_cycle **cycles, size_t *ncycles,
                                      size_t *ncomp)
{
    struct fk_graph *g = cx->g;
    bool *immediate = arena_alloc(cx->w, g->nedges + 1);
    size_t *comp = new_sizes(cx->w, g->nnodes), *first = NULL;
    for (size_t e = 0; e < g->nedges; e++)
        immediate[e] = g->edges[e].mode == FK_IMMEDIATE;
    struct cycle_graph c;
    cycle_graph_init(&c, cx->w, g, immediate, comp, &cx->budget);
    *ncomp = scc(&c.fwd, cx->w, comp);
    first = new_filled(cx->w, *ncomp, NONE);     /* per component, its first inner edge */
    *ncycles = 0;
    for (size_t e = 0; e < g->nedges; e++) {
        size_t k = comp[g->edges[e].from];
        if (immediate[e] && k == comp[g->edges[e].to] && first[k] == NONE &&
            g->edges[e].from != g->edges[e].to)
            first[k] = e, ++*ncycles;
    }
    *cycles = arena_alloc(cx->a, (*ncycles + 1) * sizeof **cycles);
    for (size_t e = 0, i = 0; e < g->nedges; e++) {
        struct fk_cycle *k = &(*cycles)[i];
        if (first[comp[g->edges[e].from]] != e)
            continue;
        k->nodes = cx->budget ? search_cycle(&c, e, cx->a, &k->len)
                              : tree_cycle(&c, e, cx->a, &k->len);
        k->edge = e;
        i++;
    }
    return comp;
}

/* The remaining graph after rules 1, 2 and 4, both merged (for rule 3) and as it is (for
   spelling out cycles), with its components laid out one after another. */
struct remaining {
    const size_t *merge;        /* node -> merged node */
    size_t nmerged;
    size_t *comp, ncomp;        /* merged node -> component */
    size_t *region;             /* node -> component of its merged node */
    struct cycle_graph real;
    size_t *node_start, *nodes; /* merged nodes of component c: nodes[node_start[c] ..] */
    size_t *edge_start, *edges; /* graph edges inside component c, the same way */
};

/* Groups items 0..n-1 by key[i] (NONE: left out) in a stable counting sort. */
static void bucket(struct arena *w, size_t n, const size_t *key, size_t nkeys, size_t **start,
                   size_t **items)
{
    *start = new_sizes(w, nkeys + 1);
    *items = new_sizes(w, n);
    for (size_t i = 0; i < n; i++)
        if (key[i] != NONE)
            (*start)[key[i] + 1]++;
    for (size_t k = 0; k < nkeys; k++)
        (*start)[k + 1] += (*start)[k];
    size_t *fill = new_sizes(w, nkeys);
    memcpy(fill, *start, nkeys * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        if (key[i] != NONE)
            (*items)[fill[key[i]]++] = i;
}

static void remaining_build(struct remaining *r, struct ctx *cx, const size_t *merge,
                            size_t nmerged)
{
    struct fk_graph *g = cx->g;
    bool *left = arena_alloc(cx->w, g->nedges + 1);
    for (size_t e = 0; e < g->nedges; e++)
        left[e] = g->edges[e].defer == DEFER_NOT;
    struct csr merged;
    csr_select(&merged, cx->w, nmerged, g, left, merge, false);
    r->merge = merge;
    r->nmerged = nmerged;
    r->comp = new_sizes(cx->w, nmerged);
    r->ncomp = scc(&merged, cx->w, r->comp);
    r->region = new_sizes(cx->w, g->nnodes);
    for (size_t v = 0; v < g->nnodes; v++)
        r->region[v] = r->comp[merge[v]];
    cycle_graph_init(&r->real, cx->w, g, left, r->region, &cx->budget);
    size_t *edge_comp = new_filled(cx->w, g->nedges, NONE);
    for (size_t e = 0; e < g->nedges; e++) {
        size_t u = merge[g->edges[e].from], v = merge[g->edges[e].to];
        if (left[e] && u != v && r->comp[u] == r->comp[v])
            edge_comp[e] = r->comp[u];
    }
    bucket(cx->w, nmerged, r->comp, r->ncomp, &r->node_start, &r->nodes);
    bucket(cx->w, g->nedges, edge_comp, r->ncomp, &r->edge_start, &r->edges);
}

/* Numbers component c's merged nodes and edges from 0; local is scratch over merged nodes. */
static void part_build(struct part *p, const struct remaining *r, const struct fk_graph *g,
                       struct arena *w, size_t c, size_t *local, const char **merged_name)
{
    p->n = r->node_start[c + 1] - r->node_start[c];
    p->m = r->edge_start[c + 1] - r->edge_start[c];
    p->name = arena_alloc(w, (p->n + 1) * sizeof *p->name);
    for (size_t i = 0; i < p->n; i++) {
        size_t v = r->nodes[r->node_start[c] + i];
        local[v] = i;
        p->name[i] = merged_name[v];
    }
    p->edge = new_sizes(w, p->m), p->src = new_sizes(w, p->m), p->dst = new_sizes(w, p->m);
    p->fixed = arena_alloc(w, p->m + 1);
    for (size_t i = 0; i < p->m; i++) {
        const struct fk_edge *x = &g->edges[r->edges[r->edge_start[c] + i]];
        p->edge[i] = r->edges[r->edge_start[c] + i];
        p->src[i] = local[r->merge[x->from]];
        p->dst[i] = local[r->merge[x->to]];
        p->fixed[i] = x->mode == FK_IMMEDIATE;
    }
}

/* Rule 3: in every component that still has a cycle, cut a (near-)minimum set of edges. */
static void break_remaining_cycles(struct ctx *cx, const size_t *merge, size_t nmerged)
{
    struct fk_graph *g = cx->g;
    struct remaining r;
    remaining_build(&r, cx, merge, nmerged);
    /* a merged node goes by its smallest table name */
    const char **merged_name = arena_alloc(cx->w, (nmerged + 1) * sizeof *merged_name);
    for (size_t v = 0; v < g->nnodes; v++) {
        const char **name = &merged_name[merge[v]];
        if (!*name || strcmp(g->names[v], *name) < 0)
            *name = g->names[v];
    }
    size_t *local = new_sizes(cx->w, nmerged);
    size_t limit = cycles_exact_limit < EXACT_MAX ? cycles_exact_limit : EXACT_MAX;
    for (size_t c = 0; c < r.ncomp; c++) {
        if (r.node_start[c + 1] - r.node_start[c] < 2)
            continue;
        struct part p;
        part_build(&p, &r, g, cx->w, c, local, merged_name);
        size_t candidates = 0;
        for (size_t i = 0; i < p.m; i++)
            candidates += !p.fixed[i];
        bool *cut = arena_alloc(cx->w, p.m + 1);
        if (candidates <= limit)
            fas_cut_exact(&p, g, cx->w, cut);
        else
            fas_cut_greedy(&p, g, cx->w, cut);
        for (size_t i = 0; i < p.m; i++)
            if (cut[i] && !p.fixed[i])
                g->edges[p.edge[i]].defer = DEFER_BREAKS_CYCLE;
        for (size_t i = 0; i < p.m; i++)
            if (cut[i] && !p.fixed[i] && !g->edges[p.edge[i]].cycle)
                give_cycle(&r.real, g, p.edge[i], cx->a);
    }
}

void cycles_analyze(struct fk_graph *g, struct arena *a, struct fk_cycle **cycles,
                    size_t *ncycles)
{
    struct ctx cx = {g, arena_new(), a, SEARCH_BUDGET * (g->nnodes + g->nedges) + 4096};
    for (size_t e = 0; e < g->nedges; e++) {
        struct fk_edge *x = &g->edges[e];
        x->defer = x->mode == FK_DEFERRED ? DEFER_DECLARED : DEFER_NOT;   /* rule 1 */
        x->cycle = NULL;
        x->cycle_len = 0;
    }
    defer_required_cycles(&cx);
    size_t nmerged;
    size_t *merge = merge_immediate_cycles(&cx, cycles, ncycles, &nmerged);
    break_remaining_cycles(&cx, merge, nmerged);
    arena_free(cx.w);
}

/* Heap order of tables: by name, then index. */
static bool name_before(const void *ctx, size_t x, size_t y)
{
    const char *const *names = ctx;
    int c = strcmp(names[x], names[y]);
    return c ? c < 0 : x < y;
}

struct named {
    const char *name;
    size_t node;
};

static int named_cmp(const void *p, const void *q)
{
    const struct named *x = p, *y = q;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->node > y->node) - (x->node < y->node);
}

/* Kahn's algorithm: a table is ready once every table it references (over edges that are not
   deferred) exists; the ready table with the smallest name goes next. */
size_t *cycles_create_order(const struct fk_graph *g, struct arena *a)
{
    struct arena *w = arena_new();
    size_t n = g->nnodes, done = 0, cursor = 0;
    bool *kept = arena_alloc(w, g->nedges + 1), *placed = arena_alloc(w, n + 1);
    size_t *waiting = new_sizes(w, n), *order = new_sizes(a, n);
    for (size_t e = 0; e < g->nedges; e++) {
        kept[e] = g->edges[e].defer == DEFER_NOT && g->edges[e].from != g->edges[e].to;
        waiting[g->edges[e].from] += kept[e];
    }
    struct csr users;   /* per table, the tables whose kept keys reference it */
    csr_select(&users, w, n, g, kept, NULL, true);
    struct heap ready = {new_sizes(w, n + 1), 0, name_before, g->names};
    struct named *stuck = NULL;
    for (size_t v = 0; v < n; v++)
        if (!waiting[v])
            heap_push(&ready, v);
    while (done < n) {
        if (!ready.count) {
            /* a cycle survived (the caller reported it): force the smallest name out */
            if (!stuck) {
                stuck = arena_alloc(w, n * sizeof *stuck);
                for (size_t v = 0; v < n; v++)
                    stuck[v] = (struct named){g->names[v], v};
                qsort(stuck, n, sizeof *stuck, named_cmp);
            }
            while (placed[stuck[cursor].node])
                cursor++;
            heap_push(&ready, stuck[cursor].node);
        }
        size_t v = heap_pop(&ready);
        placed[v] = true;
        order[done++] = v;
        for (size_t i = users.off[v]; i < users.off[v + 1]; i++) {
            size_t u = users.next[i];
            if (!placed[u] && --waiting[u] == 0)
                heap_push(&ready, u);
        }
    }
    arena_free(w);
    return order;
}
