#include "checksum.h"

#include <inttypes.h>
#include <stdio.h>

uint64_t fnv1a(uint64_t h, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3u;
    }
    return h;
}

uint64_t checksum_sqlite(const char *sql, size_t len, bool foreign_keys_off,
                         bool check_foreign_keys)
{
    static const char off[] = "PRAGMA foreign_keys = OFF;\n";
    static const char check[] = "PRAGMA foreign_key_check;\n";
    uint64_t h = FNV1A_START;
    if (foreign_keys_off)
        h = fnv1a(h, off, sizeof off - 1);
    h = fnv1a(h, sql ? sql : "", sql ? len : 0);
    if (check_foreign_keys)
        h = fnv1a(h, check, sizeof check - 1);
    return h;
}

uint64_t checksum_postgres(const char *sql, size_t len)
{
    return fnv1a(FNV1A_START, sql ? sql : "", sql ? len : 0);
}

void checksum_hex(uint64_t h, char out[CHECKSUM_TEXT_SIZE])
{
    snprintf(out, CHECKSUM_TEXT_SIZE, "%016" PRIx64, h);
}
