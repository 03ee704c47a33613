/* test_c_names SCHEMA PREFIX: prints, a line each, every name gen/c_names.c knows the
   generated C declares for SCHEMA under PREFIX (c_names.sh compares the list with the
   symbols and constants of the generated code). */
#include <stdio.h>

#include "c_names.h"
#include "frontend.h"
#include "util.h"

static void print(const char *name, void *ctx)
{
    fprintf(ctx, "%s\n", name);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_c_names SCHEMA PREFIX\n");
        return 2;
    }
    struct source src;
    if (!source_load(&src, argv[1])) {
        perror(argv[1]);
        return 2;
    }
    struct arena *a = arena_new();
    struct diag d;
    diag_init(&d, &src, stderr);
    struct schema *s = compile_schema(&src, a, &d);
    diag_flush(&d);
    if (s)
        c_names_each(s, argv[2], a, print, stdout);
    arena_free(a);
    source_free(&src);
    return s ? 0 : 1;
}
