/* Naming rules shared by the checker and the generators. */
#ifndef MODELGEN_NAMES_H
#define MODELGEN_NAMES_H

#include <stdbool.h>

struct arena;

/* BlogPost -> blog_post, HTTPServer -> http_server */
char *snake_case(struct arena *a, const char *name);
/* blog_post -> blog_posts, category -> categories, address -> addresses */
char *plural(struct arena *a, const char *snake);
/* role -> ROLE */
char *upper_case(struct arena *a, const char *name);

/* Words that cannot name a C struct member or type (C99 and C++ keywords). */
bool is_c_keyword(const char *name);
/* Words SQLite or PostgreSQL reserve; such identifiers are quoted in SQL. */
bool is_sql_keyword(const char *name);
/* Builds the keyword tables (the tests above do on first use). Call it before testing from
   several threads at once: after it, each thread only reads them. */
void names_load(void);

#endif
