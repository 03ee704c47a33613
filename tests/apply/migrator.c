/* A program over the code modelgen generated for the tests' schema (app.h, app.c).
 *
 *   migrator TARGET migrate     app_migrate: prints its status; exit 0 on MG_OK, else 1
 *   migrator TARGET exec SQL    mg_exec
 *   migrator TARGET int SQL     mg_query_int: prints the integer
 *
 * Exit 2 when the database cannot be opened. */
#include <stdio.h>
#include <string.h>

#include "app.h"

int main(int argc, char **argv)
{
    mg_db *db = NULL;
    int status;

    if (argc < 3 || (strcmp(argv[2], "migrate") != 0 && argc < 4)) {
        fprintf(stderr, "usage: migrator TARGET migrate | exec SQL | int SQL\n");
        return 2;
    }
    if (mg_open(argv[1], &db) != MG_OK) {
        fprintf(stderr, "migrator: cannot open the database: %s\n", mg_open_errmsg());
        return 2;
    }
    if (strcmp(argv[2], "migrate") == 0) {
        status = app_migrate(db);
        printf("%s\n", mg_status_name(status));
    } else if (strcmp(argv[2], "exec") == 0) {
        status = mg_exec(db, argv[3]);
    } else {
        int64_t value = 0;
        status = mg_query_int(db, argv[3], &value);
        if (status == MG_OK)
            printf("%lld\n", (long long)value);
    }
    if (status != MG_OK)
        fprintf(stderr, "migrator: %s: %s\n", mg_status_name(status), mg_errmsg(db));
    mg_close(db);
    return status == MG_OK ? 0 : 1;
}
