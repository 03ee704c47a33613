/* The migration SQL generator: the whole schema from empty, per dialect. */
#ifndef MODELGEN_SQL_H
#define MODELGEN_SQL_H

#include "model.h"
#include "sql_quote.h"
#include "util.h"

/* The complete file: header comment, BEGIN, the schema, COMMIT. */
void sql_generate(struct buf *out, const struct schema *s, enum dialect d);
/* The statements alone, for embedding in generated code that runs its own transaction. */
void sql_schema_body(struct buf *out, const struct schema *s, enum dialect d);
/* sql_generate around a body that sql_schema_body already built for s and d, so that a
   caller who needs both builds the body once. */
void sql_generate_with_body(struct buf *out, const struct schema *s, enum dialect d,
                            const struct buf *body);
/* Appends an identifier, double-quoted when it must be (sqlq_ident). */
void sql_ident(struct buf *out, const char *name);
/* Frees the calling thread's scratch buffer (see arena_scratch_release). */
void sql_scratch_release(void);

/* ------------------------------------------------------------------------------------------
   The pieces of the from-empty file, for modelgen diff to build migrations from the same text.
   Strings returned live in the arena passed in. */

enum sql_object_kind { SQL_CHECK, SQL_UNIQUE, SQL_FOREIGN_KEY, SQL_INDEX };

/* A named constraint or index of a table. */
struct sql_object {
    enum sql_object_kind kind;
    const char *name;               /* unquoted: users_email_key */
    struct column *const *columns;  /* a check or a foreign key has one */
    size_t ncolumns;
    bool database_name;             /* the name is the database's, not modelgen's */
};

/* Every check, unique constraint, foreign key (unless 'constraint none') and index of m's
   table in dialect d, in the order the from-empty file creates them. Returns how many. */
size_t sql_table_objects(const struct model *m, enum dialect d, struct arena *a,
                         struct sql_object **out);
/* CREATE TABLE as the from-empty file has it, with the blank line after it. */
void sql_create_table(struct buf *out, const struct model *m, enum dialect d);
/* The table's CREATE INDEX statements, with a blank line after them when there are any. */
void sql_create_indexes(struct buf *out, const struct model *m, enum dialect d);
/* One CREATE INDEX, for an SQL_INDEX object. */
void sql_create_index(struct buf *out, const struct model *m, const struct sql_object *o,
                      enum dialect d);
/* PostgreSQL: the ALTER TABLE that adds a deferred foreign key, with its comment. */
void sql_deferred_foreign_key(struct buf *out, const struct model *m, struct column *c);
/* A check, unique or foreign key as CREATE TABLE has it ("CONSTRAINT users_role_check CHECK
   (...)"), without the indentation of its first line or a comma. */
const char *sql_table_constraint(const struct model *m, const struct sql_object *o,
                                 enum dialect d, struct arena *a);
/* Everything after a column's name: type, NOT NULL, DEFAULT. */
const char *sql_column_definition(const struct column *c, enum dialect d, struct arena *a);
const char *sql_type(enum type_kind t, enum dialect d, struct arena *a);
/* A field's default as an SQL expression, or NULL when it has none. */
const char *sql_default(const struct field *f, enum dialect d, struct arena *a);
/* " ON DELETE CASCADE ON UPDATE RESTRICT", or "" when both are the database's default. */
const char *sql_actions(const struct assoc *as, struct arena *a);
/* An identifier, double-quoted when it must be (sqlq_ident). */
const char *sql_quoted(const char *name, struct arena *a);
/* A name modelgen chooses, as PostgreSQL can hold it: one longer than 63 bytes is
   shortened to 54 and a hash. */
const char *sql_postgres_name(const char *name, struct arena *a);
/* The name PostgreSQL chooses for a table's primary key (NAME, NULL, "pkey") or its id's
   identity sequence (TABLE, "id", "seq"). */
const char *sql_postgres_auto_name(const char *name1, const char *name2, const char *label,
                                   struct arena *a);

#endif
