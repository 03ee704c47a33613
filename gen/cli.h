/* Pieces of the command line that several commands share. */
#ifndef MODELGEN_CLI_H
#define MODELGEN_CLI_H

#include "diag.h"
#include "model.h"

extern const char usage_text[];

/* Prints "modelgen: " + the message and the usage; returns 2. */
int usage_error(const char *fmt, const char *arg);

/* A loaded and compiled schema; everything is freed together. */
struct compiled {
    struct source src;
    struct arena *arena;
    struct diag diag;
    struct schema *schema;
};

/* Loads and compiles a schema file, reporting to stderr. Returns 0, 1 (schema errors,
   already reported) or 2 (I/O error, reported). */
int compile_file(const char *path, struct compiled *c);
void release_compiled(struct compiled *c);

/* modelgen diff (diff_cli.c) and modelgen migrate (migrate.c): argv after the command. */
int cmd_diff(int argc, char **argv);
int cmd_migrate(int argc, char **argv);

#endif
