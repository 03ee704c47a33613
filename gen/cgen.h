/* The C generator: a header and a source file over the modelgen runtime. */
#ifndef MODELGEN_CGEN_H
#define MODELGEN_CGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "util.h"

/* One migration for NAME_migrate to apply: its SQLite statements without the transaction
   and the foreign-key pragmas of its file (see migration_strip in migrate.h). */
struct cgen_migration {
    int version;                /* 1, 2, ...: the list holds 1..n in order */
    const char *name;           /* "add_bio" */
    const char *sql;
    size_t len;
    bool foreign_keys_off;      /* a table rebuild: run with PRAGMA foreign_keys = OFF */
    bool check_foreign_keys;    /* run PRAGMA foreign_key_check before committing */
};

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
   the opening (includes, enums, every model's read and bind helpers), the functions of
   models[from..to), and the closing (the migrations and NAME_migrate).
   cgen_source_with_migrations is the three, whole. */
void cgen_source_opening(struct buf *out, const struct schema *s, const char *name);
void cgen_source_models(struct buf *out, const struct schema *s, const char *name,
                        size_t from, size_t to);
void cgen_source_closing(struct buf *out, const struct schema *s, const char *name,
                         const struct cgen_migration *list, size_t n);

/* Frees the calling thread's scratch buffer (see arena_scratch_release). */
void cgen_scratch_release(void);

/* Version 1 'initial' over sqlite_body, the schema's SQLite body (sql_schema_body): what
   list NULL stands for. Passed as the list, it gives the same source without building
   the body again, for a caller that has it already; the header still wants list NULL. */
struct cgen_migration cgen_initial_migration(const struct buf *sqlite_body);

/* Internal to the generator (cgen.c -> cgen_migrate.c): the migration block that ends the
   source file. */
struct cgen;
void cgen_migrations(struct cgen *g, const struct cgen_migration *list, size_t n);

#endif
