/* Which foreign keys to defer so that the tables can be created and filled (SPEC section 4).
   Rule 1 and 2 are direct; rule 3 is minimum feedback arc set, exact on small components and
   a greedy ordering (Eades-Lin-Smyth) on large ones; rule 4 merges each group of tables tied
   by immediate cycles into one node, so rule 3 never needs to cut inside it. Everything is
   iterative and near-linear: schemas may put thousands of tables in one component. */
#include "cycles.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

size_t cycles_exact_limit = 20;

#define NONE SIZE_MAX

/* The exact search keeps a component's candidates in a 32-bit mask and its terminals (the
   candidates' ends, at most 40) in 64-bit masks. */
enum { EXACT_MAX = 20 };

/* Reversing a required key is a little dearer than a nullable one; the count still dominates. */
enum { WEIGHT_NULLABLE = 4, WEIGHT_REQUIRED = 5 };

static size_t *new_sizes(struct arena *w, size_t n)
{
    return arena_alloc(w, (n ? n : 1) * sizeof(size_t));
}

static size_t *new_filled(struct arena *w, size_t n, size_t value)
{
    size_t *p = new_sizes(w, n);
    for (size_t i = 0; i < n; i++)
        p[i] = value;
    return p;
}

static const char *column_of(const struct fk_edge *e)
{
    return e->column ? e->column : "";
}

/* A compact adjacency list: node v's edges sit at off[v] .. off[v + 1] - 1. */
struct csr {
    size_t n;
    size_t *off;
    size_t *edge;   /* the index the edge had in the caller's arrays */
    size_t *next;   /* the node at the other end */
};

/* Builds adjacency from edge i = src[i] -> dst[i]; edges with src[i] == NONE are left out. */
static void csr_build(struct csr *g, struct arena *w, size_t n, size_t m, const size_t *src,
                      const size_t *dst)
{
    g->n = n;
    g->off = new_sizes(w, n + 1);
    for (size_t i = 0; i < m; i++)
        if (src[i] != NONE)
            g->off[src[i] + 1]++;
    for (size_t v = 0; v < n; v++)
        g->off[v + 1] += g->off[v];
    g->edge = new_sizes(w, g->off[n]);
    g->next = new_sizes(w, g->off[n]);
    size_t *fill = new_sizes(w, n);
    memcpy(fill, g->off, n * sizeof *fill);
    for (size_t i = 0; i < m; i++) {
        if (src[i] == NONE)
            continue;
        g->edge[fill[src[i]]] = i;
        g->next[fill[src[i]]++] = dst[i];
    }
}

/* Adjacency of the selected edges, nodes renamed through map (NULL: as they are); an edge whose
   ends fall on one node is dropped. reverse: listed under `to`, pointing at `from`. */
static void csr_select(struct csr *c, struct arena *w, size_t n, const struct fk_graph *g,
                       const bool *sel, const size_t *map, bool reverse)
{
    size_t *src = new_filled(w, g->nedges, NONE), *dst = new_sizes(w, g->nedges);
    for (size_t e = 0; e < g->nedges; e++) {
        size_t u = g->edges[e].from, v = g->edges[e].to;
        if (map) {
            u = map[u];
            v = map[v];
        }
        if (!sel[e] || u == v)
            continue;
        src[e] = reverse ? v : u;
        dst[e] = reverse ? u : v;
    }
    csr_build(c, w, n, g->nedges, src, dst);
}

/* Strongly connected components by Tarjan's algorithm with an explicit stack (a chain of
   thousands of tables would overflow the C stack). Returns how many; comp[v] says which. */
static size_t scc(const struct csr *g, struct arena *w, size_t *comp)
{
    size_t n = g->n, counter = 0, ncomp = 0, sp = 0, cp = 0;
    size_t *index = new_filled(w, n, NONE), *low = new_sizes(w, n), *cursor = new_sizes(w, n);
    size_t *stack = new_sizes(w, n), *path = new_sizes(w, n);
    bool *on_stack = arena_alloc(w, n + 1);
    for (size_t root = 0; root < n; root++) {
        if (index[root] != NONE)
            continue;
        size_t enter = root;
        for (;;) {
            if (enter != NONE) {
                index[enter] = low[enter] = counter++;
                cursor[enter] = g->off[enter];
                stack[sp++] = enter;
                on_stack[enter] = true;
                path[cp++] = enter;
                enter = NONE;
            }
            if (!cp)
                break;
            size_t v = path[cp - 1];
            if (cursor[v] < g->off[v + 1]) {
                size_t u = g->next[cursor[v]++];
                if (index[u] == NONE)
                    enter = u;
                else if (on_stack[u] && index[u] < low[v])
                    low[v] = index[u];
                continue;
            }
            cp--;
            if (cp && low[v] < low[path[cp - 1]])
                low[path[cp - 1]] = low[v];
            if (low[v] == index[v]) {
                size_t u;
                do {
                    u = stack[--sp];
                    on_stack[u] = false;
                    comp[u] = ncomp;
                } while (u != v);
                ncomp++;
            }
        }
    }
    return ncomp;
}

/* Search state: a stamp per node marks what the current search has seen, so that starting one
   costs nothing however large the graph. */
struct bfs {
    size_t *stamp, *parent, *queue;
    size_t round;
};

static void bfs_init(struct bfs *b, struct arena *w, size_t n)
{
    b->stamp = new_sizes(w, n);
    b->parent = new_sizes(w, n);
    b->queue = new_sizes(w, n);
    b->round = 0;
}

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

/* A binary heap of item numbers; `before` orders them. */
struct heap {
    size_t *item;
    size_t count;
    bool (*before)(const void *ctx, size_t x, size_t y);
    const void *ctx;
};

static void heap_push(struct heap *h, size_t x)
{
    size_t i = h->count++;
    while (i > 0 && h->before(h->ctx, x, h->item[(i - 1) / 2])) {
        h->item[i] = h->item[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->item[i] = x;
}

static size_t heap_pop(struct heap *h)
{
    size_t top = h->item[0], last = h->item[--h->count], i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->count)
            break;
        if (c + 1 < h->count && h->before(h->ctx, h->item[c + 1], h->item[c]))
            c++;
        if (!h->before(h->ctx, h->item[c], last))
            break;
        h->item[i] = h->item[c];
        i = c;
    }
    h->item[i] = last;
    return top;
}

/* The deterministic preference among edges: by (table of `from`, column), then input order. */
struct edge_key {
    const char *table, *column;
    bool required;
    size_t edge;    /* the caller's index: a graph edge or a component-local one */
};

static struct edge_key key_of(const struct fk_graph *g, size_t e, size_t edge)
{
    const struct fk_edge *x = &g->edges[e];
    return (struct edge_key){g->names[x->from], column_of(x), !x->nullable, edge};
}

static int key_cmp(const void *p, const void *q)
{
    const struct edge_key *x = p, *y = q;
    int c = strcmp(x->table, y->table);
    if (!c)
        c = strcmp(x->column, y->column);
    return c ? c : (x->edge > y->edge) - (x->edge < y->edge);
}

/* Required edges first: the order in which cut edges are offered back. */
static int key_cmp_required_first(const void *p, const void *q)
{
    const struct edge_key *x = p, *y = q;
    if (x->required != y->required)
        return x->required ? -1 : 1;
    return key_cmp(p, q);
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

/* One strongly connected component of the remaining graph, numbered from 0. */
struct part {
    size_t n, m;
    size_t *edge;           /* local edge -> graph edge */
    size_t *src, *dst;      /* local ends */
    bool *fixed;            /* immediate: may not be cut */
    const char **name;      /* per local node, for ties */
};

/* Bit masks, per terminal, of the terminals that reach it through fixed edges alone. */
static void fixed_reach(const struct part *p, struct arena *w, const size_t *term,
                        const size_t *tnode, size_t nt, uint64_t *fixed_in)
{
    size_t *src = new_filled(w, p->m, NONE);
    for (size_t i = 0; i < p->m; i++)
        if (p->fixed[i])
            src[i] = p->src[i];
    struct csr f;
    csr_build(&f, w, p->n, p->m, src, p->dst);
    size_t *seen = new_filled(w, p->n, NONE), *stack = new_sizes(w, p->n);
    for (size_t t = 0; t < nt; t++) {
        size_t sp = 0;
        stack[sp++] = tnode[t];
        seen[tnode[t]] = t;
        while (sp) {
            size_t v = stack[--sp];
            if (v != tnode[t] && term[v] != NONE)
                fixed_in[term[v]] |= (uint64_t)1 << t;
            for (size_t i = f.off[v]; i < f.off[v + 1]; i++)
                if (seen[f.next[i]] != t) {
                    seen[f.next[i]] = t;
                    stack[sp++] = f.next[i];
                }
        }
    }
}

/* Whether the terminals' graph stays acyclic with the candidates in `cut` removed: peel
   nodes without incoming edges until none is left (acyclic) or none can go (a cycle). */
static bool acyclic_without(uint32_t cut, size_t nt, const uint64_t *fixed_in, size_t c,
                            const unsigned char *cs, const unsigned char *cd)
{
    uint64_t in[2 * EXACT_MAX];
    memcpy(in, fixed_in, nt * sizeof *in);
    for (size_t i = 0; i < c; i++)
        if (!(cut >> i & 1))
            in[cd[i]] |= (uint64_t)1 << cs[i];
    uint64_t alive = ((uint64_t)1 << nt) - 1;
    for (bool progress = true; alive && progress;) {
        progress = false;
        for (size_t t = 0; t < nt; t++)
            if ((alive >> t & 1) && !(in[t] & alive)) {
                alive &= ~((uint64_t)1 << t);
                progress = true;
            }
    }
    return !alive;
}

/* The next k-subset of 0..c-1 in lexicographic order; false after the last. */
static bool next_subset(size_t *idx, size_t k, size_t c)
{
    size_t i = k;
    while (i > 0 && idx[i - 1] == c - k + i - 1)
        i--;
    if (i == 0)
        return false;
    idx[i - 1]++;
    for (size_t j = i; j < k; j++)
        idx[j] = idx[j - 1] + 1;
    return true;
}

/* Rule 3, exactly: the smallest set of candidates whose removal leaves the component acyclic;
   among those the fewest required edges, then the lexicographically first by key. Only the
   candidates' ends matter, joined by what the fixed edges reach, so a check is a few words. */
static void cut_exact(const struct part *p, const struct fk_graph *g, struct arena *w, bool *cut)
{
    struct edge_key cand[EXACT_MAX];
    size_t c = 0, nt = 0, tnode[2 * EXACT_MAX];
    unsigned char cs[EXACT_MAX], cd[EXACT_MAX];
    for (size_t i = 0; i < p->m; i++)
        if (!p->fixed[i])
            cand[c++] = key_of(g, p->edge[i], i);
    qsort(cand, c, sizeof *cand, key_cmp);
    size_t *term = new_filled(w, p->n, NONE);
    for (size_t i = 0; i < c; i++) {
        size_t ends[2] = {p->src[cand[i].edge], p->dst[cand[i].edge]};
        for (int j = 0; j < 2; j++)
            if (term[ends[j]] == NONE) {
                tnode[nt] = ends[j];
                term[ends[j]] = nt++;
            }
        cs[i] = (unsigned char)term[ends[0]];
        cd[i] = (unsigned char)term[ends[1]];
    }
    uint64_t fixed_in[2 * EXACT_MAX] = {0};
    fixed_reach(p, w, term, tnode, nt, fixed_in);

    uint32_t best = 0;
    size_t best_required = NONE;
    for (size_t k = 0; k <= c && best_required == NONE; k++) {
        size_t idx[EXACT_MAX];
        for (size_t i = 0; i < k; i++)
            idx[i] = i;
        do {
            uint32_t mask = 0;
            size_t required = 0;
            for (size_t i = 0; i < k; i++) {
                mask |= (uint32_t)1 << idx[i];
                required += cand[idx[i]].required;
            }
            /* the first set found with a count is the lexicographically first with it */
            if (required < best_required && acyclic_without(mask, nt, fixed_in, c, cs, cd)) {
                best = mask;
                best_required = required;
            }
        } while (best_required != 0 && next_subset(idx, k, c));
    }
    for (size_t i = 0; i < c; i++)
        cut[cand[i].edge] = best >> i & 1;
}

/* Greedy ordering state: what is left of each node's edges among unplaced nodes. */
struct greedy {
    const struct part *p;
    long *delta;            /* weight out - weight in */
    size_t *in, *out, *fixed_in, *version;
    bool *placed;
    size_t *entry_node, *entry_version;
    long *entry_delta;
    size_t nentries;
    struct heap heap;
};

/* Highest delta first, then name, then node number. */
static bool entry_before(const void *ctx, size_t x, size_t y)
{
    const struct greedy *s = ctx;
    if (s->entry_delta[x] != s->entry_delta[y])
        return s->entry_delta[x] > s->entry_delta[y];
    size_t u = s->entry_node[x], v = s->entry_node[y];
    int c = strcmp(s->p->name[u], s->p->name[v]);
    return c ? c < 0 : u < v;
}

/* Entries are never updated in place: a change pushes a new one, stale ones are skipped. */
static void greedy_push(struct greedy *s, size_t v)
{
    if (s->placed[v] || s->fixed_in[v])
        return;
    size_t x = s->nentries++;
    s->entry_node[x] = v;
    s->entry_version[x] = ++s->version[v];
    s->entry_delta[x] = s->delta[v];
    heap_push(&s->heap, x);
}

static long weight(const struct part *p, const struct fk_graph *g, size_t i)
{
    return g->edges[p->edge[i]].nullable && !p->fixed[i] ? WEIGHT_NULLABLE : WEIGHT_REQUIRED;
}

/* Rule 3 on large components (Eades, Lin and Smyth): build an order from both ends, sinks to
   the back, sources to the front, otherwise the node with the most weight out over weight in;
   edges that end up pointing backwards are cut. A node with an unplaced fixed edge into it
   may not go to the front, so fixed edges always point forwards (they form no cycle here). */
static size_t *greedy_order(const struct part *p, const struct fk_graph *g, struct arena *w,
                            const struct csr *outs, const struct csr *ins)
{
    struct greedy s = {.p = p};
    size_t n = p->n, cap = n + 2 * p->m + 1;
    s.delta = arena_alloc(w, (n + 1) * sizeof *s.delta);
    s.in = new_sizes(w, n), s.out = new_sizes(w, n), s.fixed_in = new_sizes(w, n);
    s.version = new_sizes(w, n);
    s.placed = arena_alloc(w, n + 1);
    s.entry_node = new_sizes(w, cap), s.entry_version = new_sizes(w, cap);
    s.entry_delta = arena_alloc(w, cap * sizeof *s.entry_delta);
    s.heap = (struct heap){new_sizes(w, cap), 0, entry_before, &s};
    for (size_t i = 0; i < p->m; i++) {
        s.out[p->src[i]]++, s.in[p->dst[i]]++;
        s.delta[p->src[i]] += weight(p, g, i);
        s.delta[p->dst[i]] -= weight(p, g, i);
        s.fixed_in[p->dst[i]] += p->fixed[i];
    }
    /* A strongly connected component has no sinks or sources to start with. */
    size_t *sinks = new_sizes(w, n), *sources = new_sizes(w, n), *pos = new_sizes(w, n);
    size_t nsinks = 0, nsources = 0, hsinks = 0, hsources = 0, front = 0, back = n;
    for (size_t v = 0; v < n; v++)
        greedy_push(&s, v);
    for (size_t placed = 0; placed < n; placed++) {
        size_t v = NONE;
        bool to_back = false;
        while (v == NONE && hsinks < nsinks)
            if (!s.placed[sinks[hsinks++]])
                v = sinks[hsinks - 1], to_back = true;
        while (v == NONE && hsources < nsources)
            if (!s.placed[sources[hsources++]])
                v = sources[hsources - 1];
        while (v == NONE && s.heap.count) {
            size_t x = heap_pop(&s.heap), u = s.entry_node[x];
            if (!s.placed[u] && !s.fixed_in[u] && s.entry_version[x] == s.version[u])
                v = u;
        }
        if (v == NONE)
            abort();    /* impossible: fixed edges form no cycle inside a part */
        s.placed[v] = true;
        pos[v] = to_back ? --back : front++;
        for (size_t i = outs->off[v]; i < outs->off[v + 1]; i++) {
            size_t u = outs->next[i], e = outs->edge[i];
            if (s.placed[u])
                continue;
            s.delta[u] += weight(p, g, e);
            s.fixed_in[u] -= p->fixed[e];
            if (--s.in[u] == 0)
                sources[nsources++] = u;
            greedy_push(&s, u);
        }
        for (size_t i = ins->off[v]; i < ins->off[v + 1]; i++) {
            size_t u = ins->next[i], e = ins->edge[i];
            if (s.placed[u])
                continue;
            s.delta[u] -= weight(p, g, e);
            if (--s.out[u] == 0)
                sinks[nsinks++] = u;
            greedy_push(&s, u);
        }
    }
    return pos;
}

/* Whether `to` reaches `from` over kept edges, within a shared budget of steps; *spent says
   the budget ran out, and the answer is then "maybe". */
static bool reaches(const struct csr *outs, const bool *cut, struct bfs *b, size_t from,
                    size_t to, size_t *budget, bool *spent)
{
    size_t sp = 0;
    b->round++;
    b->stamp[from] = b->round;
    b->queue[sp++] = from;
    while (sp) {
        size_t v = b->queue[--sp];
        for (size_t i = outs->off[v]; i < outs->off[v + 1]; i++) {
            if (*budget == 0)
                return *spent = true;
            --*budget;
            size_t u = outs->next[i];
            if (cut[outs->edge[i]] || b->stamp[u] == b->round)
                continue;
            if (u == to)
                return true;
            b->stamp[u] = b->round;
            b->queue[sp++] = u;
        }
    }
    return false;
}

/* Greedy orders cut more than they need; offer each cut edge back (required ones first) and
   keep it when it closes no cycle. The budget keeps this linear on huge components. */
static void uncut_redundant(const struct part *p, const struct fk_graph *g, struct arena *w,
                            const struct csr *outs, bool *cut)
{
    struct edge_key *back = arena_alloc(w, (p->m + 1) * sizeof *back);
    size_t nback = 0, budget = 8 * (p->n + p->m) + 1024;
    bool spent = false;
    for (size_t i = 0; i < p->m; i++)
        if (cut[i])
            back[nback++] = key_of(g, p->edge[i], i);
    qsort(back, nback, sizeof *back, key_cmp_required_first);
    struct bfs b;
    bfs_init(&b, w, p->n);
    for (size_t k = 0; k < nback && !spent; k++) {
        size_t i = back[k].edge;
        if (!reaches(outs, cut, &b, p->dst[i], p->src[i], &budget, &spent) && !spent)
            cut[i] = false;
    }
}

static void cut_greedy(const struct part *p, const struct fk_graph *g, struct arena *w,
                       bool *cut)
{
    struct csr outs, ins;
    csr_build(&outs, w, p->n, p->m, p->src, p->dst);
    csr_build(&ins, w, p->n, p->m, p->dst, p->src);
    size_t *pos = greedy_order(p, g, w, &outs, &ins);
    for (size_t i = 0; i < p->m; i++)
        cut[i] = pos[p->src[i]] > pos[p->dst[i]];
    uncut_redundant(p, g, w, &outs, cut);
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
            cut_exact(&p, g, cx->w, cut);
        else
            cut_greedy(&p, g, cx->w, cut);
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
