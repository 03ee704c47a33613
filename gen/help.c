/* The help of every command. The options listed here are the ones the commands' parsers
   (main.c, diff_cli.c, migrate.c, apply.c, pull.c) accept; tests/cli checks that each is listed, and the
   manual page modelgen(1) describes the same. */
#include "help.h"

#include <string.h>

struct option_help {
    const char *flags;      /* "-o, --output DIR": aliases, then the value's name if any */
    const char *text;       /* lines after the first are indented under it */
};

struct command_help {
    const char *name;
    const char *synopsis;   /* after "modelgen "; its lines after the first are indented */
    const char *summary;    /* one line, for the list of commands */
    const char *description;
    struct option_help options[8];
    const char *exit_status;    /* NULL: the usual */
};

static const struct command_help commands[] = {
    {"generate", "[generate] SCHEMA.model -o DIR [--name NAME] [--check]\n"
                 "[--migrations MDIR] [--depfile FILE]",
     "write the C API and the SQL of a schema (the default command)",
     "Writes NAME.h, NAME.c, NAME.sqlite.sql and NAME.postgres.sql into DIR (created if\n"
     "missing). Nothing is written when the schema has errors; a file whose bytes would not\n"
     "change is left as it is (its mtime too), the others are replaced atomically.\n"
     "MODELGEN_THREADS=N sets the number of threads; the output is the same with any.\n",
     {{"-o, --output DIR", "the directory of the outputs"},
      {"--name NAME", "base name of the outputs and prefix of schema-level functions\n"
                      "(default: the schema file's name without its extension)"},
      {"--check", "write nothing; exit 1 naming the files in DIR that are out of date"},
      {"--migrations MDIR", "NAME_migrate applies MDIR's numbered migrations (see migrate)\n"
                            "instead of the schema from empty; MDIR's last snapshot must be\n"
                            "SCHEMA"},
      {"--depfile FILE", "also write FILE, a Makefile-syntax list of the outputs' prerequisites\n"
                         "(SCHEMA and every file read from MDIR), for make's include and\n"
                         "meson's custom_target(depfile:)"},
      {"-h, --help", "show this help"}},
     NULL},
    {"check", "check SCHEMA.model [--explain] [--dump] [--db URI] [--name NAME]",
     "validate a schema and print its diagnostics",
     "Reads and checks the schema, prints every diagnostic, and writes nothing. Its named\n"
     "queries are prepared on an in-memory SQLite database; with --db, also on PostgreSQL.\n",
     {{"--explain", "list every deferred foreign key and why it is deferred"},
      {"--dump", "print the checked model in a stable text form"},
      {"--db URI", "also prepare every named query on this PostgreSQL server (a libpq\n"
                   "URI), in a transaction rolled back, and check the types it reports;\n"
                   "exit 1 when they disagree with the schema's, 2 when it cannot connect"},
      {"--name NAME", "the prefix of the generated functions, for the check of their C\n"
                      "names (default: the schema file's stem)"},
      {"-h, --help", "show this help"}},
     NULL},
    {"graph", "graph SCHEMA.model [--format dot|mermaid] [-o FILE]",
     "print the foreign-key graph, deferred keys dashed",
     "Prints the tables and their foreign keys as a Graphviz or a Mermaid diagram. Keys\n"
     "deferred until COMMIT are dashed and numbered; a legend gives each one's reason.\n",
     {{"--format FORMAT", "dot (the default) or mermaid"},
      {"-o, --output FILE", "write the graph to FILE instead of standard output (FILE is\n"
                            "left as it is when its bytes would not change)"},
      {"-h, --help", "show this help"}},
     NULL},
    {"diff", "diff OLD.model NEW.model [--dialect sqlite|postgres] [--allow-data-loss]\n"
             "[-o FILE]\n"
             "diff --db TARGET NEW.model [--allow-data-loss] [-o FILE]",
     "print the migration from one version of a schema, or a database, to the next",
     "Prints the SQL that turns a database made from OLD into one made from NEW, as one\n"
     "transaction with a comment above every change. Renames are declared in NEW with\n"
     "'was'; destructive changes are refused (exit 1) unless --allow-data-loss is given.\n"
     "With --db, OLD is what the live database TARGET holds, read as 'modelgen pull' reads\n"
     "it: the SQL (in the database's dialect) turns it into NEW, and 'Nothing to do' says\n"
     "that it matches. What NEW cannot say about the database (a trigger, an index it has\n"
     "no words for, an unknown column type) is a warning on standard error.\n",
     {{"--db TARGET", "compare the live database TARGET with NEW: an SQLite file (opened\n"
                      "read-only) or a postgresql:// or postgres:// URI (its current schema)"},
      {"--dialect DIALECT", "sqlite (the default) or postgres; with --db, the database's"},
      {"--allow-data-loss", "apply destructive changes (each is commented in the SQL)"},
      {"-o, --output FILE", "write the migration to FILE instead of standard output (FILE\n"
                            "is left as it is when its bytes would not change)"},
      {"-h, --help", "show this help"}},
     "Exit status: 0 success (with --db: the database matches NEW), 1 either schema has\n"
     "errors, a change is refused, or with --db the database differs from NEW (drift),\n"
     "2 usage or I/O error, or the database cannot be read.\n"},
    {"migrate", "migrate SCHEMA.model --dir DIR [--name NAME] [--check]\n"
                "[--allow-data-loss]",
     "write the next numbered migration into a directory",
     "Compares SCHEMA with DIR's last snapshot and, when they differ, writes the next\n"
     "migration: NNNN_name.sqlite.sql, NNNN_name.postgres.sql and NNNN_name.model (a copy\n"
     "of SCHEMA); 0001_initial when DIR has none. Nothing is written when nothing changed.\n"
     "Hand-written SQL (a data backfill) goes into NNNN_name.sqlite.post.sql and\n"
     "NNNN_name.postgres.post.sql: run after the migration's statements, inside its\n"
     "transaction, and covered by its checksum.\n",
     {{"--dir DIR", "the migrations directory (created if missing)"},
      {"--name NAME", "the new migration's name: letters, digits and '_' (default: named\n"
                      "after the change, or 'changes' for several)"},
      {"--check", "write nothing; exit 1 naming the changes of SCHEMA that no\n"
                  "migration in DIR holds (for CI)"},
      {"--allow-data-loss", "write a migration with destructive changes (else refused)"},
      {"-h, --help", "show this help"}},
     "Exit status: 0 success (a migration written, nothing to write, or with --check DIR\n"
     "up to date), 1 the schema has errors, DIR is inconsistent, a change is refused, or\n"
     "--check found changes, 2 usage or I/O error.\n"},
    {"apply", "apply --db TARGET --dir DIR",
     "apply a directory's pending migrations to a database",
     "Applies the migrations of DIR that the database lacks, in order, each in a\n"
     "transaction of its own, recording each in modelgen_migrations exactly as the\n"
     "generated NAME_migrate does: the same checksums and the same locks, so processes\n"
     "that start together wait for each other and a database migrated by either is\n"
     "understood by the other. A database that records a migration with another checksum\n"
     "(its SQL changed after it was applied) or one DIR lacks is refused, unchanged.\n"
     "Prints each migration the database gained while it ran.\n",
     {{"--db TARGET", "an SQLite database file (created if missing), or a postgresql:// or\n"
                      "postgres:// connection URI; messages never show its password"},
      {"--dir DIR", "the migrations directory (see migrate)"},
      {"-h, --help", "show this help"}},
     "Exit status: 0 the database is up to date, 1 DIR is inconsistent, the database is\n"
     "refused or a migration failed (rolled back: the migrations before it stay), 2 usage\n"
     "error, or the database cannot be opened or read.\n"},
    {"status", "status --db TARGET --dir DIR",
     "list a database's applied, pending and changed migrations",
     "Compares DIR's migrations with what the database records, one line each: applied,\n"
     "pending, or changed (applied with another checksum: its SQL changed since); a\n"
     "migration the database records and DIR lacks is unknown. Reads only: an SQLite file\n"
     "that does not exist is not created.\n",
     {{"--db TARGET", "an SQLite database file, or a postgresql:// or postgres:// URI"},
      {"--dir DIR", "the migrations directory"},
      {"-h, --help", "show this help"}},
     "Exit status: 0 up to date, 1 a migration is pending, changed or unknown (a deploy\n"
     "gate) or DIR is inconsistent, 2 usage error, or the database cannot be opened or\n"
     "read.\n"},
    {"pull", "pull --db TARGET [-o FILE] [--has-many]",
     "write a .model for an existing database",
     "Reads the catalog of a live database (SQLite's sqlite_master and pragmas, or\n"
     "PostgreSQL's pg_catalog) and writes a schema that makes the same tables: a model per\n"
     "table, its columns with their types, nullability and defaults, unique constraints and\n"
     "indexes, foreign keys with their actions and deferral ('constraint deferred' where the\n"
     "database defers one that modelgen would not), enums from CHECK (col IN (...)).\n"
     "Everything mapped approximately or left out (varchar(255) as text, a trigger, an index\n"
     "on an expression, an unknown type) is a warning on standard error, never silent.\n"
     "modelgen_migrations, the history of apply and NAME_migrate, is not pulled.\n",
     {{"--db TARGET", "an SQLite database file (opened read-only: it must exist), or a\n"
                      "postgresql:// or postgres:// URI (the tables of its current schema);\n"
                      "messages never show its password"},
      {"-o, --output FILE", "write the schema to FILE instead of standard output (FILE is\n"
                            "left as it is when its bytes would not change)"},
      {"--has-many", "also write a has_many for the other side of every belongs_to"},
      {"-h, --help", "show this help"}},
     "Exit status: 0 success (with warnings or without), 1 the schema it made does not\n"
     "check (a bug of pull: the errors are shown), 2 usage or I/O error, or the database\n"
     "cannot be opened or read.\n"},
    {"help", "help [COMMAND]",
     "show the commands, or the options of one",
     "Without a COMMAND, lists the commands; with one, shows its options.\n",
     {{"-h, --help", "show this help"}},
     NULL},
};

enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static const char exit_status[] =
    "Exit status: 0 success, 1 the schema has errors (or --check found stale files),\n"
    "2 usage or I/O error.\n";

static const struct command_help *find(const char *name)
{
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

bool help_is_command(const char *name)
{
    return find(name) != NULL;
}

/* Continuation lines of a synopsis start under its first argument. */
enum { SYNOPSIS_INDENT = 20 };

static void print_indented(FILE *out, const char *text, int indent);

void help_usage(FILE *out)
{
    for (int i = 0; i < NCOMMANDS; i++) {
        fprintf(out, "%s modelgen ", i == 0 ? "usage:" : "      ");
        print_indented(out, commands[i].synopsis, SYNOPSIS_INDENT);
    }
    fputs("       modelgen --help | --version\n", out);
}

void help_usage_of(FILE *out, const char *command)
{
    const struct command_help *c = find(command);
    if (!c) {
        help_usage(out);
        return;
    }
    fputs("usage: modelgen ", out);
    print_indented(out, c->synopsis, SYNOPSIS_INDENT);
    fprintf(out, "Run 'modelgen help %s' for its options.\n", c->name);
}

void help_overview(FILE *out)
{
    help_usage(out);
    fputs("\nGenerates migration SQL (SQLite, PostgreSQL) and typed C accessors from a .model\n"
          "schema, deferring exactly the foreign keys that circular references require.\n"
          "\nCommands:\n", out);
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'modelgen help COMMAND' or 'modelgen COMMAND --help' for a command's options,\n"
          "'man modelgen' for the manual.\n\n", out);
    fputs(exit_status, out);
}

/* Prints text with every line after the first indented to `indent` columns. */
static void print_indented(FILE *out, const char *text, int indent)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(out, "%.*s\n", len, p);
        if (!nl)
            break;
        p = nl + 1;
        if (*p)
            fprintf(out, "%*s", indent, "");
    }
}

int help_command(FILE *out, const char *command)
{
    const struct command_help *c = find(command);
    if (!c) {
        fprintf(stderr, "modelgen: no command '%s'\n", command);
        help_usage(stderr);
        return 2;
    }
    fputs("usage: modelgen ", out);
    print_indented(out, c->synopsis, SYNOPSIS_INDENT);
    fprintf(out, "\n%s\nOptions:\n", c->description);
    int width = 0;
    for (const struct option_help *o = c->options; o->flags; o++)
        if ((int)strlen(o->flags) > width)
            width = (int)strlen(o->flags);
    for (const struct option_help *o = c->options; o->flags; o++) {
        fprintf(out, "  %-*s  ", width, o->flags);
        print_indented(out, o->text, width + 4);
    }
    fputc('\n', out);
    fputs(c->exit_status ? c->exit_status : exit_status, out);
    return 0;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* Whether arg is an option of c that takes a value as the next argument. */
static bool takes_value(const struct command_help *c, const char *arg)
{
    size_t len = strlen(arg);
    for (const struct option_help *o = c->options; o->flags; o++) {
        const char *value = strrchr(o->flags, ' ');
        if (!value || value[1] == '-')
            continue;
        for (const char *p = o->flags; p < value; p++)
            if ((p == o->flags || p[-1] == ' ') && strncmp(p, arg, len) == 0 &&
                (p[len] == ',' || p[len] == ' '))
                return true;
    }
    return false;
}

bool help_requested(const char *command, int argc, char **argv)
{
    const struct command_help *c = find(command);
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i]))
            return true;
        if (c && argv[i][0] == '-' && takes_value(c, argv[i]))
            i++;
    }
    return false;
}
