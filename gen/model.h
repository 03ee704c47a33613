/* The checked model: every name resolved, every column known. The checker builds it,
   the cycle analyzer annotates it, and the generators only read it. */
#ifndef MODELGEN_MODEL_H
#define MODELGEN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum type_kind {
    TYPE_INT,
    TYPE_REAL,
    TYPE_TEXT,
    TYPE_BLOB,
    TYPE_BOOL,
    TYPE_TIMESTAMP,
    TYPE_ENUM,
};

enum action {
    ACTION_UNSET,       /* the database's default (NO ACTION); nothing is written */
    ACTION_CASCADE,
    ACTION_SET_NULL,
    ACTION_RESTRICT,
    ACTION_NO_ACTION,
};

enum fk_mode {
    FK_AUTO,
    FK_DEFERRED,
    FK_IMMEDIATE,
    FK_NONE,
};

enum default_kind {
    DEFAULT_NONE,
    DEFAULT_INT,        /* int, timestamp */
    DEFAULT_REAL,
    DEFAULT_TEXT,
    DEFAULT_BOOL,
    DEFAULT_NULL,
    DEFAULT_NOW,
    DEFAULT_ENUM,
};

struct enum_type {
    const char *name;       /* Role */
    const char *c_name;     /* role */
    const char **members;   /* admin, member, guest */
    size_t nmembers;
    struct pos pos;
};

/* The seconds since the epoch that a timestamp holds on both engines: PostgreSQL's
   timestamptz runs from 4713 BC to 294276 AD. */
#define TIMESTAMP_MIN INT64_C(-210866803200)
#define TIMESTAMP_MAX INT64_C(9224318015999)

struct default_value {
    enum default_kind kind;
    int64_t i;
    double r;
    bool b;
    const char *text;       /* DEFAULT_TEXT: the string; DEFAULT_REAL: as written */
    size_t member;          /* DEFAULT_ENUM: index into the enum's members */
};

struct field {
    const char *name;       /* also the column name */
    enum type_kind type;
    const struct enum_type *enum_type;
    bool nullable, unique, index;
    struct default_value def;
    struct pos pos;
    const char *was;        /* the previous name (`was`), or NULL */
};

enum assoc_kind {
    ASSOC_BELONGS_TO,
    ASSOC_HAS_ONE,
    ASSOC_HAS_MANY,
    ASSOC_HAS_MANY_THROUGH,
};

/* Why the analyzer deferred a belongs_to's constraint. */
enum defer_reason {
    DEFER_NOT,              /* not deferred */
    DEFER_DECLARED,         /* `constraint deferred` */
    DEFER_REQUIRED_CYCLE,   /* on a cycle of required keys: rows need one transaction */
    DEFER_BREAKS_CYCLE,     /* chosen to break a cycle */
};

struct model;

struct assoc {
    enum assoc_kind kind;
    const char *name;
    struct model *owner;
    struct model *target;
    struct pos pos;
    struct pos target_pos;

    /* belongs_to */
    bool nullable;
    const char *column;
    enum action on_delete, on_update;
    enum fk_mode mode;
    const char *was;        /* the previous association name (`was`), or NULL */

    /* has_one, has_many: the target's belongs_to that points back */
    struct assoc *inverse;

    /* has_many through: the join model and its two belongs_to */
    struct model *through;
    struct assoc *through_self, *through_target;

    /* set by the cycle analyzer (belongs_to only) */
    enum defer_reason defer;
    struct model **cycle;   /* the cycle the deferral breaks: owner, target, ..., owner's predecessor */
    size_t cycle_len;
};

/* A table column: the implicit id, a field, or a belongs_to's key. */
struct column {
    const char *name;
    struct field *field;    /* set for fields */
    struct assoc *assoc;    /* set for foreign keys; both NULL for id */
};

struct composite {
    bool unique;
    struct column **columns;
    size_t ncolumns;
    struct pos pos;
};

struct model {
    const char *name;       /* User */
    const char *table;      /* users */
    const char *c_name;     /* user */
    struct pos pos;
    size_t index;           /* declaration order */
    const char *was;        /* the previous model name (`was`), or NULL */

    struct field **fields;
    size_t nfields;
    struct assoc **assocs;  /* every kind, in declaration order */
    size_t nassocs;
    struct column *columns; /* id first, then fields and keys in declaration order */
    size_t ncolumns;
    struct composite **composites;
    size_t ncomposites;

    /* set on a schema pulled from a database (modelgen diff --db): what the database
       calls this table's constraints and indexes where that is not modelgen's name, so
       that a migration from it names the objects the database has */
    const struct db_object_name *db_names;
    size_t ndb_names;
};

/* One of a table's constraints or indexes as a database names it. */
struct db_object_name {
    char kind;              /* 'u' unique constraint, 'f' foreign key, 'i' index */
    const char *columns;    /* its columns' names, joined with ',' */
    const char *name;
};

/* ---- Named queries (`query NAME(PARAMS) [-> RESULT] = SQL`) ---- */

/* A value's type as a query's parameters and results carry it. */
struct value_type {
    enum type_kind type;
    const struct enum_type *enum_type;  /* TYPE_ENUM */
    bool nullable;
};

struct query_param {
    const char *name;
    struct value_type t;
    const struct model *id_of;  /* a model named as the type: its id (TYPE_INT) */
    struct pos pos;
    bool used;                  /* the SQL names it */
};

/* A column of a row type: its type and nullability as the checker settled them. */
struct row_column {
    const char *name;
    struct value_type t;
    bool declared;              /* the .model gives its type */
    bool typed;                 /* its type is known (declared, or settled by a query) */
    /* Declared not null over an expression whose nullability no one can know: the
       generated code checks every value it reads and fails on a NULL. */
    bool verify_not_null;
    struct pos pos;
};

/* A row of named columns that a query returns: `-> [many] PostSummary(a, b int, ...)`. */
struct row_type {
    const char *name;           /* PostSummary */
    const char *c_name;         /* post_summary */
    struct row_column *columns;
    size_t ncolumns;
    struct pos pos;
    struct query *declared_by;  /* the query whose result declares it */
};

enum result_kind {
    RESULT_NONE,                /* no rows: the number of rows changed */
    RESULT_MODEL,               /* a row (or rows) of a model */
    RESULT_ROW,                 /* a row (or rows) of a row type */
    RESULT_SCALAR,              /* one value */
};

/* Where the statement's text differs from the SQL as written: ":name" became "?N". */
struct sql_subst {
    size_t at, len;             /* in the statement */
    size_t src, src_len;        /* in the SQL as written */
};

struct query {
    const char *name;           /* published_posts */
    struct pos pos;             /* its name */
    struct query_param *params;
    size_t nparams;

    enum result_kind result;
    bool many;
    const struct model *model;  /* RESULT_MODEL */
    struct row_type *row;       /* RESULT_ROW */
    struct value_type scalar;   /* RESULT_SCALAR */
    struct pos result_pos;      /* the result's type name */

    const char *sql;            /* as written (decoded) */
    struct pos sql_pos;         /* its opening quote(s) */
    bool sql_raw;               /* """...""": the bytes of the file as they are */
    const char *text;           /* the statement: numbered placeholders ?1, ?2, ... */
    struct sql_subst *substs;
    size_t nsubsts;
    /* The statement the generated code runs: text with each * of the result spelled out
       as the columns, in the model's order (a migrated table may hold them in another);
       expansions map its offsets back to text's (src, src_len there). */
    const char *stmt;
    struct sql_subst *expansions;
    size_t nexpansions;
};

struct c_name_table;

struct schema {
    const char *file;       /* the schema file's base name, for headers */
    struct model **models;  /* declaration order */
    size_t nmodels;
    struct enum_type **enums;
    size_t nenums;
    struct query **queries; /* declaration order */
    size_t nqueries;
    struct row_type **rows; /* row types, in the order of the queries declaring them */
    size_t nrows;

    /* set by the cycle analyzer */
    struct model **create_order;    /* referenced tables first, ties by table name */
    bool analyzed;

    /* set by c_names_check: the file-scope names of the generated C, which no parameter
       of a generated function may take (NULL: not checked) */
    const struct c_name_table *c_names;
};

#endif
