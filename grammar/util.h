/* Memory and text helpers shared by every stage of the compiler. */
#ifndef MODELGEN_UTIL_H
#define MODELGEN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* An arena owns everything one run allocates for its AST and model; one call frees it. */
struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);   /* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Frees the calling thread's formatting buffer (a thread that used arena_printf calls it
   before it ends; the main thread's buffer lives until exit). */
void arena_scratch_release(void);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

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

/* Makes room for `extra` more bytes (and the NUL), so that a writer who knows roughly how
   much is coming grows the buffer once. */
void buf_reserve(struct buf *b, size_t extra);
/* buf_reserve's slow path: reallocates for `extra` more bytes. */
void buf_grow(struct buf *b, size_t extra);
void buf_puts(struct buf *b, const char *s);

/* The generators append a few bytes at a time, millions of times: these two are inline
   (C99 inline; util.c holds their external definitions). */
inline void buf_putn(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        buf_grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

inline void buf_putc(struct buf *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void buf_free(struct buf *b);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
/* n zeroed items of size bytes each. */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

/* FNV-1a over a NUL-terminated string: for the name tables of the checker. */
size_t hash_string(const char *s);

#endif
