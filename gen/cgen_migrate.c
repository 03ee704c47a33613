/* The C generator's migration: the SQLite schema embedded in the source, with a checksum,
   and NAME_migrate. It is the last block of the source file, between two marker comments,
   so that everything above it can be compared across schemas that differ only in their
   DDL (deferring a constraint changes the DDL, never the accessors). */
#include <inttypes.h>
#include <string.h>

#include "cgen_internal.h"
#include "sql.h"
#include "template.h"

/* Literals stay well under C99's minimum limit of 4095 characters. */
enum { CHUNK = 1000 };

const char *cgen_checksum(struct cgen *g, const char *text, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3u;
    }
    return cg_printf(g, "%016" PRIx64, h);
}

/* One literal per line of text, newline included; a long line is cut into several. Their
   concatenation is text, byte for byte. */
static void emit_lines(struct cgen *g, const char *text, size_t len)
{
    if (len == 0)
        TMPL(g->out, "c_source.migration.line", {"literal", "\"\""});
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
        if (n > CHUNK)
            n = CHUNK;
        char *piece = arena_strndup(g->arena, text + at, n);
        TMPL(g->out, "c_source.migration.line", {"literal", cg_literal(g, piece)});
        at += n;
    }
}

void cgen_migration(struct cgen *g)
{
    struct buf ddl = {0};
    sql_schema_body(&ddl, g->schema, DIALECT_SQLITE);
    const char *text = ddl.data ? ddl.data : "";
    TMPL(g->out, "c_source.migration.begin", {"name", g->name});
    emit_lines(g, text, ddl.len);
    TMPL(g->out, "c_source.migration.end", {"name", g->name},
         {"checksum", cgen_checksum(g, text, ddl.len)});
    buf_free(&ddl);
}
