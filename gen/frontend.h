/* Text to analysed model: parse, check, analyse. */
#ifndef MODELGEN_FRONTEND_H
#define MODELGEN_FRONTEND_H

#include "diag.h"
#include "model.h"

struct arena;

/* Returns the analysed schema, or NULL when d->errors > 0. Everything lives in a. */
struct schema *compile_schema(const struct source *src, struct arena *a, struct diag *d);

#endif
