/* The pieces every SQL writer of modelgen diff shares: the writer's state, template pieces,
   quoted names and literals, comments, and the sentences that describe each change. Below
   diff_convert.c, diff_rows.c, the dialects (diff_sqlite.c, diff_postgres.c) and the file
   (diff_sql.c); it calls none of them. Private to the diff files. */
#ifndef MODELGEN_DIFF_TEXT_H
#define MODELGEN_DIFF_TEXT_H

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
    bool keys_off;                  /* SQLite: foreign keys are off around the transaction */
    bool failures;                  /* the table mg_failed exists (diff_rows.c) */
    bool immediate;                 /* PostgreSQL: SET CONSTRAINTS ALL IMMEDIATE is done */
};

/* A one-line section as a string, without its final newline. */
const char *dsql_piece(struct writer *w, const char *section, const struct tvar *vars,
                       size_t nvars);
#define DPIECE(w, section, ...)                                                  \
    dsql_piece((w), (section), (const struct tvar[]){__VA_ARGS__},               \
               sizeof((const struct tvar[]){__VA_ARGS__}) / sizeof(struct tvar))

/* "diff.sqlite.NAME" or "diff.postgres.NAME". */
const char *dsql_dialect_section(struct writer *w, const char *name);

/* Names and strings in SQL, through sql_quote.c. */
const char *dsql_ident(struct writer *w, const char *name);
const char *dsql_literal(struct writer *w, const char *text);
/* Text for a comment, on one line whatever it holds. */
const char *dsql_comment_text(struct writer *w, const char *text);
/* "-- text" on a line of its own; nothing when text is NULL. */
void dsql_comment(struct writer *w, const char *text);
void dsql_blank(struct writer *w);

/* NEW's enum members of an enum column as an SQL list: 'a', 'b'. */
const char *dsql_members(struct writer *w, const struct column *c);
/* 'a' or 'b', for a sentence. */
const char *dsql_values_text(struct writer *w, const char *const *values, size_t n,
                             const char *last_separator);
/* "check constraint", "unique constraint", "foreign key" or "index". */
const char *dsql_object_kind(struct writer *w, const struct sql_object *o);
/* Section diff.what.add_object or diff.what.drop_object for an object. */
const char *dsql_object_text(struct writer *w, const char *section, const struct sql_object *o);

/* What a change is, in the user's terms; what a destructive one loses (or NULL). */
const char *dsql_what(struct writer *w, const struct change *ch);
const char *dsql_loss(struct writer *w, const struct change *ch);
const struct change *dsql_find(struct writer *w, enum change_kind kind,
                               const struct table_diff *t, const struct column_diff *c);
/* Comments a change: what it is, what it loses when it is destructive, and what a retype
   checks. */
void dsql_describe(struct writer *w, const struct change *ch);
/* Whether a change deletes rows (they go first of all, commented there). */
bool dsql_deletes(const struct change *ch);

/* A table that ALTER TABLE changes in place: in both schemas and, on SQLite, not rebuilt. */
bool dsql_altered(struct writer *w, size_t i);
/* The table's name: NEW's, or OLD's for a table that goes. */
const char *dsql_table_name(const struct table_diff *t);

/* DROP COLUMN for the columns gone from tables altered in place, then DROP TABLE for the
   tables gone, last created first. */
void dsql_drop_columns_and_tables(struct writer *w);

/* Whether two names are one to the dialect: SQLite does not tell case apart, and
   PostgreSQL folds an unquoted name to lower case. A rename between them is no rename. */
bool dsql_same_name(struct writer *w, const char *a, const char *b);
/* The comment for such a rename (table or column), in place of its statement. */
void dsql_same_name_comment(struct writer *w, const struct change *ch);

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
bool dsql_is_temporary(const char *name);
/* Renames the tables that NEW names otherwise, in an order where no name is taken. */
void dsql_rename_tables(struct writer *w);

#endif
