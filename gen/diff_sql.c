/* placeholder: being written */
#include "diff.h"
void diff_sql(struct buf *out, const struct diff *df, enum dialect d) { (void)out; (void)df; (void)d; }
