#include "diag.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void index_lines(struct source *src)
{
    size_t n = 1;
    for (size_t i = 0; i < src->size; i++)
        n += src->text[i] == '\n';
    src->line_starts = xmalloc(n * sizeof *src->line_starts);
    src->nlines = 0;
    src->line_starts[src->nlines++] = 0;
    for (size_t i = 0; i < src->size; i++)
        if (src->text[i] == '\n')
            src->line_starts[src->nlines++] = i + 1;
}

void source_from_memory(struct source *src, const char *name, const char *data, size_t size)
{
    src->name = name;
    src->text = xmalloc(size + 1);
    memcpy(src->text, data, size);
    src->text[size] = '\0';
    src->size = size;
    index_lines(src);
}

bool source_load(struct source *src, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_putn(&b, chunk, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        buf_free(&b);
        errno = EIO;
        return false;
    }
    src->name = path;
    src->size = b.len;
    src->text = b.data ? b.data : xstrdup("");
    index_lines(src);
    return true;
}

void source_free(struct source *src)
{
    free(src->text);
    free(src->line_starts);
    src->text = NULL;
    src->line_starts = NULL;
}

void diag_init(struct diag *d, const struct source *src, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->src = src;
    d->out = out;
    d->color = out && isatty(fileno(out)) && !getenv("NO_COLOR");
    d->max_errors = 50;
}

enum kind { ERROR, WARNING, NOTE };

struct diag_entry {
    enum kind kind;
    struct pos pos;
    char *message;
    size_t group;       /* the index of the error or warning a note belongs to */
};

static const char *const kind_name[] = {"error", "warning", "note"};
static const char *const kind_color[] = {"\033[1;31m", "\033[1;35m", "\033[1;36m"};

/* Lines longer than this are shown as a window around the column. */
enum { SHOW_MAX = 160, SHOW_BEFORE = 60 };

/* Diagnostics kept for sorting; more than enough for the error limit. */
enum { MAX_KEPT = 2000 };
static void show_line(struct diag *d, struct pos p)
{
    const struct source *src = d->src;
    if (p.line < 1 || (size_t)p.line > src->nlines)
        return;
    size_t start = src->line_starts[p.line - 1];
    size_t end = start;
    while (end < src->size && src->text[end] != '\n')
        end++;
    if (end > start && src->text[end - 1] == '\r')
        end--;
    size_t col = p.col > 0 ? (size_t)p.col - 1 : 0;
    if (col > end - start)
        col = end - start;
    size_t from = start, to = end;
    bool cut_left = false, cut_right = false;
    if (end - start > SHOW_MAX) {
        if (col > SHOW_BEFORE) {
            from = start + col - SHOW_BEFORE;
            cut_left = true;
        }
        if (end - from > SHOW_MAX) {
            to = from + SHOW_MAX;
            cut_right = true;
        }
    }
    struct buf line = {0}, mark = {0};
    buf_puts(&line, "    ");
    buf_puts(&mark, "    ");
    if (cut_left) {
        buf_puts(&line, "...");
        buf_puts(&mark, "   ");
    }
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)src->text[i];
        char shown = c == '\t' ? '\t' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
        buf_putc(&line, shown);
        if (i < start + col)
            buf_putc(&mark, c == '\t' ? '\t' : ' ');
    }
    if (cut_right)
        buf_puts(&line, "...");
    buf_putc(&mark, '^');
    for (int i = 1; i < p.len && start + col + (size_t)i < to; i++)
        buf_putc(&mark, '~');
    fprintf(d->out, "%s\n", line.data);
    if (d->color)
        fprintf(d->out, "\033[1;32m%s\033[0m\n", mark.data);
    else
        fprintf(d->out, "%s\n", mark.data);
    buf_free(&line);
    buf_free(&mark);
}

static void report(struct diag *d, enum kind kind, struct pos p, const char *fmt, va_list ap)
{
    if (kind == ERROR)
        d->errors++;
    else if (kind == WARNING)
        d->warnings++;
    /* past the limit nothing more is shown, so keep memory bounded on junk input */
    if (!d->out || d->count >= MAX_KEPT)
        return;
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->entries = xrealloc(d->entries, d->cap * sizeof *d->entries);
    }
    struct diag_entry *e = &d->entries[d->count];
    struct buf msg = {0};
    buf_vprintf(&msg, fmt, ap);
    e->kind = kind;
    e->pos = p;
    e->message = msg.data;
    e->group = kind == NOTE && d->count > 0 ? d->entries[d->count - 1].group : d->count;
    d->count++;
}

static void print_entry(struct diag *d, const struct diag_entry *e)
{
    if (d->color)
        fprintf(d->out, "\033[1m%s:%d:%d: %s%s:\033[0m\033[1m %s\033[0m\n", d->src->name,
                e->pos.line, e->pos.col, kind_color[e->kind], kind_name[e->kind], e->message);
    else
        fprintf(d->out, "%s:%d:%d: %s: %s\n", d->src->name, e->pos.line, e->pos.col,
                kind_name[e->kind], e->message);
    show_line(d, e->pos);
}

/* Orders groups by the position of their error or warning; notes stay behind theirs.
   Ties fall back to the order of reporting, so the order is total and stable. */
static const struct diag_entry *sort_base;

static int compare_entries(const void *pa, const void *pb)
{
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    const struct diag_entry *ga = &sort_base[sort_base[ia].group];
    const struct diag_entry *gb = &sort_base[sort_base[ib].group];
    if (ga->pos.line != gb->pos.line)
        return ga->pos.line < gb->pos.line ? -1 : 1;
    if (ga->pos.col != gb->pos.col)
        return ga->pos.col < gb->pos.col ? -1 : 1;
    if (sort_base[ia].group != sort_base[ib].group)
        return sort_base[ia].group < sort_base[ib].group ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

void diag_flush(struct diag *d)
{
    if (!d->count)
        return;
    size_t *order = xmalloc(d->count * sizeof *order);
    for (size_t i = 0; i < d->count; i++)
        order[i] = i;
    sort_base = d->entries;
    qsort(order, d->count, sizeof *order, compare_entries);
    int shown_errors = 0;
    bool stopped = false;
    for (size_t i = 0; i < d->count; i++) {
        const struct diag_entry *e = &d->entries[order[i]];
        if (e->kind == ERROR && d->max_errors && ++shown_errors > d->max_errors) {
            if (!stopped)
                fprintf(d->out, "%s: fatal error: too many errors emitted, stopping now\n",
                        d->src->name);
            stopped = true;
        }
        if (!stopped)
            print_entry(d, e);
    }
    for (size_t i = 0; i < d->count; i++)
        free(d->entries[i].message);
    free(order);
    free(d->entries);
    d->entries = NULL;
    d->count = d->cap = 0;
}

void diag_error(struct diag *d, struct pos p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(d, ERROR, p, fmt, ap);
    va_end(ap);
}

void diag_warning(struct diag *d, struct pos p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(d, WARNING, p, fmt, ap);
    va_end(ap);
}

void diag_note(struct diag *d, struct pos p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(d, NOTE, p, fmt, ap);
    va_end(ap);
}
