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

typedef void edge_writer(void *writer, const struct model *m, const struct assoc *as);

/* Every edge of the graph, after a heading that appears only when there is one. */
static void emit_edges(struct buf *out, const struct schema *s, const char *heading,
                       edge_writer *write_edge, void *writer)
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
            write_edge(writer, m, m->assocs[j]);
        }
    }
}

/* ------------------------------------------------------------------------------ dot -- */

/* A hierarchy with more layers than this, or a layer with more tables, reads badly (a
   strip thousands of pixels long): the tables go into rows like text instead. */
enum { MAX_LAYERS = 6, MAX_LAYER_TABLES = 10 };
/* The legend's rows before it starts another group of columns beside the first. */
enum { LEGEND_ROWS = 12, LEGEND_GROUPS = 3 };

static bool is_checked_at_once(const struct assoc *as)
{
    return is_edge(as) && as->mode != FK_NONE && as->defer == DEFER_NOT &&
           as->target != as->owner;
}

/* The tables of a hierarchy by layer: 0 for a table that references no table through a
   key checked at once, else one more than the highest layer it references. */
struct layers {
    size_t *layer;      /* per table, by declaration index */
    size_t *width;      /* per layer, its number of tables */
    size_t count;
};

/* The creation order lists referenced tables first, so one pass over it is enough. */
static struct layers find_layers(const struct schema *s, struct arena *a)
{
    struct layers l = {arena_alloc(a, (s->nmodels + 1) * sizeof *l.layer),
                       arena_alloc(a, (s->nmodels + 1) * sizeof *l.width), 0};
    bool *done = arena_alloc(a, s->nmodels + 1);
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *m = s->create_order[i];
        for (size_t j = 0; j < m->nassocs; j++) {
            const struct assoc *as = m->assocs[j];
            if (is_checked_at_once(as) && done[as->target->index] &&
                l.layer[as->target->index] + 1 > l.layer[m->index])
                l.layer[m->index] = l.layer[as->target->index] + 1;
        }
        done[m->index] = true;
        l.width[l.layer[m->index]]++;
        if (l.layer[m->index] + 1 > l.count)
            l.count = l.layer[m->index] + 1;
    }
    return l;
}

/* Whether the hierarchy keeps a shape people can read: not too many layers, none too
   wide (else it is a strip thousands of pixels long). */
static bool layered_fits(const struct layers *l)
{
    if (l->count > MAX_LAYERS)
        return false;
    for (size_t i = 0; i < l->count; i++)
        if (l->width[i] > MAX_LAYER_TABLES)
            return false;
    return true;
}

/* Text for inside an HTML-like label of dot: &, <, > and " as entities. */
static const char *html_text(struct arena *a, const char *text)
{
    struct buf b = {0};
    buf_puts(&b, "");
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': buf_puts(&b, "&amp;"); break;
        case '<': buf_puts(&b, "&lt;"); break;
        case '>': buf_puts(&b, "&gt;"); break;
        case '"': buf_puts(&b, "&quot;"); break;
        case '\n': case '\r': buf_putc(&b, ' '); break;
        default: buf_putc(&b, *p); break;
        }
    }
    const char *out = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return out;
}

struct dot_writer {
    struct buf *out;
    struct arena *a;
    const struct assoc **deferred;  /* numbered from 1, in the order of the edges */
    size_t ndeferred;
};

static void dot_edge(void *writer, const struct model *m, const struct assoc *as)
{
    struct dot_writer *w = writer;
    struct arena *a = w->a;
    const char *column = as->column, *head = "graph.dot.head.required";
    if (as->nullable) {
        column = tmpl_piece(a, "graph.dot.nullable_column", &(struct tvar){"column", column}, 1);
        head = "graph.dot.head.nullable";
    }
    head = tmpl_piece(a, head, NULL, 0);
    column = quoted_text(a, column, true);
    const char *from = quoted_text(a, m->table, true);
    const char *to = quoted_text(a, as->target->table, true);
    if (as->mode == FK_NONE) {
        TMPL(w->out, "graph.dot.unconstrained_edge", {"from", from}, {"to", to},
             {"column", column}, {"head", head});
    } else if (as->defer != DEFER_NOT) {
        w->deferred[w->ndeferred++] = as;
        TMPL(w->out, "graph.dot.deferred_edge", {"from", from}, {"to", to}, {"column", column},
             {"head", head}, {"number", arena_printf(a, "%zu", w->ndeferred)},
             {"reason", quoted_text(a, defer_reason_text(as, a), true)});
    } else {
        TMPL(w->out, "graph.dot.edge", {"from", from}, {"to", to}, {"column", column},
             {"head", head});
    }
}

/* The tables of layer `layer`, in declaration order, into out; returns how many. */
static size_t layer_tables(const struct schema *s, const struct layers *l, size_t layer,
                           const struct model **out)
{
    size_t k = 0;
    for (size_t i = 0; i < s->nmodels; i++)
        if (l->layer[i] == layer)
            out[k++] = s->models[i];
    return k;
}

/* The hierarchy: a rank per layer, along the keys checked at once. */
static void dot_layered(struct dot_writer *w, const struct schema *s)
{
    tmpl_emit(w->out, "graph.dot.layout.layered", NULL, 0);
    for (size_t i = 0; i < s->nmodels; i++)
        TMPL(w->out, "graph.dot.node", {"table", quoted_text(w->a, s->models[i]->table, true)});
}

/* The tables in rows of at most `columns`, by layer and then declaration order: a layer
   that does not fit in what is left of a row starts the next one (centred), so that the
   tables many others reference are not drowned in their row. The odd rows run from right
   to left, so that neighbours in the order stay neighbours from one row to the next: a
   short row that continues one is aligned under its end. */
struct grid {
    const struct model **order;
    size_t *first, *count;      /* per row: where it starts in order, how many */
    bool *centred;              /* per row: it starts a layer (else it continues a row) */
    size_t rows, columns;
};

static struct grid make_grid(const struct schema *s, const struct layers *l, size_t columns,
                             struct arena *a)
{
    size_t n = s->nmodels;
    struct grid g = {arena_alloc(a, (n + 1) * sizeof *g.order),
                     arena_alloc(a, (n + 1) * sizeof *g.first),
                     arena_alloc(a, (n + 1) * sizeof *g.count),
                     arena_alloc(a, (n + 1) * sizeof *g.centred), 0, columns};
    size_t k = 0;
    for (size_t layer = 0; layer < l->count; layer++) {
        size_t width = layer_tables(s, l, layer, g.order + k);
        bool next_row = g.rows && g.count[g.rows - 1] < g.columns &&
                        width > g.columns - g.count[g.rows - 1];
        for (size_t i = 0; i < width; i++, k++) {
            if (g.rows == 0 || g.count[g.rows - 1] == g.columns || (i == 0 && next_row)) {
                g.centred[g.rows] = g.rows == 0 || (i == 0 && next_row);
                g.first[g.rows] = k;
                g.count[g.rows++] = 0;
            }
            g.count[g.rows - 1]++;
        }
    }
    return g;
}

/* Roughly how wide the fonts the header sets draw a character of a table's name and of
   a key's label, and how far apart the rows are, in points: each cell of the grid holds
   the widest table and the widest label beside it. */
enum { TABLE_CHAR_WIDTH = 8, LABEL_CHAR_WIDTH = 7, CELL_MARGIN = 60, ROW_HEIGHT = 100 };

/* Pins every table to its cell: neato then only draws the edges, around the tables. */
static void dot_grid(struct dot_writer *w, const struct schema *s, const struct layers *l)
{
    struct arena *a = w->a;
    size_t widest_table = 0, widest_label = 0, longest_row = 0;
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        if (strlen(m->table) > widest_table)
            widest_table = strlen(m->table);
        for (size_t j = 0; j < m->nassocs; j++)
            if (is_edge(m->assocs[j]) && strlen(m->assocs[j]->column) > widest_label)
                widest_label = strlen(m->assocs[j]->column);
    }
    /* "?", " #NN" or the "no constraint" line */
    widest_label = widest_label + 5 < 13 ? 13 : widest_label + 5;
    size_t cell = widest_table * TABLE_CHAR_WIDTH + widest_label * LABEL_CHAR_WIDTH + CELL_MARGIN;
    /* about twice as wide as tall: columns * cell = 2 * rows * ROW_HEIGHT, with
       rows = n / columns */
    size_t columns = 1;
    while ((columns + 1) * (columns + 1) * cell <= 2 * s->nmodels * ROW_HEIGHT)
        columns++;
    struct grid g = make_grid(s, l, columns, a);
    for (size_t row = 0; row < g.rows; row++)
        if (g.count[row] > longest_row)
            longest_row = g.count[row];
    TMPL(w->out, "graph.dot.layout.grid", {"count", arena_printf(a, "%zu", s->nmodels)},
         {"columns", arena_printf(a, "%zu", g.columns)});
    for (size_t row = 0; row < g.rows; row++) {
        for (size_t i = 0; i < g.count[row]; i++) {
            size_t at = row % 2 ? g.first[row] + g.count[row] - 1 - i : g.first[row] + i;
            /* in half cells, so that a centred row stays on whole points */
            size_t shift = g.centred[row] ? longest_row - g.count[row]
                           : row % 2 ? 2 * (longest_row - g.count[row]) : 0;
            size_t x = (2 * i + shift) * cell / 2;
            TMPL(w->out, "graph.dot.grid.node", {"table", quoted_text(a, g.order[at]->table, true)},
                 {"x", arena_printf(a, "%zu", x)},
                 {"y", arena_printf(a, "%zu", (g.rows - 1 - row) * ROW_HEIGHT)});
        }
    }
}

/* The legend: a row per deferred key, its number, its column and the reason, in up to
   LEGEND_GROUPS groups side by side. */
static void dot_legend(struct dot_writer *w)
{
    struct arena *a = w->a;
    size_t groups = (w->ndeferred + LEGEND_ROWS - 1) / LEGEND_ROWS;
    if (groups > LEGEND_GROUPS)
        groups = LEGEND_GROUPS;
    size_t rows = (w->ndeferred + groups - 1) / groups;
    TMPL(w->out, "graph.dot.legend.open", {"span", arena_printf(a, "%zu", groups * 4)});
    for (size_t row = 0; row < rows; row++) {
        struct buf cells = {0};
        for (size_t group = 0; group < groups; group++) {
            size_t i = group * rows + row;
            if (i >= w->ndeferred) {
                buf_puts(&cells, tmpl_piece(a, "graph.dot.legend.empty", NULL, 0));
                continue;
            }
            const struct assoc *as = w->deferred[i];
            const char *key = html_text(a, arena_printf(a, "%s.%s", as->owner->table, as->column));
            TMPL(&cells, "graph.dot.legend.cells", {"number", arena_printf(a, "%zu", i + 1)},
                 {"key", key}, {"reason", html_text(a, defer_reason_text(as, a))});
            if (cells.len && cells.data[cells.len - 1] == '\n')
                cells.data[--cells.len] = '\0';
        }
        TMPL(w->out, "graph.dot.legend.row", {"cells", cells.data});
        buf_free(&cells);
    }
    tmpl_emit(w->out, "graph.dot.legend.close", NULL, 0);
}

void graph_dot(struct buf *out, const struct schema *s)
{
    struct arena *a = arena_new();
    struct layers l = find_layers(s, a);
    size_t nedges = 0;
    for (size_t i = 0; i < s->nmodels; i++)
        nedges += s->models[i]->nassocs;
    struct dot_writer w = {out, a, arena_alloc(a, (nedges + 1) * sizeof *w.deferred), 0};
    TMPL(out, "graph.dot.header", {"file", s->file});
    if (!layered_fits(&l))
        dot_grid(&w, s, &l);
    else
        dot_layered(&w, s);
    emit_edges(out, s, "graph.dot.edges", dot_edge, &w);
    if (w.ndeferred)
        dot_legend(&w);
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

struct mermaid_writer {
    struct buf *out;
    struct arena *a;
};

static void mermaid_edge(void *writer, const struct model *m, const struct assoc *as)
{
    struct buf *out = ((struct mermaid_writer *)writer)->out;
    struct arena *a = ((struct mermaid_writer *)writer)->a;
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
    emit_edges(out, s, "graph.mermaid.relationships", mermaid_edge,
               &(struct mermaid_writer){out, a});
    arena_free(a);
}
