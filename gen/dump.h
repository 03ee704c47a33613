/* A stable text form of the checked (and analysed) model, for golden tests and --dump. */
#ifndef MODELGEN_DUMP_H
#define MODELGEN_DUMP_H

#include "model.h"
#include "util.h"

void dump_schema(struct buf *out, const struct schema *s);

#endif
