/* A directory of numbered migrations, as modelgen migrate keeps it:

     0001_initial.sqlite.sql  0001_initial.postgres.sql  0001_initial.model
     0002_add_bio.sqlite.sql  0002_add_bio.postgres.sql  0002_add_bio.model

   Each migration is its SQL for both dialects, one transaction each, and a snapshot: a
   byte copy of the schema it brings a database to. Versions run 1, 2, ... without a gap;
   the name is letters, digits, '_' and '-'. A migration may also have hand-written SQL
   (a data backfill) for both dialects, 0002_add_bio.sqlite.post.sql and
   0002_add_bio.postgres.post.sql: statements without a transaction of their own, run after
   the migration's, inside its transaction, and covered by its checksum. */
#ifndef MODELGEN_MIGRATE_H
#define MODELGEN_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cgen.h"
#include "model.h"
#include "util.h"

/* The three files migrate writes, then the two optional hand-written ones. */
enum {
    MIGRATION_MODEL, MIGRATION_SQLITE, MIGRATION_POSTGRES, MIGRATION_KINDS,
    MIGRATION_SQLITE_POST = MIGRATION_KINDS, MIGRATION_POSTGRES_POST, MIGRATION_FILE_KINDS
};

struct migration {
    int version;
    char *name;                 /* "add_bio" */
    char *base;                 /* "0002_add_bio" */
    bool has[MIGRATION_FILE_KINDS];     /* which of its files exist */
};

struct migration_dir {
    char *path;
    struct migration *items;    /* items[i].version == i + 1 */
    size_t count;
};

/* Lists DIR's migrations (a missing DIR has none) and checks that they form a sequence
   1..n, each with both SQL files (and both post files or neither) and the last with its
   snapshot. Returns 0, 1 (the directory is inconsistent) or 2 (I/O error), after printing
   what is wrong. */
int migration_dir_read(const char *dir, struct migration_dir *md);
void migration_dir_free(struct migration_dir *md);
/* "DIR/0002_add_bio.sqlite.sql", from the heap. */
char *migration_path(const struct migration_dir *md, const struct migration *m, int kind);

/* Takes a migration's SQLite file apart: the statements between its BEGIN; and COMMIT;
   lines go to *sql (leading blank lines dropped), without any PRAGMA foreign_key_check
   line. Before BEGIN; only comments and PRAGMA foreign_keys = OFF; (which sets
   *foreign_keys_off) may come, after COMMIT; only comments and PRAGMA foreign_keys = ON;.
   *check_foreign_keys: the file runs with foreign keys off or has a foreign_key_check
   line. Returns false, with the line and the reason, for a file of any other shape. The
   first migration's SQL (from sql_generate) comes out as sql_schema_body's, byte for
   byte. */
bool migration_strip(const char *text, size_t len, struct buf *sql, bool *foreign_keys_off,
                     bool *check_foreign_keys, int *bad_line, const char **why);

/* For modelgen SCHEMA -o OUT --migrations DIR: checks that DIR's last snapshot is the
   schema s (compiled from schema_path), and loads every migration for the C generator
   into *list (allocated from a). Each one's SQL, per dialect, is its file's statements
   between BEGIN; and COMMIT; followed by its post file's, if it has one: what runs, and
   what the checksum covers. Returns 0, 1 (no migrations, a stale directory or a
   malformed migration) or 2 (I/O error), after printing what is wrong. The path of every
   file it read (the snapshot, then each migration's SQL files; from the heap) is pushed
   onto *read, when read is not NULL: what the generated files depend on. */
int migrations_load(const char *dir, const struct schema *s, const char *schema_path,
                    struct arena *a, struct cgen_migration **list, size_t *n,
                    struct vec *read);

/* For modelgen apply and status: DIR's migrations, loaded as migrations_load loads them
   (the same SQL, so the same checksums), without a schema to compare the snapshot with.
   A missing or empty DIR is an error here. Returns 0, 1 or 2 like migrations_load. */
int migrations_read(const char *dir, struct arena *a, struct cgen_migration **list, size_t *n);

#endif
