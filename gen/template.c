#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct section {
    char *name;
    struct buf text;
};

static struct section *sections;
static size_t nsections;

static int compare_sections(const void *a, const void *b)
{
    return strcmp(((const struct section *)a)->name, ((const struct section *)b)->name);
}

/* Splits one file into sections; comment lines are dropped. */
static void index_file(const struct embedded_file *f, struct vec *out)
{
    const char *p = f->text, *end = f->text + f->size;
    struct section *cur = NULL;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        bool directive = p + 1 < end && p[0] == '%';
        if (directive && p[1] == '%') {
            const char *name = p + 2;
            while (*name == ' ')
                name++;
            struct buf b = {0};
            buf_printf(&b, "%s.%.*s", f->name, (int)((eol ? eol : end) - name), name);
            cur = xmalloc(sizeof *cur);
            cur->name = b.data;
            memset(&cur->text, 0, sizeof cur->text);
            buf_puts(&cur->text, "");
            vec_push(out, cur);
        } else if (!(directive && p[1] == '#') && cur) {
            buf_putn(&cur->text, p, (size_t)(next - p));
        }
        p = next;
    }
}

static void load_sections(void)
{
    struct vec all = {0};
    for (size_t i = 0; i < embedded_file_count; i++)
        index_file(&embedded_files[i], &all);
    nsections = all.count;
    sections = xmalloc((nsections ? nsections : 1) * sizeof *sections);
    for (size_t i = 0; i < nsections; i++) {
        sections[i] = *(struct section *)all.items[i];
        free(all.items[i]);
    }
    vec_free(&all);
    qsort(sections, nsections, sizeof *sections, compare_sections);
}

/* Most callers pass string literals, so a small direct-mapped cache keyed by the name's
   address answers most lookups; one strcmp confirms a hit, since names built at run time
   may reuse an address. */
enum { CACHE_SIZE = 256 };
static struct {
    const char *key;
    const struct section *section;
} cache[CACHE_SIZE];

static const struct section *lookup_section(const char *name);

static const struct section *find_section(const char *name)
{
    size_t slot = ((uintptr_t)name >> 3) % CACHE_SIZE;
    if (cache[slot].key != name || !cache[slot].section ||
        strcmp(cache[slot].section->name, name) != 0) {
        cache[slot].key = name;
        cache[slot].section = lookup_section(name);
    }
    return cache[slot].section;
}

static const struct section *lookup_section(const char *name)
{
    if (!sections)
        load_sections();
    struct section key;
    key.name = (char *)name;
    return bsearch(&key, sections, nsections, sizeof *sections, compare_sections);
}

void tmpl_emit(struct buf *out, const char *section, const struct tvar *vars, size_t nvars)
{
    const struct section *s = find_section(section);
    if (!s) {
        fprintf(stderr, "modelgen: internal error: no template section '%s'\n", section);
        abort();
    }
    const char *p = s->text.data, *end = s->text.data + s->text.len;
    while (p < end) {
        const char *open = strstr(p, "{{");
        if (!open) {
            buf_putn(out, p, (size_t)(end - p));
            return;
        }
        buf_putn(out, p, (size_t)(open - p));
        const char *close = strstr(open, "}}");
        size_t len = close ? (size_t)(close - open - 2) : 0;
        size_t i;
        for (i = 0; i < nvars; i++)
            if (strlen(vars[i].name) == len && memcmp(vars[i].name, open + 2, len) == 0)
                break;
        if (!close || i == nvars) {
            fprintf(stderr, "modelgen: internal error: template '%s' uses unknown '%.*s'\n",
                    section, (int)(close ? len : 10), open + 2);
            abort();
        }
        buf_puts(out, vars[i].value);
        p = close + 2;
    }
}

const char *tmpl_piece(struct arena *a, const char *section, const struct tvar *vars,
                       size_t nvars)
{
    struct buf b = {0};
    tmpl_emit(&b, section, vars, nvars);
    if (b.len && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}
