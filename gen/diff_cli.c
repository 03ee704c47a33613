/* placeholder: being written */
#include <stdio.h>
#include "cli.h"
int cmd_diff(int argc, char **argv) { (void)argc; (void)argv; fputs("modelgen: not available yet\n", stderr); return 2; }
