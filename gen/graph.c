/* placeholder: being written */
#include "graph.h"
void graph_dot(struct buf *out, const struct schema *s) { (void)out; (void)s; }
void graph_mermaid(struct buf *out, const struct schema *s) { (void)out; (void)s; }
