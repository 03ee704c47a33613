/* The C generator, per enum and per model: their declarations, their descriptions for the
   runtime, and the CRUD functions. */
#include "cgen_model.h"

#include <inttypes.h>
#include <string.h>

#include "check.h"
#include "template.h"

/* Generated lines longer than this are broken. */
enum { LINE = 96 };

/* A text default longer than this is not written as a string literal, since C99 caps
   those at 4095 characters. */
enum { LONG_DEFAULT = 4000 };

/* ---- The header ---- */

/* "int index", "text?", "Role? default member": the field as the schema declares it, its
   options in the order unique, index, default. */
static const char *field_comment(struct cgen *g, const struct field *f)
{
    struct buf b = {0};
    buf_puts(&b, f->type == TYPE_ENUM ? f->enum_type->name : type_name(f->type));
    if (f->nullable)
        buf_putc(&b, '?');
    if (f->unique)
        buf_puts(&b, " unique");
    if (f->index)
        buf_puts(&b, " index");
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
    /* a default string may hold the end of a comment, or what looks like the start of
       another (-Wcomment) */
    struct buf safe = {0};
    for (const char *p = b.data; *p; p++) {
        buf_putc(&safe, *p);
        if ((p[0] == '*' && p[1] == '/') || (p[0] == '/' && p[1] == '*'))
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

/* "{ ROLE_ADMIN, ROLE_MEMBER }" on one line when it fits after prefix, else one per line;
   each member as member(g, e, i) gives it. */
static const char *member_list(struct cgen *g, const struct enum_type *e, size_t prefix,
                               const char *(*member)(struct cgen *, const struct enum_type *,
                                                     size_t))
{
    struct buf one = {0}, many = {0};
    for (size_t i = 0; i < e->nmembers; i++) {
        const char *text = member(g, e, i);
        const char *sep = i + 1 < e->nmembers ? "," : "";
        buf_printf(&one, " %s%s", text, sep);
        buf_printf(&many, "    %s%s\n", text, sep);
    }
    const char *s = prefix + one.len + 4 <= 90
        ? cg_printf(g, "{%s }", one.data ? one.data : "")
        : cg_printf(g, "{\n%s}", many.data ? many.data : "");
    buf_free(&one);
    buf_free(&many);
    return s;
}

static const char *member_literal(struct cgen *g, const struct enum_type *e, size_t i)
{
    return cg_literal(g, e->members[i]);
}

void cgen_enum_header(struct cgen *g, const struct enum_type *e)
{
    /* "enum role " and the closing ";" */
    TMPL(g->out, "c_header.enum", {"e", e->c_name}, {"enum", e->name},
         {"members", member_list(g, e, strlen(e->c_name) + 8, enum_constant)},
         {"first", e->members[0]});
}

void cgen_model_struct(struct cgen *g, const struct model *m)
{
    TMPL(g->out, "c_header.struct", {"m", m->c_name}, {"model", m->name}, {"table", m->table},
         {"members", struct_members(g, m)});
}

/* The key of a get_by function: its name ("email"), and as a declaration
   ("const char *email"). */
static const char *get_by_param_name(struct cgen *g, const struct field *f)
{
    return param_or(g, f->name, NULL, "value");
}

static const char *get_by_param(struct cgen *g, const struct field *f)
{
    struct column c = {f->name, (struct field *)f, NULL};
    const char *type = col_c_type(g, &c);
    return cg_printf(g, "%s%s%s", type, type[strlen(type) - 1] == '*' ? "" : " ",
                     get_by_param_name(g, f));
}

void cgen_model_header(struct cgen *g, const struct model *m)
{
    TMPL(g->out, "c_header.model", {"m", m->c_name}, {"model", m->name}, {"table", m->table},
         {"row", param_for_model(g, m)});
    for (size_t i = 0; i < m->nfields; i++) {
        const struct field *f = m->fields[i];
        if (f->unique)
            TMPL(g->out, "c_header.get_by", {"m", m->c_name}, {"field", f->name},
                 {"param", get_by_param(g, f)});
    }
}

void cgen_model_header_end(struct cgen *g, const struct model *m)
{
    TMPL(g->out, "c_header.functions.end", {"m", m->c_name});
}

/* ---- Enums ---- */

void cgen_enum_source(struct cgen *g, const struct enum_type *e, bool described)
{
    TMPL(g->out, "c_source.enum.begin", {"e", e->c_name}, {"enum", e->name});
    for (size_t i = 0; i < e->nmembers; i++)
        TMPL(g->out, "c_source.enum.name", {"constant", enum_constant(g, e, i)},
             {"literal", cg_literal(g, e->members[i])});
    TMPL(g->out, "c_source.enum.middle", {"e", e->c_name});
    for (size_t i = 0; i < e->nmembers; i++)
        TMPL(g->out, i == 0 ? "c_source.enum.parse.first" : "c_source.enum.parse.next",
             {"constant", enum_constant(g, e, i)}, {"literal", cg_literal(g, e->members[i])});
    TMPL(g->out, "c_source.enum.end", {"e", e->c_name});
    if (described)
        /* "static const char *const role_members[] = " and the closing ";" */
        TMPL(g->out, "c_source.enum.described", {"e", e->c_name}, {"enum", e->name},
             {"name", cg_literal(g, e->name)},
             {"members", member_list(g, e, strlen(e->c_name) + 39, member_literal)},
             {"count", cg_printf(g, "%zu", e->nmembers)});
}

/* ---- The model's description ---- */

/* One entry of the column table, on one line when it fits, else broken after the
   member's offset. */
static const char *column_entry(struct cgen *g, const struct model *m, const struct column *c)
{
    const struct enum_type *e = col_enum(c);
    const char *nullable = c->assoc ? (c->assoc->nullable ? "true" : "false")
                                    : (c->field && c->field->nullable ? "true" : "false");
    const char *head = cg_printf(g, "{ %s, %s, %s, offsetof(struct %s, %s),",
                                 cg_literal(g, c->name), col_mg_type(c), nullable, m->c_name,
                                 c->name);
    const char *tail = cg_printf(g, "%s, %s }",
                                 col_has_flag(c)
                                     ? cg_printf(g, "offsetof(struct %s, has_%s)", m->c_name,
                                                 c->name)
                                     : "0",
                                 e ? cg_printf(g, "&%s_enum", e->c_name) : "NULL");
    if (4 + strlen(head) + 1 + strlen(tail) + 1 <= LINE)
        return cg_printf(g, "%s %s", head, tail);
    return cg_printf(g, "%s\n      %s", head, tail);
}

void cgen_model_description(struct cgen *g, const struct model *m)
{
    TMPL(g->out, "c_source.describe.begin", {"m", m->c_name}, {"model", m->name},
         {"table", m->table});
    for (size_t i = 0; i < m->ncolumns; i++)
        TMPL(g->out, "c_source.describe.column", {"entry", column_entry(g, m, &m->columns[i])});
    TMPL(g->out, "c_source.describe.end", {"m", m->c_name}, {"table", cg_literal(g, m->table)},
         {"sql_table", cg_literal(g, sql_table(g, m))},
         {"ncols", cg_printf(g, "%zu", m->ncolumns)});
}

/* ---- SQL ---- */

/* INSERT INTO t (id, a, b) VALUES (?1, ?2, ?3): the columns in table order, the id first. */
static const char *insert_sql(struct cgen *g, const struct model *m)
{
    struct buf b = {0};
    sql_piece(&b, cg_printf(g, "INSERT INTO %s", sql_table(g, m)));
    for (size_t i = 0; i < m->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s%s%s", i == 0 ? "(" : "",
                                sql_qualified(g, NULL, m->columns[i].name),
                                i + 1 < m->ncolumns ? "," : ")"));
    for (size_t i = 0; i < m->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s?%zu%s", i == 0 ? "VALUES (" : "", i + 1,
                                i + 1 < m->ncolumns ? "," : ")"));
    return cg_sql_finish(g, &b);
}

/* UPDATE t SET a = ?2, b = ?3 WHERE id = ?1: the same parameters as the insert. */
static const char *update_sql(struct cgen *g, const struct model *m)
{
    struct buf b = {0};
    sql_piece(&b, cg_printf(g, "UPDATE %s SET", sql_table(g, m)));
    for (size_t i = 1; i < m->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s = ?%zu%s", sql_qualified(g, NULL, m->columns[i].name),
                                i + 1, i + 1 < m->ncolumns ? "," : ""));
    if (m->ncolumns == 1)   /* only the id: keep the statement valid and harmless */
        sql_piece(&b, "id = ?1");
    sql_piece(&b, "WHERE id = ?1");
    return cg_sql_finish(g, &b);
}

static const char *simple_sql(struct cgen *g, const char *fmt, const struct model *m)
{
    struct buf b = {0};
    buf_printf(&b, fmt, sql_table(g, m));
    return cg_sql_finish(g, &b);
}

/* ---- The model's functions ---- */

/* The C expression of a field's default, or NULL when it has none. */
static const char *default_value(struct cgen *g, const struct model *m, const struct field *f)
{
    const struct default_value *d = &f->def;
    switch (d->kind) {
    case DEFAULT_NONE:
    case DEFAULT_NULL:
        return NULL;
    case DEFAULT_INT:
        return d->i == INT64_MIN ? "INT64_MIN" : cg_printf(g, "%" PRId64, d->i);
    case DEFAULT_REAL:
        return d->text;
    case DEFAULT_TEXT:
        /* a literal, never a heap copy: _free must not (and does not) free it */
        if (strlen(d->text) > LONG_DEFAULT)
            return cg_printf(g, "%s_%s_default", m->c_name, f->name);
        return cg_literal(g, d->text);
    case DEFAULT_BOOL:
        return d->b ? "true" : "false";
    case DEFAULT_NOW:
        return "(int64_t)time(NULL)";
    case DEFAULT_ENUM:
        return enum_constant(g, f->enum_type, d->member);
    }
    return NULL;
}

/* A long text default as an array of its bytes, for _init to point at: character
   constants, printable ones as themselves. */
static void long_default(struct cgen *g, const struct model *m, const struct field *f)
{
    struct buf b = {0};
    const char *text = f->def.text;
    size_t n = strlen(text);
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)text[i];
        buf_puts(&b, i % 12 == 0 ? (i ? "\n    " : "    ") : " ");
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
            buf_printf(&b, "'%c',", c);
        else
            buf_printf(&b, "'\\%03o',", c);
    }
    TMPL(g->out, "c_source.init.long_default", {"m", m->c_name}, {"field", f->name},
         {"bytes", b.data});
    buf_free(&b);
}

static void model_init_free(struct cgen *g, const struct model *m, const char *row)
{
    TMPL(g->out, "c_source.model.begin.comment", {"model", m->name});
    for (size_t i = 0; i < m->nfields; i++) {
        const struct field *f = m->fields[i];
        if (f->def.kind == DEFAULT_TEXT && strlen(f->def.text) > LONG_DEFAULT)
            long_default(g, m, f);
    }
    TMPL(g->out, "c_source.model.begin", {"m", m->c_name}, {"model", m->name}, {"row", row});
    for (size_t i = 0; i < m->nfields; i++) {
        const struct field *f = m->fields[i];
        const char *value = default_value(g, m, f);
        if (!value)
            continue;
        TMPL(g->out, "c_source.init.line", {"row", row}, {"member", f->name}, {"value", value});
        if (f->nullable && f->type != TYPE_TEXT && f->type != TYPE_BLOB)
            TMPL(g->out, "c_source.init.line", {"row", row},
                 {"member", cg_printf(g, "has_%s", f->name)}, {"value", "true"});
    }
    TMPL(g->out, "c_source.model.free", {"m", m->c_name}, {"row", row});
    for (size_t i = 0; i < m->ncolumns; i++) {
        const struct column *c = &m->columns[i];
        if (col_is_text(c) || col_is_blob(c))
            TMPL(g->out, col_is_text(c) ? "c_source.free.text" : "c_source.free.blob",
                 {"row", row}, {"member", c->name});
    }
}

static void model_get_by(struct cgen *g, const struct model *m, const struct field *f)
{
    const char *value = get_by_param_name(g, f);
    if (f->type == TYPE_ENUM) {
        /* a value that names no member is the caller's mistake, not a row that is missing */
        TMPL(g->out, "c_source.get_by.enum", {"m", m->c_name}, {"field", f->name},
             {"table", m->table}, {"sql", cg_select_where(g, m, f->name, NULL)},
             {"param", get_by_param(g, f)}, {"value", value},
             {"key", cg_param_expr(g, f, value)}, {"enum", f->enum_type->name});
        return;
    }
    TMPL(g->out, "c_source.get_by", {"m", m->c_name}, {"field", f->name}, {"table", m->table},
         {"sql", cg_select_where(g, m, f->name, NULL)}, {"param", get_by_param(g, f)},
         {"key", cg_param_expr(g, f, value)});
}

void cgen_model_source(struct cgen *g, const struct model *m)
{
    const char *row = param_for_model(g, m);
    model_init_free(g, m, row);
    TMPL(g->out, "c_source.model.crud", {"m", m->c_name}, {"row", row}, {"table", m->table},
         {"insert_sql", insert_sql(g, m)}, {"update_sql", update_sql(g, m)},
         {"delete_sql", simple_sql(g, "DELETE FROM %s WHERE id = ?1", m)},
         {"get_sql", cg_select_where(g, m, "id", NULL)},
         {"all_sql", cg_select_where(g, m, NULL, "ORDER BY id")},
         {"count_sql", simple_sql(g, "SELECT count(*) FROM %s", m)});
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i]->unique)
            model_get_by(g, m, m->fields[i]);
}
