#!/usr/bin/env bash
# A project of one's own against an installed modelgen: modelgen is built afresh and
# installed into a temporary prefix, then tests/consumer/project is built twice, with
# meson (find_program, custom_target with a depfile, dependency('modelgen')) and with a
# Makefile that uses pkg-config alone, under -Wall -Wextra -Wpedantic -Werror, and run.
# A rebuild with nothing changed does nothing; touching a migration reruns modelgen and
# compiles nothing; editing one regenerates and recompiles. Prints TAP.
#   run.sh SOURCE_ROOT PROJECT_DIR
set -u
src=$(realpath "$1")
project=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

# check DESCRIPTION COMMAND...: the command must succeed. The output of the last command
# that was not in_log is in $tmp/last, for in_log and the checks after it.
check() {
    local what=$1
    shift
    n=$((n + 1))
    local rc=0
    "$@" > "$tmp/out" 2>&1 || rc=$?
    [ "$1" = in_log ] || cp "$tmp/out" "$tmp/last"
    if [ "$rc" -eq 0 ]; then
        echo "ok $n - $what"
    else
        echo "not ok $n - $what"
        sed 's/^/#   /' "$tmp/out" | tail -25
        failed=$((failed + 1))
    fi
}

bail() {
    echo "Bail out! $1"
    echo "1..$n"
    exit 1
}

in_log() { grep -q -- "$1" "$tmp/last" || { echo "no '$1' in:"; cat "$tmp/last"; return 1; }; }

# ---- install into a prefix: only what meson install installs is built
prefix=$tmp/prefix
build=$tmp/modelgen-build
install_modelgen() {
    meson setup "$build" "$src" --prefix="$prefix" -Dbuildtype=plain > "$tmp/setup.log" 2>&1 ||
        { cat "$tmp/setup.log"; return 1; }
    local targets
    targets=$(meson introspect "$build" --installed | python3 -c '
import json, os, sys
build = os.path.realpath(sys.argv[1])
for path in json.load(sys.stdin):
    # what the build makes; meson-private holds what configuring wrote
    if path.startswith(build + "/") and "/meson-private/" not in path:
        print(os.path.relpath(path, build))' "$build") || return 1
    # shellcheck disable=SC2086
    ninja -C "$build" $targets && meson install -C "$build" --no-rebuild --quiet
}
check "modelgen builds afresh and installs into a temporary prefix" install_modelgen
libdir=$(meson introspect "$build" --buildoptions 2> /dev/null | python3 -c '
import json, sys
print(*[o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"])')
pcdir=$prefix/$libdir/pkgconfig
check "modelgen.pc is in the libdir's pkgconfig ($libdir/pkgconfig)" test -f "$pcdir/modelgen.pc"
[ -x "$prefix/bin/modelgen" ] && [ -f "$pcdir/modelgen.pc" ] || bail "nothing to build against"
manual() {   # man finds the three pages where meson installed them
    local man=$prefix/share/man
    if ! command -v man > /dev/null; then
        ls "$man/man1/modelgen.1" "$man/man3/modelgen.3" "$man/man5/modelgen.model.5"
        return
    fi
    man -M "$man" -w 1 modelgen && man -M "$man" -w 3 modelgen && man -M "$man" -w 5 modelgen.model
}
check "the manual is installed: modelgen(1), modelgen(3), modelgen.model(5)" manual

export PATH="$prefix/bin:$PATH" PKG_CONFIG_PATH="$pcdir"
# a private prefix is not on the loader's path
export LD_LIBRARY_PATH="$prefix/$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
check "modelgen.pc requires sqlite3 publicly (the program calls sqlite3 itself)" bash -c \
    "pkg-config --print-requires modelgen | grep -q '^sqlite3'"

# A project directory, with its history of migrations made by the installed modelgen.
new_project() {   # DIR
    cp -r "$project" "$1" && (cd "$1" && modelgen migrate app.model --dir migrations)
}

# Changes a migration's content: a comment inside its transaction, which the generated
# code embeds (and checksums).
edit_migration() {   # DIR
    sed -i 's/^BEGIN;$/BEGIN;\n-- edited/' "$1/migrations/0001_initial.sqlite.sql" &&
        grep -q -- '-- edited' "$1/migrations/0001_initial.sqlite.sql"
}

# ---- meson
m=$tmp/meson-project
setup_meson() { new_project "$m" && meson setup "$m/build" "$m"; }
check "meson: the project sets up (find_program and dependency('modelgen') found)" setup_meson
check "meson: it builds under -Werror" ninja -C "$m/build"
check "meson: the program runs the cycle and its own sqlite3 statement" "$m/build/app"
check "... and says so" in_log '^ok: Ursula'
check "meson: ninja read the depfile: the outputs depend on the migrations read" \
    ninja -C "$m/build" -t deps app.c
check "... (the snapshot and the SQLite migration)" bash -c \
    "grep -q 'migrations/0001_initial.model\$' '$tmp/last' && grep -q 'migrations/0001_initial.sqlite.sql\$' '$tmp/last'"
check "meson: nothing changed, nothing to do" ninja -C "$m/build" -n
check "... (ninja: no work to do)" in_log 'no work to do'
sleep 1
touch "$m/migrations/0001_initial.sqlite.sql"
check "meson: a touched migration reruns modelgen (the depfile)" ninja -C "$m/build"
check "... and nothing recompiles: its outputs kept their bytes and mtimes" bash -c \
    "grep -q 'Generating' '$tmp/last' && ! grep -q 'Compiling\|Linking' '$tmp/last'"
check "meson: then nothing to do again" ninja -C "$m/build" -n
check "... (ninja: no work to do)" in_log 'no work to do'
check "meson: an edited migration" edit_migration "$m"
check "... regenerates and recompiles" ninja -C "$m/build"
check "... (the generated source is compiled again)" in_log 'Compiling C object .*app\.c\.o'
check "... and the program still runs" "$m/build/app"

# ---- make and pkg-config
k=$tmp/make-project
build_make() { new_project "$k" && make -C "$k"; }
check "make: the project builds with pkg-config alone, under -Werror" build_make
check "make: the program runs" "$k/app"
check "... and says so" in_log '^ok: Ursula'
check "make: nothing changed, up to date (make -q)" make -q -C "$k"
sleep 1
touch "$k/migrations/0001_initial.sqlite.sql"
check "make: a touched migration makes the outputs stale (the depfile)" bash -c \
    "make -q -C '$k'; [ \$? -eq 1 ]"
check "make: then modelgen runs" make -C "$k"
check "... and nothing recompiles" bash -c "grep -q modelgen '$tmp/last' && ! grep -q -- ' -c \| -o app ' '$tmp/last'"
check "make: an edited migration" edit_migration "$k"
check "... regenerates and recompiles" make -C "$k"
check "... (gen/app.o compiled again)" in_log '-c -o gen/app.o gen/app.c'
check "... and the program still runs" "$k/app"

# The test has teeth: with sqlite3 only in Requires.private, the program does not link.
mkdir "$tmp/private-pc"
sed 's/^Requires:/Requires.private:/' "$pcdir/modelgen.pc" > "$tmp/private-pc/modelgen.pc"
check "with Requires.private the same program does not link: sqlite3's symbols are missing" bash -c \
    "rm -f '$k/app'; ! PKG_CONFIG_PATH='$tmp/private-pc' make -C '$k' app > '$tmp/private.log' 2>&1 &&
     grep 'undefined reference to .sqlite3_\|DSO missing' '$tmp/private.log'"

echo "1..$n"
[ "$failed" -eq 0 ]
