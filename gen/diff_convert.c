/* modelgen diff: a retyped column's values in NEW's type, and the check of the rows a
   retype does not take (see diff_convert.h). What each retype does is decided by
   diff_retype_kind (diff.c); the SQL is in templates/diff.tmpl. */
#include "diff_convert.h"

#include <string.h>

#include "check.h"
#include "sql.h"

/* Text and enums hold the same values; so do int and timestamp on SQLite (both INTEGER). */
static enum type_kind text_class(enum type_kind t)
{
    return t == TYPE_ENUM ? TYPE_TEXT : t;
}

static const char *piece_x(struct writer *w, const char *name, const char *x)
{
    return DPIECE(w, dsql_dialect_section(w, name), {"x", x});
}

static const char *cast(struct writer *w, const char *x, enum type_kind to)
{
    return DPIECE(w, dsql_dialect_section(w, "cast"), {"x", x},
                  {"type", sql_type(to, w->d, w->a)});
}

/* ------------------------------------------------------------------------- SQLite -- */

/* A value of type `from` (never enum: text) as a text, the way every retype reads it. */
static const char *sqlite_text(struct writer *w, enum type_kind from, const char *x)
{
    switch (from) {
    case TYPE_TEXT:
        return x;
    case TYPE_REAL:
        return piece_x(w, "real_text", x);
    case TYPE_BOOL:
        return piece_x(w, "bool_text", x);
    default:    /* int, timestamp: decimal digits; blob: its bytes */
        return cast(w, x, TYPE_TEXT);
    }
}

static const char *sqlite_convert(struct writer *w, enum type_kind from, enum type_kind to,
                                  const char *x)
{
    if (from == TYPE_BLOB && to != TYPE_TEXT && to != TYPE_ENUM) {
        x = cast(w, x, TYPE_TEXT);     /* bytes that hold a number's text, checked */
        from = TYPE_TEXT;
    }
    switch (to) {
    case TYPE_INT:
    case TYPE_TIMESTAMP:
        if (from == TYPE_INT || from == TYPE_BOOL || from == TYPE_TIMESTAMP)
            return x;
        return cast(w, x, TYPE_INT);
    case TYPE_REAL:
        return cast(w, x, TYPE_REAL);
    case TYPE_TEXT:
    case TYPE_ENUM:
        return sqlite_text(w, from, x);
    case TYPE_BLOB:
        return cast(w, sqlite_text(w, from, x), TYPE_BLOB);
    case TYPE_BOOL:
        if (from == TYPE_TEXT)
            return piece_x(w, "text_bool", x);
        return piece_x(w, "number_bool", x);
    }
    return x;
}

/* --------------------------------------------------------------------- PostgreSQL -- */

static const char *postgres_seconds(struct writer *w, enum type_kind from, const char *x)
{
    if (from == TYPE_TIMESTAMP)
        return piece_x(w, "seconds", x);
    if (from == TYPE_BOOL)
        return DPIECE(w, "diff.postgres.bool_number", {"x", x}, {"type", "bigint"});
    return x;
}

static const char *postgres_text(struct writer *w, enum type_kind from, const char *x)
{
    switch (from) {
    case TYPE_TEXT:
        return x;
    case TYPE_REAL:
        return piece_x(w, "real_text", x);
    case TYPE_BLOB:
        return piece_x(w, "bytes_text", x);
    case TYPE_TIMESTAMP:
        return cast(w, postgres_seconds(w, from, x), TYPE_TEXT);
    default:    /* int: its digits; bool: 'true' or 'false' */
        return cast(w, x, TYPE_TEXT);
    }
}

static const char *postgres_convert(struct writer *w, enum type_kind from, enum type_kind to,
                                    const char *x)
{
    if (from == TYPE_BLOB && to != TYPE_TEXT) {
        /* a number, a truth value or an enum member is ASCII: its bytes escaped are the
           text itself, and other bytes (checked, or no member) never error */
        x = piece_x(w, "escaped_bytes", x);
        from = TYPE_TEXT;
    }
    switch (to) {
    case TYPE_INT:
        return from == TYPE_INT ? x : from == TYPE_BOOL || from == TYPE_TIMESTAMP
                                          ? postgres_seconds(w, from, x)
                                          : cast(w, x, TYPE_INT);
    case TYPE_REAL:
        if (from == TYPE_TIMESTAMP)
            return piece_x(w, "epoch_real", x);
        if (from == TYPE_BOOL)
            return DPIECE(w, "diff.postgres.bool_number", {"x", x},
                          {"type", sql_type(TYPE_REAL, w->d, w->a)});
        return cast(w, x, TYPE_REAL);
    case TYPE_TEXT:
    case TYPE_ENUM:
        return postgres_text(w, from, x);
    case TYPE_BLOB:
        return piece_x(w, "text_bytes", postgres_text(w, from, x));
    case TYPE_BOOL:
        if (from == TYPE_TEXT)
            return piece_x(w, "text_bool", x);
        return piece_x(w, "number_bool", postgres_seconds(w, from, x));
    case TYPE_TIMESTAMP: {
        const char *n = from == TYPE_INT ? x
                        : from == TYPE_BOOL ? postgres_seconds(w, from, x)
                                            : cast(w, x, TYPE_INT);
        return DPIECE(w, "diff.postgres.at_seconds", {"n", n});
    }
    }
    return x;
}

const char *dsql_convert(struct writer *w, const struct column_diff *c, const char *x)
{
    if (!c->retyped)
        return x;
    enum type_kind from = text_class(c->old->field->type), to = c->new->field->type;
    return w->d == DIALECT_SQLITE ? sqlite_convert(w, from, to, x)
                                  : postgres_convert(w, from, to, x);
}

/* ------------------------------------------------------------------------- checks -- */

/* The section names of a checked retype's condition and reason ("real_int"), or NULL for
   a retype that takes every value. */
static const char *check_name(const struct column_diff *c, bool reason)
{
    if (!c->retyped || !c->checked)
        return NULL;
    enum type_kind from = text_class(c->old->field->type), to = c->new->field->type;
    if (from == TYPE_BLOB && to == TYPE_TEXT)
        return "blob_text";
    if (from == TYPE_BLOB && reason)
        return to == TYPE_INT ? "blob_int" : to == TYPE_REAL ? "blob_real"
               : to == TYPE_BOOL ? "blob_bool" : "blob_timestamp";
    if (from == TYPE_BLOB)
        from = TYPE_TEXT;
    if (to == TYPE_BLOB)
        to = TYPE_TEXT;     /* a real's bytes are its text's */
    switch (from) {
    case TYPE_INT:
    case TYPE_TIMESTAMP:
        return to == TYPE_REAL ? "int_real" : to == TYPE_BOOL ? "number_bool" : "int_timestamp";
    case TYPE_REAL:
        if (to == TYPE_BOOL)
            return reason ? "real_bool" : "number_bool";
        return to == TYPE_INT ? "real_int" : to == TYPE_TIMESTAMP ? "real_timestamp" : "real_text";
    case TYPE_TEXT:
        return to == TYPE_INT ? "text_int" : to == TYPE_REAL ? "text_real"
               : to == TYPE_BOOL ? "text_bool" : "text_timestamp";
    default:
        return NULL;
    }
}

const char *dsql_check_reason(struct writer *w, const struct column_diff *c)
{
    const char *name = check_name(c, true);
    return name ? dsql_piece(w, arena_printf(w->a, "diff.reason.%s", name), NULL, 0) : NULL;
}

const char *dsql_check_comment(struct writer *w, const struct column_diff *c)
{
    const char *reason = dsql_check_reason(w, c);
    return reason ? DPIECE(w, "diff.checked", {"column", c->new->name}, {"reason", reason})
                  : NULL;
}

bool dsql_needs_float_text(const struct column_diff *c)
{
    if (!c->retyped)
        return false;
    enum type_kind from = text_class(c->old->field->type), to = c->new->field->type;
    return (from == TYPE_REAL && (to == TYPE_TEXT || to == TYPE_BLOB || to == TYPE_ENUM)) ||
           ((from == TYPE_TEXT || from == TYPE_BLOB) && to == TYPE_REAL);
}

/* 'modelgen: cannot change t.c from a to b: row ' || id || ' holds ...; nothing was changed' */
static const char *problem(struct writer *w, const struct table_diff *t,
                           const struct column_diff *c)
{
    const char *head = DPIECE(w, "diff.problem.retype", {"table", t->new->table},
                              {"column", c->new->name},
                              {"from", type_name(c->old->field->type)},
                              {"to", type_name(c->new->field->type)});
    const char *tail = DPIECE(w, "diff.problem.retype_end", {"reason", dsql_check_reason(w, c)});
    return DPIECE(w, "diff.concat", {"a", dsql_literal(w, head)}, {"b", "id"},
                  {"c", dsql_literal(w, tail)});
}

bool dsql_check_retype(struct writer *w, const struct table_diff *t, const struct column_diff *c)
{
    const char *name = check_name(c, false);
    if (!name)
        return false;
    const char *table = dsql_ident(w, t->old->table);
    const char *x = dsql_ident(w, c->old->name);
    if (strcmp(name, "blob_text") == 0) {
        const char *with = DPIECE(w, dsql_dialect_section(w, "utf8"), {"x", x}, {"table", table},
                                  {"h", dsql_piece(w, dsql_dialect_section(w, "utf8_byte"), NULL, 0)});
        TMPL(w->out, "diff.check_with", {"with", with}, {"problem", problem(w, t, c)},
             {"table", table}, {"condition", DPIECE(w, "diff.utf8_bad", {"x", x})});
        return true;
    }
    enum type_kind from = text_class(c->old->field->type);
    if (from == TYPE_BLOB)
        x = w->d == DIALECT_SQLITE ? cast(w, x, TYPE_TEXT) : piece_x(w, "escaped_bytes", x);
    if (from == TYPE_TIMESTAMP && w->d == DIALECT_POSTGRES)
        x = piece_x(w, "seconds", x);   /* a timestamptz, checked as its seconds */
    /* text_real compares the text with the real it reads as, written back */
    const char *text = NULL;
    if (strcmp(name, "text_real") == 0)
        text = piece_x(w, "real_text", cast(w, x, TYPE_REAL));
    const char *condition = DPIECE(w, dsql_dialect_section(w, arena_printf(w->a, "bad.%s", name)),
                                   {"x", x}, {"text", text ? text : ""});
    condition = DPIECE(w, "diff.not_null_and", {"x", x}, {"condition", condition});
    TMPL(w->out, "diff.check", {"problem", problem(w, t, c)}, {"table", table},
         {"condition", condition});
    return true;
}
