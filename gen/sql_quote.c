/* The one way user text goes into SQL (see sql_quote.h). */
#include "sql_quote.h"

#include <stdio.h>
#include <string.h>

#include "names.h"

static bool is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* SQL keywords are case-insensitive, so `Select` needs quotes as much as `select`. */
bool sqlq_ident_needs_quotes(const char *name)
{
    char lower[64];
    size_t n = 0;
    if (!is_name_start((unsigned char)name[0]))
        return true;
    for (; name[n]; n++) {
        unsigned char c = (unsigned char)name[n];
        if (!is_name_char(c))
            return true;
        if (n < sizeof lower)
            lower[n] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : (char)c;
    }
    if (n >= sizeof lower)
        return false;   /* longer than any keyword */
    lower[n] = '\0';
    return is_sql_keyword(lower);
}

void sqlq_ident(struct buf *out, const char *name)
{
    if (!sqlq_ident_needs_quotes(name)) {
        buf_puts(out, name);
        return;
    }
    buf_putc(out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}

void sqlq_literal(struct buf *out, const char *text, enum dialect d)
{
    bool escape = d == DIALECT_POSTGRES && strchr(text, '\\');
    if (escape)
        buf_putc(out, 'E');
    buf_putc(out, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '\'' || (escape && *p == '\\'))
            buf_putc(out, *p);
        buf_putc(out, *p);
    }
    buf_putc(out, '\'');
}

void sqlq_comment(struct buf *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != 0x7f) {
            buf_putc(out, (char)c);
            continue;
        }
        switch (c) {
        case '\n': buf_puts(out, "\\n"); break;
        case '\r': buf_puts(out, "\\r"); break;
        case '\t': buf_puts(out, "\\t"); break;
        default: buf_printf(out, "\\x%02x", c); break;
        }
    }
}

static const char *into_arena(struct arena *a, struct buf *b)
{
    const char *s = arena_strndup(a, b->data ? b->data : "", b->len);
    buf_free(b);
    return s;
}

const char *sqlq_ident_a(struct arena *a, const char *name)
{
    struct buf b = {0};
    sqlq_ident(&b, name);
    return into_arena(a, &b);
}

const char *sqlq_literal_a(struct arena *a, const char *text, enum dialect d)
{
    struct buf b = {0};
    sqlq_literal(&b, text, d);
    return into_arena(a, &b);
}

const char *sqlq_comment_a(struct arena *a, const char *text)
{
    struct buf b = {0};
    sqlq_comment(&b, text);
    return into_arena(a, &b);
}
