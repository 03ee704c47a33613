/* The C generator: the header (this file) and the driver of the source file, plus the
   helpers every part shares. The text lives in templates/c_header.tmpl and
   templates/c_source.tmpl; this code decides what goes where. */
#include "cgen.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "cgen_internal.h"
#include "check.h"
#include "names.h"
#include "sql.h"
#include "template.h"

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

void cgen_scratch_release(void)
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
    case TYPE_TEXT: return "char *";
    case TYPE_BLOB: return "mg_blob";
    case TYPE_BOOL: return "bool";
    case TYPE_ENUM: return cg_printf(g, "enum %s", c->field->enum_type->c_name);
    }
    return "int64_t";
}

const char *cg_bind_expr(struct cgen *g, const struct column *c, int param, const char *value,
                         const char *flag, int indent)
{
    const char *bind;
    switch (col_type(c)) {
    case TYPE_TEXT:
        return cg_printf(g, "mg_bind_text(st, %d, %s)", param, value);
    case TYPE_BLOB:
        return cg_printf(g, "mg_bind_blob(st, %d, %s)", param, value);
    case TYPE_ENUM:
        /* a nullable enum binds NULL through the NULL name */
        if (flag)
            return cg_printf(g, "mg_bind_text(st, %d, %s ? %s_name(%s) : NULL)", param, flag,
                             c->field->enum_type->c_name, value);
        return cg_printf(g, "mg_bind_text(st, %d, %s_name(%s))", param,
                         c->field->enum_type->c_name, value);
    case TYPE_REAL:
        bind = cg_printf(g, "sqlite3_bind_double(st, %d, %s)", param, value);
        break;
    case TYPE_BOOL:
        bind = cg_printf(g, "sqlite3_bind_int(st, %d, %s ? 1 : 0)", param, value);
        break;
    default:
        bind = cg_printf(g, "sqlite3_bind_int64(st, %d, %s)", param, value);
        break;
    }
    if (!flag)
        return bind;
    const char *one = cg_printf(g, "%s ? %s : sqlite3_bind_null(st, %d)", flag, bind, param);
    if (indent + strlen(one) <= 96)
        return one;
    /* the alternatives one above the other, the ':' under the '?' */
    return cg_printf(g, "%s ? %s\n%*s: sqlite3_bind_null(st, %d)", flag, bind,
                     indent + (int)strlen(flag) + 1, "", param);
}

const char *cg_key_expr(struct cgen *g, const struct field *f, const char *value)
{
    switch (f->type) {
    case TYPE_TEXT:
        return cg_printf(g, "mg_key_text(%s)", value);
    case TYPE_ENUM:
        return cg_printf(g, "mg_key_text(%s_name(%s))", f->enum_type->c_name, value);
    case TYPE_REAL:
        return cg_printf(g, "mg_key_real(%s)", value);
    case TYPE_BOOL:
        return cg_printf(g, "mg_key_int(%s ? 1 : 0)", value);
    default:
        return cg_printf(g, "mg_key_int(%s)", value);
    }
}

/* ---- Parameter names ---- */

/* Parameters and locals of the generated functions, and the library functions they call
   by short names: a schema name equal to one of these cannot name a parameter. */
static bool taken(const char *name)
{
    static const char *const words[] = {
        "changes", "count", "data", "db", "id", "memset", "out", "rc", "row", "rows", "st",
        "status", "strcmp", "target", "targets", "time", "value",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (name[0] == words[i][0] && strcmp(name, words[i]) == 0)
            return true;
    return strncmp(name, "out_", 4) == 0;
}

const char *param_for_model(const struct model *m)
{
    return taken(m->c_name) ? "row" : m->c_name;
}

const char *param_or(const char *name, const char *other, const char *fallback)
{
    return taken(name) || (other && strcmp(name, other) == 0) ? fallback : name;
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

/* ---- Parts ---- */

/* Template values are dead once the text they go into is out. Each enum's and model's part
   of a file gets an arena of its own, freed when the part is done, so that the same memory
   serves every part instead of the arena growing with the schema. part_begin returns the
   file's arena, for part_end to put back. */
static struct arena *part_begin(struct cgen *g)
{
    struct arena *file = g->arena;
    g->arena = arena_new();
    return file;
}

static void part_end(struct cgen *g, struct arena *file)
{
    arena_free(g->arena);
    g->arena = file;
}

/* ---- The header ---- */

/* "int default 0", "text?", "Role default member": the field as the schema declares it. */
static const char *field_comment(struct cgen *g, const struct field *f)
{
    struct buf b = {0};
    buf_puts(&b, f->type == TYPE_ENUM ? f->enum_type->name : type_name(f->type));
    if (f->nullable)
        buf_putc(&b, '?');
    if (f->unique)
        buf_puts(&b, " unique");
    const struct default_value *d = &f->def;
    switch (d->kind) {
    case DEFAULT_NONE: break;
    case DEFAULT_INT: buf_printf(&b, " default %" PRId64, d->i); break;
    case DEFAULT_REAL: buf_printf(&b, " default %s", d->text); break;
    case DEFAULT_TEXT: buf_printf(&b, " default %s", cg_literal(g, d->text)); break;
    case DEFAULT_BOOL: buf_printf(&b, " default %s", d->b ? "true" : "false"); break;
    case DEFAULT_NULL: buf_puts(&b, " default null"); break;
    case DEFAULT_NOW: buf_puts(&b, " default now"); break;
    case DEFAULT_ENUM: buf_printf(&b, " default %s", f->enum_type->members[d->member]); break;
    }
    /* a default string may hold the end of a comment */
    struct buf safe = {0};
    for (const char *p = b.data; *p; p++) {
        buf_putc(&safe, *p);
        if (p[0] == '*' && p[1] == '/')
            buf_putc(&safe, ' ');
    }
    const char *s = arena_strdup(g->arena, safe.data);
    buf_free(&b);
    buf_free(&safe);
    return s;
}

struct member_line {
    const char *decl;       /* "int64_t id;" */
    const char *comment;    /* NULL: none */
};

static void add_member(struct cgen *g, struct vec *lines, const char *type, const char *name,
                       const char *comment)
{
    struct member_line *l = arena_alloc(g->arena, sizeof *l);
    size_t n = strlen(type);
    l->decl = cg_printf(g, "%s%s%s;", type, n && type[n - 1] == '*' ? "" : " ", name);
    l->comment = comment;
    vec_push(lines, l);
}

/* The struct's members, their comments aligned in one column. */
static const char *struct_members(struct cgen *g, const struct model *m)
{
    struct vec lines = {0};
    add_member(g, &lines, "int64_t", "id", "0 = not yet inserted");
    for (size_t i = 1; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        const char *comment = c->assoc
            ? cg_printf(g, "belongs_to %s: %s%s", c->assoc->name, c->assoc->target->name,
                        c->assoc->nullable ? "?" : "")
            : field_comment(g, c->field);
        add_member(g, &lines, col_c_type(g, c), c->name, comment);
        if (col_has_flag(c))
            add_member(g, &lines, "bool", cg_printf(g, "has_%s", c->name),
                       cg_printf(g, "false: %s is NULL", c->name));
    }
    add_member(g, &lines, "void *", "mg_owned", "private: the block the library allocated");
    size_t width = 0;
    for (size_t i = 0; i < lines.count; i++) {
        size_t n = strlen(((struct member_line *)lines.items[i])->decl);
        width = n > width ? n : width;
    }
    struct buf b = {0};
    for (size_t i = 0; i < lines.count; i++) {
        const struct member_line *l = lines.items[i];
        size_t n = strlen(l->decl);
        buf_puts(&b, "    ");
        buf_putn(&b, l->decl, n);
        if (l->comment) {
            for (size_t pad = width + 1 - n; pad > 0; pad--)
                buf_putc(&b, ' ');
            buf_puts(&b, "/* ");
            buf_puts(&b, l->comment);
            buf_puts(&b, " */");
        }
        buf_putc(&b, '\n');
    }
    vec_free(&lines);
    const char *s = arena_strdup(g->arena, b.data);
    buf_free(&b);
    return s;
}

/* "enum role { ROLE_ADMIN, ROLE_MEMBER };" on one line when it fits, else one per line. */
static const char *enum_members(struct cgen *g, const struct enum_type *e)
{
    struct buf one = {0}, many = {0};
    for (size_t i = 0; i < e->nmembers; i++) {
        const char *constant = enum_constant(g, e, i);
        const char *sep = i + 1 < e->nmembers ? "," : "";
        buf_printf(&one, " %s%s", constant, sep);
        buf_printf(&many, "    %s%s\n", constant, sep);
    }
    const char *s = strlen(e->c_name) + one.len + 12 <= 90
        ? cg_printf(g, "{%s }", one.data ? one.data : "")
        : cg_printf(g, "{\n%s}", many.data ? many.data : "");
    buf_free(&one);
    buf_free(&many);
    return s;
}

const char *get_by_param_name(const struct field *f)
{
    return param_or(f->name, NULL, "value");
}

const char *get_by_param(struct cgen *g, const struct field *f)
{
    struct column c = {f->name, (struct field *)f, NULL};
    const char *type = f->type == TYPE_TEXT ? "const char *" : col_c_type(g, &c);
    return cg_printf(g, "%s%s%s", type, type[strlen(type) - 1] == '*' ? "" : " ",
                     get_by_param_name(f));
}

static void model_header(struct cgen *g, const struct model *m)
{
    const char *row = param_for_model(m);
    TMPL(g->out, "c_header.model", {"m", m->c_name}, {"model", m->name}, {"table", m->table},
         {"row", row});
    for (size_t i = 0; i < m->nfields; i++) {
        const struct field *f = m->fields[i];
        if (f->unique)
            TMPL(g->out, "c_header.get_by", {"m", m->c_name}, {"field", f->name},
                 {"param", get_by_param(g, f)});
    }
    for (size_t i = 0; i < m->nassocs; i++)
        cgen_assoc_header(g, m, m->assocs[i]);
    TMPL(g->out, "c_header.functions.end", {"m", m->c_name});
}

static char *include_guard(struct arena *a, const char *name)
{
    return arena_printf(a, "%s_H", upper_case(a, name));
}

void cgen_header(struct buf *out, const struct schema *s, const char *name)
{
    cgen_header_with_migrations(out, s, name, NULL, 0);
}

void cgen_header_with_migrations(struct buf *out, const struct schema *s, const char *name,
                                 const struct cgen_migration *list, size_t n)
{
    struct cgen g = {out, s, name, arena_new()};
    const char *guard = include_guard(g.arena, name);
    TMPL(out, "c_header.file.begin", {"source", s->file}, {"guard", guard}, {"name", name});
    if (list && n > 0)
        TMPL(out, "c_header.migrate.history", {"name", name});
    else
        TMPL(out, "c_header.migrate", {"name", name});
    for (size_t i = 0; i < s->nenums; i++) {
        const struct enum_type *e = s->enums[i];
        struct arena *file = part_begin(&g);
        TMPL(out, "c_header.enum", {"e", e->c_name}, {"enum", e->name},
             {"members", enum_members(&g, e)}, {"first", e->nmembers ? e->members[0] : ""});
        part_end(&g, file);
    }
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        struct arena *file = part_begin(&g);
        TMPL(out, "c_header.struct", {"m", m->c_name}, {"model", m->name}, {"table", m->table},
             {"members", struct_members(&g, m)});
        part_end(&g, file);
    }
    for (size_t i = 0; i < s->nmodels; i++) {
        struct arena *file = part_begin(&g);
        model_header(&g, s->models[i]);
        part_end(&g, file);
    }
    TMPL(out, "c_header.file.end", {"guard", guard});
    arena_free(g.arena);
}

/* ---- The source ---- */

/* Whether any column of the schema has this enum's type (else its reader would be unused). */
static bool enum_is_read(const struct schema *s, const struct enum_type *e)
{
    for (size_t i = 0; i < s->nmodels; i++)
        for (size_t j = 0; j < s->models[i]->ncolumns; j++)
            if (col_enum(&s->models[i]->columns[j]) == e)
                return true;
    return false;
}

void cgen_source(struct buf *out, const struct schema *s, const char *name)
{
    cgen_source_with_migrations(out, s, name, NULL, 0);
}

void cgen_source_opening(struct buf *out, const struct schema *s, const char *name)
{
    struct cgen g = {out, s, name, arena_new()};
    TMPL(out, "c_source.file.begin", {"source", s->file}, {"name", name});
    for (size_t i = 0; i < s->nenums; i++) {
        struct arena *file = part_begin(&g);
        cgen_enum_source(&g, s->enums[i], enum_is_read(s, s->enums[i]));
        part_end(&g, file);
    }
    /* every model's static helpers first: accessors read other models' rows */
    for (size_t i = 0; i < s->nmodels; i++) {
        struct arena *file = part_begin(&g);
        cgen_model_helpers(&g, s->models[i]);
        part_end(&g, file);
    }
    arena_free(g.arena);
}

void cgen_source_models(struct buf *out, const struct schema *s, const char *name,
                        size_t from, size_t to)
{
    struct cgen g = {out, s, name, arena_new()};
    for (size_t i = from; i < to && i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        struct arena *file = part_begin(&g);
        cgen_model_source(&g, m);
        for (size_t j = 0; j < m->nassocs; j++)
            cgen_assoc_source(&g, m, m->assocs[j]);
        part_end(&g, file);
    }
    arena_free(g.arena);
}

void cgen_source_closing(struct buf *out, const struct schema *s, const char *name,
                         const struct cgen_migration *list, size_t n)
{
    struct cgen g = {out, s, name, arena_new()};
    cgen_migrations(&g, list, n);
    arena_free(g.arena);
}

void cgen_source_with_migrations(struct buf *out, const struct schema *s, const char *name,
                                 const struct cgen_migration *list, size_t n)
{
    cgen_source_opening(out, s, name);
    cgen_source_models(out, s, name, 0, s->nmodels);
    cgen_source_closing(out, s, name, list, n);
}
