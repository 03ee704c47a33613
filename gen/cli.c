#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "frontend.h"
#include "util.h"

int usage_error(const char *fmt, const char *arg)
{
    fputs("modelgen: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    fputs(usage_text, stderr);
    return 2;
}

int compile_file(const char *path, struct compiled *c)
{
    memset(c, 0, sizeof *c);
    if (!source_load(&c->src, path)) {
        fprintf(stderr, "modelgen: cannot read '%s': %s\n", path, strerror(errno));
        return 2;
    }
    c->arena = arena_new();
    diag_init(&c->diag, &c->src, stderr);
    c->schema = compile_schema(&c->src, c->arena, &c->diag);
    if (c->diag.errors) {
        fprintf(stderr, "%d error%s generated.\n", c->diag.errors, c->diag.errors == 1 ? "" : "s");
        return 1;
    }
    return 0;
}

void release_compiled(struct compiled *c)
{
    arena_free(c->arena);
    source_free(&c->src);
}


