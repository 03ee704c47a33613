/* The checker: turns the AST into the resolved model, reporting every semantic error. */
#ifndef MODELGEN_CHECK_H
#define MODELGEN_CHECK_H

#include "ast.h"
#include "model.h"

/* Returns the model, even when errors were reported (d->errors > 0); never NULL. */
struct schema *check_schema(const struct ast_schema *ast, const char *file, struct arena *a,
                            struct diag *d);

const char *type_name(enum type_kind t);
const char *action_name(enum action a);
const char *fk_mode_name(enum fk_mode m);

#endif
