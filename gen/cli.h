/* Pieces of the command line that several commands share. */
#ifndef MODELGEN_CLI_H
#define MODELGEN_CLI_H

#include "diag.h"
#include "model.h"

/* The command being run ("generate", "check", ...), for usage_error's message. */
void cli_set_command(const char *name);
/* Prints "modelgen: " + the message and the command's usage; returns 2. */
int usage_error(const char *fmt, const char *arg);

/* Whether argv[*i] is the option `name` (or its `alias`, which may be NULL) with its
   value, as two arguments or as --name=VALUE: returns 1 with *value set and *i at the
   value's argument, 0 when argv[*i] is something else, or 2 after a usage error saying
   that the option needs `what`. */
int cli_option(int argc, char **argv, int *i, const char *name, const char *alias,
               const char *what, const char **value);

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

/* modelgen diff (diff_cli.c), modelgen migrate (migrate.c), modelgen apply and status
   (apply.c): argv after the command. */
int cmd_diff(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_status(int argc, char **argv);

#endif
