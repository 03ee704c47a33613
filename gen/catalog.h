/* Reading a live database's catalog (modelgen pull, modelgen diff --db): what its tables,
   columns, keys and indexes are, as the engine records them. One reader per engine
   (catalog_sqlite.c: sqlite_master and the pragmas; catalog_postgres.c: pg_catalog) fills
   the same description; pull.c turns it into a .model. The readers already map each column
   to the model language's types and each default to its values, and say, in `note`s and
   warnings, whatever they could only map approximately. */
#ifndef MODELGEN_CATALOG_H
#define MODELGEN_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "sql_quote.h"
#include "util.h"

/* A column's default, as the model language can say it. */
struct cat_default {
    enum default_kind kind;     /* DEFAULT_NONE also when it cannot be said (note set) */
    int64_t i;                  /* DEFAULT_INT; DEFAULT_BOOL as 0 or 1 */
    const char *text;           /* DEFAULT_TEXT: the string; DEFAULT_REAL: a number */
    bool serial;                /* nextval(...): a sequence (PostgreSQL's serial) */
    const char *cast;           /* 'x'::TYPE: the type a string constant was cast to */
    const char *expr;           /* the expression as the database has it, for messages */
    const char *note;           /* mapped approximately or dropped, and why */
};

struct cat_column {
    const char *name;
    const char *decl;           /* the type as the database declares it: varchar(255) */
    enum type_kind type;        /* never TYPE_ENUM: see members */
    const char *type_note;      /* the type was mapped approximately, and how */
    bool int_or_time;           /* SQLite INTEGER: int or timestamp, the catalog cannot tell */
    bool notnull;
    bool pk;                    /* part of the primary key */
    bool identity;              /* assigned by the database (rowid, identity, serial) */
    struct cat_default def;
    const char **members;       /* an enum: CHECK (col IN (...)) or an enum type */
    size_t nmembers;
    const char *enum_note;      /* the enum was recovered approximately */
    const char *enum_type;      /* the name of the database's enum type, if any */
    const char *check_name;     /* the CHECK that gave the enum or the bool, if named */
};

struct cat_fk {
    const char *name;           /* NULL when the database keeps none (SQLite, unnamed) */
    size_t *columns;            /* indexes into the table's columns */
    size_t ncolumns;
    const char *target;         /* the referenced table */
    const char **target_columns;    /* NULL entries: the target's primary key */
    size_t ntarget_columns;
    enum action on_delete, on_update;
    bool deferrable, deferred;  /* DEFERRABLE, INITIALLY DEFERRED */
    const char *note;           /* what the model cannot say about it (MATCH FULL, ...) */
};

/* A unique constraint or an index. */
struct cat_key {
    const char *name;
    bool unique;
    bool constraint;            /* a UNIQUE constraint, not a CREATE [UNIQUE] INDEX */
    size_t *columns;
    size_t ncolumns;
    const char *inexpressible;  /* why the model cannot declare it (partial, expression) */
};

struct cat_table {
    const char *name;
    struct cat_column *columns;
    size_t ncolumns;
    size_t npk;                 /* columns in the primary key */
    const char *id_note;        /* the primary key is not quite modelgen's id, and how */
    struct cat_fk *fks;
    size_t nfks;
    struct cat_key *keys;       /* in the order they were created */
    size_t nkeys;
};

struct cat_warning {
    const char *table, *column; /* either may be NULL */
    const char *text;
};

struct catalog {
    enum dialect dialect;
    const char *display;        /* the target for messages, never with a password */
    struct cat_table *tables;   /* in the order they were created */
    size_t ntables;
    struct vec warnings;        /* struct cat_warning *, in the order found */
    struct arena *arena;
};

/* Reads the catalog of TARGET: a postgresql:// or postgres:// URI (the tables of the
   connection's current schema) or an SQLite file, which must exist (it is opened
   read-only). Returns 0, or 2 after printing why it could not (the message never holds a
   password). Everything lives in a; catalog_free releases the warnings' list. */
int catalog_read(const char *target, struct arena *a, struct catalog *out);
void catalog_free(struct catalog *c);
/* Adds a warning about table (and column) to c's list. */
void catalog_warn(struct catalog *c, const char *table, const char *column, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
/* Prints c's warnings to stderr, compiler style: "TARGET: warning: TABLE.COLUMN: TEXT". */
void catalog_print_warnings(const struct catalog *c);

/* The engines' readers (catalog_sqlite.c, catalog_postgres.c). */
int catalog_read_sqlite(const char *path, struct catalog *c);
int catalog_read_postgres(const char *uri, struct catalog *c);

/* ---- SQL text, for the readers: CREATE TABLE statements, CHECKs and defaults ---- */

enum sqltok_kind { SQLTOK_END, SQLTOK_WORD, SQLTOK_QUOTED, SQLTOK_STRING, SQLTOK_NUMBER,
                   SQLTOK_PUNCT };

struct sqltok {
    enum sqltok_kind kind;
    const char *text;           /* WORD, NUMBER, PUNCT ("::" and "=>" are one) as written; QUOTED
                                   and STRING decoded */
    const char *start, *end;    /* where it is in the statement */
};

/* The tokens of sql up to its end, comments skipped, followed by one SQLTOK_END. SQLite
   also quotes identifiers with `...` and [...]; PostgreSQL has E'...' strings and ARRAY[...]. */
size_t sql_tokens(const char *sql, enum dialect d, struct arena *a, struct sqltok **out);
/* Whether t is the word w (case-insensitive). */
bool sqltok_is(const struct sqltok *t, const char *w);
/* Whether t is the punctuation p. */
bool sqltok_punct(const struct sqltok *t, const char *p);
/* A name: a word or a quoted identifier. */
bool sqltok_name(const struct sqltok *t);
/* The index just past the parenthesis that closes the one at toks[i]. */
size_t sqltok_skip_parens(const struct sqltok *toks, size_t n, size_t i);
/* A default expression toks[0..n) as the model can say it. */
struct cat_default sql_parse_default(const struct sqltok *toks, size_t n, enum dialect d,
                                     struct arena *a);
/* CHECK (col IN ('a', 'b')) or, as PostgreSQL prints it, CHECK ((col = ANY (ARRAY['a'::text,
   ...]))) or CHECK ((col = 'a'::text)), from the token after CHECK: sets *column and the
   members, and *numeric for (0, 1) as SQLite bools have it. Returns false for any other
   check. */
bool sql_parse_in_check(const struct sqltok *toks, size_t n, struct arena *a,
                        const char **column, const char ***members, size_t *nmembers,
                        bool *numeric);

#endif
