/* The migration SQL generator: the whole schema from empty, per dialect. */
#ifndef MODELGEN_SQL_H
#define MODELGEN_SQL_H

#include "model.h"
#include "util.h"

enum dialect { DIALECT_SQLITE, DIALECT_POSTGRES };

/* The complete file: header comment, BEGIN, the schema, COMMIT. */
void sql_generate(struct buf *out, const struct schema *s, enum dialect d);
/* The statements alone, for embedding in generated code that runs its own transaction. */
void sql_schema_body(struct buf *out, const struct schema *s, enum dialect d);
/* Appends an identifier, double-quoted when it is an SQL keyword. */
void sql_ident(struct buf *out, const char *name);

#endif
