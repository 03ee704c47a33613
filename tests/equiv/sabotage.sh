#!/usr/bin/env bash
# Breaks `modelgen diff` on purpose, to see the equivalence checks fail:
#   EQUIV_DIFF="bash tests/equiv/sabotage.sh MODE MODELGEN" bash tests/equiv/run.sh ...
# MODE:
#   no-index        drops every CREATE INDEX                  -> catalog check
#   no-deferrable   drops DEFERRABLE INITIALLY DEFERRED        -> catalog check
#   no-copy         the rebuilds copy no row (INSERT ... SELECT ... WHERE 0)
#                                                              -> row count check
#   shift-values    the rebuilds copy the id + 1000            -> values check
#   no-transaction  drops BEGIN and COMMIT                     -> interruption check
mode=$1
modelgen=$2
shift 2
"$modelgen" diff "$@" > "${TMPDIR:-/tmp}/sabotage.$$" || { rc=$?; rm -f "${TMPDIR:-/tmp}/sabotage.$$"; exit $rc; }
case $mode in
    no-index) sed -E '/^CREATE (UNIQUE )?INDEX/d' ;;
    no-deferrable) sed -E 's/DEFERRABLE INITIALLY DEFERRED//; s/ALTER CONSTRAINT ([a-z_]+) *;/ALTER CONSTRAINT \1 NOT DEFERRABLE;/' ;;
    no-copy) sed -E 's/^FROM (mg_old_[a-z_]+);/FROM \1 WHERE 0;/' ;;
    shift-values) sed -E '/^INSERT INTO/,/^FROM/s/^SELECT id,/SELECT id + 1000,/' ;;
    no-transaction) sed -E '/^(BEGIN|COMMIT);$/d' ;;
    *) cat ;;
esac < "${TMPDIR:-/tmp}/sabotage.$$"
rm -f "${TMPDIR:-/tmp}/sabotage.$$"
