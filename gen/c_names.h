/* The file-scope names the generated C gives a schema's things: functions (user_get,
   user_get_with_profile, blog_published_posts), their static SQL and tables
   (user_get_sql, user_model), enum and column constants (ROLE_ADMIN, USER_EMAIL), and the
   migrations' (blog_migrate). Two things must never get one name, and none may take a
   name the C library or GNU C already defines. Struct and enum tags, a namespace of their
   own, are check.c's. */
#ifndef MODELGEN_C_NAMES_H
#define MODELGEN_C_NAMES_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

struct arena;

/* Reports every clash among the names generated for s under PREFIX (the schema's C
   prefix: the file's stem or --name), each at the declaration that makes the later
   name, with a note at the earlier. Returns false when it reported one; else sets
   s->c_names, the table of the names (in a, like s). */
bool c_names_check(struct schema *s, const char *prefix, struct arena *a, struct diag *d);

/* Whether the generated code declares NAME at file scope (t NULL: false). A parameter of
   that name would hide it in the function's body. */
bool c_names_has(const struct c_name_table *t, const char *name);

/* Calls fn with every name c_names_check knows for s under PREFIX, checking nothing: how
   the tests compare the list with what the generator writes. */
void c_names_each(const struct schema *s, const char *prefix, struct arena *a,
                  void (*fn)(const char *name, void *ctx), void *ctx);

#endif
