/* The quoting path (gen/sql_quote.c) against hostile text: every string a schema could hold,
   and worse, must come back from a real engine exactly as it went in, as a literal, an
   identifier or a comment, and change nothing else in the statement around it.
     test_quote              in-process against SQLite, TAP on stdout
     test_quote postgres     an SQL script for psql that prints one "ok ..." or
                             "not ok ..." line per check (tests/quote/postgres.sh runs it) */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "sql_quote.h"
#include "tap.h"

static const char *const hostile[] = {
    "",
    "'",
    "''",
    "\"",
    "\\",
    "\\'",
    "a'b",
    "it's",
    "line\nDROP TABLE notes; --",
    "x\r\nDROP TABLE t;",
    "x\rDROP TABLE t;",
    "-- c",
    "--",
    "/* c",
    "*/",
    "*/ DROP TABLE t; /*",
    "$$",
    "$mg$",
    "$$ DROP TABLE t; $$",
    "\t",
    "\x01\x02\x1f\x7f",
    "\xc3\xa9 \xc3\xbc \xe4\xb8\xad \xf0\x9f\x8e\x89",
    ";",
    "'); DROP TABLE t; --",
    "\\'); DROP TABLE t; --",
    "\\' OR 1=1 --",
    ":foo",
    ":'foo'",
    ":\"foo\"",
    "\\g",
    "\\! touch pwned",
    "\n\\! touch pwned\n",
    "\n.shell touch pwned\n",
    "\n.read /etc/passwd\n",
    "\n#comment\n",
    "%s %n %d",
    "{{table}}",
    "E'x'",
    "U&'\\0041'",
    "\\\\\\",
    "end\\",
};

static const char *const names[] = {
    "plain", "select", "Select", "ORDER", "user", "a\"b", "a b", "1a", "_x", "x;DROP TABLE t",
    "\xc3\xa9t\xc3\xa9", "a-b", "\"", "group", "mg_x", "oid", "Table",
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static sqlite3 *db;

/* The one row and column `sql` gives, as bytes; -1 when it fails or gives other than one
   value, or leaves SQL unparsed. */
static int one_value(const char *sql, char *out, size_t cap, size_t *len)
{
    sqlite3_stmt *st;
    const char *tail;
    if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK)
        return -1;
    int rc = -1;
    if (*tail == '\0' && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_count(st) == 1) {
        const void *v = sqlite3_column_blob(st, 0);
        *len = (size_t)sqlite3_column_bytes(st, 0);
        if (*len < cap) {
            memcpy(out, v ? v : "", *len);
            rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static void check_sqlite_literal(const char *h)
{
    struct buf sql = {0};
    buf_puts(&sql, "SELECT ");
    sqlq_literal(&sql, h, DIALECT_SQLITE);
    char got[512];
    size_t len = 0;
    bool ok = one_value(sql.data, got, sizeof got, &len) == 0 && len == strlen(h) &&
              memcmp(got, h, len) == 0;
    struct buf name = {0};
    sqlq_comment(&name, h);
    ok(ok, "SQLite: the literal of '%s' reads back as the same bytes", name.data);
    buf_free(&sql);
    buf_free(&name);
}

static void check_sqlite_comment(const char *h)
{
    struct buf sql = {0};
    buf_puts(&sql, "SELECT 1 -- ");
    sqlq_comment(&sql, h);
    buf_puts(&sql, "\n+ 1");
    char got[64];
    size_t len = 0;
    size_t body = strlen("SELECT 1 -- "), end = sql.len - strlen("\n+ 1");
    bool one_line = strcspn(sql.data + body, "\r\n") == end - body;
    bool ok = one_line && one_value(sql.data, got, sizeof got - 1, &len) == 0;
    got[ok ? len : 0] = '\0';
    sql.data[end] = '\0';
    ok(ok && strcmp(got, "2") == 0, "SQLite: a comment of '%s' ends at its own line's end",
       sql.data + body);
    buf_free(&sql);
}

static void check_sqlite_ident(const char *n)
{
    struct buf sql = {0}, ident = {0};
    sqlq_ident(&ident, n);
    buf_printf(&sql, "CREATE TABLE %s (%s INTEGER); INSERT INTO %s (%s) VALUES (7)", ident.data,
               ident.data, ident.data, ident.data);
    bool ok = sqlite3_exec(db, sql.data, NULL, NULL, NULL) == SQLITE_OK;
    sql.len = 0;
    /* the table and its column have exactly that name */
    char *q = sqlite3_mprintf("SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) p "
                              "WHERE m.name = %Q AND p.name = %Q", n, n);
    char got[64];
    size_t len = 0;
    ok = ok && one_value(q, got, sizeof got - 1, &len) == 0 && len == 1 && got[0] == '1';
    sqlite3_free(q);
    buf_printf(&sql, "SELECT %s FROM %s", ident.data, ident.data);
    ok = ok && one_value(sql.data, got, sizeof got - 1, &len) == 0 && len == 1 && got[0] == '7';
    sql.len = 0;
    buf_printf(&sql, "DROP TABLE %s", ident.data);
    ok = ok && sqlite3_exec(db, sql.data, NULL, NULL, NULL) == SQLITE_OK;
    ok(ok, "SQLite: a table and a column named %s work", ident.data);
    buf_free(&sql);
    buf_free(&ident);
}

static void hex(struct buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        buf_printf(b, "%02x", *p);
}

/* Each check prints "ok - ..." or "not ok - ..." from the server. */
static void postgres_script(void)
{
    struct buf b = {0};
    buf_puts(&b, "\\set ON_ERROR_STOP 1\n\\pset tuples_only on\n\\pset format unaligned\n");
    for (size_t i = 0; i < COUNT(hostile); i++) {
        const char *h = hostile[i];
        struct buf decoded = {0};
        buf_puts(&decoded, "convert_from(decode('");
        hex(&decoded, h);
        buf_puts(&decoded, "', 'hex'), 'UTF8')");
        buf_puts(&b, "SELECT CASE WHEN ");
        sqlq_literal(&b, h, DIALECT_POSTGRES);
        buf_printf(&b, " = %s THEN 'ok' ELSE 'not ok' END || ' - PostgreSQL: the literal of hostile string %zu reads back as the same bytes';\n",
                   decoded.data, i);
        buf_printf(&b, "SELECT CASE WHEN 1 -- ");
        sqlq_comment(&b, h);
        buf_printf(&b, "\n+ 1 = 2 THEN 'ok' ELSE 'not ok' END || ' - PostgreSQL: a comment of hostile string %zu ends at its own line''s end';\n", i);
        buf_free(&decoded);
    }
    for (size_t i = 0; i < COUNT(names); i++) {
        struct buf ident = {0}, lit = {0};
        sqlq_ident(&ident, names[i]);
        sqlq_literal(&lit, names[i], DIALECT_POSTGRES);
        buf_printf(&b, "CREATE TABLE %s (%s integer); INSERT INTO %s (%s) VALUES (7);\n",
                   ident.data, ident.data, ident.data, ident.data);
        buf_printf(&b, "SELECT CASE WHEN (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                       "WHERE c.relname = %s AND a.attname = %s) = 1 AND (SELECT %s FROM %s) = 7 "
                       "THEN 'ok' ELSE 'not ok' END || ' - PostgreSQL: a table and a column named name %zu work';\n",
                   lit.data, lit.data, ident.data, ident.data, i);
        buf_printf(&b, "DROP TABLE %s;\n", ident.data);
        buf_free(&ident);
        buf_free(&lit);
    }
    fputs(b.data, stdout);
    buf_free(&b);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "postgres") == 0) {
        postgres_script();
        return 0;
    }
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return 1;
    for (size_t i = 0; i < COUNT(hostile); i++) {
        check_sqlite_literal(hostile[i]);
        check_sqlite_comment(hostile[i]);
    }
    for (size_t i = 0; i < COUNT(names); i++)
        check_sqlite_ident(names[i]);
    /* the quotes go exactly where they must */
    struct buf b = {0};
    sqlq_ident(&b, "users");
    sqlq_ident(&b, " ");
    sqlq_ident(&b, "Order");
    sqlq_ident(&b, "a\"b");
    ok(strcmp(b.data, "users\" \"\"Order\"\"a\"\"b\"") == 0, "plain names stay bare, others are quoted: %s", b.data);
    b.len = 0;
    sqlq_literal(&b, "a\\b'c", DIALECT_POSTGRES);
    sqlq_literal(&b, "a\\b'c", DIALECT_SQLITE);
    sqlq_literal(&b, "ab'c", DIALECT_POSTGRES);
    ok(strcmp(b.data, "E'a\\\\b''c''a\\b''c''ab''c'") == 0,
           "PostgreSQL writes a backslash as E'\\\\', SQLite as is: %s", b.data);
    b.len = 0;
    sqlq_comment(&b, "a\nb\rc\td\x01\x7f\\");
    ok(strcmp(b.data, "a\\nb\\rc\\td\\x01\\x7f\\") == 0, "comments escape control bytes: %s", b.data);
    buf_free(&b);
    sqlite3_close(db);
    return done_testing();
}
