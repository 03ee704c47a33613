/* How text from a schema goes into SQL. Names, strings and file names reach the SQL that
   modelgen writes (the from-empty files, migrations, the copies embedded in C, comments)
   through these functions and no other way, so that no byte of them can end an
   identifier, a literal or a comment early and run as SQL. The lowest layer of the SQL
   writers: it knows no model, only text. */
#ifndef MODELGEN_SQL_QUOTE_H
#define MODELGEN_SQL_QUOTE_H

#include <stdbool.h>

#include "util.h"

enum dialect { DIALECT_SQLITE, DIALECT_POSTGRES };

/* An identifier as is when it is a plain name ([A-Za-z_][A-Za-z0-9_]*) that no SQL
   dialect reserves, else between double quotes with every '"' doubled. */
void sqlq_ident(struct buf *out, const char *name);
bool sqlq_ident_needs_quotes(const char *name);

/* A string literal holding exactly `text`: '...' with every quote doubled. On PostgreSQL a
   text with a backslash is written E'...' with the backslashes doubled too, which means
   the same whatever standard_conforming_strings says. */
void sqlq_literal(struct buf *out, const char *text, enum dialect d);

/* `text` as the body of a "-- " comment: on one line whatever it holds. Control bytes
   (line feed and carriage return end a comment) are written as \n, \r, \t or \xHH. */
void sqlq_comment(struct buf *out, const char *text);

/* The same into an arena. */
const char *sqlq_ident_a(struct arena *a, const char *name);
const char *sqlq_literal_a(struct arena *a, const char *text, enum dialect d);
const char *sqlq_comment_a(struct arena *a, const char *text);

#endif
