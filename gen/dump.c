#include "dump.h"

#include <inttypes.h>

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
    if (s->analyzed) {
        buf_puts(out, "create order:");
        for (size_t i = 0; i < s->nmodels; i++)
            buf_printf(out, " %s", s->create_order[i]->table);
        buf_putc(out, '\n');
    }
}
