/* Reading the SQL of named queries (see query_sql.h). */
#include "query_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

/* ---- Tokens ---- */

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool word_start(unsigned char c)
{
    return is_alpha(c) || c == '_' || c >= 0x80;
}

static bool word_char(unsigned char c)
{
    return word_start(c) || is_digit(c) || c == '$';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

bool sql_same_name(const char *x, const char *y)
{
    for (; *x && *y; x++, y++)
        if (lower((unsigned char)*x) != lower((unsigned char)*y))
            return false;
    return *x == *y;
}

/* The end of a quoted run starting at s[i] (the quote), whose closing quote is `close`
   and doubles to escape itself (except ']'). */
static size_t skip_quote(const char *s, size_t i, char close)
{
    for (i++; s[i]; i++) {
        if (s[i] != close)
            continue;
        if (close != ']' && s[i + 1] == close) {
            i++;
            continue;
        }
        return i + 1;
    }
    return i;
}

static void push_token(struct sqltoks *ts, size_t *cap, enum sqltok_kind kind, size_t at,
                       size_t len, int depth)
{
    if (ts->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        ts->t = xrealloc(ts->t, *cap * sizeof *ts->t);
    }
    ts->t[ts->n++] = (struct sqltok){kind, at, len, depth};
}

void sql_tokenize(const char *s, struct sqltoks *out)
{
    static const char *const ops[] = {"->>", "||", "<=", ">=", "<>", "!=", "==", "<<", ">>",
                                      "::", "->"};
    size_t cap = 0, i = 0;
    int depth = 0;
    out->text = s;
    out->t = NULL;
    out->n = 0;
    while (s[i]) {
        unsigned char c = (unsigned char)s[i];
        size_t start = i;
        enum sqltok_kind kind = SQLT_OP;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            continue;
        }
        if (c == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n')
                i++;
            continue;
        }
        if (c == '/' && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            i = end ? (size_t)(end - s) + 2 : strlen(s);
            continue;
        }
        if (c == '\'') {
            i = skip_quote(s, i, '\'');
            kind = SQLT_STRING;
        } else if ((c == 'x' || c == 'X') && s[i + 1] == '\'') {
            i = skip_quote(s, i + 1, '\'');
            kind = SQLT_STRING;
        } else if (c == '"' || c == '`') {
            i = skip_quote(s, i, (char)c);
            kind = SQLT_QUOTED;
        } else if (c == '[') {
            i = skip_quote(s, i, ']');
            kind = SQLT_QUOTED;
        } else if (word_start(c)) {
            while (word_char((unsigned char)s[i]))
                i++;
            kind = SQLT_WORD;
        } else if (is_digit(c) || (c == '.' && is_digit((unsigned char)s[i + 1]))) {
            i++;
            while (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) ||
                   s[i] == '.' || s[i] == '_' ||
                   ((s[i] == '+' || s[i] == '-') && (s[i - 1] == 'e' || s[i - 1] == 'E')))
                i++;
            kind = SQLT_NUMBER;
        } else if (c == ':' && s[i + 1] != ':' && word_start((unsigned char)s[i + 1])) {
            i++;
            while (word_char((unsigned char)s[i]))
                i++;
            kind = SQLT_NAMED;
        } else if (c == '?') {
            i++;
            while (is_digit((unsigned char)s[i]))
                i++;
            kind = SQLT_PLACEHOLDER;
        } else if ((c == '@' || c == '$') && word_char((unsigned char)s[i + 1])) {
            i++;
            while (word_char((unsigned char)s[i]))
                i++;
            kind = SQLT_PLACEHOLDER;
        } else if (c == '(') {
            push_token(out, &cap, SQLT_LPAREN, i, 1, depth);
            depth++;
            i++;
            continue;
        } else if (c == ')') {
            if (depth > 0)
                depth--;
            push_token(out, &cap, SQLT_RPAREN, i, 1, depth);
            i++;
            continue;
        } else if (c == ',' || c == '.' || c == ';' || c == '*') {
            kind = c == ',' ? SQLT_COMMA : c == '.' ? SQLT_DOT : c == ';' ? SQLT_SEMI : SQLT_STAR;
            i++;
        } else {
            size_t n = 1;
            for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
                if (strncmp(s + i, ops[k], strlen(ops[k])) == 0) {
                    n = strlen(ops[k]);
                    break;
                }
            i += n;
        }
        push_token(out, &cap, kind, start, i - start, depth);
    }
}

void sql_tokens_free(struct sqltoks *ts)
{
    free(ts->t);
    ts->t = NULL;
    ts->n = 0;
}

bool sqltok_word(const struct sqltoks *ts, size_t i, const char *word)
{
    if (i >= ts->n || ts->t[i].kind != SQLT_WORD || strlen(word) != ts->t[i].len)
        return false;
    const char *s = ts->text + ts->t[i].at;
    for (size_t k = 0; k < ts->t[i].len; k++)
        if (lower((unsigned char)s[k]) != lower((unsigned char)word[k]))
            return false;
    return true;
}

/* ---- Positions ---- */

struct pos query_sql_pos(const struct source *src, const struct query *q, size_t offset,
                         size_t len)
{
    struct pos p = q->sql_pos;
    if (p.line < 1 || (size_t)p.line > src->nlines)
        return p;
    size_t quote = q->sql_raw ? 3 : 1;
    size_t at = src->line_starts[p.line - 1] + (size_t)p.col - 1 + quote;
    int line = p.line, col = p.col + (int)quote;
    int start_line = line, start_col = col;
    /* walk the file's bytes, each decoded byte of the SQL one step (an escape is two) */
    for (size_t k = 0; k <= offset + len && at < src->size; k++) {
        if (k == offset) {
            start_line = line;
            start_col = col;
        }
        if (k == offset + len)
            break;
        size_t step = !q->sql_raw && src->text[at] == '\\' ? 2 : 1;
        if (src->text[at] == '\n') {
            line++;
            col = 1;
        } else {
            col += (int)step;
        }
        at += step;
    }
    struct pos out = {start_line, start_col, 1};
    if (line == start_line && col > start_col)
        out.len = col - start_col;
    else if (line != start_line) {
        /* to the end of the first line */
        size_t s = src->line_starts[start_line - 1] + (size_t)start_col - 1, e = s;
        while (e < src->size && src->text[e] != '\n')
            e++;
        out.len = e > s ? (int)(e - s) : 1;
    }
    return out;
}

/* An offset of a text made from another by substitutions, as an offset of the other: a
   substituted piece maps to the whole piece it replaced. */
static size_t map_back(const struct sql_subst *s, size_t n, size_t offset, bool end)
{
    const struct sql_subst *last = NULL;
    for (size_t i = 0; i < n && s[i].at <= offset; i++)
        last = &s[i];
    if (!last)
        return offset;
    if (offset < last->at + last->len || (end && offset == last->at + last->len))
        return offset == last->at || !end ? last->src : last->src + last->src_len;
    return last->src + last->src_len + (offset - last->at - last->len);
}

struct pos query_text_pos(const struct source *src, const struct query *q, size_t offset,
                          size_t len)
{
    size_t from = map_back(q->substs, q->nsubsts, offset, false);
    size_t to = map_back(q->substs, q->nsubsts, offset + len, true);
    return query_sql_pos(src, q, from, to > from ? to - from : 1);
}

struct pos query_stmt_pos(const struct source *src, const struct query *q, size_t offset,
                          size_t len)
{
    size_t from = map_back(q->expansions, q->nexpansions, offset, false);
    size_t to = map_back(q->expansions, q->nexpansions, offset + len, true);
    return query_text_pos(src, q, from, to > from ? to - from : 1);
}

/* ---- Named parameters ---- */

bool query_translate(struct query *q, const struct source *src, struct arena *a,
                     struct diag *d)
{
    struct sqltoks ts;
    sql_tokenize(q->sql, &ts);
    struct buf out = {0};
    struct sql_subst *substs = NULL;
    size_t nsubsts = 0, copied = 0;
    bool ok = true;
    buf_puts(&out, "");
    for (size_t i = 0; i < ts.n; i++) {
        const struct sqltok *t = &ts.t[i];
        if (t->kind == SQLT_PLACEHOLDER) {
            diag_error(d, query_sql_pos(src, q, t->at, t->len), "placeholder '%.*s' in query "
                       "'%s': name a parameter of the query instead (:name)",
                       (int)(t->len > 40 ? 40 : t->len), q->sql + t->at, q->name);
            ok = false;
            continue;
        }
        if (t->kind != SQLT_NAMED)
            continue;
        const char *name = q->sql + t->at + 1;
        size_t n = t->len - 1;
        size_t k;
        for (k = 0; k < q->nparams; k++)
            if (strlen(q->params[k].name) == n && memcmp(q->params[k].name, name, n) == 0)
                break;
        if (k == q->nparams) {
            diag_error(d, query_sql_pos(src, q, t->at, t->len), "query '%s' has no parameter "
                       "'%.*s'", q->name, (int)(n > 40 ? 40 : n), name);
            ok = false;
            continue;
        }
        q->params[k].used = true;
        buf_putn(&out, q->sql + copied, t->at - copied);
        char num[24];
        snprintf(num, sizeof num, "?%zu", k + 1);
        substs = xrealloc(substs, (nsubsts + 1) * sizeof *substs);
        substs[nsubsts++] = (struct sql_subst){out.len, strlen(num), t->at, t->len};
        buf_puts(&out, num);
        copied = t->at + t->len;
    }
    buf_puts(&out, q->sql + copied);
    for (size_t k = 0; k < q->nparams; k++)
        if (!q->params[k].used) {
            diag_error(d, q->params[k].pos, "parameter '%s' of query '%s' is not used in its SQL",
                       q->params[k].name, q->name);
            ok = false;
        }
    q->text = arena_strndup(a, out.data, out.len);
    q->stmt = q->text;
    q->substs = arena_alloc(a, (nsubsts ? nsubsts : 1) * sizeof *q->substs);
    if (nsubsts)
        memcpy(q->substs, substs, nsubsts * sizeof *substs);
    q->nsubsts = nsubsts;
    free(substs);
    buf_free(&out);
    sql_tokens_free(&ts);
    return ok;
}

/* ---- The structure of a statement ---- */

struct reader {
    const struct sqltoks *ts;
    struct arena *a;
    struct sql_result *r;
    struct vec outer;           /* const char *: tables an outer join may NULL-extend */
    struct vec cte_names;       /* const char * */
    struct vec cte_bodies;      /* size_t[2]: the token range of each body */
};

static bool is_word(const struct reader *rd, size_t i, const char *w)
{
    return sqltok_word(rd->ts, i, w);
}

static bool is_kind(const struct reader *rd, size_t i, enum sqltok_kind k)
{
    return i < rd->ts->n && rd->ts->t[i].kind == k;
}

static bool is_name(const struct reader *rd, size_t i)
{
    return is_kind(rd, i, SQLT_WORD) || is_kind(rd, i, SQLT_QUOTED);
}

/* A name token's text, unquoted. */
static const char *name_text(const struct reader *rd, size_t i)
{
    const struct sqltok *t = &rd->ts->t[i];
    const char *s = rd->ts->text + t->at;
    if (t->kind != SQLT_QUOTED || t->len < 2)
        return arena_strndup(rd->a, s, t->len);
    char close = s[0] == '[' ? ']' : s[0];
    size_t cend = s[t->len - 1] == close ? t->len - 1 : t->len;
    char *out = arena_alloc(rd->a, t->len);
    size_t n = 0;
    for (size_t k = 1; k < cend; k++) {
        out[n++] = s[k];
        if (close != ']' && s[k] == close && k + 1 < cend && s[k + 1] == close)
            k++;
    }
    out[n] = '\0';
    return out;
}

/* The matching ')' of the '(' at i, or `end`. */
static size_t match_paren(const struct reader *rd, size_t i, size_t end)
{
    int depth = rd->ts->t[i].depth;
    for (size_t k = i + 1; k < end; k++)
        if (rd->ts->t[k].kind == SQLT_RPAREN && rd->ts->t[k].depth == depth)
            return k;
    return end;
}

/* Words that end a FROM clause, or cannot be an alias. */
static bool is_clause_word(const struct reader *rd, size_t i)
{
    static const char *const words[] = {
        "where", "group", "having", "window", "order", "limit", "union", "intersect",
        "except", "returning", "on", "using", "natural", "left", "right", "full", "inner",
        "cross", "join", "outer", "indexed", "not", "set", "do", "offset", "values",
        "select", "from",
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (is_word(rd, i, words[k]))
            return true;
    return false;
}

static void mark_outer_range(struct reader *rd, size_t from, size_t to);

static bool is_cte(const struct reader *rd, const char *name, size_t *index)
{
    for (size_t k = 0; k < rd->cte_names.count; k++)
        if (sql_same_name(rd->cte_names.items[k], name)) {
            if (index)
                *index = k;
            return true;
        }
    return false;
}

/* A table an outer join may NULL-extend; a common table expression stands for every table
   its body names. */
static void mark_outer_name(struct reader *rd, const char *name)
{
    for (size_t k = 0; k < rd->outer.count; k++)
        if (sql_same_name(rd->outer.items[k], name))
            return;
    vec_push(&rd->outer, (void *)name);
    size_t cte;
    if (is_cte(rd, name, &cte)) {
        size_t *range = rd->cte_bodies.items[cte];
        mark_outer_range(rd, range[0], range[1]);
    }
}

/* Every name in a subquery: more than its tables, which only makes more columns
   nullable. */
static void mark_outer_range(struct reader *rd, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (is_name(rd, k))
            mark_outer_name(rd, name_text(rd, k));
}

/* One source of a join list as read, with the tokens of a subquery. */
struct source_read {
    struct sql_source s;
    size_t from, to;
};

struct join_list {
    struct source_read *items;
    size_t count, cap;
    bool unknown;       /* something was not understood */
};

static void add_source(struct join_list *l, struct source_read s)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->count++] = s;
}

static void read_join_list(struct reader *rd, size_t *i, size_t end, struct join_list *l);

static bool starts_select(const struct reader *rd, size_t i)
{
    return is_word(rd, i, "select") || is_word(rd, i, "values") || is_word(rd, i, "with");
}

/* An optional [AS] alias at *i. */
static const char *read_alias(struct reader *rd, size_t *i, size_t end)
{
    if (*i < end && is_word(rd, *i, "as") && *i + 1 < end && is_name(rd, *i + 1)) {
        *i += 2;
        return name_text(rd, *i - 1);
    }
    if (*i < end && is_name(rd, *i) && !is_clause_word(rd, *i)) {
        (*i)++;
        return name_text(rd, *i - 1);
    }
    return NULL;
}

static void read_source(struct reader *rd, size_t *i, size_t end, struct join_list *l)
{
    struct source_read s = {{SOURCE_TABLE, NULL, NULL, false}, 0, 0};
    if (is_kind(rd, *i, SQLT_LPAREN)) {
        size_t close = match_paren(rd, *i, end);
        if (starts_select(rd, *i + 1)) {
            s.s.kind = SOURCE_SUBQUERY;
            s.from = *i + 1;
            s.to = close;
            *i = close + 1;
            s.s.alias = read_alias(rd, i, end);
            add_source(l, s);
        } else {
            /* a parenthesized join: its sources join the list */
            size_t k = *i + 1;
            read_join_list(rd, &k, close, l);
            *i = close + 1;
            read_alias(rd, i, end);
        }
        return;
    }
    if (!is_name(rd, *i)) {
        l->unknown = true;
        return;
    }
    s.s.name = name_text(rd, *i);
    (*i)++;
    if (is_kind(rd, *i, SQLT_DOT) && is_name(rd, *i + 1)) {
        s.s.name = name_text(rd, *i + 1);   /* schema.table */
        *i += 2;
    }
    if (*i < end && is_kind(rd, *i, SQLT_LPAREN)) {
        s.s.kind = SOURCE_FUNCTION;
        *i = match_paren(rd, *i, end) + 1;
    }
    s.s.alias = read_alias(rd, i, end);
    if (is_word(rd, *i, "indexed") && is_word(rd, *i + 1, "by"))
        *i += 3;
    else if (is_word(rd, *i, "not") && is_word(rd, *i + 1, "indexed"))
        *i += 2;
    add_source(l, s);
}

enum join_op { JOIN_NONE, JOIN_INNER, JOIN_LEFT, JOIN_RIGHT, JOIN_FULL };

/* A join operator at *i: [NATURAL] [LEFT|RIGHT|FULL [OUTER] | INNER | CROSS] JOIN. */
static enum join_op read_join_op(const struct reader *rd, size_t *i, size_t end)
{
    size_t k = *i;
    enum join_op op = JOIN_INNER;
    if (is_word(rd, k, "natural"))
        k++;
    if (is_word(rd, k, "left"))
        op = JOIN_LEFT, k++;
    else if (is_word(rd, k, "right"))
        op = JOIN_RIGHT, k++;
    else if (is_word(rd, k, "full"))
        op = JOIN_FULL, k++;
    else if (is_word(rd, k, "inner") || is_word(rd, k, "cross"))
        k++;
    if (op != JOIN_INNER && is_word(rd, k, "outer"))
        k++;
    if (k >= end || !is_word(rd, k, "join"))
        return JOIN_NONE;
    *i = k + 1;
    return op;
}

/* Skips a join's ON expression or USING list. */
static void skip_constraint(const struct reader *rd, size_t *i, size_t end)
{
    if (is_word(rd, *i, "using") && is_kind(rd, *i + 1, SQLT_LPAREN)) {
        *i = match_paren(rd, *i + 1, end) + 1;
        return;
    }
    if (!is_word(rd, *i, "on"))
        return;
    int depth = rd->ts->t[*i].depth;
    for ((*i)++; *i < end; (*i)++) {
        const struct sqltok *t = &rd->ts->t[*i];
        if (t->depth != depth)
            continue;
        size_t k = *i;
        if (t->kind == SQLT_COMMA || read_join_op(rd, &k, end) != JOIN_NONE)
            return;
    }
}

static void read_join_list(struct reader *rd, size_t *i, size_t end, struct join_list *l)
{
    enum join_op op = JOIN_NONE;
    while (*i < end) {
        size_t first = l->count;
        read_source(rd, i, end, l);
        if (op == JOIN_LEFT || op == JOIN_FULL)
            for (size_t k = first; k < l->count; k++)
                l->items[k].s.nullable = true;
        if (op == JOIN_RIGHT || op == JOIN_FULL)
            for (size_t k = 0; k < first; k++)
                l->items[k].s.nullable = true;
        skip_constraint(rd, i, end);
        if (*i >= end)
            return;
        if (is_kind(rd, *i, SQLT_COMMA)) {
            op = JOIN_INNER;
            (*i)++;
            continue;
        }
        op = read_join_op(rd, i, end);
        if (op == JOIN_NONE) {
            l->unknown = true;
            return;
        }
    }
}

/* The tokens of the FROM clause starting after token `from`: up to the clause that ends
   it, a ')' around it, or the end. */
static size_t from_end(const struct reader *rd, size_t from)
{
    static const char *const enders[] = {"where", "group", "having", "window", "order",
                                         "limit", "union", "intersect", "except",
                                         "returning"};
    int depth = rd->ts->t[from].depth;
    size_t k;
    for (k = from + 1; k < rd->ts->n; k++) {
        const struct sqltok *t = &rd->ts->t[k];
        if (t->depth < depth || (t->kind == SQLT_RPAREN && t->depth == depth) ||
            t->kind == SQLT_SEMI)
            return k;
        if (t->depth != depth)
            continue;
        for (size_t w = 0; w < sizeof enders / sizeof enders[0]; w++)
            if (is_word(rd, k, enders[w]))
                return k;
        if (is_word(rd, k, "on") && is_word(rd, k + 1, "conflict"))
            return k;
    }
    return k;
}

/* Reads the join list after token `from`; marks what outer joins may NULL-extend. */
static void read_from(struct reader *rd, size_t from, struct join_list *l)
{
    size_t end = from_end(rd, from), i = from + 1;
    read_join_list(rd, &i, end, l);
    if (i < end)
        l->unknown = true;
    for (size_t k = 0; k < l->count; k++) {
        const struct source_read *s = &l->items[k];
        if (!s->s.nullable)
            continue;
        if (s->s.kind == SOURCE_SUBQUERY)
            mark_outer_range(rd, s->from, s->to);
        else
            mark_outer_name(rd, s->s.name);
    }
}

/* WITH [RECURSIVE] name [(columns)] AS [NOT] [MATERIALIZED] (body), ...: the names and
   bodies; returns the token after it. */
static size_t read_with(struct reader *rd)
{
    size_t i = 0, n = rd->ts->n;
    if (!is_word(rd, 0, "with"))
        return 0;
    i++;
    if (is_word(rd, i, "recursive"))
        i++;
    while (i < n && is_name(rd, i)) {
        const char *name = name_text(rd, i++);
        if (is_kind(rd, i, SQLT_LPAREN))
            i = match_paren(rd, i, n) + 1;
        if (is_word(rd, i, "as"))
            i++;
        if (is_word(rd, i, "not"))
            i++;
        if (is_word(rd, i, "materialized"))
            i++;
        if (!is_kind(rd, i, SQLT_LPAREN))
            break;
        size_t close = match_paren(rd, i, n);
        size_t *range = arena_alloc(rd->a, 2 * sizeof *range);
        range[0] = i + 1;
        range[1] = close;
        vec_push(&rd->cte_names, (void *)name);
        vec_push(&rd->cte_bodies, range);
        i = close + 1;
        if (!is_kind(rd, i, SQLT_COMMA))
            break;
        i++;
    }
    return i;
}

static bool is_aggregate(const struct reader *rd, size_t i)
{
    static const char *const names[] = {
        "count", "sum", "total", "avg", "min", "max", "group_concat", "string_agg",
        "array_agg", "bool_and", "bool_or", "every", "json_group_array",
        "json_group_object", "jsonb_agg", "json_agg",
    };
    if (!is_kind(rd, i + 1, SQLT_LPAREN))
        return false;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (is_word(rd, i, names[k]))
            return true;
    return false;
}

/* Words after which a name is not an alias but part of the expression. */
static bool joins_expression(const struct reader *rd, size_t i)
{
    static const char *const words[] = {
        "collate", "is", "not", "and", "or", "escape", "like", "glob", "match", "regexp",
        "in", "between", "then", "else", "when", "case", "distinct", "all", "as", "exists",
        "select",
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (is_word(rd, i, words[k]))
            return true;
    return false;
}

/* Words that end an expression rather than name it. */
static bool ends_expression(const struct reader *rd, size_t i)
{
    static const char *const words[] = {
        "null", "end", "notnull", "isnull", "true", "false", "current_time", "current_date",
        "current_timestamp", "asc", "desc",
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (is_word(rd, i, words[k]))
            return true;
    return false;
}

/* Classifies the result item of tokens [b, e). */
static struct sql_item read_item(struct reader *rd, size_t b, size_t e)
{
    struct sql_item it = {0};
    const struct sqltok *t = rd->ts->t;
    it.kind = ITEM_EXPR;
    it.at = t[b].at;
    it.len = t[e - 1].at + t[e - 1].len - t[b].at;
    /* the alias: AS name, or a name right after the expression */
    if (e - b >= 3 && is_word(rd, e - 2, "as") && is_name(rd, e - 1))
        e -= 2;
    else if (e - b >= 2 && is_name(rd, e - 1) && !ends_expression(rd, e - 1) &&
             !is_clause_word(rd, e - 1) &&
             (t[e - 2].kind == SQLT_QUOTED || t[e - 2].kind == SQLT_NUMBER ||
              t[e - 2].kind == SQLT_STRING || t[e - 2].kind == SQLT_RPAREN ||
              (t[e - 2].kind == SQLT_WORD && !joins_expression(rd, e - 2))))
        e -= 1;
    size_t n = e - b;
    if (n == 1 && t[b].kind == SQLT_STAR) {
        it.kind = ITEM_STAR;
    } else if (n >= 3 && t[e - 1].kind == SQLT_STAR && t[e - 2].kind == SQLT_DOT &&
               is_name(rd, e - 3) && (n == 3 || (n == 5 && t[b + 1].kind == SQLT_DOT &&
                                                 is_name(rd, b)))) {
        it.kind = ITEM_TABLE_STAR;
        it.qualifier = name_text(rd, e - 3);
    } else if ((n == 1 && is_name(rd, b)) ||
               (n == 3 && is_name(rd, b) && t[b + 1].kind == SQLT_DOT && is_name(rd, b + 2)) ||
               (n == 5 && is_name(rd, b) && t[b + 1].kind == SQLT_DOT && is_name(rd, b + 2) &&
                t[b + 3].kind == SQLT_DOT && is_name(rd, b + 4))) {
        if (n == 1 && t[b].kind == SQLT_WORD && (ends_expression(rd, b) || is_clause_word(rd, b)))
            return it;
        it.kind = ITEM_COLUMN;
        it.column = name_text(rd, e - 1);
        it.qualifier = n >= 3 ? name_text(rd, e - 3) : NULL;
    } else if (n >= 4 && is_word(rd, b, "cast") && t[b + 1].kind == SQLT_LPAREN &&
               match_paren(rd, b + 1, e) == e - 1) {
        /* the last AS at the depth inside the parentheses */
        size_t as = 0;
        for (size_t k = b + 2; k < e - 1; k++)
            if (t[k].depth == t[b + 1].depth + 1 && is_word(rd, k, "as"))
                as = k;
        if (as && as + 1 < e - 1) {
            struct buf type = {0};
            for (size_t k = as + 1; k < e - 1; k++) {
                if (type.len && t[k].kind != SQLT_LPAREN && t[k].kind != SQLT_RPAREN &&
                    t[k - 1].kind != SQLT_LPAREN && t[k].kind != SQLT_COMMA)
                    buf_putc(&type, ' ');
                buf_putn(&type, rd->ts->text + t[k].at, t[k].len);
            }
            it.kind = ITEM_CAST;
            it.cast_type = arena_strdup(rd->a, type.data);
            it.cast_at = t[as + 1].at;
            it.cast_len = t[e - 2].at + t[e - 2].len - t[as + 1].at;
            buf_free(&type);
        }
    } else if (n >= 3 && t[b].kind == SQLT_LPAREN && match_paren(rd, b, e) == e - 1 &&
               starts_select(rd, b + 1)) {
        it.kind = ITEM_SUBQUERY;
    }
    return it;
}

/* The items of the list in tokens [b, end) at depth 0, up to a clause word in `stop`. */
static size_t read_items(struct reader *rd, size_t b, size_t end,
                         const char *const *stop, size_t nstop, struct vec *items,
                         bool *aggregate)
{
    size_t k, start = b;
    for (k = b; k < end; k++) {
        const struct sqltok *t = &rd->ts->t[k];
        if (t->kind == SQLT_LPAREN && starts_select(rd, k + 1)) {
            /* a subquery's aggregates are its own */
            k = match_paren(rd, k, end);
            if (k >= end)
                break;
            continue;
        }
        if (t->kind == SQLT_WORD && is_aggregate(rd, k))
            *aggregate = true;
        if (t->depth != 0)
            continue;
        bool stopped = t->kind == SQLT_SEMI;
        for (size_t w = 0; !stopped && w < nstop; w++)
            stopped = is_word(rd, k, stop[w]);
        if (stopped)
            break;
        if (t->kind == SQLT_COMMA) {
            if (k > start) {
                struct sql_item *it = arena_alloc(rd->a, sizeof *it);
                *it = read_item(rd, start, k);
                vec_push(items, it);
            }
            start = k + 1;
        }
    }
    if (k > start) {
        struct sql_item *it = arena_alloc(rd->a, sizeof *it);
        *it = read_item(rd, start, k);
        vec_push(items, it);
    }
    return k;
}

void sql_read_result(const char *text, struct sql_result *r, struct arena *a)
{
    static const char *const select_stop[] = {"from", "where", "group", "having", "window",
                                              "order", "limit", "union", "intersect",
                                              "except"};
    static const char *const returning_stop[] = {"returning"};
    struct sqltoks ts;
    sql_tokenize(text, &ts);
    struct reader rd = {&ts, a, r, {0}, {0}, {0}};
    memset(r, 0, sizeof *r);
    size_t i = read_with(&rd);
    struct vec items = {0};
    bool aggregate = false;
    size_t n = ts.n;

    /* every FROM anywhere, for what outer joins may NULL-extend */
    for (size_t k = 0; k < n; k++)
        if (is_word(&rd, k, "from")) {
            struct join_list l = {0};
            read_from(&rd, k, &l);
            free(l.items);
        }

    if (is_word(&rd, i, "select")) {
        r->select = true;
        for (size_t k = i + 1; k < n; k++)
            if (ts.t[k].depth == 0 && (is_word(&rd, k, "union") || is_word(&rd, k, "intersect") ||
                                       is_word(&rd, k, "except")))
                r->compound = true;
        size_t b = i + 1;
        if (is_word(&rd, b, "distinct") || is_word(&rd, b, "all"))
            b++;
        size_t k = read_items(&rd, b, n, select_stop, sizeof select_stop / sizeof select_stop[0],
                              &items, &aggregate);
        bool grouped = false;
        for (size_t g = k; g < n; g++) {
            if (ts.t[g].depth == 0 && (is_word(&rd, g, "union") || is_word(&rd, g, "intersect") ||
                                       is_word(&rd, g, "except")))
                break;
            if (ts.t[g].depth == 0 && (is_word(&rd, g, "group") || is_word(&rd, g, "having")))
                grouped = true;
        }
        r->lone_aggregate = aggregate && !grouped;
        r->sources_known = true;
        if (is_word(&rd, k, "from")) {
            struct join_list l = {0};
            read_from(&rd, k, &l);
            r->sources_known = !l.unknown;
            r->sources = arena_alloc(a, (l.count ? l.count : 1) * sizeof *r->sources);
            for (size_t s = 0; s < l.count; s++)
                r->sources[s] = l.items[s].s;
            r->nsources = l.count;
            free(l.items);
        }
    } else if (is_word(&rd, i, "values")) {
        r->select = r->values = true;
        for (size_t k = i + 1; k < n; k++)
            if (ts.t[k].depth == 0 && (is_word(&rd, k, "union") || is_word(&rd, k, "intersect") ||
                                       is_word(&rd, k, "except")))
                r->compound = true;
        if (is_kind(&rd, i + 1, SQLT_LPAREN)) {
            size_t close = match_paren(&rd, i + 1, n);
            size_t start = i + 2;
            for (size_t k = i + 2; k <= close && k < n; k++)
                if (k == close || (ts.t[k].depth == 1 && ts.t[k].kind == SQLT_COMMA)) {
                    if (k > start) {
                        struct sql_item *it = arena_alloc(a, sizeof *it);
                        it->kind = ITEM_EXPR;
                        it->at = ts.t[start].at;
                        it->len = ts.t[k - 1].at + ts.t[k - 1].len - it->at;
                        vec_push(&items, it);
                    }
                    start = k + 1;
                }
        }
    } else {
        /* INSERT [OR x] INTO t [AS a], REPLACE INTO t, UPDATE [OR x] t [[AS] a],
           DELETE FROM t [[AS] a] */
        size_t k = i;
        bool insert = is_word(&rd, k, "insert") || is_word(&rd, k, "replace");
        if (insert || is_word(&rd, k, "update") || is_word(&rd, k, "delete")) {
            k++;
            if (is_word(&rd, k, "or"))
                k += 2;
            if (is_word(&rd, k, "into") || is_word(&rd, k, "from"))
                k++;
            if (is_name(&rd, k)) {
                r->target = name_text(&rd, k++);
                if (is_kind(&rd, k, SQLT_DOT) && is_name(&rd, k + 1)) {
                    r->target = name_text(&rd, k + 1);
                    k += 2;
                }
                if (is_word(&rd, k, "as") && is_name(&rd, k + 1))
                    r->target_alias = name_text(&rd, k + 1);
                else if (!insert && is_name(&rd, k) && !is_clause_word(&rd, k) &&
                         !is_word(&rd, k, "indexed"))
                    r->target_alias = name_text(&rd, k);
            }
        }
        for (; k < n; k++)
            if (ts.t[k].depth == 0 && is_word(&rd, k, "returning"))
                break;
        if (k < n)
            read_items(&rd, k + 1, n, returning_stop, 0, &items, &aggregate);
    }
    if (r->compound) {
        /* the arms, split at the compound operators, the last one up to ORDER BY or LIMIT */
        size_t cap = 4;
        r->arms = arena_alloc(a, cap * sizeof *r->arms);
        r->with_len = ts.t[i].at;
        size_t start = i, k;
        char op = 0;
        for (k = i; k <= n; k++) {
            bool end = k == n || (ts.t[k].depth == 0 &&
                                  (ts.t[k].kind == SQLT_SEMI || is_word(&rd, k, "order") ||
                                   is_word(&rd, k, "limit")));
            bool between = k < n && ts.t[k].depth == 0 &&
                           (is_word(&rd, k, "union") || is_word(&rd, k, "intersect") ||
                            is_word(&rd, k, "except"));
            if (!end && !between)
                continue;
            if (k > start) {
                if (r->narms == cap) {
                    struct sql_range *more = arena_alloc(a, 2 * cap * sizeof *more);
                    memcpy(more, r->arms, cap * sizeof *more);
                    r->arms = more;
                    cap *= 2;
                }
                size_t at = ts.t[start].at;
                r->arms[r->narms++] =
                    (struct sql_range){at, ts.t[k - 1].at + ts.t[k - 1].len - at, op};
            }
            if (end)
                break;
            op = is_word(&rd, k, "union") ? 'U' : is_word(&rd, k, "intersect") ? 'I' : 'E';
            start = k + 1 + (is_word(&rd, k + 1, "all") || is_word(&rd, k + 1, "distinct"));
        }
    }
    r->items = arena_alloc(a, (items.count ? items.count : 1) * sizeof *r->items);
    for (size_t k = 0; k < items.count; k++)
        r->items[k] = *(struct sql_item *)items.items[k];
    r->nitems = items.count;
    r->outer_tables = arena_alloc(a, (rd.outer.count ? rd.outer.count : 1) * sizeof(char *));
    for (size_t k = 0; k < rd.outer.count; k++)
        r->outer_tables[k] = rd.outer.items[k];
    r->nouter = rd.outer.count;
    r->ctes = arena_alloc(a, (rd.cte_names.count ? rd.cte_names.count : 1) * sizeof(char *));
    for (size_t k = 0; k < rd.cte_names.count; k++)
        r->ctes[k] = rd.cte_names.items[k];
    r->nctes = rd.cte_names.count;
    vec_free(&items);
    vec_free(&rd.outer);
    vec_free(&rd.cte_names);
    vec_free(&rd.cte_bodies);
    sql_tokens_free(&ts);
}
