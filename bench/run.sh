#!/usr/bin/env bash
# Builds modelgen and the runtime in release mode and prints the benchmark tables:
# generator scaling (time, peak memory, output size) and the generated API against
# hand-written sqlite3 code.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build-release ] || meson setup build-release --buildtype=release > /dev/null
ninja -C build-release > /dev/null
modelgen=build-release/gen/modelgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "## Generator: modelgen SCHEMA -o DIR (best of 3)"
echo
echo "| models | time (ms) | peak memory (MiB) | output (MiB) | MB/s | copying the output (ms) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for n in 1000 4000 16000; do
    bench/gen_schema.sh "$n" > "$work/s$n.model"
    best=
    mem=
    for _ in 1 2 3; do
        rm -rf "$work/out"
        /usr/bin/time -f "%e %M" -o "$work/time" "$modelgen" "$work/s$n.model" -o "$work/out" \
            --name s > /dev/null
        read -r secs kib < "$work/time"
        ms=$(awk -v s="$secs" 'BEGIN { printf "%d", s * 1000 }')
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; mem=$kib; fi
    done
    bytes=$(cat "$work"/out/* | wc -c)
    # the floor: writing the same bytes with cp (best of 3)
    copy=
    for _ in 1 2 3; do
        rm -rf "$work/copy"
        t0=$(date +%s%N); cp -r "$work/out" "$work/copy"; sync -f "$work/copy" 2>/dev/null || true
        t1=$(date +%s%N)
        c=$(( (t1 - t0) / 1000000 ))
        if [ -z "$copy" ] || [ "$c" -lt "$copy" ]; then copy=$c; fi
    done
    awk -v n="$n" -v ms="$best" -v kib="$mem" -v b="$bytes" -v c="$copy" 'BEGIN {
        printf "| %d | %d | %.1f | %.1f | %.0f | %d |\n", n, ms, kib / 1024, b / 1048576,
               (ms > 0 ? b / 1e6 / (ms / 1000) : 0), c }'
done

echo
echo "## Runtime: generated API vs hand-written sqlite3 (10,000 users, best of 7 alternating rounds)"
echo
"$modelgen" bench/bench.model -o "$work/gen" > /dev/null
cc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L -Iruntime -I"$work/gen" bench/runtime_bench.c \
    "$work/gen/bench.c" runtime/runtime.c -lsqlite3 -o "$work/runtime_bench"
(cd "$work" && ./runtime_bench bench.db)
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), sqlite $(sqlite3 --version | cut -d' ' -f1)"
