/* The C generator's emitting helpers (see cgen_emit.h): text and C literals, columns,
   parameter names and SQL text, shared by every part of the generator. */
#include "cgen_emit.h"

#include <stdarg.h>
#include <string.h>

#include "c_names.h"
#include "names.h"
#include "sql.h"

/* ---- Text helpers ---- */

const char *cg_printf(struct cgen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = arena_vprintf(g->arena, fmt, ap);
    va_end(ap);
    return s;
}

/* Template values are assembled here and then copied into the file's arena, sparing each
   a malloc and free of its own. A helper that fills it copies the result out before it
   returns, and none of them calls another while filling it. One per thread. */
static __thread struct buf scratch;

void cg_scratch_release(void)
{
    buf_free(&scratch);
}

static const char *keep_scratch(struct cgen *g)
{
    return arena_strndup(g->arena, scratch.data ? scratch.data : "", scratch.len);
}

/* Whether byte s[i] is copied into a C string literal as it is: printable ASCII other
   than '"', '\\' and a '?' after a '?'. The common case costs two comparisons. */
static bool plain_byte(const char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c > '?' && c < 0x7f)
        return c != '\\';
    if (c < 0x20 || c >= 0x7f || c == '"')
        return false;
    return !(c == '?' && i > 0 && s[i - 1] == '?');
}

/* Appends the bytes of s[0..n) as the inside of a C string literal. Everything outside
   printable ASCII becomes an octal escape (never followed by a digit that would extend
   it, since octal escapes stop at three digits); "??" is broken so that no trigraph forms.
   Runs of plain bytes, nearly all of the text, are copied in one piece. */
static void escape_into(struct buf *b, const char *s, size_t n)
{
    size_t run = 0;     /* start of the plain bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        if (plain_byte(s, i))
            continue;
        buf_putn(b, s + run, i - run);
        run = i + 1;
        unsigned char c = (unsigned char)s[i];
        char esc[4] = {'\\', (char)c, 0, 0};
        size_t len = 2;
        if (c == '\n')
            esc[1] = 'n';
        else if (c == '\t')
            esc[1] = 't';
        else if (c < 0x20 || c >= 0x7f) {
            /* three octal digits, as "\\%03o" gives */
            esc[1] = (char)('0' + (c >> 6));
            esc[2] = (char)('0' + ((c >> 3) & 7));
            esc[3] = (char)('0' + (c & 7));
            len = 4;
        }
        buf_putn(b, esc, len);  /* '"', '\\' and the second '?' keep themselves */
    }
    buf_putn(b, s + run, n - run);
}

void cg_literal_into(struct buf *b, const char *text, size_t n)
{
    buf_putc(b, '"');
    escape_into(b, text, n);
    buf_putc(b, '"');
}

const char *cg_literal(struct cgen *g, const char *text)
{
    scratch.len = 0;
    cg_literal_into(&scratch, text, strlen(text));
    return keep_scratch(g);
}

static const char *cg_sql_literal(struct cgen *g, const char *sql_text)
{
    scratch.len = 0;
    const char *p = sql_text;
    for (bool first = true;; first = false) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        buf_puts(&scratch, first ? "    \"" : "\n    \" ");
        escape_into(&scratch, p, n);
        buf_putc(&scratch, '"');
        if (!nl)
            break;
        p = nl + 1;
    }
    return keep_scratch(g);
}

const char *cg_sql_finish(struct cgen *g, struct buf *sql)
{
    const char *s = cg_sql_literal(g, sql->data ? sql->data : "");
    buf_free(sql);
    return s;
}

const char *enum_constant(struct cgen *g, const struct enum_type *e, size_t member)
{
    return cg_printf(g, "%s_%s", upper_case(g->arena, e->c_name),
                     upper_case(g->arena, e->members[member]));
}

/* ---- Columns ---- */

static enum type_kind col_type(const struct column *c)
{
    return c->field ? c->field->type : TYPE_INT;
}

bool col_is_text(const struct column *c)
{
    return c->field && c->field->type == TYPE_TEXT;
}

bool col_is_blob(const struct column *c)
{
    return c->field && c->field->type == TYPE_BLOB;
}

bool col_has_flag(const struct column *c)
{
    if (c->assoc)
        return c->assoc->nullable;
    return c->field && c->field->nullable && !col_is_text(c) && !col_is_blob(c);
}

const struct enum_type *col_enum(const struct column *c)
{
    return c->field && c->field->type == TYPE_ENUM ? c->field->enum_type : NULL;
}

const char *col_c_type(struct cgen *g, const struct column *c)
{
    switch (col_type(c)) {
    case TYPE_INT:
    case TYPE_TIMESTAMP: return "int64_t";
    case TYPE_REAL: return "double";
    case TYPE_TEXT: return "const char *";
    case TYPE_BLOB: return "mg_blob";
    case TYPE_BOOL: return "bool";
    case TYPE_ENUM: return cg_printf(g, "enum %s", c->field->enum_type->c_name);
    }
    return "int64_t";
}

const char *col_mg_type(const struct column *c)
{
    switch (col_type(c)) {
    case TYPE_INT: return "MG_TYPE_INT";
    case TYPE_REAL: return "MG_TYPE_REAL";
    case TYPE_TEXT: return "MG_TYPE_TEXT";
    case TYPE_BLOB: return "MG_TYPE_BLOB";
    case TYPE_BOOL: return "MG_TYPE_BOOL";
    case TYPE_TIMESTAMP: return "MG_TYPE_TIME";
    case TYPE_ENUM: return "MG_TYPE_ENUM";
    }
    return "MG_TYPE_INT";
}

const char *cg_param_expr(struct cgen *g, const struct field *f, const char *value)
{
    switch (f->type) {
    case TYPE_TEXT:
        return cg_printf(g, "mg_param_text(%s)", value);
    case TYPE_ENUM:
        return cg_printf(g, "mg_param_text(%s_name(%s))", f->enum_type->c_name, value);
    case TYPE_BLOB:
        return cg_printf(g, "mg_param_blob(%s)", value);
    case TYPE_REAL:
        return cg_printf(g, "mg_param_real(%s)", value);
    case TYPE_BOOL:
        return cg_printf(g, "mg_param_bool(%s)", value);
    case TYPE_TIMESTAMP:
        return cg_printf(g, "mg_param_time(%s)", value);
    case TYPE_INT:
        break;
    }
    return cg_printf(g, "mg_param_int(%s)", value);
}

/* ---- Parameter names ---- */

/* Parameters and locals of the generated functions, and the library functions they call
   by short names: a schema name equal to one of these cannot name a parameter. */
bool param_taken(struct cgen *g, const char *name)
{
    if (c_names_has(g->schema->c_names, name))
        return true;
    static const char *const words[] = {
        "changes", "count", "data", "db", "id", "ids", "key", "memset", "out", "rc", "row",
        "rows", "st", "status", "strcmp", "target", "targets", "time", "value",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (name[0] == words[i][0] && strcmp(name, words[i]) == 0)
            return true;
    return strncmp(name, "out_", 4) == 0;
}

const char *param_for_model(struct cgen *g, const struct model *m)
{
    return param_taken(g, m->c_name) ? "row" : m->c_name;
}

const char *param_or(struct cgen *g, const char *name, const char *other, const char *fallback)
{
    return param_taken(g, name) || (other && strcmp(name, other) == 0) ? fallback : name;
}

/* ---- SQL text ---- */

/* A statement's line in the C source holds about this many characters of SQL. */
enum { SQL_LINE = 72 };

/* The length of b's last line. */
static size_t line_length(const struct buf *b)
{
    size_t start = b->len;
    while (start > 0 && b->data[start - 1] != '\n')
        start--;
    return b->len - start;
}

/* Appends piece[0..n) as sql_piece does. */
static void sql_piece_n(struct buf *b, const char *piece, size_t n)
{
    if (b->len > 0) {
        /* measured back from the end to the line's '\n' (lines are short, while
           scanning from the start would cost the whole statement every time) */
        buf_putc(b, line_length(b) + 1 + n > SQL_LINE ? '\n' : ' ');
    }
    buf_putn(b, piece, n);
}

void sql_piece(struct buf *b, const char *piece)
{
    sql_piece_n(b, piece, strlen(piece));
}

/* Appends "alias.name" or "name", the name quoted when it is an SQL keyword. */
static void put_qualified(struct buf *b, const char *alias, const char *name)
{
    if (alias) {
        buf_puts(b, alias);
        buf_putc(b, '.');
    }
    sql_ident(b, name);
}

const char *sql_qualified(struct cgen *g, const char *alias, const char *name)
{
    scratch.len = 0;
    put_qualified(&scratch, alias, name);
    return keep_scratch(g);
}

const char *sql_table(struct cgen *g, const struct model *m)
{
    return sql_qualified(g, NULL, m->table);
}

void sql_column_list(struct buf *b, const struct model *m, const char *alias)
{
    /* sql_piece for each "alias.column,", with the line's length kept up to date here
       rather than measured again for every column */
    size_t used = b->len ? line_length(b) : 0;
    size_t alias_len = alias ? strlen(alias) + 1 : 0;
    for (size_t i = 0; i < m->ncolumns; i++) {
        scratch.len = 0;
        sql_ident(&scratch, m->columns[i].name);
        size_t n = alias_len + scratch.len + (i + 1 < m->ncolumns);
        if (b->len > 0) {
            bool wrap = used + 1 + n > SQL_LINE;
            buf_putc(b, wrap ? '\n' : ' ');
            used = wrap ? 0 : used + 1;
        }
        if (alias) {
            buf_putn(b, alias, alias_len - 1);
            buf_putc(b, '.');
        }
        buf_putn(b, scratch.data, scratch.len);
        if (i + 1 < m->ncolumns)
            buf_putc(b, ',');
        used += n;
    }
}

const char *cg_select_where(struct cgen *g, const struct model *m, const char *where,
                            const char *tail)
{
    struct buf b = {0};
    sql_piece(&b, "SELECT");
    sql_column_list(&b, m, NULL);
    sql_piece(&b, cg_printf(g, "FROM %s", sql_table(g, m)));
    if (where)
        sql_piece(&b, cg_printf(g, "WHERE %s = ?1", sql_qualified(g, NULL, where)));
    if (tail)
        sql_piece(&b, tail);
    return cg_sql_finish(g, &b);
}
