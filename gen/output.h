/* Writing generated files: all or nothing, each replaced atomically. */
#ifndef MODELGEN_OUTPUT_H
#define MODELGEN_OUTPUT_H

#include <stdbool.h>

#include "util.h"

struct output_file {
    const char *name;   /* relative to the output directory */
    struct buf text;
    /* When nparts > 0 the file is these, one after the other, and text is not used. */
    const struct buf *parts;
    size_t nparts;
};

/* Creates dir if missing, writes every file to a temporary name, then renames them all:
   a reader sees each file old or new, never in between, and on a failure none changes.
   The files are not fsync'ed (like a compiler's outputs, they can be made again). Returns
   0, or 2 after printing an I/O error (and removing the temporaries). */
int output_write(const char *dir, struct output_file *files, int n);
/* Compares instead of writing: prints each stale or missing file; returns 0 or 1 (2 on I/O error). */
int output_check(const char *dir, struct output_file *files, int n);

#endif
