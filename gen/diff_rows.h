/* modelgen diff: what a migration checks before it changes anything and before it commits,
   and the rows NEW cannot hold, which go first. Private to the diff files; above
   diff_convert.c. */
#ifndef MODELGEN_DIFF_ROWS_H
#define MODELGEN_DIFF_ROWS_H

#include "diff_text.h"

/* Right after BEGIN. SQLite: the guard that keeps the migration all-or-nothing without
   -bail, and the checks that the database is at OLD. Both: the checks of the rows each
   checked retype must take, and what stops the migration when one fails. */
void dsql_begin_checks(struct writer *w);
/* Deletes the rows NEW cannot hold and nothing can fill, while OLD's tables and foreign
   keys are all still there, with the rows their foreign keys delete or clear. */
void dsql_delete_rows(struct writer *w);
/* SQLite: after a rebuild's copy, that it copied every row of `old`. */
void dsql_check_copy(struct writer *w, const struct table_diff *t, const char *old);
/* Right before COMMIT. SQLite: the tables it changed have NEW's columns, every foreign key
   holds (when they were off), and the guard rolls everything back if any check failed. */
void dsql_end_checks(struct writer *w);

#endif
