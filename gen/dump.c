#include "dump.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "check.h"

static void dump_default(struct buf *out, const struct field *f)
{
    const struct default_value *d = &f->def;
    switch (d->kind) {
    case DEFAULT_NONE: return;
    case DEFAULT_INT: buf_printf(out, " default %" PRId64, d->i); return;
    case DEFAULT_REAL: buf_printf(out, " default %s", d->text); return;
    case DEFAULT_TEXT: buf_printf(out, " default '%s'", d->text); return;
    case DEFAULT_BOOL: buf_printf(out, " default %s", d->b ? "true" : "false"); return;
    case DEFAULT_NULL: buf_puts(out, " default null"); return;
    case DEFAULT_NOW: buf_puts(out, " default now"); return;
    case DEFAULT_ENUM: buf_printf(out, " default %s", f->enum_type->members[d->member]); return;
    }
}

static const char *const defer_names[] = {"", "declared", "required-cycle", "breaks-cycle"};

static void dump_assoc(struct buf *out, const struct assoc *a)
{
    const char *target = a->target ? a->target->name : "?";
    switch (a->kind) {
    case ASSOC_BELONGS_TO:
        buf_printf(out, "  belongs_to %s: %s%s column %s mode %s", a->name, target,
                   a->nullable ? "?" : "", a->column, fk_mode_name(a->mode));
        if (a->on_delete)
            buf_printf(out, " on_delete %s", action_name(a->on_delete));
        if (a->on_update)
            buf_printf(out, " on_update %s", action_name(a->on_update));
        if (a->was)
            buf_printf(out, " was %s", a->was);
        if (a->defer) {
            buf_printf(out, " deferred(%s", defer_names[a->defer]);
            for (size_t i = 0; i < a->cycle_len; i++)
                buf_printf(out, "%s%s", i ? " -> " : ": ", a->cycle[i]->table);
            if (a->cycle_len)
                buf_printf(out, " -> %s", a->cycle[0]->table);
            buf_putc(out, ')');
        }
        break;
    case ASSOC_HAS_ONE:
    case ASSOC_HAS_MANY:
        buf_printf(out, "  %s %s: %s by %s", a->kind == ASSOC_HAS_ONE ? "has_one" : "has_many",
                   a->name, target, a->inverse ? a->inverse->column : "?");
        break;
    case ASSOC_HAS_MANY_THROUGH:
        buf_printf(out, "  has_many %s: %s through %s (%s, %s)", a->name, target,
                   a->through ? a->through->table : "?",
                   a->through_self ? a->through_self->column : "?",
                   a->through_target ? a->through_target->column : "?");
        break;
    }
    buf_putc(out, '\n');
}

static void dump_type(struct buf *out, const struct value_type *t)
{
    buf_printf(out, "%s%s", t->type == TYPE_ENUM ? t->enum_type->name : type_name(t->type),
               t->nullable ? "?" : "");
}

/* The statement on one line: every run of white space one space. */
static void dump_sql(struct buf *out, const char *sql)
{
    bool space = false;
    for (const char *p = sql; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = true;
            continue;
        }
        if (space && out->len && out->data[out->len - 1] != ' ')
            buf_putc(out, ' ');
        space = false;
        buf_putc(out, *p);
    }
}

static void dump_queries(struct buf *out, const struct schema *s)
{
    for (size_t i = 0; i < s->nrows; i++) {
        const struct row_type *r = s->rows[i];
        buf_printf(out, "row %s c %s (of query %s)\n", r->name, r->c_name, r->declared_by->name);
        for (size_t j = 0; j < r->ncolumns; j++) {
            const struct row_column *c = &r->columns[j];
            buf_printf(out, "  column %s ", c->name);
            if (c->typed)
                dump_type(out, &c->t);
            else
                buf_puts(out, "(untyped)");
            buf_puts(out, c->declared ? " declared" : " from query");
            if (c->verify_not_null)
                buf_puts(out, " checked-not-null");
            buf_putc(out, '\n');
        }
    }
    for (size_t i = 0; i < s->nqueries; i++) {
        const struct query *q = s->queries[i];
        buf_printf(out, "query %s(", q->name);
        for (size_t j = 0; j < q->nparams; j++) {
            const struct query_param *p = &q->params[j];
            buf_printf(out, "%s?%zu %s ", j ? ", " : "", j + 1, p->name);
            if (p->id_of)
                buf_printf(out, "%s.id%s", p->id_of->name, p->t.nullable ? "?" : "");
            else
                dump_type(out, &p->t);
        }
        buf_puts(out, ")");
        switch (q->result) {
        case RESULT_NONE: buf_puts(out, " -> changes"); break;
        case RESULT_MODEL: buf_printf(out, " -> %s%s", q->many ? "many " : "", q->model->name); break;
        case RESULT_ROW: buf_printf(out, " -> %s%s", q->many ? "many " : "", q->row->name); break;
        case RESULT_SCALAR: buf_puts(out, " -> "); dump_type(out, &q->scalar); break;
        }
        buf_puts(out, "\n  sql: ");
        dump_sql(out, q->text);
        buf_putc(out, '\n');
        if (q->stmt && strcmp(q->stmt, q->text) != 0) {
            buf_puts(out, "  runs: ");
            dump_sql(out, q->stmt);
            buf_putc(out, '\n');
        }
    }
}

void dump_schema(struct buf *out, const struct schema *s)
{
    for (size_t i = 0; i < s->nenums; i++) {
        const struct enum_type *e = s->enums[i];
        buf_printf(out, "enum %s (%s):", e->name, e->c_name);
        for (size_t j = 0; j < e->nmembers; j++)
            buf_printf(out, " %s", e->members[j]);
        buf_putc(out, '\n');
    }
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        buf_printf(out, "model %s table %s c %s", m->name, m->table, m->c_name);
        if (m->was)
            buf_printf(out, " was %s", m->was);
        buf_putc(out, '\n');
        for (size_t j = 0; j < m->nfields; j++) {
            const struct field *f = m->fields[j];
            buf_printf(out, "  field %s %s%s", f->name,
                       f->type == TYPE_ENUM ? f->enum_type->name : type_name(f->type),
                       f->nullable ? "?" : "");
            if (f->unique)
                buf_puts(out, " unique");
            if (f->index)
                buf_puts(out, " index");
            dump_default(out, f);
            if (f->was)
                buf_printf(out, " was %s", f->was);
            buf_putc(out, '\n');
        }
        for (size_t j = 0; j < m->nassocs; j++)
            dump_assoc(out, m->assocs[j]);
        buf_puts(out, "  columns:");
        for (size_t j = 0; j < m->ncolumns; j++)
            buf_printf(out, " %s", m->columns[j].name);
        buf_putc(out, '\n');
        for (size_t j = 0; j < m->ncomposites; j++) {
            const struct composite *k = m->composites[j];
            buf_printf(out, "  %s (", k->unique ? "unique" : "index");
            for (size_t c = 0; c < k->ncolumns; c++)
                buf_printf(out, "%s%s", c ? ", " : "", k->columns[c]->name);
            buf_puts(out, ")\n");
        }
    }
    dump_queries(out, s);
    if (s->analyzed) {
        buf_puts(out, "create order:");
        for (size_t i = 0; i < s->nmodels; i++)
            buf_printf(out, " %s", s->create_order[i]->table);
        buf_putc(out, '\n');
    }
}
