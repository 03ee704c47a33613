/* The C generator's part for finders: a function per unique key and per index that reads
   rows by the values of its columns (NAME_get_by_A_and_B, NAME_all_by_A), declared and
   defined. The get_by of a single unique field is cgen_model.c's. */
#ifndef MODELGEN_CGEN_FIND_H
#define MODELGEN_CGEN_FIND_H

#include "cgen_emit.h"

/* The model's finders, after its get_by functions. */
void cgen_find_header(struct cgen *g, const struct model *m);
void cgen_find_source(struct cgen *g, const struct model *m);

#endif
