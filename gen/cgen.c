/* placeholder: being written */
#include "cgen.h"
void cgen_header(struct buf *out, const struct schema *s, const char *name) { (void)out; (void)s; (void)name; }
void cgen_source(struct buf *out, const struct schema *s, const char *name) { (void)out; (void)s; (void)name; }
