/* Writing generated files: all or nothing, each replaced atomically. */
#ifndef MODELGEN_OUTPUT_H
#define MODELGEN_OUTPUT_H

#include <stdbool.h>

#include "util.h"

struct output_file {
    const char *name;   /* relative to the output directory */
    struct buf text;
};

/* Creates dir if missing, writes every file to a temporary name, then renames them all.
   Returns 0, or 2 after printing an I/O error (and removing the temporaries). */
int output_write(const char *dir, struct output_file *files, int n);
/* Compares instead of writing: prints each stale or missing file; returns 0 or 1 (2 on I/O error). */
int output_check(const char *dir, struct output_file *files, int n);

#endif
