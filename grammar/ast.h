/* The syntax tree of a .model file, as written: names are not yet resolved. */
#ifndef MODELGEN_AST_H
#define MODELGEN_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

struct arena;

struct ast_name {
    const char *text;   /* NULL when absent */
    struct pos pos;
};

enum ast_value_kind {
    VALUE_INT,
    VALUE_REAL,
    VALUE_STRING,
    VALUE_TRUE,
    VALUE_FALSE,
    VALUE_NULL,
    VALUE_NAME,     /* `now` or an enum member */
};

struct ast_value {
    enum ast_value_kind kind;
    int64_t i;
    double r;
    const char *text;   /* the string's contents, the name, or the number as written */
    struct pos pos;
};

enum ast_member_kind {
    MEMBER_FIELD,
    MEMBER_BELONGS_TO,
    MEMBER_HAS_ONE,
    MEMBER_HAS_MANY,
    MEMBER_HAS_MANY_THROUGH,
    MEMBER_UNIQUE,      /* unique (a, b) */
    MEMBER_INDEX,       /* index (a, b) */
};

struct ast_name_list {
    struct ast_name name;
    struct ast_name_list *next;
};

struct ast_member {
    enum ast_member_kind kind;
    struct pos pos;             /* the first token */
    struct ast_name name;       /* field or association name */
    struct ast_member *next;

    /* fields: the type; associations: the target model */
    struct ast_name type;
    bool nullable;
    struct pos nullable_pos;

    /* fields */
    bool unique, index;
    struct ast_value *default_value;

    /* belongs_to options; a name's text is NULL when the option is absent */
    struct ast_name fk, on_delete, on_update, constraint;

    /* fields and belongs_to: the previous name, for `modelgen diff` (`was old_name`) */
    struct ast_name was;

    /* has_one / has_many: `by` association; has_many through: the join model */
    struct ast_name via;

    /* unique (...) and index (...) */
    struct ast_name_list *columns;
};

struct ast_model {
    struct ast_name name;
    struct ast_name table;      /* text NULL: derived from the name */
    struct ast_name was;        /* the previous name, for `modelgen diff` */
    struct ast_member *members;
    struct pos pos;
    struct pos end;             /* the closing brace */
    struct ast_model *next;
};

struct ast_enum {
    struct ast_name name;
    struct ast_name_list *members;
    struct pos pos;
    struct ast_enum *next;
};

/* A named query: `query NAME(PARAMS) [-> RESULT] = SQL`. */
struct ast_param {
    struct ast_name name;
    struct ast_name type;       /* a built-in type, an enum, or a model (its id) */
    bool nullable;
    struct pos nullable_pos;
    struct ast_param *next;
};

/* A column of a row type declared in a query's result: `name [type[?]]`. */
struct ast_column {
    struct ast_name name;
    struct ast_name type;       /* text NULL: the type comes from the query */
    bool nullable;
    struct pos nullable_pos;
    struct ast_column *next;
};

/* The SQL of a query as written: """...""" (raw) or a quoted string (with escapes). */
struct ast_sql {
    const char *text;           /* the decoded text */
    struct pos pos;             /* the opening quote(s) */
    bool raw;                   /* """...""": every byte as in the file */
};

struct ast_query {
    struct ast_name name;
    struct pos pos;             /* the 'query' keyword */
    struct ast_param *params;
    bool has_result;            /* `-> ...`; without it, a statement that returns no rows */
    bool many;                  /* `-> many X` */
    struct pos many_pos;
    struct ast_name result;     /* a model, a row type, or a scalar type */
    bool result_nullable;
    struct pos result_nullable_pos;
    bool has_columns;           /* `-> [many] Name(columns)` declares a row type */
    struct ast_column *columns;
    struct ast_sql sql;
    struct ast_query *next;
};

struct ast_schema {
    struct ast_model *models;
    struct ast_enum *enums;
    struct ast_query *queries;
};

/* Parses src into an AST allocated from a; reports every syntax error to d. */
struct ast_schema *parse_schema(const struct source *src, struct arena *a, struct diag *d);

#endif
