#!/usr/bin/env bash
# The generator's threads under ThreadSanitizer: builds modelgen with clang and
# -fsanitize=thread in build-tsan, then generates a few schemas on four threads, failing
# on any report of a data race. Run by scripts/test.sh after the suites.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang > /dev/null; then
    echo "tsan: clang is not installed; skipped"
    exit 0
fi
[ -d build-tsan ] || CC=clang meson setup build-tsan -Db_sanitize=thread -Db_lundef=false \
    -Dbuildtype=debugoptimized > /dev/null || exit 1
ninja -C build-tsan gen/modelgen > /dev/null || exit 1
modelgen=build-tsan/gen/modelgen
# some kernels map memory where ThreadSanitizer cannot run at all: say so, do not fail
if ! "$modelgen" --version > /dev/null 2>&1; then
    echo "tsan: a ThreadSanitizer binary cannot run on this machine; skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench/gen_schema.sh 300 > "$tmp/wide.model"
failed=0
for schema in "$tmp/wide.model" examples/*.model tests/cgen/schemas/*.model; do
    if ! TSAN_OPTIONS="halt_on_error=1 exitcode=66" MODELGEN_THREADS=4 \
            "$modelgen" "$schema" -o "$tmp/out" > "$tmp/log" 2>&1; then
        echo "tsan: $schema:"
        head -40 "$tmp/log"
        failed=1
    fi
done
[ "$failed" -eq 0 ] && echo "tsan: no data race in $(ls "$tmp"/wide.model examples/*.model tests/cgen/schemas/*.model | wc -l) schemas on four threads"
exit "$failed"
