/* Rule 3 of the cycle analyzer: the fewest further edges to defer in one strongly connected
   component, exactly on small components and by the Eades-Lin-Smyth greedy ordering on
   large ones. */
#include <stdlib.h>

#include "fk_graph.h"

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
void fas_cut_exact(const struct part *p, const struct fk_graph *g, struct arena *w, bool *cut)
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

void fas_cut_greedy(const struct part *p, const struct fk_graph *g, struct arena *w,
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
