/* modelgen diff, the SQL: the changes diff.c found, as one commented transaction per
   dialect. This file writes the file around the body; the dialects write the body
   (diff_sqlite.c, diff_postgres.c) from the pieces below them (diff_rows.c,
   diff_convert.c, diff_text.c). The text lives in templates/diff.tmpl, and every table,
   column, constraint and index comes out exactly as the from-empty file (gen/sql.c) would
   write it. */
#include "diff.h"

#include "diff_dialects.h"
#include "diff_rows.h"
#include "diff_text.h"

static void emit_header(struct writer *w, size_t rebuilt)
{
    const struct diff *df = w->df;
    size_t loss = 0;
    for (size_t i = 0; i < df->nchanges; i++)
        loss += df->changes[i]->destructive;
    struct buf summary = {0};
    const char *n = arena_printf(w->a, "%zu", df->nchanges);
    buf_puts(&summary, DPIECE(w, df->nchanges == 1 ? "diff.count.changes.one"
                                                   : "diff.count.changes.many", {"n", n}));
    if (loss)
        buf_puts(&summary, DPIECE(w, loss == 1 ? "diff.count.loss.one" : "diff.count.loss.many",
                                  {"n", arena_printf(w->a, "%zu", loss)}));
    if (rebuilt)
        buf_puts(&summary, DPIECE(w, rebuilt == 1 ? "diff.count.rebuilt.one"
                                                  : "diff.count.rebuilt.many",
                                  {"n", arena_printf(w->a, "%zu", rebuilt)}));
    TMPL(w->out, "diff.header", {"old", dsql_comment_text(w, df->old_s->file)},
         {"new", dsql_comment_text(w, df->new_s->file)},
         {"summary", summary.data});
    buf_free(&summary);
}

void diff_sql(struct buf *out, const struct diff *df, enum dialect d)
{
    struct writer w = {.df = df, .d = d, .a = df->arena, .out = out};
    if (diff_empty(df)) {   /* still one transaction, as every migration */
        emit_header(&w, 0);
        tmpl_emit(out, "diff.begin", NULL, 0);
        tmpl_emit(out, "diff.nothing", NULL, 0);
        tmpl_emit(out, "diff.commit", NULL, 0);
        return;
    }
    w.pairs = arena_alloc(w.a, df->ntables * sizeof *w.pairs);
    w.npairs = arena_alloc(w.a, df->ntables * sizeof *w.npairs);
    for (size_t i = 0; i < df->ntables; i++)
        w.npairs[i] = diff_objects(df, df->tables[i], d, &w.pairs[i]);
    size_t rebuilt = d == DIALECT_SQLITE ? dsql_sqlite_plan(&w) : 0;
    emit_header(&w, rebuilt);
    if (w.keys_off)
        tmpl_emit(out, "diff.sqlite.foreign_keys_off", NULL, 0);
    tmpl_emit(out, "diff.begin", NULL, 0);
    dsql_begin_checks(&w);
    dsql_delete_rows(&w);
    if (d == DIALECT_SQLITE)
        dsql_sqlite_body(&w);
    else
        dsql_postgres_body(&w);
    dsql_end_checks(&w);
    tmpl_emit(out, "diff.commit", NULL, 0);
    if (w.keys_off)
        tmpl_emit(out, "diff.sqlite.foreign_keys_on", NULL, 0);
}
