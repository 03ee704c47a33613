/* randdiff on SQLite: a database is a file; it is filled and read through the C API, and
   migrations run through the sqlite3 shell, as people run SQL files. */
#include "engine.h"
#include "sql_quote.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct engine {
    sqlite3 *db;
    char path[512];
    char dir[400];
};

static struct engine *sq_open(const char *dir, const char *name, char *err, size_t nerr)
{
    struct engine *e = calloc(1, sizeof *e);
    snprintf(e->dir, sizeof e->dir, "%s", dir);
    snprintf(e->path, sizeof e->path, "%s/%s.db", dir, name);
    unlink(e->path);
    if (sqlite3_open(e->path, &e->db) != SQLITE_OK) {
        snprintf(err, nerr, "cannot open %s", e->path);
        sqlite3_close(e->db);
        free(e);
        return NULL;
    }
    sqlite3_exec(e->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return e;
}

static void sq_close(struct engine *e, bool drop)
{
    if (!e)
        return;
    sqlite3_close(e->db);
    if (drop)
        unlink(e->path);
    free(e);
}

static bool sq_exec_file(struct engine *e, const char *sql, char *err, size_t nerr)
{
    char *msg = NULL;
    if (sqlite3_exec(e->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, nerr, "%s", msg ? msg : "error");
        sqlite3_free(msg);
        sqlite3_exec(e->db, "ROLLBACK", NULL, NULL, NULL);
        return false;
    }
    return true;
}

static void bind_value(sqlite3_stmt *st, int k, const struct rd_value *v)
{
    switch (v->kind) {
    case V_NULL:
    case V_NOW:
        sqlite3_bind_null(st, k);
        break;
    case V_INT:
        sqlite3_bind_int64(st, k, v->i);
        break;
    case V_REAL:
        sqlite3_bind_double(st, k, v->r);
        break;
    case V_TEXT:
        sqlite3_bind_text(st, k, (const char *)v->s, v->len, SQLITE_TRANSIENT);
        break;
    case V_BLOB:
        sqlite3_bind_blob(st, k, v->s, v->len, SQLITE_TRANSIENT);
        break;
    }
}

/* A name as modelgen writes it (sql_quote.c): PostgreSQL folds the unquoted to lower case. */
static void quoted(struct buf *b, const char *name)
{
    sqlq_ident(b, name);
}

/* "a", "b", ...: the model's columns (fields, then keys) in the order of the ids given */
static int model_columns(const struct rd_model *m, struct buf *b, int *ids)
{
    char col[NAME_LEN];
    int n = 0;
    for (int k = 0; k < m->nf; k++) {
        buf_puts(b, ", ");
        quoted(b, m->f[k].name);
        ids[n++] = m->f[k].id;
    }
    for (int k = 0; k < m->na; k++) {
        buf_puts(b, ", ");
        quoted(b, rd_assoc_column(&m->a[k], col));
        ids[n++] = m->a[k].id;
    }
    return n;
}

static bool sq_fill(struct engine *e, const struct rd_schema *s, const struct rd_rows *rows,
                    const int *order, int norder, char *err, size_t nerr)
{
    sqlite3_exec(e->db, "BEGIN; PRAGMA defer_foreign_keys = ON;", NULL, NULL, NULL);
    for (int i = 0; i < norder; i++) {
        const struct rd_model *m = rd_model_c(s, order[i]);
        const struct rd_table_rows *t = m ? rd_rows_of_c(rows, m->id) : NULL;
        if (!t || !t->n)
            continue;
        char table[NAME_LEN];
        struct buf sql = {0}, cols = {0};
        int ids[MAX_FIELDS + MAX_ASSOCS];
        int n = model_columns(m, &cols, ids);
        buf_puts(&sql, "INSERT INTO ");
        quoted(&sql, rd_table(m, table));
        buf_printf(&sql, " (id%s) VALUES (?", cols.data ? cols.data : "");
        for (int k = 0; k < n; k++)
            buf_puts(&sql, ", ?");
        buf_puts(&sql, ")");
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(e->db, sql.data, -1, &st, NULL) != SQLITE_OK) {
            snprintf(err, nerr, "fill %s: %s", table, sqlite3_errmsg(e->db));
            buf_free(&sql);
            buf_free(&cols);
            sqlite3_exec(e->db, "ROLLBACK", NULL, NULL, NULL);
            return false;
        }
        for (int r = 0; r < t->n; r++) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, t->r[r].id);
            for (int k = 0; k < n; k++) {
                const struct rd_value *v = rd_row_value(&t->r[r], ids[k]);
                struct rd_value null = {0};
                bind_value(st, k + 2, v ? v : &null);
            }
            if (sqlite3_step(st) != SQLITE_DONE) {
                snprintf(err, nerr, "fill %s row %lld: %s", table, (long long)t->r[r].id,
                         sqlite3_errmsg(e->db));
                sqlite3_finalize(st);
                buf_free(&sql);
                buf_free(&cols);
                sqlite3_exec(e->db, "ROLLBACK", NULL, NULL, NULL);
                return false;
            }
        }
        sqlite3_finalize(st);
        buf_free(&sql);
        buf_free(&cols);
    }
    if (sqlite3_exec(e->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, nerr, "fill: COMMIT: %s", sqlite3_errmsg(e->db));
        sqlite3_exec(e->db, "ROLLBACK", NULL, NULL, NULL);
        return false;
    }
    return true;
}

static void column_value(sqlite3_stmt *st, int k, struct rd_value *v)
{
    memset(v, 0, sizeof *v);
    switch (sqlite3_column_type(st, k)) {
    case SQLITE_NULL:
        return;
    case SQLITE_INTEGER:
        v->kind = V_INT;
        v->i = sqlite3_column_int64(st, k);
        return;
    case SQLITE_FLOAT:
        v->kind = V_REAL;
        v->r = sqlite3_column_double(st, k);
        return;
    case SQLITE_TEXT:
        v->kind = V_TEXT;
        break;
    default:
        v->kind = V_BLOB;
        break;
    }
    const void *p = v->kind == V_TEXT ? (const void *)sqlite3_column_text(st, k)
                                      : sqlite3_column_blob(st, k);
    int n = sqlite3_column_bytes(st, k);
    v->len = n < TEXT_LEN ? n : TEXT_LEN;
    if (p)
        memcpy(v->s, p, (size_t)v->len);
}

static bool sq_read(struct engine *e, const struct rd_schema *s, struct rd_rows *out, char *err,
                    size_t nerr)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < s->nm; i++) {
        const struct rd_model *m = &s->m[i];
        struct rd_table_rows *t = &out->t[out->nt++];
        t->model = m->id;
        char table[NAME_LEN];
        struct buf sql = {0}, cols = {0};
        int ids[MAX_FIELDS + MAX_ASSOCS];
        int n = model_columns(m, &cols, ids);
        buf_printf(&sql, "SELECT id%s FROM ", cols.data ? cols.data : "");
        quoted(&sql, rd_table(m, table));
        buf_puts(&sql, " ORDER BY id");
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(e->db, sql.data, -1, &st, NULL);
        buf_free(&sql);
        buf_free(&cols);
        if (rc != SQLITE_OK) {
            snprintf(err, nerr, "read %s: %s", table, sqlite3_errmsg(e->db));
            return false;
        }
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (t->n == MAX_ROWS) {
                snprintf(err, nerr, "read %s: more rows than ever went in", table);
                sqlite3_finalize(st);
                return false;
            }
            struct rd_row *r = &t->r[t->n++];
            memset(r, 0, sizeof *r);
            r->id = sqlite3_column_int64(st, 0);
            for (int k = 0; k < n; k++) {
                r->col[r->ncols] = ids[k];
                column_value(st, k + 1, &r->v[r->ncols++]);
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            snprintf(err, nerr, "read %s: %s", table, sqlite3_errmsg(e->db));
            return false;
        }
    }
    return true;
}

/* --------------------------------------------------------------------- catalog -- */

/* SQL as tokens: comments and spacing dropped, names unquoted and lower-cased (SQLite's
   names are case-insensitive, and it quotes them when it rewrites a table's text),
   strings as written. */
static void tokenize(const char *p, struct vec *toks)
{
    while (*p) {
        char c = *p;
        struct buf tok = {0};
        /* the first byte says how it was written: 'q' a quoted name, 'w' anything else */
        buf_putc(&tok, c == '"' || c == '`' || c == '[' ? 'q' : 'w');
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            p++;
            buf_free(&tok);
            continue;
        }
        if (c == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
            buf_free(&tok);
            continue;
        }
        if (c == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
            buf_free(&tok);
            continue;
        }
        if (c == '\'') {
            const char *q = p + 1;
            for (; *q; q++) {
                if (*q == '\'' && q[1] == '\'')
                    q++;
                else if (*q == '\'')
                    break;
            }
            buf_putn(&tok, p, (size_t)(q - p) + (*q ? 1 : 0));
            p = q + (*q ? 1 : 0);
        } else if (c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : c;
            const char *q = p + 1;
            for (; *q; q++) {
                if (*q == close && q[1] == close && close != ']')
                    q++;
                else if (*q == close)
                    break;
                buf_putc(&tok, (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q));
            }
            p = q + (*q ? 1 : 0);
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || (unsigned char)c >= 0x80) {
            while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || (unsigned char)*p >= 0x80) {
                buf_putc(&tok, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
                p++;
            }
        } else {
            buf_putc(&tok, c);
            p++;
        }
        vec_push(toks, tok.data);
    }
}

static void free_tokens(struct vec *toks)
{
    for (size_t i = 0; i < toks->count; i++)
        free(toks->items[i]);
    vec_free(toks);
}

static void join_tokens(struct vec *toks, size_t from, size_t to, struct buf *out)
{
    for (size_t i = from; i < to; i++) {
        if (i > from)
            buf_putc(out, ' ');
        buf_puts(out, (char *)toks->items[i] + 1);
    }
}

/* Token i is the bare word (or punctuation) w, not a quoted name. */
static bool is_word(struct vec *toks, size_t i, const char *w)
{
    const char *t = i < toks->count ? toks->items[i] : NULL;
    return t && t[0] == 'w' && strcmp(t + 1, w) == 0;
}

/* An item of a CREATE TABLE, tokens [from, to). A column's named constraints become items
   of their own, as a table constraint says them: ADD COLUMN writes a column's CHECK and
   REFERENCES inline, where a fresh table has them after its columns. */
static void column_item(struct vec *toks, size_t from, size_t to, struct vec *items)
{
    struct buf item = {0};
    bool column = from < to && !is_word(toks, from, "constraint") && !is_word(toks, from, "primary") &&
                  !is_word(toks, from, "unique") && !is_word(toks, from, "check") &&
                  !is_word(toks, from, "foreign");
    size_t end = to;
    int depth = 0;
    for (size_t i = from + 1; column && i < to; i++) {
        if (is_word(toks, i, "("))
            depth++;
        else if (is_word(toks, i, ")"))
            depth--;
        else if (depth == 0 && is_word(toks, i, "constraint")) {
            end = i;
            break;
        }
    }
    join_tokens(toks, from, end, &item);
    if (item.len)
        vec_push(items, item.data);
    /* constraint NAME references ... -> constraint NAME foreign key ( COLUMN ) references ... */
    for (size_t i = end; i < to;) {
        size_t next = i + 1;
        depth = 0;
        for (; next < to; next++) {
            if (is_word(toks, next, "("))
                depth++;
            else if (is_word(toks, next, ")"))
                depth--;
            else if (depth == 0 && is_word(toks, next, "constraint"))
                break;
        }
        struct buf c = {0};
        if (i + 2 < next && is_word(toks, i + 2, "references")) {
            join_tokens(toks, i, i + 2, &c);
            buf_printf(&c, " foreign key ( %s ) ", (char *)toks->items[from] + 1);
            join_tokens(toks, i + 2, next, &c);
        } else {
            join_tokens(toks, i, next, &c);
        }
        vec_push(items, c.data);
        i = next;
    }
}

/* A CREATE TABLE's items (columns and table constraints), each as normalized text, so
   that their order does not count (ADD COLUMN appends; a fresh table declares). */
static void table_items(const char *sql, struct vec *items)
{
    struct vec toks = {0};
    tokenize(sql, &toks);
    size_t i = 0, start = 0;
    while (i < toks.count && !is_word(&toks, i, "("))
        i++;
    int depth = 0;
    for (; i < toks.count; i++) {
        if (is_word(&toks, i, "(") && ++depth == 1) {
            start = i + 1;
            continue;
        }
        if ((is_word(&toks, i, ")") && --depth == 0) || (depth == 1 && is_word(&toks, i, ","))) {
            column_item(&toks, start, i, items);
            start = i + 1;
            if (depth == 0)
                break;
        }
    }
    free_tokens(&toks);
}

static void normalized(const char *sql, struct buf *out)
{
    struct vec toks = {0};
    tokenize(sql, &toks);
    join_tokens(&toks, 0, toks.count, out);
    free_tokens(&toks);
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_line(struct vec *lines, struct buf *b)
{
    vec_push(lines, xstrdup(b->data ? b->data : ""));
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static bool query_lines(sqlite3 *db, const char *sql, const char *tag, struct vec *lines)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    struct buf b = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        buf_puts(&b, tag);
        for (int k = 0; k < sqlite3_column_count(st); k++) {
            const unsigned char *t = sqlite3_column_text(st, k);
            buf_printf(&b, " %s", t ? (const char *)t : "<null>");
        }
        add_line(lines, &b);
    }
    buf_free(&b);
    return sqlite3_finalize(st) == SQLITE_OK;
}

static const char tables[] = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                             "AND m.name <> 'modelgen_migrations'";

static bool sq_catalog(struct engine *e, struct buf *out, char *err, size_t nerr)
{
    struct vec lines = {0};
    char sql[1024];
    bool ok = true;
    snprintf(sql, sizeof sql, "SELECT lower(m.name), lower(p.name), upper(p.type), p.\"notnull\", "
             "quote(p.dflt_value), p.pk, p.hidden FROM sqlite_master m, pragma_table_xinfo(m.name) p "
             "WHERE %s", tables);
    ok &= query_lines(e->db, sql, "column", &lines);
    snprintf(sql, sizeof sql, "SELECT lower(m.name), lower(f.\"from\"), lower(f.\"table\"), "
             "lower(coalesce(f.\"to\", 'id')), f.on_update, f.on_delete, f.\"match\" FROM sqlite_master "
             "m, pragma_foreign_key_list(m.name) f WHERE %s", tables);
    ok &= query_lines(e->db, sql, "fk", &lines);
    snprintf(sql, sizeof sql, "SELECT lower(m.name), CASE WHEN il.origin = 'c' THEN lower(il.name) "
             "ELSE '(auto)' END, il.\"unique\", il.origin, il.partial, (SELECT group_concat("
             "coalesce(lower(x.name), '<expr>') || ' ' || x.desc || ' ' || lower(x.coll), ', ') FROM "
             "pragma_index_xinfo(il.name) x WHERE x.key = 1) FROM sqlite_master m, "
             "pragma_index_list(m.name) il WHERE %s", tables);
    ok &= query_lines(e->db, sql, "index", &lines);
    /* the text of the tables: their constraints' names, checks and deferral; of indexes */
    snprintf(sql, sizeof sql, "SELECT m.type, lower(m.name), m.sql FROM sqlite_master m WHERE "
             "m.sql IS NOT NULL AND m.name <> 'modelgen_migrations' AND m.tbl_name <> "
             "'modelgen_migrations'");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(e->db, sql, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *type = (const char *)sqlite3_column_text(st, 0);
            const char *name = (const char *)sqlite3_column_text(st, 1);
            const char *text = (const char *)sqlite3_column_text(st, 2);
            struct buf head = {0}, line = {0};
            struct vec items = {0};
            bool table = strcmp(type, "table") == 0;
            if (table)
                table_items(text, &items);
            else
                normalized(text, &head);
            buf_printf(&line, "%s %s", type, table ? name : head.data);
            add_line(&lines, &line);
            for (size_t i = 0; i < items.count; i++) {
                char *item = items.items[i];
                buf_printf(&line, "item %s %s", name, item);
                add_line(&lines, &line);
                free(item);
            }
            vec_free(&items);
            buf_free(&head);
            buf_free(&line);
        }
        ok &= sqlite3_finalize(st) == SQLITE_OK;
    } else {
        ok = false;
    }
    if (!ok)
        snprintf(err, nerr, "catalog: %s", sqlite3_errmsg(e->db));

    if (lines.count)
        qsort(lines.items, lines.count, sizeof *lines.items, compare_lines);
    for (size_t i = 0; i < lines.count; i++) {
        buf_puts(out, lines.items[i]);
        buf_putc(out, '\n');
        free(lines.items[i]);
    }
    vec_free(&lines);
    return ok;
}

/* ---------------------------------------------------------------------- apply -- */

static int sq_apply(struct engine *e, const char *file, bool stop_at_error, struct buf *err_out)
{
    /* as an application has it: foreign keys on (the migration turns them off if it must) */
    char in[600], errf[600];
    snprintf(in, sizeof in, "%s.in", e->path);
    snprintf(errf, sizeof errf, "%s.err", e->path);
    size_t len;
    char *sql = read_file(file, &len);
    struct buf b = {0};
    buf_puts(&b, "PRAGMA foreign_keys = ON;\n");
    buf_puts(&b, sql ? sql : "");
    write_file(in, b.data, b.len);
    buf_free(&b);
    free(sql);
    sqlite3_close(e->db);   /* the shell is another connection: nothing of ours in the way */
    char *argv[] = {"sqlite3", "-batch", stop_at_error ? "-bail" : "-batch", e->path, NULL};
    int rc = run_command(argv, in, "/dev/null", errf, NULL);
    char *text = read_file(errf, &len);
    if (text)
        buf_puts(err_out, text);
    free(text);
    unlink(in);
    unlink(errf);
    sqlite3_open(e->path, &e->db);
    sqlite3_exec(e->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return rc;
}

static void sq_target(struct engine *e, char *buf, size_t n)
{
    snprintf(buf, n, "%s", e->path);
}

static void sq_release(struct engine *e)
{
    sqlite3_close(e->db);
    e->db = NULL;
}

static void sq_reopen(struct engine *e)
{
    sqlite3_open(e->path, &e->db);
    sqlite3_exec(e->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

const struct engine_ops sqlite_engine = {
    "sqlite", sq_open, sq_close, sq_exec_file, sq_fill, sq_read, sq_catalog, sq_apply,
    sq_target, sq_release, sq_reopen,
};
