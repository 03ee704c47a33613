/* State shared by the re2c lexer and the bison parser. */
#ifndef MODELGEN_PARSER_STATE_H
#define MODELGEN_PARSER_STATE_H

#include "ast.h"
#include "diag.h"
#include "util.h"

struct parser {
    const struct source *src;
    struct arena *arena;
    struct diag *diag;

    /* lexer position: the lexer owns line and column */
    const unsigned char *cursor, *limit, *token;
    const unsigned char *line_start;
    int line;

    /* the text of the last token, for syntax error messages */
    const unsigned char *last_token;
    size_t last_len;

    struct ast_schema *schema;
    struct ast_model **model_tail;
    struct ast_enum **enum_tail;
    struct ast_query **query_tail;
};

#endif
