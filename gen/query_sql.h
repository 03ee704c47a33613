/* The SQL of named queries as modelgen reads it: tokens, named parameters, and the parts
   of a statement that decide what its result columns are (which items the select list
   holds, which tables an outer join may NULL-extend). Not a parser of SQL: SQLite has
   accepted the statement before any of this looks at its structure, and every rule here
   errs on the side of "may be NULL" and "type unknown". */
#ifndef MODELGEN_QUERY_SQL_H
#define MODELGEN_QUERY_SQL_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct arena;
struct diag;

enum sqltok_kind {
    SQLT_WORD,          /* a bare word: a keyword or a name */
    SQLT_QUOTED,        /* "name", [name], `name` */
    SQLT_STRING,        /* 'text', x'00' */
    SQLT_NUMBER,
    SQLT_NAMED,         /* :name */
    SQLT_PLACEHOLDER,   /* ?, ?N, $N, @name, $name: not the query language's */
    SQLT_LPAREN,
    SQLT_RPAREN,
    SQLT_COMMA,
    SQLT_DOT,
    SQLT_SEMI,
    SQLT_STAR,
    SQLT_OP,            /* any other operator or byte */
};

struct sqltok {
    enum sqltok_kind kind;
    size_t at, len;     /* bytes of the text */
    int depth;          /* parentheses around it ('(' and ')' count as outside) */
};

struct sqltoks {
    const char *text;
    struct sqltok *t;
    size_t n;
};

/* Splits text into tokens (comments and spaces dropped); free with sql_tokens_free. */
void sql_tokenize(const char *text, struct sqltoks *out);
void sql_tokens_free(struct sqltoks *ts);
/* Whether token i is the bare word `word` (ASCII, any case). */
bool sqltok_word(const struct sqltoks *ts, size_t i, const char *word);

/* Rewrites q->sql into q->text: every :name becomes ?N, N the parameter's number, and
   marks the parameters used. Reports to d (positions through `src`) a name that no
   parameter has, a placeholder of another syntax, and each parameter the SQL never names.
   Returns false when it reported an error. */
bool query_translate(struct query *q, const struct source *src, struct arena *a,
                     struct diag *d);

/* The position in the file of bytes [offset, offset + len) of the SQL as written. */
struct pos query_sql_pos(const struct source *src, const struct query *q, size_t offset,
                         size_t len);
/* The same for bytes of the statement (q->text), through the substitutions. */
struct pos query_text_pos(const struct source *src, const struct query *q, size_t offset,
                          size_t len);
/* The same for bytes of the statement as generated (q->stmt), through the expansions. */
struct pos query_stmt_pos(const struct source *src, const struct query *q, size_t offset,
                          size_t len);

/* ---- What a statement returns ---- */

enum item_kind {
    ITEM_EXPR,          /* anything else */
    ITEM_STAR,          /* * */
    ITEM_TABLE_STAR,    /* t.* */
    ITEM_COLUMN,        /* c, t.c, s.t.c */
    ITEM_CAST,          /* CAST(... AS type) */
    ITEM_SUBQUERY,      /* (SELECT ...) */
};

struct sql_item {
    enum item_kind kind;
    size_t at, len;             /* bytes of the item, its alias included */
    const char *qualifier;      /* t of t.c and t.* (unquoted), or NULL */
    const char *column;         /* c of ITEM_COLUMN */
    const char *cast_type;      /* ITEM_CAST: the type as written, words joined by spaces */
    size_t cast_at, cast_len;   /* bytes of that type */
};

enum source_kind { SOURCE_TABLE, SOURCE_SUBQUERY, SOURCE_FUNCTION };

/* A table, subquery or table function in the FROM clause of the first SELECT. */
struct sql_source {
    enum source_kind kind;
    const char *name;           /* the table or function, unquoted; NULL for a subquery */
    const char *alias;          /* NULL: none */
    bool nullable;              /* NULL-extended by an outer join */
};

struct sql_result {
    bool select;                /* SELECT or VALUES (else a write, maybe RETURNING) */
    bool compound;              /* UNION, INTERSECT, EXCEPT */
    bool values;                /* VALUES: no column comes from a table */
    /* A SELECT with an aggregate and no GROUP BY: one row even over no rows, its other
       columns then NULL. */
    bool lone_aggregate;
    struct sql_item *items;     /* of the first SELECT, or of RETURNING */
    size_t nitems;
    struct sql_source *sources; /* of the first SELECT's FROM */
    size_t nsources;
    bool sources_known;         /* every source of that FROM was understood */
    const char *target;         /* INSERT, UPDATE, DELETE: the table written */
    const char *target_alias;
    /* Conservatively, every table that an outer join anywhere in the statement may
       NULL-extend (directly, in a subquery, or through a common table expression). */
    const char **outer_tables;
    size_t nouter;
    const char **ctes;          /* the names WITH declares */
    size_t nctes;
    /* A compound SELECT: the bytes of the WITH clause before it, and of each arm, without
       the UNION, INTERSECT or EXCEPT between them and the ORDER BY and LIMIT after them. */
    size_t with_len;
    struct sql_range {
        size_t at, len;
        char op;                /* before this arm: 'U'nion, 'I'ntersect, 'E'xcept */
    } *arms;
    size_t narms;
};

/* Reads the structure of a statement that SQLite accepted. Everything is in `a`. */
void sql_read_result(const char *text, struct sql_result *r, struct arena *a);

/* Whether two SQL names are the same (ASCII letters in any case). */
bool sql_same_name(const char *x, const char *y);

#endif
