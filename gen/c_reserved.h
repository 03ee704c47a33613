/* Names the C library or the compiler already gives a meaning, which no name generated
   from a schema may take: a column constant SIZE_MAX, an enum member constant INT8_MAX,
   a struct tm or a field called linux would not compile, or would break the program
   that includes the generated header beside the usual headers. */
#ifndef MODELGEN_C_RESERVED_H
#define MODELGEN_C_RESERVED_H

/* What NAME already is ("a macro of <stdint.h>"), or NULL when it is free. The list is
   the macros with an underscore, and the lower-case names, of glibc's standard headers
   in GNU C mode (<stdint.h>, <time.h>, <limits.h>, <stdio.h>, <stdlib.h>, <float.h>,
   <math.h>, <signal.h>, <locale.h>, <errno.h>), with the struct tags and functions of
   theirs a generated name could equal. */
const char *c_reserved(const char *name);

#endif
