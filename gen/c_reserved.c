/* The C library's names that generated code may not take (see c_reserved.h). */
#include "c_reserved.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M_STDINT "a macro of <stdint.h>"
#define M_TIME "a macro of <time.h>"
#define M_LIMITS "a macro of <limits.h>"
#define M_STDIO "a macro of <stdio.h>"
#define M_STDLIB "a macro of <stdlib.h>"
#define M_FLOAT "a macro of <float.h>"
#define M_MATH "a macro of <math.h>"
#define M_SIGNAL "a macro of <signal.h>"
#define M_LOCALE "a macro of <locale.h>"
#define M_ERRNO "a macro of <errno.h>"
#define GNU_C "a macro GNU C predefines"
#define S_TIME "a struct of <time.h>"
#define S_SYS_TIME "a struct of <sys/time.h>"
#define S_LOCALE "a struct of <locale.h>"
#define S_SIGNAL "a struct of <signal.h>"
#define S_STDLIB "a struct of <stdlib.h>"
#define F_TIME "a function of <time.h>"

struct reserved {
    const char *name;
    const char *what;
};

/* Sorted by strcmp, for bsearch (tests/frontend checks a name of each kind). */
static const struct reserved names[] = {
    {"AIO_PRIO_DELTA_MAX", M_LIMITS}, {"BC_BASE_MAX", M_LIMITS}, {"BC_DIM_MAX", M_LIMITS},
    {"BC_SCALE_MAX", M_LIMITS}, {"BC_STRING_MAX", M_LIMITS}, {"BIG_ENDIAN", M_STDLIB},
    {"BUS_ADRALN", M_SIGNAL}, {"BUS_ADRERR", M_SIGNAL}, {"BUS_MCEERR_AO", M_SIGNAL},
    {"BUS_MCEERR_AR", M_SIGNAL}, {"BUS_OBJERR", M_SIGNAL}, {"BYTE_ORDER", M_STDLIB},
    {"CHARCLASS_NAME_MAX", M_LIMITS}, {"CHAR_BIT", M_LIMITS}, {"CHAR_MAX", M_LIMITS},
    {"CHAR_MIN", M_LIMITS}, {"CLD_CONTINUED", M_SIGNAL}, {"CLD_DUMPED", M_SIGNAL},
    {"CLD_EXITED", M_SIGNAL}, {"CLD_KILLED", M_SIGNAL}, {"CLD_STOPPED", M_SIGNAL},
    {"CLD_TRAPPED", M_SIGNAL}, {"CLOCKS_PER_SEC", M_TIME}, {"CLOCK_BOOTTIME", M_TIME},
    {"CLOCK_BOOTTIME_ALARM", M_TIME}, {"CLOCK_MONOTONIC", M_TIME},
    {"CLOCK_MONOTONIC_COARSE", M_TIME}, {"CLOCK_MONOTONIC_RAW", M_TIME},
    {"CLOCK_PROCESS_CPUTIME_ID", M_TIME}, {"CLOCK_REALTIME", M_TIME},
    {"CLOCK_REALTIME_ALARM", M_TIME}, {"CLOCK_REALTIME_COARSE", M_TIME}, {"CLOCK_TAI", M_TIME},
    {"CLOCK_THREAD_CPUTIME_ID", M_TIME}, {"COLL_WEIGHTS_MAX", M_LIMITS},
    {"DBL_DECIMAL_DIG", M_FLOAT}, {"DBL_DIG", M_FLOAT}, {"DBL_EPSILON", M_FLOAT},
    {"DBL_HAS_SUBNORM", M_FLOAT}, {"DBL_MANT_DIG", M_FLOAT}, {"DBL_MAX", M_FLOAT},
    {"DBL_MAX_10_EXP", M_FLOAT}, {"DBL_MAX_EXP", M_FLOAT}, {"DBL_MIN", M_FLOAT},
    {"DBL_MIN_10_EXP", M_FLOAT}, {"DBL_MIN_EXP", M_FLOAT}, {"DBL_TRUE_MIN", M_FLOAT},
    {"DECIMAL_DIG", M_FLOAT}, {"DELAYTIMER_MAX", M_LIMITS}, {"EXIT_FAILURE", M_STDLIB},
    {"EXIT_SUCCESS", M_STDLIB}, {"EXPR_NEST_MAX", M_LIMITS}, {"FD_CLR", M_STDLIB},
    {"FD_ISSET", M_STDLIB}, {"FD_SET", M_STDLIB}, {"FD_SETSIZE", M_STDLIB},
    {"FD_ZERO", M_STDLIB}, {"FILENAME_MAX", M_STDIO}, {"FLT_DECIMAL_DIG", M_FLOAT},
    {"FLT_DIG", M_FLOAT}, {"FLT_EPSILON", M_FLOAT}, {"FLT_EVAL_METHOD", M_FLOAT},
    {"FLT_HAS_SUBNORM", M_FLOAT}, {"FLT_MANT_DIG", M_FLOAT}, {"FLT_MAX", M_FLOAT},
    {"FLT_MAX_10_EXP", M_FLOAT}, {"FLT_MAX_EXP", M_FLOAT}, {"FLT_MIN", M_FLOAT},
    {"FLT_MIN_10_EXP", M_FLOAT}, {"FLT_MIN_EXP", M_FLOAT}, {"FLT_RADIX", M_FLOAT},
    {"FLT_ROUNDS", M_FLOAT}, {"FLT_TRUE_MIN", M_FLOAT}, {"FOPEN_MAX", M_STDIO},
    {"FPE_CONDTRAP", M_SIGNAL}, {"FPE_FLTDIV", M_SIGNAL}, {"FPE_FLTINV", M_SIGNAL},
    {"FPE_FLTOVF", M_SIGNAL}, {"FPE_FLTRES", M_SIGNAL}, {"FPE_FLTSUB", M_SIGNAL},
    {"FPE_FLTUND", M_SIGNAL}, {"FPE_FLTUNK", M_SIGNAL}, {"FPE_INTDIV", M_SIGNAL},
    {"FPE_INTOVF", M_SIGNAL}, {"FP_ILOGB0", M_MATH}, {"FP_ILOGBNAN", M_MATH},
    {"FP_INFINITE", M_MATH}, {"FP_NAN", M_MATH}, {"FP_NORMAL", M_MATH},
    {"FP_SUBNORMAL", M_MATH}, {"FP_XSTATE_MAGIC1", M_SIGNAL}, {"FP_XSTATE_MAGIC2", M_SIGNAL},
    {"FP_XSTATE_MAGIC2_SIZE", M_SIGNAL}, {"FP_ZERO", M_MATH}, {"HOST_NAME_MAX", M_LIMITS},
    {"HUGE_VAL", M_MATH}, {"HUGE_VALF", M_MATH}, {"HUGE_VALL", M_MATH},
    {"ILL_BADIADDR", M_SIGNAL}, {"ILL_BADSTK", M_SIGNAL}, {"ILL_COPROC", M_SIGNAL},
    {"ILL_ILLADR", M_SIGNAL}, {"ILL_ILLOPC", M_SIGNAL}, {"ILL_ILLOPN", M_SIGNAL},
    {"ILL_ILLTRP", M_SIGNAL}, {"ILL_PRVOPC", M_SIGNAL}, {"ILL_PRVREG", M_SIGNAL},
    {"INT16_C", M_STDINT}, {"INT16_MAX", M_STDINT}, {"INT16_MIN", M_STDINT},
    {"INT32_C", M_STDINT}, {"INT32_MAX", M_STDINT}, {"INT32_MIN", M_STDINT},
    {"INT64_C", M_STDINT}, {"INT64_MAX", M_STDINT}, {"INT64_MIN", M_STDINT},
    {"INT8_C", M_STDINT}, {"INT8_MAX", M_STDINT}, {"INT8_MIN", M_STDINT},
    {"INTMAX_C", M_STDINT}, {"INTMAX_MAX", M_STDINT}, {"INTMAX_MIN", M_STDINT},
    {"INTPTR_MAX", M_STDINT}, {"INTPTR_MIN", M_STDINT}, {"INT_FAST16_MAX", M_STDINT},
    {"INT_FAST16_MIN", M_STDINT}, {"INT_FAST32_MAX", M_STDINT}, {"INT_FAST32_MIN", M_STDINT},
    {"INT_FAST64_MAX", M_STDINT}, {"INT_FAST64_MIN", M_STDINT}, {"INT_FAST8_MAX", M_STDINT},
    {"INT_FAST8_MIN", M_STDINT}, {"INT_LEAST16_MAX", M_STDINT}, {"INT_LEAST16_MIN", M_STDINT},
    {"INT_LEAST32_MAX", M_STDINT}, {"INT_LEAST32_MIN", M_STDINT},
    {"INT_LEAST64_MAX", M_STDINT}, {"INT_LEAST64_MIN", M_STDINT}, {"INT_LEAST8_MAX", M_STDINT},
    {"INT_LEAST8_MIN", M_STDINT}, {"INT_MAX", M_LIMITS}, {"INT_MIN", M_LIMITS},
    {"LC_ADDRESS", M_LOCALE}, {"LC_ADDRESS_MASK", M_LOCALE}, {"LC_ALL", M_LOCALE},
    {"LC_ALL_MASK", M_LOCALE}, {"LC_COLLATE", M_LOCALE}, {"LC_COLLATE_MASK", M_LOCALE},
    {"LC_CTYPE", M_LOCALE}, {"LC_CTYPE_MASK", M_LOCALE}, {"LC_GLOBAL_LOCALE", M_LOCALE},
    {"LC_IDENTIFICATION", M_LOCALE}, {"LC_IDENTIFICATION_MASK", M_LOCALE},
    {"LC_MEASUREMENT", M_LOCALE}, {"LC_MEASUREMENT_MASK", M_LOCALE}, {"LC_MESSAGES", M_LOCALE},
    {"LC_MESSAGES_MASK", M_LOCALE}, {"LC_MONETARY", M_LOCALE}, {"LC_MONETARY_MASK", M_LOCALE},
    {"LC_NAME", M_LOCALE}, {"LC_NAME_MASK", M_LOCALE}, {"LC_NUMERIC", M_LOCALE},
    {"LC_NUMERIC_MASK", M_LOCALE}, {"LC_PAPER", M_LOCALE}, {"LC_PAPER_MASK", M_LOCALE},
    {"LC_TELEPHONE", M_LOCALE}, {"LC_TELEPHONE_MASK", M_LOCALE}, {"LC_TIME", M_LOCALE},
    {"LC_TIME_MASK", M_LOCALE}, {"LDBL_DECIMAL_DIG", M_FLOAT}, {"LDBL_DIG", M_FLOAT},
    {"LDBL_EPSILON", M_FLOAT}, {"LDBL_HAS_SUBNORM", M_FLOAT}, {"LDBL_MANT_DIG", M_FLOAT},
    {"LDBL_MAX", M_FLOAT}, {"LDBL_MAX_10_EXP", M_FLOAT}, {"LDBL_MAX_EXP", M_FLOAT},
    {"LDBL_MIN", M_FLOAT}, {"LDBL_MIN_10_EXP", M_FLOAT}, {"LDBL_MIN_EXP", M_FLOAT},
    {"LDBL_TRUE_MIN", M_FLOAT}, {"LINE_MAX", M_LIMITS}, {"LITTLE_ENDIAN", M_STDLIB},
    {"LLONG_MAX", M_LIMITS}, {"LLONG_MIN", M_LIMITS}, {"LOGIN_NAME_MAX", M_LIMITS},
    {"LONG_MAX", M_LIMITS}, {"LONG_MIN", M_LIMITS}, {"MATH_ERREXCEPT", M_MATH},
    {"MATH_ERRNO", M_MATH}, {"MAX_CANON", M_LIMITS}, {"MAX_INPUT", M_LIMITS},
    {"MB_CUR_MAX", M_STDLIB}, {"MB_LEN_MAX", M_LIMITS}, {"MQ_PRIO_MAX", M_LIMITS},
    {"M_1_PI", M_MATH}, {"M_2_PI", M_MATH}, {"M_2_SQRTPI", M_MATH}, {"M_E", M_MATH},
    {"M_LN10", M_MATH}, {"M_LN2", M_MATH}, {"M_LOG10E", M_MATH}, {"M_LOG2E", M_MATH},
    {"M_PI", M_MATH}, {"M_PI_2", M_MATH}, {"M_PI_4", M_MATH}, {"M_SQRT1_2", M_MATH},
    {"M_SQRT2", M_MATH}, {"NAME_MAX", M_LIMITS}, {"NGROUPS_MAX", M_LIMITS},
    {"PATH_MAX", M_LIMITS}, {"PDP_ENDIAN", M_STDLIB}, {"PIPE_BUF", M_LIMITS},
    {"POLL_ERR", M_SIGNAL}, {"POLL_HUP", M_SIGNAL}, {"POLL_IN", M_SIGNAL},
    {"POLL_MSG", M_SIGNAL}, {"POLL_OUT", M_SIGNAL}, {"POLL_PRI", M_SIGNAL},
    {"PTHREAD_DESTRUCTOR_ITERATIONS", M_LIMITS}, {"PTHREAD_KEYS_MAX", M_LIMITS},
    {"PTHREAD_STACK_MIN", M_LIMITS}, {"PTRDIFF_MAX", M_STDINT}, {"PTRDIFF_MIN", M_STDINT},
    {"RAND_MAX", M_STDLIB}, {"RE_DUP_MAX", M_LIMITS}, {"RTSIG_MAX", M_LIMITS},
    {"SA_INTERRUPT", M_SIGNAL}, {"SA_NOCLDSTOP", M_SIGNAL}, {"SA_NOCLDWAIT", M_SIGNAL},
    {"SA_NODEFER", M_SIGNAL}, {"SA_NOMASK", M_SIGNAL}, {"SA_ONESHOT", M_SIGNAL},
    {"SA_ONSTACK", M_SIGNAL}, {"SA_RESETHAND", M_SIGNAL}, {"SA_RESTART", M_SIGNAL},
    {"SA_SIGINFO", M_SIGNAL}, {"SA_STACK", M_SIGNAL}, {"SCHAR_MAX", M_LIMITS},
    {"SCHAR_MIN", M_LIMITS}, {"SEEK_CUR", M_STDIO}, {"SEEK_END", M_STDIO},
    {"SEEK_SET", M_STDIO}, {"SEGV_ACCADI", M_SIGNAL}, {"SEGV_ACCERR", M_SIGNAL},
    {"SEGV_ADIDERR", M_SIGNAL}, {"SEGV_ADIPERR", M_SIGNAL}, {"SEGV_BNDERR", M_SIGNAL},
    {"SEGV_MAPERR", M_SIGNAL}, {"SEGV_MTEAERR", M_SIGNAL}, {"SEGV_MTESERR", M_SIGNAL},
    {"SEGV_PKUERR", M_SIGNAL}, {"SEM_VALUE_MAX", M_LIMITS}, {"SHRT_MAX", M_LIMITS},
    {"SHRT_MIN", M_LIMITS}, {"SIGEV_NONE", M_SIGNAL}, {"SIGEV_SIGNAL", M_SIGNAL},
    {"SIGEV_THREAD", M_SIGNAL}, {"SIGEV_THREAD_ID", M_SIGNAL}, {"SIG_ATOMIC_MAX", M_STDINT},
    {"SIG_ATOMIC_MIN", M_STDINT}, {"SIG_BLOCK", M_SIGNAL}, {"SIG_DFL", M_SIGNAL},
    {"SIG_ERR", M_SIGNAL}, {"SIG_IGN", M_SIGNAL}, {"SIG_SETMASK", M_SIGNAL},
    {"SIG_UNBLOCK", M_SIGNAL}, {"SIZE_MAX", M_STDINT}, {"SI_ASYNCIO", M_SIGNAL},
    {"SI_ASYNCNL", M_SIGNAL}, {"SI_DETHREAD", M_SIGNAL}, {"SI_KERNEL", M_SIGNAL},
    {"SI_MESGQ", M_SIGNAL}, {"SI_QUEUE", M_SIGNAL}, {"SI_SIGIO", M_SIGNAL},
    {"SI_TIMER", M_SIGNAL}, {"SI_TKILL", M_SIGNAL}, {"SI_USER", M_SIGNAL},
    {"SSIZE_MAX", M_LIMITS}, {"SS_DISABLE", M_SIGNAL}, {"SS_ONSTACK", M_SIGNAL},
    {"TIMER_ABSTIME", M_TIME}, {"TIME_UTC", M_TIME}, {"TMP_MAX", M_STDIO},
    {"TTY_NAME_MAX", M_LIMITS}, {"UCHAR_MAX", M_LIMITS}, {"UINT16_C", M_STDINT},
    {"UINT16_MAX", M_STDINT}, {"UINT32_C", M_STDINT}, {"UINT32_MAX", M_STDINT},
    {"UINT64_C", M_STDINT}, {"UINT64_MAX", M_STDINT}, {"UINT8_C", M_STDINT},
    {"UINT8_MAX", M_STDINT}, {"UINTMAX_C", M_STDINT}, {"UINTMAX_MAX", M_STDINT},
    {"UINTPTR_MAX", M_STDINT}, {"UINT_FAST16_MAX", M_STDINT}, {"UINT_FAST32_MAX", M_STDINT},
    {"UINT_FAST64_MAX", M_STDINT}, {"UINT_FAST8_MAX", M_STDINT},
    {"UINT_LEAST16_MAX", M_STDINT}, {"UINT_LEAST32_MAX", M_STDINT},
    {"UINT_LEAST64_MAX", M_STDINT}, {"UINT_LEAST8_MAX", M_STDINT}, {"UINT_MAX", M_LIMITS},
    {"ULLONG_MAX", M_LIMITS}, {"ULONG_MAX", M_LIMITS}, {"USHRT_MAX", M_LIMITS},
    {"WCHAR_MAX", M_STDINT}, {"WCHAR_MIN", M_STDINT}, {"WINT_MAX", M_STDINT},
    {"WINT_MIN", M_STDINT}, {"XATTR_LIST_MAX", M_LIMITS}, {"XATTR_NAME_MAX", M_LIMITS},
    {"XATTR_SIZE_MAX", M_LIMITS}, {"drand48_data", S_STDLIB}, {"errno", M_ERRNO},
    {"itimerspec", S_TIME}, {"lconv", S_LOCALE}, {"linux", GNU_C},
    {"math_errhandling", M_MATH}, {"random_data", S_STDLIB}, {"sa_handler", M_SIGNAL},
    {"sa_sigaction", M_SIGNAL}, {"si_addr", M_SIGNAL}, {"si_addr_lsb", M_SIGNAL},
    {"si_arch", M_SIGNAL}, {"si_band", M_SIGNAL}, {"si_call_addr", M_SIGNAL},
    {"si_fd", M_SIGNAL}, {"si_int", M_SIGNAL}, {"si_lower", M_SIGNAL},
    {"si_overrun", M_SIGNAL}, {"si_pid", M_SIGNAL}, {"si_pkey", M_SIGNAL},
    {"si_ptr", M_SIGNAL}, {"si_status", M_SIGNAL}, {"si_stime", M_SIGNAL},
    {"si_syscall", M_SIGNAL}, {"si_timerid", M_SIGNAL}, {"si_uid", M_SIGNAL},
    {"si_upper", M_SIGNAL}, {"si_utime", M_SIGNAL}, {"si_value", M_SIGNAL},
    {"sigaction", S_SIGNAL}, {"sigcontext", S_SIGNAL}, {"sigev_notify_attributes", M_SIGNAL},
    {"sigev_notify_function", M_SIGNAL}, {"sigevent", S_TIME}, {"sigstack", S_SIGNAL},
    {"stderr", M_STDIO}, {"stdin", M_STDIO}, {"stdout", M_STDIO}, {"timer_delete", F_TIME},
    {"timespec", S_TIME}, {"timespec_get", F_TIME}, {"timeval", S_SYS_TIME}, {"tm", S_TIME},
    {"unix", GNU_C},
};

static int compare(const void *key, const void *item)
{
    return strcmp(key, ((const struct reserved *)item)->name);
}

const char *c_reserved(const char *name, bool *fatal)
{
    const struct reserved *r = bsearch(name, names, sizeof names / sizeof names[0],
                                       sizeof names[0], compare);
    if (r && fatal)     /* the headers generated code includes, and GNU C itself */
        *fatal = strstr(r->what, "<stdint.h>") || strstr(r->what, "<time.h>") ||
                 strcmp(r->what, GNU_C) == 0;
    return r ? r->what : NULL;
}

/* What generated code adds to a type's C name: functions for a model or an enum (the
   model's with an underscore before the verb), and the array type. */
static const char *const suffixes[] = {"", "_array", "_init", "_free", "_array_free",
                                       "_insert", "_update", "_delete", "_get", "_all",
                                       "_count", "_next_id", "_insert_many",
                                       "_update_columns", "_name", "_parse"};

const char *c_reserved_type(const char *name, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if ((size_t)snprintf(buf, size, "%s%s", name, suffixes[i]) >= size)
            return NULL;    /* longer than any reserved name */
        bool fatal = false;
        const char *taken = c_reserved(buf, &fatal);
        if (taken && fatal)
            return taken;
    }
    return NULL;
}
