/* The foreign-key cycle analyzer (SPEC section 4) as a plain graph algorithm, kept apart from
   the schema so that it can be property-tested on generated graphs. analyze.c is the glue. */
#ifndef MODELGEN_CYCLES_H
#define MODELGEN_CYCLES_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct arena;

struct fk_edge {
    size_t from, to;        /* node indices: the table with the column -> the referenced one */
    bool nullable;
    enum fk_mode mode;      /* never FK_NONE; self-loops are best left out (they are never
                               deferred unless declared, and make no cycle) */
    const char *column;     /* for deterministic tie-breaks */

    /* results */
    enum defer_reason defer;
    /* For DEFER_REQUIRED_CYCLE and DEFER_BREAKS_CYCLE (NULL otherwise): a simple cycle
       through this edge, as node indices from, to, ..., the predecessor of from. A required
       cycle runs over required edges only; a broken one over the edges rules 1, 2 and 4 left.
       It is a shortest one, except that a cycle of more than 8 tables found for one edge is
       shared by the edges after it on it that were deferred for the same reason (their
       arrays are slices of one buffer, so a ring of n keys costs O(n), not O(n^2)), and
       that on huge graphs, once searching has cost 16 steps per node and edge, the rest come
       from BFS trees: still simple cycles through the edge, but not always shortest. */
    size_t *cycle;
    size_t cycle_len;
};

struct fk_graph {
    size_t nnodes;
    const char **names;     /* table names, for deterministic ties */
    struct fk_edge *edges;
    size_t nedges;
};

/* A cycle of 'immediate' edges, which nothing may break: an error for the caller to report. */
struct fk_cycle {
    size_t *nodes;          /* nodes[0] is edges[edge].from, nodes[1] its to */
    size_t len;
    size_t edge;            /* an edge on it */
};

/* Components with at most this many deferrable edges get an exact minimum; larger ones the
   greedy heuristic. Capped at 20 internally; tests lower it to check the heuristic. */
extern size_t cycles_exact_limit;

/* Decides every edge's defer (and cycle); returns the unbreakable cycles, one per group of
   tables joined by immediate cycles (none: *ncycles = 0). Results are allocated from a. */
void cycles_analyze(struct fk_graph *g, struct arena *a, struct fk_cycle **cycles,
                    size_t *ncycles);

/* Node indices in creation order: for every non-deferred edge, `to` before `from`; ties by
   name. Call after cycles_analyze. Should a cycle remain (only after an unbreakable-cycle
   error), the smallest name still waiting is forced out and the order goes on from there. */
size_t *cycles_create_order(const struct fk_graph *g, struct arena *a);

#endif
