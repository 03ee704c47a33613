/* libFuzzer harness over the whole compiler: parse, check, analyse and, when the
   schema is valid, every generator. Built with -fsanitize=fuzzer when the fuzz option
   is on; otherwise replay.c drives it over the corpus as a regression test. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cgen.h"
#include "frontend.h"
#include "graph.h"
#include "sql.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct source src;
    source_from_memory(&src, "fuzz.model", (const char *)data, size);
    struct arena *a = arena_new();
    struct diag d;
    diag_init(&d, &src, NULL);
    struct schema *s = compile_schema(&src, a, &d);
    /* MODELGEN_FUZZ_FRONTEND_ONLY=1 keeps a run on the parser, checker and analyzer */
    if (s && !getenv("MODELGEN_FUZZ_FRONTEND_ONLY")) {
        struct buf out = {0};
        sql_generate(&out, s, DIALECT_SQLITE);
        sql_generate(&out, s, DIALECT_POSTGRES);
        cgen_header(&out, s, "fuzz");
        cgen_source(&out, s, "fuzz");
        graph_dot(&out, s);
        graph_mermaid(&out, s);
        buf_free(&out);
    }
    arena_free(a);
    source_free(&src);
    return 0;
}
