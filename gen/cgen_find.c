/* The C generator, per model: its finders. Every index reads rows by the values of its
   columns:

   - a composite unique key, `unique (a, b)`: NAME_get_by_A_and_B, one row, MG_NOTFOUND
     when there is none (a unique field's NAME_get_by_F is cgen_model.c's);
   - an indexed field, `f T index`, and a composite index, `index (a, b)`:
     NAME_all_by_F and NAME_all_by_A_and_B, every row with those values, ordered by id.

   Functions are named after the columns (a belongs_to by its key, user_id); each takes
   one parameter per column, of the column's C type (an enum's value is checked: a
   non-member is MG_MISUSE). An index on the very columns of a unique key gets no array
   finder (the row finder is it), and a name that is already taken is not generated
   twice. A belongs_to's own index gets none either: the has_many on the other side reads
   those rows (user_get_posts), and `index (author)` asks for post_all_by_author_id
   without a second index in the database. */
#include "cgen_find.h"

#include <string.h>

#include "c_names.h"
#include "template.h"

/* Generated lines longer than this are broken. */
enum { LINE = 96 };

/* One finder of a model. */
struct finder {
    bool unique;                    /* one row (get_by), else an array (all_by) */
    bool elsewhere;                 /* a unique field's get_by, which cgen_model.c writes */
    const struct column *const *columns;
    size_t ncolumns;
    const char *suffix;             /* "status", "user_id_and_group_id" */
};

/* The model's column that holds field f. */
static const struct column *field_column(const struct model *m, const struct field *f)
{
    for (size_t i = 0; i < m->ncolumns; i++)
        if (m->columns[i].field == f)
            return &m->columns[i];
    return NULL;
}

static bool same_columns(const struct finder *a, const struct finder *b)
{
    if (a->ncolumns != b->ncolumns)
        return false;
    for (size_t i = 0; i < a->ncolumns; i++)
        if (a->columns[i] != b->columns[i])
            return false;
    return true;
}

/* The function's name after the model's: get_by_ or all_by_ and the suffix. */
static const char *finder_fn(struct cgen *g, const struct model *m, const struct finder *f)
{
    return cg_printf(g, "%s_%s_by_%s", m->c_name, f->unique ? "get" : "all", f->suffix);
}

/* A field's finder. */
static struct finder field_finder(struct cgen *g, const struct model *m, const struct field *f)
{
    const struct column **cols = arena_alloc(g->arena, sizeof *cols);
    cols[0] = field_column(m, f);
    return (struct finder){f->unique, f->unique, cols, 1, f->name};
}

/* A composite's finder: its columns' names joined with _and_. */
static struct finder composite_finder(struct cgen *g, const struct composite *k)
{
    struct buf name = {0};
    for (size_t j = 0; j < k->ncolumns; j++)
        buf_printf(&name, "%s%s", j ? "_and_" : "", k->columns[j]->name);
    struct finder f = {k->unique, false, (const struct column *const *)k->columns,
                       k->ncolumns, arena_strdup(g->arena, name.data)};
    buf_free(&name);
    return f;
}

/* The model's finders: the unique keys' (the unique fields' get_by first, which
   cgen_model.c writes, then the composites'), then the indexes' (the indexed fields',
   then the composites'), in declaration order; without an array finder over the very
   columns of a unique key, and without a name twice. */
static size_t collect(struct cgen *g, const struct model *m, struct finder **out)
{
    size_t cap = 2 * m->nfields + m->ncomposites, n = 0, kept = 0;
    struct finder *all = arena_alloc(g->arena, (cap ? cap : 1) * sizeof *all);
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i]->unique && field_column(m, m->fields[i]))
            all[n++] = field_finder(g, m, m->fields[i]);
    for (size_t i = 0; i < m->ncomposites; i++)
        if (m->composites[i]->unique)
            all[n++] = composite_finder(g, m->composites[i]);
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i]->index && !m->fields[i]->unique && field_column(m, m->fields[i]))
            all[n++] = field_finder(g, m, m->fields[i]);
    for (size_t i = 0; i < m->ncomposites; i++)
        if (!m->composites[i]->unique)
            all[n++] = composite_finder(g, m->composites[i]);
    struct finder *keep = arena_alloc(g->arena, (n ? n : 1) * sizeof *keep);
    for (size_t i = 0; i < n; i++) {
        bool drop = all[i].elsewhere;
        for (size_t j = 0; !drop && j < i; j++)
            drop = (all[j].unique && !all[i].unique && same_columns(&all[j], &all[i])) ||
                   (all[j].unique == all[i].unique && strcmp(all[j].suffix, all[i].suffix) == 0);
        if (!drop)
            keep[kept++] = all[i];
    }
    *out = keep;
    return kept;
}

/* ---- Parameters ---- */

/* Whether a column's name cannot be its parameter's: the function's own parameters, and
   what its body names (memset, the enums' _name functions, the types it declares with). */
static bool reserved(struct cgen *g, const char *name)
{
    if (c_names_has(g->schema->c_names, name))    /* a file-scope name it would hide */
        return true;
    static const char *const words[] = {"db", "out", "memset", "int64_t", "size_t", "bool",
                                        "NULL", "offsetof", "mg_blob"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(name, words[i]) == 0)
            return true;
    for (size_t i = 0; i < g->schema->nenums; i++) {
        size_t n = strlen(g->schema->enums[i]->c_name);
        if (strncmp(name, g->schema->enums[i]->c_name, n) == 0 && strcmp(name + n, "_name") == 0)
            return true;
    }
    return false;
}

/* The parameter of column i: its name, or NAME_value (and more underscores until it is
   no other column's) when the name is reserved. */
static const char *param_name(struct cgen *g, const struct finder *f, size_t i)
{
    const char *name = f->columns[i]->name;
    if (!reserved(g, name))
        return name;
    const char *p = cg_printf(g, "%s_value", name);
    for (;;) {
        bool clash = reserved(g, p);
        for (size_t j = 0; !clash && j < f->ncolumns; j++)
            clash = strcmp(f->columns[j]->name, p) == 0;
        if (!clash)
            return p;
        p = cg_printf(g, "%s_", p);
    }
}

/* "int64_t user_id", "const char *email" */
static const char *param_decl(struct cgen *g, const struct finder *f, size_t i)
{
    const char *type = col_c_type(g, f->columns[i]);
    return cg_printf(g, "%s%s%s", type, type[strlen(type) - 1] == '*' ? "" : " ",
                     param_name(g, f, i));
}

/* "int post_all_by_status(mg_db *db, enum status status, struct post_array *out)", broken
   before a parameter that would pass the line's end, continued four spaces in. */
static const char *signature(struct cgen *g, const struct model *m, const struct finder *f)
{
    size_t n = f->ncolumns + 2;
    const char **params = arena_alloc(g->arena, n * sizeof *params);
    params[0] = "mg_db *db";
    for (size_t i = 0; i < f->ncolumns; i++)
        params[i + 1] = param_decl(g, f, i);
    params[n - 1] = cg_printf(g, "struct %s%s *out", m->c_name, f->unique ? "" : "_array");
    struct buf b = {0};
    buf_printf(&b, "int %s(", finder_fn(g, m, f));
    size_t line = b.len;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(params[i]) + (i + 1 < n ? 1 : 2);   /* "," or ");" */
        if (i > 0) {
            if (line + 1 + len > LINE) {
                buf_puts(&b, "\n    ");
                line = 4;
            } else {
                buf_putc(&b, ' ');
                line++;
            }
        }
        buf_puts(&b, params[i]);
        buf_puts(&b, i + 1 < n ? "," : ")");
        line += len - (i + 1 < n ? 0 : 1);
    }
    const char *s = arena_strdup(g->arena, b.data);
    buf_free(&b);
    return s;
}

/* "status", "user_id and group_id": the columns as the comments and messages name them. */
static const char *column_words(struct cgen *g, const struct finder *f)
{
    struct buf b = {0};
    for (size_t i = 0; i < f->ncolumns; i++)
        buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 < f->ncolumns ? ", " : " and ",
                   f->columns[i]->name);
    const char *s = arena_strdup(g->arena, b.data);
    buf_free(&b);
    return s;
}

/* ---- The header ---- */

/* text as a C comment, its words wrapped before the line's end. */
static const char *comment(struct cgen *g, const char *text)
{
    struct buf b = {0};
    size_t line = 2;
    buf_puts(&b, "/*");
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        if (line + 1 + n > LINE - 6 && line > 3) {
            buf_puts(&b, "\n  ");
            line = 2;
        }
        buf_putc(&b, ' ');
        buf_putn(&b, p, n);
        line += 1 + n;
        p += n;
    }
    buf_puts(&b, " */");
    const char *s = arena_strdup(g->arena, b.data);
    buf_free(&b);
    return s;
}

void cgen_find_header(struct cgen *g, const struct model *m)
{
    struct finder *fs;
    size_t n = collect(g, m, &fs);
    for (size_t i = 0; i < n; i++) {
        const struct finder *f = &fs[i];
        bool one = f->ncolumns == 1;
        const char *text = tmpl_piece(g->arena, f->unique ? "c_find.comment.get"
                                                          : "c_find.comment.all",
                                      (const struct tvar[]){
                                          {"columns", column_words(g, f)},
                                          {"are", one ? "is" : "are"},
                                          {"arguments", one ? "the argument" : "the arguments"}},
                                      3);
        TMPL(g->out, "c_find.header", {"comment", comment(g, text)},
             {"signature", signature(g, m, f)});
    }
}

/* ---- The source ---- */

/* SELECT the model's columns FROM its table WHERE a = ?1 AND b = ?2 [ORDER BY id]. */
static const char *finder_sql(struct cgen *g, const struct model *m, const struct finder *f)
{
    struct buf b = {0};
    sql_piece(&b, "SELECT");
    sql_column_list(&b, m, NULL);
    sql_piece(&b, cg_printf(g, "FROM %s", sql_table(g, m)));
    for (size_t i = 0; i < f->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s %s = ?%zu", i == 0 ? "WHERE" : "AND",
                                sql_qualified(g, NULL, f->columns[i]->name), i + 1));
    if (!f->unique)
        sql_piece(&b, "ORDER BY id");
    return cg_sql_finish(g, &b);
}

static void finder_source(struct cgen *g, const struct model *m, const struct finder *f)
{
    const char *fn = finder_fn(g, m, f);
    const char *kind = f->unique ? "get" : "all";
    TMPL(g->out, "c_find.source.begin", {"fn", fn}, {"sql", finder_sql(g, m, f)},
         {"signature", signature(g, m, f)}, {"n", cg_printf(g, "%zu", f->ncolumns)});
    TMPL(g->out, f->unique ? "c_find.source.get.locals" : "c_find.source.all.locals",
         {"fn", fn});
    for (size_t i = 0; i < f->ncolumns; i++) {
        const struct column *c = f->columns[i];
        const char *name = param_name(g, f, i);
        const char *index = cg_printf(g, "%zu", i);
        const struct enum_type *e = col_enum(c);
        if (e)
            TMPL(g->out, cg_printf(g, "c_find.source.key.enum.%s", kind), {"index", index},
                 {"fn", fn}, {"e", e->c_name}, {"enum", e->name}, {"name", name});
        else
            TMPL(g->out, "c_find.source.key", {"index", index},
                 {"value", c->field ? cg_param_expr(g, c->field, name)
                                    : cg_printf(g, "mg_param_int(%s)", name)});
    }
    TMPL(g->out, f->unique ? "c_find.source.get.end" : "c_find.source.all.end", {"fn", fn},
         {"m", m->c_name}, {"n", cg_printf(g, "%zu", f->ncolumns)}, {"table", m->table},
         {"columns", column_words(g, f)});
}

void cgen_find_source(struct cgen *g, const struct model *m)
{
    struct finder *fs;
    size_t n = collect(g, m, &fs);
    for (size_t i = 0; i < n; i++)
        finder_source(g, m, &fs[i]);
}
