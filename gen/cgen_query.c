/* The C generator, for named queries (see cgen_query.h). The text lives in
   templates/c_query.tmpl. */
#include "cgen_query.h"

#include <string.h>

#include "c_names.h"
#include "check.h"
#include "query_sql.h"
#include "template.h"

/* Generated lines longer than this are broken. */
enum { LINE = 96 };

/* SQL longer than this is not written as a string literal, since C99 caps those at 4095
   characters. */
enum { LONG_SQL = 4000 };

/* ---- Types ---- */

static const char *value_c_type(struct cgen *g, const struct value_type *t)
{
    switch (t->type) {
    case TYPE_INT:
    case TYPE_TIMESTAMP: return "int64_t";
    case TYPE_REAL: return "double";
    case TYPE_TEXT: return "const char *";
    case TYPE_BLOB: return "mg_blob";
    case TYPE_BOOL: return "bool";
    case TYPE_ENUM: return cg_printf(g, "enum %s", t->enum_type->c_name);
    }
    return "int64_t";
}

static const char *value_mg_type(const struct value_type *t)
{
    switch (t->type) {
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

/* Text and blobs carry their NULL in the value; the other types need a has_ flag. */
static bool is_pointer(const struct value_type *t)
{
    return t->type == TYPE_TEXT || t->type == TYPE_BLOB;
}

/* "int", "Role?": the type as the schema writes it. */
static const char *type_words(struct cgen *g, const struct value_type *t)
{
    return cg_printf(g, "%s%s", t->type == TYPE_ENUM ? t->enum_type->name : type_name(t->type),
                     t->nullable ? "?" : "");
}

/* "type name", without a space after a '*'. */
static const char *declaration(struct cgen *g, const char *type, const char *name)
{
    size_t n = strlen(type);
    return cg_printf(g, "%s%s%s", type, n && type[n - 1] == '*' ? "" : " ", name);
}

/* Whether some model column has this enum's type, so that the models' part of the source
   describes it (role_enum). */
static bool enum_described(const struct schema *s, const struct enum_type *e)
{
    for (size_t i = 0; i < s->nmodels; i++)
        for (size_t j = 0; j < s->models[i]->ncolumns; j++) {
            const struct field *f = s->models[i]->columns[j].field;
            if (f && f->type == TYPE_ENUM && f->enum_type == e)
                return true;
        }
    return false;
}

static const char *enum_ref(struct cgen *g, const struct value_type *t)
{
    if (t->type != TYPE_ENUM)
        return "NULL";
    return cg_printf(g, "&%s_%senum", t->enum_type->c_name,
                     enum_described(g->schema, t->enum_type) ? "" : "query_");
}

/* ---- Names and declarations ---- */

static const char *function_name(struct cgen *g, const struct query *q)
{
    return cg_printf(g, "%s_%s", g->name, q->name);
}

/* The query as the schema declares it: "published_posts(limit int) -> many Post". */
static const char *declaration_text(struct cgen *g, const struct query *q)
{
    struct buf b = {0};
    buf_printf(&b, "%s(", q->name);
    for (size_t i = 0; i < q->nparams; i++) {
        const struct query_param *p = &q->params[i];
        buf_printf(&b, "%s%s %s%s", i ? ", " : "", p->name,
                   p->id_of ? p->id_of->name
                   : p->t.type == TYPE_ENUM ? p->t.enum_type->name : type_name(p->t.type),
                   p->t.nullable ? "?" : "");
    }
    buf_putc(&b, ')');
    switch (q->result) {
    case RESULT_NONE: break;
    case RESULT_MODEL: buf_printf(&b, " -> %s%s", q->many ? "many " : "", q->model->name); break;
    case RESULT_ROW: buf_printf(&b, " -> %s%s", q->many ? "many " : "", q->row->name); break;
    case RESULT_SCALAR: buf_printf(&b, " -> %s", type_words(g, &q->scalar)); break;
    }
    const char *s = cg_printf(g, "%s", b.data);
    buf_free(&b);
    return s;
}

/* A parameter's name in C: its name in the schema, or NAME_value (with more underscores
   until it is no other's) when a file-scope name of the generated code has it, which the
   parameter would hide (a parameter post_model and the static post_model). */
static const char *param_c_name(struct cgen *g, const struct query *q,
                                const struct query_param *p)
{
    if (!c_names_has(g->schema->c_names, p->name))
        return p->name;
    const char *name = cg_printf(g, "%s_value", p->name);
    for (;;) {
        bool clash = c_names_has(g->schema->c_names, name);
        for (size_t j = 0; !clash && j < q->nparams; j++)
            clash = strcmp(q->params[j].name, name) == 0;
        if (!clash)
            return name;
        name = cg_printf(g, "%s_", name);
    }
}

/* A parameter in C: its value, or a pointer to it when it may be NULL (text and blobs
   carry their NULL themselves). */
static const char *param_declaration(struct cgen *g, const struct query *q,
                                     const struct query_param *p)
{
    const char *type = value_c_type(g, &p->t);
    if (p->t.nullable && !is_pointer(&p->t))
        type = cg_printf(g, "const %s *", type);
    return declaration(g, type, param_c_name(g, q, p));
}

/* The output parameters of a query's function. */
static const char *output_declaration(struct cgen *g, const struct query *q)
{
    switch (q->result) {
    case RESULT_NONE:
        return "int64_t *changes";
    case RESULT_MODEL:
        return cg_printf(g, "struct %s%s *out", q->model->c_name, q->many ? "_array" : "");
    case RESULT_ROW:
        return cg_printf(g, "struct %s%s *out", q->row->c_name, q->many ? "_array" : "");
    case RESULT_SCALAR: {
        const char *out = declaration(g, cg_printf(g, "%s *", value_c_type(g, &q->scalar)),
                                      "out");
        return q->scalar.nullable ? cg_printf(g, "%s, bool *has_out", out) : out;
    }
    }
    return "";
}

/* "int fn(mg_db *db, ...)", broken before a parameter that would pass the line's end. */
static const char *signature(struct cgen *g, const struct query *q)
{
    struct vec parts = {0};
    vec_push(&parts, (void *)"mg_db *db");
    for (size_t i = 0; i < q->nparams; i++)
        vec_push(&parts, (void *)param_declaration(g, q, &q->params[i]));
    vec_push(&parts, (void *)output_declaration(g, q));
    struct buf b = {0};
    buf_printf(&b, "int %s(", function_name(g, q));
    size_t line = b.len;
    for (size_t i = 0; i < parts.count; i++) {
        const char *p = parts.items[i];
        size_t n = strlen(p) + (i + 1 < parts.count ? 1 : 2);   /* "," or ");" */
        if (i > 0) {
            if (line + 1 + n > LINE) {
                buf_puts(&b, "\n    ");
                line = 4;
            } else {
                buf_putc(&b, ' ');
                line++;
            }
        }
        buf_puts(&b, p);
        line += n;
        buf_puts(&b, i + 1 < parts.count ? "," : ")");
    }
    const char *s = cg_printf(g, "%s", b.data);
    buf_free(&b);
    vec_free(&parts);
    return s;
}

/* ---- The header ---- */

struct member_line {
    const char *decl;
    const char *comment;
};

static void add_member(struct cgen *g, struct vec *lines, const char *type, const char *name,
                       const char *comment)
{
    struct member_line *l = arena_alloc(g->arena, sizeof *l);
    l->decl = cg_printf(g, "%s;", declaration(g, type, name));
    l->comment = comment;
    vec_push(lines, l);
}

/* Whether a column of a row type is read with a private flag: declared not null over an
   expression, of a type whose NULL the value cannot show. */
static bool verify_flag(const struct row_column *c)
{
    return c->verify_not_null && !is_pointer(&c->t) && c->t.type != TYPE_ENUM;
}

static const char *row_members(struct cgen *g, const struct row_type *r)
{
    struct vec lines = {0};
    for (size_t i = 0; i < r->ncolumns; i++) {
        const struct row_column *c = &r->columns[i];
        const char *comment = c->verify_not_null
            ? cg_printf(g, "%s, declared: a NULL fails the read", type_words(g, &c->t))
            : type_words(g, &c->t);
        add_member(g, &lines, value_c_type(g, &c->t), c->name, comment);
        if (c->t.nullable && !is_pointer(&c->t))
            add_member(g, &lines, "bool", cg_printf(g, "has_%s", c->name),
                       cg_printf(g, "false: %s is NULL", c->name));
    }
    for (size_t i = 0; i < r->ncolumns; i++)
        if (verify_flag(&r->columns[i]))
            add_member(g, &lines, "bool", cg_printf(g, "mg_has_%s", r->columns[i].name),
                       "private: whether the library read a value");
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
        buf_puts(&b, l->decl);
        for (size_t pad = width + 1 - n; pad > 0; pad--)
            buf_putc(&b, ' ');
        buf_printf(&b, "/* %s */\n", l->comment);
    }
    vec_free(&lines);
    const char *s = cg_printf(g, "%s", b.data);
    buf_free(&b);
    return s;
}

void cgen_query_header(struct cgen *g)
{
    const struct schema *s = g->schema;
    if (s->nqueries == 0)
        return;
    TMPL(g->out, "c_query.header.begin", {"name", g->name});
    for (size_t i = 0; i < s->nrows; i++) {
        const struct row_type *r = s->rows[i];
        TMPL(g->out, "c_query.header.row", {"r", r->c_name}, {"row", r->name},
             {"query", r->declared_by->name}, {"members", row_members(g, r)});
    }
    for (size_t i = 0; i < s->nqueries; i++) {
        const struct query *q = s->queries[i];
        const char *section = q->result == RESULT_NONE ? "c_query.header.exec"
                            : q->result == RESULT_SCALAR
                                ? (q->scalar.nullable ? "c_query.header.scalar.nullable"
                                                      : "c_query.header.scalar")
                            : q->many ? "c_query.header.many" : "c_query.header.one";
        TMPL(g->out, section, {"decl", declaration_text(g, q)},
             {"signature", cg_printf(g, "%s;", signature(g, q))});
    }
    TMPL(g->out, "c_query.header.end", {"name", g->name});
}

/* ---- The source ---- */

/* One entry of a column table, on one line when it fits, else broken after the member's
   offset. */
static const char *column_entry(struct cgen *g, const char *type_name_c, const char *name,
                                const struct value_type *t, bool nullable, const char *flag)
{
    const char *head = cg_printf(g, "{ %s, %s, %s, offsetof(struct %s, %s),", cg_literal(g, name),
                                 value_mg_type(t), nullable ? "true" : "false", type_name_c, name);
    const char *tail = cg_printf(g, "%s, %s }",
                                 flag ? cg_printf(g, "offsetof(struct %s, %s)", type_name_c, flag)
                                      : "0",
                                 enum_ref(g, t));
    if (4 + strlen(head) + 1 + strlen(tail) + 1 <= LINE)
        return cg_printf(g, "%s %s", head, tail);
    return cg_printf(g, "%s\n      %s", head, tail);
}

/* Whether the generated code checks a column for NULL after reading it: declared not
   null over an expression (the runtime refuses a NULL enum itself). */
static bool checked_after_read(const struct row_column *c)
{
    return c->verify_not_null && c->t.type != TYPE_ENUM;
}

static bool row_verifies(const struct row_type *r)
{
    for (size_t i = 0; i < r->ncolumns; i++)
        if (checked_after_read(&r->columns[i]))
            return true;
    return false;
}

static void row_source(struct cgen *g, const struct row_type *r)
{
    TMPL(g->out, "c_query.source.row.begin", {"r", r->c_name}, {"row", r->name});
    for (size_t i = 0; i < r->ncolumns; i++) {
        const struct row_column *c = &r->columns[i];
        const char *flag = verify_flag(c) ? cg_printf(g, "mg_has_%s", c->name)
                         : c->t.nullable && !is_pointer(&c->t) ? cg_printf(g, "has_%s", c->name)
                         : NULL;
        bool nullable = c->t.nullable || verify_flag(c);
        TMPL(g->out, "c_query.source.row.column",
             {"entry", column_entry(g, r->c_name, c->name, &c->t, nullable, flag)});
    }
    TMPL(g->out, "c_query.source.row.end", {"r", r->c_name}, {"name", cg_literal(g, r->name)},
         {"ncols", cg_printf(g, "%zu", r->ncolumns)});
    for (size_t i = 0; i < r->ncolumns; i++) {
        const struct row_column *c = &r->columns[i];
        if (is_pointer(&c->t))
            TMPL(g->out, c->t.type == TYPE_TEXT ? "c_query.source.free.text"
                                                 : "c_query.source.free.blob",
                 {"member", c->name});
    }
    TMPL(g->out, "c_query.source.row.free.end", {"r", r->c_name});
    if (!row_verifies(r))
        return;
    TMPL(g->out, "c_query.source.verify.begin", {"r", r->c_name}, {"row", r->name});
    for (size_t i = 0; i < r->ncolumns; i++) {
        const struct row_column *c = &r->columns[i];
        if (!checked_after_read(c))
            continue;
        const char *section = c->t.type == TYPE_TEXT ? "c_query.source.verify.text"
                            : c->t.type == TYPE_BLOB ? "c_query.source.verify.blob"
                            : "c_query.source.verify.flag";
        TMPL(g->out, section, {"member", c->name}, {"row", r->name},
             {"type", type_words(g, &c->t)});
    }
    TMPL(g->out, "c_query.source.verify.end", {"r", r->c_name});
}

/* The statement's lines, without the blank lines around it and, when no literal or
   quoted name spans lines, without the indentation every line shares. */
static void statement_lines(const char *text, struct vec *lines, struct arena *a)
{
    const char *start = text, *end = text + strlen(text);
    while (start < end && (*start == ' ' || *start == '\t' || *start == '\n' || *start == '\r'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
                           end[-1] == '\r'))
        end--;
    /* back to the start of the first line, so that its indentation counts too */
    while (start > text && (start[-1] == ' ' || start[-1] == '\t'))
        start--;
    char *body = arena_strndup(a, start, (size_t)(end - start));
    struct sqltoks ts;
    sql_tokenize(body, &ts);
    bool multiline = false;
    for (size_t i = 0; i < ts.n; i++)
        if ((ts.t[i].kind == SQLT_STRING || ts.t[i].kind == SQLT_QUOTED) &&
            memchr(body + ts.t[i].at, '\n', ts.t[i].len))
            multiline = true;
    sql_tokens_free(&ts);
    size_t indent = (size_t)-1;
    for (const char *p = body; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p), k = 0;
        while (k < n && (p[k] == ' ' || p[k] == '\t'))
            k++;
        if (k < n && k < indent)
            indent = k;     /* blank lines do not count */
        p += n + (nl != NULL);
    }
    if (multiline || indent == (size_t)-1)
        indent = 0;
    for (const char *p = body; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t cut = n >= indent ? indent : n;
        /* a line's trailing carriage return and spaces go too, outside literals */
        size_t keep = n - cut;
        if (!multiline)
            while (keep > 0 && (p[cut + keep - 1] == '\r' || p[cut + keep - 1] == ' ' ||
                                p[cut + keep - 1] == '\t'))
                keep--;
        vec_push(lines, arena_strndup(a, p + cut, keep));
        p += n + (nl != NULL);
    }
}

/* The query's SQL as the static string of its function. */
static void query_sql(struct cgen *g, const struct query *q, const char *fn)
{
    struct vec lines = {0};
    statement_lines(q->stmt ? q->stmt : q->text, &lines, g->arena);
    struct buf text = {0};
    for (size_t i = 0; i < lines.count; i++)
        buf_printf(&text, "%s%s", (const char *)lines.items[i], i + 1 < lines.count ? "\n" : "");
    if (text.len > LONG_SQL) {
        struct buf b = {0};
        for (size_t i = 0; i <= text.len; i++) {
            unsigned char c = (unsigned char)(i < text.len ? text.data[i] : '\0');
            buf_puts(&b, i % 12 == 0 ? (i ? "\n    " : "    ") : " ");
            if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
                buf_printf(&b, "'%c',", c);
            else
                buf_printf(&b, "'\\%03o',", c);
        }
        TMPL(g->out, "c_query.source.query.long_sql", {"query", q->name}, {"fn", fn},
             {"bytes", b.data});
        buf_free(&b);
    } else {
        struct buf b = {0};
        for (size_t i = 0; i < lines.count; i++) {
            const char *line = lines.items[i];
            struct buf one = {0};
            buf_printf(&one, "%s%s", line, i + 1 < lines.count ? "\n" : "");
            buf_puts(&b, i ? "\n    " : "    ");
            cg_literal_into(&b, one.data, one.len);
            buf_free(&one);
        }
        TMPL(g->out, "c_query.source.query.begin", {"query", q->name}, {"fn", fn},
             {"sql", b.data ? b.data : "    \"\""});
        buf_free(&b);
    }
    buf_free(&text);
    vec_free(&lines);
}

static const char *param_function(enum type_kind t)
{
    switch (t) {
    case TYPE_REAL: return "mg_param_real";
    case TYPE_BOOL: return "mg_param_bool";
    case TYPE_TIMESTAMP: return "mg_param_time";
    default: return "mg_param_int";
    }
}

static void bind_param(struct cgen *g, const char *fn, const struct query *q, size_t i,
                       const struct query_param *p)
{
    const char *name = param_c_name(g, q, p);
    const char *index = cg_printf(g, "%zu", i);
    const struct value_type *t = &p->t;
    if (t->type == TYPE_ENUM) {
        TMPL(g->out, t->nullable ? "c_query.source.param.enum.nullable" : "c_query.source.param.enum",
             {"index", index}, {"name", name}, {"fn", fn}, {"e", t->enum_type->c_name},
             {"enum", t->enum_type->name});
    } else if (is_pointer(t)) {
        const char *f = t->type == TYPE_TEXT ? "mg_param_text" : "mg_param_blob";
        if (t->nullable)
            TMPL(g->out, "c_query.source.param", {"index", index},
                 {"value", cg_printf(g, "%s(%s)", f, name)});
        else
            TMPL(g->out, t->type == TYPE_TEXT ? "c_query.source.param.text"
                                              : "c_query.source.param.blob",
                 {"index", index}, {"name", name}, {"fn", fn});
    } else if (t->nullable) {
        TMPL(g->out, "c_query.source.param.nullable", {"index", index}, {"name", name},
             {"mg_type", value_mg_type(t)},
             {"value", cg_printf(g, "%s(*%s)", param_function(t->type), name)});
    } else {
        TMPL(g->out, "c_query.source.param", {"index", index},
             {"value", cg_printf(g, "%s(%s)", param_function(t->type), name)});
    }
}

static void scalar_model(struct cgen *g, const struct query *q, const char *fn)
{
    TMPL(g->out, "c_query.source.scalar.model", {"query", q->name}, {"fn", fn},
         {"type", value_c_type(g, &q->scalar)}, {"column", cg_literal(g, q->name)},
         {"mg_type", value_mg_type(&q->scalar)}, {"enumeration", enum_ref(g, &q->scalar)},
         {"name", cg_literal(g, q->name)});
}

static void query_function(struct cgen *g, const struct query *q)
{
    const char *fn = function_name(g, q);
    query_sql(g, q, fn);
    if (q->result == RESULT_SCALAR)
        scalar_model(g, q, fn);
    TMPL(g->out, "c_query.source.function.begin", {"signature_open", signature(g, q)});
    bool verify = q->result == RESULT_ROW && row_verifies(q->row);
    size_t nlocals = 0;
    if (q->nparams) {
        TMPL(g->out, "c_query.source.local",
             {"decl", cg_printf(g, "mg_param mg_params[%zu]", q->nparams)});
        nlocals++;
    }
    if (q->result != RESULT_NONE && q->many) {
        TMPL(g->out, "c_query.source.local", {"decl", "mg_rows mg_found = { NULL, 0 }"});
        nlocals++;
        if (verify) {
            TMPL(g->out, "c_query.source.local", {"decl", "size_t mg_i"});
            nlocals++;
        }
    }
    if (q->result == RESULT_SCALAR) {
        TMPL(g->out, "c_query.source.local", {"decl", cg_printf(g, "struct %s_value mg_value", fn)});
        nlocals++;
    }
    if (q->result != RESULT_NONE) {
        TMPL(g->out, "c_query.source.local", {"decl", "int mg_status"});
        nlocals++;
    }
    if (nlocals)
        TMPL(g->out, "c_query.source.locals.end", {"fn", fn});
    if (q->result == RESULT_SCALAR) {
        TMPL(g->out, q->scalar.nullable ? "c_query.source.out_null.scalar" : "c_query.source.out_null",
             {"fn", fn});
        TMPL(g->out, "c_query.source.out_clear.scalar", {"fn", fn});
    } else if (q->result != RESULT_NONE) {
        TMPL(g->out, "c_query.source.out_null", {"fn", fn});
        TMPL(g->out, "c_query.source.out_clear", {"fn", fn});
    }
    for (size_t i = 0; i < q->nparams; i++)
        bind_param(g, fn, q, i, &q->params[i]);
    const char *args = q->nparams ? cg_printf(g, "mg_params, %zu", q->nparams) : "NULL, 0";
    const char *m = q->result == RESULT_MODEL ? q->model->c_name
                  : q->result == RESULT_ROW ? q->row->c_name : "";
    switch (q->result) {
    case RESULT_NONE:
        TMPL(g->out, "c_query.source.call.exec", {"fn", fn}, {"args", args});
        return;
    case RESULT_MODEL:
    case RESULT_ROW:
        TMPL(g->out, q->many ? "c_query.source.call.many" : "c_query.source.call.one",
             {"fn", fn}, {"m", m}, {"args", args});
        if (verify)
            TMPL(g->out, q->many ? "c_query.source.call.many.verify"
                                 : "c_query.source.call.one.verify",
                 {"fn", fn}, {"m", m});
        TMPL(g->out, "c_query.source.function.end", {"fn", fn});
        return;
    case RESULT_SCALAR:
        TMPL(g->out, q->scalar.nullable ? "c_query.source.call.scalar.nullable"
                                        : "c_query.source.call.scalar",
             {"fn", fn}, {"args", args}, {"type", type_words(g, &q->scalar)});
        TMPL(g->out, "c_query.source.function.end.scalar", {"fn", fn});
        return;
    }
}

/* Enums that query results read but no model column has: described here. */
static void query_enums(struct cgen *g)
{
    const struct schema *s = g->schema;
    for (size_t i = 0; i < s->nenums; i++) {
        const struct enum_type *e = s->enums[i];
        if (enum_described(s, e))
            continue;
        bool used = false;
        for (size_t r = 0; r < s->nrows; r++)
            for (size_t c = 0; c < s->rows[r]->ncolumns; c++)
                used = used || (s->rows[r]->columns[c].t.type == TYPE_ENUM &&
                                s->rows[r]->columns[c].t.enum_type == e);
        for (size_t q = 0; q < s->nqueries; q++)
            used = used || (s->queries[q]->result == RESULT_SCALAR &&
                            s->queries[q]->scalar.type == TYPE_ENUM &&
                            s->queries[q]->scalar.enum_type == e);
        if (!used)
            continue;
        struct buf members = {0};
        buf_puts(&members, "{");
        for (size_t m = 0; m < e->nmembers; m++)
            buf_printf(&members, " %s%s", cg_literal(g, e->members[m]),
                       m + 1 < e->nmembers ? "," : " ");
        buf_puts(&members, "}");
        TMPL(g->out, "c_query.source.enum", {"e", e->c_name}, {"enum", e->name},
             {"members", members.data}, {"name", cg_literal(g, e->name)},
             {"count", cg_printf(g, "%zu", e->nmembers)});
        buf_free(&members);
    }
}

void cgen_query_source(struct cgen *g)
{
    const struct schema *s = g->schema;
    if (s->nqueries == 0)
        return;
    TMPL(g->out, "c_query.source.begin", {"name", g->name});
    query_enums(g);
    for (size_t i = 0; i < s->nrows; i++)
        row_source(g, s->rows[i]);
    for (size_t i = 0; i < s->nqueries; i++)
        query_function(g, s->queries[i]);
    TMPL(g->out, "c_query.source.end", {"name", g->name});
}
