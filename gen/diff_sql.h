/* Shared by the SQL writers of modelgen diff: diff_sql.c (the file, comments, conversions),
   diff_sqlite.c and diff_postgres.c (each dialect's statements). Private to them. */
#ifndef MODELGEN_DIFF_SQL_H
#define MODELGEN_DIFF_SQL_H

#include "diff_internal.h"
#include "template.h"

/* One run of the writer. Strings it builds live in the diff's arena. */
struct writer {
    const struct diff *df;
    enum dialect d;
    struct arena *a;
    struct buf *out;
    struct object_pair **pairs;     /* by table (as in df->tables): its objects, paired */
    size_t *npairs;
    bool *rebuilt;                  /* SQLite: by table, whether it is rebuilt */
};

/* A one-line section as a string, without its final newline. */
const char *dsql_piece(struct writer *w, const char *section, const struct tvar *vars,
                       size_t nvars);
#define DPIECE(w, section, ...)                                                  \
    dsql_piece((w), (section), (const struct tvar[]){__VA_ARGS__},               \
               sizeof((const struct tvar[]){__VA_ARGS__}) / sizeof(struct tvar))

/* A table that ALTER TABLE changes in place: in both schemas and, on SQLite, not rebuilt. */
bool dsql_altered(struct writer *w, size_t i);
/* DROP COLUMN for the columns gone from tables altered in place, then DROP TABLE for the
   tables gone, last created first. */
void dsql_drop_columns_and_tables(struct writer *w);

/* "diff.sqlite.NAME" or "diff.postgres.NAME". */
const char *dsql_dialect_section(struct writer *w, const char *name);
const char *dsql_ident(struct writer *w, const char *name);
/* "-- text" on a line of its own; nothing when text is NULL. */
void dsql_comment(struct writer *w, const char *text);
void dsql_blank(struct writer *w);
/* NEW's enum members of an enum column as an SQL list: 'a', 'b'. */
const char *dsql_members(struct writer *w, const struct column *c);
/* "check constraint", "unique constraint", "foreign key" or "index". */
const char *dsql_object_kind(struct writer *w, const struct sql_object *o);
/* Section diff.what.add_object or diff.what.drop_object for an object. */
const char *dsql_object_text(struct writer *w, const char *section, const struct sql_object *o);

const char *dsql_what(struct writer *w, const struct change *ch);
const char *dsql_loss(struct writer *w, const struct change *ch);
const struct change *dsql_find(struct writer *w, enum change_kind kind,
                               const struct table_diff *t, const struct column_diff *c);
/* Comments a change: what it is, and what it loses when it is destructive. */
void dsql_describe(struct writer *w, const struct change *ch);
/* Whether a change deletes rows (they go first of all, commented there). */
bool dsql_deletes(const struct change *ch);

/* The old value x of a retyped column, converted to NEW's type. */
const char *dsql_convert(struct writer *w, const struct column_diff *c, const char *x);

/* A rename, or a step of one. */
struct rename_step {
    const char *from, *to;
    const void *item;
};
/* Orders renames so that none takes a name still in use (names: every name in use now,
   updated as the steps go); a cycle goes through a temporary name mg_tmp_<name>, so the
   result may have more steps than the input. */
size_t dsql_order_renames(struct writer *w, const struct rename_step *in, size_t n,
                          const char **names, size_t nnames, struct rename_step **out);

/* Renames the tables that NEW names otherwise, in an order where no name is taken. */
void dsql_rename_tables(struct writer *w);

/* diff_sqlite.c: decides which tables to rebuild (returns how many), then writes the body. */
size_t dsql_sqlite_plan(struct writer *w);
void dsql_sqlite_body(struct writer *w);
/* diff_postgres.c */
void dsql_postgres_body(struct writer *w);

#endif
