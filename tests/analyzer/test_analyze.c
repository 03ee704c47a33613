/* analyze_schema on hand-built schemas: what lands in the model, the words used for it, and
   the diagnostics, without needing the parser or the checker. */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "tap.h"
#include "util.h"

enum { MAX_MODELS = 4000 };

struct fixture {
    struct arena *a;
    struct schema s;
    struct source src;
    struct diag d;
    FILE *out;
    char *printed;      /* what the diagnostics said, after run() */
    bool result;
};

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->a = arena_new();
    f->s.file = "test.model";
    f->s.models = arena_alloc(f->a, MAX_MODELS * sizeof *f->s.models);
    static const char text[] = "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\n";
    source_from_memory(&f->src, "test.model", text, sizeof text - 1);
    f->out = tmpfile();
    diag_init(&f->d, &f->src, f->out);
}

static void fixture_done(struct fixture *f)
{
    fclose(f->out);
    free(f->printed);
    source_free(&f->src);
    arena_free(f->a);
}

static struct model *model(struct fixture *f, const char *table)
{
    struct model *m = arena_alloc(f->a, sizeof *m);
    m->name = m->table = m->c_name = table;
    m->index = f->s.nmodels;
    m->assocs = arena_alloc(f->a, 4 * sizeof *m->assocs);
    f->s.models[f->s.nmodels++] = m;
    return m;
}

/* A belongs_to declared on `line` of the fake source. */
static struct assoc *belongs_to(struct fixture *f, struct model *owner, struct model *target,
                                const char *column, bool nullable, enum fk_mode mode, int line)
{
    struct assoc *as = arena_alloc(f->a, sizeof *as);
    *as = (struct assoc){.kind = ASSOC_BELONGS_TO, .name = column, .owner = owner,
                         .target = target, .pos = {line, 1, 4}, .nullable = nullable,
                         .column = column, .mode = mode};
    owner->assocs[owner->nassocs++] = as;
    return as;
}

static void run(struct fixture *f)
{
    f->result = analyze_schema(&f->s, f->a, &f->d);
    diag_flush(&f->d);
    long size = ftell(f->out);
    f->printed = calloc(1, (size_t)(size > 0 ? size : 0) + 1);
    rewind(f->out);
    if (size > 0 && fread(f->printed, 1, (size_t)size, f->out) != (size_t)size)
        f->printed[0] = '\0';
}

static const char *order(struct fixture *f)
{
    struct buf b = {0};
    for (size_t i = 0; i < f->s.nmodels; i++)
        buf_printf(&b, "%s%s", i ? " " : "", f->s.create_order[i]->table);
    const char *s = arena_strdup(f->a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

static const char *reason(struct fixture *f, const struct assoc *as)
{
    return defer_reason_text(as, f->a);
}

static void test_seed(void)
{
    struct fixture f;
    fixture_init(&f);
    struct model *users = model(&f, "users"), *profiles = model(&f, "profiles");
    struct assoc *profile = belongs_to(&f, users, profiles, "profile_id", true, FK_AUTO, 2);
    struct assoc *created = belongs_to(&f, profiles, users, "created_by_user_id", false,
                                       FK_AUTO, 5);
    run(&f);
    ok(f.result && f.d.errors == 0 && f.d.warnings == 0, "seed: no diagnostics");
    ok(f.s.analyzed, "seed: the schema is marked analysed");
    is_int(profile->defer, DEFER_BREAKS_CYCLE, "seed: users.profile_id is deferred");
    is_int(created->defer, DEFER_NOT, "seed: profiles.created_by_user_id is not");
    ok(profile->cycle_len == 2 && profile->cycle[0] == users && profile->cycle[1] == profiles,
       "seed: the cycle as models, starting at the owner");
    is_str(reason(&f, profile), "breaks the cycle users -> profiles -> users",
           "seed: the reason");
    is_str(reason(&f, created), "not deferred", "seed: the other key's reason");
    is_str(order(&f), "users profiles", "seed: create order");
    fixture_done(&f);
}

static void test_required(void)
{
    struct fixture f;
    fixture_init(&f);
    struct model *dep = model(&f, "departments"), *emp = model(&f, "employees");
    struct model *a = model(&f, "as"), *b = model(&f, "bs"), *c = model(&f, "cs");
    struct assoc *head = belongs_to(&f, dep, emp, "head_id", false, FK_AUTO, 1);
    struct assoc *in = belongs_to(&f, emp, dep, "department_id", false, FK_AUTO, 2);
    belongs_to(&f, a, b, "b_id", false, FK_AUTO, 3);
    belongs_to(&f, b, c, "c_id", false, FK_AUTO, 4);
    belongs_to(&f, c, a, "a_id", false, FK_AUTO, 5);
    belongs_to(&f, b, a, "x_id", false, FK_AUTO, 6);    /* a second cycle, the same group */
    run(&f);
    ok(f.result && f.d.errors == 0, "required: no error");
    is_int(f.d.warnings, 2, "required: one warning per group of cycles");
    ok(head->defer == DEFER_REQUIRED_CYCLE && in->defer == DEFER_REQUIRED_CYCLE,
       "required: both keys deferred");
    is_str(reason(&f, in), "on the cycle of required keys employees -> departments -> "
           "employees; its rows are inserted in one transaction", "required: the reason");
    is_str(f.printed,
           "test.model:1:1: warning: foreign keys departments.head_id -> employees and "
           "employees.department_id -> departments form a cycle of required keys "
           "(departments -> employees -> departments); their constraints are deferred, so "
           "insert both rows in one transaction (explicit ids are accepted)\n"
           "    line 1\n    ^~~~\n"
           "test.model:3:1: warning: foreign keys as.b_id -> bs, bs.c_id -> cs, bs.x_id -> as "
           "and cs.a_id -> as form a cycle of required keys (as -> bs -> as); their "
           "constraints are deferred, so insert these rows in one transaction (explicit ids "
           "are accepted)\n"
           "    line 3\n    ^~~~\n",
           "required: the warnings name every key and spell a cycle");
    fixture_done(&f);
}

static void test_unbreakable(void)
{
    struct fixture f;
    fixture_init(&f);
    struct model *a = model(&f, "as"), *b = model(&f, "bs");
    belongs_to(&f, a, b, "b_id", true, FK_IMMEDIATE, 2);
    struct assoc *beside = belongs_to(&f, b, a, "x_id", true, FK_AUTO, 4);
    belongs_to(&f, b, a, "a_id", false, FK_IMMEDIATE, 6);
    run(&f);
    is_int(beside->defer, DEFER_NOT, "immediate cycle: a key beside it is not deferred");
    ok(!f.result, "immediate cycle: analyze_schema fails");
    is_int(f.d.errors, 1, "immediate cycle: one error");
    is_str(f.printed,
           "test.model:2:1: error: the cycle as -> bs -> as can only be broken by deferring "
           "an 'immediate' constraint; make one of its keys 'auto' or 'deferred'\n"
           "    line 2\n    ^~~~\n"
           "test.model:6:1: note: bs.a_id -> as is 'immediate' too\n"
           "    line 6\n    ^~~~\n",
           "immediate cycle: the error and a note at the other key");
    ok(f.s.analyzed && f.s.create_order, "immediate cycle: the order is still filled");
    fixture_done(&f);
}

static void test_not_in_graph(void)
{
    struct fixture f;
    fixture_init(&f);
    struct model *emp = model(&f, "employees"), *a = model(&f, "as"), *b = model(&f, "bs");
    struct assoc *manager = belongs_to(&f, emp, emp, "manager_id", false, FK_AUTO, 1);
    struct assoc *none = belongs_to(&f, a, b, "b_id", false, FK_NONE, 2);
    struct assoc *back = belongs_to(&f, b, a, "a_id", false, FK_AUTO, 3);
    struct assoc *declared = belongs_to(&f, emp, a, "a_id", true, FK_DEFERRED, 4);
    struct assoc *has_many = arena_alloc(f.a, sizeof *has_many);
    *has_many = (struct assoc){.kind = ASSOC_HAS_MANY, .owner = a, .target = b,
                               .inverse = back, .defer = DEFER_DECLARED};
    a->assocs[a->nassocs++] = has_many;
    manager->defer = none->defer = DEFER_BREAKS_CYCLE;  /* stale values are reset */
    run(&f);
    ok(f.result && f.d.errors == 0 && f.d.warnings == 0, "outside: no diagnostics");
    ok(manager->defer == DEFER_NOT && manager->cycle == NULL,
       "outside: a required self-reference is not deferred");
    ok(none->defer == DEFER_NOT && back->defer == DEFER_NOT,
       "outside: 'none' makes no cycle with its way back");
    is_int(declared->defer, DEFER_DECLARED, "outside: declared deferred");
    is_str(reason(&f, declared), "declared 'constraint deferred'", "outside: its reason");
    is_int(has_many->defer, DEFER_DECLARED, "outside: has_many is left alone");
    is_str(order(&f), "as bs employees", "outside: order ignores 'none' and deferred keys");
    fixture_done(&f);
}

/* A ring of n required keys t0000 -> t0001 -> ... -> t0000. */
static struct assoc **ring(struct fixture *f, size_t n)
{
    struct assoc **keys = arena_alloc(f->a, n * sizeof *keys);
    for (size_t i = 0; i < n; i++)
        model(f, arena_printf(f->a, "t%04zu", i));
    for (size_t i = 0; i < n; i++)
        keys[i] = belongs_to(f, f->s.models[i], f->s.models[(i + 1) % n], "next_id", false,
                             FK_AUTO, 7);
    return keys;
}

static void test_long_cycles(void)
{
    struct fixture f;
    fixture_init(&f);
    struct assoc **keys = ring(&f, 10);
    run(&f);
    is_str(reason(&f, keys[3]), "on the cycle of required keys t0003 -> t0004 -> t0005 -> "
           "t0006 -> t0007 -> t0008 -> ... -> t0002 -> t0003 (10 tables); its rows are "
           "inserted in one transaction", "long cycle: shortened in the middle");
    is_int(f.d.warnings, 1, "long cycle: one warning");
    ok(strstr(f.printed, "t0000.next_id -> t0001, t0001.next_id -> t0002, t0002.next_id -> "
              "t0003, t0003.next_id -> t0004 and 6 more form a cycle") != NULL,
       "long cycle: the warning lists four keys and counts the rest");
    fixture_done(&f);

    /* the keys of a long ring share one array of models: no quadratic memory */
    fixture_init(&f);
    size_t n = MAX_MODELS, shared = 0, valid = 0;
    keys = ring(&f, n);
    run(&f);
    for (size_t i = 0; i < n; i++) {
        shared += keys[i]->cycle == keys[0]->cycle + i;
        valid += keys[i]->cycle_len == n && keys[i]->cycle[0] == keys[i]->owner &&
                 keys[i]->cycle[n - 1]->index == (i + n - 1) % n;
    }
    is_int(valid, n, "ring of 4000: every key's cycle starts at its owner");
    is_int(shared, n, "ring of 4000: every key's cycle is a slice of one array");
    fixture_done(&f);
}

static void test_cycle_text(void)
{
    struct fixture f;
    fixture_init(&f);
    struct model *m[9];
    for (size_t i = 0; i < 9; i++)
        m[i] = model(&f, arena_printf(f.a, "m%zu", i));
    is_str(cycle_text(m, 0, f.a), "", "cycle_text: empty");
    is_str(cycle_text(m, 2, f.a), "m0 -> m1 -> m0", "cycle_text: two tables");
    is_str(cycle_text(m, 8, f.a), "m0 -> m1 -> m2 -> m3 -> m4 -> m5 -> m6 -> m7 -> m0",
           "cycle_text: eight tables in full");
    is_str(cycle_text(m, 9, f.a), "m0 -> m1 -> m2 -> m3 -> m4 -> m5 -> ... -> m8 -> m0 "
           "(9 tables)", "cycle_text: nine shortened");
    fixture_done(&f);
}

int main(void)
{
    test_seed();
    test_required();
    test_unbreakable();
    test_not_in_graph();
    test_long_cycles();
    test_cycle_text();
    return done_testing();
}
