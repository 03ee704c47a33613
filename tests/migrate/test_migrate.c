/* The generated app_migrate against real databases: SQLite files, or databases on the
   PostgreSQL server of tests/pg/with-postgres.sh (MODELGEN_TEST_ENGINE=postgres; see
   ../cgen/common.h). runtime.sh compiles this program against several generations of the
   schema in fixtures/ (APP_VERSION: the schema's migration number; APP_NAMES: the
   embedded migrations' names) and runs one scenario per process:

     fresh DB            an empty database through every migration; again (a no-op); a
                         tampered checksum, a newer version, a transaction: refused, unchanged
     fill DB             (the code of migration 1) a database at 1 with rows
     upgrade DB          that database brought up to date: every row kept
     fail DB STATUS      the last migration fails: STATUS (MG_CONSTRAINT, ...), rolled
                         back, the database unchanged
     kill DB             dies (SIGKILL) inside migration 3: on SQLite after its copy,
                         before its drop; on PostgreSQL after its ALTER TABLE
     after-kill DB       the killed database is at migration 2, intact; then migrates to 3
     copy FROM TO        (PostgreSQL) database TO becomes a copy of FROM (SQLite: cp)

   DB is a file name; on PostgreSQL the database named after its base name without the
   extension (app.db: app). Prints TAP (runtime.sh renumbers it across processes). */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "tap.h"
#include "cgen/common.h"

#ifndef APP_VERSION
#error "compile with -DAPP_VERSION=N"
#endif
#ifndef APP_NAMES
#error "compile with -DAPP_NAMES='\"initial,...\"'"
#endif

/* What fill inserts: three named users (two called Ann), two posts each, and enough
   filler users that rebuilding users spills out of a small page cache. */
enum { FILLER_USERS = 2000, USERS = 3 + FILLER_USERS, POSTS = 6 };

/* The database DB names: on SQLite the file, on PostgreSQL a database named after the
   file's base name. With fresh, emptied first (a file removed; a database dropped and
   created). The result lives until the next call. */
static const char *target_of(const char *path, bool fresh)
{
    static char target[512];
    if (!test_on_postgres()) {
        if (fresh) {
            char side[600];
            remove(path);
            snprintf(side, sizeof side, "%s-journal", path);
            remove(side);
        }
        snprintf(target, sizeof target, "%s", path);
        return target;
    }
#ifdef TEST_WITH_LIBPQ
    {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        char name[64], sql[200];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(base, "."), base);
        if (fresh) {
            snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\"", name);
            if (!pg_maintenance(sql, NULL, NULL, 0))
                return NULL;
            snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", name);
        } else {
            snprintf(sql, sizeof sql, "SELECT 1");
        }
        return pg_maintenance(sql, name, target, sizeof target) ? target : NULL;
    }
#else
    return NULL;
#endif
}

static mg_db *open_target(const char *path, bool fresh)
{
    const char *target = target_of(path, fresh);
    mg_db *db = NULL;
    if (target == NULL || mg_open(target, &db) != MG_OK) {
        printf("Bail out! cannot open %s: %s\n", target ? target : path, mg_open_errmsg());
        exit(1);
    }
    return db;
}

static mg_db *open_file(const char *path)
{
    return open_target(path, false);
}

/* An empty database at DB. */
static mg_db *open_fresh(const char *path)
{
    return open_target(path, true);
}

/* Appends to a growing heap string. */
static void append(char **s, size_t *len, const char *piece)
{
    size_t n = strlen(piece);
    *s = realloc(*s, *len + n + 1);
    if (*s == NULL) {
        printf("Bail out! out of memory\n");
        exit(1);
    }
    memcpy(*s + *len, piece, n + 1);
    *len += n;
}

/* Every row of a query, one line each, columns separated by '|' (NULL as \N); malloc'd.
   With sqlite3 or libpq directly: the public API reads no rows of text. */
static char *raw_rows(mg_db *db, const char *sql)
{
    char *out = NULL;
    size_t len = 0;
    append(&out, &len, "");
#ifdef TEST_WITH_LIBPQ
    if (is_postgres(db)) {
        PGresult *res = PQexec(mg_postgres(db), sql);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            printf("# %s: %s", sql, PQerrorMessage(mg_postgres(db)));
            append(&out, &len, "(error)");
        }
        for (int r = 0; PQresultStatus(res) == PGRES_TUPLES_OK && r < PQntuples(res); r++) {
            for (int i = 0; i < PQnfields(res); i++) {
                append(&out, &len, i ? "|" : "");
                append(&out, &len, PQgetisnull(res, r, i) ? "\\N" : PQgetvalue(res, r, i));
            }
            append(&out, &len, "\n");
        }
        PQclear(res);
        return out;
    }
#endif
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(mg_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK) {
        printf("# %s: %s\n", sql, sqlite3_errmsg(mg_sqlite(db)));
        append(&out, &len, "(error)");
        return out;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            append(&out, &len, i ? "|" : "");
            append(&out, &len, v ? v : "\\N");
        }
        append(&out, &len, "\n");
    }
    sqlite3_finalize(st);
    return out;
}

/* The whole database as text: its schema (SQLite: sqlite_master; PostgreSQL: the current
   schema's columns, constraints and indexes), then every row of every table. Equal dumps
   mean nothing changed. */
static char *dump(mg_db *db)
{
    char *tables, *out;
    size_t len;
    if (is_postgres(db)) {
        static const char *const schema[] = {
            "SELECT table_name, column_name, ordinal_position, data_type, is_nullable, "
            "column_default, is_identity FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY 1, 3",
            "SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2",
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() ORDER BY 1, 2",
        };
        tables = raw_rows(db, "SELECT table_name FROM information_schema.tables "
                              "WHERE table_schema = current_schema() ORDER BY 1");
        out = raw_rows(db, schema[0]);
        len = strlen(out);
        for (size_t i = 1; i < sizeof schema / sizeof schema[0]; i++) {
            char *part = raw_rows(db, schema[i]);
            append(&out, &len, part);
            free(part);
        }
    } else {
        tables = raw_rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                              "ORDER BY name");
        out = raw_rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master "
                           "ORDER BY type, name");
        len = strlen(out);
    }
    for (char *name = strtok(tables, "\n"); name; name = strtok(NULL, "\n")) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY %s", name,
                 is_postgres(db) ? "1" : "rowid");
        char *rows = raw_rows(db, sql);
        append(&out, &len, "-- ");
        append(&out, &len, name);
        append(&out, &len, "\n");
        append(&out, &len, rows);
        free(rows);
    }
    free(tables);
    return out;
}

/* A number that changes with any change to the schema: SQLite's schema_version; on
   PostgreSQL the transaction ids of the catalog rows of the current schema's relations,
   columns and constraints (a change rewrites them; a rolled-back one leaves them). */
static long long catalog_version(mg_db *db)
{
    return raw_int(db, per_engine(db, "PRAGMA schema_version",
        "SELECT (SELECT coalesce(sum(xmin::text::bigint), 0) FROM pg_class "
        "        WHERE relnamespace = current_schema()::regnamespace)"
        "     + (SELECT coalesce(sum(a.xmin::text::bigint), 0) FROM pg_attribute a"
        "        JOIN pg_class c ON c.oid = a.attrelid"
        "        WHERE c.relnamespace = current_schema()::regnamespace)"
        "     + (SELECT coalesce(sum(xmin::text::bigint), 0) FROM pg_constraint"
        "        WHERE connamespace = current_schema()::regnamespace)"));
}

static bool contains(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle) != NULL;
}

/* What every call of app_migrate must leave behind, success or failure. */
static void check_clean(mg_db *db, const char *when)
{
    char what[200];
    snprintf(what, sizeof what, "%s: no transaction left open", when);
    ok(no_transaction_open(db), "%s", what);
    snprintf(what, sizeof what, "%s: foreign keys are on", when);
    is_int(raw_int(db, per_engine(db, "PRAGMA foreign_keys",
                                  "SELECT (current_setting('session_replication_role')"
                                  " = 'origin')::int")), 1, what);
    snprintf(what, sizeof what, "%s: no statement left running", when);
    is_int(busy_statements(db), 0, what);
}

/* 1 when users has the column, 0 when not. */
static long long users_has_column(mg_db *db, const char *column)
{
    char sql[300];
    if (is_postgres(db))
        snprintf(sql, sizeof sql, "SELECT count(*) FROM information_schema.columns WHERE "
                 "table_schema = current_schema() AND table_name = 'users' AND "
                 "column_name = '%s'", column);
    else
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('users') "
                 "WHERE name = '%s'", column);
    return raw_int(db, sql);
}

/* 1 when users.name is NOT NULL, 0 when nullable. */
static long long name_not_null(mg_db *db)
{
    return raw_int(db, per_engine(db,
        "SELECT \"notnull\" FROM pragma_table_info('users') WHERE name = 'name'",
        "SELECT (is_nullable = 'NO')::int FROM information_schema.columns WHERE "
        "table_schema = current_schema() AND table_name = 'users' AND column_name = 'name'"));
}

/* The recorded migrations' versions and names: "1 initial,2 add_bio_and_tags". */
static char *recorded(mg_db *db)
{
    char *rows = raw_rows(db, per_engine(db,
        "SELECT group_concat(version || ' ' || name, ',') FROM "
        "(SELECT * FROM modelgen_migrations ORDER BY version)",
        "SELECT string_agg(version || ' ' || name, ',' ORDER BY version) "
        "FROM modelgen_migrations"));
    size_t n = strlen(rows);
    if (n && rows[n - 1] == '\n')
        rows[n - 1] = '\0';
    return rows;
}

/* "1 initial,2 add_bio_and_tags" from APP_NAMES "initial,add_bio_and_tags", up to `upto`. */
static char *expected_records(int upto)
{
    char names[] = APP_NAMES, piece[200], *out = NULL;
    size_t len = 0;
    int v = 0;
    append(&out, &len, "");
    for (char *name = strtok(names, ","); name && v < upto; name = strtok(NULL, ",")) {
        snprintf(piece, sizeof piece, "%s%d %s", v ? "," : "", v + 1, name);
        append(&out, &len, piece);
        v++;
    }
    return out;
}

static int migrations_in_code(void)
{
    int n = 1;
    for (const char *p = APP_NAMES; *p; p++)
        n += *p == ',';
    return n;
}

static void check_records(mg_db *db, int upto, const char *when)
{
    char *want = expected_records(upto), *got = recorded(db), what[200];
    snprintf(what, sizeof what, "%s: modelgen_migrations records %s", when, want);
    is_str(got, want, what);
    free(want);
    free(got);
}

/* The schema of migration `version` is there: its tables, and users.name's nullability. */
static void check_schema(mg_db *db, int version, const char *when)
{
    char what[200];
    snprintf(what, sizeof what, "%s: tables users and posts exist", when);
    ok(table_exists(db, "users") && table_exists(db, "posts"), "%s", what);
    snprintf(what, sizeof what, "%s: table tags %s", when, version >= 2 ? "exists" : "does not");
    is_int(table_exists(db, "tags"), version >= 2, what);
    snprintf(what, sizeof what, "%s: users.bio %s", when, version >= 2 ? "exists" : "does not");
    is_int(users_has_column(db, "bio"), version >= 2, what);
    snprintf(what, sizeof what, "%s: users.name is %s", when,
             version >= 3 ? "nullable" : "NOT NULL");
    is_int(name_not_null(db), version >= 3 ? 0 : 1, what);
    snprintf(what, sizeof what, "%s: no table left over from a rebuild", when);
    is_int(table_exists(db, "users_new"), 0, what);
    snprintf(what, sizeof what, "%s: %s", when,
             is_postgres(db) ? "no index is invalid" : "integrity_check is ok");
    is_int(raw_int(db, per_engine(db,
        "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE NOT i.indisvalid AND c.relnamespace = current_schema()::regnamespace")),
           0, what);
    snprintf(what, sizeof what, "%s: no foreign key is broken", when);
    is_int(raw_int(db, per_engine(db, "SELECT count(*) FROM pragma_foreign_key_check",
                                  "SELECT 0")) +
           raw_int(db, "SELECT count(*) FROM posts WHERE author_id NOT IN (SELECT id FROM users)"),
           0, what);
}

/* ---- fresh ---- */

static void scenario_fresh(const char *path)
{
    const int n = migrations_in_code();
    mg_db *db;
    char *before, *after, *checksum;
    time_t start = time(NULL), end;
    int status;

    db = open_fresh(path);
    status = app_migrate(db);
    end = time(NULL);
    is_int(status, MG_OK, "migrate an empty database through every migration");
    if (status != MG_OK)
        printf("# %s\n", mg_errmsg(db));
    check_clean(db, "migrated");
    check_schema(db, APP_VERSION, "migrated");
    check_records(db, n, "migrated");
    is_int(raw_int(db, per_engine(db,
               "SELECT count(DISTINCT checksum) FROM modelgen_migrations "
               "WHERE length(checksum) = 16 AND checksum NOT GLOB '*[^0-9a-f]*'",
               "SELECT count(DISTINCT checksum) FROM modelgen_migrations "
               "WHERE checksum ~ '^[0-9a-f]{16}$'")),
           n, "every checksum is 16 hex digits, each its own");
    ok(raw_int(db, "SELECT min(applied_at) FROM modelgen_migrations") >= (long long)start &&
       raw_int(db, "SELECT max(applied_at) FROM modelgen_migrations") <= (long long)end,
       "applied_at is the time of the migration");

    before = dump(db);
    long long version = catalog_version(db);
    is_int(app_migrate(db), MG_OK, "migrate again: a no-op");
    after = dump(db);
    is_str(after, before, "the no-op changed nothing (schema, rows, records)");
    is_int(catalog_version(db), version, "not even the schema version");
    free(after);
    check_clean(db, "the no-op");
    mg_close(db);

    db = open_file(path);
    is_int(app_migrate(db), MG_OK, "on another connection: still a no-op");
    after = dump(db);
    is_str(after, before, "and still nothing changed");
    free(after);

    /* a recorded checksum that is not the code's */
    checksum = raw_rows(db, "SELECT checksum FROM modelgen_migrations WHERE version = 1");
    raw_exec(db, "UPDATE modelgen_migrations SET checksum = '0123456789abcdef' WHERE version = 1");
    free(before);
    before = dump(db);
    is_int(app_migrate(db), MG_ERROR, "a database whose recorded checksum differs is refused");
    ok(contains(mg_errmsg(db), "checksum") && contains(mg_errmsg(db), "migration 1 'initial'") &&
       contains(mg_errmsg(db), "0123456789abcdef"), "the message says which and why: %s",
       mg_errmsg(db));
    after = dump(db);
    is_str(after, before, "and the database is unchanged");
    free(after);
    check_clean(db, "refused (checksum)");
    checksum[strcspn(checksum, "\n")] = '\0';
    {
        char sql[200];
        snprintf(sql, sizeof sql, "UPDATE modelgen_migrations SET checksum = '%s' "
                                  "WHERE version = 1", checksum);
        raw_exec(db, sql);
    }
    free(checksum);
    is_int(app_migrate(db), MG_OK, "with the checksum restored, accepted again");

    /* a version newer than the code's last */
    raw_exec(db, "INSERT INTO modelgen_migrations VALUES (99, 'future', '0000000000000000', 0)");
    free(before);
    before = dump(db);
    is_int(app_migrate(db), MG_ERROR, "a database at a version newer than the code is refused");
    ok(contains(mg_errmsg(db), "99") && contains(mg_errmsg(db), "newer"),
       "the message says so: %s", mg_errmsg(db));
    after = dump(db);
    is_str(after, before, "and the database is unchanged");
    free(after);
    check_clean(db, "refused (newer)");
    raw_exec(db, "DELETE FROM modelgen_migrations WHERE version = 99");

    /* a record out of sequence */
    raw_exec(db, "DELETE FROM modelgen_migrations WHERE version = 1");
    free(before);
    before = dump(db);
    is_int(app_migrate(db), MG_ERROR, "a database missing a migration's record is refused");
    ok(contains(mg_errmsg(db), "migration 1 'initial'"), "naming it: %s", mg_errmsg(db));
    after = dump(db);
    is_str(after, before, "and the database is unchanged");
    free(after);
    free(before);
    mg_close(db);

    /* an empty database that claims to be newer: refused before anything is created */
    db = open_fresh(path);
    raw_exec(db, "CREATE TABLE modelgen_migrations (version INTEGER PRIMARY KEY, name TEXT "
                 "NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    raw_exec(db, "INSERT INTO modelgen_migrations VALUES (99, 'future', '0000000000000000', 0)");
    is_int(app_migrate(db), MG_ERROR, "an empty database recording version 99 is refused");
    is_int(table_exists(db, "users"), 0, "and nothing is created in it");
    mg_close(db);

    /* inside the caller's transaction */
    db = open_fresh(path);
    mg_begin(db);
    status = app_migrate(db);
    ok(status != MG_OK, "migrating inside a transaction fails: %s: %s", mg_status_name(status),
       mg_errmsg(db));
    is_int(mg_rollback(db), MG_OK, "the caller's transaction rolls back");
    is_int(table_exists(db, "users") + table_exists(db, "modelgen_migrations"), 0,
           "and creates nothing");
    mg_close(db);
    if (!test_on_postgres())
        remove(path);
}

/* ---- fill, upgrade ---- */

static void scenario_fill(const char *path)
{
    static const char *const emails[] = {"ann@example.com", "ann2@example.com", "cy@example.com"};
    static const char *const names[] = {"Ann", "Ann", "Cy"};
    mg_db *db;
    int failures = 0;

    db = open_fresh(path);
    is_int(app_migrate(db), MG_OK, "fill: migrate an empty database to migration 1");
    check_records(db, 1, "fill");
    mg_begin(db);
    for (int i = 0; i < USERS; i++) {
        char email[64], name[128];
        struct user u;
        user_init(&u);
        if (i < 3) {
            u.email = emails[i];
            u.name = names[i];
        } else {
            snprintf(email, sizeof email, "filler%d@example.com", i);
            snprintf(name, sizeof name, "Filler %d, whose name is long enough to fill pages "
                                        "of the table quickly", i);
            u.email = email;
            u.name = name;
        }
        failures += user_insert(db, &u) != MG_OK;
        for (int k = 0; i < 3 && k < 2; k++) {
            char title[64];
            struct post p;
            post_init(&p);
            snprintf(title, sizeof title, "post %d of %s", k + 1, names[i]);
            p.title = title;
            p.author_id = u.id;
            failures += post_insert(db, &p) != MG_OK;
        }
    }
    failures += mg_commit(db) != MG_OK;
    is_int(failures, 0, "fill: insert the rows with the generated API");
    is_int(raw_int(db, "SELECT count(*) FROM users"), USERS, "fill: the users are there");
    is_int(raw_int(db, "SELECT count(*) FROM posts"), POSTS, "fill: the posts are there");
    mg_close(db);
}

static const char users_rows_sql[] = "SELECT id, email, name FROM users ORDER BY id";
static const char posts_rows_sql[] = "SELECT id, title, author_id FROM posts ORDER BY id";

static void scenario_upgrade(const char *path)
{
    mg_db *db = open_file(path);
    char *users = raw_rows(db, users_rows_sql), *posts = raw_rows(db, posts_rows_sql), *now;
    int status;

    check_records(db, 1, "before the upgrade");
    status = app_migrate(db);
    is_int(status, MG_OK, "upgrade a database with rows from migration 1");
    if (status != MG_OK)
        printf("# %s\n", mg_errmsg(db));
    check_clean(db, "upgraded");
    check_schema(db, APP_VERSION, "upgraded");
    check_records(db, migrations_in_code(), "upgraded");
    now = raw_rows(db, users_rows_sql);
    is_str(now, users, "every users row is kept, unchanged");
    free(now);
    now = raw_rows(db, posts_rows_sql);
    is_str(now, posts, "every posts row is kept (the rebuild of their parent did not cascade)");
    free(now);
    is_int(raw_int(db, "SELECT count(*) FROM posts"), POSTS, "all the posts");
#if APP_VERSION >= 3
    {
        struct user u;
        is_int(user_get(db, 1, &u), MG_OK, "the generated API reads an old row");
        ok(u.email && strcmp(u.email, "ann@example.com") == 0 && u.name &&
           strcmp(u.name, "Ann") == 0 && u.bio == NULL, "with its values and the new column NULL");
        user_free(&u);
        user_init(&u);
        u.email = "nameless@example.com";
        is_int(user_insert(db, &u), MG_OK, "and inserts a user without a name (nullable now)");
    }
    {
        struct post p;
        post_init(&p);
        p.title = "orphan";
        p.author_id = 999999;
        is_int(post_insert(db, &p), MG_CONSTRAINT, "foreign keys are enforced after the upgrade");
    }
#endif
    free(users);
    free(posts);
    mg_close(db);
}

/* ---- fail ---- */

static void scenario_fail(const char *path, const char *want)
{
    const int n = migrations_in_code();
    mg_db *db = open_file(path);
    char *before = dump(db), *after, last[128];
    const char *names = strrchr(APP_NAMES, ',');
    long long version = catalog_version(db);

    snprintf(last, sizeof last, "migration %d '%s'", n, names ? names + 1 : APP_NAMES);
    check_records(db, n - 1, "before the failing migration");
    for (int attempt = 1; attempt <= 2; attempt++) {
        int status = app_migrate(db);
        printf("# attempt %d: %s: %s\n", attempt, mg_status_name(status), mg_errmsg(db));
        is_str(mg_status_name(status), want,
               attempt == 1 ? "the failing migration returns its status"
                            : "a second attempt fails the same way");
        ok(contains(mg_errmsg(db), last) && contains(mg_errmsg(db), "rolled back"),
           "the message names the migration (%s)", last);
        after = dump(db);
        is_str(after, before, "the database is unchanged: schema, rows, records");
        free(after);
        is_int(catalog_version(db), version, "not even its schema version");
        check_clean(db, "after the failure");
    }
    check_records(db, n - 1, "after the failure");
    free(before);
    mg_close(db);
}

/* ---- kill ---- */

/* Kills the process when migration 3 is about to drop users, after copying it (SQLite's
   authorizer). */
static int kill_at_drop(void *arg, int action, const char *a, const char *b, const char *c,
                        const char *d)
{
    (void)arg;
    (void)b;
    (void)c;
    (void)d;
    if (action == SQLITE_DROP_TABLE && a && strcmp(a, "users") == 0) {
        fflush(stdout);
        raise(SIGKILL);
    }
    return SQLITE_OK;
}

#ifdef TEST_WITH_LIBPQ
/* The warning the event trigger of scenario_kill raises after an ALTER TABLE of
   migration 3. */
#define KILL_MARK "modelgen test: ALTER TABLE done"

/* Kills the process when the server says migration 3's ALTER TABLE is done: the
   migration's transaction is open on the server, its statement run, nothing committed. */
static void kill_at_warning(void *arg, const PGresult *res)
{
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    (void)arg;
    if (msg && strcmp(msg, KILL_MARK) == 0) {
        fflush(stdout);
        raise(SIGKILL);
    }
}
#endif

static void scenario_kill(const char *path)
{
    mg_db *db = open_file(path);
    if (is_postgres(db)) {
#ifdef TEST_WITH_LIBPQ
        /* migration 3 is the one that runs while two are recorded */
        raw_exec(db, "CREATE FUNCTION modelgen_test_mark() RETURNS event_trigger "
                     "LANGUAGE plpgsql AS $$ BEGIN "
                     "IF (SELECT count(*) FROM modelgen_migrations) = 2 THEN "
                     "RAISE WARNING '" KILL_MARK "'; END IF; END $$");
        raw_exec(db, "CREATE EVENT TRIGGER modelgen_test_kill ON ddl_command_end "
                     "WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION modelgen_test_mark()");
        PQsetNoticeReceiver(mg_postgres(db), kill_at_warning, NULL);
#endif
    } else {
        /* a small cache, so that the copy spills into the database file before the kill */
        raw_exec(db, "PRAGMA cache_size = 8");
        sqlite3_set_authorizer(mg_sqlite(db), kill_at_drop, NULL);
    }
    printf("# migrating; the process should die inside migration 3\n");
    fflush(stdout);
    int status = app_migrate(db);
    ok(0, "kill: app_migrate returned (%s: %s) instead of dying", mg_status_name(status),
       mg_errmsg(db));
    mg_close(db);
}

static void scenario_after_kill(const char *path)
{
    mg_db *db = open_file(path);
    char *users = raw_rows(db, users_rows_sql);
    if (is_postgres(db)) {
        is_int(raw_exec(db, "DROP EVENT TRIGGER modelgen_test_kill"), MG_OK,
               "after the kill: drop the event trigger that killed it");
        raw_exec(db, "DROP FUNCTION modelgen_test_mark()");
    }
    check_records(db, 2, "after the kill");
    check_schema(db, 2, "after the kill");
    is_int(raw_int(db, "SELECT count(*) FROM users"), USERS, "after the kill: every user");
    is_int(raw_int(db, "SELECT count(*) FROM posts"), POSTS, "after the kill: every post");
    is_int(app_migrate(db), MG_OK, "migrating again finishes the job");
    check_clean(db, "migrated after the kill");
    check_schema(db, 3, "migrated after the kill");
    check_records(db, 3, "migrated after the kill");
    char *now = raw_rows(db, users_rows_sql);
    is_str(now, users, "every users row is kept");
    free(now);
    free(users);
    is_int(raw_int(db, "SELECT count(*) FROM posts"), POSTS, "every post is kept");
    mg_close(db);
}

/* ---- copy (PostgreSQL; runtime.sh copies SQLite files with cp) ---- */

static void scenario_copy(const char *from, const char *to)
{
#ifdef TEST_WITH_LIBPQ
    char a[64], b[64], sql[200];
    const char *base_a = strrchr(from, '/') ? strrchr(from, '/') + 1 : from;
    const char *base_b = strrchr(to, '/') ? strrchr(to, '/') + 1 : to;
    snprintf(a, sizeof a, "%.*s", (int)strcspn(base_a, "."), base_a);
    snprintf(b, sizeof b, "%.*s", (int)strcspn(base_b, "."), base_b);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\"", b);
    ok(pg_maintenance(sql, NULL, NULL, 0), "copy: drop %s", b);
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" TEMPLATE \"%s\"", b, a);
    ok(pg_maintenance(sql, NULL, NULL, 0), "copy: %s is a copy of %s", b, a);
#else
    (void)from;
    (void)to;
    ok(0, "copy: compiled without libpq");
#endif
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        printf("Bail out! usage: %s fresh|fill|upgrade|fail|kill|after-kill DB [STATUS], "
               "or copy FROM TO\n",
               argv[0]);
        return 1;
    }
    const char *mode = argv[1], *path = argv[2];
    if (strcmp(mode, "fresh") == 0)
        scenario_fresh(path);
    else if (strcmp(mode, "fill") == 0)
        scenario_fill(path);
    else if (strcmp(mode, "upgrade") == 0)
        scenario_upgrade(path);
    else if (strcmp(mode, "fail") == 0 && argc > 3)
        scenario_fail(path, argv[3]);
    else if (strcmp(mode, "kill") == 0)
        scenario_kill(path);
    else if (strcmp(mode, "after-kill") == 0)
        scenario_after_kill(path);
    else if (strcmp(mode, "copy") == 0 && argc > 3)
        scenario_copy(path, argv[3]);
    else {
        printf("Bail out! unknown scenario '%s'\n", mode);
        return 1;
    }
    return done_testing();
}
