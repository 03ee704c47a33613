/* Source files and compiler-style diagnostics: file:line:col, the line, a caret. */
#ifndef MODELGEN_DIAG_H
#define MODELGEN_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A position in a source file: 1-based line and byte column, and the length of the range. */
struct pos {
    int line, col, len;
};

struct source {
    const char *name;   /* as given on the command line */
    char *text;         /* the bytes, followed by a NUL sentinel */
    size_t size;        /* without the sentinel */
    size_t *line_starts;
    size_t nlines;
};

/* Loads a file; returns false and sets errno on failure. */
bool source_load(struct source *src, const char *path);
/* Makes a source from memory (copied), for tests and the fuzzer. */
void source_from_memory(struct source *src, const char *name, const char *data, size_t size);
void source_free(struct source *src);

/* Diagnostics are collected and printed in source order by diag_flush, each error or
   warning followed by its notes. */
struct diag_entry;

struct diag {
    const struct source *src;
    FILE *out;          /* NULL: count only, print nothing */
    bool color;
    int errors, warnings;
    int max_errors;     /* print at most this many errors; 0: no limit */
    struct diag_entry *entries;
    size_t count, cap;
};

void diag_init(struct diag *d, const struct source *src, FILE *out);
/* Prints what was collected, sorted by position, and forgets it. */
void diag_flush(struct diag *d);
void diag_error(struct diag *d, struct pos p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(struct diag *d, struct pos p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A note belongs to the diagnostic just before it ("previous definition is here"). */
void diag_note(struct diag *d, struct pos p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
