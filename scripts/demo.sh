#!/usr/bin/env bash
# Sets everything up and runs the main job: install the build tools, build modelgen,
# generate code and migrations from examples/users.model, compile the example app
# against the generated code and the runtime, and run it on an SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build
ninja -C build

out=build/example
build/gen/modelgen examples/users.model -o "$out"
echo "generated: $(cd "$out" && echo users.*)"
# the generated code and the app, linked with the runtime library just built
cc -std=c99 -Wall -Wextra -Wpedantic -Werror -Wwrite-strings -O2 -Iruntime -I"$out" \
    examples/app.c "$out/users.c" build/runtime/libmodelgen.a \
    $(pkg-config --libs sqlite3) $(pkg-config --libs libpq 2>/dev/null) -o "$out/app"
rm -f "$out/app.db"
"$out/app" "$out/app.db"
echo "deferred foreign keys, and why:"
build/gen/modelgen check --explain examples/users.model
