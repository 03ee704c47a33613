/* The four files of `modelgen SCHEMA -o DIR` as independent jobs: the header, the source
   in parts (its opening, the functions of each run of models, its closing), and the two
   SQL files. The source is most of the work, so its models are cut into several runs;
   the parts are written one after the other, so the file is the same as from one pass. */
#include "generate.h"

#include <stdio.h>
#include <stdlib.h>

#include "depfile.h"
#include "jobs.h"
#include "output.h"
#include "sql.h"
#include "util.h"

/* Runs of models per thread: enough that the threads finish close together. */
enum { RUNS_PER_THREAD = 4 };

struct files {
    const struct schema *s;
    const char *name;
    const struct cgen_migration *history;
    size_t nhistory;
    struct buf header, sqlite, postgres;
    struct buf *source;     /* opening, nruns runs of models, closing */
    size_t nruns;
};

struct run {
    struct files *f;
    size_t index, from, to;
};

static void header_job(void *arg)
{
    struct files *f = arg;
    cgen_header_with_migrations(&f->header, f->s, f->name, f->history, f->nhistory);
}

static void opening_job(void *arg)
{
    struct files *f = arg;
    cgen_source_opening(&f->source[0], f->s, f->name);
}

static void models_job(void *arg)
{
    struct run *r = arg;
    cgen_source_models(&r->f->source[1 + r->index], r->f->s, r->f->name, r->from, r->to);
}

/* The SQLite schema is both NAME.sqlite.sql's body and, without a migration history, the
   'initial' migration at the end of NAME.c: one job builds it once for both. */
static void sqlite_job(void *arg)
{
    struct files *f = arg;
    struct buf body = {0};
    sql_schema_body(&body, f->s, DIALECT_SQLITE);
    sql_generate_with_body(&f->sqlite, f->s, DIALECT_SQLITE, &body);
    struct cgen_migration initial = cgen_initial_migration(&body);
    bool own = f->history && f->nhistory > 0;
    cgen_source_closing(&f->source[1 + f->nruns], f->s, f->name, own ? f->history : &initial,
                        own ? f->nhistory : 1);
    buf_free(&body);
}

static void postgres_job(void *arg)
{
    struct files *f = arg;
    sql_generate(&f->postgres, f->s, DIALECT_POSTGRES);
}

static char *file_name(const char *dir, const char *name, const char *suffix)
{
    struct buf b = {0};
    buf_printf(&b, "%s%s", name, suffix);
    char *path = path_join(dir, b.data);
    buf_free(&b);
    return path;
}

int generate_files(const struct schema *s, const char *name,
                   const struct cgen_migration *history, size_t nhistory, const char *dir,
                   bool check_only, int threads, const char *depfile,
                   const char *const *prereqs, size_t nprereqs)
{
    struct files f = {.s = s, .name = name, .history = history, .nhistory = nhistory};
    size_t want = (size_t)(threads > 1 ? threads : 1) * RUNS_PER_THREAD;
    f.nruns = s->nmodels < want ? s->nmodels : want;
    f.source = xcalloc(f.nruns + 2, sizeof *f.source);
    struct run *runs = xcalloc(f.nruns ? f.nruns : 1, sizeof *runs);
    struct job *jobs = xcalloc(f.nruns + 4, sizeof *jobs);
    size_t njobs = 0;

    /* the longest first, so that no thread starts one late */
    jobs[njobs++] = (struct job){sqlite_job, &f};
    for (size_t i = 0; i < f.nruns; i++) {
        runs[i] = (struct run){&f, i, s->nmodels * i / f.nruns, s->nmodels * (i + 1) / f.nruns};
        jobs[njobs++] = (struct job){models_job, &runs[i]};
    }
    jobs[njobs++] = (struct job){header_job, &f};
    jobs[njobs++] = (struct job){postgres_job, &f};
    jobs[njobs++] = (struct job){opening_job, &f};
    jobs_run(jobs, njobs, threads);

    struct output_file files[5] = {
        {file_name(dir, name, ".h"), f.header, NULL, 0},
        {file_name(dir, name, ".c"), {0}, f.source, f.nruns + 2},
        {file_name(dir, name, ".sqlite.sql"), f.sqlite, NULL, 0},
        {file_name(dir, name, ".postgres.sql"), f.postgres, NULL, 0},
        {depfile, {0}, NULL, 0},
    };
    int nfiles = 4, rc = 0;
    if (depfile && !check_only) {
        const char *targets[4];
        for (int i = 0; i < 4; i++)
            targets[i] = files[i].name;
        if (depfile_rules(&files[4].text, targets, 4, prereqs, nprereqs)) {
            nfiles = 5;
        } else {
            fprintf(stderr, "modelgen: cannot write the depfile '%s': a path holds a line "
                    "break\n", depfile);
            rc = 2;
        }
    }
    if (rc == 0 && check_only)
        rc = output_check(NULL, files, 4);
    else if (rc == 0)
        rc = output_write(NULL, files, nfiles);
    for (int i = 0; i < 4; i++)
        free((char *)files[i].name);
    buf_free(&files[4].text);
    buf_free(&f.header);
    buf_free(&f.sqlite);
    buf_free(&f.postgres);
    for (size_t i = 0; i < f.nruns + 2; i++)
        buf_free(&f.source[i]);
    free(f.source);
    free(runs);
    free(jobs);
    return rc;
}
