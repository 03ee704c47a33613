/* modelgen diff: the rows a migration must look at before it changes anything: those NEW
   cannot hold, which go first. Private to the diff files; above diff_convert.c. */
#ifndef MODELGEN_DIFF_ROWS_H
#define MODELGEN_DIFF_ROWS_H

#include "diff_text.h"

/* Deletes the rows NEW cannot hold and nothing can fill, while OLD's tables and foreign
   keys are all still there, with what the foreign keys to them do on a DELETE. */
void dsql_delete_rows(struct writer *w);

#endif
