/* The C generator: a header and a source file over the modelgen runtime. */
#ifndef MODELGEN_CGEN_H
#define MODELGEN_CGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "cgen_migrate.h"    /* struct cgen_migration */
#include "model.h"
#include "util.h"

/* name: the base name of the outputs and prefix of schema-level functions. NAME_migrate
   applies one migration, version 1 'initial': the schema from empty. */
void cgen_header(struct buf *out, const struct schema *s, const char *name);
void cgen_source(struct buf *out, const struct schema *s, const char *name);

/* The same, with NAME_migrate applying the migrations list[0..n) instead (n >= 1; list
   NULL: as above). */
void cgen_header_with_migrations(struct buf *out, const struct schema *s, const char *name,
                                 const struct cgen_migration *list, size_t n);
void cgen_source_with_migrations(struct buf *out, const struct schema *s, const char *name,
                                 const struct cgen_migration *list, size_t n);

/* The source file in parts that can be generated side by side and then joined in order:
   the opening (includes, enums, every model's description for the runtime), the functions
   of models[from..to), and the closing (the migrations and NAME_migrate).
   cgen_source_with_migrations is the three, whole. */
void cgen_source_opening(struct buf *out, const struct schema *s, const char *name);
void cgen_source_models(struct buf *out, const struct schema *s, const char *name,
                        size_t from, size_t to);
void cgen_source_closing(struct buf *out, const struct schema *s, const char *name,
                         const struct cgen_migration *list, size_t n);

/* Frees the calling thread's scratch buffer (see arena_scratch_release). */
void cgen_scratch_release(void);

/* Version 1 'initial' over sqlite_body, the schema's SQLite body (sql_schema_body), its
   PostgreSQL SQL left for the generator to build: what list NULL stands for. Passed as the
   list, it gives the same source without building the SQLite body again, for a caller
   that has it already; the header still wants list NULL. */
struct cgen_migration cgen_initial_migration(const struct buf *sqlite_body);

#endif
