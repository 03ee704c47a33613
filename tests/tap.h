/* A minimal TAP producer for the C tests: meson reads the plan and results. */
#ifndef MODELGEN_TAP_H
#define MODELGEN_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

#define ok(cond, ...) tap_ok_((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_ok_(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static inline int tap_ok_(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    printf("%s %d - ", pass ? "ok" : "not ok", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass) {
        tap_failed++;
        printf("#   failed at %s:%d\n", file, line);
    }
    fflush(stdout);
    return pass;
}

#define is_int(got, want, ...) \
    tap_is_int_((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_is_int_(long long got, long long want, const char *file, int line,
                       const char *desc)
{
    int pass = tap_ok_(got == want, file, line, "%s", desc);
    if (!pass)
        printf("#   got %lld, want %lld\n", got, want);
    return pass;
}

#define is_str(got, want, ...) \
    tap_is_str_((got), (want), __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_is_str_(const char *got, const char *want, const char *file, int line,
                       const char *desc)
{
    int same = (got == NULL && want == NULL) ||
               (got != NULL && want != NULL && strcmp(got, want) == 0);
    int pass = tap_ok_(same, file, line, "%s", desc);
    if (!pass)
        printf("#   got '%s', want '%s'\n", got ? got : "(null)", want ? want : "(null)");
    return pass;
}

/* Prints the plan at the end; the exit status says whether anything failed. */
static inline int done_testing(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
