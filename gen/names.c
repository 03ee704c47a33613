#include "names.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

char *snake_case(struct arena *a, const char *name)
{
    size_t n = strlen(name);
    struct buf b = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isupper(c) && i > 0 && name[i - 1] != '_') {
            unsigned char prev = (unsigned char)name[i - 1];
            unsigned char next = (unsigned char)name[i + 1];
            if (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next)))
                buf_putc(&b, '_');
        }
        buf_putc(&b, (char)tolower(c));
    }
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool is_vowel(char c)
{
    return strchr("aeiou", c) != NULL;
}

char *plural(struct arena *a, const char *snake)
{
    static const struct {
        const char *one, *many;
    } irregular[] = {
        {"person", "people"}, {"child", "children"}, {"man", "men"},
        {"woman", "women"},   {"mouse", "mice"},     {"goose", "geese"},
    };
    size_t n = strlen(snake);
    size_t word = n;
    while (word > 0 && snake[word - 1] != '_')
        word--;
    for (size_t i = 0; i < sizeof irregular / sizeof irregular[0]; i++)
        if (strcmp(snake + word, irregular[i].one) == 0)
            return arena_printf(a, "%.*s%s", (int)word, snake, irregular[i].many);
    if (ends_with(snake, n, "s") || ends_with(snake, n, "x") || ends_with(snake, n, "z") ||
        ends_with(snake, n, "ch") || ends_with(snake, n, "sh"))
        return arena_printf(a, "%ses", snake);
    if (n >= 2 && snake[n - 1] == 'y' && !is_vowel(snake[n - 2]))
        return arena_printf(a, "%.*sies", (int)(n - 1), snake);
    return arena_printf(a, "%ss", snake);
}

char *upper_case(struct arena *a, const char *name)
{
    char *s = arena_strdup(a, name);
    for (char *p = s; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

/* A set of words for exact membership tests: an open-addressing hash table over a
   word list, built on first use. The keyword tests run for every identifier the
   generators write, so they should cost one hash and, for a member, one strcmp; most
   identifiers are turned away sooner, by a byte no member contains or by their length. */
enum { WORD_SLOTS = 512 };  /* a power of two, over twice the longest list */

struct word_set {
    const char *const *words;
    size_t n;
    size_t longest;                     /* no longer word can be a member */
    bool used[256];                     /* the bytes that occur in some member */
    unsigned short slot[WORD_SLOTS];    /* index + 1 into words; 0: empty */
    unsigned hash[WORD_SLOTS];          /* the hash of the word in each slot */
};

/* FNV-1a over the word; *len receives its length. Gives up (returning false) at a byte no
   member contains or once the word is longer than any member, either proving it is not
   one. */
static bool word_hash(const struct word_set *set, const char *w, unsigned *hash, size_t *len)
{
    unsigned h = 2166136261u;
    size_t n = 0;
    for (; w[n]; n++) {
        if (n == set->longest || !set->used[(unsigned char)w[n]])
            return false;
        h ^= (unsigned char)w[n];
        h *= 16777619u;
    }
    *hash = h;
    *len = n;
    return true;
}

static void word_set_build(struct word_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        size_t n = strlen(set->words[i]);
        set->longest = n > set->longest ? n : set->longest;
        for (const char *p = set->words[i]; *p; p++)
            set->used[(unsigned char)*p] = true;
    }
    for (size_t i = 0; i < set->n; i++) {
        unsigned h = 0;
        size_t len;
        word_hash(set, set->words[i], &h, &len);   /* a member always hashes */
        size_t at = h % WORD_SLOTS;
        while (set->slot[at])
            at = (at + 1) % WORD_SLOTS;
        set->slot[at] = (unsigned short)(i + 1);
        set->hash[at] = h;
    }
}

static bool in_set(struct word_set *set, const char *name)
{
    if (!set->longest)
        word_set_build(set);
    unsigned h;
    size_t len;
    if (!word_hash(set, name, &h, &len))
        return false;
    for (size_t at = h % WORD_SLOTS; set->slot[at]; at = (at + 1) % WORD_SLOTS)
        if (set->hash[at] == h && strcmp(set->words[set->slot[at] - 1], name) == 0)
            return true;
    return false;
}

/* C99 and C++ keywords and alternative tokens. */
static const char *const c_keywords[] = {
    "_Bool", "_Complex", "_Imaginary", "alignas", "alignof", "and", "and_eq", "asm", "auto",
    "bitand", "bitor", "bool", "break", "case", "catch", "char", "char16_t", "char32_t",
    "char8_t", "class", "co_await", "co_return", "co_yield", "compl", "concept", "const",
    "const_cast", "consteval", "constexpr", "constinit", "continue", "decltype", "default",
    "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern",
    "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable",
    "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq",
    "private", "protected", "public", "register", "reinterpret_cast", "requires", "restrict",
    "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid",
    "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t",
    "while", "xor", "xor_eq",
};

static struct word_set c_set = {.words = c_keywords,
                                .n = sizeof c_keywords / sizeof c_keywords[0]};

bool is_c_keyword(const char *name)
{
    return in_set(&c_set, name);
}

/* SQLite's keywords and PostgreSQL's reserved words, lower case. */
static const char *const sql_keywords[] = {
    "abort", "action", "add", "after", "all", "alter", "always", "analyse", "analyze", "and",
    "any", "array", "as", "asc", "asymmetric", "attach", "authorization", "autoincrement",
    "before", "begin", "between", "binary", "both", "by", "cascade", "case", "cast", "check",
    "collate", "collation", "column", "commit", "concurrently", "conflict", "constraint",
    "create", "cross", "current", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "database",
    "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct", "do", "drop",
    "each", "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain",
    "fail", "false", "fetch", "filter", "first", "following", "for", "foreign", "freeze",
    "from", "full", "generated", "glob", "grant", "group", "groups", "having", "if", "ignore",
    "ilike", "immediate", "in", "index", "indexed", "initially", "inner", "insert", "instead",
    "intersect", "into", "is", "isnull", "join", "key", "last", "lateral", "leading", "left",
    "like", "limit", "localtime", "localtimestamp", "match", "materialized", "natural", "no",
    "not", "nothing", "notnull", "null", "nulls", "of", "offset", "on", "only", "or", "order",
    "others", "outer", "over", "overlaps", "partition", "placing", "plan", "pragma",
    "preceding", "primary", "query", "raise", "range", "recursive", "references", "regexp",
    "reindex", "release", "rename", "replace", "restrict", "returning", "right", "rollback",
    "row", "rows", "savepoint", "select", "session_user", "set", "similar", "some", "symmetric",
    "table", "tablesample", "temp", "temporary", "then", "ties", "to", "trailing",
    "transaction", "trigger", "true", "unbounded", "union", "unique", "update", "user", "using",
    "vacuum", "values", "variadic", "verbose", "view", "virtual", "when", "where", "window",
    "with", "within", "without",
};

static struct word_set sql_set = {.words = sql_keywords,
                                  .n = sizeof sql_keywords / sizeof sql_keywords[0]};

bool is_sql_keyword(const char *name)
{
    return in_set(&sql_set, name);
}

void names_load(void)
{
    if (!c_set.longest)
        word_set_build(&c_set);
    if (!sql_set.longest)
        word_set_build(&sql_set);
}
