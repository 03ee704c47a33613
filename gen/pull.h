/* modelgen pull: a live database's catalog (catalog.h) as .model text, which the normal
   front end then checks; modelgen diff --db compiles the same text as its OLD schema. */
#ifndef MODELGEN_PULL_H
#define MODELGEN_PULL_H

#include <stdbool.h>

#include "cli.h"
#include "model.h"
#include "sql_quote.h"
#include "util.h"

struct pull_options {
    /* names to give what the database does not name (models, associations, enums) where a
       table of this schema is one of the database's: modelgen diff --db passes NEW */
    const struct schema *like;
    bool has_many;      /* also write the has_many side of every belongs_to */
};

/* A foreign key as the database has it. */
struct pull_key {
    char *table, *column;
    bool deferred;              /* DEFERRABLE INITIALLY DEFERRED */
};

/* A constraint or an index of a table, as the database names it. */
struct pull_name {
    char *table;
    char kind;                  /* as struct db_object_name's */
    char *columns;              /* joined with ',' */
    char *name;
};

struct pull_result {
    struct buf text;            /* the .model */
    enum dialect dialect;       /* the database's */
    char *display;              /* the target for messages, without a password */
    int warnings;               /* how many were printed */
    struct pull_key *keys;      /* every foreign key the text has as a belongs_to */
    size_t nkeys;
    struct pull_name *names;    /* the names of the constraints and indexes pulled */
    size_t nnames;
};

/* Reads TARGET's catalog (a postgresql:// or postgres:// URI, else an SQLite file) and
   writes its .model into r->text, printing a warning to stderr for everything it maps
   approximately or leaves out. Returns 0; 1 when the text it made does not check (its
   errors printed); 2 after printing why the database could not be read. */
int pull_database(const char *target, const struct pull_options *o, struct pull_result *r);
void pull_result_free(struct pull_result *r);

/* Compiles .model text held in memory as a schema named `name`, into c (release it with
   release_compiled). Diagnostics are only counted until the caller sets c->diag.out.
   Returns c->diag.errors. */
int pull_compile(const struct buf *text, const char *name, struct compiled *c);

/* Makes the analysed schema s, compiled from r->text, defer exactly the keys the database
   defers: where the analyzer defers a key the database checks at once (a cycle the database
   leaves to its clients), s then says what the database has, for diff --db to compare. */
void pull_match_deferral(struct schema *s, const struct pull_result *r);

/* Gives the models of s, compiled from r->text, the database's names of their unique
   constraints, foreign keys and indexes (struct model's db_names, in a), so that a
   migration from s renames or drops what the database has. */
void pull_match_names(struct schema *s, const struct pull_result *r, struct arena *a);

/* modelgen pull: argv after the command. */
int cmd_pull(int argc, char **argv);

#endif
