#include "depfile.h"

#include <string.h>

/* A path as make reads it: a space, a tab or a '#' gets a backslash (so do the
   backslashes right before one, which make would otherwise take as the escape), a '$'
   is doubled. ninja's depfile parser reads the same. */
static void put_path(struct buf *out, const char *path)
{
    for (const char *p = path; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '#') {
            for (const char *q = p; q > path && q[-1] == '\\'; q--)
                buf_putc(out, '\\');
            buf_putc(out, '\\');
        } else if (*p == '$') {
            buf_putc(out, '$');
        }
        buf_putc(out, *p);
    }
}

static bool writable(const char *path)
{
    return strpbrk(path, "\n\r") == NULL && path[0] != '\0';
}

bool depfile_rules(struct buf *out, const char *const *targets, size_t ntargets,
                   const char *const *prereqs, size_t nprereqs)
{
    for (size_t i = 0; i < ntargets; i++)
        if (!writable(targets[i]))
            return false;
    for (size_t i = 0; i < nprereqs; i++)
        if (!writable(prereqs[i]))
            return false;
    for (size_t i = 0; i < ntargets; i++) {
        if (i > 0)
            buf_puts(out, " \\\n ");
        put_path(out, targets[i]);
    }
    buf_putc(out, ':');
    for (size_t i = 0; i < nprereqs; i++) {
        buf_puts(out, " \\\n ");
        put_path(out, prereqs[i]);
    }
    buf_putc(out, '\n');
    for (size_t i = 1; i < nprereqs; i++) {
        buf_putc(out, '\n');
        put_path(out, prereqs[i]);
        buf_puts(out, ":\n");
    }
    return true;
}
