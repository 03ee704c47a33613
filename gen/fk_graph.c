/* Graph helpers for the cycle analyzer: compact adjacency, strongly connected components,
   breadth-first search state, a binary heap and the deterministic order of edges. */
#include <stdlib.h>

#include "fk_graph.h"

/* Builds adjacency from edge i = src[i] -> dst[i]; edges with src[i] == NONE are left out. */
void csr_build(struct csr *g, struct arena *w, size_t n, size_t m, const size_t *src,
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
void csr_select(struct csr *c, struct arena *w, size_t n, const struct fk_graph *g,
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
size_t scc(const struct csr *g, struct arena *w, size_t *comp)
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

void bfs_init(struct bfs *b, struct arena *w, size_t n)
{
    b->stamp = new_sizes(w, n);
    b->parent = new_sizes(w, n);
    b->queue = new_sizes(w, n);
    b->round = 0;
}

void heap_push(struct heap *h, size_t x)
{
    size_t i = h->count++;
    while (i > 0 && h->before(h->ctx, x, h->item[(i - 1) / 2])) {
        h->item[i] = h->item[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->item[i] = x;
}

size_t heap_pop(struct heap *h)
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

struct edge_key key_of(const struct fk_graph *g, size_t e, size_t edge)
{
    const struct fk_edge *x = &g->edges[e];
    return (struct edge_key){g->names[x->from], column_of(x), !x->nullable, edge};
}

int key_cmp(const void *p, const void *q)
{
    const struct edge_key *x = p, *y = q;
    int c = strcmp(x->table, y->table);
    if (!c)
        c = strcmp(x->column, y->column);
    return c ? c : (x->edge > y->edge) - (x->edge < y->edge);
}

/* Required edges first: the order in which cut edges are offered back. */
int key_cmp_required_first(const void *p, const void *q)
{
    const struct edge_key *x = p, *y = q;
    if (x->required != y->required)
        return x->required ? -1 : 1;
    return key_cmp(p, q);
}
