/* modelgen diff: the changes from one analysed schema to the next, and their SQL. */
#ifndef MODELGEN_DIFF_H
#define MODELGEN_DIFF_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"
#include "sql.h"
#include "util.h"

struct arena;
struct diff;    /* the list of changes, allocated from an arena */

/* Matches models, columns and associations by name or by `was`, and lists every change. */
struct diff *diff_compute(const struct schema *old_s, const struct schema *new_s,
                          struct arena *a);
bool diff_empty(const struct diff *df);
/* Reports every destructive change (dropped tables and columns, a column made required
   without a default, a narrowed enum, a retype to an enum) as an error: at its line in NEW,
   or in OLD for what NEW no longer has. Returns how many. */
int diff_report_destructive(const struct diff *df, struct diag *old_d, struct diag *new_d);
/* Reports the changes no option allows: a required column without a default added to a table
   that exists (its rows would have no value). Returns how many. */
int diff_report_errors(const struct diff *df, struct diag *new_d);
/* A short name for the migration, from its changes: add_bio, drop_users, changes. */
const char *diff_name(const struct diff *df, struct arena *a);
/* The migration as a whole file: header comment, one transaction, and on SQLite the
   foreign-key pragmas a table rebuild needs around it. */
void diff_sql(struct buf *out, const struct diff *df, enum dialect d);

#endif
