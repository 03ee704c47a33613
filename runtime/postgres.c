/* The PostgreSQL engine, over libpq: one struct mg_engine for core.c.

   Every value travels in binary with an explicit type (int8, float8, bool, bytea,
   timestamptz) or as text, so that no result depends on the session's TimeZone,
   DateStyle or extra_float_digits. Statements are cached per connection by (sql address,
   how); the server-side PQprepare happens at the first step, when the bound types are
   known, and again after a reconnect.

   Recovery after a lost connection (the server restarted, the backend was terminated,
   the network failed): the call that meets the loss fails with MG_ERROR and a message
   saying the connection was lost; it is never retried, since a write may or may not
   have happened. Then:
    - if no transaction was open, the next prepare, exec, query_int or begin reconnects
      (PQreset, once per call; with several hosts in the URI libpq picks again, e.g. the
      promoted standby) and runs on the new connection; every statement is prepared again
      on first use;
    - if a transaction was open, it is gone (the server rolled it back, unless the loss
      came during the COMMIT itself, which says so): every call fails with MG_ERROR until
      mg_rollback, which reconnects and returns MG_OK; mg_commit fails with MG_ERROR and
      ends it too. Nothing of such a transaction is ever half-committed, and none of its
      later statements runs outside it. */
#include "engine.h"

#include <libpq-fe.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Built-in type OIDs (PostgreSQL's pg_type.dat); they never change. */
enum {
    OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21,
    OID_INT4 = 23, OID_TEXT = 25, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_UNKNOWN = 705,
    OID_BPCHAR = 1042, OID_VARCHAR = 1043, OID_TIMESTAMPTZ = 1184, OID_NUMERIC = 1700
};

/* timestamptz counts microseconds from 2000-01-01 00:00 UTC; these are its finite range
   (4714-11-24 BC to 294277-01-01, exclusive) as the server checks it. */
#define PG_EPOCH_SECONDS INT64_C(946684800)
#define PG_TIME_MIN INT64_C(-211813488000000000)
#define PG_TIME_END INT64_C(9223371331200000000)

/* The most parameters one statement may have (the protocol's limit). */
enum { MAX_PARAMS = 65535 };

/* The advisory lock migrations take: "modelgen" in ASCII. */
#define MIGRATION_LOCK_SQL "SELECT pg_advisory_xact_lock(7885631859322217838)"

/* How many of a result's column types a statement remembers. */
enum { FTYPES_CACHED = 32 };

struct mg_stmt {
    const char *key;            /* the sql the core passed, a key by address */
    int how;                    /* MG_PREP_ */
    char *text;                 /* translated: $N placeholders, RETURNING id */
    int nparams;
    char name[16];              /* "mg_N" */
    unsigned long prepared;     /* the generation it was prepared in; 0: not yet */
    bool broken;                /* the server refused to prepare it: made anew next time */
    bool stale;                 /* its result's shape changed: prepared anew next time */
    Oid *prepared_types;        /* the types it was prepared with */
    /* the bound parameters */
    Oid *types;                 /* 0: not bound yet */
    const char **values;
    int *lengths;
    int *formats;
    unsigned char (*scalars)[8]; /* binary values of scalars, big-endian */
    /* the run */
    PGresult *res;
    int row, nrows;
    Oid ftypes[FTYPES_CACHED];  /* the result's first column types, 0 until looked up */
    int64_t changes, inserted_id;
    char scratch[32];           /* column_text of a number */
    char *textbuf;              /* column_text of a numeric */
    size_t textcap;
};

struct cache_slot {
    const char *key;            /* NULL: empty */
    int how;
    struct mg_stmt *st;
};

typedef struct pg_db {
    struct mg_db base;
    PGconn *conn;
    struct cache_slot *cache;   /* open addressing, linear probing */
    size_t cache_cap;           /* 0 or a power of two */
    size_t cache_count;
    unsigned long generation;   /* bumped by every reconnect */
    unsigned long next_name;
    /* whether a transaction was open at the last round trip: when the connection is
       lost, whether a transaction was lost with it */
    bool tx_open;
} pg_db;

extern const struct mg_engine mg_postgres_engine;

static pg_db *pg(mg_db *db)
{
    return (pg_db *)db;
}

/* ---- Messages ---- */

/* Copies src into dst (of size cap, from *len on) with runs of newlines, tabs and spaces
   folded into single spaces (none at the end), so that a message is one line. */
static void append_line(char *dst, size_t cap, size_t *len, const char *src)
{
    bool space = false;

    for (; *src != '\0' && *len + 1 < cap; src++) {
        if (*src == '\n' || *src == '\t' || *src == '\r') {
            space = true;
            continue;
        }
        if (space && *len > 0 && dst[*len - 1] != ' ' && *len + 2 < cap)
            dst[(*len)++] = ' ';
        space = false;
        if (*src == ' ' && *len > 0 && dst[*len - 1] == ' ')
            continue;
        dst[(*len)++] = *src;
    }
    dst[*len] = '\0';
}

static int fail_with(mg_db *db, int status, const char *prefix, const char *what)
{
    char msg[sizeof db->msg];
    size_t len = 0;

    msg[0] = '\0';
    append_line(msg, sizeof msg, &len, prefix);
    append_line(msg, sizeof msg, &len, what);
    return mg_failed(db, status, msg);
}

/* The connection is gone: say so, and what became of the transaction. */
static int fail_lost(mg_db *db, bool during_commit)
{
    pg_db *p = pg(db);
    char msg[sizeof db->msg];
    size_t len = 0;
    const char *why = PQerrorMessage(p->conn);

    msg[0] = '\0';
    append_line(msg, sizeof msg, &len, "lost the connection to the PostgreSQL server");
    if (why != NULL && *why != '\0') {
        append_line(msg, sizeof msg, &len, " (");
        append_line(msg, sizeof msg, &len, why);
        append_line(msg, sizeof msg, &len, ")");
    }
    if (during_commit)
        append_line(msg, sizeof msg, &len,
                    "; the COMMIT may or may not have taken effect");
    else if (p->tx_open)
        append_line(msg, sizeof msg, &len,
                    "; the transaction was rolled back: mg_rollback ends it and reconnects");
    else
        append_line(msg, sizeof msg, &len, "; the next call reconnects");
    return mg_failed(db, MG_ERROR, msg);
}

/* Remembers whether a transaction is open after a round trip that kept the
   connection. */
static void note_tx(pg_db *p)
{
    PGTransactionStatusType ts = PQtransactionStatus(p->conn);

    if (ts != PQTRANS_UNKNOWN)
        p->tx_open = ts != PQTRANS_IDLE;
}

static int status_of_sqlstate(const char *state)
{
    if (state == NULL || strlen(state) != 5)
        return MG_ERROR;
    if (strncmp(state, "23", 2) == 0)
        return MG_CONSTRAINT;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0
        || strcmp(state, "55P03") == 0)
        return MG_BUSY;
    if (strcmp(state, "53200") == 0)
        return MG_NOMEM;
    return MG_ERROR;
}

/* ---- Which constraint failed ----

   The kind from the SQLSTATE (23505 unique, 23503 foreign key, 23502 not null, 23514
   check); the table, the constraint and a NOT NULL's column from the error's fields; a
   key's columns from its detail ("Key (a, b)=(1, 2) already exists."), whose
   "(a, b)=(" is the same in every language the server speaks. A unique violation of
   TABLE_pkey, PostgreSQL's name for a primary key, is MG_PRIMARY_KEY. */

/* The column list of such a detail into buf, without the quotes of quoted names. */
static size_t key_columns(const char *detail, char *buf, size_t cap)
{
    const char *open = detail ? strchr(detail, '(') : NULL;
    const char *close = open ? strstr(open, ")=(") : NULL, *p;
    size_t n = 0;

    if (close == NULL)
        return 0;
    for (p = open + 1; p < close && n + 1 < cap; p++) {
        if (*p == '"' && p + 1 < close && p[1] == '"')
            buf[n++] = *p++;    /* "" inside a quoted name */
        else if (*p != '"')
            buf[n++] = *p;
    }
    buf[n] = '\0';
    return n;
}

static bool primary_key_name(const char *table, const char *name)
{
    size_t n = name ? strlen(name) : 0;

    /* a long table's name is cut to fit NAMEDATALEN */
    return table != NULL && n > 5 && strcmp(name + n - 5, "_pkey") == 0
           && strncmp(table, name, n - 5) == 0;
}

static void note_constraint(mg_db *db, const PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
    const char *name = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    char columns[256];
    size_t ncolumns = 0;
    int kind = MG_OTHER_CONSTRAINT;

    if (state != NULL && strcmp(state, "23505") == 0)
        kind = primary_key_name(table, name) ? MG_PRIMARY_KEY : MG_UNIQUE;
    else if (state != NULL && strcmp(state, "23503") == 0)
        kind = MG_FOREIGN_KEY;
    else if (state != NULL && strcmp(state, "23502") == 0)
        kind = MG_NOT_NULL;
    else if (state != NULL && strcmp(state, "23514") == 0)
        kind = MG_CHECK;
    if (column != NULL)
        ncolumns = (size_t)snprintf(columns, sizeof columns, "%s", column);
    else if (kind == MG_UNIQUE || kind == MG_PRIMARY_KEY || kind == MG_FOREIGN_KEY)
        ncolumns = key_columns(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL), columns,
                               sizeof columns);
    if (ncolumns >= sizeof columns)
        ncolumns = sizeof columns - 1;
    mg_set_constraint(db, kind, table, table ? strlen(table) : 0, name,
                      name ? strlen(name) : 0, columns, ncolumns);
}

/* A result that is not a success, or none at all: maps it, records the server's message
   (primary and detail on one line) and clears it. */
static int fail_result(mg_db *db, PGresult *res, bool during_commit)
{
    pg_db *p = pg(db);
    char msg[sizeof db->msg];
    size_t len = 0;
    const char *primary, *detail;
    int status;

    if (PQstatus(p->conn) == CONNECTION_BAD) {
        PQclear(res);
        return fail_lost(db, during_commit);
    }
    note_tx(p);
    if (res == NULL)
        return fail_with(db, MG_NOMEM, "out of memory in libpq: ", PQerrorMessage(p->conn));
    status = status_of_sqlstate(PQresultErrorField(res, PG_DIAG_SQLSTATE));
    primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    msg[0] = '\0';
    if (primary != NULL) {
        append_line(msg, sizeof msg, &len, primary);
        if (detail != NULL) {
            append_line(msg, sizeof msg, &len, ": ");
            append_line(msg, sizeof msg, &len, detail);
        }
    } else {
        append_line(msg, sizeof msg, &len, PQresultErrorMessage(res));
        if (len == 0)
            append_line(msg, sizeof msg, &len, PQerrorMessage(p->conn));
        if (len == 0)
            append_line(msg, sizeof msg, &len, PQresStatus(PQresultStatus(res)));
    }
    mg_failed(db, status, msg);
    if (status == MG_CONSTRAINT)
        note_constraint(db, res);
    PQclear(res);
    return status;
}

static bool result_ok(const PGresult *res)
{
    ExecStatusType s = PQresultStatus(res);
    return res != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

/* ---- The connection ---- */

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The rule at the top of the file: before a call that may start new work, a connection
   lost outside a transaction is reset once. */
static int ensure_connected(mg_db *db)
{
    pg_db *p = pg(db);

    if (PQstatus(p->conn) != CONNECTION_BAD)
        return MG_OK;
    if (p->tx_open)
        return mg_failed(db, MG_ERROR,
                         "the connection to the PostgreSQL server was lost inside a "
                         "transaction: mg_rollback ends it and reconnects");
    PQreset(p->conn);
    p->generation++;
    if (PQstatus(p->conn) == CONNECTION_BAD)
        return fail_with(db, MG_ERROR, "cannot reconnect to PostgreSQL: ",
                         PQerrorMessage(p->conn));
    note_tx(p);
    return MG_OK;
}

/* Ends a run. The bindings go too: they point into the caller's memory, which only
   lives for its call, so a later run that forgot one fails (MG_MISUSE) instead of
   reading freed memory. */
static void clear_run(struct mg_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->nrows = 0;
    if (st->types != NULL && st->nparams > 0)
        memset(st->types, 0, (size_t)st->nparams * sizeof *st->types);
}

static void free_stmt(struct mg_stmt *st)
{
    if (st == NULL)
        return;
    clear_run(st);
    free(st->text);
    free(st->prepared_types);
    free(st->types);
    free(st->values);
    free(st->lengths);
    free(st->formats);
    free(st->scalars);
    free(st->textbuf);
    free(st);
}

static int pg_close(mg_db *db)
{
    pg_db *p = pg(db);
    size_t i;

    if (db == NULL)
        return MG_OK;
    for (i = 0; i < p->cache_cap; i++)
        free_stmt(p->cache[i].st);
    free(p->cache);
    PQfinish(p->conn);
    free(p);
    return MG_OK;
}

int mg_postgres_open(const char *uri, mg_db **out)
{
    pg_db *p;
    const char *idt;

    if (out == NULL)
        return mg_open_failed(MG_MISUSE, "mg_open: NULL argument");
    *out = NULL;
    if (uri == NULL)
        return mg_open_failed(MG_MISUSE, "mg_open: NULL argument");
    if ((p = calloc(1, sizeof *p)) == NULL)
        return mg_open_failed(MG_NOMEM, "out of memory");
    p->base.engine = &mg_postgres_engine;
    p->generation = 1;
    p->next_name = 1;
    p->conn = PQconnectdb(uri);
    if (p->conn == NULL) {
        free(p);
        return mg_open_failed(MG_NOMEM, "cannot connect to PostgreSQL: out of memory");
    }
    if (PQstatus(p->conn) != CONNECTION_OK) {
        char msg[512];
        size_t len = 0;
        msg[0] = '\0';
        append_line(msg, sizeof msg, &len, PQerrorMessage(p->conn));
        pg_close(&p->base);
        return mg_open_failed(MG_ERROR, "cannot connect to PostgreSQL: %s", msg);
    }
    /* timestamptz is read and written as int64 microseconds (every server since 10) */
    idt = PQparameterStatus(p->conn, "integer_datetimes");
    if (idt == NULL || strcmp(idt, "on") != 0) {
        pg_close(&p->base);
        return mg_open_failed(MG_ERROR, "cannot use this PostgreSQL server: "
                                        "integer_datetimes is not on");
    }
    /* libpq prints notices (e.g. "there is no transaction in progress") to stderr */
    PQsetNoticeProcessor(p->conn, ignore_notice, NULL);
    *out = &p->base;
    return MG_OK;
}

/* ---- Placeholders ---- */

typedef struct sbuf {
    char *data;
    size_t len, cap;
    bool failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *grown;
        while (b->len + n + 1 > cap)
            cap *= 2;
        if ((grown = realloc(b->data, cap)) == NULL) {
            b->failed = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Where the literal, quoted identifier or comment starting at s ends; s itself when it
   starts none. prev and prev2 are the characters before s ('\0' at the start);
   backslashes escapes in every '...' when standard_conforming_strings is off. */
static const char *skip_quoted(const char *s, char prev, char prev2, bool backslashes)
{
    const char *q;

    if (*s == '\'') {
        /* E'...' takes backslash escapes */
        bool escapes = backslashes || ((prev == 'E' || prev == 'e') && !ident_char(prev2));
        for (q = s + 1; *q != '\0'; q++) {
            if (escapes && *q == '\\' && q[1] != '\0')
                q++;
            else if (*q == '\'')
                return q + 1;   /* '' is a closed literal followed by another */
        }
        return q;
    }
    if (*s == '"') {
        q = strchr(s + 1, '"');
        return q ? q + 1 : s + strlen(s);
    }
    if (s[0] == '-' && s[1] == '-') {
        q = strchr(s, '\n');
        return q ? q : s + strlen(s);
    }
    if (s[0] == '/' && s[1] == '*') {
        int depth = 1;          /* PostgreSQL's block comments nest */
        for (q = s + 2; *q != '\0' && depth > 0; q++) {
            if (q[0] == '/' && q[1] == '*')
                depth++, q++;
            else if (q[0] == '*' && q[1] == '/')
                depth--, q++;
        }
        return q;
    }
    if (*s == '$' && !ident_char(prev)) {
        /* $tag$ ... $tag$ */
        size_t taglen;
        for (q = s + 1; *q != '$'; q++)
            if (!ident_char(*q) || (q == s + 1 && *q >= '0' && *q <= '9'))
                return s;   /* not a tag: $1, or a lone $ */
        taglen = (size_t)(q - s) + 1;
        for (q = s + taglen; *q != '\0'; q++)
            if (*q == '$' && strncmp(q, s, taglen) == 0)
                return q + taglen;
        return q;
    }
    return s;
}

/* Rewrites ?N and ? into $N (ignoring literals, quoted names and comments), ?1 into
   DEFAULT for MG_PREP_INSERT_AUTO and MG_PREP_UPSERT_AUTO, appends RETURNING id for the
   inserts (an upsert has its own); *nparams is the largest placeholder, the DEFAULT'ed
   one included. */
static int translate(mg_db *db, const char *sql, int how, char **out, int *nparams)
{
    sbuf b = { NULL, 0, 0, false };
    const char *s = sql, *end;
    char prev = '\0', prev2 = '\0';
    const char *scs = PQparameterStatus(pg(db)->conn, "standard_conforming_strings");
    bool backslashes = scs != NULL && strcmp(scs, "off") == 0;
    int max = 0;

    *out = NULL;
    *nparams = 0;
    while (*s != '\0') {
        end = skip_quoted(s, prev, prev2, backslashes);
        if (end != s) {
            sb_add(&b, s, (size_t)(end - s));
            prev = end[-1];
            prev2 = end - s > 1 ? end[-2] : prev;
            s = end;
            continue;
        }
        if (*s == '?') {
            char num[16];
            long n = 0;
            bool digits = false;
            s++;
            while (*s >= '0' && *s <= '9') {
                digits = true;
                if (n <= MAX_PARAMS)
                    n = n * 10 + (*s - '0');
                s++;
            }
            if (!digits)
                n = max + 1;
            if (n < 1 || n > MAX_PARAMS) {
                free(b.data);
                return mg_fail(db, MG_MISUSE, "placeholder ?%ld out of range (1 to %d)",
                               n, MAX_PARAMS);
            }
            if (n > max)
                max = (int)n;
            if ((how == MG_PREP_INSERT_AUTO || how == MG_PREP_UPSERT_AUTO) && n == 1) {
                sb_add(&b, "DEFAULT", 7);
            } else {
                snprintf(num, sizeof num, "$%ld", n);
                sb_add(&b, num, strlen(num));
            }
            prev2 = prev;
            prev = '0';
            continue;
        }
        sb_add(&b, s, 1);
        prev2 = prev;
        prev = *s++;
    }
    sb_add(&b, "", 0);          /* an empty statement still gets a string */
    if (how == MG_PREP_INSERT || how == MG_PREP_INSERT_AUTO) {
        while (!b.failed && b.len > 0
               && (b.data[b.len - 1] == ';' || b.data[b.len - 1] == ' '
                   || b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\t'))
            b.data[--b.len] = '\0';
        sb_add(&b, " RETURNING id", 13);
    }
    if (b.failed) {
        free(b.data);
        return mg_fail(db, MG_NOMEM, "out of memory");
    }
    *out = b.data;
    *nparams = max;
    return MG_OK;
}

/* ---- Statement cache ---- */

static size_t slot_of(const char *key, int how, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)key ^ (uint64_t)how;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL; /* murmur3's finalizer spreads aligned addresses */
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

/* The slot holding (key, how), or the empty slot where it belongs. */
static struct cache_slot *cache_slot(const pg_db *p, const char *key, int how)
{
    size_t i = slot_of(key, how, p->cache_cap);
    while (p->cache[i].key != NULL && (p->cache[i].key != key || p->cache[i].how != how))
        i = (i + 1) & (p->cache_cap - 1);
    return &p->cache[i];
}

static bool cache_grow(pg_db *p)
{
    struct cache_slot *old = p->cache;
    size_t old_cap = p->cache_cap, cap = old_cap ? old_cap * 2 : 16, i;
    struct cache_slot *fresh = calloc(cap, sizeof *fresh);

    if (fresh == NULL)
        return false;
    p->cache = fresh;
    p->cache_cap = cap;
    for (i = 0; i < old_cap; i++)
        if (old[i].key != NULL)
            *cache_slot(p, old[i].key, old[i].how) = old[i];
    free(old);
    return true;
}

static struct mg_stmt *new_stmt(mg_db *db, const char *sql, int how, int *status)
{
    struct mg_stmt *st = calloc(1, sizeof *st);
    size_t n;

    if (st == NULL) {
        *status = mg_fail(db, MG_NOMEM, "out of memory");
        return NULL;
    }
    st->key = sql;
    st->how = how;
    st->row = -1;
    if ((*status = translate(db, sql, how, &st->text, &st->nparams)) != MG_OK) {
        free(st);
        return NULL;
    }
    n = st->nparams > 0 ? (size_t)st->nparams : 1;
    st->prepared_types = calloc(n, sizeof *st->prepared_types);
    st->types = calloc(n, sizeof *st->types);
    st->values = calloc(n, sizeof *st->values);
    st->lengths = calloc(n, sizeof *st->lengths);
    st->formats = calloc(n, sizeof *st->formats);
    st->scalars = calloc(n, sizeof *st->scalars);
    if (st->prepared_types == NULL || st->types == NULL || st->values == NULL
        || st->lengths == NULL || st->formats == NULL || st->scalars == NULL) {
        free_stmt(st);
        *status = mg_fail(db, MG_NOMEM, "out of memory");
        return NULL;
    }
    *status = MG_OK;
    return st;
}

static int pg_prepare(mg_db *db, const char *sql, int how, mg_stmt **out)
{
    pg_db *p = pg(db);
    struct cache_slot *slot;
    struct mg_stmt *st;
    int status;

    *out = NULL;
    if (sql == NULL)
        return mg_fail(db, MG_MISUSE, "prepare: NULL SQL");
    if (how < MG_PREP_PLAIN || how > MG_PREP_UPSERT_AUTO)
        return mg_fail(db, MG_MISUSE, "prepare: unknown statement kind %d", how);
    if ((status = ensure_connected(db)) != MG_OK)
        return status;
    if (p->cache_cap > 0) {
        slot = cache_slot(p, sql, how);
        if (slot->key != NULL && !slot->st->broken) {
            clear_run(slot->st);    /* in case a caller did not reset it */
            *out = slot->st;
            return MG_OK;
        }
        if (slot->key != NULL) {
            if ((st = new_stmt(db, sql, how, &status)) == NULL)
                return status;
            free_stmt(slot->st);
            slot->st = st;
            *out = st;
            return MG_OK;
        }
    }
    /* Keep the load at most one half so that probes stay short. */
    if ((p->cache_count + 1) * 2 > p->cache_cap && !cache_grow(p))
        return mg_fail(db, MG_NOMEM, "out of memory");
    if ((st = new_stmt(db, sql, how, &status)) == NULL)
        return status;
    slot = cache_slot(p, sql, how);
    slot->key = sql;
    slot->how = how;
    slot->st = st;
    p->cache_count++;
    *out = st;
    return MG_OK;
}

/* ---- Binding ---- */

static void put_be(unsigned char *dst, uint64_t v, int n)
{
    int i;
    for (i = n - 1; i >= 0; i--) {
        dst[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const char *src, int n)
{
    const unsigned char *s = (const unsigned char *)src;
    uint64_t v = 0;
    int i;

    if (n == 8) /* every int8, float8 and timestamptz: one load and a byte swap */
        return (uint64_t)s[0] << 56 | (uint64_t)s[1] << 48 | (uint64_t)s[2] << 40
               | (uint64_t)s[3] << 32 | (uint64_t)s[4] << 24 | (uint64_t)s[5] << 16
               | (uint64_t)s[6] << 8 | (uint64_t)s[7];
    for (i = 0; i < n; i++)
        v = v << 8 | s[i];
    return v;
}

/* The n-byte big-endian two's-complement integer at src. */
static inline int64_t get_int(const char *src, int n)
{
    uint64_t u = get_be(src, n);

    if (n < 8 && (u >> (8 * n - 1)) & 1)
        u |= ~UINT64_C(0) << (8 * n);
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

/* Whether a binary value of type t, len bytes long, is an int8, int4 or int2. */
static bool integer_type(Oid t, int len)
{
    return (t == OID_INT8 && len == 8) || (t == OID_INT4 && len == 4)
           || (t == OID_INT2 && len == 2);
}

/* Whether the value at (row, col) is a non-NULL int8, int4 or int2 in binary. */
static bool is_integer(const PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col)
           && integer_type(PQftype(res, col), PQgetlength(res, row, col));
}

static void set_null(struct mg_stmt *st, int i, Oid type)
{
    st->types[i] = type;
    st->values[i] = NULL;
    st->lengths[i] = 0;
    st->formats[i] = 1;
}

static void set_scalar(struct mg_stmt *st, int i, Oid type, uint64_t v, int n)
{
    st->types[i] = type;
    put_be(st->scalars[i], v, n);
    st->values[i] = (const char *)st->scalars[i];
    st->lengths[i] = n;
    st->formats[i] = 1;
}

static void set_text(struct mg_stmt *st, int i, const char *s)
{
    st->types[i] = OID_TEXT;
    st->values[i] = s;
    st->lengths[i] = 0;
    st->formats[i] = 0;
}

static int set_blob(mg_db *db, struct mg_stmt *st, int i, const void *data, size_t size)
{
    static const char empty[1] = { 0 };

    if (size > INT_MAX)
        return mg_fail(db, MG_MISUSE, "blob of %zu bytes is too large for PostgreSQL", size);
    st->types[i] = OID_BYTEA;
    st->values[i] = size > 0 ? data : empty;    /* non-NULL: empty is not NULL */
    st->lengths[i] = (int)size;
    st->formats[i] = 1;
    return MG_OK;
}

/* table and column name the value in a message; NULL for a parameter (?i+1) */
static int set_time(mg_db *db, struct mg_stmt *st, int i, int64_t seconds, const char *table,
                    const char *column)
{
    /* inside this range, seconds - 946684800 and then * 10^6 cannot overflow */
    bool fits = seconds >= INT64_MIN / 1000000 + PG_EPOCH_SECONDS
                && seconds <= INT64_MAX / 1000000 + PG_EPOCH_SECONDS;
    int64_t since = fits ? (seconds - PG_EPOCH_SECONDS) * 1000000 : 0;
    char what[160];

    if (fits && since >= PG_TIME_MIN && since < PG_TIME_END) {
        set_scalar(st, i, OID_TIMESTAMPTZ, (uint64_t)since, 8);
        return MG_OK;
    }
    if (table != NULL)
        snprintf(what, sizeof what, "%s.%s", table, column);
    else
        snprintf(what, sizeof what, "parameter ?%d", i + 1);
    return mg_fail(db, MG_MISUSE, "%s: time %lld is outside PostgreSQL's timestamptz range "
                   "(4713 BC to 294276 AD)", what, (long long)seconds);
}

static void set_real(struct mg_stmt *st, int i, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    set_scalar(st, i, OID_FLOAT8, bits, 8);
}

static int pg_bind(mg_db *db, mg_stmt *st, int first, const mg_param *params, int n)
{
    int k, status;

    if (st == NULL || n < 0 || (params == NULL && n > 0))
        return mg_fail(db, MG_MISUSE, "bind: bad arguments");
    if (first < 1 || n > st->nparams || first - 1 > st->nparams - n)
        return mg_fail(db, MG_MISUSE, "bind: parameters ?%d to ?%d, but the statement has %d",
                       first, first + n - 1, st->nparams);
    for (k = 0; k < n; k++) {
        const mg_param *v = &params[k];
        int i = first - 1 + k;
        static const Oid oids[] = { 0, OID_INT8, OID_FLOAT8, OID_TEXT, OID_BYTEA, OID_BOOL,
                                    OID_TIMESTAMPTZ };
        if (v->type < MG_TYPE_INT || v->type > MG_TYPE_TIME)
            return mg_fail(db, MG_MISUSE, "bind: parameter ?%d has unknown type %d",
                           i + 1, v->type);
        if (v->null || (v->type == MG_TYPE_TEXT && v->p == NULL)
            || (v->type == MG_TYPE_BLOB && v->p == NULL)) {
            set_null(st, i, oids[v->type]);
            continue;
        }
        switch (v->type) {
        case MG_TYPE_INT:
            set_scalar(st, i, OID_INT8, (uint64_t)v->i, 8);
            break;
        case MG_TYPE_REAL:
            set_real(st, i, v->d);
            break;
        case MG_TYPE_TEXT:
            set_text(st, i, v->p);
            break;
        case MG_TYPE_BLOB:
            if ((status = set_blob(db, st, i, v->p, v->n)) != MG_OK)
                return status;
            break;
        case MG_TYPE_BOOL:
            set_scalar(st, i, OID_BOOL, v->i != 0, 1);
            break;
        default: /* MG_TYPE_TIME */
            if ((status = set_time(db, st, i, v->i, NULL, NULL)) != MG_OK)
                return status;
            break;
        }
    }
    return MG_OK;
}

static bool has_value(const mg_column *c, const char *row)
{
    bool has;

    if (!c->nullable || c->type == MG_TYPE_TEXT || c->type == MG_TYPE_BLOB)
        return true;
    memcpy(&has, row + c->flag, sizeof has);
    return has;
}

static int pg_bind_row(mg_db *db, mg_stmt *st, const mg_model *m, const void *data)
{
    const char *row = data;
    int k, status;

    if (st == NULL || m == NULL || row == NULL)
        return mg_fail(db, MG_MISUSE, "bind_row: NULL argument");
    if (m->ncolumns > st->nparams)
        return mg_fail(db, MG_MISUSE, "bind_row: %s has %d columns, the statement %d parameters",
                       m->table, m->ncolumns, st->nparams);
    for (k = 0; k < m->ncolumns; k++) {
        const mg_column *c = &m->columns[k];
        const char *at = row + c->offset;
        int64_t i64;
        double d;
        bool b;
        int e;
        const char *s;
        mg_blob blob;

        switch (c->type) {
        case MG_TYPE_INT:
            memcpy(&i64, at, sizeof i64);
            if (!has_value(c, row) || (k == 0 && i64 == 0))
                set_null(st, k, OID_INT8);
            else
                set_scalar(st, k, OID_INT8, (uint64_t)i64, 8);
            break;
        case MG_TYPE_REAL:
            memcpy(&d, at, sizeof d);
            if (!has_value(c, row))
                set_null(st, k, OID_FLOAT8);
            else
                set_real(st, k, d);
            break;
        case MG_TYPE_BOOL:
            memcpy(&b, at, sizeof b);
            if (!has_value(c, row))
                set_null(st, k, OID_BOOL);
            else
                set_scalar(st, k, OID_BOOL, b ? 1 : 0, 1);
            break;
        case MG_TYPE_TIME:
            memcpy(&i64, at, sizeof i64);
            if (!has_value(c, row))
                set_null(st, k, OID_TIMESTAMPTZ);
            else if ((status = set_time(db, st, k, i64, m->table, c->name)) != MG_OK)
                return status;
            break;
        case MG_TYPE_TEXT:
            memcpy(&s, at, sizeof s);
            if (s == NULL)
                set_null(st, k, OID_TEXT);
            else
                set_text(st, k, s);
            break;
        case MG_TYPE_BLOB:
            memcpy(&blob, at, sizeof blob);
            if (blob.data == NULL)
                set_null(st, k, OID_BYTEA);
            else if ((status = set_blob(db, st, k, blob.data, blob.size)) != MG_OK)
                return status;
            break;
        case MG_TYPE_ENUM:
            memcpy(&e, at, sizeof e);
            if (c->enumeration == NULL)
                return mg_fail(db, MG_MISUSE, "%s.%s: enum column without its enum",
                               m->table, c->name);
            if (!has_value(c, row))
                set_null(st, k, OID_TEXT);
            else if (e < 0 || e >= c->enumeration->count)
                return mg_fail(db, MG_MISUSE, "%s.%s: %d is not a member of enum %s",
                               m->table, c->name, e, c->enumeration->name);
            else
                set_text(st, k, c->enumeration->members[e]);
            break;
        default:
            return mg_fail(db, MG_MISUSE, "%s.%s: unknown column type %d",
                           m->table, c->name, c->type);
        }
    }
    return MG_OK;
}

/* ---- Running ---- */

/* Prepares st on the server for the types bound now, unless it already is. */
static int server_prepare(mg_db *db, struct mg_stmt *st)
{
    pg_db *p = pg(db);
    PGresult *res;

    if (st->prepared == p->generation && !st->stale
        && (st->nparams == 0
            || memcmp(st->prepared_types, st->types, (size_t)st->nparams * sizeof(Oid)) == 0))
        return MG_OK;
    if (st->prepared == p->generation) {
        /* bound with other types than before, or its plan is stale: replace it */
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        PQclear(PQexec(p->conn, sql));
    }
    st->prepared = 0;
    st->stale = false;
    snprintf(st->name, sizeof st->name, "mg_%lu", p->next_name++);
    res = PQprepare(p->conn, st->name, st->text, st->nparams, st->types);
    if (!result_ok(res)) {
        /* not cached: the SQL at that address may be fixed before the next use */
        st->broken = PQstatus(p->conn) != CONNECTION_BAD;
        return fail_result(db, res, false);
    }
    PQclear(res);
    note_tx(p);
    if (st->nparams > 0)
        memcpy(st->prepared_types, st->types, (size_t)st->nparams * sizeof(Oid));
    st->prepared = p->generation;
    return MG_OK;
}

/* The server's "cached plan must not change result type". */
static bool stale_plan(const PGresult *res)
{
    const char *state, *where;

    if (res == NULL || PQresultStatus(res) != PGRES_FATAL_ERROR)
        return false;   /* every success: no error fields to look up */
    state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    where = PQresultErrorField(res, PG_DIAG_SOURCE_FUNCTION);
    return state != NULL && strcmp(state, "0A000") == 0 && where != NULL
           && strcmp(where, "RevalidateCachedQuery") == 0;
}

static int pg_step(mg_db *db, mg_stmt *st)
{
    pg_db *p = pg(db);
    PGresult *res;
    int i, status;

    if (st == NULL)
        return mg_fail(db, MG_MISUSE, "step: NULL statement");
    if (st->res != NULL)
        return ++st->row < st->nrows ? MG_STEP_ROW : MG_STEP_DONE;
    for (i = 0; i < st->nparams; i++)
        if (st->types[i] == 0)
            return mg_fail(db, MG_MISUSE, "parameter ?%d of \"%s\" is not bound", i + 1, st->key);
    if (PQstatus(p->conn) == CONNECTION_BAD)
        return fail_lost(db, false);
    if ((status = server_prepare(db, st)) != MG_OK)
        return status;
    res = PQexecPrepared(p->conn, st->name, st->nparams, st->values, st->lengths,
                         st->formats, 1);
    if (stale_plan(res)) {
        /* A table it reads changed its columns' types since it was prepared. The server
           refused it before running it: outside a transaction, prepare it again and run
           it once more; inside one, the transaction has failed, and it is prepared again
           at its next use. */
        st->stale = true;
        if (PQtransactionStatus(p->conn) == PQTRANS_IDLE) {
            PQclear(res);
            if ((status = server_prepare(db, st)) != MG_OK)
                return status;
            res = PQexecPrepared(p->conn, st->name, st->nparams, st->values, st->lengths,
                                 st->formats, 1);
        }
    }
    if (!result_ok(res))
        return fail_result(db, res, false);
    note_tx(p);
    st->res = res;
    st->row = -1;
    st->nrows = PQntuples(res);
    memset(st->ftypes, 0, sizeof st->ftypes);
    st->changes = -1;   /* read from the result when asked (pg_changes) */
    st->inserted_id = 0;
    if (st->how != MG_PREP_PLAIN && st->nrows > 0) {
        /* RETURNING id; no row when the INSERT inserted none */
        if (!is_integer(res, 0, 0)) {
            clear_run(st);
            return mg_fail(db, MG_ERROR, "INSERT ... RETURNING id returned no integer id");
        }
        st->inserted_id = get_int(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0));
    }
    return ++st->row < st->nrows ? MG_STEP_ROW : MG_STEP_DONE;
}

static void pg_reset(mg_db *db, mg_stmt *st)
{
    (void)db;
    if (st != NULL)
        clear_run(st);
}

static int64_t pg_changes(mg_db *db, mg_stmt *st)
{
    (void)db;
    if (st == NULL)
        return 0;
    if (st->changes < 0)
        st->changes = st->res != NULL ? atoll(PQcmdTuples(st->res)) : 0;
    return st->changes;
}

static int64_t pg_inserted_id(mg_db *db, mg_stmt *st)
{
    (void)db;
    return st ? st->inserted_id : 0;
}

/* ---- Many rows: a pipeline ----

   For fewer than BULK_MIN rows, and to find the row that failed when the bulk form
   (below) did: the rows go out in batches without waiting for each other's results:
   each batch is one PQsendQueryPrepared per row and a PQpipelineSync, then its results
   are read, so a batch costs one round trip instead of one per row. (libpq reads while it waits to
   write, so neither side blocks on a full socket; the batches bound the results held.)
   After the first failure the server skips the rest of the batch
   (PGRES_PIPELINE_ABORTED) and no further batch is sent. The core opened a transaction
   or savepoint around it and rolls it back on failure. */

enum { PIPELINE_BATCH = 1000 };

/* Reads the result of one row sent in the pipeline and the NULL that ends it; *lost
   when the connection went. The first failure is recorded and its row in *failed. */
static int pipeline_result(mg_db *db, struct mg_stmt *st, char *row, size_t i,
                           size_t *failed, int status, bool *lost)
{
    pg_db *p = pg(db);
    PGresult *res = PQgetResult(p->conn), *extra;
    int64_t id;

    if (res == NULL || PQstatus(p->conn) == CONNECTION_BAD) {
        *lost = true;
        if (status == MG_OK) {
            *failed = i;
            status = res != NULL ? fail_result(db, res, false) : fail_lost(db, false);
        } else {
            PQclear(res);
        }
        return status;
    }
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && is_integer(res, 0, 0)) {
        memcpy(&id, row, sizeof id);
        if (id == 0) {
            id = get_int(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0));
            memcpy(row, &id, sizeof id);
        }
        PQclear(res);
    } else if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED || status != MG_OK) {
        PQclear(res);   /* skipped after the first failure */
    } else {
        *failed = i;
        if (stale_plan(res))
            st->stale = true;   /* prepared anew at its next use */
        if (result_ok(res)) {
            PQclear(res);
            status = mg_fail(db, MG_ERROR, "INSERT ... RETURNING id returned no integer id");
        } else {
            status = fail_result(db, res, false);
        }
    }
    while ((extra = PQgetResult(p->conn)) != NULL) {
        PQclear(extra);
        if (PQstatus(p->conn) == CONNECTION_BAD) {
            *lost = true;
            break;
        }
    }
    return status;
}

/* The rows one by one, in a pipeline. */
static int pipeline_insert(mg_db *db, const mg_model *m, const char *sql, void *rows,
                           size_t n, size_t *failed)
{
    pg_db *p = pg(db);
    struct mg_stmt *sts[2] = { NULL, NULL };    /* an explicit id, a zero id */
    size_t i, done = 0;
    bool lost = false;
    int status = MG_OK;

    /* the statements, prepared on the server before the pipeline, which allows no
       synchronous call */
    for (i = 0; i < n && (sts[0] == NULL || sts[1] == NULL); i++) {
        char *row = (char *)rows + i * m->size;
        int64_t id;
        int k;

        memcpy(&id, row, sizeof id);
        k = id == 0;
        if (sts[k] != NULL)
            continue;
        status = pg_prepare(db, sql, k ? MG_PREP_INSERT_AUTO : MG_PREP_INSERT, &sts[k]);
        if (status == MG_OK && (status = pg_bind_row(db, sts[k], m, row)) != MG_OK)
            *failed = i;
        if (status == MG_OK)
            status = server_prepare(db, sts[k]);
        if (status != MG_OK)
            goto done;
    }
    if (PQpipelineStatus(p->conn) != PQ_PIPELINE_OFF || !PQenterPipelineMode(p->conn)) {
        status = fail_with(db, MG_ERROR, "cannot enter pipeline mode: ", PQerrorMessage(p->conn));
        goto done;
    }
    while (done < n && status == MG_OK && !lost) {
        size_t end = n - done > PIPELINE_BATCH ? done + PIPELINE_BATCH : n, sent;
        PGresult *sync;

        for (sent = done; sent < end; sent++) {
            char *row = (char *)rows + sent * m->size;
            struct mg_stmt *st;
            int64_t id;

            memcpy(&id, row, sizeof id);
            st = sts[id == 0];
            if ((status = pg_bind_row(db, st, m, row)) != MG_OK) {
                *failed = sent;
                break;
            }
            if (!PQsendQueryPrepared(p->conn, st->name, st->nparams, st->values, st->lengths,
                                     st->formats, 1)) {
                *failed = sent;
                status = PQstatus(p->conn) == CONNECTION_BAD
                             ? fail_lost(db, false)
                             : fail_with(db, MG_NOMEM, "cannot send a row: ",
                                         PQerrorMessage(p->conn));
                break;
            }
        }
        if (PQstatus(p->conn) == CONNECTION_BAD || !PQpipelineSync(p->conn)) {
            lost = PQstatus(p->conn) == CONNECTION_BAD;
            if (status == MG_OK) {
                *failed = sent < n ? sent : n;
                status = lost ? fail_lost(db, false)
                              : fail_with(db, MG_ERROR, "cannot end a pipeline: ",
                                          PQerrorMessage(p->conn));
            }
            if (!lost)
                lost = true;    /* a pipeline that cannot be ended: give the connection up */
            break;
        }
        for (i = done; i < sent && !lost; i++) {
            char *row = (char *)rows + i * m->size;
            int64_t id;

            memcpy(&id, row, sizeof id);
            status = pipeline_result(db, sts[id == 0], row, i, failed, status, &lost);
        }
        if (lost)
            break;
        sync = PQgetResult(p->conn);
        if (sync == NULL || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) {
            lost = true;
            if (status == MG_OK)
                status = sync != NULL ? fail_result(db, sync, false) : fail_lost(db, false);
            else
                PQclear(sync);
            break;
        }
        PQclear(sync);
        done = sent;
    }
    if (lost && PQstatus(p->conn) != CONNECTION_BAD) {
        /* a pipeline it could not finish: nothing more could run on the connection, so
           it starts afresh (the transaction open is gone, which the core then finds) */
        PQreset(p->conn);
        p->generation++;
    } else if (!lost && !PQexitPipelineMode(p->conn) && status == MG_OK) {
        status = fail_with(db, MG_ERROR, "cannot leave pipeline mode: ", PQerrorMessage(p->conn));
    }
    note_tx(p);
    if (status == MG_OK)
        mg_succeeded(db);
done:
    for (i = 0; i < 2; i++)
        if (sts[i] != NULL)
            clear_run(sts[i]);
    return status;
}

/* ---- Many rows: one INSERT of arrays ----

   INSERT INTO t (id, a, b) SELECT * FROM unnest($1::bigint[], $2::text[], ...): the
   columns of up to BULK_ROWS rows as one binary array each, a single statement and a
   single round trip, where the server's work per row is a fraction of a statement's.
   Its text is the insert's own up to VALUES, the rest built from the model's types; it
   is prepared once per connection, like every statement. The ids of the rows that come
   without one are taken first, in one query, from the table's identity sequence (what
   DEFAULT would take), so that every row's id is known and none depends on the order
   RETURNING would give. Such a statement says which constraint failed, not which row:
   on failure *failed is SIZE_MAX, and the core runs the rows again in the pipeline. */

enum { BULK_MIN = 16, BULK_ROWS = 5000, BULK_KIND = 100 /* a statement kind of this file's */ };

/* The array type and the element type of a column of type t, and its SQL name. */
static void bulk_types(int t, Oid *array, Oid *element, const char **name)
{
    switch (t) {
    case MG_TYPE_REAL: *array = 1022; *element = OID_FLOAT8; *name = "double precision"; break;
    case MG_TYPE_BOOL: *array = 1000; *element = OID_BOOL; *name = "boolean"; break;
    case MG_TYPE_BLOB: *array = 1001; *element = OID_BYTEA; *name = "bytea"; break;
    case MG_TYPE_TIME: *array = 1185; *element = OID_TIMESTAMPTZ; *name = "timestamptz"; break;
    case MG_TYPE_TEXT:
    case MG_TYPE_ENUM: *array = 1009; *element = OID_TEXT; *name = "text"; break;
    default: *array = 1016; *element = OID_INT8; *name = "bigint"; break;
    }
}

/* Whether s starts with the word `upper` in any case. */
static bool starts_word(const char *s, const char *upper)
{
    for (; *upper != '\0'; s++, upper++)
        if (*s != *upper && *s != *upper - 'A' + 'a')
            return false;
    return !ident_char(*s);
}

/* Where the top-level VALUES of sql starts (outside literals, quoted names and
   comments), or NULL. */
static const char *values_keyword(mg_db *db, const char *sql)
{
    const char *scs = PQparameterStatus(pg(db)->conn, "standard_conforming_strings");
    bool backslashes = scs != NULL && strcmp(scs, "off") == 0;
    const char *s = sql;
    char prev = '\0', prev2 = '\0';

    while (*s != '\0') {
        const char *end = skip_quoted(s, prev, prev2, backslashes);
        if (end != s) {
            prev = end[-1];
            prev2 = end - s > 1 ? end[-2] : prev;
            s = end;
            continue;
        }
        if (!ident_char(prev) && starts_word(s, "VALUES"))
            return s;
        prev2 = prev;
        prev = *s++;
    }
    return NULL;
}

/* Whether s is "VALUES (?1, ?2, ..., ?n)" and nothing more (but spaces and a ';'): the
   row's columns in order, which the arrays follow. */
static bool values_in_order(const char *s, int n)
{
    int k;

    s += 6;
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    if (*s++ != '(')
        return false;
    for (k = 1; k <= n; k++) {
        char want[16];
        size_t len = (size_t)snprintf(want, sizeof want, "?%d", k);
        while (*s == ' ' || *s == '\n' || *s == '\t')
            s++;
        if (strncmp(s, want, len) != 0 || (s[len] >= '0' && s[len] <= '9'))
            return false;
        s += len;
        while (*s == ' ' || *s == '\n' || *s == '\t')
            s++;
        if (*s++ != (k < n ? ',' : ')'))
            return false;
    }
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == ';')
        s++;
    return *s == '\0';
}

/* The bulk statement of insert sql for m, made and cached on first use; NULL (and
   MG_OK) when sql is not an INSERT ... VALUES the bulk form can follow. */
static int bulk_stmt(mg_db *db, const mg_model *m, const char *sql, struct mg_stmt **out)
{
    pg_db *p = pg(db);
    struct cache_slot *slot;
    struct mg_stmt *st;
    const char *values;
    sbuf b = { NULL, 0, 0, false };
    int k, status;

    *out = NULL;
    if (p->cache_cap > 0) {
        slot = cache_slot(p, sql, BULK_KIND);
        if (slot->key != NULL && !slot->st->broken) {
            clear_run(slot->st);
            *out = slot->st;
            return MG_OK;
        }
        if (slot->key != NULL)
            return MG_OK;   /* the server refused it once: the pipeline does the work */
    }
    if ((values = values_keyword(db, sql)) == NULL || !values_in_order(values, m->ncolumns))
        return MG_OK;
    sb_add(&b, sql, (size_t)(values - sql));
    sb_add(&b, "SELECT * FROM unnest(", 21);
    for (k = 0; k < m->ncolumns; k++) {
        char piece[48];
        Oid array, element;
        const char *name;
        bulk_types(m->columns[k].type, &array, &element, &name);
        snprintf(piece, sizeof piece, "%s?%d::%s[]", k ? ", " : "", k + 1, name);
        sb_add(&b, piece, strlen(piece));
    }
    sb_add(&b, ")", 1);
    if (b.failed) {
        free(b.data);
        return mg_fail(db, MG_NOMEM, "out of memory");
    }
    if ((p->cache_count + 1) * 2 > p->cache_cap && !cache_grow(p)) {
        free(b.data);
        return mg_fail(db, MG_NOMEM, "out of memory");
    }
    st = new_stmt(db, b.data, MG_PREP_PLAIN, &status);
    free(b.data);
    if (st == NULL)
        return status;
    st->key = sql;
    st->how = BULK_KIND;
    slot = cache_slot(p, sql, BULK_KIND);
    slot->key = sql;
    slot->how = BULK_KIND;
    slot->st = st;
    p->cache_count++;
    *out = st;
    return MG_OK;
}

/* A growing byte buffer for one column's array. */
typedef struct bytes {
    unsigned char *data;
    size_t len, cap;
} bytes;

static bool bytes_reserve(bytes *b, size_t n)
{
    unsigned char *grown;
    size_t cap = b->cap ? b->cap : 256;

    if (n > (size_t)INT_MAX - b->len)
        return false;   /* a parameter's length is an int */
    if (b->len + n <= b->cap)
        return true;
    while (cap < b->len + n)
        cap *= 2;
    if ((grown = realloc(b->data, cap)) == NULL)
        return false;
    b->data = grown;
    b->cap = cap;
    return true;
}

static void bytes_be(bytes *b, uint64_t v, int n)
{
    put_be(b->data + b->len, v, n);
    b->len += (size_t)n;
}

/* Appends one element: its length (-1 for NULL) and its bytes. */
static bool element(bytes *b, const void *data, int64_t n)
{
    if (!bytes_reserve(b, 4 + (n > 0 ? (size_t)n : 0)))
        return false;
    bytes_be(b, (uint64_t)(uint32_t)(int32_t)(n < 0 ? -1 : n), 4);
    if (n > 0) {
        memcpy(b->data + b->len, data, (size_t)n);
        b->len += (size_t)n;
    }
    return true;
}

static bool element_scalar(bytes *b, uint64_t v, int n)
{
    unsigned char be[8];
    put_be(be, v, n);
    return element(b, be, n);
}

/* Column k of rows[0..count) as a one-dimensional binary array into b (emptied first);
   ids gives the id column. MG_MISUSE, with *bad the row, for a value PostgreSQL cannot
   take. */
static int bulk_column(mg_db *db, const mg_model *m, int k, const char *rows, size_t count,
                       const int64_t *ids, bytes *b, size_t *bad)
{
    const mg_column *c = &m->columns[k];
    Oid array, elem;
    const char *name;
    bool nulls = false, fits = true;
    size_t i;

    bulk_types(c->type, &array, &elem, &name);
    b->len = 0;
    if (!bytes_reserve(b, 20))
        return mg_fail(db, MG_NOMEM, "out of memory");
    bytes_be(b, 1, 4);                  /* dimensions */
    bytes_be(b, 0, 4);                  /* has NULLs: set below */
    bytes_be(b, elem, 4);
    bytes_be(b, (uint64_t)count, 4);    /* count <= BULK_ROWS */
    bytes_be(b, 1, 4);                  /* lower bound */
    for (i = 0; i < count && fits; i++) {
        const char *row = rows + i * m->size, *at = row + c->offset;
        int64_t i64;
        double d;
        bool flag;
        const char *s;
        mg_blob blob;
        int e;

        if (k == 0) {
            fits = element_scalar(b, (uint64_t)ids[i], 8);
            continue;
        }
        if (!has_value(c, row)) {
            nulls = true;
            fits = element(b, NULL, -1);
            continue;
        }
        switch (c->type) {
        case MG_TYPE_INT:
            memcpy(&i64, at, sizeof i64);
            fits = element_scalar(b, (uint64_t)i64, 8);
            break;
        case MG_TYPE_REAL: {
            uint64_t bits;
            memcpy(&d, at, sizeof d);
            memcpy(&bits, &d, sizeof bits);
            fits = element_scalar(b, bits, 8);
            break;
        }
        case MG_TYPE_BOOL:
            memcpy(&flag, at, sizeof flag);
            fits = element_scalar(b, flag ? 1 : 0, 1);
            break;
        case MG_TYPE_TIME: {
            bool in_range;
            int64_t since;
            memcpy(&i64, at, sizeof i64);
            in_range = i64 >= INT64_MIN / 1000000 + PG_EPOCH_SECONDS
                       && i64 <= INT64_MAX / 1000000 + PG_EPOCH_SECONDS;
            since = in_range ? (i64 - PG_EPOCH_SECONDS) * 1000000 : 0;
            if (!in_range || since < PG_TIME_MIN || since >= PG_TIME_END) {
                *bad = i;
                return mg_fail(db, MG_MISUSE, "%s.%s: time %lld is outside PostgreSQL's "
                               "timestamptz range (4713 BC to 294276 AD)", m->table, c->name,
                               (long long)i64);
            }
            fits = element_scalar(b, (uint64_t)since, 8);
            break;
        }
        case MG_TYPE_TEXT:
            memcpy(&s, at, sizeof s);
            if (s == NULL) {
                nulls = true;
                fits = element(b, NULL, -1);
            } else {
                fits = element(b, s, (int64_t)strlen(s));
            }
            break;
        case MG_TYPE_BLOB:
            memcpy(&blob, at, sizeof blob);
            if (blob.data == NULL) {
                nulls = true;
                fits = element(b, NULL, -1);
            } else {
                fits = blob.size <= INT_MAX && element(b, blob.data, (int64_t)blob.size);
            }
            break;
        case MG_TYPE_ENUM:
            memcpy(&e, at, sizeof e);
            if (c->enumeration == NULL || e < 0 || e >= c->enumeration->count) {
                *bad = i;
                return mg_fail(db, MG_MISUSE, "%s.%s: %d is not a member of enum %s",
                               m->table, c->name, e,
                               c->enumeration ? c->enumeration->name : "?");
            }
            s = c->enumeration->members[e];
            fits = element(b, s, (int64_t)strlen(s));
            break;
        default:
            *bad = i;
            return mg_fail(db, MG_MISUSE, "%s.%s: unknown column type %d", m->table,
                           c->name, c->type);
        }
    }
    if (!fits)
        return mg_fail(db, MG_NOMEM, "out of memory, or more than 2 GB in one column of %zu "
                       "%s rows", count, m->table);
    put_be(b->data + 4, nulls ? 1 : 0, 4);
    return MG_OK;
}

static int compare_ids(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int run_own(mg_db *db, const char *sql, const char *table, const int64_t *number,
                   PGresult **res);

/* the sequence looked up once (OFFSET 0 keeps the planner from pulling the lookup up
   into every row), not once per id */
static const char sql_take_ids[] =
    "SELECT nextval(q.s) FROM (SELECT pg_get_serial_sequence($1, 'id')::regclass AS s"
    " OFFSET 0) q, generate_series(1, $2)";

/* Every row's id into ids: its own, or one of `automatic` taken from the identity
   sequence, in ascending order. *none when the table has no sequence. */
static int take_ids(mg_db *db, const mg_model *m, const char *rows, size_t n,
                    size_t automatic, int64_t *ids, bool *none)
{
    int64_t want = (int64_t)automatic, *taken = NULL;
    PGresult *res = NULL;
    size_t i, next = 0;
    int status = MG_OK;

    *none = false;
    if (automatic > 0) {
        if ((status = run_own(db, sql_take_ids, m->sql_table, &want, &res)) != MG_OK)
            return status;
        if ((size_t)PQntuples(res) != automatic || PQnfields(res) != 1) {
            PQclear(res);
            *none = true;
            return MG_OK;
        }
        if ((taken = malloc(automatic * sizeof *taken)) == NULL) {
            PQclear(res);
            return mg_fail(db, MG_NOMEM, "out of memory");
        }
        for (i = 0; i < automatic; i++) {
            if (!is_integer(res, (int)i, 0)) {
                *none = true;   /* nextval(NULL): no identity */
                break;
            }
            taken[i] = get_int(PQgetvalue(res, (int)i, 0), PQgetlength(res, (int)i, 0));
        }
        PQclear(res);
        if (*none) {
            free(taken);
            return MG_OK;
        }
        qsort(taken, automatic, sizeof *taken, compare_ids);
    }
    for (i = 0; i < n; i++) {
        memcpy(&ids[i], rows + i * m->size, sizeof ids[i]);
        if (ids[i] == 0)
            ids[i] = taken[next++];
    }
    free(taken);
    return MG_OK;
}

/* The rows in bulk statements of up to BULK_ROWS rows each; *used false (and nothing
   done) when the bulk form does not apply, for the pipeline to do it. */
static int bulk_insert(mg_db *db, const mg_model *m, const char *sql, void *rows, size_t n,
                       size_t *failed, bool *used)
{
    struct mg_stmt *st;
    bytes *columns = NULL;
    int64_t *ids = NULL;
    size_t automatic = 0, i, done;
    bool none = false;
    int k, status;

    *used = false;
    if ((status = bulk_stmt(db, m, sql, &st)) != MG_OK || st == NULL)
        return status;
    if (st->nparams != m->ncolumns)
        return MG_OK;
    for (i = 0; i < n; i++) {
        int64_t id;
        memcpy(&id, (const char *)rows + i * m->size, sizeof id);
        automatic += id == 0;
    }
    if ((ids = malloc(n * sizeof *ids)) == NULL
        || (columns = calloc((size_t)m->ncolumns, sizeof *columns)) == NULL) {
        free(ids);
        return mg_fail(db, MG_NOMEM, "out of memory");
    }
    status = take_ids(db, m, rows, n, automatic, ids, &none);
    if (status != MG_OK || none)
        goto done;
    *used = true;
    for (done = 0; done < n && status == MG_OK; done += BULK_ROWS) {
        size_t count = n - done < BULK_ROWS ? n - done : BULK_ROWS, bad = n;
        const char *first = (const char *)rows + done * m->size;
        int rc;

        for (k = 0; k < m->ncolumns && status == MG_OK; k++) {
            Oid array, element;
            const char *name;
            status = bulk_column(db, m, k, first, count, ids + done, &columns[k], &bad);
            bulk_types(m->columns[k].type, &array, &element, &name);
            st->types[k] = array;
            st->values[k] = (const char *)columns[k].data;
            st->lengths[k] = (int)columns[k].len;
            st->formats[k] = 1;
        }
        if (status != MG_OK) {
            *failed = bad < count ? done + bad : n;
            break;
        }
        rc = pg_step(db, st);
        if (rc != MG_STEP_DONE && rc != MG_STEP_ROW) {
            status = rc;
            /* which row, the server does not say: the pipeline finds it */
            *failed = PQstatus(pg(db)->conn) == CONNECTION_BAD ? n : SIZE_MAX;
        } else if (pg_changes(db, st) != (int64_t)count) {
            status = mg_fail(db, MG_ERROR, "%zu %s rows were to be inserted, and %lld were",
                             count, m->table, (long long)pg_changes(db, st));
        }
        clear_run(st);
    }
    if (status == MG_OK)
        for (i = 0; i < n; i++)
            memcpy((char *)rows + i * m->size, &ids[i], sizeof ids[i]);
done:
    clear_run(st);
    for (k = 0; k < m->ncolumns; k++)
        free(columns[k].data);
    free(columns);
    free(ids);
    return status;
}

static int pg_insert_rows(mg_db *db, const mg_model *m, const char *sql, void *rows,
                          size_t n, bool one_by_one, size_t *failed)
{
    bool used = false;
    int status;

    if (!one_by_one && n >= BULK_MIN) {
        status = bulk_insert(db, m, sql, rows, n, failed, &used);
        if (used || status != MG_OK) {
            if (status == MG_OK)
                mg_succeeded(db);
            return status;
        }
    }
    return pipeline_insert(db, m, sql, rows, n, failed);
}

/* ---- Reading ---- */

static bool current(const mg_stmt *st, int col)
{
    return st != NULL && st->res != NULL && st->row >= 0 && st->row < st->nrows
           && col >= 0 && col < PQnfields(st->res);
}

static const char *type_name(Oid t)
{
    switch (t) {
    case OID_BOOL: return "boolean";
    case OID_BYTEA: return "bytea";
    case OID_INT8: return "bigint";
    case OID_INT4: return "integer";
    case OID_INT2: return "smallint";
    case OID_TEXT: return "text";
    case OID_FLOAT4: return "real";
    case OID_FLOAT8: return "double precision";
    case OID_TIMESTAMPTZ: return "timestamptz";
    case OID_NUMERIC: return "numeric";
    case OID_VARCHAR: return "varchar";
    default: return NULL;
    }
}

static bool texty(Oid t)
{
    return t == OID_TEXT || t == OID_VARCHAR || t == OID_BPCHAR || t == OID_NAME
           || t == OID_UNKNOWN;
}

/* An integer-valued binary numeric (e.g. sum() of bigint) as int64, rounding toward
   zero; false when it does not fit or is not a number. */
static bool numeric_int(const char *v, int len, int64_t *out)
{
    int ndigits, weight, sign, i;
    uint64_t acc = 0;

    if (len < 8)
        return false;
    ndigits = (int)get_be(v, 2);
    weight = (int)get_int(v + 2, 2);
    sign = (int)get_be(v + 4, 2);
    if (sign != 0 && sign != 0x4000)
        return false;           /* NaN or infinity */
    if (len < 8 + 2 * ndigits)
        return false;
    for (i = 0; i <= weight; i++) {
        uint64_t d = i < ndigits ? get_be(v + 8 + 2 * i, 2) : 0;
        if (acc > (UINT64_MAX - d) / 10000)
            return false;
        acc = acc * 10000 + d;
    }
    if (sign == 0 && acc > (uint64_t)INT64_MAX)
        return false;
    if (sign != 0 && acc > (uint64_t)INT64_MAX + 1)
        return false;
    *out = sign == 0 ? (int64_t)acc : acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
    return true;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool pg_column_null(mg_stmt *st, int col)
{
    return !current(st, col) || PQgetisnull(st->res, st->row, col);
}

static int64_t pg_column_int(mg_stmt *st, int col)
{
    const char *v;
    int len;
    int64_t n = 0;
    Oid t;

    if (pg_column_null(st, col))
        return 0;
    v = PQgetvalue(st->res, st->row, col);
    len = PQgetlength(st->res, st->row, col);
    t = PQftype(st->res, col);
    if (is_integer(st->res, st->row, col))
        return get_int(v, len);
    if (t == OID_BOOL && len == 1)
        return v[0] != 0;
    if (t == OID_NUMERIC && numeric_int(v, len, &n))
        return n;
    return 0;
}

/* A binary numeric as decimal text into st->textbuf; NULL when out of memory or
   malformed. */
static const char *numeric_text(mg_stmt *st, const char *v, int len)
{
    int ndigits, weight, sign, dscale, i, k;
    size_t size, n = 0;
    char *out;

    if (len < 8)
        return NULL;
    ndigits = (int)get_be(v, 2);
    weight = (int)get_int(v + 2, 2);
    sign = (int)get_be(v + 4, 2);
    dscale = (int)get_be(v + 6, 2);
    if (len < 8 + 2 * ndigits)
        return NULL;
    if (sign == 0xC000)
        return "NaN";
    if (sign == 0xD000)
        return "Infinity";
    if (sign == 0xF000)
        return "-Infinity";
    size = (size_t)(weight > 0 ? weight + 1 : 1) * 4 + (size_t)dscale + 8;
    if (size > st->textcap) {
        if ((out = realloc(st->textbuf, size)) == NULL)
            return NULL;
        st->textbuf = out;
        st->textcap = size;
    }
    out = st->textbuf;
    if (sign == 0x4000)
        out[n++] = '-';
    if (weight < 0) {
        out[n++] = '0';
    } else {
        for (i = 0; i <= weight; i++) {
            unsigned d = i < ndigits ? (unsigned)get_be(v + 8 + 2 * i, 2) : 0;
            n += (size_t)snprintf(out + n, size - n, i == 0 ? "%u" : "%04u", d);
        }
    }
    if (dscale > 0) {
        out[n++] = '.';
        for (i = weight + 1, k = 0; k < dscale; i++) {
            unsigned d = i >= 0 && i < ndigits ? (unsigned)get_be(v + 8 + 2 * i, 2) : 0;
            char group[8];
            int j;
            snprintf(group, sizeof group, "%04u", d);
            for (j = 0; j < 4 && k < dscale; j++, k++)
                out[n++] = group[j];
        }
    }
    out[n] = '\0';
    return out;
}

/* The value as text: text types as they are, bytea's bytes, numbers in decimal, a
   boolean as 1 or 0 and a timestamptz as its seconds since 1970 (as SQLite would give
   them); NULL for SQL NULL and for a type it cannot show (or out of memory). */
static const char *pg_column_text(mg_stmt *st, int col)
{
    const char *v;
    int len;
    Oid t;

    if (pg_column_null(st, col))
        return NULL;
    v = PQgetvalue(st->res, st->row, col);
    len = PQgetlength(st->res, st->row, col);
    t = PQftype(st->res, col);
    if (texty(t) || t == OID_BYTEA)
        return v;   /* libpq ends every value with a NUL */
    if (is_integer(st->res, st->row, col)) {
        snprintf(st->scratch, sizeof st->scratch, "%lld", (long long)get_int(v, len));
        return st->scratch;
    }
    if (t == OID_FLOAT8 && len == 8) {
        uint64_t bits = get_be(v, 8);
        double d;
        memcpy(&d, &bits, sizeof d);
        snprintf(st->scratch, sizeof st->scratch, "%.17g", d);
        return st->scratch;
    }
    if (t == OID_FLOAT4 && len == 4) {
        uint32_t bits = (uint32_t)get_be(v, 4);
        float f;
        memcpy(&f, &bits, sizeof f);
        snprintf(st->scratch, sizeof st->scratch, "%.9g", (double)f);
        return st->scratch;
    }
    if (t == OID_BOOL && len == 1)
        return v[0] ? "1" : "0";
    if (t == OID_TIMESTAMPTZ && len == 8) {
        int64_t us = get_int(v, 8);
        if (us == INT64_MAX || us == INT64_MIN)
            return us == INT64_MAX ? "infinity" : "-infinity";
        snprintf(st->scratch, sizeof st->scratch, "%lld",
                 (long long)(floor_div(us, 1000000) + PG_EPOCH_SECONDS));
        return st->scratch;
    }
    if (t == OID_NUMERIC)
        return numeric_text(st, v, len);
    return NULL;
}

static int wrong_type(mg_db *db, const mg_model *m, const mg_column *c, const char *want,
                      const PGresult *res, int col, int len)
{
    Oid t = PQftype(res, col);
    const char *got = type_name(t);

    if (got != NULL)
        return mg_fail(db, MG_ERROR, "%s.%s: expected %s from PostgreSQL, got %s (%d bytes)",
                       m->table, c->name, want, got, len);
    return mg_fail(db, MG_ERROR, "%s.%s: expected %s from PostgreSQL, got type oid %u",
                   m->table, c->name, want, (unsigned)t);
}

/* Decodes one column of the current row into its member (scalars) or view (text,
   blobs). */
static int read_column(mg_db *db, const PGresult *res, int r, Oid *ftypes,
                       const mg_model *m, const mg_column *c, int col, char *row,
                       mg_view *view)
{
    Oid t;
    const char *v;
    int len;
    int64_t i64;
    uint64_t bits;
    double d;
    bool b;
    int e;

    /* the column's type, looked up once per result (InvalidOid, 0, is no column's) */
    if (col >= FTYPES_CACHED)
        t = PQftype(res, col);
    else if ((t = ftypes[col]) == 0)
        t = ftypes[col] = PQftype(res, col);
    view->data = NULL;
    view->size = 0;
    view->null = false;
    len = PQgetlength(res, r, col);
    if (len == 0 && PQgetisnull(res, r, col)) {   /* a NULL has length 0 */
        view->null = true;
        if (c->type == MG_TYPE_ENUM && !c->nullable && c->enumeration != NULL)
            return mg_fail(db, MG_ERROR, "%s.%s: NULL where enum %s was expected",
                           m->table, c->name, c->enumeration->name);
        return MG_OK;   /* the member stays zero, its has_ flag false */
    }
    v = PQgetvalue(res, r, col);
    switch (c->type) {
    case MG_TYPE_INT:
        if (!integer_type(t, len))
            return wrong_type(db, m, c, "bigint", res, col, len);
        i64 = get_int(v, len);
        memcpy(row + c->offset, &i64, sizeof i64);
        break;
    case MG_TYPE_REAL:
        if (t == OID_FLOAT8 && len == 8) {
            bits = get_be(v, 8);
            memcpy(&d, &bits, sizeof d);
        } else if (t == OID_FLOAT4 && len == 4) {
            uint32_t b32 = (uint32_t)get_be(v, 4);
            float f;
            memcpy(&f, &b32, sizeof f);
            d = f;
        } else {
            return wrong_type(db, m, c, "double precision", res, col, len);
        }
        memcpy(row + c->offset, &d, sizeof d);
        break;
    case MG_TYPE_BOOL:
        if (t != OID_BOOL || len != 1)
            return wrong_type(db, m, c, "boolean", res, col, len);
        b = v[0] != 0;
        memcpy(row + c->offset, &b, sizeof b);
        break;
    case MG_TYPE_TIME:
        if (t != OID_TIMESTAMPTZ || len != 8)
            return wrong_type(db, m, c, "timestamptz", res, col, len);
        i64 = get_int(v, 8);
        if (i64 == INT64_MAX || i64 == INT64_MIN)
            return mg_fail(db, MG_ERROR, "%s.%s: %sinfinity is not a time", m->table, c->name,
                           i64 == INT64_MIN ? "-" : "");
        i64 = floor_div(i64, 1000000) + PG_EPOCH_SECONDS;
        memcpy(row + c->offset, &i64, sizeof i64);
        break;
    case MG_TYPE_TEXT:
        if (!texty(t))
            return wrong_type(db, m, c, "text", res, col, len);
        view->data = v;
        view->size = (size_t)len;
        break;
    case MG_TYPE_BLOB:
        if (t != OID_BYTEA)
            return wrong_type(db, m, c, "bytea", res, col, len);
        view->data = v;
        view->size = (size_t)len;
        break;
    case MG_TYPE_ENUM:
        if (c->enumeration == NULL)
            return mg_fail(db, MG_MISUSE, "%s.%s: enum column without its enum",
                           m->table, c->name);
        if (!texty(t))
            return wrong_type(db, m, c, "text", res, col, len);
        if ((e = mg_enum_index(c->enumeration, v, (size_t)len)) < 0)
            return mg_fail(db, MG_ERROR, "%s.%s: '%.*s%s' is not a member of enum %s",
                           m->table, c->name, len > 64 ? 64 : len, v, len > 64 ? "..." : "",
                           c->enumeration->name);
        memcpy(row + c->offset, &e, sizeof e);
        break;
    default:
        return mg_fail(db, MG_MISUSE, "%s.%s: unknown column type %d", m->table, c->name,
                       c->type);
    }
    if (c->nullable && c->type != MG_TYPE_TEXT && c->type != MG_TYPE_BLOB) {
        b = true;
        memcpy(row + c->flag, &b, sizeof b);
    }
    return MG_OK;
}

/* A text or blob value of the current row that is not NULL, and where it goes. */
struct piece {
    const char *data;
    size_t size;
    size_t offset;  /* of its member in the row */
    bool text;
};

/* Pieces on the stack; wider models take the heap. */
enum { PIECES_ON_STACK = 32 };

/* Reads the columns in one pass, summing the text and blob values that are not NULL,
   then copies them into one block from mg_realloc (text NUL-terminated; a lone empty
   blob still gets a byte, so that its data is not NULL), stored at m->owned. */
static int pg_read_row(mg_db *db, mg_stmt *st, const mg_model *m, int col, void *out)
{
    struct piece stack[PIECES_ON_STACK], *pieces = stack;
    char *row = out, *block;
    size_t total = 0, off = 0;
    const PGresult *res;
    int k, n = 0, r, status = MG_OK;

    if (m == NULL || row == NULL)
        return mg_fail(db, MG_MISUSE, "read_row: NULL argument");
    memset(row, 0, m->size);
    if (st == NULL || st->res == NULL || st->row < 0 || st->row >= st->nrows)
        return mg_fail(db, MG_MISUSE, "read_row: no current row");
    if (col < 0 || m->ncolumns > PQnfields(st->res) - col)
        return mg_fail(db, MG_ERROR, "the query returned %d columns; %s needs %d from column %d",
                       PQnfields(st->res), m->table, m->ncolumns, col);
    if (m->ncolumns > PIECES_ON_STACK
        && (pieces = malloc((size_t)m->ncolumns * sizeof *pieces)) == NULL)
        return mg_fail(db, MG_NOMEM, "out of memory");
    res = st->res;
    r = st->row;
    for (k = 0; k < m->ncolumns && status == MG_OK; k++) {
        const mg_column *c = &m->columns[k];
        mg_view v;
        bool text = c->type == MG_TYPE_TEXT;
        int i = col + k, len;
        Oid t = 0;

        /* The usual values inline: an int8 and a text that are not NULL (a NULL has
           length 0). read_column does everything else and says what is wrong. */
        if (i < FTYPES_CACHED && (t = st->ftypes[i]) == 0)
            t = st->ftypes[i] = PQftype(res, i);
        if (t == OID_INT8 && c->type == MG_TYPE_INT && PQgetlength(res, r, i) == 8) {
            int64_t i64 = get_int(PQgetvalue(res, r, i), 8);
            memcpy(row + c->offset, &i64, sizeof i64);
            if (c->nullable) {
                bool b = true;
                memcpy(row + c->flag, &b, sizeof b);
            }
            continue;
        }
        if (t == OID_TEXT && text && (len = PQgetlength(res, r, i)) > 0) {
            v.data = PQgetvalue(res, r, i);
            v.size = (size_t)len;
        } else {
            status = read_column(db, res, r, st->ftypes, m, c, i, row, &v);
            if (status != MG_OK || (!text && c->type != MG_TYPE_BLOB) || v.null)
                continue;
        }
        if (v.size > SIZE_MAX - total - 1) {
            status = mg_fail(db, MG_NOMEM, "out of memory copying the strings of a %s row",
                             m->table);
            break;
        }
        total += v.size + text;
        pieces[n].data = v.data;
        pieces[n].size = v.size;
        pieces[n].offset = c->offset;
        pieces[n].text = text;
        n++;
    }
    if (status == MG_OK && n > 0) {
        if ((block = mg_realloc(NULL, total ? total : 1)) == NULL) {
            status = mg_fail(db, MG_NOMEM, "out of memory copying the strings of a %s row",
                             m->table);
        } else {
            for (k = 0; k < n; k++) {
                const struct piece *p = &pieces[k];
                if (p->size > 0)
                    memcpy(block + off, p->data, p->size);
                if (p->text) {
                    block[off + p->size] = '\0';
                    *(const char **)(row + p->offset) = block + off;
                    off += p->size + 1;
                } else {
                    *(mg_blob *)(row + p->offset) = (mg_blob){ block + off, p->size };
                    off += p->size;
                }
            }
            *(void **)(row + m->owned) = block;
        }
    }
    if (pieces != stack)
        free(pieces);
    if (status != MG_OK)
        memset(row, 0, m->size);
    return status;
}

/* ---- Statements without a cache entry ---- */

static int pg_exec(mg_db *db, const char *sql)
{
    pg_db *p = pg(db);
    PGresult *res;
    int status;

    if (sql == NULL)
        return mg_fail(db, MG_MISUSE, "exec: NULL SQL");
    if ((status = ensure_connected(db)) != MG_OK)
        return status;
    res = PQexec(p->conn, sql);
    /* SQL of nothing but comments is PGRES_EMPTY_QUERY, which did nothing, as SQLite's
       exec of it does (a migration with nothing to do in this dialect is such SQL) */
    if (!result_ok(res) && !(res && PQresultStatus(res) == PGRES_EMPTY_QUERY))
        return fail_result(db, res, false);
    PQclear(res);
    note_tx(p);
    mg_succeeded(db);
    return MG_OK;
}

static int pg_query_int(mg_db *db, const char *sql, int64_t *value, bool *null)
{
    pg_db *p = pg(db);
    PGresult *res;
    const char *v;
    char *end;
    long long n;
    int status;

    *value = 0;
    *null = false;
    if (sql == NULL)
        return mg_fail(db, MG_MISUSE, "query_int: NULL SQL");
    if ((status = ensure_connected(db)) != MG_OK)
        return status;
    res = PQexecParams(p->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
    if (!result_ok(res))
        return fail_result(db, res, false);
    note_tx(p);
    if (PQntuples(res) == 0 || PQnfields(res) == 0) {
        PQclear(res);
        return mg_fail(db, MG_NOTFOUND, "the query returned no row");
    }
    if (PQgetisnull(res, 0, 0)) {
        PQclear(res);
        *null = true;
        mg_succeeded(db);
        return MG_OK;
    }
    v = PQgetvalue(res, 0, 0);
    if (PQftype(res, 0) == OID_BOOL && (strcmp(v, "t") == 0 || strcmp(v, "f") == 0)) {
        *value = v[0] == 't';
        PQclear(res);
        mg_succeeded(db);
        return MG_OK;
    }
    errno = 0;
    n = strtoll(v, &end, 10);
    if (end == v || *end != '\0' || errno != 0) {
        status = mg_fail(db, MG_ERROR, "the query returned '%.64s', not an integer", v);
        PQclear(res);
        return status;
    }
    PQclear(res);
    *value = n;
    mg_succeeded(db);
    return MG_OK;
}

/* ---- Transactions ---- */

static int run_tx(mg_db *db, const char *sql)
{
    pg_db *p = pg(db);
    PGresult *res = PQexec(p->conn, sql);

    if (!result_ok(res))
        return fail_result(db, res, false);
    PQclear(res);
    note_tx(p);
    mg_succeeded(db);
    return MG_OK;
}

static int pg_begin(mg_db *db)
{
    int status = ensure_connected(db);
    return status == MG_OK ? run_tx(db, "BEGIN") : status;
}

static int pg_commit(mg_db *db)
{
    pg_db *p = pg(db);
    PGresult *res;
    bool failed_before;
    int status;

    if (PQstatus(p->conn) == CONNECTION_BAD) {
        bool was_open = p->tx_open;
        p->tx_open = false;     /* the server has ended it; the next call reconnects */
        if (was_open)
            return mg_failed(db, MG_ERROR, "lost the connection to the PostgreSQL server: "
                                           "the transaction was rolled back");
        return fail_lost(db, false);
    }
    failed_before = PQtransactionStatus(p->conn) == PQTRANS_INERROR;
    res = PQexec(p->conn, "COMMIT");
    if (!result_ok(res)) {
        /* a deferred key or a serialization failure: the server has rolled back */
        status = fail_result(db, res, true);
        if (PQstatus(p->conn) == CONNECTION_BAD)
            p->tx_open = false;
        else if (PQtransactionStatus(p->conn) != PQTRANS_IDLE)
            PQclear(PQexec(p->conn, "ROLLBACK"));
        note_tx(p);
        return status;
    }
    /* COMMIT of a failed transaction answers ROLLBACK and no error */
    if (failed_before || strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        PQclear(res);
        note_tx(p);
        return mg_failed(db, MG_ERROR, "the transaction was rolled back: a statement in it "
                                       "had failed");
    }
    PQclear(res);
    note_tx(p);
    mg_succeeded(db);
    return MG_OK;
}

static int pg_rollback(mg_db *db)
{
    pg_db *p = pg(db);
    PGresult *res;

    if (PQstatus(p->conn) != CONNECTION_BAD) {
        if (PQtransactionStatus(p->conn) == PQTRANS_IDLE) {
            p->tx_open = false;
            mg_succeeded(db);
            return MG_OK;
        }
        res = PQexec(p->conn, "ROLLBACK");
        if (result_ok(res)) {
            PQclear(res);
            note_tx(p);
            mg_succeeded(db);
            return MG_OK;
        }
        if (PQstatus(p->conn) != CONNECTION_BAD)
            return fail_result(db, res, false);
        PQclear(res);
    }
    /* lost: the server has rolled the transaction back; reconnect now (or at the next
       call, if the server is not back yet) */
    p->tx_open = false;
    PQreset(p->conn);
    p->generation++;
    note_tx(p);
    mg_succeeded(db);
    return MG_OK;
}

static bool pg_in_transaction(mg_db *db)
{
    pg_db *p = pg(db);

    switch (PQtransactionStatus(p->conn)) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
    case PQTRANS_ACTIVE:
        return true;
    case PQTRANS_UNKNOWN:
        /* lost: a transaction it had is still to be ended by mg_rollback */
        return PQstatus(p->conn) == CONNECTION_BAD && p->tx_open;
    default:
        return false;
    }
}

/* ---- Identities and migrations ---- */

/* Runs one of this file's own statements with a table's name as text for $1 and,
   unless NULL, an int8 for $2; *res is its binary result. They are rare (explicit ids,
   mg_next_id), so they go unnamed: the cache and pg_prepared_statements hold only the
   caller's SQL. */
static int run_own(mg_db *db, const char *sql, const char *table, const int64_t *number,
                   PGresult **res)
{
    pg_db *p = pg(db);
    const Oid types[2] = { OID_TEXT, OID_INT8 };
    unsigned char be[8];
    const char *values[2];
    const int lengths[2] = { 0, 8 }, formats[2] = { 0, 1 };
    int status;

    *res = NULL;
    if ((status = ensure_connected(db)) != MG_OK)
        return status;
    values[0] = table;
    values[1] = (const char *)be;
    if (number != NULL)
        put_be(be, (uint64_t)*number, 8);
    *res = PQexecParams(p->conn, sql, number != NULL ? 2 : 1, types, values, lengths,
                        formats, 1);
    if (!result_ok(*res)) {
        status = fail_result(db, *res, false);
        *res = NULL;
        return status;
    }
    note_tx(p);
    mg_succeeded(db);
    return MG_OK;
}

static const char sql_claim_id[] =
    "SELECT setval(s, $2) FROM (SELECT pg_get_serial_sequence($1, 'id')::regclass AS s) q "
    "WHERE $2 > COALESCE(pg_sequence_last_value(s), 0)";

static int pg_claim_id(mg_db *db, const mg_model *m, int64_t id)
{
    PGresult *res;
    int status = run_own(db, sql_claim_id, m->sql_table, &id, &res);

    PQclear(res);
    return status;
}

static const char sql_next_id[] = "SELECT nextval(pg_get_serial_sequence($1, 'id'))";

static int pg_next_id(mg_db *db, const mg_model *m, int64_t *id)
{
    PGresult *res;
    int status = run_own(db, sql_next_id, m->sql_table, NULL, &res);

    *id = 0;
    if (status != MG_OK)
        return status;
    if (PQntuples(res) != 1 || PQnfields(res) != 1 || !is_integer(res, 0, 0)) {
        PQclear(res);
        return mg_fail(db, MG_ERROR, "%s has no identity sequence for its id", m->table);
    }
    *id = get_int(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0));
    PQclear(res);
    return MG_OK;
}

static int pg_migration_lock(mg_db *db)
{
    return pg_exec(db, MIGRATION_LOCK_SQL);
}

static const mg_migration_sql *pg_migration_sql(const mg_migration *m)
{
    return &m->postgres;
}

static struct sqlite3 *pg_sqlite(mg_db *db)
{
    (void)db;
    return NULL;
}

static struct pg_conn *pg_postgres(mg_db *db)
{
    return pg(db)->conn;
}

const struct mg_engine mg_postgres_engine = {
    "postgres",
    pg_close,
    pg_exec,
    pg_prepare,
    pg_bind,
    pg_bind_row,
    pg_step,
    pg_read_row,
    pg_column_null,
    pg_column_int,
    pg_column_text,
    pg_reset,
    pg_changes,
    pg_inserted_id,
    pg_begin,
    pg_begin,   /* begin_write: PostgreSQL's writers lock rows, not the database */
    pg_commit,
    pg_rollback,
    pg_in_transaction,
    pg_query_int,
    pg_claim_id,
    pg_next_id,
    pg_migration_lock,
    NULL,       /* foreign_keys */
    NULL,       /* check_foreign_keys */
    pg_migration_sql,
    "SELECT CASE WHEN to_regclass('modelgen_migrations') IS NULL THEN 0 ELSE 1 END",
    /* applied_at is bigint: the core records time(NULL) as an integer */
    "CREATE TABLE IF NOT EXISTS modelgen_migrations (version bigint PRIMARY KEY,"
    " name text NOT NULL, checksum text NOT NULL, applied_at bigint NOT NULL)",
    pg_sqlite,
    pg_postgres,
    pg_insert_rows,
};
