/* The cycle analyzer applied to a checked schema: which foreign keys are deferred and why
   (SPEC section 4), the order tables are created in (section 5), and the words for both. */
#ifndef MODELGEN_ANALYZE_H
#define MODELGEN_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

struct arena;

/* Fills every belongs_to's defer, cycle and cycle_len, s->create_order and s->analyzed. Warns
   once about each group of required keys that form cycles; reports an error for each cycle
   only 'immediate' constraints could break. Returns false when it reported an error. */
bool analyze_schema(struct schema *s, struct arena *a, struct diag *d);

/* One line on why a belongs_to's constraint is (or is not) deferred, for SQL comments and
   --explain: "breaks the cycle users -> profiles -> users", "declared deferred", ... */
const char *defer_reason_text(const struct assoc *a, struct arena *ar);

/* "users -> profiles -> users"; a cycle of more than 8 tables keeps its first six and its last,
   "a -> b -> c -> d -> e -> f -> ... -> z -> a (26 tables)", so that a line stays a line. */
const char *cycle_text(struct model *const *cycle, size_t len, struct arena *ar);

#endif
