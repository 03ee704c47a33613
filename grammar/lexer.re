/* The .model lexer. The input ends with a NUL sentinel that no rule can run past;
   a NUL byte anywhere else is an error. The lexer owns line and column numbers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

static struct pos token_pos(const struct parser *p)
{
    struct pos pos;
    pos.line = p->line;
    pos.col = (int)(p->token - p->line_start) + 1;
    pos.len = (int)(p->cursor - p->token);
    if (pos.len < 1)
        pos.len = 1;
    return pos;
}

static void set_location(const struct parser *p, YYLTYPE *lloc)
{
    lloc->first_line = lloc->last_line = p->line;
    lloc->first_column = (int)(p->token - p->line_start) + 1;
    lloc->last_column = (int)(p->cursor - p->line_start) + 1;
}

static int keyword(const unsigned char *s, size_t n)
{
#define KW(word, tok) {word, sizeof word - 1, tok}
    static const struct {
        const char *word;
        size_t len;
        int token;
    } words[] = {
        KW("model", MODEL),         KW("enum", ENUM),         KW("table", TABLE),
        KW("belongs_to", BELONGS_TO), KW("has_one", HAS_ONE), KW("has_many", HAS_MANY),
        KW("by", BY),               KW("through", THROUGH),   KW("fk", FK),
        KW("on_delete", ON_DELETE), KW("on_update", ON_UPDATE), KW("constraint", CONSTRAINT),
        KW("unique", UNIQUE),       KW("index", INDEX),       KW("default", DEFAULT),
        KW("true", TRUE),           KW("false", FALSE),       KW("null", NULL_),
        KW("was", WAS),             KW("query", QUERY),
    };
#undef KW
    /* every identifier comes through here: compare lengths and first bytes before memcmp */
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (words[i].len == n && words[i].word[0] == (char)s[0] &&
            memcmp(words[i].word, s, n) == 0)
            return words[i].token;
    return IDENT;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned cp = c & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* Decodes a quoted string's body (without quotes) into the arena. */
static const char *string_value(struct parser *p, const unsigned char *s, size_t n)
{
    char *out = arena_alloc(p->arena, n + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            size_t u = utf8_length(s + i, n - i);
            if (u == 0) {
                struct pos pos = {p->line, (int)(s + i - p->line_start) + 1, 1};
                diag_error(p->diag, pos, "invalid UTF-8 in string");
                return out;
            }
            memcpy(out + len, s + i, u);
            len += u;
            i += u - 1;
            continue;
        }
        i++;
        switch (s[i]) {
        case 'n': out[len++] = '\n'; break;
        case 't': out[len++] = '\t'; break;
        case '\\': out[len++] = '\\'; break;
        case '\'': out[len++] = '\''; break;
        case '"': out[len++] = '"'; break;
        default: {
            struct pos pos = {p->line, (int)(s + i - 1 - p->line_start) + 1, 2};
            diag_error(p->diag, pos, "unknown escape sequence '\\%c' in string", s[i]);
        }
        }
    }
    out[len] = '\0';
    return out;
}

/* The body of a """...""" string, the cursor just after its opening quotes: every byte up
   to the closing quotes is kept as it is (a query's SQL, whose offsets map straight back
   to the file). Newlines inside count as lines; an unterminated one runs to the end. */
static const char *block_string(struct parser *p, struct pos open)
{
    const unsigned char *body = p->cursor, *q = body;
    for (;;) {
        if (q >= p->limit) {
            diag_error(p->diag, open, "unterminated \"\"\" string: it runs to the end of the "
                       "file");
            break;
        }
        /* the sentinel NUL at p->limit stops both lookaheads */
        if (q[0] == '"' && q[1] == '"' && q[2] == '"')
            break;
        struct pos here = {p->line, (int)(q - p->line_start) + 1, 1};
        if (*q == '\n') {
            p->line++;
            p->line_start = q + 1;
            q++;
        } else if (*q == '\0') {
            diag_error(p->diag, here, "unexpected byte 0x00 in string");
            q++;
        } else if (*q < 0x80) {
            q++;
        } else {
            size_t u = utf8_length(q, (size_t)(p->limit - q));
            if (u == 0) {
                diag_error(p->diag, here, "invalid UTF-8 in string");
                u = 1;
            }
            q += u;
        }
    }
    const char *text = arena_strndup(p->arena, (const char *)body, (size_t)(q - body));
    p->cursor = q < p->limit ? q + 3 : p->limit;
    return text;
}

static void bad_byte(struct parser *p)
{
    unsigned c = *p->token;
    if (c >= 0x20 && c < 0x7f)
        diag_error(p->diag, token_pos(p), "unexpected character '%c'", (char)c);
    else if (c >= 0x80 && utf8_length(p->token, (size_t)(p->limit - p->token))) {
        p->cursor = p->token + utf8_length(p->token, (size_t)(p->limit - p->token));
        diag_error(p->diag, token_pos(p), "unexpected non-ASCII character");
    }
    else
        diag_error(p->diag, token_pos(p), "unexpected byte 0x%02x", c);
}

int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *p)
{
    const unsigned char *marker;
    (void)marker;
    for (;;) {
        p->token = p->cursor;
        /*!re2c
            re2c:define:YYCTYPE = "unsigned char";
            re2c:define:YYCURSOR = "p->cursor";
            re2c:define:YYMARKER = "marker";
            re2c:yyfill:enable = 0;
            re2c:indent:top = 2;

            ident = [a-zA-Z][a-zA-Z0-9_]*;
            digits = [0-9]+;

            "\x00" {
                if (p->token >= p->limit) {
                    p->cursor = p->token;
                    set_location(p, lloc);
                    return END;
                }
                bad_byte(p);
                continue;
            }
            [ \t\r\v\f]+ { continue; }
            ("#" | "//") [^\n\x00]* { continue; }
            "\n" {
                set_location(p, lloc);
                p->line++;
                p->line_start = p->cursor;
                return NL;
            }
            ident {
                set_location(p, lloc);
                p->last_token = p->token;
                p->last_len = (size_t)(p->cursor - p->token);
                int tok = keyword(p->token, p->last_len);
                if (tok == IDENT)
                    lval->text = arena_strndup(p->arena, (const char *)p->token, p->last_len);
                return tok;
            }
            digits {
                set_location(p, lloc);
                p->last_token = p->token;
                p->last_len = (size_t)(p->cursor - p->token);
                lval->text = arena_strndup(p->arena, (const char *)p->token, p->last_len);
                return INTEGER;
            }
            digits "." digits ([eE] [+-]? digits)? | digits [eE] [+-]? digits {
                set_location(p, lloc);
                p->last_token = p->token;
                p->last_len = (size_t)(p->cursor - p->token);
                lval->text = arena_strndup(p->arena, (const char *)p->token, p->last_len);
                return REAL;
            }
            [_0-9]* [a-zA-Z_] [a-zA-Z0-9_]* {
                set_location(p, lloc);
                p->last_token = p->token;
                p->last_len = (size_t)(p->cursor - p->token);
                diag_error(p->diag, token_pos(p),
                           "invalid identifier '%.*s': names start with a letter",
                           (int)(p->last_len > 40 ? 40 : p->last_len), (const char *)p->token);
                lval->text = arena_strndup(p->arena, (const char *)p->token, p->last_len);
                return IDENT;
            }
            ['] ([^'\\\n\x00] | [\\][^\n\x00])* ['] | ["] ([^"\\\n\x00] | [\\][^\n\x00])* ["] {
                set_location(p, lloc);
                lval->text = string_value(p, p->token + 1, (size_t)(p->cursor - p->token) - 2);
                return STRING;
            }
            ["]["]["] {
                set_location(p, lloc);
                lval->text = block_string(p, token_pos(p));
                return TEXT_BLOCK;
            }
            ['"] {
                diag_error(p->diag, token_pos(p), "unterminated string");
                while (p->cursor < p->limit && *p->cursor != '\n')
                    p->cursor++;
                set_location(p, lloc);
                lval->text = "";
                return STRING;
            }
            "->" {
                set_location(p, lloc);
                return ARROW;
            }
            [{}(),:?=-] {
                set_location(p, lloc);
                return *p->token;
            }
            * {
                bad_byte(p);
                continue;
            }
        */
    }
}
