/* What `modelgen --help`, `modelgen help [COMMAND]` and `modelgen COMMAND --help` print:
   one entry per command, its synopsis and every option it takes. */
#ifndef MODELGEN_HELP_H
#define MODELGEN_HELP_H

#include <stdbool.h>
#include <stdio.h>

/* Whether name is a command with help of its own ("generate", "check", ...). */
bool help_is_command(const char *name);
/* Every command's synopsis, as usage errors print it. */
void help_usage(FILE *out);
/* The synopsis of one command and where to read more (after a usage error). */
void help_usage_of(FILE *out, const char *command);
/* The list of commands (modelgen --help). */
void help_overview(FILE *out);
/* The help of one command (modelgen help COMMAND). Returns 0, or 2 for an unknown
   command (after saying so on stderr). */
int help_command(FILE *out, const char *command);
/* Whether argv (the arguments after the command) asks for help: a -h or --help that is
   not the value of an option that takes one. */
bool help_requested(const char *command, int argc, char **argv);

#endif
