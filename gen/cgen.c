/* The C generator's driver: which part writes what, in which order, for the header and
   the source. The parts are cgen_model.c (enums and models), cgen_find.c (finders by
   index), cgen_assoc.c (associations), cgen_eager.c (eager loading of has_many and
   through), cgen_query.c (named queries, after every model) and cgen_migrate.c (the
   embedded migrations); what they share is in cgen_emit.c. The text lives in
   templates/c_header.tmpl and templates/c_source.tmpl (c_find.tmpl, c_eager.tmpl and
   c_query.tmpl for those parts). */
#include "cgen.h"

#include "cgen_assoc.h"
#include "cgen_eager.h"
#include "cgen_emit.h"
#include "cgen_find.h"
#include "cgen_migrate.h"
#include "cgen_model.h"
#include "cgen_query.h"
#include "cgen_write.h"
#include "names.h"
#include "template.h"

void cgen_scratch_release(void)
{
    cg_scratch_release();
}

struct cgen_migration cgen_initial_migration(const struct buf *sqlite_body)
{
    struct cgen_migration m = {1, "initial", sqlite_body->data ? sqlite_body->data : "",
                               sqlite_body->len, false, false, NULL, 0};
    return m;
}

/* ---- Parts ---- */

/* Template values are dead once the text they go into is out. Each enum's and model's part
   of a file gets an arena of its own, freed when the part is done, so that the same memory
   serves every part instead of the arena growing with the schema. part_begin returns the
   file's arena, for part_end to put back. */
static struct arena *part_begin(struct cgen *g)
{
    struct arena *file = g->arena;
    g->arena = arena_new();
    return file;
}

static void part_end(struct cgen *g, struct arena *file)
{
    arena_free(g->arena);
    g->arena = file;
}

/* ---- The header ---- */

static char *include_guard(struct arena *a, const char *name)
{
    return arena_printf(a, "%s_H", upper_case(a, name));
}

void cgen_header(struct buf *out, const struct schema *s, const char *name)
{
    cgen_header_with_migrations(out, s, name, NULL, 0);
}

void cgen_header_with_migrations(struct buf *out, const struct schema *s, const char *name,
                                 const struct cgen_migration *list, size_t n)
{
    struct cgen g = {out, s, name, arena_new()};
    const char *guard = include_guard(g.arena, name);
    TMPL(out, "c_header.file.begin", {"source", s->file}, {"guard", guard}, {"name", name});
    cgen_migrate_header(&g, list && n > 0);
    for (size_t i = 0; i < s->nenums; i++) {
        struct arena *file = part_begin(&g);
        cgen_enum_header(&g, s->enums[i]);
        part_end(&g, file);
    }
    for (size_t i = 0; i < s->nmodels; i++) {
        struct arena *file = part_begin(&g);
        cgen_model_struct(&g, s->models[i]);
        part_end(&g, file);
    }
    for (size_t i = 0; i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        struct arena *file = part_begin(&g);
        cgen_model_header(&g, m);
        cgen_find_header(&g, m);
        cgen_write_header(&g, m);
        for (size_t j = 0; j < m->nassocs; j++) {
            cgen_assoc_header(&g, m, m->assocs[j]);
            cgen_eager_header(&g, m, m->assocs[j]);
        }
        cgen_model_header_end(&g, m);
        part_end(&g, file);
    }
    cgen_query_header(&g);
    TMPL(out, "c_header.file.end", {"guard", guard});
    arena_free(g.arena);
}

/* ---- The source ---- */

/* Whether any column of the schema has this enum's type (else its mg_enum would be
   unused). */
static bool enum_is_read(const struct schema *s, const struct enum_type *e)
{
    for (size_t i = 0; i < s->nmodels; i++)
        for (size_t j = 0; j < s->models[i]->ncolumns; j++)
            if (col_enum(&s->models[i]->columns[j]) == e)
                return true;
    return false;
}

void cgen_source(struct buf *out, const struct schema *s, const char *name)
{
    cgen_source_with_migrations(out, s, name, NULL, 0);
}

void cgen_source_opening(struct buf *out, const struct schema *s, const char *name)
{
    struct cgen g = {out, s, name, arena_new()};
    TMPL(out, "c_source.file.begin", {"source", s->file}, {"name", name});
    for (size_t i = 0; i < s->nenums; i++) {
        struct arena *file = part_begin(&g);
        cgen_enum_source(&g, s->enums[i], enum_is_read(s, s->enums[i]));
        part_end(&g, file);
    }
    /* every model's description first: accessors read other models' rows */
    for (size_t i = 0; i < s->nmodels; i++) {
        struct arena *file = part_begin(&g);
        cgen_model_description(&g, s->models[i]);
        part_end(&g, file);
    }
    arena_free(g.arena);
}

void cgen_source_models(struct buf *out, const struct schema *s, const char *name,
                        size_t from, size_t to)
{
    struct cgen g = {out, s, name, arena_new()};
    for (size_t i = from; i < to && i < s->nmodels; i++) {
        const struct model *m = s->models[i];
        struct arena *file = part_begin(&g);
        cgen_model_source(&g, m);
        cgen_find_source(&g, m);
        cgen_write_source(&g, m);
        for (size_t j = 0; j < m->nassocs; j++) {
            cgen_assoc_source(&g, m, m->assocs[j]);
            cgen_eager_source(&g, m, m->assocs[j]);
        }
        part_end(&g, file);
    }
    arena_free(g.arena);
}

void cgen_source_closing(struct buf *out, const struct schema *s, const char *name,
                         const struct cgen_migration *list, size_t n)
{
    struct cgen g = {out, s, name, arena_new()};
    cgen_query_source(&g);
    cgen_migrations(&g, list, n);
    arena_free(g.arena);
}

void cgen_source_with_migrations(struct buf *out, const struct schema *s, const char *name,
                                 const struct cgen_migration *list, size_t n)
{
    cgen_source_opening(out, s, name);
    cgen_source_models(out, s, name, 0, s->nmodels);
    cgen_source_closing(out, s, name, list, n);
}
