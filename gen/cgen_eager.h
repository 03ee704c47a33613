/* The C generator's part for eager loading of has_many and has_many through: per such
   association, NAME_get_with_ASSOC (a row and its targets) and NAME_all_with_ASSOC (every
   row and their targets, grouped in struct NAME_with_ASSOC), each one query, declared and
   defined. */
#ifndef MODELGEN_CGEN_EAGER_H
#define MODELGEN_CGEN_EAGER_H

#include "cgen_emit.h"

/* After the association's own declarations and functions; nothing for a belongs_to or a
   has_one. */
void cgen_eager_header(struct cgen *g, const struct model *m, const struct assoc *a);
void cgen_eager_source(struct cgen *g, const struct model *m, const struct assoc *a);

#endif
