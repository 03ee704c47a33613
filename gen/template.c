#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* A section is compiled once, when the templates are loaded, into runs of literal text
   each followed by a placeholder, so that emitting it never searches its text again.
   Its placeholders' distinct names are numbered; each call binds every name to its value
   once, however often the name occurs. */
enum {
    MAX_NAMES = 64,     /* names a section may have for binding by number (a bit each) */
    MAX_HINTS = 16,     /* vars per call whose last match is remembered */
};

struct segment {
    const char *text;   /* literal text before the placeholder, inside the section's text */
    size_t len;
    int name;           /* the placeholder's name, an index into names; -1 ends the section */
};

struct section {
    char *name;
    struct buf text;
    struct segment *segs;
    size_t nsegs;
    char **names;       /* distinct placeholder names, in order of first use */
    size_t nnames;
    /* A "{{" with no "}}" after it: the text up to it is the last segment, and emitting
       the section aborts there, naming what follows. */
    const char *unterminated;
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

/* The number of placeholder name[0..n) in s, numbering it if it is new. */
static int name_number(struct section *s, const char *name, size_t n)
{
    for (size_t k = 0; k < s->nnames; k++)
        if (strlen(s->names[k]) == n && memcmp(s->names[k], name, n) == 0)
            return (int)k;
    s->names = xrealloc(s->names, (s->nnames + 1) * sizeof *s->names);
    char *copy = xmalloc(n + 1);
    memcpy(copy, name, n);
    copy[n] = '\0';
    s->names[s->nnames] = copy;
    return (int)s->nnames++;
}

/* Splits a section's text at its placeholders: a placeholder runs from "{{" to the first
   "}}" after it. */
static void compile_section(struct section *s)
{
    const char *p = s->text.data, *end = s->text.data + s->text.len;
    size_t cap = 4;
    s->segs = xmalloc(cap * sizeof *s->segs);
    s->nsegs = 0;
    s->names = NULL;
    s->nnames = 0;
    s->unterminated = NULL;
    for (;;) {
        if (s->nsegs == cap) {
            cap *= 2;
            s->segs = xrealloc(s->segs, cap * sizeof *s->segs);
        }
        struct segment *seg = &s->segs[s->nsegs++];
        const char *open = p < end ? strstr(p, "{{") : NULL;
        const char *close = open ? strstr(open, "}}") : NULL;
        seg->text = p;
        seg->len = (size_t)((open ? open : end) - p);
        seg->name = -1;
        if (!open)
            return;
        if (!close) {
            s->unterminated = open + 2;
            return;
        }
        seg->name = name_number(s, open + 2, (size_t)(close - open - 2));
        p = close + 2;
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
        compile_section(&sections[i]);
    }
    vec_free(&all);
    qsort(sections, nsections, sizeof *sections, compare_sections);
}

/* Most callers pass string literals, so a small direct-mapped cache keyed by the name's
   address answers most lookups; one strcmp confirms a hit, since names built at run time
   may reuse an address. The sections never change once loaded; what changes as they are
   used, this cache and its hints, belongs to the thread, so generators may run side by
   side. */
enum { CACHE_SIZE = 256 };
struct cached {
    const char *key;
    struct section *section;
    /* hint[j]: 1 + the name that vars[j] matched last time, or 0. A section is emitted
       from a few call sites that pass their vars in the same order, so one comparison
       usually finds a var's name. */
    unsigned char hint[MAX_HINTS];
};
static __thread struct cached cache[CACHE_SIZE];

static struct section *lookup_section(const char *name);

static struct cached *find_section(const char *name)
{
    struct cached *c = &cache[((uintptr_t)name >> 3) % CACHE_SIZE];
    if (c->key != name || !c->section || strcmp(c->section->name, name) != 0) {
        c->key = name;
        c->section = lookup_section(name);
        memset(c->hint, 0, sizeof c->hint);
    }
    return c;
}

void tmpl_load(void)
{
    if (!sections)
        load_sections();
}

static struct section *lookup_section(const char *name)
{
    if (!sections)
        load_sections();
    struct section key;
    key.name = (char *)name;
    return bsearch(&key, sections, nsections, sizeof *sections, compare_sections);
}

/* strcmp(a, b) == 0 for the short names of placeholders, inline: most pairs differ in
   their first or second byte. */
static bool same_name(const char *a, const char *b)
{
    while (*a == *b) {
        if (!*a)
            return true;
        a++;
        b++;
    }
    return false;
}

/* The first var named `name`, or NULL. */
static const struct tvar *find_var(const char *name, const struct tvar *vars, size_t nvars)
{
    for (size_t j = 0; j < nvars; j++)
        if (same_name(vars[j].name, name))
            return &vars[j];
    return NULL;
}

static void unknown_placeholder(const char *section, const char *name)
    __attribute__((noreturn));

static void unknown_placeholder(const char *section, const char *name)
{
    fprintf(stderr, "modelgen: internal error: template '%s' uses unknown '%s'\n", section,
            name);
    abort();
}

/* Binds each name of s to the value of the first var of that name: value[k] and len[k]
   for names[k], when bit k of the result is set. Vars the section does not use are
   allowed. */
static uint64_t bind_vars(const struct section *s, unsigned char *hint, const struct tvar *vars,
                          size_t nvars, const char **value, size_t *len)
{
    uint64_t bound = 0;
    for (size_t j = 0; j < nvars; j++) {
        size_t k = j < MAX_HINTS ? hint[j] : 0;
        if (k && same_name(vars[j].name, s->names[k - 1])) {
            k--;    /* the names differ from each other, so this is the only match */
        } else {
            for (k = 0; k < s->nnames && !same_name(vars[j].name, s->names[k]); k++)
                ;
            if (j < MAX_HINTS)
                hint[j] = (unsigned char)(k < s->nnames ? k + 1 : 0);
        }
        if (k < s->nnames && !(bound >> k & 1)) {
            bound |= (uint64_t)1 << k;
            value[k] = vars[j].value;
            len[k] = strlen(vars[j].value);
        }
    }
    return bound;
}

/* buf_putn without the NUL, inline: tmpl_emit terminates the text once, at its end. */
static inline void put(struct buf *out, const char *s, size_t n)
{
    if (out->len + n + 1 > out->cap)
        buf_reserve(out, n);
    memcpy(out->data + out->len, s, n);
    out->len += n;
}

void tmpl_emit(struct buf *out, const char *section, const struct tvar *vars, size_t nvars)
{
    struct cached *c = find_section(section);
    const struct section *s = c->section;
    if (!s) {
        fprintf(stderr, "modelgen: internal error: no template section '%s'\n", section);
        abort();
    }
    const char *value[MAX_NAMES];
    size_t len[MAX_NAMES];
    uint64_t bound = s->nnames <= MAX_NAMES ? bind_vars(s, c->hint, vars, nvars, value, len) : 0;
    for (size_t i = 0; i < s->nsegs; i++) {
        const struct segment *seg = &s->segs[i];
        put(out, seg->text, seg->len);
        if (seg->name < 0)
            continue;
        if (bound >> seg->name & 1) {
            put(out, value[seg->name], len[seg->name]);
            continue;
        }
        /* unbound: an unknown name, or a section with more names than bits */
        const struct tvar *v = find_var(s->names[seg->name], vars, nvars);
        if (!v)
            unknown_placeholder(section, s->names[seg->name]);
        put(out, v->value, strlen(v->value));
    }
    out->data[out->len] = '\0';
    if (s->unterminated) {
        fprintf(stderr, "modelgen: internal error: template '%s' uses unknown '%.*s'\n",
                section, 10, s->unterminated);
        abort();
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
