/* The C generator's part for writes beyond one row, per model: NAME_insert_many (many rows
   in one call, all or nothing), NAME_update_columns with a bit per column
   (USER_EMAIL, ...), and NAME_upsert_by_KEY per unique field and composite unique key,
   declared and defined. The text is templates/c_write.tmpl. */
#ifndef MODELGEN_CGEN_WRITE_H
#define MODELGEN_CGEN_WRITE_H

#include "cgen_emit.h"

/* The model's writes, after its finders. */
void cgen_write_header(struct cgen *g, const struct model *m);
void cgen_write_source(struct cgen *g, const struct model *m);

#endif
