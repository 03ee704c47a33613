#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "frontend.h"
#include "help.h"
#include "util.h"

static const char *current_command = "generate";

void cli_set_command(const char *name)
{
    current_command = name;
}

int usage_error(const char *fmt, const char *arg)
{
    fputs("modelgen: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    help_usage_of(stderr, current_command);
    return 2;
}

/* 1 with *value when arg is name=VALUE or name (the value next) */
static int match(const char *arg, const char *name, const char **value)
{
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0)
        return 0;
    if (arg[len] == '\0') {
        *value = NULL;
        return 1;
    }
    if (arg[len] == '=' && name[1] == '-') {
        *value = arg + len + 1;
        return 1;
    }
    return 0;
}

int cli_option(int argc, char **argv, int *i, const char *name, const char *alias,
               const char *what, const char **value)
{
    const char *arg = argv[*i], *inline_value = NULL;
    if (!match(arg, name, &inline_value) && !(alias && match(arg, alias, &inline_value)))
        return 0;
    if (inline_value) {
        *value = inline_value;
        return 1;
    }
    if (*i + 1 == argc) {
        struct buf b = {0};
        buf_printf(&b, "%s needs %s", arg, what);
        usage_error("%s", b.data);
        buf_free(&b);
        return 2;
    }
    *value = argv[++*i];
    return 1;
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


