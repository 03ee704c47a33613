/* The catalog readers' shared part: which engine a target is, the warnings, and the
   little SQL the readers must understand (CREATE TABLE text, CHECKs, defaults). */
#include "catalog.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_postgres_uri(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

int catalog_read(const char *target, struct arena *a, struct catalog *out)
{
    memset(out, 0, sizeof *out);
    out->arena = a;
    if (is_postgres_uri(target)) {
        out->dialect = DIALECT_POSTGRES;
        return catalog_read_postgres(target, out);
    }
    out->dialect = DIALECT_SQLITE;
    out->display = arena_strdup(a, target);
    return catalog_read_sqlite(target, out);
}

void catalog_free(struct catalog *c)
{
    vec_free(&c->warnings);
}

void catalog_warn(struct catalog *c, const char *table, const char *column, const char *fmt,
                  ...)
{
    struct cat_warning *w = arena_alloc(c->arena, sizeof *w);
    va_list ap;
    va_start(ap, fmt);
    w->text = arena_vprintf(c->arena, fmt, ap);
    va_end(ap);
    w->table = table;
    w->column = column;
    vec_push(&c->warnings, w);
}

/* Names from a database may hold any byte: printed, control bytes become \xHH. */
static void print_clean(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch == 0x7f)
            fprintf(out, "\\x%02x", ch);
        else
            fputc(ch, out);
    }
}

/* Where a warning's table is in the catalog: -1 for none, ntables for one it lacks. */
static long table_rank(const struct catalog *c, const struct cat_warning *w)
{
    if (!w->table)
        return -1;
    for (size_t i = 0; i < c->ntables; i++)
        if (strcmp(c->tables[i].name, w->table) == 0)
            return (long)i;
    return (long)c->ntables;
}

void catalog_print_warnings(const struct catalog *c)
{
    /* table by table, in the catalog's order; each table's in the order they were found */
    size_t n = c->warnings.count;
    long *rank = xcalloc(n + 1, sizeof *rank);
    size_t *order = xcalloc(n + 1, sizeof *order);
    for (size_t i = 0; i < n; i++) {
        rank[i] = table_rank(c, c->warnings.items[i]);
        size_t j = i;
        while (j > 0 && rank[order[j - 1]] > rank[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (size_t k = 0; k < n; k++) {
        const struct cat_warning *w = c->warnings.items[order[k]];
        print_clean(stderr, c->display);
        fputs(": warning: ", stderr);
        if (w->table) {
            print_clean(stderr, w->table);
            if (w->column) {
                fputc('.', stderr);
                print_clean(stderr, w->column);
            }
            fputs(": ", stderr);
        }
        print_clean(stderr, w->text);
        fputc('\n', stderr);
    }
    free(rank);
    free(order);
}

/* ------------------------------------------------------------------------ tokens -- */

static bool word_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool word_char(unsigned char c)
{
    return word_start(c) || isdigit(c) || c == '$';
}

/* A quoted string or identifier from s (at its opening quote) to the matching close,
   doubled closes standing for one; with backslashes (PostgreSQL's E'...') escaping too.
   Returns the end. */
static const char *quoted(const char *s, char close, bool backslashes, struct buf *value)
{
    const char *p = s + 1;
    for (; *p; p++) {
        if (backslashes && *p == '\\' && p[1]) {
            p++;
            switch (*p) {
            case 'n': buf_putc(value, '\n'); break;
            case 't': buf_putc(value, '\t'); break;
            case 'r': buf_putc(value, '\r'); break;
            case 'b': buf_putc(value, '\b'); break;
            case 'f': buf_putc(value, '\f'); break;
            default: buf_putc(value, *p); break;
            }
            continue;
        }
        if (*p == close) {
            if (p[1] == close && close != ']') {
                buf_putc(value, close);
                p++;
                continue;
            }
            return p + 1;
        }
        buf_putc(value, *p);
    }
    return p;
}

size_t sql_tokens(const char *sql, enum dialect d, struct arena *a, struct sqltok **out)
{
    struct vec v = {0};
    const char *p = sql;
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
            continue;
        }
        struct sqltok *t = arena_alloc(a, sizeof *t);
        t->start = p;
        if (!*p) {
            t->kind = SQLTOK_END;
            t->text = "";
            t->end = p;
            vec_push(&v, t);
            break;
        }
        unsigned char c = (unsigned char)*p;
        struct buf value = {0};
        if ((c == 'E' || c == 'e') && p[1] == '\'' && d == DIALECT_POSTGRES) {
            t->kind = SQLTOK_STRING;
            p = quoted(p + 1, '\'', true, &value);
        } else if (c == '\'') {
            t->kind = SQLTOK_STRING;
            p = quoted(p, '\'', false, &value);
        } else if (c == '"' || (d == DIALECT_SQLITE && (c == '`' || c == '['))) {
            t->kind = SQLTOK_QUOTED;
            p = quoted(p, c == '[' ? ']' : (char)c, false, &value);
        } else if (isdigit(c) || (c == '.' && isdigit((unsigned char)p[1]))) {
            t->kind = SQLTOK_NUMBER;
            if (c == '0' && (p[1] == 'x' || p[1] == 'X')) {
                p += 2;
                while (isxdigit((unsigned char)*p))
                    p++;
            } else {
                while (isdigit((unsigned char)*p) || *p == '.')
                    p++;
                if ((*p == 'e' || *p == 'E') &&
                    (isdigit((unsigned char)p[1]) ||
                     ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
                    p += 2;
                    while (isdigit((unsigned char)*p))
                        p++;
                }
            }
            buf_putn(&value, t->start, (size_t)(p - t->start));
        } else if (word_start(c)) {
            t->kind = SQLTOK_WORD;
            while (word_char((unsigned char)*p))
                p++;
            buf_putn(&value, t->start, (size_t)(p - t->start));
        } else {
            t->kind = SQLTOK_PUNCT;
            p += (p[0] == ':' && p[1] == ':') || (p[0] == '=' && p[1] == '>') ? 2 : 1;
            buf_putn(&value, t->start, (size_t)(p - t->start));
        }
        t->end = p;
        t->text = arena_strndup(a, value.data ? value.data : "", value.len);
        buf_free(&value);
        vec_push(&v, t);
    }
    *out = arena_alloc(a, v.count * sizeof **out);
    for (size_t i = 0; i < v.count; i++)
        (*out)[i] = *(struct sqltok *)v.items[i];
    size_t n = v.count - 1;
    vec_free(&v);
    return n;
}

bool sqltok_is(const struct sqltok *t, const char *w)
{
    return t->kind == SQLTOK_WORD && strcasecmp(t->text, w) == 0;
}

bool sqltok_punct(const struct sqltok *t, const char *p)
{
    return t->kind == SQLTOK_PUNCT && strcmp(t->text, p) == 0;
}

bool sqltok_name(const struct sqltok *t)
{
    return t->kind == SQLTOK_WORD || t->kind == SQLTOK_QUOTED;
}

size_t sqltok_skip_parens(const struct sqltok *toks, size_t n, size_t i)
{
    int depth = 0;
    for (; i < n; i++) {
        if (sqltok_punct(&toks[i], "(") || sqltok_punct(&toks[i], "["))
            depth++;
        else if (sqltok_punct(&toks[i], ")") || sqltok_punct(&toks[i], "]")) {
            if (--depth == 0)
                return i + 1;
        }
    }
    return n;
}

/* Drops parentheses around the whole of toks[0..n). */
static void strip_parens(const struct sqltok **toks, size_t *n)
{
    while (*n >= 2 && sqltok_punct(&(*toks)[0], "(") &&
           sqltok_skip_parens(*toks, *n, 0) == *n) {
        (*toks)++;
        *n -= 2;
    }
}

/* The first "::" outside parentheses, or n. */
static size_t top_cast(const struct sqltok *toks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (sqltok_punct(&toks[i], "(") || sqltok_punct(&toks[i], "["))
            i = sqltok_skip_parens(toks, n, i) - 1;
        else if (sqltok_punct(&toks[i], "::"))
            return i;
    }
    return n;
}

/* The words of a type after "::", lower case and one space apart: "double precision". */
static const char *cast_type(const struct sqltok *toks, size_t n, struct arena *a)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (b.len && toks[i].kind == SQLTOK_WORD)
            buf_putc(&b, ' ');
        for (const char *p = toks[i].text; *p; p++)
            buf_putc(&b, (char)tolower((unsigned char)*p));
    }
    const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static const char *raw_text(const struct sqltok *toks, size_t n, struct arena *a)
{
    if (n == 0)
        return "";
    return arena_strndup(a, toks[0].start, (size_t)(toks[n - 1].end - toks[0].start));
}

/* Whether text is an integer the model can hold. */
static bool parse_int64(const char *text, int64_t *out)
{
    errno = 0;
    char *end;
    bool hex = strchr(text, 'x') || strchr(text, 'X');
    long long x = strtoll(text, &end, hex ? 16 : 10);
    if (errno || end == text || *end)
        return false;
    *out = x;
    return true;
}

/* A number as the model's lexer reads one: digits.digits or digits[.digits]e[+-]digits. */
static bool model_real_syntax(const char *s)
{
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    bool frac = false, expo = false;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        frac = true;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        expo = true;
    }
    return !*p && (frac || expo);
}

/* A number's text as a default: an integer, or a real the model's lexer reads. */
static bool number_default(const char *text, bool negative, struct cat_default *d,
                           struct arena *a)
{
    int64_t i;
    const char *body = text;
    const char *signed_text = arena_printf(a, "%s%s", negative ? "-" : "", text);
    if (strchr(text, 'x') || strchr(text, 'X')) {
        if (!parse_int64(signed_text, &i))
            return false;
        d->kind = DEFAULT_INT;
        d->i = i;
        d->text = arena_printf(a, "%" PRId64, i);
        return true;
    }
    if (isdigit((unsigned char)text[0]) && parse_int64(signed_text, &i)) {
        d->kind = DEFAULT_INT;
        d->i = i;
        d->text = arena_printf(a, "%" PRId64, i);
        return true;
    }
    char *end;
    errno = 0;
    double r = strtod(body, &end);
    if (end == body || *end)
        return false;
    d->kind = DEFAULT_REAL;
    if (model_real_syntax(body) && strlen(body) <= 24) {
        d->text = arena_printf(a, "%s%s", negative ? "-" : "", body);
        return true;
    }
    /* the shortest text that reads back as the same double (PostgreSQL prints 1e308 with
       all its digits) */
    const char *g = NULL;
    for (int prec = 1; prec <= 17; prec++) {
        g = arena_printf(a, "%.*g", prec, r);
        if (strtod(g, NULL) == r)
            break;
    }
    if (!strpbrk(g, ".eE"))
        g = arena_printf(a, "%s.0", g);
    d->text = arena_printf(a, "%s%s", negative ? "-" : "", g);
    return true;
}

static bool is_numeric_type(const char *t)
{
    static const char *const names[] = {"integer", "bigint", "smallint", "numeric",
                                        "double precision", "real", "int", "int2", "int4",
                                        "int8", "float4", "float8", "decimal"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(t, names[i]) == 0 || (strncmp(t, names[i], strlen(names[i])) == 0 &&
                                          t[strlen(names[i])] == '('))
            return true;
    return false;
}

static bool is_text_type(const char *t)
{
    return strcmp(t, "text") == 0 || strncmp(t, "character varying", 17) == 0 ||
           strncmp(t, "character", 9) == 0 || strcmp(t, "bpchar") == 0 ||
           strncmp(t, "varchar", 7) == 0;
}

/* A call name(args) spanning toks[0..n): returns the args' range. */
static bool is_call(const struct sqltok *toks, size_t n, const char *name, size_t *arg_start,
                    size_t *arg_n)
{
    if (n < 3 || !sqltok_is(&toks[0], name) || !sqltok_punct(&toks[1], "(") ||
        sqltok_skip_parens(toks, n, 1) != n)
        return false;
    *arg_start = 2;
    *arg_n = n - 3;
    return true;
}

/* CAST(strftime('%s', 'now') AS INTEGER), as modelgen writes now on SQLite. */
static bool sqlite_now(const struct sqltok *t, size_t n)
{
    return n == 11 && sqltok_is(&t[0], "cast") && sqltok_punct(&t[1], "(") &&
           sqltok_is(&t[2], "strftime") && sqltok_punct(&t[3], "(") &&
           t[4].kind == SQLTOK_STRING && strcmp(t[4].text, "%s") == 0 &&
           sqltok_punct(&t[5], ",") && t[6].kind == SQLTOK_STRING &&
           strcasecmp(t[6].text, "now") == 0 && sqltok_punct(&t[7], ")") &&
           sqltok_is(&t[8], "as") && sqltok_is(&t[9], "integer") && sqltok_punct(&t[10], ")");
}

/* The last '+' outside parentheses that adds two terms, or n. */
static size_t top_plus(const struct sqltok *toks, size_t n)
{
    size_t at = n;
    for (size_t i = 1; i < n; i++) {
        if (sqltok_punct(&toks[i], "(") || sqltok_punct(&toks[i], "["))
            i = sqltok_skip_parens(toks, n, i) - 1;
        else if (sqltok_punct(&toks[i], "+") && !sqltok_punct(&toks[i - 1], "=>"))
            at = i;
    }
    return at;
}

/* timestamptz 'epoch' + make_interval(hours => N) + ... + make_interval(secs => S), as
   modelgen writes a timestamp beyond to_timestamp's range and PostgreSQL prints it back:
   the seconds since the epoch. */
static bool interval_sum(const struct sqltok *toks, size_t n, struct arena *a, int64_t *out,
                         bool *epoch)
{
    strip_parens(&toks, &n);
    size_t plus = top_plus(toks, n);
    if (plus < n) {
        int64_t x, y;
        if (!interval_sum(toks, plus, a, &x, epoch) ||
            !interval_sum(toks + plus + 1, n - plus - 1, a, &y, epoch) ||
            __builtin_add_overflow(x, y, out))
            return false;
        return true;
    }
    size_t k = top_cast(toks, n);
    if (k == 1 && toks[0].kind == SQLTOK_STRING) {
        const char *type = cast_type(toks + 2, n - 2, a);
        if ((strcmp(toks[0].text, "1970-01-01 00:00:00+00") == 0 ||
             strcmp(toks[0].text, "epoch") == 0) &&
            strcmp(type, "timestamp with time zone") == 0 && !*epoch) {
            *epoch = true;
            *out = 0;
            return true;
        }
        return false;
    }
    size_t as, an;
    if (!is_call(toks, n, "make_interval", &as, &an) || an < 3 ||
        toks[as].kind != SQLTOK_WORD || !sqltok_punct(&toks[as + 1], "=>"))
        return false;
    static const struct {
        const char *unit;
        int64_t seconds;
    } units[] = {{"secs", 1}, {"mins", 60}, {"hours", 3600}, {"days", 86400}, {"weeks", 604800}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (!sqltok_is(&toks[as], units[i].unit))
            continue;
        struct cat_default v = sql_parse_default(toks + as + 2, an - 2, DIALECT_POSTGRES, a);
        return v.kind == DEFAULT_INT && !__builtin_mul_overflow(v.i, units[i].seconds, out);
    }
    return false;
}

struct cat_default sql_parse_default(const struct sqltok *toks, size_t n, enum dialect d,
                                     struct arena *a)
{
    struct cat_default r = {.kind = DEFAULT_NONE};
    strip_parens(&toks, &n);
    r.expr = raw_text(toks, n, a);
    if (n == 0)
        return r;
    size_t k = top_cast(toks, n);
    if (k < n && k > 0) {
        /* 'x'::text, '-1'::integer, '1000'::numeric: the value, read as its cast says */
        const char *type = cast_type(toks + k + 1, n - k - 1, a);
        struct cat_default v = sql_parse_default(toks, k, d, a);
        v.expr = r.expr;
        if (v.kind == DEFAULT_TEXT && is_numeric_type(type)) {
            const char *t = v.text;
            bool negative = t[0] == '-';
            struct cat_default num = {.expr = r.expr};
            if (number_default(negative ? t + 1 : t, negative, &num, a))
                return num;
        }
        if (v.kind == DEFAULT_TEXT && !is_text_type(type)) {
            v.kind = DEFAULT_NONE;
            v.cast = type;
            v.note = arena_printf(a, "default %s is a constant of type %s, which the model "
                                  "cannot say: dropped", r.expr, type);
        }
        return v;
    }
    if (n == 1) {
        const struct sqltok *t = &toks[0];
        if (t->kind == SQLTOK_NUMBER && number_default(t->text, false, &r, a))
            return r;
        if (t->kind == SQLTOK_STRING) {
            r.kind = DEFAULT_TEXT;
            r.text = t->text;
            return r;
        }
        if (sqltok_is(t, "true") || sqltok_is(t, "false")) {
            r.kind = DEFAULT_BOOL;
            r.i = sqltok_is(t, "true");
            return r;
        }
        if (sqltok_is(t, "null")) {
            r.kind = DEFAULT_NULL;
            return r;
        }
        if (sqltok_is(t, "current_timestamp")) {
            r.kind = DEFAULT_NOW;
            if (d == DIALECT_SQLITE)
                r.note = "default CURRENT_TIMESTAMP is SQLite's text 'YYYY-MM-DD HH:MM:SS'; "
                         "pulled as now, which modelgen writes as seconds since the epoch";
            return r;
        }
        if (sqltok_is(t, "localtimestamp")) {
            r.kind = DEFAULT_NOW;
            r.note = "default LOCALTIMESTAMP pulled as now()";
            return r;
        }
    }
    if (n == 2 && (sqltok_punct(&toks[0], "-") || sqltok_punct(&toks[0], "+")) &&
        toks[1].kind == SQLTOK_NUMBER &&
        number_default(toks[1].text, sqltok_punct(&toks[0], "-"), &r, a))
        return r;
    size_t as, an;
    if (d == DIALECT_SQLITE && sqlite_now(toks, n)) {
        r.kind = DEFAULT_NOW;
        return r;
    }
    if (is_call(toks, n, "now", &as, &an) && an == 0) {
        r.kind = DEFAULT_NOW;
        return r;
    }
    if ((is_call(toks, n, "unixepoch", &as, &an) &&
         (an == 0 || (an == 1 && toks[as].kind == SQLTOK_STRING &&
                      strcasecmp(toks[as].text, "now") == 0)))) {
        r.kind = DEFAULT_NOW;
        return r;
    }
    if (is_call(toks, n, "strftime", &as, &an) && an == 3 && toks[as].kind == SQLTOK_STRING &&
        strcmp(toks[as].text, "%s") == 0 && toks[as + 2].kind == SQLTOK_STRING &&
        strcasecmp(toks[as + 2].text, "now") == 0) {
        r.kind = DEFAULT_NOW;
        r.note = "default strftime('%s', 'now') is text; pulled as now (an integer)";
        return r;
    }
    int64_t seconds;
    bool epoch = false;
    if (d == DIALECT_POSTGRES && interval_sum(toks, n, a, &seconds, &epoch) && epoch) {
        r.kind = DEFAULT_INT;
        r.i = seconds;
        r.text = arena_printf(a, "%" PRId64, seconds);
        return r;
    }
    if (is_call(toks, n, "to_timestamp", &as, &an)) {
        struct cat_default v = sql_parse_default(toks + as, an, d, a);
        if (v.kind == DEFAULT_INT) {
            v.expr = r.expr;
            return v;
        }
    }
    if (is_call(toks, n, "nextval", &as, &an)) {
        r.serial = true;
        return r;
    }
    static const char *const clocks[] = {"clock_timestamp", "transaction_timestamp",
                                         "statement_timestamp", "timezone", "datetime",
                                         "julianday"};
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        if (is_call(toks, n, clocks[i], &as, &an) && strstr(r.expr, "now")) {
            r.kind = DEFAULT_NOW;
            r.note = arena_printf(a, "default %s pulled as now", r.expr);
            return r;
        }
    }
    r.note = arena_printf(a, "default %s cannot be said in the model: dropped", r.expr);
    return r;
}

/* One member of an IN list: a string (maybe cast) or a number. */
static bool in_member(const struct sqltok *t, size_t n, struct arena *a, const char **out,
                      bool *number)
{
    strip_parens(&t, &n);
    size_t k = top_cast(t, n);
    n = k;
    strip_parens(&t, &n);
    if (n == 1 && t[0].kind == SQLTOK_STRING) {
        *out = t[0].text;
        return true;
    }
    if (n == 1 && t[0].kind == SQLTOK_NUMBER) {
        *out = arena_strdup(a, t[0].text);
        *number = true;
        return true;
    }
    return false;
}

/* Members separated by commas in toks[0..n). */
static bool member_list(const struct sqltok *toks, size_t n, struct arena *a,
                        const char ***members, size_t *nmembers, bool *numeric)
{
    struct vec v = {0};
    bool number = false, ok = true;
    size_t start = 0;
    for (size_t i = 0; i <= n && ok; i++) {
        if (i < n && (sqltok_punct(&toks[i], "(") || sqltok_punct(&toks[i], "["))) {
            i = sqltok_skip_parens(toks, n, i) - 1;
            continue;
        }
        if (i == n || sqltok_punct(&toks[i], ",")) {
            const char *m;
            ok = i > start && in_member(toks + start, i - start, a, &m, &number);
            if (ok)
                vec_push(&v, (void *)m);
            start = i + 1;
        }
    }
    if (ok && v.count) {
        *members = arena_alloc(a, v.count * sizeof **members);
        for (size_t i = 0; i < v.count; i++)
            (*members)[i] = v.items[i];
        *nmembers = v.count;
        *numeric = number;
    }
    ok = ok && v.count;
    vec_free(&v);
    return ok;
}

bool sql_parse_in_check(const struct sqltok *toks, size_t n, struct arena *a,
                        const char **column, const char ***members, size_t *nmembers,
                        bool *numeric)
{
    strip_parens(&toks, &n);
    /* the column, maybe in parentheses and cast: (role)::text */
    size_t i = 0;
    const struct sqltok *col = NULL;
    if (n > 0 && sqltok_name(&toks[0])) {
        col = &toks[0];
        i = 1;
    } else if (n > 2 && sqltok_punct(&toks[0], "(") && sqltok_name(&toks[1]) &&
               sqltok_punct(&toks[2], ")")) {
        col = &toks[1];
        i = 3;
    }
    if (!col)
        return false;
    if (i < n && sqltok_punct(&toks[i], "::")) {
        i++;
        while (i < n && (toks[i].kind == SQLTOK_WORD || sqltok_punct(&toks[i], "[") ||
                         sqltok_punct(&toks[i], "]")))
            i++;
    }
    *column = col->text;
    if (i + 1 < n && sqltok_is(&toks[i], "in") && sqltok_punct(&toks[i + 1], "(") &&
        sqltok_skip_parens(toks, n, i + 1) == n)
        return member_list(toks + i + 2, n - i - 3, a, members, nmembers, numeric);
    if (i + 2 < n && sqltok_punct(&toks[i], "=") && sqltok_is(&toks[i + 1], "any") &&
        sqltok_punct(&toks[i + 2], "(") && sqltok_skip_parens(toks, n, i + 2) == n) {
        const struct sqltok *in = toks + i + 3;
        size_t m = n - i - 4;
        strip_parens(&in, &m);
        m = top_cast(in, m);
        strip_parens(&in, &m);
        if (m >= 3 && sqltok_is(&in[0], "array") && sqltok_punct(&in[1], "[") &&
            sqltok_skip_parens(in, m, 1) == m)
            return member_list(in + 2, m - 3, a, members, nmembers, numeric);
        return false;
    }
    if (i + 1 < n && sqltok_punct(&toks[i], "="))
        return member_list(toks + i + 1, n - i - 1, a, members, nmembers, numeric);
    return false;
}
