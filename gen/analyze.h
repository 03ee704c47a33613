/* Runs the cycle analyzer over a checked schema and reports what it decided. */
#ifndef MODELGEN_ANALYZE_H
#define MODELGEN_ANALYZE_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

struct arena;

/* Fills every belongs_to's defer and cycle, and s->create_order. Warns once per cycle of
   required keys; reports an error for each cycle only 'immediate' keys could break.
   Returns false on error. */
bool analyze_schema(struct schema *s, struct arena *a, struct diag *d);

/* One line saying why a belongs_to is deferred, for SQL comments and --explain. */
const char *defer_reason_text(const struct assoc *as, struct arena *a);

/* "users -> profiles -> users" */
const char *cycle_text(struct model *const *cycle, size_t len, struct arena *a);

#endif
