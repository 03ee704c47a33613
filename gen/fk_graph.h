/* Internals shared by the cycle analyzer (cycles.c), its graph helpers (fk_graph.c) and
   the feedback-arc-set solvers (fas.c). Not part of any interface outside gen/. */
#ifndef MODELGEN_FK_GRAPH_H
#define MODELGEN_FK_GRAPH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cycles.h"
#include "util.h"

#define NONE SIZE_MAX

/* The exact search keeps a component's candidates in a 32-bit mask and its terminals (the
   candidates' ends, at most 40) in 64-bit masks. */
enum { EXACT_MAX = 20 };

/* Reversing a required key is a little dearer than a nullable one; the count still dominates. */
enum { WEIGHT_NULLABLE = 4, WEIGHT_REQUIRED = 5 };

static inline size_t *new_sizes(struct arena *w, size_t n)
{
    return arena_alloc(w, (n ? n : 1) * sizeof(size_t));
}

static inline size_t *new_filled(struct arena *w, size_t n, size_t value)
{
    size_t *p = new_sizes(w, n);
    for (size_t i = 0; i < n; i++)
        p[i] = value;
    return p;
}

static inline const char *column_of(const struct fk_edge *e)
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

/* Search state: a stamp per node marks what the current search has seen, so that starting one
   costs nothing however large the graph. */
struct bfs {
    size_t *stamp, *parent, *queue;
    size_t round;
};

/* A binary heap of item numbers; `before` orders them. */
struct heap {
    size_t *item;
    size_t count;
    bool (*before)(const void *ctx, size_t x, size_t y);
    const void *ctx;
};

/* The deterministic preference among edges: by (table of `from`, column), then input order. */
struct edge_key {
    const char *table, *column;
    bool required;
    size_t edge;    /* the caller's index: a graph edge or a component-local one */
};

/* One strongly connected component of the remaining graph, numbered from 0. */
struct part {
    size_t n, m;
    size_t *edge;           /* local edge -> graph edge */
    size_t *src, *dst;      /* local ends */
    bool *fixed;            /* immediate: may not be cut */
    const char **name;      /* per local node, for ties */
};

/* Builds adjacency from edge i = src[i] -> dst[i]; edges with src[i] == NONE are left out. */
void csr_build(struct csr *g, struct arena *w, size_t n, size_t m, const size_t *src,
               const size_t *dst);
/* Adjacency of the selected edges, nodes renamed through map (NULL: as they are); an edge whose
   ends fall on one node is dropped. reverse: listed under `to`, pointing at `from`. */
void csr_select(struct csr *c, struct arena *w, size_t n, const struct fk_graph *g,
                const bool *sel, const size_t *map, bool reverse);
/* Strongly connected components by Tarjan's algorithm with an explicit stack (a chain of
   thousands of tables would overflow the C stack). Returns how many; comp[v] says which. */
size_t scc(const struct csr *g, struct arena *w, size_t *comp);
void bfs_init(struct bfs *b, struct arena *w, size_t n);
void heap_push(struct heap *h, size_t x);
size_t heap_pop(struct heap *h);
struct edge_key key_of(const struct fk_graph *g, size_t e, size_t edge);
int key_cmp(const void *p, const void *q);
/* Required edges first: the order in which cut edges are offered back. */
int key_cmp_required_first(const void *p, const void *q);

/* Rule 3 on one component: marks in cut[] the fewest edges (preferring nullable ones, then
   by name) whose removal leaves it acyclic; fixed edges are never cut. */
void fas_cut_exact(const struct part *p, const struct fk_graph *g, struct arena *w, bool *cut);
/* The same by a greedy ordering, for components too large for the exact search. */
void fas_cut_greedy(const struct part *p, const struct fk_graph *g, struct arena *w, bool *cut);

#endif
