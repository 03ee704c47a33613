/* modelgen diff: the body of a migration in each dialect, between BEGIN and COMMIT.
   Implemented by diff_sqlite.c and diff_postgres.c, called by diff_sql.c. */
#ifndef MODELGEN_DIFF_DIALECTS_H
#define MODELGEN_DIFF_DIALECTS_H

#include "diff_text.h"

/* SQLite: decides which tables to rebuild (w->rebuilt; returns how many), then writes the
   body. */
size_t dsql_sqlite_plan(struct writer *w);
void dsql_sqlite_body(struct writer *w);

void dsql_postgres_body(struct writer *w);

#endif
