#!/usr/bin/env bash
# The manual pages: clean under mandoc -T lint and groff -z -wall, and modelgen(1)
# describing every command and every option that `modelgen help COMMAND` lists. TAP.
#   lint.sh MODELGEN MAN_DIR
set -u
modelgen=$(realpath "$1")
dir=$(realpath "$2")
pages=(modelgen.1 modelgen.model.5 modelgen.3)
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1))
    echo "not ok $n - $1"
    sed 's/^/#   /' "$tmp/out" | head -20
    failed=$((failed + 1))
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

for page in "${pages[@]}"; do
    if ! command -v mandoc > /dev/null; then
        skip "$page: mandoc -T lint" "mandoc is not installed"
    else
        # Until they are installed, the pages cannot find each other in the system's
        # manual; and the system's own database may be stale. Neither is the page's fault.
        mandoc -T lint "$dir/$page" 2>&1 |
            grep -v -e 'referenced manual not found: Xr modelgen' -e 'outdated mandoc.db' > "$tmp/out"
        if [ -s "$tmp/out" ]; then not_ok "$page: mandoc -T lint"; else ok "$page: mandoc -T lint"; fi
    fi
    if ! command -v groff > /dev/null; then
        skip "$page: groff -z -wall" "groff is not installed"
    else
        groff -z -wall -mandoc "$dir/$page" > "$tmp/out" 2>&1
        if [ -s "$tmp/out" ]; then not_ok "$page: groff -z -wall"; else ok "$page: groff -z -wall"; fi
    fi
done

# every command, and every option its help lists, in modelgen(1) (as mdoc writes them:
# .Cm check, Fl \-explain, Fl o)
"$modelgen" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' > "$tmp/commands"
[ -s "$tmp/commands" ] || echo "no commands in 'modelgen help'" > "$tmp/out"
while read -r command; do
    : > "$tmp/out"
    [ "$command" = generate ] || grep -q "^\.Cm $command\$" "$dir/modelgen.1" ||
        echo "modelgen.1 has no '.Cm $command'" >> "$tmp/out"
    "$modelgen" help "$command" | sed -n '/^Options:/,/^$/p' |
        grep -o '^  -[-a-z]*\(, --[-a-z]*\)\?' | tr -d ',' | tr ' ' '\n' | grep . |
        while read -r option; do
            [ "$option" = -h ] || [ "$option" = --help ] && continue
            mdoc="Fl $(printf '%s' "${option#-}" | sed 's/-/\\-/g')"
            grep -q -F -- "$mdoc" "$dir/modelgen.1" || echo "modelgen.1 lacks '$mdoc' ($command $option)"
        done >> "$tmp/out"
    if [ -s "$tmp/out" ]; then not_ok "modelgen.1 describes $command and its options"
    else ok "modelgen.1 describes $command and its options"; fi
done < "$tmp/commands"

: > "$tmp/out"
for want in '^\.Sh EXIT STATUS$' '^\.Sh EXAMPLES$' 'Ev MODELGEN_THREADS$'; do
    grep -q "$want" "$dir/modelgen.1" || echo "modelgen.1 lacks $want" >> "$tmp/out"
done
if [ -s "$tmp/out" ]; then not_ok "modelgen.1 has exit statuses, examples, the environment"
else ok "modelgen.1 has exit statuses, examples, the environment"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
