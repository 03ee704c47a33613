/* The cycle analyzer on hand-built graphs (one per rule of SPEC section 4), on thousands of
   random small graphs checked against brute force, and on large components for speed. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cycles.h"
#include "tap.h"
#include "util.h"

enum { MAX_EDGES = 64 };

struct graph {
    struct fk_graph g;
    struct fk_edge edges[MAX_EDGES];
    const char *names[8];
    struct fk_cycle *cycles;
    size_t ncycles;
    struct arena *a;
};

static void graph_init(struct graph *t, const char *const *names, size_t n)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++)
        t->names[i] = names[i];
    t->g = (struct fk_graph){n, t->names, t->edges, 0};
}

static size_t edge(struct graph *t, size_t from, size_t to, bool nullable, enum fk_mode mode,
                   const char *column)
{
    t->edges[t->g.nedges] = (struct fk_edge){from, to, nullable, mode, column, DEFER_NOT, NULL, 0};
    return t->g.nedges++;
}

static void analyze(struct graph *t)
{
    if (!t->a)
        t->a = arena_new();
    cycles_analyze(&t->g, t->a, &t->cycles, &t->ncycles);
}

static size_t count_defer(const struct graph *t, enum defer_reason r)
{
    size_t n = 0;
    for (size_t e = 0; e < t->g.nedges; e++)
        n += t->edges[e].defer == r;
    return n;
}

/* The cycle as "a -> b -> a", or "" when there is none. */
static const char *spell(const struct graph *t, const size_t *nodes, size_t len)
{
    static char text[256];
    text[0] = '\0';
    for (size_t i = 0; nodes && i <= len; i++) {
        strcat(text, t->names[nodes[i % len]]);
        if (i < len)
            strcat(text, " -> ");
    }
    return text;
}

static const char *cycle_of(const struct graph *t, size_t e)
{
    return spell(t, t->edges[e].cycle, t->edges[e].cycle_len);
}

/* The creation order as "a b c". */
static const char *order_text(struct graph *t)
{
    static char text[256];
    size_t *order = cycles_create_order(&t->g, t->a);
    text[0] = '\0';
    for (size_t i = 0; i < t->g.nnodes; i++) {
        strcat(text, t->names[order[i]]);
        if (i + 1 < t->g.nnodes)
            strcat(text, " ");
    }
    return text;
}

static void graph_done(struct graph *t)
{
    arena_free(t->a);
}

static const char *const USERS_PROFILES[] = {"users", "profiles"};
static const char *const ABC[] = {"a", "b", "c", "d", "e", "f", "g"};

static void test_seed(void)
{
    struct graph t;
    graph_init(&t, USERS_PROFILES, 2);
    size_t profile = edge(&t, 0, 1, true, FK_AUTO, "profile_id");
    size_t created_by = edge(&t, 1, 0, false, FK_AUTO, "created_by_user_id");
    analyze(&t);
    is_int(t.edges[profile].defer, DEFER_BREAKS_CYCLE, "seed: users.profile_id breaks the cycle");
    is_int(t.edges[created_by].defer, DEFER_NOT, "seed: profiles.created_by_user_id stays");
    is_str(cycle_of(&t, profile), "users -> profiles -> users", "seed: the cycle it breaks");
    is_int(t.ncycles, 0, "seed: no unbreakable cycle");
    is_str(order_text(&t), "users profiles", "seed: users first, profiles reference them");
    graph_done(&t);
}

static void test_three_cycle(void)
{
    struct graph t;
    graph_init(&t, ABC, 3);
    size_t ab = edge(&t, 0, 1, true, FK_AUTO, "b_id");
    size_t bc = edge(&t, 1, 2, false, FK_AUTO, "c_id");
    size_t ca = edge(&t, 2, 0, true, FK_AUTO, "a_id");
    analyze(&t);
    is_int(t.edges[ab].defer, DEFER_BREAKS_CYCLE,
           "three: a.b_id (nullable, first by table) breaks it");
    is_int(t.edges[bc].defer + t.edges[ca].defer, DEFER_NOT, "three: nothing else is deferred");
    is_str(cycle_of(&t, ab), "a -> b -> c -> a", "three: the cycle is spelled from a");
    is_str(order_text(&t), "a c b", "three: order follows b -> c -> a");
    graph_done(&t);
}

static void test_shared_table(void)
{
    static const char *const names[] = {"users", "profiles", "teams"};
    struct graph t;
    graph_init(&t, names, 3);
    edge(&t, 0, 1, false, FK_AUTO, "profile_id");
    size_t owner = edge(&t, 1, 0, true, FK_AUTO, "owner_id");
    edge(&t, 0, 2, false, FK_AUTO, "team_id");
    size_t lead = edge(&t, 2, 0, true, FK_AUTO, "lead_id");
    analyze(&t);
    is_int(count_defer(&t, DEFER_BREAKS_CYCLE), 2, "shared table: two cycles, two edges");
    ok(t.edges[owner].defer == DEFER_BREAKS_CYCLE && t.edges[lead].defer == DEFER_BREAKS_CYCLE,
       "shared table: the nullable back references are the ones deferred");
    is_str(cycle_of(&t, lead), "teams -> users -> teams", "shared table: teams.lead_id's cycle");

    /* two cycles sharing an edge: one deferral breaks both, even a required one beats two */
    graph_done(&t);
    graph_init(&t, ABC, 3);
    size_t xy = edge(&t, 0, 1, false, FK_AUTO, "b_id");
    edge(&t, 1, 0, true, FK_AUTO, "a_id");
    edge(&t, 1, 2, true, FK_AUTO, "c_id");
    edge(&t, 2, 0, true, FK_AUTO, "a_id");
    analyze(&t);
    is_int(count_defer(&t, DEFER_BREAKS_CYCLE), 1, "shared edge: one deferral is enough");
    is_int(t.edges[xy].defer, DEFER_BREAKS_CYCLE, "shared edge: the shared (required) edge");
    is_str(cycle_of(&t, xy), "a -> b -> a", "shared edge: the shortest cycle is named");
    graph_done(&t);
}

static void test_required_cycles(void)
{
    struct graph t;
    graph_init(&t, ABC, 5);
    size_t ab = edge(&t, 0, 1, false, FK_AUTO, "b_id");
    size_t ba = edge(&t, 1, 0, false, FK_AUTO, "a_id");
    size_t cd = edge(&t, 2, 3, false, FK_AUTO, "d_id");
    size_t de = edge(&t, 3, 4, false, FK_AUTO, "e_id");
    size_t ec = edge(&t, 4, 2, false, FK_AUTO, "c_id");
    size_t ea = edge(&t, 4, 0, true, FK_AUTO, "x_id");    /* nullable: on no required cycle */
    analyze(&t);
    is_int(count_defer(&t, DEFER_REQUIRED_CYCLE), 5, "required: every edge of both cycles");
    is_int(t.edges[ea].defer, DEFER_NOT, "required: the nullable bridge stays");
    is_str(cycle_of(&t, ab), "a -> b -> a", "required: a.b_id's cycle");
    is_str(cycle_of(&t, ba), "b -> a -> b", "required: b.a_id's cycle starts at b");
    is_str(cycle_of(&t, cd), "c -> d -> e -> c", "required: three-cycle from c");
    is_str(cycle_of(&t, de), "d -> e -> c -> d", "required: three-cycle from d");
    is_str(cycle_of(&t, ec), "e -> c -> d -> e", "required: three-cycle from e");
    is_int(count_defer(&t, DEFER_BREAKS_CYCLE), 0, "required: nothing more to break");
    graph_done(&t);
}

static void test_declared(void)
{
    struct graph t;
    graph_init(&t, USERS_PROFILES, 2);
    size_t profile = edge(&t, 0, 1, true, FK_DEFERRED, "profile_id");
    size_t created_by = edge(&t, 1, 0, false, FK_AUTO, "created_by_user_id");
    analyze(&t);
    is_int(t.edges[profile].defer, DEFER_DECLARED, "declared: deferred as written");
    ok(t.edges[profile].cycle == NULL, "declared: no cycle to name");
    is_int(t.edges[created_by].defer, DEFER_NOT, "declared: it already breaks the cycle");

    graph_done(&t);
    graph_init(&t, ABC, 2);
    size_t lone = edge(&t, 0, 1, false, FK_DEFERRED, "b_id");
    analyze(&t);
    is_int(t.edges[lone].defer, DEFER_DECLARED, "declared: deferred even on no cycle");
    is_str(order_text(&t), "a b", "declared: a deferred key imposes no order");
    graph_done(&t);
}

static void test_immediate(void)
{
    struct graph t;
    graph_init(&t, USERS_PROFILES, 2);
    size_t profile = edge(&t, 0, 1, true, FK_IMMEDIATE, "profile_id");
    size_t created_by = edge(&t, 1, 0, false, FK_AUTO, "created_by_user_id");
    analyze(&t);
    is_int(t.edges[profile].defer, DEFER_NOT, "immediate: never deferred, though nullable");
    is_int(t.edges[created_by].defer, DEFER_BREAKS_CYCLE,
           "immediate: the only other edge is deferred, though required");
    is_int(t.ncycles, 0, "immediate: the cycle could be broken");
    is_str(order_text(&t), "profiles users", "immediate: profiles first");

    graph_done(&t);
    graph_init(&t, ABC, 2);
    size_t ab = edge(&t, 0, 1, false, FK_IMMEDIATE, "b_id");
    size_t ba = edge(&t, 1, 0, false, FK_AUTO, "a_id");
    analyze(&t);
    is_int(t.edges[ab].defer, DEFER_NOT, "immediate on a required cycle: not deferred");
    is_int(t.edges[ba].defer, DEFER_REQUIRED_CYCLE, "immediate on a required cycle: the other is");
    is_int(t.ncycles, 0, "immediate on a required cycle: no error");
    graph_done(&t);
}

static void test_unbreakable(void)
{
    struct graph t;
    graph_init(&t, ABC, 5);
    size_t ab = edge(&t, 0, 1, true, FK_IMMEDIATE, "b_id");
    size_t bc = edge(&t, 1, 2, false, FK_IMMEDIATE, "c_id");
    size_t ca = edge(&t, 2, 0, true, FK_IMMEDIATE, "a_id");
    size_t ba = edge(&t, 1, 0, true, FK_AUTO, "a_id");  /* inside the immediate cycle */
    size_t ad = edge(&t, 0, 3, true, FK_AUTO, "d_id");
    size_t da = edge(&t, 3, 0, false, FK_AUTO, "a_id");
    analyze(&t);
    is_int(t.ncycles, 1, "unbreakable: one cycle reported");
    if (t.ncycles == 1) {
        is_int(t.cycles[0].edge, ab, "unbreakable: found from its first edge");
        is_str(spell(&t, t.cycles[0].nodes, t.cycles[0].len), "a -> b -> c -> a",
               "unbreakable: spelled out");
    }
    ok(t.edges[ab].defer == DEFER_NOT && t.edges[bc].defer == DEFER_NOT &&
       t.edges[ca].defer == DEFER_NOT, "unbreakable: its edges stay immediate");
    is_int(t.edges[ba].defer, DEFER_NOT, "unbreakable: nothing inside it is deferred");
    is_int(t.edges[ad].defer, DEFER_BREAKS_CYCLE, "unbreakable: the cycle beside it is broken");
    is_int(t.edges[da].defer, DEFER_NOT, "unbreakable: by its nullable edge only");
    is_str(order_text(&t), "e a c b d", "unbreakable: the order still lists every table once");
    graph_done(&t);
}

static void test_ties(void)
{
    struct graph t;
    graph_init(&t, ABC, 2);
    edge(&t, 1, 0, true, FK_AUTO, "a_id");
    size_t az = edge(&t, 0, 1, true, FK_AUTO, "z_id");
    analyze(&t);
    is_int(t.edges[az].defer, DEFER_BREAKS_CYCLE, "ties: by table name before column");

    /* a -> b twice and b -> a: one required deferral beats two nullable ones */
    graph_done(&t);
    graph_init(&t, ABC, 2);
    edge(&t, 0, 1, true, FK_AUTO, "x_id");
    edge(&t, 0, 1, true, FK_AUTO, "y_id");
    size_t ba = edge(&t, 1, 0, false, FK_AUTO, "a_id");
    analyze(&t);
    is_int(count_defer(&t, DEFER_BREAKS_CYCLE), 1, "ties: fewest edges first");
    is_int(t.edges[ba].defer, DEFER_BREAKS_CYCLE, "ties: then the required one");

    /* equal sizes: a nullable edge wins over a required one with a smaller name */
    graph_done(&t);
    graph_init(&t, ABC, 3);
    edge(&t, 0, 1, false, FK_AUTO, "b_id");
    size_t bc = edge(&t, 1, 2, true, FK_AUTO, "c_id");
    edge(&t, 2, 0, false, FK_AUTO, "a_id");
    analyze(&t);
    is_int(count_defer(&t, DEFER_BREAKS_CYCLE), 1, "ties: one edge of three");
    is_int(t.edges[bc].defer, DEFER_BREAKS_CYCLE, "ties: b.c_id (nullable) over a.b_id");
    is_str(order_text(&t), "b a c", "ties: create order");

    /* equal sizes and required counts: the first by table name */
    graph_done(&t);
    graph_init(&t, ABC, 3);
    size_t ab = edge(&t, 0, 1, false, FK_AUTO, "z_id");
    edge(&t, 1, 2, false, FK_AUTO, "a_id");
    edge(&t, 2, 0, true, FK_IMMEDIATE, "a_id");
    analyze(&t);
    is_int(t.edges[ab].defer, DEFER_BREAKS_CYCLE, "ties: two required candidates, a's first");
    is_int(count_defer(&t, DEFER_BREAKS_CYCLE), 1, "ties: and only it");

    /* five tables, every pair both ways: 20 candidates, the exact search's limit */
    graph_done(&t);
    graph_init(&t, ABC, 5);
    for (size_t u = 0; u < 5; u++)
        for (size_t v = 0; v < 5; v++)
            if (u != v)
                edge(&t, u, v, true, FK_AUTO, ABC[v]);
    clock_t start = clock();
    analyze(&t);
    is_int(count_defer(&t, DEFER_BREAKS_CYCLE), 10, "complete graph: one edge of each pair");
    printf("# complete graph on 5 tables (20 candidates) solved in %.1f ms\n",
           (double)(clock() - start) * 1000 / CLOCKS_PER_SEC);
    graph_done(&t);
}

static void test_self_loop(void)
{
    struct graph t;
    graph_init(&t, ABC, 2);
    size_t bb = edge(&t, 1, 1, false, FK_AUTO, "b_id");
    size_t aa = edge(&t, 0, 0, false, FK_IMMEDIATE, "a_id");
    edge(&t, 0, 1, false, FK_AUTO, "b_id");
    analyze(&t);
    ok(t.edges[aa].defer == DEFER_NOT && t.edges[bb].defer == DEFER_NOT && t.ncycles == 0,
       "self-loops: neither deferred nor reported");
    is_str(order_text(&t), "b a", "self-loops: no effect on the order");
    graph_done(&t);
}

static void test_order(void)
{
    static const char *const names[] = {"zebras", "apples", "mangos", "kiwis"};
    struct graph t;
    graph_init(&t, names, 4);
    is_str((analyze(&t), order_text(&t)), "apples kiwis mangos zebras", "order: by name");
    edge(&t, 1, 0, false, FK_AUTO, "zebra_id");
    edge(&t, 3, 2, true, FK_AUTO, "mango_id");
    analyze(&t);
    is_str(order_text(&t), "mangos kiwis zebras apples", "order: referenced tables first");
    graph_done(&t);
}

/* ---- random small graphs checked against brute force ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rng(uint32_t bound)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 33) % bound;
}

static const char *const COLUMNS[] = {"a_id", "b_id", "c_id", "d_id", "e_id", "f_id", "g_id",
                                      "h_id", "i_id", "j_id", "k_id", "l_id"};

static void random_graph(struct graph *t, bool allow_immediate)
{
    graph_init(t, ABC, 2 + rng(6));
    size_t m = rng(11), n = t->g.nnodes;
    unsigned nullable_pct = 20 + rng(70);
    for (size_t i = 0; i < m; i++) {
        size_t from = rng((uint32_t)n), to = (from + 1 + rng((uint32_t)n - 1)) % n;
        uint32_t r = rng(100);
        enum fk_mode mode = r < 15                      ? FK_DEFERRED
                            : r < 35 && allow_immediate ? FK_IMMEDIATE
                                                        : FK_AUTO;
        edge(t, from, to, rng(100) < nullable_pct, mode, COLUMNS[i]);
    }
}

/* Whether the edges in `keep` (a mask) leave a cycle, with nodes merged by group[]. */
static bool has_cycle(const struct graph *t, uint64_t keep, const size_t *group)
{
    uint32_t in[8] = {0}, alive = 0;
    for (size_t v = 0; v < t->g.nnodes; v++)
        alive |= 1u << group[v];
    for (size_t e = 0; e < t->g.nedges; e++) {
        size_t u = group[t->edges[e].from], v = group[t->edges[e].to];
        if (keep >> e & 1 && u != v)
            in[v] |= 1u << u;
    }
    for (bool progress = true; progress;) {
        progress = false;
        for (size_t v = 0; v < 8; v++)
            if (alive >> v & 1 && !(in[v] & alive)) {
                alive &= ~(1u << v);
                progress = true;
            }
    }
    return alive != 0;
}

static uint64_t edges_where(const struct graph *t, bool (*pred)(const struct fk_edge *))
{
    uint64_t mask = 0;
    for (size_t e = 0; e < t->g.nedges; e++)
        if (pred(&t->edges[e]))
            mask |= (uint64_t)1 << e;
    return mask;
}

static bool is_kept(const struct fk_edge *e) { return e->defer == DEFER_NOT; }
static bool is_required(const struct fk_edge *e) { return !e->nullable; }
static bool is_immediate(const struct fk_edge *e) { return e->mode == FK_IMMEDIATE; }
static bool is_cut(const struct fk_edge *e) { return e->defer == DEFER_BREAKS_CYCLE; }
static bool is_breakable(const struct fk_edge *e)
{
    return e->defer == DEFER_NOT || e->defer == DEFER_BREAKS_CYCLE;
}

/* reach[u] has bit v when v is reachable from u over the edges in mask (one step or more). */
static void reach(const struct graph *t, uint64_t mask, uint32_t *out)
{
    size_t n = t->g.nnodes;
    for (size_t v = 0; v < n; v++)
        out[v] = 0;
    for (size_t e = 0; e < t->g.nedges; e++)
        if (mask >> e & 1)
            out[t->edges[e].from] |= 1u << t->edges[e].to;
    for (size_t k = 0; k < n; k++)
        for (size_t u = 0; u < n; u++)
            if (out[u] >> k & 1)
                out[u] |= out[k];
}

/* Shortest distance from u to v over the edges in mask, by BFS on a matrix. */
static size_t distance(const struct graph *t, uint64_t mask, size_t u, size_t v)
{
    uint32_t frontier = 1u << u, seen = frontier;
    for (size_t d = 0; frontier; d++) {
        if (frontier >> v & 1)
            return d;
        uint32_t next = 0;
        for (size_t e = 0; e < t->g.nedges; e++)
            if (mask >> e & 1 && frontier >> t->edges[e].from & 1)
                next |= 1u << t->edges[e].to;
        frontier = next & ~seen;
        seen |= next;
    }
    return SIZE_MAX;
}

static int popcount(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* The edges of mask, as bits numbered by their rank in (table of `from`, column) order. */
static uint64_t by_rank(const struct graph *t, uint64_t mask)
{
    uint64_t ranked = 0;
    for (size_t e = 0; e < t->g.nedges; e++) {
        size_t rank = 0;
        for (size_t f = 0; f < t->g.nedges; f++) {
            int c = strcmp(t->names[t->edges[f].from], t->names[t->edges[e].from]);
            rank += c < 0 || (c == 0 && strcmp(t->edges[f].column, t->edges[e].column) < 0);
        }
        if (mask >> e & 1)
            ranked |= (uint64_t)1 << rank;
    }
    return ranked;
}

/* Whether set x comes before y among sets of one size: its first key where they differ is
   the smaller. */
static bool lex_before(const struct graph *t, uint64_t x, uint64_t y)
{
    uint64_t diff = by_rank(t, x) ^ by_rank(t, y);
    return (by_rank(t, x) & diff & (~diff + 1)) != 0;
}

/* The set of edges of `cand` that rule 3 must defer, by trying them all: removing it from
   `all` leaves no cycle; it is the smallest such, then has the fewest required edges, then
   comes first by key. */
static uint64_t brute_force(const struct graph *t, uint64_t all, uint64_t cand,
                            const size_t *group)
{
    uint64_t required = edges_where(t, is_required), best = 0;
    int best_size = 99, best_required = 99;
    for (uint64_t s = 0; s < (uint64_t)1 << t->g.nedges; s++) {
        if ((s & cand) != s || has_cycle(t, all & ~s, group))
            continue;
        int size = popcount(s), req = popcount(s & required);
        if (size < best_size || (size == best_size && req < best_required) ||
            (size == best_size && req == best_required && lex_before(t, s, best))) {
            best = s;
            best_size = size;
            best_required = req;
        }
    }
    return best;
}

static bool has_edge(const struct graph *t, uint64_t mask, size_t u, size_t v)
{
    for (size_t e = 0; e < t->g.nedges; e++)
        if (mask >> e & 1 && t->edges[e].from == u && t->edges[e].to == v)
            return true;
    return false;
}

/* Whether nodes, as a cycle, runs over edges in mask and starts with edge e. */
static bool is_cycle_through(const struct graph *t, uint64_t mask, size_t e,
                             const size_t *nodes, size_t len)
{
    if (!nodes || len < 2 || nodes[0] != t->edges[e].from || nodes[1] != t->edges[e].to)
        return false;
    for (size_t i = 1; i < len; i++)
        if (!has_edge(t, mask, nodes[i], nodes[(i + 1) % len]))
            return false;
    return true;
}

/* Whether every edge deferred for reason r names a shortest cycle through it in mask. */
static bool cycles_valid(const struct graph *t, uint64_t mask, enum defer_reason r)
{
    for (size_t e = 0; e < t->g.nedges; e++) {
        const struct fk_edge *x = &t->edges[e];
        if (x->defer == r && (!is_cycle_through(t, mask, e, x->cycle, x->cycle_len) ||
                              x->cycle_len != 1 + distance(t, mask, x->to, x->from)))
            return false;
    }
    return true;
}

/* The greedy heuristic on shapes whose answer is known. */
static void test_greedy(void)
{
    static const char *const names[] = {"a", "b", "c", "x", "y"};
    static const char *const chain_names[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
    struct graph t;
    cycles_exact_limit = 0;
    graph_init(&t, chain_names, 8);
    for (size_t i = 0; i + 1 < 8; i++) {
        edge(&t, i, i + 1, false, FK_AUTO, "next_id");
        edge(&t, i + 1, i, true, FK_AUTO, "prev_id");
    }
    analyze(&t);
    bool only_nullable = count_defer(&t, DEFER_BREAKS_CYCLE) == 7;
    for (size_t e = 0; e < t.g.nedges; e++)
        only_nullable &= (t.edges[e].defer == DEFER_BREAKS_CYCLE) == t.edges[e].nullable;
    ok(only_nullable, "greedy: a chain both ways loses exactly its nullable keys");

    /* x has the most keys out, but an immediate key into it from y must stay forward */
    graph_done(&t);
    graph_init(&t, names, 5);
    size_t yx = edge(&t, 4, 3, true, FK_IMMEDIATE, "x_id");
    for (size_t v = 0; v < 3; v++) {
        edge(&t, 3, v, true, FK_AUTO, names[v]);
        edge(&t, v, 4, true, FK_AUTO, "y_id");
    }
    edge(&t, 3, 4, true, FK_AUTO, "y_id");
    analyze(&t);
    uint64_t kept = 0;
    for (size_t e = 0; e < t.g.nedges; e++)
        kept |= (uint64_t)(t.edges[e].defer == DEFER_NOT) << e;
    size_t ident[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    ok(t.edges[yx].defer == DEFER_NOT && !has_cycle(&t, kept, ident),
       "greedy: the immediate key stays and no cycle is left");
    graph_done(&t);
    cycles_exact_limit = 20;
}

enum property {
    P_ACYCLIC, P_IMMEDIATE, P_STABLE, P_MINIMUM, P_ORDER, P_RULES, P_CYCLES, P_REPORTED,
    P_PERMUTED, P_COUNT
};

static const char *const PROPERTY[P_COUNT] = {
    "(a) the kept edges form no cycle unless an unbreakable one is reported",
    "(b) no immediate edge is deferred",
    "(c) a second run gives identical results",
    "(d) the cycle-breaking set is a minimum (exact: the fewest required, then first by key)",
    "(e) the create order puts `to` before `from` for every kept edge",
    "rules 1 and 2 defer exactly the declared and all-required-cycle edges; no other has a cycle",
    "each deferred edge names a shortest cycle through it",
    "each immediate-only cycle is reported once, spelled out",
    "the decisions do not depend on the order of the edges",
};

/* group[v]: the smallest node on an immediate cycle with v (v itself if none). */
static void immediate_groups(const struct graph *t, size_t *group, size_t *ngroups)
{
    uint32_t r[8];
    reach(t, edges_where(t, is_immediate), r);
    *ngroups = 0;
    for (size_t v = 0; v < t->g.nnodes; v++) {
        group[v] = v;
        for (size_t u = 0; u < v && group[v] == v; u++)
            if (r[u] >> v & 1 && r[v] >> u & 1)
                group[v] = u;
        *ngroups += group[v] == v && r[v] >> v & 1;
    }
}

static bool same_results(const struct graph *x, const struct graph *y)
{
    if (x->ncycles != y->ncycles)
        return false;
    for (size_t e = 0; e < x->g.nedges; e++) {
        const struct fk_edge *p = &x->edges[e], *q = &y->edges[e];
        if (p->defer != q->defer || p->cycle_len != q->cycle_len ||
            (p->cycle_len && memcmp(p->cycle, q->cycle, p->cycle_len * sizeof *p->cycle)))
            return false;
    }
    return true;
}

static bool order_valid(struct graph *t)
{
    size_t *order = cycles_create_order(&t->g, t->a), pos[8];
    uint32_t seen = 0;
    for (size_t i = 0; i < t->g.nnodes; i++) {
        seen |= 1u << order[i];
        pos[order[i]] = i;
    }
    if (seen != (1u << t->g.nnodes) - 1)
        return false;
    for (size_t e = 0; e < t->g.nedges && !t->ncycles; e++)
        if (t->edges[e].defer == DEFER_NOT && pos[t->edges[e].to] > pos[t->edges[e].from])
            return false;
    return true;
}

static bool rules_hold(const struct graph *t)
{
    uint32_t r[8];
    reach(t, edges_where(t, is_required), r);
    for (size_t e = 0; e < t->g.nedges; e++) {
        const struct fk_edge *x = &t->edges[e];
        bool on_required = !x->nullable && r[x->to] >> x->from & 1;
        if ((x->mode == FK_DEFERRED) != (x->defer == DEFER_DECLARED) ||
            (x->mode == FK_AUTO && on_required) != (x->defer == DEFER_REQUIRED_CYCLE) ||
            (x->defer == DEFER_BREAKS_CYCLE && x->mode != FK_AUTO) ||
            ((x->defer == DEFER_NOT || x->defer == DEFER_DECLARED) && (x->cycle || x->cycle_len)))
            return false;
    }
    return true;
}

static bool reported_valid(const struct graph *t, size_t ngroups)
{
    uint64_t immediate = edges_where(t, is_immediate);
    if (t->ncycles != ngroups)
        return false;
    for (size_t i = 0; i < t->ncycles; i++) {
        const struct fk_cycle *k = &t->cycles[i];
        if (!(immediate >> k->edge & 1) ||
            !is_cycle_through(t, immediate, k->edge, k->nodes, k->len))
            return false;
    }
    return true;
}

/* The same graph with its edges shuffled; compares the decisions edge by edge. */
static bool permutation_agrees(const struct graph *t)
{
    struct graph u;
    size_t perm[MAX_EDGES];
    graph_init(&u, t->names, t->g.nnodes);
    for (size_t e = 0; e < t->g.nedges; e++)
        perm[e] = e;
    for (size_t e = t->g.nedges; e > 1; e--) {
        size_t j = rng((uint32_t)e), swap = perm[e - 1];
        perm[e - 1] = perm[j];
        perm[j] = swap;
    }
    for (size_t e = 0; e < t->g.nedges; e++) {
        const struct fk_edge *x = &t->edges[perm[e]];
        edge(&u, x->from, x->to, x->nullable, x->mode, x->column);
    }
    analyze(&u);
    bool same = u.ncycles == t->ncycles;
    for (size_t e = 0; e < t->g.nedges; e++)
        same = same && u.edges[e].defer == t->edges[perm[e]].defer;
    graph_done(&u);
    return same;
}

/* Every property that fails for t, as bits; *extra adds up deferrals above the minimum. */
static unsigned check_graph(struct graph *t, bool exact, size_t *extra)
{
    unsigned failed = 0;
    struct graph again = *t;
    again.g.edges = again.edges;
    again.g.names = again.names;
    again.a = NULL;
    analyze(t);
    size_t group[8], ngroups, ident[8];
    immediate_groups(t, group, &ngroups);
    for (size_t v = 0; v < 8; v++)
        ident[v] = v;
    uint64_t kept = edges_where(t, is_kept), breakable = edges_where(t, is_breakable);
    uint64_t immediate = edges_where(t, is_immediate);
    if (has_cycle(t, kept, t->ncycles ? group : ident) ||
        (t->ncycles != 0) != has_cycle(t, immediate, ident))
        failed |= 1u << P_ACYCLIC;
    if (immediate & ~kept)
        failed |= 1u << P_IMMEDIATE;
    analyze(&again);
    bool stable = same_results(t, &again);
    analyze(t);     /* the same graph, analysed in place once more */
    if (!stable || !same_results(t, &again))
        failed |= 1u << P_STABLE;
    graph_done(&again);

    uint64_t cut = edges_where(t, is_cut);
    uint64_t best = brute_force(t, breakable, breakable & ~immediate, group);
    *extra += (size_t)(popcount(cut) - popcount(best));
    if (exact ? cut != best : popcount(cut) < popcount(best))
        failed |= 1u << P_MINIMUM;
    for (size_t e = 0; e < t->g.nedges && !exact; e++)   /* no cut the heuristic could undo */
        if (t->edges[e].defer == DEFER_BREAKS_CYCLE &&
            !has_cycle(t, kept | (uint64_t)1 << e, group))
            failed |= 1u << P_MINIMUM;
    if (!order_valid(t))
        failed |= 1u << P_ORDER;
    if (!rules_hold(t))
        failed |= 1u << P_RULES;
    if (!cycles_valid(t, edges_where(t, is_required), DEFER_REQUIRED_CYCLE) ||
        !cycles_valid(t, breakable, DEFER_BREAKS_CYCLE))
        failed |= 1u << P_CYCLES;
    if (!reported_valid(t, ngroups))
        failed |= 1u << P_REPORTED;
    if (exact && !permutation_agrees(t))
        failed |= 1u << P_PERMUTED;
    return failed;
}

static void test_random(bool exact, int rounds)
{
    size_t failures[P_COUNT] = {0}, extra = 0, cuts = 0;
    int first_failure[P_COUNT];
    cycles_exact_limit = exact ? 20 : 0;
    rng_state = exact ? 0x9e3779b97f4a7c15u : 0x2545f4914f6cdd1du;
    for (int i = 0; i < rounds; i++) {
        struct graph t;
        random_graph(&t, i % 2 == 0);
        unsigned failed = check_graph(&t, exact, &extra);
        cuts += count_defer(&t, DEFER_BREAKS_CYCLE);
        for (int p = 0; p < P_COUNT; p++)
            if (failed >> p & 1 && !failures[p]++)
                first_failure[p] = i;
        graph_done(&t);
    }
    for (int p = 0; p < P_COUNT; p++) {
        if (p == P_PERMUTED && !exact)
            continue;
        ok(!failures[p], "%s random graphs: %s", exact ? "exact," : "heuristic,", PROPERTY[p]);
        if (failures[p])
            printf("#   %zu of %d graphs fail, the first is round %d\n", failures[p], rounds,
                   first_failure[p]);
    }
    if (!exact)
        printf("# heuristic: %zu deferrals where %zu were needed\n", cuts, cuts - extra);
    cycles_exact_limit = 20;
}

/* ---- large components: they must finish fast and leave no cycle ---- */

struct big {
    struct fk_graph g;
    struct arena *a;
    size_t cap;
};

static void big_edge(struct big *b, size_t from, size_t to, bool nullable, enum fk_mode mode,
                     const char *column)
{
    if (b->g.nedges < b->cap)
        b->g.edges[b->g.nedges++] = (struct fk_edge){from, to, nullable, mode, column,
                                                     DEFER_NOT, NULL, 0};
}

static double ms_since(clock_t start)
{
    return (double)(clock() - start) * 1000 / CLOCKS_PER_SEC;
}

struct pair {
    size_t from, to;
};

static int pair_cmp(const void *p, const void *q)
{
    const struct pair *x = p, *y = q;
    if (x->from != y->from)
        return (x->from > y->from) - (x->from < y->from);
    return (x->to > y->to) - (x->to < y->to);
}

/* The keys as sorted pairs, the required ones only or all, to look cycles' steps up in. */
static struct pair *big_pairs(const struct big *b, bool required_only, size_t *n)
{
    struct pair *p = arena_alloc(b->a, (b->g.nedges + 1) * sizeof *p);
    *n = 0;
    for (size_t e = 0; e < b->g.nedges; e++)
        if (!required_only || !b->g.edges[e].nullable)
            p[(*n)++] = (struct pair){b->g.edges[e].from, b->g.edges[e].to};
    qsort(p, *n, sizeof *p, pair_cmp);
    return p;
}

/* Whether an edge's cycle starts with it, visits each table once and steps along keys. */
static bool big_cycle_valid(const struct fk_edge *x, const struct pair *pairs, size_t npairs,
                            size_t *seen, size_t stamp)
{
    if (!x->cycle || x->cycle_len < 2 || x->cycle[0] != x->from || x->cycle[1] != x->to)
        return false;
    for (size_t i = 0; i < x->cycle_len; i++) {
        struct pair step = {x->cycle[i], x->cycle[(i + 1) % x->cycle_len]};
        if (seen[step.from] == stamp || !bsearch(&step, pairs, npairs, sizeof step, pair_cmp))
            return false;
        seen[step.from] = stamp;
    }
    return true;
}

static void big_build(struct big *b, size_t n, int shape)
{
    b->g.names = arena_alloc(b->a, n * sizeof *b->g.names);
    b->g.edges = arena_alloc(b->a, b->cap * sizeof *b->g.edges);
    for (size_t i = 0; i < n; i++)
        b->g.names[i] = arena_printf(b->a, "t%05zu", i);
    rng_state = 0x853c49e6748fea9bu + n + (size_t)shape;
    for (size_t i = 0; shape == 0 && i + 1 < n; i++) {
        big_edge(b, i, i + 1, false, FK_AUTO, "next_id");
        big_edge(b, i + 1, i, true, FK_AUTO, "prev_id");
    }
    for (size_t i = 0; shape == 1 && i < n; i++)    /* a few keys immediate or deferred */
        big_edge(b, i, (i + 1) % n, false, i % 97 == 1 ? FK_IMMEDIATE : i % 89 == 1 ?
                 FK_DEFERRED : FK_AUTO, "next_id");
    size_t extra = shape == 0 ? n / 50 : shape == 2 ? 3 * n : 0;
    for (size_t k = 0; k < extra; k++) {
        size_t from = rng((uint32_t)n), to = (from + 1 + rng((uint32_t)n - 1)) % n;
        /* the chain's extras only go backwards nullable: no cycle of required keys there */
        bool nullable = shape == 0 ? from > to || rng(2) : rng(3) == 0;
        big_edge(b, from, to, nullable, FK_AUTO, arena_printf(b->a, "extra%zu_id", k));
    }
}

/* n tables t00000.. in one component. Shape 0: a required key to the next table and a
   nullable one back, plus n/50 random keys; 1: a ring of required keys; 2: 3n random keys,
   a third of them nullable. */
static void test_scale(size_t n, int shape)
{
    static const char *const shape_name[] = {"chain with back keys", "required ring", "random"};
    struct big b = {{n, NULL, NULL, 0}, arena_new(), 3 * n + 8};
    big_build(&b, n, shape);
    struct fk_cycle *cycles;
    size_t ncycles, deferred[4] = {0}, modes[4] = {0};
    clock_t start = clock();
    cycles_analyze(&b.g, b.a, &cycles, &ncycles);
    double analysed = ms_since(start);
    start = clock();
    size_t *order = cycles_create_order(&b.g, b.a);
    double ordered = ms_since(start);

    size_t *pos = arena_alloc(b.a, n * sizeof *pos), misplaced = 0, placed = 0, bad_cycles = 0;
    size_t *seen = arena_alloc(b.a, n * sizeof *seen), nall, nrequired;
    struct pair *all = big_pairs(&b, false, &nall), *required = big_pairs(&b, true, &nrequired);
    for (size_t i = 0; i < n; i++)
        pos[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (pos[order[i]] == SIZE_MAX)
            pos[order[i]] = i, placed++;
    for (size_t e = 0; e < b.g.nedges; e++) {
        const struct fk_edge *x = &b.g.edges[e];
        deferred[x->defer]++;
        modes[x->mode]++;
        if (x->defer == DEFER_NOT || x->defer == DEFER_DECLARED)
            bad_cycles += x->cycle != NULL || x->cycle_len != 0;
        if (x->defer == DEFER_NOT)
            misplaced += pos[x->to] > pos[x->from];
        else if (x->defer == DEFER_DECLARED)
            continue;
        else if (shape == 1 && e >= 50)  /* the ring's edges share one long cycle */
            bad_cycles += x->cycle_len != n || x->cycle[0] != x->from || x->cycle[1] != x->to;
        else if (x->defer == DEFER_REQUIRED_CYCLE)
            bad_cycles += !big_cycle_valid(x, required, nrequired, seen, e + 1);
        else if (x->defer == DEFER_BREAKS_CYCLE)
            bad_cycles += !big_cycle_valid(x, all, nall, seen, e + 1);
    }
    is_int(ncycles, 0, "scale: no unbreakable cycle");
    ok(placed == n && misplaced == 0, "scale: %zu tables (%s): the kept keys form no cycle",
       n, shape_name[shape]);
    is_int(bad_cycles, 0, "scale: every key on a cycle names one through it, no other does");
    if (shape == 0)
        ok(deferred[DEFER_BREAKS_CYCLE] >= n - 1 && deferred[DEFER_REQUIRED_CYCLE] == 0,
           "scale: at least one key per pair of tables is deferred, as nothing is required");
    if (shape == 1)
        ok(deferred[DEFER_REQUIRED_CYCLE] == modes[FK_AUTO] &&
           deferred[DEFER_DECLARED] == modes[FK_DEFERRED] &&
           deferred[DEFER_NOT] == modes[FK_IMMEDIATE],
           "scale: the ring is one required cycle, but for its immediate and declared keys");
    printf("# %zu tables, %zu keys (%s): %zu break cycles, %zu on required cycles; "
           "analysed in %.1f ms, ordered in %.1f ms\n", n, b.g.nedges, shape_name[shape],
           deferred[DEFER_BREAKS_CYCLE], deferred[DEFER_REQUIRED_CYCLE], analysed, ordered);
    arena_free(b.a);
}

int main(void)
{
    test_seed();
    test_three_cycle();
    test_shared_table();
    test_required_cycles();
    test_declared();
    test_immediate();
    test_unbreakable();
    test_ties();
    test_order();
    test_self_loop();
    test_greedy();
    test_random(true, 4000);
    test_random(false, 4000);
    test_scale(4000, 0);
    test_scale(16000, 0);
    test_scale(16000, 1);
    test_scale(4000, 2);
    test_scale(16000, 2);
    return done_testing();
}
