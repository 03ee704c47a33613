/* modelgen diff: a retyped column's values in NEW's type, in SQL, and the rows a retype
   cannot take. Private to the diff files; above diff_text.c. */
#ifndef MODELGEN_DIFF_CONVERT_H
#define MODELGEN_DIFF_CONVERT_H

#include "diff_text.h"

/* The old value x of a retyped column, converted to NEW's type (x itself otherwise). */
const char *dsql_convert(struct writer *w, const struct column_diff *c, const char *x);

#endif
