/* randdiff's databases, the same few operations on each engine (engine_sqlite.c,
   engine_postgres.c): make one from a from-empty file, fill it, read its rows and its
   normalized catalog, apply a migration file with the engine's shell. */
#ifndef RANDDIFF_ENGINE_H
#define RANDDIFF_ENGINE_H

#include "randdiff.h"
#include "util.h"

struct engine;

struct engine_ops {
    const char *name;           /* "sqlite", "postgres": also the dialect */
    /* a new, empty database named `name` (a file in dir, or a PostgreSQL schema) */
    struct engine *(*open)(const char *dir, const char *name, char *err, size_t nerr);
    void (*close)(struct engine *e, bool drop);
    /* runs a whole SQL file's text (with its own BEGIN and COMMIT) */
    bool (*exec_file)(struct engine *e, const char *sql, char *err, size_t nerr);
    /* inserts the rows, in the create order given (model ids), keys checked at COMMIT */
    bool (*fill)(struct engine *e, const struct rd_schema *s, const struct rd_rows *rows,
                 const int *order, int norder, char *err, size_t nerr);
    /* reads every table of s back, by s's model and column ids */
    bool (*read)(struct engine *e, const struct rd_schema *s, struct rd_rows *out, char *err,
                 size_t nerr);
    /* one fact a line, sorted */
    bool (*catalog)(struct engine *e, struct buf *out, char *err, size_t nerr);
    /* the migration file through the engine's shell: sqlite3, or psql; stop_at_error is
       -bail or ON_ERROR_STOP. Returns the exit status; its stderr goes into err_out. */
    int (*apply)(struct engine *e, const char *file, bool stop_at_error, struct buf *err_out);
    /* what a program passes to mg_open to reach this database */
    void (*target)(struct engine *e, char *buf, size_t n);
    /* lets another process write the database (SQLite: closes the file, reopened after) */
    void (*release)(struct engine *e);
    void (*reopen)(struct engine *e);
};

extern const struct engine_ops sqlite_engine;
#ifdef RANDDIFF_POSTGRES
extern const struct engine_ops postgres_engine;
#endif

/* Runs argv with stdin from in_file (or /dev/null) and stdout, stderr into files (or
   /dev/null); returns the exit status, or -1. */
int run_command(char *const argv[], const char *in_file, const char *out_file,
                const char *err_file, char *const envp_extra[]);
char *read_file(const char *path, size_t *len);
bool write_file(const char *path, const char *text, size_t len);

#endif
