/* Memory and text helpers shared by every stage of the compiler. */
#ifndef MODELGEN_UTIL_H
#define MODELGEN_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* An arena owns everything one run allocates for its AST and model; one call frees it. */
struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);   /* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A growable array of pointers, allocated from the heap (vec_free releases it). */
struct vec {
    void **items;
    size_t count, cap;
};

void vec_push(struct vec *v, void *item);
void vec_free(struct vec *v);

/* A growable byte buffer, always NUL-terminated. */
struct buf {
    char *data;
    size_t len, cap;
};

void buf_putn(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_free(struct buf *b);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
