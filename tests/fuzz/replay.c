/* Replays inputs through the fuzz harness without libFuzzer: every regular file in the
   directories named on the command line is one input. Prints TAP, one line per input. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted, as heap strings. */
static struct vec list_files(const char *dir)
{
    struct vec files = {0};
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        struct buf path = {0};
        buf_printf(&path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path.data, &st) == 0 && S_ISREG(st.st_mode))
            vec_push(&files, path.data);
        else
            buf_free(&path);
    }
    if (d)
        closedir(d);
    if (files.count)
        qsort(files.items, files.count, sizeof *files.items, compare_names);
    return files;
}

static int replay(const char *path, int n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("not ok %d - cannot open %s\n", n, path);
        return 1;
    }
    struct buf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_putn(&b, chunk, got);
    fclose(f);
    LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""), b.len);
    buf_free(&b);
    /* reaching here without a crash or sanitizer report is the assertion */
    printf("ok %d - %s\n", n, path);
    return 0;
}

int main(int argc, char **argv)
{
    int n = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        struct vec files = list_files(argv[i]);
        if (files.count == 0) {
            printf("not ok %d - no inputs in %s\n", ++n, argv[i]);
            failed++;
        }
        for (size_t j = 0; j < files.count; j++) {
            failed += replay(files.items[j], ++n);
            free(files.items[j]);
        }
        vec_free(&files);
    }
    printf("1..%d\n", n);
    return failed ? 1 : 0;
}
