/* The C generator's part for migrations: NAME_migrate's declaration, and the last block of
   the source: the SQL of each migration for SQLite and for PostgreSQL, their list, and
   NAME_migrate over the runtime's mg_migrate. */
#ifndef MODELGEN_CGEN_MIGRATE_H
#define MODELGEN_CGEN_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

struct cgen;

/* One migration for NAME_migrate to apply: its statements for each dialect without the
   transaction around them, and for SQLite without the foreign-key pragmas of its file
   (see migration_strip in migrate.h). */
struct cgen_migration {
    int version;                /* 1, 2, ...: the list holds 1..n in order */
    const char *name;           /* "add_bio" */
    const char *sql;            /* SQLite */
    size_t len;
    bool foreign_keys_off;      /* a table rebuild: run with PRAGMA foreign_keys = OFF */
    bool check_foreign_keys;    /* run PRAGMA foreign_key_check before committing */
    /* PostgreSQL. NULL only in version 1 'initial' without a history (see
       cgen_initial_migration): then the generator builds the schema from empty itself. */
    const char *postgres_sql;
    size_t postgres_len;
};

/* The declaration of NAME_migrate; `history`: it applies a directory's migrations rather
   than the one 'initial'. */
void cgen_migrate_header(struct cgen *g, bool history);
/* The migration block that ends the source: list[0..n), or (list NULL) version 1
   'initial', the schema from empty in each dialect. */
void cgen_migrations(struct cgen *g, const struct cgen_migration *list, size_t n);

#endif
