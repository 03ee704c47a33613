#!/usr/bin/env bash
# Rewrites the expected files of tests/diff/cases from the modelgen in BUILD_DIR:
#   tests/diff/update-golden.sh build
# then review `git diff tests/diff/cases` like code before committing it.
set -u
if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
here=$(dirname "$0")
bash "$here/golden.sh" "$1/gen/modelgen" "$here" --update | grep -v '^ok' || true
