/* Every name the installed C library defines that a generated constant or name could
   equal must be reserved (gen/c_reserved.c): the names come on stdin, one a line, read
   off the real headers by c_reserved.sh. Prints TAP. */
#include <stdio.h>
#include <string.h>

#include "c_reserved.h"

int main(void)
{
    char line[256];
    int n = 0, missing = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (!*line)
            continue;
        n++;
        if (!c_reserved(line, NULL)) {
            printf("not ok %d - %s is not reserved\n", n, line);
            missing++;
        } else {
            printf("ok %d - %s\n", n, line);
        }
    }
    /* and names that are free stay free */
    static const char *const free_names[] = {"USER_EMAIL", "ROLE_ADMIN", "user", "post_get",
                                             "SIZE", "timer", "clock_get"};
    for (size_t i = 0; i < sizeof free_names / sizeof free_names[0]; i++) {
        n++;
        if (c_reserved(free_names[i], NULL))
            printf("not ok %d - %s is free but reported as %s\n", n, free_names[i],
                   c_reserved(free_names[i], NULL));
        else
            printf("ok %d - %s is free\n", n, free_names[i]);
    }
    int names = n - (int)(sizeof free_names / sizeof free_names[0]);
    n++;
    if (names < 300)
        printf("not ok %d - only %d names came in\n", n, names);
    else
        printf("ok %d - %d names checked, %d missing\n", n, names, missing);
    printf("1..%d\n", n);
    return missing ? 1 : 0;
}
