/* The catalog of an SQLite file: sqlite_master for the tables, views, triggers and the
   order things were made in; PRAGMA table_xinfo, foreign_key_list, index_list and
   index_xinfo for columns, keys and indexes; and the CREATE TABLE text itself for what the
   pragmas leave out (CHECK constraints, DEFERRABLE, constraint names, an explicit NO
   ACTION, AUTOINCREMENT). The file is opened read-only. */
#include "catalog.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sqlite3.h>

struct reader {
    sqlite3 *db;
    struct catalog *c;
    struct arena *a;
};

static const char *col_text(sqlite3_stmt *st, int i, struct arena *a)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? arena_strdup(a, (const char *)t) : NULL;
}

/* Runs sql (with the one text parameter `arg`, when given) and hands each row to fn.
   Returns false after printing the failure. */
static bool each_row(struct reader *r, const char *sql, const char *arg,
                     void (*fn)(struct reader *, sqlite3_stmt *, void *), void *ctx)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "modelgen: cannot read the catalog of %s: %s\n", r->c->display,
                sqlite3_errmsg(r->db));
        return false;
    }
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(r, st, ctx);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "modelgen: cannot read the catalog of %s: %s\n", r->c->display,
                sqlite3_errmsg(r->db));
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ the CREATE TABLE text -- */

struct text_fk {
    const char *name;
    struct vec columns;         /* const char * */
    const char *target;
    bool delete_no_action, update_no_action, deferrable, deferred, used;
};

struct text_unique {
    const char *name;
    struct vec columns;
    bool used;
};

struct text_check {
    const char *name;
    const char *column;         /* a column's own CHECK; NULL at table level */
    const struct sqltok *toks;
    size_t n;
};

struct table_text {
    struct vec fks, uniques, checks;
    struct vec collations;      /* column, collation, column, collation, ... */
    bool autoincrement, without_rowid, strict;
};

/* A parenthesised list of names at toks[*i] into v; *i moves past it. */
static void name_list(const struct sqltok *t, size_t n, size_t *i, struct vec *v)
{
    if (*i >= n || !sqltok_punct(&t[*i], "("))
        return;
    size_t end = sqltok_skip_parens(t, n, *i);
    for (size_t j = *i + 1; j + 1 < end; j++) {
        if (sqltok_name(&t[j]) && (j == *i + 1 || sqltok_punct(&t[j - 1], ",")))
            vec_push(v, (void *)t[j].text);
    }
    *i = end;
}

/* The clause after REFERENCES, from the target table on. */
static void references(const struct sqltok *t, size_t n, size_t *i, struct text_fk *fk)
{
    if (*i < n && sqltok_name(&t[*i]))
        fk->target = t[(*i)++].text;
    struct vec ignored = {0};
    name_list(t, n, i, &ignored);
    vec_free(&ignored);
    while (*i < n) {
        if (sqltok_is(&t[*i], "on") && *i + 2 < n) {
            bool del = sqltok_is(&t[*i + 1], "delete");
            *i += 2;
            if (sqltok_is(&t[*i], "no") && *i + 1 < n && sqltok_is(&t[*i + 1], "action")) {
                if (del)
                    fk->delete_no_action = true;
                else
                    fk->update_no_action = true;
            }
            while (*i < n && t[*i].kind == SQLTOK_WORD && !sqltok_is(&t[*i], "on") &&
                   !sqltok_is(&t[*i], "match") && !sqltok_is(&t[*i], "deferrable") &&
                   !sqltok_is(&t[*i], "not") && !sqltok_is(&t[*i], "constraint") &&
                   !sqltok_is(&t[*i], "check") && !sqltok_is(&t[*i], "unique") &&
                   !sqltok_is(&t[*i], "primary") && !sqltok_is(&t[*i], "default") &&
                   !sqltok_is(&t[*i], "collate") && !sqltok_is(&t[*i], "generated") &&
                   !sqltok_is(&t[*i], "references"))
                (*i)++;
        } else if (sqltok_is(&t[*i], "match") && *i + 1 < n) {
            *i += 2;
        } else if (sqltok_is(&t[*i], "not") && *i + 1 < n && sqltok_is(&t[*i + 1], "deferrable")) {
            *i += 2;
        } else if (sqltok_is(&t[*i], "deferrable")) {
            fk->deferrable = true;
            (*i)++;
            if (*i + 1 < n && sqltok_is(&t[*i], "initially")) {
                fk->deferred = sqltok_is(&t[*i + 1], "deferred");
                *i += 2;
            }
        } else if (sqltok_is(&t[*i], "initially") && *i + 1 < n) {
            *i += 2;
        } else {
            break;
        }
    }
}

/* One item of the column list: a column and its constraints, or a table constraint. */
static void table_item(const struct sqltok *t, size_t n, struct table_text *tt,
                       struct arena *a)
{
    size_t i = 0;
    const char *name = NULL;
    const char *column = NULL;
    bool is_column = !(sqltok_is(&t[0], "constraint") || sqltok_is(&t[0], "primary") ||
                       sqltok_is(&t[0], "unique") || sqltok_is(&t[0], "check") ||
                       sqltok_is(&t[0], "foreign"));
    if (is_column) {
        column = t[0].text;
        i = 1;
    }
    while (i < n) {
        if (sqltok_is(&t[i], "constraint") && i + 1 < n) {
            name = t[i + 1].text;
            i += 2;
        } else if (sqltok_is(&t[i], "check") && i + 1 < n && sqltok_punct(&t[i + 1], "(")) {
            struct text_check *ch = arena_alloc(a, sizeof *ch);
            size_t end = sqltok_skip_parens(t, n, i + 1);
            ch->name = name;
            ch->column = column;
            ch->toks = t + i + 1;
            ch->n = end - i - 1;
            vec_push(&tt->checks, ch);
            name = NULL;
            i = end;
        } else if (sqltok_is(&t[i], "unique")) {
            struct text_unique *u = arena_alloc(a, sizeof *u);
            u->name = name;
            i++;
            if (column)
                vec_push(&u->columns, (void *)column);
            else
                name_list(t, n, &i, &u->columns);
            vec_push(&tt->uniques, u);
            name = NULL;
        } else if (sqltok_is(&t[i], "foreign") && i + 1 < n && sqltok_is(&t[i + 1], "key")) {
            struct text_fk *fk = arena_alloc(a, sizeof *fk);
            fk->name = name;
            i += 2;
            name_list(t, n, &i, &fk->columns);
            if (i < n && sqltok_is(&t[i], "references")) {
                i++;
                references(t, n, &i, fk);
            }
            vec_push(&tt->fks, fk);
            name = NULL;
        } else if (sqltok_is(&t[i], "references")) {
            struct text_fk *fk = arena_alloc(a, sizeof *fk);
            fk->name = name;
            if (column)
                vec_push(&fk->columns, (void *)column);
            i++;
            references(t, n, &i, fk);
            vec_push(&tt->fks, fk);
            name = NULL;
        } else if (sqltok_is(&t[i], "primary")) {
            /* a table-level PRIMARY KEY (...) names its columns: skip them */
            i++;
            while (i < n && !sqltok_punct(&t[i], "(") && t[i].kind == SQLTOK_WORD &&
                   !sqltok_is(&t[i], "constraint")) {
                if (sqltok_is(&t[i], "autoincrement"))
                    tt->autoincrement = true;
                i++;
            }
            if (!column && i < n && sqltok_punct(&t[i], "("))
                i = sqltok_skip_parens(t, n, i);
            name = NULL;
        } else if (sqltok_is(&t[i], "autoincrement")) {
            tt->autoincrement = true;
            i++;
        } else if (sqltok_is(&t[i], "collate") && column && i + 1 < n) {
            if (!sqltok_is(&t[i + 1], "binary")) {
                vec_push(&tt->collations, (void *)column);
                vec_push(&tt->collations, (void *)t[i + 1].text);
            }
            i += 2;
        } else if (sqltok_punct(&t[i], "(")) {
            i = sqltok_skip_parens(t, n, i);
        } else {
            i++;
        }
    }
}

static void parse_create_table(const char *sql, struct table_text *tt, struct arena *a)
{
    struct sqltok *t;
    size_t n = sql_tokens(sql, DIALECT_SQLITE, a, &t);
    size_t open = 0;
    while (open < n && !sqltok_punct(&t[open], "("))
        open++;
    if (open == n)
        return;
    size_t close = sqltok_skip_parens(t, n, open);
    for (size_t i = close; i < n; i++) {
        if (sqltok_is(&t[i], "rowid") && i > 0 && sqltok_is(&t[i - 1], "without"))
            tt->without_rowid = true;
        if (sqltok_is(&t[i], "strict"))
            tt->strict = true;
    }
    /* items end at a comma outside parentheses, the last at the closing parenthesis */
    size_t start = open + 1;
    for (size_t i = open + 1; i < close; i++) {
        if (i + 1 < close && sqltok_punct(&t[i], "(")) {
            i = sqltok_skip_parens(t, n, i) - 1;
            continue;
        }
        if (i + 1 == close || sqltok_punct(&t[i], ",")) {
            if (i > start)
                table_item(t + start, i - start, tt, a);
            start = i + 1;
        }
    }
}

/* ---------------------------------------------------------------------------- types -- */

static char *upper(struct arena *a, const char *s)
{
    char *u = arena_strdup(a, s ? s : "");
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    /* trim */
    size_t len = strlen(u);
    while (len && isspace((unsigned char)u[len - 1]))
        u[--len] = '\0';
    return u;
}

/* A declared type as the model's type, by SQLite's affinity rules and the names other
   tools write. */
static void map_type(struct cat_column *col, struct arena *a)
{
    const char *u = upper(a, col->decl);
    col->type = TYPE_TEXT;
    if (!*u) {
        col->type = TYPE_BLOB;
        col->type_note = "no declared type (SQLite's BLOB affinity): pulled as blob";
    } else if (strcmp(u, "INTEGER") == 0 || strcmp(u, "INT") == 0 || strcmp(u, "BIGINT") == 0 ||
               strcmp(u, "INT8") == 0) {
        col->type = TYPE_INT;
        col->int_or_time = true;
    } else if (strcmp(u, "BOOLEAN") == 0 || strcmp(u, "BOOL") == 0) {
        col->type = TYPE_BOOL;
        col->type_note = arena_printf(a, "%s without CHECK (%s IN (0, 1)) pulled as bool "
                                      "(modelgen adds the CHECK)", col->decl, col->name);
    } else if (strstr(u, "INT")) {
        col->type = TYPE_INT;
        col->type_note = arena_printf(a, "%s pulled as int (64-bit)", col->decl);
    } else if (strcmp(u, "TEXT") == 0) {
        col->type = TYPE_TEXT;
    } else if (strstr(u, "CHAR") || strstr(u, "CLOB") || strstr(u, "TEXT")) {
        col->type = TYPE_TEXT;
        col->type_note = strchr(u, '(')
            ? arena_printf(a, "%s pulled as text (the length limit is not kept)", col->decl)
            : arena_printf(a, "%s pulled as text", col->decl);
    } else if (strcmp(u, "BLOB") == 0) {
        col->type = TYPE_BLOB;
    } else if (strcmp(u, "REAL") == 0 || strcmp(u, "DOUBLE") == 0 ||
               strcmp(u, "DOUBLE PRECISION") == 0 || strcmp(u, "FLOAT") == 0) {
        col->type = TYPE_REAL;
    } else if (strncmp(u, "NUMERIC", 7) == 0 || strncmp(u, "DECIMAL", 7) == 0 ||
               strstr(u, "REAL") || strstr(u, "FLOA") || strstr(u, "DOUB")) {
        col->type = TYPE_REAL;
        col->type_note = arena_printf(a, "%s pulled as real (a double: exact decimals are not "
                                      "kept)", col->decl);
    } else if (strncmp(u, "DATETIME", 8) == 0 || strncmp(u, "TIMESTAMP", 9) == 0 ||
               strcmp(u, "DATE") == 0 || strcmp(u, "TIME") == 0) {
        col->type = TYPE_TIMESTAMP;
        col->type_note = arena_printf(a, "%s pulled as timestamp, which modelgen keeps as "
                                      "INTEGER seconds since the epoch (rows may hold text "
                                      "dates)", col->decl);
    } else {
        col->type = TYPE_TEXT;
        col->type_note = arena_printf(a, "unknown type %s pulled as text", col->decl);
    }
}

/* --------------------------------------------------------------------------- tables -- */

struct pending_table {
    const char *name, *sql;
};

struct master {
    struct vec tables;          /* struct pending_table * */
    struct vec virtual_tables;  /* names */
    struct vec triggers;        /* (table, name) pairs as two entries */
    struct vec index_order;     /* names of CREATE INDEX indexes, in rowid order */
};

static void master_row(struct reader *r, sqlite3_stmt *st, void *ctx)
{
    struct master *m = ctx;
    const char *type = col_text(st, 0, r->a), *name = col_text(st, 1, r->a);
    const char *table = col_text(st, 2, r->a), *sql = col_text(st, 3, r->a);
    if (!type || !name)
        return;
    if (strcmp(type, "table") == 0) {
        if (strncmp(name, "sqlite_", 7) == 0 || strcmp(name, "modelgen_migrations") == 0)
            return;     /* SQLite's own tables; modelgen's history of migrations */
        if (sql && strncasecmp(sql, "CREATE VIRTUAL", 14) == 0) {
            catalog_warn(r->c, name, NULL, "virtual table not pulled, nor its shadow tables "
                         "(the model has none)");
            vec_push(&m->virtual_tables, (void *)name);
            return;
        }
        /* the shadow tables a virtual table made (notes_fts_data, ...) come after it */
        for (size_t i = 0; i < m->virtual_tables.count; i++) {
            const char *v = m->virtual_tables.items[i];
            if (strncmp(name, v, strlen(v)) == 0 && name[strlen(v)] == '_')
                return;
        }
        struct pending_table *t = arena_alloc(r->a, sizeof *t);
        t->name = name;
        t->sql = sql ? sql : "";
        vec_push(&m->tables, t);
    } else if (strcmp(type, "view") == 0) {
        catalog_warn(r->c, NULL, NULL, "view %s not pulled (the model has no views)", name);
    } else if (strcmp(type, "trigger") == 0) {
        vec_push(&m->triggers, (void *)(table ? table : ""));
        vec_push(&m->triggers, (void *)name);
    } else if (strcmp(type, "index") == 0 && sql) {
        vec_push(&m->index_order, (void *)name);
    }
}

struct columns_ctx {
    struct vec cols;            /* struct cat_column * */
    const char *table;
};

static void column_row(struct reader *r, sqlite3_stmt *st, void *ctx)
{
    struct columns_ctx *cc = ctx;
    int hidden = sqlite3_column_int(st, 6);
    struct cat_column *col = arena_alloc(r->a, sizeof *col);
    col->name = col_text(st, 1, r->a);
    col->decl = col_text(st, 2, r->a);
    if (!col->decl)
        col->decl = "";
    col->notnull = sqlite3_column_int(st, 3) != 0;
    col->pk = sqlite3_column_int(st, 5) != 0;
    if (hidden == 1)
        return;
    if (hidden == 2 || hidden == 3)
        catalog_warn(r->c, cc->table, col->name, "generated column pulled as a plain column "
                     "(the model cannot compute columns)");
    map_type(col, r->a);
    const char *def = col_text(st, 4, r->a);
    if (def) {
        struct sqltok *t;
        size_t n = sql_tokens(def, DIALECT_SQLITE, r->a, &t);
        col->def = sql_parse_default(t, n, DIALECT_SQLITE, r->a);
    }
    vec_push(&cc->cols, col);
}

struct fk_row {
    int id, seq;
    const char *target, *from, *to, *on_update, *on_delete, *match;
};

static void fk_row(struct reader *r, sqlite3_stmt *st, void *ctx)
{
    struct fk_row *f = arena_alloc(r->a, sizeof *f);
    f->id = sqlite3_column_int(st, 0);
    f->seq = sqlite3_column_int(st, 1);
    f->target = col_text(st, 2, r->a);
    f->from = col_text(st, 3, r->a);
    f->to = col_text(st, 4, r->a);
    f->on_update = col_text(st, 5, r->a);
    f->on_delete = col_text(st, 6, r->a);
    f->match = col_text(st, 7, r->a);
    vec_push(ctx, f);
}

struct index_row {
    const char *name, *origin;
    bool unique, partial;
};

static void index_row(struct reader *r, sqlite3_stmt *st, void *ctx)
{
    struct index_row *x = arena_alloc(r->a, sizeof *x);
    x->name = col_text(st, 1, r->a);
    x->unique = sqlite3_column_int(st, 2) != 0;
    x->origin = col_text(st, 3, r->a);
    x->partial = sqlite3_column_int(st, 4) != 0;
    vec_push(ctx, x);
}

struct key_column {
    int cid;
    bool desc, key;
    const char *coll;
};

static void index_column_row(struct reader *r, sqlite3_stmt *st, void *ctx)
{
    struct key_column *k = arena_alloc(r->a, sizeof *k);
    k->cid = sqlite3_column_int(st, 1);
    k->desc = sqlite3_column_int(st, 3) != 0;
    k->coll = col_text(st, 4, r->a);
    k->key = sqlite3_column_int(st, 5) != 0;
    vec_push(ctx, k);
}

static long column_index(const struct cat_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcasecmp(t->columns[i].name, name) == 0)
            return (long)i;
    return -1;
}

static enum action action_of(struct reader *r, const struct cat_table *t, const char *text,
                             bool explicit_no_action, const char *what, struct cat_fk *fk)
{
    if (!text || strcmp(text, "NO ACTION") == 0)
        return explicit_no_action ? ACTION_NO_ACTION : ACTION_UNSET;
    if (strcmp(text, "CASCADE") == 0)
        return ACTION_CASCADE;
    if (strcmp(text, "SET NULL") == 0)
        return ACTION_SET_NULL;
    if (strcmp(text, "RESTRICT") == 0)
        return ACTION_RESTRICT;
    fk->note = arena_printf(r->a, "%s %s cannot be said in the model: pulled without it", what,
                            text);
    (void)t;
    return ACTION_UNSET;
}

static bool same_names(const struct vec *names, const struct cat_table *t, const size_t *cols,
                       size_t n)
{
    if (names->count != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names->items[i], t->columns[cols[i]].name) != 0)
            return false;
    return true;
}

static bool read_fks(struct reader *r, struct cat_table *t, struct table_text *tt)
{
    struct vec rows = {0};
    if (!each_row(r, "SELECT * FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
                  t->name, fk_row, &rows)) {
        vec_free(&rows);
        return false;
    }
    /* a key of several columns is several rows with one id */
    t->fks = arena_alloc(r->a, (rows.count + 1) * sizeof *t->fks);
    for (size_t i = 0; i < rows.count;) {
        struct fk_row *first = rows.items[i];
        size_t j = i;
        while (j < rows.count && ((struct fk_row *)rows.items[j])->id == first->id)
            j++;
        struct cat_fk *fk = &t->fks[t->nfks++];
        fk->ncolumns = fk->ntarget_columns = j - i;
        fk->columns = arena_alloc(r->a, fk->ncolumns * sizeof *fk->columns);
        fk->target_columns = arena_alloc(r->a, fk->ncolumns * sizeof *fk->target_columns);
        fk->target = first->target;
        bool ok = true;
        for (size_t k = i; k < j; k++) {
            struct fk_row *row = rows.items[k];
            long c = column_index(t, row->from);
            ok = ok && c >= 0;
            fk->columns[k - i] = c >= 0 ? (size_t)c : 0;
            fk->target_columns[k - i] = row->to;
        }
        if (!ok) {
            t->nfks--;
            i = j;
            continue;
        }
        /* the text's clause for the same columns and table: name, NO ACTION, DEFERRABLE */
        struct text_fk *text = NULL;
        for (size_t k = 0; k < tt->fks.count && !text; k++) {
            struct text_fk *x = tt->fks.items[k];
            if (!x->used && x->target && strcasecmp(x->target, fk->target) == 0 &&
                same_names(&x->columns, t, fk->columns, fk->ncolumns))
                text = x;
        }
        if (text) {
            text->used = true;
            fk->name = text->name;
            fk->deferrable = text->deferrable;
            fk->deferred = text->deferred;
        }
        fk->on_delete = action_of(r, t, first->on_delete, text && text->delete_no_action,
                                  "ON DELETE", fk);
        fk->on_update = action_of(r, t, first->on_update, text && text->update_no_action,
                                  "ON UPDATE", fk);
        if (first->match && strcmp(first->match, "NONE") != 0)
            fk->note = arena_printf(r->a, "MATCH %s cannot be said in the model: pulled "
                                    "without it", first->match);
        i = j;
    }
    vec_free(&rows);
    return true;
}

/* The N of sqlite_autoindex_TABLE_N: the order of the table's UNIQUE constraints. */
static long autoindex_number(const char *name)
{
    const char *u = strrchr(name, '_');
    return u ? strtol(u + 1, NULL, 10) : 0;
}

static bool read_keys(struct reader *r, struct cat_table *t, struct table_text *tt,
                      const struct vec *index_order)
{
    struct vec rows = {0};
    if (!each_row(r, "SELECT * FROM pragma_index_list(?1)", t->name, index_row, &rows)) {
        vec_free(&rows);
        return false;
    }
    /* constraints in their autoindex order, then CREATE INDEX in sqlite_master's order */
    struct vec ordered = {0};
    for (long pass = 0; pass < 2; pass++) {
        if (pass == 0) {
            long max = 0;
            for (size_t i = 0; i < rows.count; i++) {
                struct index_row *x = rows.items[i];
                if (strcmp(x->origin, "u") == 0 && autoindex_number(x->name) > max)
                    max = autoindex_number(x->name);
            }
            for (long k = 1; k <= max; k++)
                for (size_t i = 0; i < rows.count; i++) {
                    struct index_row *x = rows.items[i];
                    if (strcmp(x->origin, "u") == 0 && autoindex_number(x->name) == k)
                        vec_push(&ordered, x);
                }
        } else {
            for (size_t k = 0; k < index_order->count; k++)
                for (size_t i = 0; i < rows.count; i++) {
                    struct index_row *x = rows.items[i];
                    if (strcmp(x->origin, "c") == 0 && strcmp(x->name, index_order->items[k]) == 0)
                        vec_push(&ordered, x);
                }
        }
    }
    t->keys = arena_alloc(r->a, (ordered.count + 1) * sizeof *t->keys);
    for (size_t i = 0; i < ordered.count; i++) {
        struct index_row *x = ordered.items[i];
        struct vec cols = {0};
        if (!each_row(r, "SELECT * FROM pragma_index_xinfo(?1)", x->name, index_column_row,
                      &cols)) {
            vec_free(&cols);
            vec_free(&ordered);
            vec_free(&rows);
            return false;
        }
        struct cat_key *k = &t->keys[t->nkeys++];
        k->unique = x->unique;
        k->constraint = strcmp(x->origin, "u") == 0;
        k->name = k->constraint ? NULL : x->name;
        k->columns = arena_alloc(r->a, (cols.count + 1) * sizeof *k->columns);
        if (x->partial)
            k->inexpressible = "a partial index (WHERE ...)";
        for (size_t j = 0; j < cols.count; j++) {
            struct key_column *kc = cols.items[j];
            if (!kc->key)
                continue;
            if (kc->cid < 0)
                k->inexpressible = "an index on an expression";
            else if (kc->desc)
                k->inexpressible = "a descending index";
            else if (kc->coll && strcmp(kc->coll, "BINARY") != 0)
                k->inexpressible = arena_printf(r->a, "an index with COLLATE %s", kc->coll);
            else
                k->columns[k->ncolumns++] = (size_t)kc->cid;
        }
        if (k->constraint) {
            for (size_t j = 0; j < tt->uniques.count; j++) {
                struct text_unique *u = tt->uniques.items[j];
                if (!u->used && same_names(&u->columns, t, k->columns, k->ncolumns)) {
                    u->used = true;
                    k->name = u->name;
                    break;
                }
            }
        }
        vec_free(&cols);
    }
    vec_free(&ordered);
    vec_free(&rows);
    return true;
}

/* CHECK constraints: an enum's (col IN ('a', 'b')) and a bool's (col IN (0, 1)); any other
   is reported. */
static void read_checks(struct reader *r, struct cat_table *t, struct table_text *tt)
{
    for (size_t i = 0; i < tt->checks.count; i++) {
        struct text_check *ch = tt->checks.items[i];
        const char *column, **members;
        size_t nmembers;
        bool numeric;
        const char *text = arena_strndup(r->a, ch->toks[0].start,
                                         (size_t)(ch->toks[ch->n - 1].end - ch->toks[0].start));
        long c = -1;
        if (sql_parse_in_check(ch->toks, ch->n, r->a, &column, &members, &nmembers, &numeric) &&
            (!ch->column || strcasecmp(ch->column, column) == 0))
            c = column_index(t, column);
        struct cat_column *col = c >= 0 ? &t->columns[c] : NULL;
        if (col && !col->members && numeric && nmembers == 2 && strcmp(members[0], "0") == 0 &&
            strcmp(members[1], "1") == 0 && (col->type == TYPE_INT || col->type == TYPE_BOOL)) {
            col->type = TYPE_BOOL;
            col->type_note = NULL;
            col->int_or_time = false;
            col->check_name = ch->name;
            continue;
        }
        if (col && !col->members && !numeric && col->type == TYPE_TEXT) {
            col->members = members;
            col->nmembers = nmembers;
            col->check_name = ch->name;
            continue;
        }
        catalog_warn(r->c, t->name, col ? col->name : NULL, "CHECK %s%s%s cannot be said in "
                     "the model: not pulled", text, ch->name ? " named " : "",
                     ch->name ? ch->name : "");
    }
}

static bool read_table(struct reader *r, struct cat_table *t, const char *sql,
                       const struct master *m)
{
    struct table_text tt = {0};
    parse_create_table(sql, &tt, r->a);
    struct columns_ctx cc = {.table = t->name};
    bool ok = each_row(r, "SELECT * FROM pragma_table_xinfo(?1)", t->name, column_row, &cc);
    t->columns = arena_alloc(r->a, (cc.cols.count + 1) * sizeof *t->columns);
    for (size_t i = 0; i < cc.cols.count; i++) {
        t->columns[t->ncolumns++] = *(struct cat_column *)cc.cols.items[i];
        if (t->columns[i].pk)
            t->npk++;
    }
    vec_free(&cc.cols);
    /* the rowid: a single INTEGER PRIMARY KEY (not INT, not BIGINT) in a rowid table */
    for (size_t i = 0; i < t->ncolumns && t->npk == 1; i++) {
        struct cat_column *col = &t->columns[i];
        if (!col->pk)
            continue;
        if (strcasecmp(col->decl, "INTEGER") == 0 && !tt.without_rowid) {
            col->identity = true;
            if (tt.autoincrement)
                t->id_note = "AUTOINCREMENT is not kept (modelgen's id is INTEGER PRIMARY KEY: "
                             "SQLite may reuse the ids of deleted rows)";
        } else if (col->type == TYPE_INT) {
            t->id_note = arena_printf(r->a, "%s %s PRIMARY KEY is not SQLite's rowid (only "
                                      "INTEGER PRIMARY KEY is); pulled as modelgen's id",
                                      col->name, col->decl);
        }
    }
    if (tt.without_rowid)
        catalog_warn(r->c, t->name, NULL, "WITHOUT ROWID is not kept");
    if (tt.strict)
        catalog_warn(r->c, t->name, NULL, "STRICT is not kept");
    ok = ok && read_fks(r, t, &tt) && read_keys(r, t, &tt, &m->index_order);
    read_checks(r, t, &tt);
    for (size_t i = 0; i + 1 < tt.collations.count; i += 2)
        catalog_warn(r->c, t->name, tt.collations.items[i], "COLLATE %s is not kept",
                     (const char *)tt.collations.items[i + 1]);
    for (size_t i = 0; i + 1 < m->triggers.count; i += 2)
        if (strcasecmp(m->triggers.items[i], t->name) == 0)
            catalog_warn(r->c, t->name, NULL, "trigger %s cannot be said in the model: not "
                         "pulled", (const char *)m->triggers.items[i + 1]);
    for (size_t i = 0; i < tt.fks.count; i++)
        vec_free(&((struct text_fk *)tt.fks.items[i])->columns);
    for (size_t i = 0; i < tt.uniques.count; i++)
        vec_free(&((struct text_unique *)tt.uniques.items[i])->columns);
    vec_free(&tt.fks);
    vec_free(&tt.uniques);
    vec_free(&tt.checks);
    vec_free(&tt.collations);
    return ok;
}

int catalog_read_sqlite(const char *path, struct catalog *c)
{
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "modelgen: cannot open '%s': %s\n", path, strerror(errno));
        return 2;
    }
    struct reader r = {.c = c, .a = c->arena};
    if (sqlite3_open_v2(path, &r.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "modelgen: cannot open '%s': %s\n", path,
                r.db ? sqlite3_errmsg(r.db) : "out of memory");
        sqlite3_close(r.db);
        return 2;
    }
    sqlite3_busy_timeout(r.db, 5000);
    int rc = 0;
    struct master m = {0};
    /* one read transaction: every pragma sees the same schema */
    if (sqlite3_exec(r.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        !each_row(&r, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid",
                  NULL, master_row, &m)) {
        rc = 2;
    }
    c->tables = arena_alloc(c->arena, (m.tables.count + 1) * sizeof *c->tables);
    for (size_t i = 0; i < m.tables.count && rc == 0; i++) {
        struct pending_table *p = m.tables.items[i];
        struct cat_table *t = &c->tables[c->ntables++];
        t->name = p->name;
        if (!read_table(&r, t, p->sql, &m))
            rc = 2;
    }
    for (size_t i = 0; i + 1 < m.triggers.count; i += 2) {
        bool known = false;
        for (size_t j = 0; j < c->ntables; j++)
            known = known || strcasecmp(c->tables[j].name, m.triggers.items[i]) == 0;
        if (!known)
            catalog_warn(c, NULL, NULL, "trigger %s cannot be said in the model: not pulled",
                         (const char *)m.triggers.items[i + 1]);
    }
    sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL);
    vec_free(&m.tables);
    vec_free(&m.virtual_tables);
    vec_free(&m.triggers);
    vec_free(&m.index_order);
    sqlite3_close(r.db);
    return rc;
}
