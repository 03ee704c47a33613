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

char *path_join(const char *dir, const char *name)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    struct buf b = {0};
    buf_putn(&b, dir, len);
    if (len > 0 && dir[len - 1] != '/')
        buf_putc(&b, '/');
    buf_puts(&b, name);
    return b.data;
}

/* The file's content as a list of pieces. */
static const struct buf *pieces(const struct output_file *f, size_t *n)
{
    *n = f->nparts ? f->nparts : 1;
    return f->nparts ? f->parts : &f->text;
}

enum on_disk { ON_DISK_SAME, ON_DISK_DIFFERENT, ON_DISK_MISSING };

/* Compares the file at path with f's content, reading it in chunks, and only when its
   size already matches. */
static enum on_disk compare_with_disk(const char *path, const struct output_file *f)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno == ENOENT ? ON_DISK_MISSING : ON_DISK_DIFFERENT;
    size_t n, total = 0;
    const struct buf *b = pieces(f, &n);
    for (size_t i = 0; i < n; i++)
        total += b[i].len;
    struct stat st;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (off_t)total == st.st_size;
    char chunk[65536];
    for (size_t i = 0; same && i < n; i++) {
        for (size_t at = 0; same && at < b[i].len;) {
            size_t want = b[i].len - at < sizeof chunk ? b[i].len - at : sizeof chunk;
            ssize_t got = read(fd, chunk, want);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0 || memcmp(chunk, b[i].data + at, (size_t)got) != 0)
                same = false;
            else
                at += (size_t)got;
        }
    }
    close(fd);
    return same ? ON_DISK_SAME : ON_DISK_DIFFERENT;
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

/* The directory part of a path ("." when it has none), from the heap. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    char *dir = xstrdup(path);
    dir[slash == path ? 1 : slash - path] = '\0';
    return dir;
}

/* ".NAME.tmpPID" beside path. */
static char *temporary_for(const char *path)
{
    const char *slash = strrchr(path, '/');
    struct buf b = {0};
    if (slash)
        buf_putn(&b, path, (size_t)(slash - path) + 1);
    buf_printf(&b, ".%s.tmp%ld", slash ? slash + 1 : path, (long)getpid());
    return b.data;
}

int output_write(const char *dir, struct output_file *files, int n)
{
    char **final = xcalloc((size_t)n, sizeof *final);
    /* tmp[i] stays NULL for a file that stays as it is */
    char **tmp = xcalloc((size_t)n, sizeof *tmp);
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        final[i] = dir ? path_join(dir, files[i].name) : xstrdup(files[i].name);
        const char *base = strrchr(final[i], '/');
        base = base ? base + 1 : final[i];
        if (!*base) {
            fprintf(stderr, "modelgen: '%s' names a directory, not a file\n", final[i]);
            rc = 2;
            break;
        }
        char *parent = dir ? xstrdup(dir) : dir_of(final[i]);
        if ((dir == NULL || i == 0) && make_dirs(parent) != 0) {
            fprintf(stderr, "modelgen: cannot create directory '%s': %s\n", parent,
                    strerror(errno));
            rc = 2;
        }
        free(parent);
        if (rc == 0 && compare_with_disk(final[i], &files[i]) != ON_DISK_SAME) {
            tmp[i] = temporary_for(final[i]);
            if (!write_all(tmp[i], &files[i])) {
                fprintf(stderr, "modelgen: cannot write '%s': %s\n", tmp[i], strerror(errno));
                rc = 2;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        if (tmp[i] && rc == 0 && rename(tmp[i], final[i]) != 0) {
            fprintf(stderr, "modelgen: cannot write '%s': %s\n", final[i], strerror(errno));
            rc = 2;
        }
        if (tmp[i] && rc != 0)
            unlink(tmp[i]);
        free(tmp[i]);
        free(final[i]);
    }
    free(tmp);
    free(final);
    return rc;
}

int output_write_path(const char *path, const struct buf *text)
{
    struct output_file file = {path, *text, NULL, 0};
    return output_write(NULL, &file, 1);
}

int output_check(const char *dir, struct output_file *files, int n)
{
    int stale = 0;
    for (int i = 0; i < n; i++) {
        char *path = dir ? path_join(dir, files[i].name) : xstrdup(files[i].name);
        enum on_disk state = compare_with_disk(path, &files[i]);
        if (state != ON_DISK_SAME) {
            fprintf(stderr, "%s: %s\n", path, state == ON_DISK_MISSING ? "missing" : "out of date");
            stale++;
        }
        free(path);
    }
    if (stale)
        fprintf(stderr, "modelgen: %d generated file%s out of date; run modelgen again\n", stale,
                stale == 1 ? " is" : "s are");
    return stale ? 1 : 0;
}
