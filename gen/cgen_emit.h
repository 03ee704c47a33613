/* The C generator's emitting helpers: what every part of it shares (text and literals,
   columns, parameter names, SQL text). The parts (cgen_model.c, cgen_assoc.c,
   cgen_migrate.c) include only this; the driver (cgen.c) includes the parts. This file
   knows none of them. Not for use outside gen/cgen*.c. */
#ifndef MODELGEN_CGEN_EMIT_H
#define MODELGEN_CGEN_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "util.h"

/* One generated file in progress. */
struct cgen {
    struct buf *out;
    const struct schema *schema;
    const char *name;           /* prefix of schema-level functions */
    struct arena *arena;        /* template values; freed when the part is done */
};

/* ---- Text ---- */

/* arena_printf into the file's arena, for template values. */
const char *cg_printf(struct cgen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One literal, escaped, with every byte kept (newlines become \n). */
const char *cg_literal(struct cgen *g, const char *text);
/* The same for text[0..n), appended to b. */
void cg_literal_into(struct buf *b, const char *text, size_t n);
/* A statement built in sql (which it frees) as C string literals: each '\n' in it (see
   sql_piece) starts another literal on its own line, indented by four spaces, and stands
   for a space. Everything is escaped, "??" included (no trigraphs). */
const char *cg_sql_finish(struct cgen *g, struct buf *sql);
/* Frees the calling thread's scratch buffer. */
void cg_scratch_release(void);

/* ROLE_ADMIN: the C constant of an enum's member. */
const char *enum_constant(struct cgen *g, const struct enum_type *e, size_t member);

/* ---- Columns ---- */

bool col_is_text(const struct column *c);
bool col_is_blob(const struct column *c);
/* Nullable columns that are neither text nor blob carry a has_<column> flag. */
bool col_has_flag(const struct column *c);
/* The enum of an enum field, else NULL. */
const struct enum_type *col_enum(const struct column *c);
/* The member's C type: "int64_t", "const char *", "enum role", ... */
const char *col_c_type(struct cgen *g, const struct column *c);
/* The runtime's name of the column's type: "MG_TYPE_TEXT", ... */
const char *col_mg_type(const struct column *c);

/* The mg_param holding a value of the field's type: "mg_param_text(email)". An enum's
   is the member's name, "mg_param_text(role_name(role))" (NULL text for a non-member). */
const char *cg_param_expr(struct cgen *g, const struct field *f, const char *value);

/* ---- Parameter names ---- */

/* The model's own struct as a parameter: its C name, unless that would clash with a
   parameter or local of the generated functions, or hide a file-scope name of the
   generated code (a column remove_name of an enum Remove: remove_name()). */
const char *param_for_model(struct cgen *g, const struct model *m);
/* name, or `fallback` when name is taken (by a local, a file-scope name, or `other`). */
const char *param_or(struct cgen *g, const char *name, const char *other, const char *fallback);
/* Whether name may not name a parameter, as above. */
bool param_taken(struct cgen *g, const char *name);

/* ---- SQL text (the '\n' in results are line breaks for cg_sql_finish) ---- */

/* Appends a piece of SQL, separated by a space or, when the line is long, a break. */
void sql_piece(struct buf *b, const char *piece);
/* The model's columns as "alias.col, ..." (alias may be NULL), wrapped like sql_piece. */
void sql_column_list(struct buf *b, const struct model *m, const char *alias);
/* "alias.name" or "name", the name quoted when it is an SQL keyword. */
const char *sql_qualified(struct cgen *g, const char *alias, const char *name);
/* The table's name, quoted when it is an SQL keyword. */
const char *sql_table(struct cgen *g, const struct model *m);

/* SELECT the model's columns FROM its table WHERE column = ?1 (column may be NULL), then
   tail (may be NULL), as C string literals. */
const char *cg_select_where(struct cgen *g, const struct model *m, const char *column,
                            const char *tail);

#endif
