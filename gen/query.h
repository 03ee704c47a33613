/* Named queries checked against the engines: SQLite when modelgen reads a schema, and
   PostgreSQL on request (`modelgen check SCHEMA --db postgresql://...`). */
#ifndef MODELGEN_QUERY_H
#define MODELGEN_QUERY_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

struct arena;

/* Creates s's SQLite schema (the DDL modelgen writes) in an in-memory database and
   prepares every query there: an SQL error becomes a diagnostic at its place in the
   file, and each result must fit what the query declares. Settles the type and
   nullability of every column of the row types. s must be analysed. Returns false when
   it reported an error. */
bool query_check_sqlite(struct schema *s, struct arena *a, struct diag *d);

/* Whether this modelgen can check queries on PostgreSQL (it was built with libpq). */
bool query_postgres_available(void);

/* Creates s's PostgreSQL schema in a transaction on the server `conninfo` names (a libpq
   connection string or URI), prepares every query there with the parameter types the
   runtime binds, compares the server's description of each (PQdescribePrepared) with
   what modelgen decided, and rolls back. Disagreements and server errors are
   diagnostics at the query. Returns 0, 1 (diagnostics reported) or 2 (the server could
   not be used; said on stderr). */
int query_check_postgres(const struct schema *s, const char *conninfo, struct arena *a,
                         struct diag *d);

/* The type's name in messages: "int", "text?", "Role". */
const char *query_type_text(const struct value_type *t, struct arena *a);

#endif
