#!/usr/bin/env bash
# Output is byte-for-byte deterministic: every golden schema is generated twice, from
# different working directories and paths, in different time zones and with a different
# heap layout, and the two runs must agree on every byte of every file and graph. Prints TAP.
#   determinism.sh MODELGEN DIR
set -u
modelgen=$(realpath "$1")
dir=$(realpath "$2")
. "$dir/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for model in "$dir"/golden/*.model; do
    name=$(basename "$model" .model)
    rm -rf "$tmp/first" "$tmp/second"
    (cd "$dir/golden" && TZ=UTC "$modelgen" "$name.model" -o "$tmp/first") 2> /dev/null
    (cd / && TZ=Asia/Tokyo MALLOC_PERTURB_=165 "$modelgen" "$model" -o "$tmp/second") 2> /dev/null
    for kind in dot mermaid; do
        (cd "$dir/golden" && TZ=UTC "$modelgen" graph "$name.model" --format $kind) \
            > "$tmp/first/$name.$kind" 2> /dev/null
        (cd / && TZ=Asia/Tokyo MALLOC_PERTURB_=165 "$modelgen" graph "$model" --format $kind) \
            > "$tmp/second/$name.$kind" 2> /dev/null
    done
    for f in "$tmp"/first/*; do
        file=$(basename "$f")
        # The C files are compared too, but their content is the C generator's to test.
        if ! [ -s "$f" ] && [ "${file%.[ch]}" = "$file" ]; then
            fail "$name: $file is empty"
        elif cmp -s "$f" "$tmp/second/$file"; then
            pass "$name: $file is the same in both runs"
        else
            fail "$name: $file differs between runs"
            diff -u "$f" "$tmp/second/$file" | head -40 | diag
        fi
    done
done
tap_done
