#include "frontend.h"

#include "analyze.h"
#include "ast.h"
#include "check.h"
#include "query.h"

struct schema *compile_schema(const struct source *src, struct arena *a, struct diag *d)
{
    struct ast_schema *ast = parse_schema(src, a, d);
    /* semantic checks still run after syntax errors, so one run reports both */
    struct schema *s = check_schema(ast, src->name, a, d);
    if (!d->errors)
        analyze_schema(s, a, d);
    /* the queries are prepared on the schema's tables: only a schema without errors has them */
    if (!d->errors)
        query_check_sqlite(s, a, d);
    diag_flush(d);
    return d->errors ? NULL : s;
}
