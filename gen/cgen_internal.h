/* What the parts of the C generator share: cgen.c (helpers, the header, the driver),
   cgen_model.c (enums and per-model CRUD), cgen_assoc.c (association accessors) and
   cgen_migrate.c (the embedded migration). Not for use outside gen/cgen*.c. */
#ifndef MODELGEN_CGEN_INTERNAL_H
#define MODELGEN_CGEN_INTERNAL_H

#include <stdbool.h>

#include "model.h"
#include "util.h"

/* One generated file in progress. */
struct cgen {
    struct buf *out;
    const struct schema *schema;
    const char *name;           /* prefix of schema-level functions */
    struct arena *arena;        /* template values; freed when the file is done */
};

/* arena_printf into the file's arena, for template values. */
const char *cg_printf(struct cgen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A statement built in sql (which it frees) as C string literals: each '\n' in it (see
   sql_piece) starts another literal on its own line, indented by four spaces, and stands
   for a space. Everything is escaped, "??" included (no trigraphs). */
const char *cg_sql_finish(struct cgen *g, struct buf *sql);
/* One literal, escaped, with every byte kept (newlines become \n). */
const char *cg_literal(struct cgen *g, const char *text);
/* The same for text[0..n), appended to b. */
void cg_literal_into(struct buf *b, const char *text, size_t n);
/* ROLE_ADMIN: the C constant of an enum's member. */
const char *enum_constant(struct cgen *g, const struct enum_type *e, size_t member);

/* ---- Columns ---- */

bool col_is_text(const struct column *c);
bool col_is_blob(const struct column *c);
/* Nullable columns that are neither text nor blob carry a has_<column> flag. */
bool col_has_flag(const struct column *c);
/* The enum of an enum field, else NULL. */
const struct enum_type *col_enum(const struct column *c);
/* The member's C type: "int64_t", "char *", "enum role", ... */
const char *col_c_type(struct cgen *g, const struct column *c);

/* The bind call for one value: "mg_bind_text(st, 2, user->email)", with a has_ check for
   flagged columns when `flag` is the flag's expression (else NULL). `indent` is the column
   the expression starts at, for a line break in a long one. */
const char *cg_bind_expr(struct cgen *g, const struct column *c, int param, const char *value,
                         const char *flag, int indent);

/* The mg_key of a lookup by the field: "mg_key_text(email)". */
const char *cg_key_expr(struct cgen *g, const struct field *f, const char *value);

/* ---- Parameter names ---- */

/* The model's own struct as a parameter: its C name, unless that would clash with a
   parameter or local of the generated functions. */
const char *param_for_model(const struct model *m);
/* name, or `fallback` when name is taken (by a local or by `other`). */
const char *param_or(const char *name, const char *other, const char *fallback);
/* The key of a get_by function: its name ("email"), and as a declaration
   ("const char *email"). */
const char *get_by_param_name(const struct field *f);
const char *get_by_param(struct cgen *g, const struct field *f);

/* ---- SQL text (the '\n' in results are line breaks for cg_sql_literal) ---- */

/* Appends a piece of SQL, separated by a space or, when the line is long, a break. */
void sql_piece(struct buf *b, const char *piece);
/* The model's columns as "alias.col, ..." (alias may be NULL), wrapped like sql_piece. */
void sql_column_list(struct buf *b, const struct model *m, const char *alias);
/* "alias.name" or "name", the name quoted when it is an SQL keyword. */
const char *sql_qualified(struct cgen *g, const char *alias, const char *name);
/* The table's name, quoted when it is an SQL keyword. */
const char *sql_table(struct cgen *g, const struct model *m);

/* SELECT the model's columns FROM its table WHERE column = ? (column may be NULL), then
   tail (may be NULL), as C string literals. */
const char *cgen_select_where(struct cgen *g, const struct model *m, const char *column,
                              const char *tail);

/* ---- The parts ---- */

void cgen_enum_source(struct cgen *g, const struct enum_type *e, bool read_column);
/* The static helpers (read, bind, ...) that every accessor may call. */
void cgen_model_helpers(struct cgen *g, const struct model *m);
/* The model's public functions. */
void cgen_model_source(struct cgen *g, const struct model *m);
void cgen_assoc_header(struct cgen *g, const struct model *m, const struct assoc *a);
void cgen_assoc_source(struct cgen *g, const struct model *m, const struct assoc *a);
void cgen_migration(struct cgen *g);
/* FNV-1a, 64 bits, as 16 lower-case hex digits. */
const char *cgen_checksum(struct cgen *g, const char *text, size_t len);

#endif
