/* The C generator, per model: writes beyond one row.

   - NAME_insert_many: the rows of an array in one call, all or nothing, with the insert's
     own statement (mg_insert_rows);
   - NAME_update_columns: the columns a mask chooses, a bit per column (USER_EMAIL is
     bit 0 for User's first column after the id, ...), with one static statement whose
     every SET is CASE WHEN <flag> THEN <value> ELSE <column> END, the flags bound like
     the values, so that every choice runs the same prepared statement
     (mg_update_columns). Models with more than 64 columns besides the id get none;
   - NAME_upsert_by_KEY per unique field and per composite unique key (named after its
     columns, a belongs_to by its key: user_id_and_group_id, as the finders are):
     INSERT ... ON CONFLICT (KEY) DO UPDATE SET <every other column> = excluded....
     RETURNING id, the same text on both engines (mg_upsert_row). */
#include "cgen_write.h"

#include <string.h>

#include "names.h"
#include "template.h"

/* The most columns besides the id that a 64-bit mask chooses. */
enum { MASK_BITS = 64 };

/* The model's column that holds field f. */
static const struct column *field_column(const struct model *m, const struct field *f)
{
    for (size_t i = 0; i < m->ncolumns; i++)
        if (m->columns[i].field == f)
            return &m->columns[i];
    return NULL;
}

/* The row parameter: the model's C name unless a parameter (columns) or local takes it. */
static const char *row_param(struct cgen *g, const struct model *m)
{
    return param_or(g, m->c_name, "columns", "row");
}

/* USER_EMAIL: the bit of column i. */
static const char *column_constant(struct cgen *g, const struct model *m, size_t i)
{
    return cg_printf(g, "%s_%s", upper_case(g->arena, m->c_name),
                     upper_case(g->arena, m->columns[i].name));
}

/* ---- SQL ---- */

/* INSERT INTO t (id, a, b) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET
   a = excluded.a, ... RETURNING id: every column but the id and the key's is set; with
   none left, the key's first column is (to itself), so that RETURNING has the row. */
static const char *upsert_sql(struct cgen *g, const struct model *m,
                              const struct column *const *key, size_t nkey)
{
    struct buf b = {0};
    size_t set = 0;

    sql_piece(&b, cg_printf(g, "INSERT INTO %s", sql_table(g, m)));
    for (size_t i = 0; i < m->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s%s%s", i == 0 ? "(" : "",
                                sql_qualified(g, NULL, m->columns[i].name),
                                i + 1 < m->ncolumns ? "," : ")"));
    for (size_t i = 0; i < m->ncolumns; i++)
        sql_piece(&b, cg_printf(g, "%s?%zu%s", i == 0 ? "VALUES (" : "", i + 1,
                                i + 1 < m->ncolumns ? "," : ")"));
    sql_piece(&b, "ON CONFLICT");
    for (size_t k = 0; k < nkey; k++)
        sql_piece(&b, cg_printf(g, "%s%s%s", k == 0 ? "(" : "",
                                sql_qualified(g, NULL, key[k]->name),
                                k + 1 < nkey ? "," : ")"));
    sql_piece(&b, "DO UPDATE SET");
    const struct column **sets = arena_alloc(g->arena, m->ncolumns * sizeof *sets);
    for (size_t i = 1; i < m->ncolumns; i++) {
        bool in_key = false;
        for (size_t k = 0; k < nkey; k++)
            in_key = in_key || key[k] == &m->columns[i];
        if (!in_key)
            sets[set++] = &m->columns[i];
    }
    if (set == 0)
        sets[set++] = key[0];
    for (size_t i = 0; i < set; i++)
        sql_piece(&b, cg_printf(g, "%s = %s%s", sql_qualified(g, NULL, sets[i]->name),
                                sql_qualified(g, "excluded", sets[i]->name),
                                i + 1 < set ? "," : ""));
    sql_piece(&b, "RETURNING id");
    return cg_sql_finish(g, &b);
}

/* UPDATE t SET a = CASE WHEN ?N+1 THEN ?2 ELSE a END, ... WHERE id = ?1, for N columns
   with the id. */
static const char *update_columns_sql(struct cgen *g, const struct model *m)
{
    struct buf b = {0};

    sql_piece(&b, cg_printf(g, "UPDATE %s SET", sql_table(g, m)));
    for (size_t i = 1; i < m->ncolumns; i++) {
        const char *column = sql_qualified(g, NULL, m->columns[i].name);
        sql_piece(&b, cg_printf(g, "%s = CASE WHEN ?%zu THEN ?%zu ELSE %s END%s", column,
                                m->ncolumns + i, i + 1, column,
                                i + 1 < m->ncolumns ? "," : ""));
    }
    sql_piece(&b, "WHERE id = ?1");
    return cg_sql_finish(g, &b);
}

/* ---- Unique keys ---- */

struct key {
    const struct column **columns;
    size_t ncolumns;
    const char *suffix;         /* "email", "user_id_and_group_id" */
};

/* Every unique field's key and every composite unique key, in declaration order (fields
   first), without two of the same name. */
static size_t unique_keys(struct cgen *g, const struct model *m, struct key **out)
{
    size_t cap = m->nfields + m->ncomposites, n = 0;
    struct key *keys = arena_alloc(g->arena, (cap ? cap : 1) * sizeof *keys);

    for (size_t i = 0; i < m->nfields + m->ncomposites; i++) {
        const struct column **cols;
        size_t ncols;
        struct buf name = {0};

        if (i < m->nfields) {
            const struct column *c = field_column(m, m->fields[i]);
            if (!m->fields[i]->unique || c == NULL)
                continue;
            cols = arena_alloc(g->arena, sizeof *cols);
            cols[0] = c;
            ncols = 1;
        } else {
            const struct composite *k = m->composites[i - m->nfields];
            if (!k->unique || k->ncolumns == 0)
                continue;
            cols = (const struct column **)k->columns;
            ncols = k->ncolumns;
        }
        for (size_t j = 0; j < ncols; j++)
            buf_printf(&name, "%s%s", j ? "_and_" : "", cols[j]->name);
        bool repeated = false;
        for (size_t j = 0; j < n; j++)
            repeated = repeated || strcmp(keys[j].suffix, name.data) == 0;
        if (!repeated) {
            keys[n].columns = cols;
            keys[n].ncolumns = ncols;
            keys[n].suffix = arena_strdup(g->arena, name.data);
            n++;
        }
        buf_free(&name);
    }
    *out = keys;
    return n;
}

/* "email", "(a, b)": the key as its comment names it; with parentheses, its columns. */
static const char *key_columns(struct cgen *g, const struct key *k, bool parens)
{
    struct buf b = {0};
    for (size_t j = 0; j < k->ncolumns; j++)
        buf_printf(&b, "%s%s", j ? ", " : "", k->columns[j]->name);
    const char *s = parens && k->ncolumns > 1 ? cg_printf(g, "(%s)", b.data)
                                                : arena_strdup(g->arena, b.data);
    buf_free(&b);
    return s;
}

/* ---- The header and the source ---- */

void cgen_write_header(struct cgen *g, const struct model *m)
{
    const char *row = row_param(g, m);
    struct key *keys;
    size_t nkeys = unique_keys(g, m, &keys);

    TMPL(g->out, "c_write.header.insert_many", {"m", m->c_name});
    if (m->ncolumns > 1 && m->ncolumns - 1 <= MASK_BITS) {
        size_t width = 0;
        for (size_t i = 1; i < m->ncolumns; i++) {
            size_t n = strlen(column_constant(g, m, i));
            width = n > width ? n : width;
        }
        TMPL(g->out, "c_write.header.columns", {"m", m->c_name});
        for (size_t i = 1; i < m->ncolumns; i++) {
            const char *name = column_constant(g, m, i);
            TMPL(g->out, "c_write.header.column",
                 {"constant", cg_printf(g, "%-*s", (int)width, name)},
                 {"bit", cg_printf(g, "%zu", i - 1)});
        }
        const char *example = m->ncolumns > 2
            ? cg_printf(g, "%s | %s", column_constant(g, m, 1), column_constant(g, m, 2))
            : column_constant(g, m, 1);
        TMPL(g->out, "c_write.header.update_columns", {"m", m->c_name}, {"row", row},
             {"example", example});
    } else if (m->ncolumns > 1) {
        TMPL(g->out, "c_write.header.update_columns.none", {"m", m->c_name},
             {"model", m->name});
    }
    for (size_t k = 0; k < nkeys; k++)
        TMPL(g->out, "c_write.header.upsert", {"m", m->c_name}, {"row", row},
             {"suffix", keys[k].suffix}, {"key", key_columns(g, &keys[k], true)},
             {"columns", key_columns(g, &keys[k], false)});
}

void cgen_write_source(struct cgen *g, const struct model *m)
{
    const char *row = row_param(g, m);
    struct key *keys;
    size_t nkeys = unique_keys(g, m, &keys);

    TMPL(g->out, "c_write.source.insert_many", {"m", m->c_name}, {"model", m->name});
    if (m->ncolumns > 1 && m->ncolumns - 1 <= MASK_BITS)
        TMPL(g->out, "c_write.source.update_columns", {"m", m->c_name}, {"row", row},
             {"first_flag", cg_printf(g, "%zu", m->ncolumns + 1)},
             {"sql", update_columns_sql(g, m)});
    for (size_t k = 0; k < nkeys; k++)
        TMPL(g->out, "c_write.source.upsert", {"m", m->c_name}, {"row", row},
             {"suffix", keys[k].suffix},
             {"sql", upsert_sql(g, m, keys[k].columns, keys[k].ncolumns)});
}
