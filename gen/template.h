/* Templates: the text of generated files, with {{name}} placeholders.
   A template file holds sections, each starting with a line "%% name";
   lines starting with "%#" are comments. Section "x" of file "sql.tmpl" is "sql.x". */
#ifndef MODELGEN_TEMPLATE_H
#define MODELGEN_TEMPLATE_H

#include <stddef.h>

#include "util.h"

struct embedded_file {
    const char *name;   /* the file's stem: "sql" for sql.tmpl */
    const char *text;
    size_t size;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_file_count;

struct tvar {
    const char *name;
    const char *value;
};

/* Loads the embedded templates (tmpl_emit does on first use). Call it before emitting from
   several threads at once: after it, each thread only reads them. */
void tmpl_load(void);

/* Appends section `section` to out with every {{var}} replaced. An unknown section or
   placeholder is a bug in modelgen and aborts. */
void tmpl_emit(struct buf *out, const char *section, const struct tvar *vars, size_t nvars);

/* A one-line section as a string in the arena, without its final newline. */
const char *tmpl_piece(struct arena *a, const char *section, const struct tvar *vars,
                       size_t nvars);

#define TMPL(out, section, ...)                                                  \
    do {                                                                         \
        const struct tvar tmpl_vars_[] = {__VA_ARGS__};                          \
        tmpl_emit((out), (section), tmpl_vars_, sizeof tmpl_vars_ / sizeof tmpl_vars_[0]); \
    } while (0)

#endif
