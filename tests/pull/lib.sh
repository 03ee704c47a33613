# shellcheck shell=bash
# TAP output and helpers for the scripts in this directory (source it); the plan comes last.
tap_n=0
tap_failed=0

pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
fail() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
# Standard input as TAP comments, for what a failure has to show.
diag() { sed 's/^/#   /' | head -n "${1:-80}"; }
tap_done() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
}
