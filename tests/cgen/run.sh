#!/usr/bin/env bash
# Generates the C API of a schema, compiles it strictly with one compiler family (the
# header also as C++), links a test program against it and the runtime, and runs it
# against one engine. Prints the program's TAP; a step that fails is a "Bail out!".
#
#   [ENGINE=sqlite|postgres] run.sh MODELGEN RUNTIME_DIR SCHEMA PROGRAM gcc|clang \
#       [plain|sanitize|valgrind]
#
# ENGINE=postgres runs the program against the PostgreSQL server of
# tests/pg/with-postgres.sh, under which it must be started (run.sh then tells the
# program so through MODELGEN_TEST_ENGINE; see common.h). The runtime is compiled from
# its sources: core.c and sqlite.c, and postgres.c when it exists and libpq is installed.
# The outputs are named after the schema (users.model -> users.h, users.c).
set -u
modelgen=$(realpath "$1")
runtime_dir=$(realpath "$2")
schema=$(realpath "$3")
program=$(realpath "$4")
family=$5
mode=${6:-plain}
engine=${ENGINE:-sqlite}
here=$(cd "$(dirname "$0")" && pwd)
tests_dir=$(dirname "$here")

case $family in
gcc) cc=gcc cxx=g++ ;;
clang) cc=clang cxx=clang++ ;;
*) echo "Bail out! unknown compiler family '$family'"; exit 1 ;;
esac
for tool in "$cc" "$cxx"; do
    if ! command -v "$tool" > /dev/null; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done
if [ "$mode" = valgrind ] && ! command -v valgrind > /dev/null; then
    echo "1..0 # SKIP valgrind is not installed"
    exit 0
fi

# libpq: for the runtime's postgres.c, and for the checks of common.h on PostgreSQL
pq_cflags=() pq_libs=()
if pkg-config --exists libpq 2> /dev/null; then
    read -r -a pq_cflags <<< "$(pkg-config --cflags libpq) -DTEST_WITH_LIBPQ"
    read -r -a pq_libs <<< "$(pkg-config --libs libpq)"
fi
runtime_sources=(core.c sqlite.c)
core_defines=()
if [ -f "$runtime_dir/postgres.c" ] && [ ${#pq_libs[@]} -gt 0 ]; then
    runtime_sources+=(postgres.c)
    core_defines=(-DMG_WITH_POSTGRES)
fi
case $engine in
sqlite) ;;
postgres)
    if [ ! -f "$runtime_dir/postgres.c" ]; then
        echo "1..0 # SKIP the runtime has no postgres.c yet"
        exit 0
    fi
    if [ ${#pq_libs[@]} -eq 0 ]; then
        echo "1..0 # SKIP libpq is not installed (pkg-config libpq)"
        exit 0
    fi
    if [ -z "${PGPORT:-}" ]; then
        echo "Bail out! ENGINE=postgres: run me under tests/pg/with-postgres.sh"
        exit 1
    fi
    ;;
*) echo "Bail out! unknown ENGINE '$engine' (sqlite or postgres)"; exit 1 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=$(basename "$schema" .model)

bail() {
    echo "Bail out! $*"
    exit 1
}

# Runs a command quietly; on failure shows its output on stderr and bails out.
step() {
    local what=$1
    shift
    if ! "$@" > "$tmp/step.log" 2>&1; then
        cat "$tmp/step.log" >&2
        bail "$what failed: $*"
    fi
}

warnings=(-Wall -Wextra -Wpedantic -Werror)
cflags=(-std=c99 "${warnings[@]}" -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
case $mode in
plain) cflags+=(-O2) ;;
sanitize) cflags+=(-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all
                   -fno-omit-frame-pointer) ;;
valgrind) cflags+=(-O1 -gdwarf-4) ;;
*) bail "unknown mode '$mode'" ;;
esac
includes=(-I "$tmp/out" -I "$runtime_dir" -I "$tests_dir")

step "modelgen" "$modelgen" "$schema" -o "$tmp/out"

# The header alone, as C99 and as C++ (default standard and C++11).
printf '#include "%s.h"\n' "$name" > "$tmp/header.c"
printf '#include "%s.h"\nint main() { return 0; }\n' "$name" > "$tmp/header.cpp"
step "$cc: header as C99" "$cc" -std=c99 "${warnings[@]}" -fsyntax-only "${includes[@]}" "$tmp/header.c"
step "$cxx: header as C++" "$cxx" "${warnings[@]}" -fsyntax-only "${includes[@]}" "$tmp/header.cpp"
step "$cxx: header as C++11" "$cxx" -std=c++11 "${warnings[@]}" -fsyntax-only "${includes[@]}" \
    "$tmp/header.cpp"

step "$cc: $name.c" "$cc" "${cflags[@]}" "${includes[@]}" -c "$tmp/out/$name.c" -o "$tmp/gen.o"
objects=("$tmp/test.o" "$tmp/gen.o")
for src in "${runtime_sources[@]}"; do
    defines=(-D_POSIX_C_SOURCE=200809L)
    [ "$src" = core.c ] && defines+=("${core_defines[@]}")
    [ "$src" = postgres.c ] && defines+=("${pq_cflags[@]}")
    step "$cc: runtime/$src" "$cc" "${cflags[@]}" "${defines[@]}" -I "$runtime_dir" \
        -c "$runtime_dir/$src" -o "$tmp/rt_${src%.c}.o"
    objects+=("$tmp/rt_${src%.c}.o")
done
step "$cc: $(basename "$program")" "$cc" "${cflags[@]}" "${pq_cflags[@]}" "${includes[@]}" \
    -c "$program" -o "$tmp/test.o"
step "$cc: link" "$cc" "${cflags[@]}" "${objects[@]}" -lsqlite3 "${pq_libs[@]}" -o "$tmp/test"
echo "# $name: generated, compiled with $cc ($mode) and $cxx, running on $engine" \
    "(runtime: ${runtime_sources[*]})"

export MODELGEN_TEST_ENGINE=$engine
cd "$tmp" || bail "cannot enter $tmp"
case $mode in
sanitize)
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ./test
    ;;
valgrind)
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible ./test
    ;;
*)
    ./test
    ;;
esac
