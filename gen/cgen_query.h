/* The C generator's part for named queries: the row types' structs and the queries'
   functions in the header, their descriptions for the runtime and the functions in the
   source. Each query is one function, PREFIX_query, over the runtime's row functions. */
#ifndef MODELGEN_CGEN_QUERY_H
#define MODELGEN_CGEN_QUERY_H

#include "cgen_emit.h"

/* What the queries add to the header, after every model's declarations (nothing when the
   schema has none). */
void cgen_query_header(struct cgen *g);
/* What they add to the source, after every model's functions. */
void cgen_query_source(struct cgen *g);

#endif
