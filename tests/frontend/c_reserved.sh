#!/usr/bin/env bash
# c_reserved.sh TEST CC: the names glibc's headers define that generated names could equal
# (macros with an underscore, upper case; lower-case object-like macros; the struct tags
# of <time.h>), read off the installed headers by the compiler, must all be reserved.
set -euo pipefail
test=$1
cc=${2:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in stdint stddef stdbool string time limits stdio stdlib inttypes errno float math \
         signal locale; do
    echo "#include <$h.h>"
done > "$tmp/all.h"
{
    "$cc" -E -dM "$tmp/all.h" | awk '{ print $2 }' | sed 's/(.*//' |
        grep -E '^[A-Z0-9]+(_[A-Z0-9]+)+$'
    "$cc" -E -dM "$tmp/all.h" | awk '$2 !~ /\(/ { print $2 }' |
        grep -E '^[a-z][a-z0-9_]*$' | grep -v -x -E 'bool|true|false|static_assert'
    echo '#include <time.h>' | "$cc" -E - | grep -oE 'struct [a-z][a-z0-9_]*' | sed 's/struct //'
} | sort -u | "$test"
