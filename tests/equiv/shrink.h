/* randdiff: one pair's outcome, shrinking a failing pair to a minimal one, and the report. */
#ifndef RANDDIFF_SHRINK_H
#define RANDDIFF_SHRINK_H

#include "engine.h"
#include "randdiff.h"

enum rd_result {
    RES_OK,           /* migrated as it must, or failed as it must, changing nothing */
    RES_INVALID,      /* not a test: a schema that does not compile, rows that do not go in */
    RES_REFUSAL,      /* diff refuses what it should take, or takes a destructive change */
    RES_DIFF,         /* diff fails with --allow-data-loss */
    RES_SCHEMA,       /* a from-empty file does not apply */
    RES_FAILED,       /* the migration fails where it must succeed */
    RES_SUCCEEDED,    /* the migration succeeds where it must fail */
    RES_NOT_ATOMIC,   /* it fails and leaves the database changed */
    RES_CATALOG,      /* it succeeds but the catalog is not fresh NEW's */
    RES_ROWS,         /* it succeeds but a row or a value is not what it must be */
    RES_STATUS,       /* the right result, but the shell's exit status or messages are wrong */
    RES_COUNT
};

/* How the migration is applied: the engine's shell stopping at the first error (sqlite3
   -bail, psql with ON_ERROR_STOP) or going on after errors, the generated NAME_migrate
   over a migrations directory (modelgen migrate), or modelgen apply over it. */
enum rd_path { PATH_STOP, PATH_ON, PATH_MIGRATE, PATH_APPLY };

struct rd_outcome {
    enum rd_result result;
    bool migrated;              /* the database ended at NEW */
    bool expected_failure;      /* the oracle said it must fail */
    struct buf detail;
};

const char *rd_result_name(enum rd_result r);
void rd_make_case(uint64_t seed, struct rd_case *k);
void rd_run_pair(const struct rd_case *k, const struct engine_ops *ops, enum rd_path path,
                 const char *dir, struct rd_outcome *o);
const char *rd_path_name(enum rd_path path, const struct engine_ops *ops);
/* Shrinks k while it fails the same way; leaves the minimal pair in dir (old.model,
   new.model, rows.ENGINE.sql, the migration, failure.txt) and its outcome in o. */
void rd_shrink(struct rd_case *k, const struct engine_ops *ops, enum rd_path path,
               const char *dir, struct rd_outcome *o);
/* Reads the jobs' results and prints the report (TAP with tap); the exit status. */
int rd_report(const char *work, int jobs, bool tap, long seconds, uint64_t seed);

#endif
