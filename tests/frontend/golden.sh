#!/usr/bin/env bash
# Golden tests for the front end, printing TAP.
#   golden.sh MODELGEN DIR            compare
#   golden.sh MODELGEN DIR --update   rewrite the expected files (review the diff!)
# good/NAME.model: `modelgen check --dump --explain` must exit 0 and print NAME.dump.
# bad/NAME.model:  `modelgen check` must exit 1 and print exactly NAME.err on stderr.
set -u
modelgen=$(realpath "$1")
dir=$2
update=${3:-}
cd "$dir" || exit 2
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {   # name expected-file actual-file want-rc got-rc
    n=$((n + 1))
    if [ "$update" = --update ]; then
        cp "$3" "$2"
    fi
    if [ "$4" != "$5" ]; then
        echo "not ok $n - $1: exit status $5, want $4"
        sed 's/^/#   /' "$3"
        failed=$((failed + 1))
    elif ! diff -u "$2" "$3" > "$tmp/diff"; then
        echo "not ok $n - $1: output differs"
        sed 's/^/#   /' "$tmp/diff"
        failed=$((failed + 1))
    else
        echo "ok $n - $1"
    fi
}

for f in good/*.model; do
    name=${f%.model}
    (cd good && "$modelgen" check --dump --explain "$(basename "$f")") > "$tmp/out" 2>&1
    check "$f" "$name.dump" "$tmp/out" 0 $?
done
for f in bad/*.model; do
    name=${f%.model}
    (cd bad && NO_COLOR=1 "$modelgen" check "$(basename "$f")") > "$tmp/out" 2>&1
    check "$f" "$name.err" "$tmp/out" 1 $?
done
echo "1..$n"
[ "$failed" -eq 0 ]
