/* `modelgen SCHEMA -o DIR`: the four files of a schema, generated side by side. */
#ifndef MODELGEN_GENERATE_H
#define MODELGEN_GENERATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cgen.h"
#include "model.h"

/* Generates NAME.h, NAME.c, NAME.sqlite.sql and NAME.postgres.sql for s, with NAME_migrate
   applying history[0..nhistory) (none: the schema from empty), and writes them to dir, or
   with check_only compares them with what dir holds. threads: how many to use (1: the
   caller's only); the files are the same whatever it is. With a depfile (and not
   check_only), also writes that file: the four outputs as targets, prereqs as what they
   were made from. Returns the exit status. */
int generate_files(const struct schema *s, const char *name,
                   const struct cgen_migration *history, size_t nhistory, const char *dir,
                   bool check_only, int threads, const char *depfile,
                   const char *const *prereqs, size_t nprereqs);

#endif
