/* The grammar of .model files. Members end at a newline, which lets the parser
   recover from a bad member at the end of its line and go on to the next one. */
%define api.pure full
%define parse.error custom
%define parse.lac full
%locations
%param { struct parser *p }

%code requires {
#include "parser_state.h"
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *p);
}

%code {
#include <string.h>

static void yyerror(YYLTYPE *loc, struct parser *p, const char *msg);

static struct pos to_pos(YYLTYPE l)
{
    struct pos pos = {l.first_line, l.first_column, 1};
    if (l.last_line == l.first_line && l.last_column > l.first_column)
        pos.len = l.last_column - l.first_column;
    return pos;
}

static struct ast_name make_name(const char *text, YYLTYPE l)
{
    struct ast_name n = {text, to_pos(l)};
    return n;
}

static struct ast_member *new_member(struct parser *p, enum ast_member_kind kind, YYLTYPE l)
{
    struct ast_member *m = arena_alloc(p->arena, sizeof *m);
    m->kind = kind;
    m->pos = to_pos(l);
    return m;
}

/* An option given twice is an error; the first one stays. */
static void set_option(struct parser *p, struct ast_name *slot, struct ast_name value,
                       const char *option, YYLTYPE where)
{
    if (slot->text) {
        diag_error(p->diag, to_pos(where), "duplicate '%s' option", option);
        diag_note(p->diag, slot->pos, "first given here");
        return;
    }
    *slot = value;
}

static struct ast_member *reverse_members(struct ast_member *m)
{
    struct ast_member *out = NULL;
    while (m) {
        struct ast_member *next = m->next;
        m->next = out;
        out = m;
        m = next;
    }
    return out;
}

static struct ast_name_list *reverse_names(struct ast_name_list *l)
{
    struct ast_name_list *out = NULL;
    while (l) {
        struct ast_name_list *next = l->next;
        l->next = out;
        out = l;
        l = next;
    }
    return out;
}

static struct ast_param *reverse_params(struct ast_param *l)
{
    struct ast_param *out = NULL;
    while (l) {
        struct ast_param *next = l->next;
        l->next = out;
        out = l;
        l = next;
    }
    return out;
}

static struct ast_column *reverse_columns(struct ast_column *l)
{
    struct ast_column *out = NULL;
    while (l) {
        struct ast_column *next = l->next;
        l->next = out;
        out = l;
        l = next;
    }
    return out;
}

/* `many` is a word of the result syntax only, not a keyword: anything else there is an
   error, reported at the word. */
static void expect_many(struct parser *p, const char *word, YYLTYPE where)
{
    if (strcmp(word, "many") != 0)
        diag_error(p->diag, to_pos(where), "unexpected identifier '%s'; expected 'many' or a "
                   "type after '->'", word);
}

static struct ast_name_list *cons_name(struct parser *p, struct ast_name n,
                                       struct ast_name_list *rest)
{
    struct ast_name_list *l = arena_alloc(p->arena, sizeof *l);
    l->name = n;
    l->next = rest;
    return l;
}
}

%union {
    const char *text;
    struct ast_value *value;
    struct ast_member *member;
    struct ast_name_list *names;
    bool flag;
    struct ast_name name;
    struct ast_param *param;
    struct ast_column *column;
    struct ast_query *query;
}

%token END 0 "end of file"
%token NL "end of line"
%token MODEL "'model'" ENUM "'enum'" TABLE "'table'"
%token BELONGS_TO "'belongs_to'" HAS_ONE "'has_one'" HAS_MANY "'has_many'"
%token BY "'by'" THROUGH "'through'" FK "'fk'"
%token ON_DELETE "'on_delete'" ON_UPDATE "'on_update'" CONSTRAINT "'constraint'"
%token UNIQUE "'unique'" INDEX "'index'" DEFAULT "'default'" WAS "'was'"
%token TRUE "'true'" FALSE "'false'" NULL_ "'null'" QUERY "'query'" ARROW "'->'"
%token <text> IDENT "identifier" STRING "string" INTEGER "integer" REAL "number"
%token <text> TEXT_BLOCK "'\"\"\"' string"
%token '{' "'{'" '}' "'}'" '(' "'('" ')' "')'" ',' "','" ':' "':'" '?' "'?'" '-' "'-'"
%token '=' "'='"

%type <text> name soft_keyword field_name
%type <value> value
%type <member> members member opt_member field belongs_to field_options assoc_options
%type <names> name_list enum_members
%type <flag> opt_nullable
%type <name> opt_table opt_was
%type <param> query_params param_list param
%type <column> row_columns column_list row_column
%type <query> query_result

%%

schema
    : %empty
    | schema NL
    | schema model
    | schema enum
    | schema query
    | schema error NL
    | schema error '}'
    ;

model
    : MODEL name opt_was opt_table nls '{' members opt_member '}'
        {
            struct ast_model *m = arena_alloc(p->arena, sizeof *m);
            m->name = make_name($2, @2);
            m->pos = to_pos(@1);
            m->end = to_pos(@9);
            m->was = $3;
            m->table = $4;
            if ($8)
                $8->next = $7;
            m->members = reverse_members($8 ? $8 : $7);
            *p->model_tail = m;
            p->model_tail = &m->next;
        }
    ;

opt_table
    : %empty { $$.text = NULL; $$.pos = to_pos(@$); }
    | TABLE name { $$ = make_name($2, @2); }
    ;

opt_was
    : %empty { $$.text = NULL; $$.pos = to_pos(@$); }
    | WAS name { $$ = make_name($2, @2); }
    ;

opt_member
    : %empty { $$ = NULL; }
    | member
    ;

nls
    : %empty
    | nls NL
    ;

/* Members are built in reverse order and reversed once by the model. */
members
    : %empty { $$ = NULL; }
    | members NL { $$ = $1; }
    | members member NL { $2->next = $1; $$ = $2; }
    | members error NL { $$ = $1; yyerrok; }
    ;

member
    : field
    | belongs_to
    | HAS_ONE name ':' name opt_nullable BY name
        {
            $$ = new_member(p, MEMBER_HAS_ONE, @1);
            $$->name = make_name($2, @2);
            $$->type = make_name($4, @4);
            $$->nullable = $5;
            $$->nullable_pos = to_pos(@5);
            $$->via = make_name($7, @7);
        }
    | HAS_MANY name ':' name opt_nullable BY name
        {
            $$ = new_member(p, MEMBER_HAS_MANY, @1);
            $$->name = make_name($2, @2);
            $$->type = make_name($4, @4);
            $$->nullable = $5;
            $$->nullable_pos = to_pos(@5);
            $$->via = make_name($7, @7);
        }
    | HAS_MANY name ':' name opt_nullable THROUGH name
        {
            $$ = new_member(p, MEMBER_HAS_MANY_THROUGH, @1);
            $$->name = make_name($2, @2);
            $$->type = make_name($4, @4);
            $$->nullable = $5;
            $$->nullable_pos = to_pos(@5);
            $$->via = make_name($7, @7);
        }
    | UNIQUE '(' name_list ')'
        {
            $$ = new_member(p, MEMBER_UNIQUE, @1);
            $$->columns = reverse_names($3);
        }
    | INDEX '(' name_list ')'
        {
            $$ = new_member(p, MEMBER_INDEX, @1);
            $$->columns = reverse_names($3);
        }
    ;

field
    : field_name name opt_nullable field_options
        {
            $$ = $4;
            $$->pos = to_pos(@1);
            $$->name = make_name($1, @1);
            $$->type = make_name($2, @2);
            $$->nullable = $3;
            $$->nullable_pos = to_pos(@3);
        }
    ;

field_options
    : %empty { $$ = new_member(p, MEMBER_FIELD, @$); }
    | field_options UNIQUE
        {
            if ($1->unique)
                diag_error(p->diag, to_pos(@2), "duplicate 'unique' option");
            $1->unique = true;
            $$ = $1;
        }
    | field_options INDEX
        {
            if ($1->index)
                diag_error(p->diag, to_pos(@2), "duplicate 'index' option");
            $1->index = true;
            $$ = $1;
        }
    | field_options WAS name
        {
            set_option(p, &$1->was, make_name($3, @3), "was", @2);
            $$ = $1;
        }
    | field_options DEFAULT value
        {
            if ($1->default_value) {
                diag_error(p->diag, to_pos(@2), "duplicate 'default' option");
                diag_note(p->diag, $1->default_value->pos, "first given here");
            } else {
                $1->default_value = $3;
            }
            $$ = $1;
        }
    ;

belongs_to
    : BELONGS_TO name ':' name opt_nullable assoc_options
        {
            $$ = $6;
            $$->pos = to_pos(@1);
            $$->name = make_name($2, @2);
            $$->type = make_name($4, @4);
            $$->nullable = $5;
            $$->nullable_pos = to_pos(@5);
        }
    ;

assoc_options
    : %empty { $$ = new_member(p, MEMBER_BELONGS_TO, @$); }
    | assoc_options FK name
        { set_option(p, &$1->fk, make_name($3, @3), "fk", @2); $$ = $1; }
    | assoc_options ON_DELETE name
        { set_option(p, &$1->on_delete, make_name($3, @3), "on_delete", @2); $$ = $1; }
    | assoc_options ON_UPDATE name
        { set_option(p, &$1->on_update, make_name($3, @3), "on_update", @2); $$ = $1; }
    | assoc_options CONSTRAINT name
        { set_option(p, &$1->constraint, make_name($3, @3), "constraint", @2); $$ = $1; }
    | assoc_options WAS name
        { set_option(p, &$1->was, make_name($3, @3), "was", @2); $$ = $1; }
    ;

opt_nullable
    : %empty { $$ = false; }
    | '?' { $$ = true; }
    ;

value
    : INTEGER
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->kind = VALUE_INT;
            $$->text = $1;
            $$->pos = to_pos(@1);
        }
    | '-' INTEGER
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->kind = VALUE_INT;
            $$->text = arena_printf(p->arena, "-%s", $2);
            $$->pos = to_pos(@$);
        }
    | REAL
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->kind = VALUE_REAL;
            $$->text = $1;
            $$->pos = to_pos(@1);
        }
    | '-' REAL
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->kind = VALUE_REAL;
            $$->text = arena_printf(p->arena, "-%s", $2);
            $$->pos = to_pos(@$);
        }
    | STRING
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->kind = VALUE_STRING;
            $$->text = $1;
            $$->pos = to_pos(@1);
        }
    | TRUE  { $$ = arena_alloc(p->arena, sizeof *$$); $$->kind = VALUE_TRUE; $$->pos = to_pos(@1); }
    | FALSE { $$ = arena_alloc(p->arena, sizeof *$$); $$->kind = VALUE_FALSE; $$->pos = to_pos(@1); }
    | NULL_ { $$ = arena_alloc(p->arena, sizeof *$$); $$->kind = VALUE_NULL; $$->pos = to_pos(@1); }
    | name
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->kind = VALUE_NAME;
            $$->text = $1;
            $$->pos = to_pos(@1);
        }
    ;

name_list
    : name { $$ = cons_name(p, make_name($1, @1), NULL); }
    | name_list ',' name { $$ = cons_name(p, make_name($3, @3), $1); }
    ;

enum
    : ENUM name nls '{' enum_members '}'
        {
            struct ast_enum *e = arena_alloc(p->arena, sizeof *e);
            e->name = make_name($2, @2);
            e->pos = to_pos(@1);
            e->members = reverse_names($5);
            *p->enum_tail = e;
            p->enum_tail = &e->next;
        }
    ;

/* Members are separated by commas or newlines. */
enum_members
    : %empty { $$ = NULL; }
    | enum_members NL { $$ = $1; }
    | enum_members ',' { $$ = $1; }
    | enum_members name { $$ = cons_name(p, make_name($2, @2), $1); }
    ;

/* query NAME(PARAMS) [-> [many] RESULT] = SQL: the result part builds the query. */
query
    : QUERY name '(' query_params ')' query_result '=' nls TEXT_BLOCK
        {
            struct ast_query *q = $6;
            q->name = make_name($2, @2);
            q->pos = to_pos(@1);
            q->params = $4;
            q->sql.text = $9;
            q->sql.pos = to_pos(@9);
            q->sql.pos.len = 3;
            q->sql.raw = true;
            *p->query_tail = q;
            p->query_tail = &q->next;
        }
    | QUERY name '(' query_params ')' query_result '=' nls STRING
        {
            struct ast_query *q = $6;
            q->name = make_name($2, @2);
            q->pos = to_pos(@1);
            q->params = $4;
            q->sql.text = $9;
            q->sql.pos = to_pos(@9);
            q->sql.pos.len = 1;
            q->sql.raw = false;
            *p->query_tail = q;
            p->query_tail = &q->next;
        }
    ;

query_params
    : nls { $$ = NULL; }
    | nls param_list nls { $$ = reverse_params($2); }
    ;

param_list
    : param
    | param_list ',' nls param { $4->next = $1; $$ = $4; }
    ;

param
    : name name opt_nullable
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->name = make_name($1, @1);
            $$->type = make_name($2, @2);
            $$->nullable = $3;
            $$->nullable_pos = to_pos(@3);
        }
    ;

query_result
    : %empty { $$ = arena_alloc(p->arena, sizeof *$$); }
    | ARROW name opt_nullable
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->has_result = true;
            $$->result = make_name($2, @2);
            $$->result_nullable = $3;
            $$->result_nullable_pos = to_pos(@3);
        }
    | ARROW name name opt_nullable
        {
            expect_many(p, $2, @2);
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->has_result = true;
            $$->many = true;
            $$->many_pos = to_pos(@2);
            $$->result = make_name($3, @3);
            $$->result_nullable = $4;
            $$->result_nullable_pos = to_pos(@4);
        }
    | ARROW name '(' row_columns ')'
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->has_result = true;
            $$->result = make_name($2, @2);
            $$->has_columns = true;
            $$->columns = $4;
        }
    | ARROW name name '(' row_columns ')'
        {
            expect_many(p, $2, @2);
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->has_result = true;
            $$->many = true;
            $$->many_pos = to_pos(@2);
            $$->result = make_name($3, @3);
            $$->has_columns = true;
            $$->columns = $5;
        }
    ;

row_columns
    : nls { $$ = NULL; }
    | nls column_list nls { $$ = reverse_columns($2); }
    ;

column_list
    : row_column
    | column_list ',' nls row_column { $4->next = $1; $$ = $4; }
    ;

row_column
    : name
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->name = make_name($1, @1);
            $$->type.pos = to_pos(@1);
        }
    | name name opt_nullable
        {
            $$ = arena_alloc(p->arena, sizeof *$$);
            $$->name = make_name($1, @1);
            $$->type = make_name($2, @2);
            $$->nullable = $3;
            $$->nullable_pos = to_pos(@3);
        }
    ;

/* Words that are keywords elsewhere may still name a field or a column. */
name
    : IDENT
    | soft_keyword
    ;

soft_keyword
    : TABLE { $$ = "table"; }
    | BY { $$ = "by"; }
    | THROUGH { $$ = "through"; }
    | FK { $$ = "fk"; }
    | ON_DELETE { $$ = "on_delete"; }
    | ON_UPDATE { $$ = "on_update"; }
    | CONSTRAINT { $$ = "constraint"; }
    | WAS { $$ = "was"; }
    | QUERY { $$ = "query"; }
    ;

field_name
    : name
    | UNIQUE { $$ = "unique"; }
    | INDEX { $$ = "index"; }
    ;

%%

static void yyerror(YYLTYPE *loc, struct parser *p, const char *msg)
{
    diag_error(p->diag, to_pos(*loc), "%s", msg);
}

static const char *describe(struct parser *p, yysymbol_kind_t tok)
{
    switch (tok) {
    case YYSYMBOL_IDENT:
    case YYSYMBOL_INTEGER:
    case YYSYMBOL_REAL:
        return arena_printf(p->arena, "%s '%.*s'", yysymbol_name(tok),
                            (int)(p->last_len > 40 ? 40 : p->last_len),
                            (const char *)p->last_token);
    default:
        return yysymbol_name(tok);
    }
}

/* Keywords that may also be names: listing them after "identifier" only adds noise. */
static bool is_soft_keyword(yysymbol_kind_t t)
{
    return t == YYSYMBOL_TABLE || t == YYSYMBOL_BY || t == YYSYMBOL_THROUGH ||
           t == YYSYMBOL_FK || t == YYSYMBOL_ON_DELETE || t == YYSYMBOL_ON_UPDATE ||
           t == YYSYMBOL_CONSTRAINT || t == YYSYMBOL_UNIQUE || t == YYSYMBOL_INDEX ||
           t == YYSYMBOL_WAS || t == YYSYMBOL_QUERY;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, struct parser *p)
{
    enum { MAX_EXPECTED = 24, MAX_SHOWN = 4 };
    yysymbol_kind_t all[MAX_EXPECTED], shown[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(ctx, all, MAX_EXPECTED);
    bool name = false, value = false;
    for (int i = 0; i < n; i++) {
        name = name || all[i] == YYSYMBOL_IDENT;
        value = value || all[i] == YYSYMBOL_STRING;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (value && all[i] != YYSYMBOL_STRING && all[i] != YYSYMBOL_NL && all[i] != YYSYMBOL_YYEOF)
            continue;   /* a default value: "expected a value" says it all */
        if (name && is_soft_keyword(all[i]))
            continue;
        /* a declaration may start with 'query', but the lists name the main two */
        if (all[i] == YYSYMBOL_QUERY)
            continue;
        shown[k++] = all[i];
    }
    struct buf msg = {0};
    buf_printf(&msg, "unexpected %s", describe(p, yypcontext_token(ctx)));
    if (k > 0 && k <= MAX_SHOWN) {
        buf_puts(&msg, "; expected ");
        for (int i = 0; i < k; i++) {
            if (i > 0)
                buf_puts(&msg, i == k - 1 ? " or " : ", ");
            buf_puts(&msg, shown[i] == YYSYMBOL_STRING && value ? "a value"
                           : yysymbol_name(shown[i]));
        }
    }
    diag_error(p->diag, to_pos(*yypcontext_location(ctx)), "%s", msg.data);
    buf_free(&msg);
    return 0;
}

struct ast_schema *parse_schema(const struct source *src, struct arena *a, struct diag *d)
{
    struct parser p;
    memset(&p, 0, sizeof p);
    p.src = src;
    p.arena = a;
    p.diag = d;
    p.cursor = (const unsigned char *)src->text;
    p.limit = p.cursor + src->size;
    p.line_start = p.cursor;
    p.line = 1;
    p.schema = arena_alloc(a, sizeof *p.schema);
    p.model_tail = &p.schema->models;
    p.enum_tail = &p.schema->enums;
    p.query_tail = &p.schema->queries;
    if (yyparse(&p) != 0 && d->errors == 0)
        diag_error(d, (struct pos){p.line, 1, 1}, "could not parse the schema");
    return p.schema;
}
