/* The C generator's migrations: the SQL of each migration for SQLite and for PostgreSQL,
   embedded in the source with its version, name and checksums, and NAME_migrate, which
   hands them to the runtime's mg_migrate. Without a migration directory there is one,
   version 1 'initial': the schema from empty. It is the last block of the source file,
   between two marker comments, so that everything above it can be compared across
   schemas that differ only in their DDL (deferring a constraint changes the DDL, never the
   accessors). */
#include "cgen_migrate.h"

#include <inttypes.h>
#include <string.h>

#include "cgen_emit.h"
#include "checksum.h"
#include "sql.h"
#include "template.h"

/* Literals stay well under C99's minimum limit of 4095 characters. */
enum { CHUNK = 1000 };

/* FNV-1a, 64 bits, as 16 lower-case hex digits. */
static const char *checksum_text(struct cgen *g, uint64_t h)
{
    return cg_printf(g, "%016" PRIx64, h);
}

/* What a migration's SQLite checksum covers: its SQL, preceded by the pragma that turns
   foreign keys off and followed by the check, when it has them. A migration without either
   (every first migration) hashes its SQL alone, as this generator always has, so a database
   migrated by code generated without a migration directory is accepted by code generated
   with one whose first migration is the same schema. */
static const char *sqlite_checksum(struct cgen *g, const struct cgen_migration *m)
{
    return checksum_text(g, checksum_sqlite(m->sql, m->len, m->foreign_keys_off,
                                            m->check_foreign_keys));
}

/* One literal per line of text, newline included; a long line is cut into several. Their
   concatenation is text, byte for byte. */
static void emit_lines(struct cgen *g, const char *text, size_t len)
{
    if (len == 0)
        TMPL(g->out, "c_source.migration.line", {"literal", "\"\""});
    /* a schema's worth of lines: each literal is built in one buffer, used and dropped */
    struct buf literal = {0};
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
        if (n > CHUNK)
            n = CHUNK;
        literal.len = 0;
        cg_literal_into(&literal, text + at, n);
        TMPL(g->out, "c_source.migration.line", {"literal", literal.data});
        at += n;
    }
    buf_free(&literal);
}

static void emit_sql(struct cgen *g, const struct cgen_migration *m, const char *dialect,
                     const char *suffix, const char *sql, size_t len)
{
    TMPL(g->out, "c_source.migration.sql.begin", {"name", g->name},
         {"version", cg_printf(g, "%d", m->version)},
         {"title", cg_printf(g, "%d '%s'", m->version, m->name)}, {"dialect", dialect},
         {"suffix", suffix});
    emit_lines(g, sql ? sql : "", len);
    TMPL(g->out, "c_source.migration.sql.end", {"name", g->name});
}

void cgen_migrate_header(struct cgen *g, bool history)
{
    TMPL(g->out, history ? "c_header.migrate.history" : "c_header.migrate", {"name", g->name});
}

void cgen_migrations(struct cgen *g, const struct cgen_migration *list, size_t n)
{
    struct buf sqlite_ddl = {0}, postgres_ddl = {0};
    struct cgen_migration initial;
    if (!list || n == 0) {
        sql_schema_body(&sqlite_ddl, g->schema, DIALECT_SQLITE);
        initial = (struct cgen_migration){1, "initial", sqlite_ddl.data ? sqlite_ddl.data : "",
                                          sqlite_ddl.len, false, false, NULL, 0};
        list = &initial;
        n = 1;
    }
    TMPL(g->out, "c_source.migration.begin", {"name", g->name});
    /* the PostgreSQL checksums, from the SQL as it is embedded */
    const char **postgres_sums = arena_alloc(g->arena, n * sizeof *postgres_sums);
    for (size_t i = 0; i < n; i++) {
        const struct cgen_migration *m = &list[i];
        const char *postgres = m->postgres_sql;
        size_t postgres_len = m->postgres_len;
        if (!postgres) {
            /* the schema from empty (only 'initial' comes without its PostgreSQL SQL) */
            postgres_ddl.len = 0;
            sql_schema_body(&postgres_ddl, g->schema, DIALECT_POSTGRES);
            postgres = postgres_ddl.data ? postgres_ddl.data : "";
            postgres_len = postgres_ddl.len;
        }
        postgres_sums[i] = checksum_text(g, checksum_postgres(postgres, postgres_len));
        emit_sql(g, m, "SQLite", "sqlite", m->sql, m->len);
        emit_sql(g, m, "PostgreSQL", "postgres", postgres, postgres_len);
    }
    TMPL(g->out, "c_source.migration.list.begin", {"name", g->name});
    for (size_t i = 0; i < n; i++) {
        const struct cgen_migration *m = &list[i];
        TMPL(g->out, "c_source.migration.list.entry", {"name", g->name},
             {"version", cg_printf(g, "%d", m->version)},
             {"title", cg_literal(g, m->name)},
             {"sqlite_checksum", sqlite_checksum(g, m)},
             {"postgres_checksum", postgres_sums[i]},
             {"fk_off", m->foreign_keys_off ? "true" : "false"},
             {"fk_check", m->check_foreign_keys ? "true" : "false"});
    }
    TMPL(g->out, "c_source.migration.end", {"name", g->name});
    buf_free(&sqlite_ddl);
    buf_free(&postgres_ddl);
}
