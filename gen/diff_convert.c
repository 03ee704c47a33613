/* modelgen diff: a retyped column's values in NEW's type (see diff_convert.h). */
#include "diff_convert.h"

#include "sql.h"

/* --------------------------------------------------------------- converting values -- */

static const char *cast(struct writer *w, const char *x, enum type_kind to)
{
    return DPIECE(w, "diff.postgres.cast", {"x", x}, {"type", sql_type(to, w->d, w->a)});
}

static const char *sqlite_convert(struct writer *w, enum type_kind from, enum type_kind to,
                                  const char *x)
{
    bool number = from == TYPE_INT || from == TYPE_REAL || from == TYPE_TIMESTAMP;
    bool text = from == TYPE_TEXT || from == TYPE_ENUM;
    switch (to) {
    case TYPE_INT:
    case TYPE_TIMESTAMP:
        if (from == TYPE_INT || from == TYPE_BOOL || from == TYPE_TIMESTAMP)
            return x;
        return DPIECE(w, "diff.sqlite.to_int", {"x", x});
    case TYPE_REAL:
        return DPIECE(w, "diff.sqlite.to_real", {"x", x});
    case TYPE_TEXT:
    case TYPE_ENUM:
        if (text)
            return x;
        if (from == TYPE_BOOL)
            return DPIECE(w, "diff.sqlite.bool_to_text", {"x", x});
        return DPIECE(w, "diff.sqlite.to_text", {"x", x});
    case TYPE_BLOB:
        return DPIECE(w, "diff.sqlite.to_blob", {"x", x});
    case TYPE_BOOL:
        if (number)
            return DPIECE(w, "diff.sqlite.number_to_bool", {"x", x});
        return DPIECE(w, "diff.sqlite.text_to_bool", {"x", x});
    }
    return x;
}

static const char *postgres_convert(struct writer *w, enum type_kind from, enum type_kind to,
                                    const char *x)
{
    /* text first, for the types PostgreSQL only converts from text */
    if (from == TYPE_BLOB && to != TYPE_TEXT && to != TYPE_ENUM) {
        x = DPIECE(w, "diff.postgres.bytes_to_text", {"x", x});
        from = TYPE_TEXT;
    }
    bool text = from == TYPE_TEXT || from == TYPE_ENUM;
    const char *type = sql_type(to, w->d, w->a);
    switch (to) {
    case TYPE_INT:
    case TYPE_REAL:
        if (from == TYPE_REAL && to == TYPE_INT)
            return DPIECE(w, "diff.postgres.real_to_int", {"x", x});
        if (from == TYPE_BOOL)
            return DPIECE(w, "diff.postgres.bool_to_number", {"x", x}, {"type", type});
        if (from == TYPE_TIMESTAMP)
            return DPIECE(w, "diff.postgres.epoch", {"x", x}, {"type", type});
        if (text)
            return DPIECE(w, to == TYPE_INT ? "diff.postgres.text_to_int"
                                            : "diff.postgres.text_to_real", {"x", x});
        return cast(w, x, to);
    case TYPE_TEXT:
    case TYPE_ENUM:
        if (text)
            return x;
        if (from == TYPE_BLOB)
            return DPIECE(w, "diff.postgres.bytes_to_text", {"x", x});
        if (from == TYPE_TIMESTAMP)
            x = DPIECE(w, "diff.postgres.epoch", {"x", x}, {"type", sql_type(TYPE_INT, w->d, w->a)});
        return cast(w, x, TYPE_TEXT);
    case TYPE_BLOB:
        return DPIECE(w, "diff.postgres.text_to_bytes", {"x", postgres_convert(w, from, TYPE_TEXT, x)});
    case TYPE_BOOL:
        if (text)
            return DPIECE(w, "diff.postgres.text_to_bool", {"x", x});
        if (from == TYPE_TIMESTAMP)
            x = DPIECE(w, "diff.postgres.epoch", {"x", x}, {"type", sql_type(TYPE_INT, w->d, w->a)});
        return DPIECE(w, "diff.postgres.number_to_bool", {"x", x});
    case TYPE_TIMESTAMP:
        if (text)
            x = DPIECE(w, "diff.postgres.text_to_real", {"x", x});
        else if (from == TYPE_BOOL)
            x = DPIECE(w, "diff.postgres.bool_to_number", {"x", x}, {"type", "integer"});
        return DPIECE(w, "diff.postgres.to_timestamp", {"x", x});
    }
    return x;
}

/* The old value x of column c as NEW's type. */
const char *dsql_convert(struct writer *w, const struct column_diff *c, const char *x)
{
    if (!c->retyped)
        return x;
    enum type_kind from = c->old->field->type, to = c->new->field->type;
    return w->d == DIALECT_SQLITE ? sqlite_convert(w, from, to, x) : postgres_convert(w, from, to, x);
}
