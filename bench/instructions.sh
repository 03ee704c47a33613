#!/usr/bin/env bash
# The runtime benchmark's operations counted in instructions instead of timed: a
# repeatable second opinion on a shared or noisy machine. Runs bench/runtime_bench.c under
# valgrind --tool=callgrind with instrumentation on only around each measured run (one
# callgrind dump per operation and side) and prints instructions per operation, SQLite in
# memory and, when the test harness's server is there, PostgreSQL (this process's
# instructions only: libpq and the runtime, not the server's).
# BUILD=DIR uses the release build in DIR (default build-release). Needs valgrind and its
# header valgrind/callgrind.h.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build-release}
[ -d "$build" ] || meson setup "$build" --buildtype=release > /dev/null
ninja -C "$build" > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$build/gen/modelgen" bench/bench.model -o "$work/gen" > /dev/null
pg=()
if pkg-config --exists libpq; then
    pg=(-DBENCH_POSTGRES $(pkg-config --cflags libpq))
fi
cc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L -Iruntime -I"$work/gen" "${pg[@]}" \
    bench/runtime_bench.c "$work/gen/bench.c" "$build/runtime/libmodelgen.a" \
    $(pkg-config --libs sqlite3) ${pg:+$(pkg-config --libs libpq)} -o "$work/runtime_bench"

# table DIR: the dumps' "KEY SIDE N" labels and totals as instructions per operation
table() {
    local f
    for f in "$1"/out.*; do
        awk '/^desc: Trigger/ { sub(/.*Client Request: /, ""); label = $0 }
             /^totals:/ { print label, $2 }' "$f"
    done | awk '
        BEGIN {
            name["insert"] = "insert (in a transaction)"; name["get"] = "get by id"
            name["email"] = "get by unique email"; name["profile"] = "user_get_profile"
            name["posts"] = "user_get_posts (has_many, 5 rows)"
            name["allwith"] = "user_all_with_profile (10,000 rows, vs a hand-written join)"
            split("insert get email profile posts allwith", order, " ")
        }
        { per[$1, $2] = $4 / $3 }
        END {
            print "| operation | generated instructions/op | hand-written instructions/op | hand-written / generated |"
            print "| --- | ---: | ---: | ---: |"
            for (i = 1; i <= 6; i++) {
                k = order[i]
                if ((k, "gen") in per)
                    printf "| %s | %.0f | %.0f | %.3f |\n", name[k], per[k, "gen"],
                           per[k, "hand"], per[k, "hand"] / per[k, "gen"]
            }
        }'
}

# run DIR ENGINE TARGET
run() {
    mkdir -p "$1"
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$1/out" \
        "$work/runtime_bench" "$2" "$3" --instructions > /dev/null 2> "$1/log" \
        || { cat "$1/log" >&2; return 1; }
}

echo "## Runtime in instructions (callgrind): SQLite in memory"
echo
run "$work/sqlite" sqlite :memory:
table "$work/sqlite"
if [ ${#pg[@]} -gt 0 ]; then
    echo
    echo "## Runtime in instructions (callgrind): PostgreSQL, the client's side"
    echo
    export -f run
    export work
    status=0
    tests/pg/with-postgres.sh bash -c 'run "$0" postgres \
        "postgresql:///$PGDATABASE?host=$MODELGEN_PG_DIR&port=$PGPORT&user=$PGUSER"' \
        "$work/pg" || status=$?
    if [ "$status" -eq 0 ]; then
        table "$work/pg"
    elif [ "$status" -eq 77 ]; then
        echo "(skipped: no PostgreSQL server binaries)"
    else
        exit "$status"
    fi
fi
echo
echo "valgrind $(valgrind --version | sed 's/valgrind-//'), $(cc --version | head -1), sqlite $(sqlite3 --version | cut -d' ' -f1)"
