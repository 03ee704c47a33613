#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Allocation failure in the compiler is not recoverable in any useful way. */
static void out_of_memory(void)
{
    fputs("modelgen: out of memory\n", stderr);
    exit(2);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* The strictest alignment any arena object needs (max_align_t is C11). */
union align {
    long double ld;
    long long ll;
    void *p;
    void (*fn)(void);
};

struct chunk {
    struct chunk *next;
    size_t used, size;
    union align data[];
};

struct arena {
    struct chunk *head;
};

enum { CHUNK_SIZE = 64 * 1024 };

struct arena *arena_new(void)
{
    struct arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    return a;
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    while (a->head) {
        struct chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    free(a);
}

/* Room for size bytes, not cleared: for callers that fill every byte themselves. */
static void *arena_alloc_raw(struct arena *a, size_t size)
{
    size_t align = sizeof(union align);
    size = (size + align - 1) / align * align;
    if (!a->head || a->head->size - a->head->used < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        struct chunk *c = xmalloc(sizeof *c + cap);
        c->size = cap;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += size;
    return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
    return memset(arena_alloc_raw(a, size), 0, size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc_raw(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

/* Formatting into the arena goes through one scratch buffer per thread that lives as long
   as the thread, so that a short string costs no malloc and free of its own. Nothing
   formats into it while a result is being copied out, since the arguments are evaluated
   first. */
static __thread struct buf scratch;

void arena_scratch_release(void)
{
    buf_free(&scratch);
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    scratch.len = 0;
    buf_vprintf(&scratch, fmt, ap);
    return arena_strndup(a, scratch.data, scratch.len);
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

void vec_push(struct vec *v, void *item)
{
    if (v->count == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->count++] = item;
}

void vec_free(struct vec *v)
{
    free(v->items);
    v->items = NULL;
    v->count = v->cap = 0;
}

/* Out of line: only growth calls it. */
void buf_grow(struct buf *b, size_t extra)
{
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_reserve(struct buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap)
        buf_grow(b, extra);
}

/* The external definitions of the inline functions in util.h. */
extern inline void buf_putn(struct buf *b, const char *s, size_t n);
extern inline void buf_putc(struct buf *b, char c);

void buf_puts(struct buf *b, const char *s)
{
    buf_putn(b, s, strlen(s));
}

/* Appends an unsigned number in decimal, with a '-' before it when negative is set. */
static void put_decimal(struct buf *b, unsigned long long v, int negative)
{
    char digits[24];
    size_t n = sizeof digits;
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (negative)
        digits[--n] = '-';
    buf_putn(b, digits + n, sizeof digits - n);
}

/* The generators format many short strings ("%s_%s", "row->%s", "col + %zu"). These few
   conversions, done here, give exactly what vsnprintf gives, at a fraction of its cost:
   %s, %c, %%, and %d or %u with no length or with l, ll or z. At any other (a flag, a
   width, a precision, another conversion) this returns false, having appended some of
   the text, and the caller starts again with vsnprintf. */
static bool simple_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    const char *p = fmt;
    for (const char *pct; (pct = strchr(p, '%')) != NULL; ) {
        buf_putn(b, p, (size_t)(pct - p));
        p = pct + 1;
        if (*p == 's') {
            const char *s = va_arg(ap, const char *);
            buf_puts(b, s ? s : "(null)");   /* what glibc prints */
            p++;
            continue;
        }
        if (*p == 'c' || *p == '%') {
            buf_putc(b, *p == 'c' ? (char)va_arg(ap, int) : '%');
            p++;
            continue;
        }
        int length = 0;     /* 0: int, 1: long, 2: long long, 3: size_t */
        if (*p == 'z') {
            length = 3;
            p++;
        } else if (*p == 'l') {
            length = p[1] == 'l' ? 2 : 1;
            p += length;
        }
        if (*p == 'd') {
            long long v = length == 0 ? va_arg(ap, int)
                        : length == 1 ? va_arg(ap, long)
                        : length == 2 ? va_arg(ap, long long)
                        : (long long)va_arg(ap, size_t);
            /* the magnitude as unsigned, so that the most negative value needs no special case */
            put_decimal(b, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);
        } else if (*p == 'u') {
            unsigned long long v = length == 0 ? va_arg(ap, unsigned)
                                 : length == 1 ? va_arg(ap, unsigned long)
                                 : length == 2 ? va_arg(ap, unsigned long long)
                                 : va_arg(ap, size_t);
            put_decimal(b, v, 0);
        } else {
            return false;
        }
        p++;
    }
    buf_puts(b, p);
    return true;
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    size_t start = b->len;
    va_list copy;
    va_copy(copy, ap);
    bool done = simple_vprintf(b, fmt, copy);
    va_end(copy);
    if (done)
        return;
    b->len = start;
    /* format straight into the spare room; only an overflow formats twice */
    buf_reserve(b, 64);
    va_copy(copy, ap);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, copy);
    va_end(copy);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

size_t hash_string(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}
