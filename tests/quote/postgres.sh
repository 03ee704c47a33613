#!/usr/bin/env bash
# Runs the PostgreSQL checks of test_quote through psql, with standard_conforming_strings
# on and off, in a directory where an injected "\! touch pwned" would leave a file. TAP.
#   ../pg/with-postgres.sh --tap bash postgres.sh TEST_QUOTE
set -u
test_quote=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$test_quote" postgres > checks.sql
n=0 failed=0
for scs in on off; do
    PGOPTIONS="-c standard_conforming_strings=$scs -c client_min_messages=error" \
        psql -X -q -f checks.sql > out.txt 2> err.txt
    rc=$?
    while IFS= read -r line; do
        n=$((n + 1))
        case $line in
            "ok - "*) echo "ok $n - ${line#ok - } (standard_conforming_strings=$scs)" ;;
            *) failed=$((failed + 1)); echo "not ok $n - ${line#not ok - } (standard_conforming_strings=$scs)" ;;
        esac
    done < out.txt
    n=$((n + 1))
    if [ "$rc" = 0 ] && ! [ -s err.txt ] && ! [ -e pwned ]; then
        echo "ok $n - psql ran every check without an error or an injected command (standard_conforming_strings=$scs)"
    else
        failed=$((failed + 1))
        echo "not ok $n - psql ran every check without an error or an injected command (standard_conforming_strings=$scs)"
        sed 's/^/#   /' err.txt | head -20
    fi
done
echo "1..$n"
[ "$failed" = 0 ]
