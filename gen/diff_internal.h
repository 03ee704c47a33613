/* What diff.c works out about two schemas, for diff_sql.c to write as SQL. Private to the
   diff files. */
#ifndef MODELGEN_DIFF_INTERNAL_H
#define MODELGEN_DIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "diff.h"

/* A column in OLD, in NEW, or in both. */
struct column_diff {
    const struct column *old, *new;
    bool renamed;
    bool retyped;           /* another model type (enum to enum is not a retype) */
    bool checked;           /* the retype takes only some values: the rows are checked first */
    bool nullability;       /* nullable in one, required in the other */
    bool def;               /* the default differs */
    bool members;           /* the enum's CHECK differs: members added, dropped or reordered */
    /* Values outside NEW's enum are replaced: an enum lost members, or text became an enum. */
    bool narrowed;
    const char **lost;      /* the lost members, when an enum narrowed */
    size_t nlost;
    bool target, actions, mode, deferral;   /* the foreign key of a belongs_to */
};

/* A table in OLD, in NEW, or in both. */
struct table_diff {
    const struct model *old, *new;
    struct column_diff **columns;   /* NEW's columns in order (matched or added), then OLD's dropped */
    size_t ncolumns;
    bool renamed;                   /* the table name changed */
    size_t index;                   /* in diff.tables */
};

enum change_kind {
    CHANGE_ADD_TABLE,
    CHANGE_DROP_TABLE,
    CHANGE_RENAME_TABLE,
    CHANGE_ADD_COLUMN,
    CHANGE_DROP_COLUMN,
    CHANGE_RENAME_COLUMN,
    CHANGE_RETYPE,
    CHANGE_NULLABLE,
    CHANGE_REQUIRED,
    CHANGE_DEFAULT,
    CHANGE_ENUM,
    CHANGE_ADD_UNIQUE,
    CHANGE_DROP_UNIQUE,
    CHANGE_ADD_INDEX,
    CHANGE_DROP_INDEX,
    CHANGE_TARGET,
    CHANGE_ACTIONS,
    CHANGE_MODE,
    CHANGE_DEFERRAL,
};

/* One change, in the user's terms: what diff_name, the refusals and the header count. */
struct change {
    enum change_kind kind;
    const struct table_diff *table;
    const struct column_diff *column;   /* column changes */
    const struct sql_object *object;    /* unique and index changes (in OLD for drops) */
    bool destructive;       /* loses data: refused unless --allow-data-loss */
    bool impossible;        /* refused always: a required column without a default */
};

struct diff {
    const struct schema *old_s, *new_s;
    struct arena *arena;
    /* NEW's tables in create order (matched or added), then OLD's dropped ones in OLD's
       create order */
    struct table_diff **tables;
    size_t ntables;
    const struct model **new_of_old;    /* by OLD model index: its NEW model, or NULL */
    const struct model **old_of_new;    /* by NEW model index */
    struct change **changes;
    size_t nchanges;
};

/* An object (check, unique, foreign key, index) in OLD, NEW or both, for one dialect. */
struct object_pair {
    const struct sql_object *old, *new;
    bool changed;           /* matched, but its definition differs (not only its name) */
    bool deferral_only;     /* a foreign key whose only difference is being deferred or not */
};

/* Pairs the objects of a table in dialect d: same kind and the same columns (through the
   column matching); the unmatched ones are dropped or added. Returns how many. */
size_t diff_objects(const struct diff *df, const struct table_diff *t, enum dialect d,
                    struct object_pair **out);

/* The column diff of NEW's (or OLD's) column c in t, or NULL. */
const struct column_diff *diff_column_of_new(const struct table_diff *t, const struct column *c);
const struct column_diff *diff_column_of_old(const struct table_diff *t, const struct column *c);

/* What a retype does with the values it converts. Every retype gives the same value on
   SQLite and PostgreSQL; the table is in README.md. */
enum retype_kind {
    RETYPE_EXACT,       /* every value has its one NEW value: 42 -> '42', true -> 1 */
    RETYPE_CHECKED,     /* only some have one (2.0 -> 2, not 2.5): the migration checks the
                           rows before it changes anything and fails naming the first row
                           that has none */
    RETYPE_TO_ENUM,     /* values that are no member of NEW's enum are replaced by the
                           default or NULL, or their rows deleted: destructive */
};
enum retype_kind diff_retype_kind(enum type_kind from, enum type_kind to);

/* Whether a belongs_to's constraint is deferred (SQLite and PostgreSQL agree). */
bool diff_deferred(const struct assoc *a);
/* Whether a column is nullable; whether it has a default that can fill rows (not null). */
bool diff_nullable(const struct column *c);
bool diff_fills(const struct column *c);
/* What becomes of a row whose value NEW's column cannot hold: "set to the default 'x'",
   "set to NULL" or "deleted". */
const char *diff_replacement_text(const struct column *c, struct arena *a);

#endif
