#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char *path = xstrdup(dir);
    int rc = 0;
    for (char *p = path + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            rc = -1;
            break;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(path);
    struct stat st;
    if (rc == 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;
        rc = -1;
    }
    return rc;
}

static char *join(const char *dir, const char *name)
{
    struct buf b = {0};
    buf_printf(&b, "%s/%s", dir, name);
    return b.data;
}

static bool write_all(const char *path, const struct buf *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text->data ? text->data : "", 1, text->len, f) == text->len;
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    return fclose(f) == 0 && ok;
}

int output_write(const char *dir, struct output_file *files, int n)
{
    if (make_dirs(dir) != 0) {
        fprintf(stderr, "modelgen: cannot create directory '%s': %s\n", dir, strerror(errno));
        return 2;
    }
    char **tmp = xmalloc((size_t)n * sizeof *tmp);
    int written = 0, rc = 0;
    for (; written < n; written++) {
        struct buf b = {0};
        buf_printf(&b, "%s/.%s.tmp%ld", dir, files[written].name, (long)getpid());
        tmp[written] = b.data;
        if (!write_all(tmp[written], &files[written].text)) {
            fprintf(stderr, "modelgen: cannot write '%s': %s\n", tmp[written], strerror(errno));
            unlink(tmp[written]);
            free(tmp[written]);
            rc = 2;
            break;
        }
    }
    for (int i = 0; i < written; i++) {
        char *final = join(dir, files[i].name);
        if (rc == 0 && rename(tmp[i], final) != 0) {
            fprintf(stderr, "modelgen: cannot write '%s': %s\n", final, strerror(errno));
            rc = 2;
        }
        if (rc != 0)
            unlink(tmp[i]);
        free(final);
        free(tmp[i]);
    }
    free(tmp);
    return rc;
}

/* Reads a whole file into b; false if it cannot be read. */
static bool read_all(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_putn(b, chunk, got);
    bool ok = !ferror(f);
    fclose(f);
    return ok;
}

int output_check(const char *dir, struct output_file *files, int n)
{
    int stale = 0;
    for (int i = 0; i < n; i++) {
        char *path = join(dir, files[i].name);
        struct buf have = {0};
        if (!read_all(path, &have)) {
            fprintf(stderr, "%s: missing\n", path);
            stale++;
        } else if (have.len != files[i].text.len ||
                   memcmp(have.data ? have.data : "", files[i].text.data ? files[i].text.data : "",
                          have.len) != 0) {
            fprintf(stderr, "%s: out of date\n", path);
            stale++;
        }
        buf_free(&have);
        free(path);
    }
    if (stale)
        fprintf(stderr, "modelgen: %d generated file%s out of date; run modelgen again\n", stale,
                stale == 1 ? " is" : "s are");
    return stale ? 1 : 0;
}
