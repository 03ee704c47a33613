/* placeholder: being written */
#include "sql.h"
void sql_generate(struct buf *out, const struct schema *s, enum dialect d) { (void)out; (void)s; (void)d; }
void sql_schema_body(struct buf *out, const struct schema *s, enum dialect d) { (void)out; (void)s; (void)d; }
void sql_ident(struct buf *out, const char *name) { buf_puts(out, name); }
