/* randdiff: the differential test of modelgen diff. A random schema OLD, random changes
   into NEW, a database made from OLD and filled with random rows that stress every type,
   `modelgen diff OLD NEW` applied to it the way people apply SQL files, and the result
   compared, catalog and value by value, with a fresh database made from NEW and with what
   the migration must do to each row (the oracle, oracle.c). A failure is shrunk to a minimal
   pair. See README.md.

   The files: randdiff.c (the driver), schema.c (schemas, changes, the .model text),
   rows.c (values and rows), oracle.c (what NEW's rows must be), engine_sqlite.c and
   engine_postgres.c (databases), shrink.c. */
#ifndef RANDDIFF_H
#define RANDDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { MAX_ENUMS = 4, MAX_MEMBERS = 8, MAX_MODELS = 7, MAX_FIELDS = 9, MAX_ASSOCS = 5,
       MAX_COMPOSITES = 3, MAX_INVERSES = 3, MAX_CHANGES = 8, MAX_ROWS = 12, NAME_LEN = 64,
       TEXT_LEN = 300 };

/* model.h's type_kind, in the same order */
enum rd_type { T_INT, T_REAL, T_TEXT, T_BLOB, T_BOOL, T_TIMESTAMP, T_ENUM, T_COUNT };
enum rd_action { A_UNSET, A_CASCADE, A_SET_NULL, A_RESTRICT, A_NO_ACTION };
enum rd_mode { M_AUTO, M_DEFERRED, M_IMMEDIATE, M_NONE };
enum rd_default_kind { D_NONE, D_INT, D_REAL, D_TEXT, D_BOOL, D_NULL, D_NOW, D_ENUM };

struct rd_default {
    enum rd_default_kind kind;
    int64_t i;                  /* D_INT (int, timestamp); D_BOOL */
    char text[TEXT_LEN];        /* D_TEXT: the string; D_REAL: the literal; D_ENUM: the member */
};

struct rd_enum {
    int id;
    char name[NAME_LEN];
    int n;
    char member[MAX_MEMBERS][NAME_LEN];
    bool in_old;
};

/* Every field and association has an id, unique in the schema, that it keeps across
   versions: it is how the oracle knows which column of NEW continues which of OLD. */
struct rd_field {
    int id;
    char name[NAME_LEN];
    enum rd_type type;
    int enum_id;
    bool nullable, unique, index;
    struct rd_default def;
    char was[NAME_LEN];
    bool in_old;
};

struct rd_assoc {
    int id;
    char name[NAME_LEN];
    int target;                 /* a model id */
    bool nullable;
    char fk[NAME_LEN];          /* the column, when not NAME_id */
    enum rd_action on_delete, on_update;
    enum rd_mode mode;
    char was[NAME_LEN];
    bool in_old;
};

enum rd_inverse_kind { INV_HAS_ONE, INV_HAS_MANY, INV_THROUGH };
struct rd_inverse {
    enum rd_inverse_kind kind;
    char name[NAME_LEN];
    int target;                 /* model id */
    int by;                     /* assoc id (has_one, has_many) */
    int through;                /* model id (through) */
};

struct rd_composite {
    bool unique;
    int n;
    int col[4];                 /* field or association ids */
};

struct rd_model {
    int id;
    char name[NAME_LEN];
    char table[NAME_LEN];       /* given with `table`, or "" */
    char was[NAME_LEN];
    bool in_old;
    /* the names of OLD's columns that went: NEW may not take them, or modelgen would see
       the column continue (names match columns, and `was` only renames) */
    int ngone;
    char gone[MAX_FIELDS + MAX_ASSOCS][NAME_LEN];
    int nf, na, nc, ni;
    struct rd_field f[MAX_FIELDS];
    struct rd_assoc a[MAX_ASSOCS];
    struct rd_composite c[MAX_COMPOSITES];
    struct rd_inverse inv[MAX_INVERSES];
};

struct rd_schema {
    int ne, nm;
    struct rd_enum e[MAX_ENUMS];
    struct rd_model m[MAX_MODELS];
    int next_id;
    int ngone;                  /* OLD's models that went, as above */
    char gone[MAX_MODELS * 2][NAME_LEN];
};

/* A change, as an intention on ids: replayed on a smaller OLD (when shrinking), one whose
   target is gone does nothing. */
enum rd_change_kind {
    C_ADD_MODEL, C_DROP_MODEL, C_RENAME_MODEL, C_RENAME_TABLE,
    C_ADD_FIELD, C_DROP_FIELD, C_RENAME_FIELD, C_RETYPE, C_NULLABLE, C_REQUIRED, C_DEFAULT,
    C_UNIQUE, C_INDEX, C_ADD_COMPOSITE, C_DROP_COMPOSITE,
    C_ADD_ASSOC, C_DROP_ASSOC, C_RENAME_ASSOC, C_FK_COLUMN, C_RETARGET, C_ACTIONS, C_MODE,
    C_ASSOC_NULLABLE, C_ENUM_ADD, C_ENUM_DROP, C_ENUM_REORDER, C_ADD_INVERSE, C_DROP_INVERSE,
    C_KINDS
};
struct rd_change {
    enum rd_change_kind kind;
    int target;                 /* the model, field, association or enum id */
    int other;                  /* a second id (a target model, an enum) */
    int n;                      /* a number: a type, an action, a mode, a flag, an index */
    char name[NAME_LEN];
    struct rd_model model;      /* C_ADD_MODEL */
    struct rd_field field;      /* C_ADD_FIELD, C_RETYPE (its new type and default), C_DEFAULT */
    struct rd_assoc assoc;      /* C_ADD_ASSOC */
    struct rd_composite comp;   /* C_ADD_COMPOSITE */
    struct rd_inverse inv;      /* C_ADD_INVERSE */
};

/* A value as both engines give it: bools are 0 and 1, timestamps seconds, enums text. */
enum rd_value_kind { V_NULL, V_INT, V_REAL, V_TEXT, V_BLOB, V_NOW };
struct rd_value {
    enum rd_value_kind kind;
    int64_t i;
    double r;
    int len;
    unsigned char s[TEXT_LEN];  /* text or blob bytes (text without NUL) */
};

/* A row: its id, and a value per field and association id. */
struct rd_row {
    int64_t id;
    int ncols;
    int col[MAX_FIELDS + MAX_ASSOCS];
    struct rd_value v[MAX_FIELDS + MAX_ASSOCS];
};

struct rd_table_rows {
    int model;                  /* model id */
    int n;
    struct rd_row r[MAX_ROWS];
};

struct rd_rows {
    int nt;
    struct rd_table_rows t[MAX_MODELS];
};

/* A test: OLD, the changes that make NEW, and OLD's rows. */
struct rd_case {
    uint64_t seed;
    struct rd_schema old;
    int nchanges;
    struct rd_change ch[MAX_CHANGES];
    struct rd_rows rows;
};

/* -------------------------------------------------------------------- random -- */
struct rd_rng {
    uint64_t s;
};
uint64_t rd_next(struct rd_rng *g);
int rd_below(struct rd_rng *g, int n);      /* 0 .. n-1 */
bool rd_chance(struct rd_rng *g, int percent);

/* -------------------------------------------------------------------- schema.c -- */
void rd_random_schema(struct rd_schema *s, struct rd_rng *g);
/* A random change to s, applied; false when none could be made. */
bool rd_random_change(struct rd_schema *s, struct rd_change *c, struct rd_rng *g);
/* Applies c to s; false when its target is gone (nothing changes then). */
bool rd_apply(struct rd_schema *s, const struct rd_change *c);
/* NEW: OLD with the changes applied in order (was set where a rename of OLD's happens). */
void rd_new_schema(const struct rd_case *k, struct rd_schema *out);
/* The .model text; `was` only when with_was. */
char *rd_model_text(const struct rd_schema *s, bool with_was);

struct rd_model *rd_model(struct rd_schema *s, int id);
const struct rd_model *rd_model_c(const struct rd_schema *s, int id);
const struct rd_field *rd_field_c(const struct rd_model *m, int id);
const struct rd_assoc *rd_assoc_c(const struct rd_model *m, int id);
const struct rd_enum *rd_enum_c(const struct rd_schema *s, int id);
/* Table and column names as modelgen makes them. */
const char *rd_table(const struct rd_model *m, char *buf);
const char *rd_assoc_column(const struct rd_assoc *a, char *buf);
const char *rd_change_text(const struct rd_change *c, char *buf, size_t n);
/* Removes a model and everything that refers to it. */
void rd_remove_model(struct rd_schema *s, int id);
void rd_remove_field(struct rd_schema *s, int model, int id);
void rd_remove_assoc(struct rd_schema *s, int model, int id);

/* ---------------------------------------------------------------------- rows.c -- */
/* Random rows for every table of s that keep its keys, uniques and checks; the order a
   fill can insert them in is the analyser's create order (create_order: model ids). */
void rd_random_rows(const struct rd_schema *s, struct rd_rows *rows, struct rd_rng *g);
struct rd_table_rows *rd_rows_of(struct rd_rows *rows, int model);
const struct rd_table_rows *rd_rows_of_c(const struct rd_rows *rows, int model);
const struct rd_value *rd_row_value(const struct rd_row *r, int col);
bool rd_same_value(const struct rd_value *a, const struct rd_value *b);
void rd_value_text(const struct rd_value *v, char *buf, size_t n);
/* the value of a default (NULL for none) */
void rd_default_value(const struct rd_field *f, struct rd_value *v);

/* -------------------------------------------------------------------- oracle.c -- */
struct rd_expect {
    bool fails;                 /* the migration must fail and change nothing */
    char why[300];              /* what the oracle expects it to fail on */
    struct rd_rows rows;        /* else NEW's rows, by NEW's model and column ids */
};
/* What the migration must do to OLD's rows `old` (as the engine read them back). */
void rd_oracle(const struct rd_schema *old_s, const struct rd_schema *new_s,
               const struct rd_rows *old, struct rd_expect *e);
/* Whether OLD to NEW needs --allow-data-loss (the destructive changes). */
bool rd_destructive(const struct rd_schema *old_s, const struct rd_schema *new_s);
bool rd_retype_exact(enum rd_type from, enum rd_type to);

#endif
