/* Writing generated files: all or nothing, each replaced atomically, and a file whose
   bytes would not change is not touched at all (so make and ninja see nothing new). */
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

/* Creates dir if missing, and writes every file whose content differs from what dir
   holds to a temporary name, then renames them all: a reader sees each file old or new,
   never in between, and on a failure none changes. A file that already holds exactly
   its content keeps its inode and its mtime. The files are not fsync'ed (like a
   compiler's outputs, they can be made again). Returns 0, or 2 after printing an I/O
   error (and removing the temporaries). With dir NULL, each name is a path of its own
   and its directory is created if missing. */
int output_write(const char *dir, struct output_file *files, int n);
/* output_write for one file named by its path. */
int output_write_path(const char *path, const struct buf *text);
/* Compares instead of writing (dir NULL: the names are paths): prints each stale or
   missing file; returns 0 or 1. */
int output_check(const char *dir, struct output_file *files, int n);

/* "dir/name" from the heap, with one slash between them however many dir ends with. */
char *path_join(const char *dir, const char *name);

#endif
