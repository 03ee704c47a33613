/* The foreign-key graph as Graphviz dot or a Mermaid erDiagram. */
#ifndef MODELGEN_GRAPH_H
#define MODELGEN_GRAPH_H

#include "model.h"
#include "util.h"

void graph_dot(struct buf *out, const struct schema *s);
void graph_mermaid(struct buf *out, const struct schema *s);

#endif
