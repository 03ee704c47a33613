/* modelgen diff: a retyped column's values in NEW's type, in SQL, and the check of the rows
   a retype does not take. Private to the diff files; above diff_text.c. */
#ifndef MODELGEN_DIFF_CONVERT_H
#define MODELGEN_DIFF_CONVERT_H

#include "diff_text.h"

/* The old value x of a retyped column, converted to NEW's type (x itself otherwise); NULL
   stays NULL. */
const char *dsql_convert(struct writer *w, const struct column_diff *c, const char *x);

/* A checked retype (RETYPE_CHECKED): what its rows must hold, as the end of a sentence
   ("holds a real number that is not a whole number ..."), and the comment that says so;
   NULL for other columns. */
const char *dsql_check_reason(struct writer *w, const struct column_diff *c);
const char *dsql_check_comment(struct writer *w, const struct column_diff *c);
/* Writes the check of a checked retype's rows: the first OLD row whose value the retype
   does not take goes into mg_failed, with a message naming it. False for other columns. */
bool dsql_check_retype(struct writer *w, const struct table_diff *t, const struct column_diff *c);
/* Whether the retype writes or reads a real as text (PostgreSQL then needs
   extra_float_digits = 0, which writes it as C's %.15g does). */
bool dsql_needs_float_text(const struct column_diff *c);

#endif
