/* Replays inputs through the fuzz harness without libFuzzer: each file named on the
   command line is one input. Prints TAP, one line per input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            printf("not ok %d - cannot open %s\n", ++n, argv[i]);
            continue;
        }
        struct buf b = {0};
        char chunk[65536];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_putn(&b, chunk, got);
        fclose(f);
        LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""), b.len);
        buf_free(&b);
        /* reaching here without a crash or sanitizer report is the assertion */
        printf("ok %d - %s\n", ++n, argv[i]);
    }
    printf("1..%d\n", n);
    return 0;
}
