#include "output.h"

#include <errno.h>
#include <fcntl.h>
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

/* The file's content as a list of pieces. */
static const struct buf *pieces(const struct output_file *f, size_t *n)
{
    *n = f->nparts ? f->nparts : 1;
    return f->nparts ? f->parts : &f->text;
}

static bool write_piece(int fd, const struct buf *b)
{
    const char *p = b->data;
    size_t left = b->len;
    while (left > 0) {
        ssize_t done = write(fd, p, left);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return false;
        p += done;
        left -= (size_t)done;
    }
    return true;
}

/* The buffers are written as they are, without a copy through stdio. */
static bool write_all(const char *path, const struct output_file *f)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return false;
    size_t n;
    const struct buf *b = pieces(f, &n);
    for (size_t i = 0; i < n; i++) {
        if (!write_piece(fd, &b[i])) {
            int saved = errno;
            close(fd);
            errno = saved;
            return false;
        }
    }
    return close(fd) == 0;
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
        if (!write_all(tmp[written], &files[written])) {
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

static bool same_content(const struct buf *have, const struct output_file *f)
{
    size_t n, at = 0;
    const struct buf *b = pieces(f, &n);
    for (size_t i = 0; i < n; i++) {
        if (b[i].len == 0)
            continue;
        if (b[i].len > have->len - at || memcmp(have->data + at, b[i].data, b[i].len) != 0)
            return false;
        at += b[i].len;
    }
    return at == have->len;
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
        } else if (!same_content(&have, &files[i])) {
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
