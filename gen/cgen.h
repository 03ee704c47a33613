/* The C generator: a header and a source file over the modelgen runtime. */
#ifndef MODELGEN_CGEN_H
#define MODELGEN_CGEN_H

#include "model.h"
#include "util.h"

/* name: the base name of the outputs and prefix of schema-level functions. */
void cgen_header(struct buf *out, const struct schema *s, const char *name);
void cgen_source(struct buf *out, const struct schema *s, const char *name);

#endif
