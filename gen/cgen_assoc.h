/* The C generator's part for associations: belongs_to (get, set, eager loading with a
   join), has_one, has_many and has_many through, declared and defined. */
#ifndef MODELGEN_CGEN_ASSOC_H
#define MODELGEN_CGEN_ASSOC_H

#include "cgen_emit.h"

void cgen_assoc_header(struct cgen *g, const struct model *m, const struct assoc *a);
void cgen_assoc_source(struct cgen *g, const struct model *m, const struct assoc *a);

#endif
