/* The diff engine on schemas given as text: which changes it finds, the migration's name,
   and what it refuses. The SQL itself is covered by the golden files (golden.sh). */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "diff_internal.h"
#include "frontend.h"
#include "tap.h"

struct side {
    struct source src;
    struct diag diag;
    struct schema *schema;
};

static bool compile(struct side *s, const char *name, const char *text, struct arena *a)
{
    source_from_memory(&s->src, name, text, strlen(text));
    diag_init(&s->diag, &s->src, NULL);
    s->schema = compile_schema(&s->src, a, &s->diag);
    return s->schema != NULL;
}

/* Diffs OLD and NEW; checks the name, the number of destructive changes and of errors. */
static void check(const char *what, const char *old_text, const char *new_text,
                  const char *name, int destructive, int errors)
{
    struct arena *a = arena_new();
    struct side o, n;
    bool old_ok = compile(&o, "old.model", old_text, a);
    bool new_ok = compile(&n, "new.model", new_text, a);    /* both, whatever the first did */
    bool compiled = old_ok && new_ok;
    if (!ok(compiled, "%s: both schemas compile", what)) {
        source_free(&o.src);
        source_free(&n.src);
        arena_free(a);
        return;
    }
    struct diff *df = diff_compute(o.schema, n.schema, a);
    const char *got = diff_name(df, a);
    if (!got)   /* (never: but say so rather than pass NULL to printf) */
        got = "(null)";
    ok(strcmp(got, name) == 0, "%s: named %s (got %s)", what, name, got);
    ok(strlen(got) <= 40, "%s: the name has at most 40 characters", what);
    ok(diff_empty(df) == (strcmp(name, "no_changes") == 0), "%s: empty exactly when nothing changed", what);
    int d = diff_report_destructive(df, &o.diag, &n.diag);
    ok(d == destructive, "%s: %d destructive change(s) (got %d)", what, destructive, d);
    int e = diff_report_errors(df, &n.diag);
    ok(e == errors, "%s: %d impossible change(s) (got %d)", what, errors, e);
    diag_flush(&o.diag);
    diag_flush(&n.diag);
    /* both dialects write something, whatever the change */
    struct buf sql = {0};
    diff_sql(&sql, df, DIALECT_SQLITE);
    diff_sql(&sql, df, DIALECT_POSTGRES);
    ok(sql.len > 0 && strstr(sql.data, "COMMIT;"), "%s: SQL for both dialects", what);
    buf_free(&sql);
    source_free(&o.src);
    source_free(&n.src);
    arena_free(a);
}

#define USER "model User {\n  email text unique\n"

/* What each retype does (the table in README.md): E exact, C checked, N to an enum. */
static void retype_kinds(void)
{
    static const char *const names[] = {"int", "real", "text", "blob", "bool", "timestamp", "enum"};
    static const char *const want[] = {
        /*            to: int real text blob bool timestamp enum */
        /* int */       "-CEECCN",
        /* real */      "C-CCCCN",
        /* text */      "CC-ECCN",
        /* blob */      "CCC-CCN",
        /* bool */      "EEEE-EN",
        /* timestamp */ "EEEEC-N",
        /* enum */      "CCEECC-",
    };
    for (int from = 0; from < 7; from++) {
        for (int to = 0; to < 7; to++) {
            if (from == to)
                continue;
            enum retype_kind k = diff_retype_kind((enum type_kind)from, (enum type_kind)to);
            char got = k == RETYPE_EXACT ? 'E' : k == RETYPE_CHECKED ? 'C' : 'N';
            ok(got == want[from][to], "%s to %s is %c (got %c)", names[from], names[to],
               want[from][to], got);
        }
    }
}

int main(void)
{
    check("one field added", USER "}\n", USER "  bio text?\n}\n", "add_bio", 0, 0);
    check("a camel-case field added", USER "}\n", USER "  displayName text?\n}\n",
          "add_display_name", 0, 0);
    check("one field dropped", USER "  age int\n}\n", USER "}\n", "drop_age", 1, 0);
    check("one field renamed", USER "  name text\n}\n", USER "  display_name text was name\n}\n",
          "rename_name_to_display_name", 0, 0);
    check("a model added", USER "}\n", USER "}\nmodel Post {\n  belongs_to author: User\n}\n",
          "add_posts", 0, 0);
    check("a model dropped", USER "}\nmodel Post {\n  title text\n}\n", USER "}\n", "drop_posts",
          1, 0);
    check("a model renamed", USER "}\n", "model Person was User {\n  email text unique\n}\n",
          "rename_user_to_person", 0, 0);
    check("a table renamed", USER "}\n", "model User table accounts {\n  email text unique\n}\n",
          "rename_users_to_accounts", 0, 0);
    check("several changes to one table", USER "  age int\n}\n",
          USER "  age real\n  bio text?\n}\n", "change_users", 0, 0);
    check("an index added", USER "  nick text\n}\n", USER "  nick text index\n}\n", "change_users",
          0, 0);
    check("changes to two tables", USER "}\nmodel Team {\n  name text\n}\n",
          USER "  bio text?\n}\nmodel Team {\n  name text\n  motto text?\n}\n", "changes", 0, 0);
    check("nothing", USER "}\n", "# a comment\n" USER "}\n", "no_changes", 0, 0);
    check("a stale was", USER "}\n", "model User was Account {\n  email text unique\n}\n",
          "no_changes", 0, 0);
    check("a was that names a model NEW still has", USER "}\nmodel Team {\n  name text\n}\n",
          USER "}\nmodel Team was User {\n  name text\n}\n", "no_changes", 0, 0);
    check("a long name", USER "}\n",
          USER "  a_field_whose_name_is_long_enough_to_be_cut text?\n}\n",
          "add_a_field_whose_name_is_long_enough_to", 0, 0);

    check("a safe retype", USER "  n int\n  f bool\n}\n", USER "  n real\n  f int\n}\n",
          "change_users", 0, 0);
    check("a checked retype", USER "  n text\n}\n", USER "  n int\n}\n", "change_users", 0, 0);
    check("a retype to an enum", "enum R { a, b }\n" USER "  n text\n}\n",
          "enum R { a, b }\n" USER "  n R?\n}\n", "change_users", 1, 0);
    retype_kinds();
    check("made required with a default", USER "  n int?\n}\n", USER "  n int default 0\n}\n",
          "change_users", 0, 0);
    check("made required without one", USER "  n int?\n}\n", USER "  n int\n}\n", "change_users",
          1, 0);
    check("an enum widened", "enum R { a, b }\n" USER "  r R\n}\n",
          "enum R { a, b, c }\n" USER "  r R\n}\n", "change_users", 0, 0);
    check("an enum narrowed, on two columns", "enum R { a, b }\n" USER "  r R\n  s R?\n}\n",
          "enum R { a }\n" USER "  r R\n  s R?\n}\n", "change_users", 2, 0);
    check("a required field added without a default", USER "}\n", USER "  n int\n}\n", "add_n",
          0, 1);
    check("a required field added with one", USER "}\n", USER "  n int default 1\n}\n", "add_n",
          0, 0);
    check("a required association added",
          USER "}\nmodel Team {\n  name text\n}\n",
          USER "  belongs_to team: Team\n}\nmodel Team {\n  name text\n}\n", "add_team", 0, 1);
    check("an association renamed", USER "  belongs_to team: Team?\n}\nmodel Team {\n  name text\n}\n",
          USER "  belongs_to squad: Team? was team\n}\nmodel Team {\n  name text\n}\n",
          "rename_team_to_squad", 0, 0);
    check("a cycle appears",
          USER "  belongs_to profile: Profile?\n}\nmodel Profile {\n  bio text?\n}\n",
          USER "  belongs_to profile: Profile?\n}\nmodel Profile {\n  bio text?\n"
               "  belongs_to owner: User?\n}\n", "add_owner", 0, 0);
    check("a cycle that stays", USER "  belongs_to profile: Profile?\n}\nmodel Profile {\n"
               "  belongs_to owner: User?\n}\n",
          USER "  belongs_to profile: Profile?\n}\nmodel Profile {\n"
               "  belongs_to owner: User?\n  bio text?\n}\n", "add_bio", 0, 0);
    check("a declared deferral", USER "  belongs_to team: Team?\n}\nmodel Team {\n  name text\n}\n",
          USER "  belongs_to team: Team? constraint deferred\n}\nmodel Team {\n  name text\n}\n",
          "change_users", 0, 0);
    return done_testing();
}
