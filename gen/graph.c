/* The foreign-key graph for people: Graphviz dot and a Mermaid erDiagram. Nodes are tables
   in declaration order; an edge per belongs_to, styled by what the database enforces. The
   text lives in templates/graph.tmpl. */
#include "graph.h"

#include <stdbool.h>
#include <string.h>

#include "analyze.h"
#include "check.h"
#include "template.h"

/* Text for inside a "..." string of either format. Dot needs \ and " escaped; Mermaid has
   no escapes, so a " becomes a '. Line breaks become spaces in both. */
static const char *quoted_text(struct arena *a, const char *text, bool dot)
{
    struct buf b = {0};
    for (const char *p = text; *p; p++) {
        if (*p == '\n' || *p == '\r')
            buf_putc(&b, ' ');
        else if (!dot && *p == '"')
            buf_putc(&b, '\'');
        else {
            if (dot && (*p == '"' || *p == '\\'))
                buf_putc(&b, '\\');
            buf_putc(&b, *p);
        }
    }
    const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static bool is_edge(const struct assoc *as)
{
    return as->kind == ASSOC_BELONGS_TO && as->target;
}

/* ------------------------------------------------------------------------------ dot -- */

static void dot_edge(struct buf *out, const struct model *m, const struct assoc *as,
                     struct arena *a)
{
    const char *column = as->column, *head = "graph.dot.head.required";
    if (as->nullable) {
        column = tmpl_piece(a, "graph.dot.nullable_column", &(struct tvar){"column", column}, 1);
        head = "graph.dot.head.nullable";
    }
    head = tmpl_piece(a, head, NULL, 0);
    column = quoted_text(a, column, true);
    const char *from = quoted_text(a, m->table, true);
    const char *to = quoted_text(a, as->target->table, true);
    if (as->mode == FK_NONE)
        TMPL(out, "graph.dot.unconstrained_edge", {"from", from}, {"to", to}, {"column", column},
             {"head", head});
    else if (as->defer != DEFER_NOT)
        TMPL(out, "graph.dot.deferred_edge", {"from", from}, {"to", to}, {"column", column},
             {"head", head}, {"reason", quoted_text(a, defer_reason_text(as, a), true)});
    else
        TMPL(out, "graph.dot.edge", {"from", from}, {"to", to}, {"column", column},
             {"head", head});
}

typedef void edge_writer(struct buf *out, const struct model *m, const struct assoc *as,
                         struct arena *a);

/* Every edge of the graph, after a heading that appears only when there is one. */
static void emit_edges(struct buf *out, const struct schema *s, struct arena *a,
                       const char *heading, edge_writer *write_edge)
{
    bool any = false;
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        for (size_t j = 0; j < m->nassocs; j++) {
            if (!is_edge(m->assocs[j]))
                continue;
            if (!any)
                tmpl_emit(out, heading, NULL, 0);
            any = true;
            write_edge(out, m, m->assocs[j], a);
        }
    }
}

void graph_dot(struct buf *out, const struct schema *s)
{
    struct arena *a = arena_new();
    TMPL(out, "graph.dot.header", {"file", s->file});
    for (size_t i = 0; i < s->nmodels; i++)
        TMPL(out, "graph.dot.node", {"table", quoted_text(a, s->models[i]->table, true)});
    emit_edges(out, s, a, "graph.dot.edges", dot_edge);
    tmpl_emit(out, "graph.dot.footer", NULL, 0);
    arena_free(a);
}

/* -------------------------------------------------------------------------- mermaid -- */

/* The attribute type: the schema's own type name (an enum's name for enums). */
static const char *attribute_type(const struct column *c)
{
    if (c->field)
        return c->field->type == TYPE_ENUM ? c->field->enum_type->name
                                            : type_name(c->field->type);
    return type_name(TYPE_INT);
}

static void mermaid_attribute(struct buf *out, const struct column *c, struct arena *a)
{
    const char *key = NULL;
    if (!c->field && !c->assoc)
        key = "graph.mermaid.key.primary";
    else if (c->assoc)
        key = "graph.mermaid.key.foreign";
    else if (c->field->unique)
        key = "graph.mermaid.key.unique";
    bool nullable = c->field ? c->field->nullable : c->assoc && c->assoc->nullable;
    const char *keys = key ? arena_printf(a, " %s", tmpl_piece(a, key, NULL, 0)) : "";
    const char *note = nullable
                              ? arena_printf(a, " %s", tmpl_piece(a, "graph.mermaid.nullable", NULL, 0))
                              : "";
    TMPL(out, "graph.mermaid.attribute", {"type", attribute_type(c)}, {"name", c->name},
         {"keys", keys}, {"note", note});
}

static void mermaid_edge(struct buf *out, const struct model *m, const struct assoc *as,
                         struct arena *a)
{
    const char *card = tmpl_piece(a, as->nullable ? "graph.mermaid.card.nullable"
                                             : "graph.mermaid.card.required", NULL, 0);
    const char *column = quoted_text(a, as->column, false);
    if (as->mode == FK_NONE)
        TMPL(out, "graph.mermaid.unconstrained_edge", {"from", m->table},
             {"to", as->target->table}, {"card", card}, {"column", column});
    else if (as->defer != DEFER_NOT)
        TMPL(out, "graph.mermaid.deferred_edge", {"from", m->table}, {"to", as->target->table},
             {"card", card}, {"column", column},
             {"reason", quoted_text(a, defer_reason_text(as, a), false)});
    else
        TMPL(out, "graph.mermaid.edge", {"from", m->table}, {"to", as->target->table},
             {"card", card}, {"column", column});
}

void graph_mermaid(struct buf *out, const struct schema *s)
{
    struct arena *a = arena_new();
    /* Mermaid comments start with "%%", which a template line cannot. */
    TMPL(out, "graph.mermaid.header", {"comment", "%%"}, {"file", s->file});
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        TMPL(out, "graph.mermaid.entity", {"table", m->table});
        for (size_t j = 0; j < m->ncolumns; j++)
            mermaid_attribute(out, &m->columns[j], a);
        tmpl_emit(out, "graph.mermaid.entity_end", NULL, 0);
    }
    emit_edges(out, s, a, "graph.mermaid.relationships", mermaid_edge);
    arena_free(a);
}
