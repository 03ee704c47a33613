#!/usr/bin/env bash
# Builds modelgen and the runtime in release mode and prints the benchmark tables:
# generator scaling (time, peak memory, output size), and the generated API against
# hand-written code: sqlite3 on a WAL file and in memory, libpq on PostgreSQL (the test
# harness's throw-away server, over its Unix socket; skipped without the server).
# BUILD=DIR builds in DIR instead of build-release.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build-release}
[ -d "$build" ] || meson setup "$build" --buildtype=release > /dev/null
ninja -C "$build" > /dev/null
modelgen=$build/gen/modelgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

runs=7
echo "## Generator: modelgen SCHEMA -o DIR ($runs runs each, $(nproc) threads)"
echo
echo "| models | median (ms) | best (ms) | × the previous size | peak memory (MiB) | output (MiB) | MB/s | copying the output (ms) | × copying |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
prev=
for n in 1000 4000 16000; do
    bench/gen_schema.sh "$n" > "$work/s$n.model"
    : > "$work/times"
    mem=0
    for _ in $(seq $runs); do
        rm -rf "$work/out"
        t0=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$work/mem" "$modelgen" "$work/s$n.model" -o "$work/out" \
            --name s > /dev/null
        t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000000 )) >> "$work/times"
        kib=$(cat "$work/mem")
        [ "$kib" -gt "$mem" ] && mem=$kib
    done
    med=$(median < "$work/times")
    best=$(sort -n "$work/times" | head -1)
    bytes=$(cat "$work"/out/* | wc -c)
    # the floor: writing the same files with cp (from the page cache, no fsync; median)
    : > "$work/copies"
    for _ in $(seq $runs); do
        rm -rf "$work/copy"
        t0=$(date +%s%N); cp -r "$work/out" "$work/copy"; t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000000 )) >> "$work/copies"
    done
    copy=$(median < "$work/copies")
    awk -v n="$n" -v med="$med" -v best="$best" -v prev="$prev" -v kib="$mem" -v b="$bytes" \
        -v c="$copy" 'BEGIN {
        printf "| %d | %d | %d | %s | %.1f | %.1f | %.0f | %d | %.1f |\n", n, med, best,
               (prev != "" ? sprintf("%.2f", med / prev) : "-"), kib / 1024, b / 1048576,
               (med > 0 ? b / 1e6 / (med / 1000) : 0), c, (c > 0 ? med / c : 0) }'
    prev=$med
done
echo
echo "## Runtime: generated API vs hand-written code (10,000 users, best of 15 alternating rounds)"
echo
"$modelgen" bench/bench.model -o "$work/gen" > /dev/null
pg=()
if pkg-config --exists libpq; then
    pg=(-DBENCH_POSTGRES $(pkg-config --cflags libpq))
fi
# the library as installed: libmodelgen.a with sqlite3 (and libpq when it was built with it)
cc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L -Iruntime -I"$work/gen" "${pg[@]}" \
    bench/runtime_bench.c "$work/gen/bench.c" "$build/runtime/libmodelgen.a" \
    $(pkg-config --libs sqlite3) ${pg:+$(pkg-config --libs libpq)} -o "$work/runtime_bench"
echo "### SQLite, a WAL file (synchronous = NORMAL)"
echo
(cd "$work" && ./runtime_bench sqlite bench.db)
echo
echo "### SQLite, in memory (\`:memory:\`)"
echo
"$work/runtime_bench" sqlite :memory:
echo
echo "### PostgreSQL (libpq; binary parameters and results; one connection over a Unix socket)"
echo
if [ ${#pg[@]} -eq 0 ]; then
    echo "(skipped: no libpq)"
else
    # the harness's server listens on a Unix socket in its own directory
    status=0
    tests/pg/with-postgres.sh bash -c '"$0" postgres \
        "postgresql:///$PGDATABASE?host=$MODELGEN_PG_DIR&port=$PGPORT&user=$PGUSER"' \
        "$work/runtime_bench" || status=$?
    [ "$status" -eq 77 ] && echo "(skipped: no PostgreSQL server binaries)"
    [ "$status" -eq 0 ] || [ "$status" -eq 77 ] || exit "$status"
fi
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load $(cut -d' ' -f1-3 /proc/loadavg), sqlite $(sqlite3 --version | cut -d' ' -f1)"
echo
echo "## Eager loading against the N+1 loop (bench/eager_bench.c: 10,000 users x 5 posts, x 5 followed tags)"
echo
"$modelgen" bench/eager.model -o "$work/eager" > /dev/null
cc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L -Iruntime -I"$work/eager" \
    bench/eager_bench.c "$work/eager/eager.c" "$build/runtime/libmodelgen.a" \
    $(pkg-config --libs sqlite3) ${pg:+$(pkg-config --libs libpq)} -o "$work/eager_bench"
echo "### SQLite, a WAL file (synchronous = NORMAL)"
echo
(cd "$work" && ./eager_bench eager.db)
echo
echo "### PostgreSQL (one connection over a Unix socket)"
echo
if [ ${#pg[@]} -eq 0 ]; then
    echo "(skipped: no libpq)"
else
    status=0
    tests/pg/with-postgres.sh bash -c '"$0" \
        "postgresql:///$PGDATABASE?host=$MODELGEN_PG_DIR&port=$PGPORT&user=$PGUSER"' \
        "$work/eager_bench" || status=$?
    [ "$status" -eq 77 ] && echo "(skipped: no PostgreSQL server binaries)"
    [ "$status" -eq 0 ] || [ "$status" -eq 77 ] || exit "$status"
fi
echo; cc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L -Iruntime -I"$work/gen" bench/write_bench.c "$work/gen/bench.c" "$build/runtime/libmodelgen.a" $(pkg-config --libs sqlite3) ${pg:+$(pkg-config --libs libpq)} -o "$work/write_bench" && { tests/pg/with-postgres.sh "$work/write_bench" "$work/writes.db" || { [ $? -eq 77 ] && "$work/write_bench" "$work/writes.db"; }; }
