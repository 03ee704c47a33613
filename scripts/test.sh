#!/usr/bin/env bash
# The whole test suite: a -Werror build, then the same tests under AddressSanitizer
# and UndefinedBehaviorSanitizer, then the generator's threads under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
export MODELGEN_REQUIRE_PG=${MODELGEN_REQUIRE_PG:-1}

# A build directory's value of a meson option ("True", "debug", ...).
option_value() {   # BUILD_DIR OPTION
    meson introspect "$1" --buildoptions | python3 -c \
        'import json, sys; print(*[o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]])' "$2"
}

# The first leg is a -Werror build whatever made ./build (scripts/demo.sh makes it
# without): an existing directory without the option is reconfigured.
if [ ! -d build ]; then
    meson setup build -Dwerror=true
elif [ "$(option_value build werror)" != True ]; then
    meson configure build -Dwerror=true
fi
ninja -C build
meson test -C build --print-errorlogs

[ -d build-san ] || meson setup build-san -Dwerror=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug
ninja -C build-san
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-san --print-errorlogs --timeout-multiplier 2

# the generator's threads under ThreadSanitizer
tests/threads/tsan.sh
