/* Names the C library or the compiler already gives a meaning, which no name generated
   from a schema may take: a column constant SIZE_MAX, an enum member constant INT8_MAX,
   a struct tm or a field called linux would not compile, or would break the program
   that includes the generated header beside the usual headers. */
#ifndef MODELGEN_C_RESERVED_H
#define MODELGEN_C_RESERVED_H

#include <stdbool.h>
#include <stddef.h>

/* What NAME already is ("a macro of <stdint.h>"), or NULL when it is free; *fatal (fatal
   may be NULL) says whether generated code taking it would not compile by itself (a name
   of <stdint.h> or <time.h>, which it includes, or of GNU C), rather than only beside a
   header the program includes (<limits.h>, <errno.h>, ...). The list is
   the macros with an underscore, and the lower-case names, of glibc's standard headers
   in GNU C mode (<stdint.h>, <time.h>, <limits.h>, <stdio.h>, <stdlib.h>, <float.h>,
   <math.h>, <signal.h>, <locale.h>, <errno.h>), with the struct tags and functions of
   theirs a generated name could equal. */
const char *c_reserved(const char *name, bool *fatal);

/* Whether a model or enum of C name NAME would take a reserved name with the functions and
   types generated for it (user_array, user_delete, role_parse) that the generated code
   could not compile with (fatal, above): what the first such name already is, with the
   name in buf; NULL when all are free. */
const char *c_reserved_type(const char *name, char *buf, size_t size);

#endif
