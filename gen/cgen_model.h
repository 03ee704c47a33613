/* The C generator's part for enums and models: their declarations in the header, their
   descriptions for the runtime (mg_enum, mg_column, mg_model) and the CRUD functions. */
#ifndef MODELGEN_CGEN_MODEL_H
#define MODELGEN_CGEN_MODEL_H

#include <stdbool.h>

#include "cgen_emit.h"

/* ---- The header ---- */

/* enum role, role_name and role_parse. */
void cgen_enum_header(struct cgen *g, const struct enum_type *e);
/* struct user and struct user_array. */
void cgen_model_struct(struct cgen *g, const struct model *m);
/* The model's own functions, up to its associations' (which cgen_assoc_header adds). */
void cgen_model_header(struct cgen *g, const struct model *m);
/* What ends a model's declarations, after its associations'. */
void cgen_model_header_end(struct cgen *g, const struct model *m);

/* ---- The source ---- */

/* role_name and role_parse; with `described` (some column has the enum's type) also the
   enum's mg_enum, role_enum, for the column tables. */
void cgen_enum_source(struct cgen *g, const struct enum_type *e, bool described);
/* The model's column table and mg_model, user_model, that every accessor passes to the
   runtime: all of them come before any accessor, since accessors read other models. */
void cgen_model_description(struct cgen *g, const struct model *m);
/* The model's public functions. */
void cgen_model_source(struct cgen *g, const struct model *m);

#endif
