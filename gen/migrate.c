/* placeholder: being written */
#include <stdio.h>
#include "cli.h"
int cmd_migrate(int argc, char **argv) { (void)argc; (void)argv; fputs("modelgen: not available yet\n", stderr); return 2; }
