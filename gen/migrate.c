/* modelgen migrate SCHEMA --dir DIR: writes DIR's next numbered migration, from the schema
   of DIR's last snapshot to SCHEMA. Also the reading of such directories, for
   modelgen SCHEMA -o OUT --migrations DIR (see migrate.h). */
#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "output.h"
#include "sql.h"

static const char *const suffixes[MIGRATION_FILE_KINDS] = {
    ".model", ".sqlite.sql", ".postgres.sql", ".sqlite.post.sql", ".postgres.post.sql",
};

/* The longest name migrate gives a migration, its number and suffix aside. */
enum { NAME_MAX_LEN = 60 };

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           c == '-';
}

/* ---- The directory ---- */

/* "0002_add_bio.sqlite.sql": version 2, name "add_bio" (name_len bytes at *name), the base
   "0002_add_bio" (base_len bytes of file), kind MIGRATION_SQLITE. */
static bool parse_file_name(const char *file, int *version, const char **name, size_t *name_len,
                            size_t *base_len, int *kind)
{
    const char *p = file;
    int v = 0, digits = 0;
    for (; is_digit(*p); p++, digits++)
        if (digits < 9)
            v = v * 10 + (*p - '0');
    if (digits < 4 || digits > 9 || v == 0 || *p != '_')
        return false;
    const char *n = ++p;
    while (is_name_char(*p))
        p++;
    if (p == n)
        return false;
    for (int k = 0; k < MIGRATION_FILE_KINDS; k++) {
        if (strcmp(p, suffixes[k]) == 0) {
            *version = v;
            *name = n;
            *name_len = (size_t)(p - n);
            *base_len = (size_t)(p - file);
            *kind = k;
            return true;
        }
    }
    return false;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_versions(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

/* The directory's file names, sorted (so that every message comes in the same order). */
static int list_files(const char *dir, struct vec *names, bool *missing)
{
    *missing = false;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) {
            *missing = true;
            return 0;
        }
        fprintf(stderr, "modelgen: cannot read directory '%s': %s\n", dir, strerror(errno));
        return 2;
    }
    struct dirent *e;
    for (errno = 0; (e = readdir(d)) != NULL; errno = 0)
        if (e->d_name[0] != '.')
            vec_push(names, xstrdup(e->d_name));
    int err = errno;
    closedir(d);
    if (err) {
        fprintf(stderr, "modelgen: cannot read directory '%s': %s\n", dir, strerror(err));
        return 2;
    }
    if (names->count)
        qsort(names->items, names->count, sizeof *names->items, compare_strings);
    return 0;
}

char *migration_path(const struct migration_dir *md, const struct migration *m, int kind)
{
    struct buf b = {0};
    buf_printf(&b, "%s%s", m->base, suffixes[kind]);
    char *path = path_join(md->path, b.data);
    buf_free(&b);
    return path;
}

void migration_dir_free(struct migration_dir *md)
{
    for (size_t i = 0; i < md->count; i++) {
        free(md->items[i].name);
        free(md->items[i].base);
    }
    free(md->items);
    free(md->path);
    memset(md, 0, sizeof *md);
}

int migration_dir_read(const char *dir, struct migration_dir *md)
{
    memset(md, 0, sizeof *md);
    md->path = xstrdup(dir);
    struct vec names = {0};
    bool missing;
    int rc = list_files(dir, &names, &missing);
    size_t cap = 0;
    for (size_t i = 0; rc != 2 && i < names.count; i++) {
        const char *file = names.items[i], *name;
        size_t name_len, base_len;
        int version, kind;
        if (!parse_file_name(file, &version, &name, &name_len, &base_len, &kind)) {
            if (is_digit(file[0])) {
                char *path = path_join(dir, file);
                fprintf(stderr, "modelgen: warning: ignoring '%s': not named "
                        "NNNN_name.model, .sqlite.sql, .postgres.sql, .sqlite.post.sql or "
                        ".postgres.post.sql\n", path);
                free(path);
            }
            continue;
        }
        struct migration *m = NULL;
        for (size_t j = 0; j < md->count && !m; j++)
            if (md->items[j].version == version)
                m = &md->items[j];
        if (m && (strlen(m->base) != base_len || memcmp(m->base, file, base_len) != 0)) {
            fprintf(stderr, "modelgen: '%s' holds two migrations numbered %d: '%s' and '%.*s'\n",
                    dir, version, m->base, (int)base_len, file);
            rc = 1;
            continue;
        }
        if (!m) {
            if (md->count == cap) {
                cap = cap ? cap * 2 : 8;
                md->items = xrealloc(md->items, cap * sizeof *md->items);
            }
            m = &md->items[md->count++];
            memset(m, 0, sizeof *m);
            m->version = version;
            struct buf b = {0};
            buf_putn(&b, name, name_len);
            m->name = b.data;
            memset(&b, 0, sizeof b);
            buf_putn(&b, file, base_len);
            m->base = b.data;
        }
        m->has[kind] = true;
    }
    for (size_t i = 0; i < names.count; i++)
        free(names.items[i]);
    vec_free(&names);
    if (rc == 2 || md->count == 0)
        return rc;
    qsort(md->items, md->count, sizeof *md->items, compare_versions);
    for (size_t i = 0; i < md->count; i++) {
        const struct migration *m = &md->items[i];
        if (m->version != (int)i + 1) {
            fprintf(stderr, "modelgen: '%s' has no migration %04d (the next one is %s): "
                    "migrations are numbered 1, 2, ... without a gap\n", dir, (int)i + 1,
                    m->base);
            rc = 1;
            break;
        }
        for (int k = MIGRATION_SQLITE; k <= MIGRATION_POSTGRES; k++) {
            if (!m->has[k]) {
                char *path = migration_path(md, m, k);
                fprintf(stderr, "modelgen: %s: missing (every migration has its SQL for "
                        "SQLite and PostgreSQL)\n", path);
                free(path);
                rc = 1;
            }
        }
        if (m->has[MIGRATION_SQLITE_POST] != m->has[MIGRATION_POSTGRES_POST]) {
            char *path = migration_path(md, m, m->has[MIGRATION_SQLITE_POST]
                                                   ? MIGRATION_POSTGRES_POST
                                                   : MIGRATION_SQLITE_POST);
            fprintf(stderr, "modelgen: %s: missing (a migration's hand-written SQL comes for "
                    "both dialects, so that NAME_migrate does the same on either; an empty "
                    "file says there is nothing to do on one)\n", path);
            free(path);
            rc = 1;
        }
    }
    const struct migration *last = &md->items[md->count - 1];
    if (rc == 0 && !last->has[MIGRATION_MODEL]) {
        char *path = migration_path(md, last, MIGRATION_MODEL);
        fprintf(stderr, "modelgen: %s: missing (the last migration's snapshot of the schema, "
                "which modelgen compares the schema with)\n", path);
        free(path);
        rc = 1;
    }
    return rc;
}

/* ---- A migration's SQLite file ---- */

/* Where a line of SQL starts: in code, or inside a string, a quoted name or a comment. */
enum lex { LEX_CODE, LEX_STRING, LEX_QUOTED, LEX_BACKTICK, LEX_BRACKET, LEX_COMMENT };

/* Appends the code of text[0..n) to code (lower case, without white space or comments),
   starting in state *st, and leaves *st as it is at the end. */
static void scan_line(const char *p, size_t n, enum lex *st, struct buf *code)
{
    static const char closing[] = {0, '\'', '"', '`', ']', 0};
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        switch (*st) {
        case LEX_CODE:
            if (c == '-' && i + 1 < n && p[i + 1] == '-')
                return;
            if (c == '/' && i + 1 < n && p[i + 1] == '*') {
                *st = LEX_COMMENT;
                i++;
                continue;
            }
            if (c == '\'')
                *st = LEX_STRING;
            else if (c == '"')
                *st = LEX_QUOTED;
            else if (c == '`')
                *st = LEX_BACKTICK;
            else if (c == '[')
                *st = LEX_BRACKET;
            if (!is_space(c))
                buf_putc(code, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
            break;
        case LEX_COMMENT:
            if (c == '*' && i + 1 < n && p[i + 1] == '/') {
                *st = LEX_CODE;
                i++;
            }
            break;
        default:
            /* a doubled quote closes the string and opens it again */
            buf_putc(code, c);
            if (c == closing[*st])
                *st = LEX_CODE;
            break;
        }
    }
}

static bool code_is(const char *code, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(code, *words) == 0)
            return true;
    return false;
}

static const char *const begin_words[] = {
    "begin;", "begintransaction;", "begindeferred;", "begindeferredtransaction;",
    "beginimmediate;", "beginimmediatetransaction;", "beginexclusive;",
    "beginexclusivetransaction;", NULL,
};
static const char *const commit_words[] = {"commit;", "committransaction;", "endtransaction;",
                                           NULL};
static const char *const rollback_words[] = {"rollback;", "rollbacktransaction;", NULL};
static const char *const keys_off_words[] = {
    "pragmaforeign_keys=off;", "pragmaforeign_keys=0;", "pragmaforeign_keys=false;",
    "pragmaforeign_keys=no;", NULL,
};
static const char *const keys_on_words[] = {
    "pragmaforeign_keys=on;", "pragmaforeign_keys=1;", "pragmaforeign_keys=true;",
    "pragmaforeign_keys=yes;", NULL,
};

struct sql_line {
    size_t start, next;     /* the line's bytes, its '\n' included */
    enum lex at;            /* the state at its start */
    char *code;
    bool blank;             /* white space only */
};

bool migration_strip(const char *text, size_t len, struct buf *sql, bool *foreign_keys_off,
                     bool *check_foreign_keys, int *bad_line, const char **why)
{
    struct sql_line *lines = NULL;
    size_t nlines = 0, cap = 0;
    enum lex st = LEX_CODE;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t next = nl ? (size_t)(nl - text) + 1 : len;
        if (nlines == cap) {
            cap = cap ? cap * 2 : 64;
            lines = xrealloc(lines, cap * sizeof *lines);
        }
        struct sql_line *l = &lines[nlines++];
        struct buf code = {0};
        buf_puts(&code, "");
        l->start = at;
        l->next = next;
        l->at = st;
        scan_line(text + at, next - at, &st, &code);
        l->code = code.data;
        l->blank = true;
        for (size_t i = at; i < next; i++)
            if (!is_space(text[i]))
                l->blank = false;
        at = next;
    }

    *foreign_keys_off = *check_foreign_keys = false;
    *bad_line = 0;
    *why = NULL;
    size_t begin = nlines, commit = nlines;
    for (size_t i = 0; i < nlines; i++) {
        if (lines[i].at != LEX_CODE)
            continue;
        if (begin == nlines && code_is(lines[i].code, begin_words))
            begin = i;
        else if (begin < nlines && code_is(lines[i].code, commit_words))
            commit = i;
    }
    if (begin == nlines) {
        *bad_line = nlines ? (int)nlines : 1;
        *why = "no BEGIN; line: a migration is one transaction, between a BEGIN; line and "
               "a COMMIT; line";
    } else if (commit == nlines) {
        *bad_line = (int)nlines;
        *why = "no COMMIT; line after BEGIN;";
    }
    for (size_t i = 0; !*why && i < begin; i++) {
        if (lines[i].code[0] == '\0')
            continue;
        if (lines[i].at == LEX_CODE && code_is(lines[i].code, keys_off_words)) {
            *foreign_keys_off = true;
            continue;
        }
        *bad_line = (int)i + 1;
        *why = "only comments and PRAGMA foreign_keys = OFF; may come before BEGIN;";
    }
    for (size_t i = commit + 1; !*why && i < nlines; i++) {
        if (lines[i].code[0] == '\0' ||
            (lines[i].at == LEX_CODE && code_is(lines[i].code, keys_on_words)))
            continue;
        *bad_line = (int)i + 1;
        *why = "only comments and PRAGMA foreign_keys = ON; may come after COMMIT;";
    }
    bool leading = true;
    for (size_t i = begin + 1; !*why && i < commit; i++) {
        const struct sql_line *l = &lines[i];
        if (l->at == LEX_CODE) {
            if (strncmp(l->code, "pragmaforeign_key_check", 23) == 0 &&
                l->code[strlen(l->code) - 1] == ';') {
                *check_foreign_keys = true;
                continue;
            }
            if (strncmp(l->code, "pragmaforeign_keys", 18) == 0) {
                *bad_line = (int)i + 1;
                *why = "PRAGMA foreign_keys does nothing inside a transaction; it belongs "
                       "before BEGIN; (OFF) and after COMMIT; (ON)";
                break;
            }
            if (code_is(l->code, begin_words) || code_is(l->code, commit_words) ||
                code_is(l->code, rollback_words)) {
                *bad_line = (int)i + 1;
                *why = "a transaction statement inside the migration's transaction";
                break;
            }
        }
        if (leading && l->blank && l->at == LEX_CODE)
            continue;
        leading = false;
        buf_putn(sql, text + l->start, l->next - l->start);
    }
    /* a rebuild is checked whether or not its file says so */
    if (*foreign_keys_off)
        *check_foreign_keys = true;
    for (size_t i = 0; i < nlines; i++)
        free(lines[i].code);
    free(lines);
    return *why == NULL;
}

/* Whether a post file's text is statements a transaction can hold: no transaction
   statement and no foreign-key pragma (whether keys are off and checked is the migration's
   own file's to say). */
static bool post_check(const char *text, size_t len, int *bad_line, const char **why)
{
    enum lex st = LEX_CODE;
    int line = 0;
    *why = NULL;
    for (size_t at = 0; at < len && !*why;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t next = nl ? (size_t)(nl - text) + 1 : len;
        enum lex start = st;
        struct buf code = {0};
        buf_puts(&code, "");
        scan_line(text + at, next - at, &st, &code);
        line++;
        if (start == LEX_CODE) {
            if (code_is(code.data, begin_words) || code_is(code.data, commit_words) ||
                code_is(code.data, rollback_words))
                *why = "a transaction statement: the hand-written SQL runs inside the "
                       "migration's transaction, after its statements";
            else if (strncmp(code.data, "pragmaforeign_key", 17) == 0)
                *why = "a foreign-key pragma: the migration's own file says whether it runs "
                       "with foreign keys off and checked";
        }
        buf_free(&code);
        at = next;
    }
    *bad_line = line;
    return *why == NULL;
}

/* Appends migration m's post file of `kind` to *sql: a comment saying where it comes from,
   then its text as it is. Returns 0, 1 (a statement it may not hold) or 2. */
static int load_post(const struct migration_dir *md, const struct migration *m, int kind,
                     struct buf *sql, struct vec *read)
{
    char *path = migration_path(md, m, kind);
    if (read)
        vec_push(read, xstrdup(path));
    struct source src;
    if (!source_load(&src, path)) {
        fprintf(stderr, "modelgen: cannot read '%s': %s\n", path, strerror(errno));
        free(path);
        return 2;
    }
    int rc = 0, line;
    const char *why;
    if (!post_check(src.text, src.size, &line, &why)) {
        fprintf(stderr, "%s:%d: error: %s\n", path, line, why);
        rc = 1;
    } else {
        if (sql->len && sql->data[sql->len - 1] != '\n')
            buf_putc(sql, '\n');
        buf_printf(sql, "-- hand-written, from the migration's %s file\n", suffixes[kind] + 1);
        buf_putn(sql, src.text, src.size);
        if (src.size && src.text[src.size - 1] != '\n')
            buf_putc(sql, '\n');
    }
    source_free(&src);
    free(path);
    return rc;
}

/* Reads DIR's migration m's SQL file of `kind` (MIGRATION_SQLITE or MIGRATION_POSTGRES) and
   takes it apart. Returns 0, 1 (malformed) or 2. */
static int load_sql(const struct migration_dir *md, const struct migration *m, int kind,
                    struct buf *sql, bool *keys_off, bool *check, struct vec *read)
{
    char *path = migration_path(md, m, kind);
    if (read)
        vec_push(read, xstrdup(path));
    struct source src;
    int rc = 0;
    if (!source_load(&src, path)) {
        fprintf(stderr, "modelgen: cannot read '%s': %s\n", path, strerror(errno));
        free(path);
        return 2;
    }
    int line;
    const char *why;
    if (!migration_strip(src.text, src.size, sql, keys_off, check, &line, &why)) {
        fprintf(stderr, "%s:%d: error: %s\n", path, line, why);
        rc = 1;
    }
    source_free(&src);
    free(path);
    int post = kind == MIGRATION_SQLITE ? MIGRATION_SQLITE_POST : MIGRATION_POSTGRES_POST;
    if (rc == 0 && m->has[post])
        rc = load_post(md, m, post, sql, read);
    return rc;
}

/* ---- Comparing with the last snapshot ---- */

/* Compiles DIR's last snapshot into *old. Returns compile_file's status, after saying
   which snapshot failed. */
static int compile_snapshot(const struct migration_dir *md, struct compiled *old, char **path)
{
    *path = migration_path(md, &md->items[md->count - 1], MIGRATION_MODEL);
    int rc = compile_file(*path, old);
    if (rc == 1)
        fprintf(stderr, "modelgen: the snapshot '%s' does not compile, so there is nothing "
                "to compare the schema with\n", *path);
    return rc;
}

/* Every migration of md, as it runs, into *list (from a). Returns 0, 1 or 2. */
static int load_all(const struct migration_dir *md, struct arena *a,
                    struct cgen_migration **list, size_t *n, struct vec *read)
{
    struct cgen_migration *out = arena_alloc(a, md->count * sizeof *out);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < md->count; i++) {
        struct buf sql = {0}, postgres = {0};
        bool pg_keys_off, pg_check;     /* SQLite's pragmas: none in a PostgreSQL file */
        buf_puts(&sql, "");
        buf_puts(&postgres, "");
        out[i].version = md->items[i].version;
        out[i].name = arena_strdup(a, md->items[i].name);
        rc = load_sql(md, &md->items[i], MIGRATION_SQLITE, &sql, &out[i].foreign_keys_off,
                      &out[i].check_foreign_keys, read);
        if (rc == 0)
            rc = load_sql(md, &md->items[i], MIGRATION_POSTGRES, &postgres, &pg_keys_off,
                          &pg_check, read);
        out[i].sql = arena_strndup(a, sql.data, sql.len);
        out[i].len = sql.len;
        out[i].postgres_sql = arena_strndup(a, postgres.data, postgres.len);
        out[i].postgres_len = postgres.len;
        buf_free(&sql);
        buf_free(&postgres);
    }
    if (rc == 0) {
        *list = out;
        *n = md->count;
    }
    return rc;
}

int migrations_load(const char *dir, const struct schema *s, const char *schema_path,
                    struct arena *a, struct cgen_migration **list, size_t *n,
                    struct vec *read)
{
    struct migration_dir md;
    int rc = migration_dir_read(dir, &md);
    *list = NULL;
    *n = 0;
    if (rc == 0 && md.count == 0) {
        fprintf(stderr, "modelgen: '%s' holds no migrations; run modelgen migrate %s --dir %s "
                "first\n", dir, schema_path, dir);
        rc = 1;
    }
    if (rc == 0) {
        struct compiled old;
        char *snapshot;
        rc = compile_snapshot(&md, &old, &snapshot);
        if (read)
            vec_push(read, xstrdup(snapshot));
        if (rc == 0) {
            struct arena *da = arena_new();
            if (!diff_empty(diff_compute(old.schema, s, da))) {
                fprintf(stderr, "modelgen: %s differs from %s, the last migration in '%s'; "
                        "run modelgen migrate %s --dir %s first\n", schema_path, snapshot,
                        dir, schema_path, dir);
                rc = 1;
            }
            arena_free(da);
        }
        release_compiled(&old);
        free(snapshot);
    }
    if (rc == 0)
        rc = load_all(&md, a, list, n, read);
    migration_dir_free(&md);
    return rc;
}

int migrations_read(const char *dir, struct arena *a, struct cgen_migration **list, size_t *n)
{
    struct migration_dir md;
    *list = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "modelgen: cannot read directory '%s': %s\n", dir, strerror(errno));
        return 2;
    }
    closedir(d);
    int rc = migration_dir_read(dir, &md);
    if (rc == 0 && md.count == 0) {
        fprintf(stderr, "modelgen: '%s' holds no migrations (modelgen migrate writes them)\n",
                dir);
        rc = 1;
    }
    if (rc == 0)
        rc = load_all(&md, a, list, n, NULL);
    migration_dir_free(&md);
    return rc;
}

/* ---- modelgen migrate ---- */

/* The migration's name from the diff's: letters, digits, '_' and '-', at most
   NAME_MAX_LEN of them; "changes" when nothing is left. */
static char *clean_name(const char *raw)
{
    struct buf b = {0};
    for (const char *p = raw ? raw : ""; *p && b.len < NAME_MAX_LEN; p++)
        buf_putc(&b, is_name_char(*p) ? *p : '_');
    while (b.len > 0 && (b.data[b.len - 1] == '_' || b.data[b.len - 1] == '-'))
        b.data[--b.len] = '\0';
    if (b.len == 0)
        buf_puts(&b, "changes");
    return b.data;
}

static void set_file(struct output_file *f, const char *base, int kind)
{
    struct buf b = {0};
    buf_printf(&b, "%s%s", base, suffixes[kind]);
    memset(f, 0, sizeof *f);
    f->name = b.data;
    buf_puts(&f->text, "");
}

/* Writes the three files of migration `base`, after checking that NAME_migrate can embed
   its SQLite SQL. */
static int write_migration(const char *dir, const char *base, struct output_file files[])
{
    struct buf sql = {0};
    bool keys_off, check;
    int line, rc = 0;
    const char *why;
    if (!migration_strip(files[MIGRATION_SQLITE].text.data, files[MIGRATION_SQLITE].text.len,
                         &sql, &keys_off, &check, &line, &why)) {
        fprintf(stderr, "modelgen: internal error: the SQLite migration %s is malformed at "
                "line %d: %s; nothing written\n", base, line, why);
        rc = 2;
    }
    buf_free(&sql);
    if (rc == 0)
        rc = output_write(dir, files, MIGRATION_KINDS);
    static const int order[] = {MIGRATION_SQLITE, MIGRATION_POSTGRES, MIGRATION_MODEL};
    for (int k = 0; rc == 0 && k < MIGRATION_KINDS; k++) {
        char *path = path_join(dir, files[order[k]].name);
        printf("wrote %s\n", path);
        free(path);
    }
    return rc;
}

/* The next migration after DIR's last, from the diff of its snapshot and `now`. */
static int next_migration(const struct migration_dir *md, struct compiled *now,
                          const char *schema_path, bool allow_data_loss, const char *chosen,
                          struct output_file files[])
{
    struct compiled old;
    char *snapshot;
    int rc = compile_snapshot(md, &old, &snapshot);
    if (rc != 0) {
        release_compiled(&old);
        free(snapshot);
        return rc;
    }
    struct arena *a = arena_new();
    struct diff *df = diff_compute(old.schema, now->schema, a);
    if (diff_empty(df)) {
        printf("%s: no change since %s; nothing written\n", schema_path, snapshot);
    } else if (diff_report_errors(df, &now->diag) > 0) {
        diag_flush(&now->diag);
        fprintf(stderr, "modelgen: no migration can take %s to %s; nothing written\n",
                snapshot, schema_path);
        rc = 1;
    } else {
        int lossy;
        if (!allow_data_loss) {
            /* the diagnostics name each change at its line (in the snapshot for what the
               schema no longer has) */
            lossy = diff_report_destructive(df, &old.diag, &now->diag);
            diag_flush(&old.diag);
            diag_flush(&now->diag);
        } else {
            struct diag quiet_old, quiet_new;
            diag_init(&quiet_old, &old.src, NULL);
            diag_init(&quiet_new, &now->src, NULL);
            lossy = diff_report_destructive(df, &quiet_old, &quiet_new);
        }
        if (lossy && !allow_data_loss) {
            fprintf(stderr, "modelgen: refusing %d destructive change%s; nothing written "
                    "(rerun with --allow-data-loss to write the migration anyway)\n", lossy,
                    lossy == 1 ? "" : "s");
            rc = 1;
        } else {
            char *name = clean_name(chosen ? chosen : diff_name(df, a));
            struct buf base = {0};
            buf_printf(&base, "%04d_%s", md->items[md->count - 1].version + 1, name);
            for (int k = 0; k < MIGRATION_KINDS; k++)
                set_file(&files[k], base.data, k);
            diff_sql(&files[MIGRATION_SQLITE].text, df, DIALECT_SQLITE);
            diff_sql(&files[MIGRATION_POSTGRES].text, df, DIALECT_POSTGRES);
            buf_putn(&files[MIGRATION_MODEL].text, now->src.text, now->src.size);
            rc = write_migration(md->path, base.data, files);
            if (rc == 0 && lossy)
                fprintf(stderr, "modelgen: warning: %s loses data: %d destructive change%s, "
                        "allowed by --allow-data-loss, each commented in its SQL\n", base.data,
                        lossy, lossy == 1 ? "" : "s");
            buf_free(&base);
            free(name);
        }
    }
    arena_free(a);
    release_compiled(&old);
    free(snapshot);
    return rc;
}

/* Prints the comment lines of the migration's PostgreSQL SQL below its header: the
   sentence diff writes above each change (and what a destructive one loses), indented. */
static void print_changes(const struct diff *df)
{
    struct buf sql = {0};
    diff_sql(&sql, df, DIALECT_POSTGRES);
    bool header = true;
    for (const char *p = sql.data; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        bool comment = n >= 3 && strncmp(p, "-- ", 3) == 0;
        if (!comment)
            header = false;
        else if (!header)
            fprintf(stderr, "  %.*s\n", (int)(n - 3), p + 3);
        p += n + (nl != NULL);
    }
    buf_free(&sql);
}

/* migrate --check: exit 1, naming them, when SCHEMA has changes no migration in md holds;
   writes nothing. */
static int check_migrations(const struct migration_dir *md, struct compiled *now,
                            const char *schema_path, const char *chosen)
{
    if (md->count == 0) {
        fprintf(stderr, "modelgen: '%s' holds no migration; modelgen migrate %s --dir %s would "
                "write %04d_%s\n", md->path, schema_path, md->path, 1,
                chosen ? chosen : "initial");
        return 1;
    }
    struct compiled old;
    char *snapshot;
    int rc = compile_snapshot(md, &old, &snapshot);
    struct arena *a = arena_new();
    if (rc == 0) {
        struct diff *df = diff_compute(old.schema, now->schema, a);
        if (diff_empty(df)) {
            printf("%s: no change since %s; every change is in a migration\n", schema_path,
                   snapshot);
        } else {
            struct diag quiet_old, quiet_new;
            diag_init(&quiet_old, &old.src, NULL);
            diag_init(&quiet_new, &now->src, NULL);
            int refused = diff_report_errors(df, &quiet_new) +
                          diff_report_destructive(df, &quiet_old, &quiet_new);
            char *name = clean_name(chosen ? chosen : diff_name(df, a));
            fprintf(stderr, "modelgen: %s has changes since %s that no migration holds:\n",
                    schema_path, snapshot);
            print_changes(df);
            fprintf(stderr, "modelgen: modelgen migrate %s --dir %s would write %04d_%s%s\n",
                    schema_path, md->path, md->items[md->count - 1].version + 1, name,
                    refused ? " (it refuses destructive changes without --allow-data-loss)"
                            : "");
            free(name);
            rc = 1;
        }
    }
    arena_free(a);
    release_compiled(&old);
    free(snapshot);
    return rc;
}

/* A name given with --name: letters, digits and '_', at most NAME_MAX_LEN of them. */
static bool valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > NAME_MAX_LEN)
        return false;
    for (const char *p = name; *p; p++)
        if (!is_name_char(*p) || *p == '-')
            return false;
    return true;
}

int cmd_migrate(int argc, char **argv)
{
    const char *path = NULL, *dir = NULL, *name = NULL;
    bool allow_data_loss = false, check_only = false;
    for (int i = 0; i < argc; i++) {
        int got;
        if ((got = cli_option(argc, argv, &i, "--dir", NULL, "a directory", &dir)) ||
            (got = cli_option(argc, argv, &i, "--name", NULL, "a name", &name))) {
            if (got == 2)
                return 2;
        } else if (strcmp(argv[i], "--check") == 0) {
            check_only = true;
        } else if (strcmp(argv[i], "--allow-data-loss") == 0) {
            allow_data_loss = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option '%s'", argv[i]);
        } else if (path) {
            return usage_error("unexpected argument '%s'", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return usage_error("%s", "migrate needs a schema file");
    if (!dir || !*dir)
        return usage_error("%s", "migrate needs the migrations directory (--dir DIR)");
    if (name && !valid_name(name))
        return usage_error("--name '%s': a migration's name is letters, digits and '_' "
                           "(at most 60)", name);

    struct compiled now;
    int rc = compile_file(path, &now);
    struct migration_dir md = {0};
    if (rc == 0)
        rc = migration_dir_read(dir, &md);
    struct output_file files[MIGRATION_KINDS];
    memset(files, 0, sizeof files);
    struct buf first = {0};
    buf_printf(&first, "0001_%s", name ? name : "initial");
    if (rc == 0 && check_only) {
        rc = check_migrations(&md, &now, path, name);
    } else if (rc == 0 && md.count == 0) {
        for (int k = 0; k < MIGRATION_KINDS; k++)
            set_file(&files[k], first.data, k);
        sql_generate(&files[MIGRATION_SQLITE].text, now.schema, DIALECT_SQLITE);
        sql_generate(&files[MIGRATION_POSTGRES].text, now.schema, DIALECT_POSTGRES);
        buf_putn(&files[MIGRATION_MODEL].text, now.src.text, now.src.size);
        rc = write_migration(dir, first.data, files);
    } else if (rc == 0) {
        rc = next_migration(&md, &now, path, allow_data_loss, name, files);
    }
    for (int k = 0; k < MIGRATION_KINDS; k++) {
        free((char *)files[k].name);
        buf_free(&files[k].text);
    }
    buf_free(&first);
    migration_dir_free(&md);
    release_compiled(&now);
    return rc;
}
