#!/usr/bin/env bash
# Hostile inputs made at test time (too big to commit): modelgen must answer each with
# a diagnostic and exit status 1 (or 0 when the input is valid), never crash or hang.
set -u
modelgen=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

expect() {   # description want-status file
    n=$((n + 1))
    timeout 60 "$modelgen" check "$3" > "$tmp/out" 2>&1
    local got=$?
    if [ "$got" -eq "$2" ] && [ "$(wc -c < "$tmp/out")" -lt 200000 ]; then
        echo "ok $n - $1 (exit $got)"
    else
        echo "not ok $n - $1: exit $got, want $2; output $(wc -c < "$tmp/out") bytes"
        head -c 2000 "$tmp/out" | sed 's/^/#   /'
        failed=$((failed + 1))
    fi
}

head -c 10485760 /dev/zero | tr '\0' 'x' > "$tmp/long_line.model"
expect "a 10 MB line of letters" 1 "$tmp/long_line.model"

{ printf "model A {\n  x text default '"; head -c 10485760 /dev/zero | tr '\0' 'y'; printf "'\n}\n"; } \
    > "$tmp/long_string.model"
expect "a 10 MB string default" 0 "$tmp/long_string.model"

head -c 1048576 /dev/zero | tr '\0' '{' > "$tmp/braces.model"
expect "a million opening braces" 1 "$tmp/braces.model"

head -c 2000000 /dev/urandom > "$tmp/junk.model"
expect "2 MB of random bytes" 1 "$tmp/junk.model"

printf '\xef\xbb\xbfmodel A {\n  x text\n}\n\xc3\x28\n' > "$tmp/utf8.model"
expect "a byte-order mark and invalid UTF-8" 1 "$tmp/utf8.model"

: > "$tmp/empty.model"
expect "an empty file" 0 "$tmp/empty.model"

for i in $(seq 1 3000); do printf 'model M%d {\n  belongs_to next: M%d?\n  belongs_to prev: M%d\n}\n' \
    "$i" $(( i % 3000 + 1 )) $(( (i + 2998) % 3000 + 1 )); done > "$tmp/ring.model"
expect "3000 models in two rings of keys" 0 "$tmp/ring.model"

n=$((n + 1))
"$modelgen" check "$tmp/missing.model" > "$tmp/out" 2>&1
got=$?
if [ "$got" -eq 2 ] && grep -q "cannot read" "$tmp/out"; then
    echo "ok $n - a missing file is an I/O error (exit 2)"
else
    echo "not ok $n - a missing file: exit $got"; failed=$((failed + 1))
fi

echo "1..$n"
[ "$failed" -eq 0 ]
