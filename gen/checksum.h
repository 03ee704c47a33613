/* The checksums modelgen_migrations records: FNV-1a, 64 bits, over a migration's SQL as it
   runs. One definition for the generated NAME_migrate (cgen_migrate.c) and for
   modelgen apply and status (apply.c), so that a database migrated by one is understood
   by the other. */
#ifndef MODELGEN_CHECKSUM_H
#define MODELGEN_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* FNV-1a's offset basis: the hash of no bytes. */
#define FNV1A_START UINT64_C(0xcbf29ce484222325)

/* FNV-1a continued over text[0..len) from h, so that text hashed in pieces gives the hash
   of the pieces concatenated. */
uint64_t fnv1a(uint64_t h, const char *text, size_t len);

/* A migration's SQLite checksum: its SQL (without BEGIN; and COMMIT;), preceded by the
   pragma that turns foreign keys off and followed by the check, when it runs with them. A
   migration without either (every first migration) hashes its SQL alone. */
uint64_t checksum_sqlite(const char *sql, size_t len, bool foreign_keys_off,
                         bool check_foreign_keys);
/* A migration's PostgreSQL checksum: its SQL alone. */
uint64_t checksum_postgres(const char *sql, size_t len);

/* The form the table records: 16 lower-case hex digits and a NUL. */
enum { CHECKSUM_TEXT_SIZE = 17 };
void checksum_hex(uint64_t h, char out[CHECKSUM_TEXT_SIZE]);

#endif
