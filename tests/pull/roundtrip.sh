#!/usr/bin/env bash
# modelgen pull, round trip: every schema of the test tree that checks clean becomes a
# database (its generated SQL applied to SQLite, or to the PostgreSQL server that
# tests/pg/with-postgres.sh started), is pulled back, and the pulled schema must check
# clean and generate the same SQL; and `modelgen diff --db` of the database against the
# schema it was made from finds nothing to do.
#
#   roundtrip.sh sqlite|postgres MODELGEN SOURCE_ROOT
#
# "The same SQL" is compared byte for byte after these rewrites, each for something the
# database does not record (see tests/pull/README.md):
#   - every engine: the reason in a "-- deferred: REASON" comment (a key deferred by
#     `constraint deferred` or chosen by the analyzer is the same key in the database);
#     the "-- C refers to T (id), but has no foreign key (constraint none)" comment of a
#     `constraint none` key whose column is not NAME_id or has no index of its own (a plain
#     integer column to the database);
#   - PostgreSQL: " DEFAULT NULL" (PostgreSQL keeps no default for it) and " ON DELETE NO
#     ACTION" / " ON UPDATE NO ACTION" (the same as writing nothing), and a real default's
#     spelling (PostgreSQL keeps 1e3 as the numeric 1000, and -0.0 as 0): reals are
#     compared as numbers;
#   - PostgreSQL: the case of names it folds (an unquoted table People is people), when
#     that is all that differs;
#   - SQLite databases are compared on their SQLite SQL only: SQLite keeps bool, timestamp
#     and int all as INTEGER, so the PostgreSQL types of a pull from SQLite are a guess.
set -u
engine=$1 modelgen=$2 root=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the schemas: every .model under tests/ and examples/ that checks without errors, but for
# tests/pull/foreign, which holds what pull makes of databases modelgen did not make (one
# has a column displayName, which modelgen's SQL does not quote: PostgreSQL folds it)
mapfile -t schemas < <(cd "$root" && find tests examples -name '*.model' -not -path 'tests/pull/foreign/*' |
    LC_ALL=C sort)
i=0
list=()
declare -A original_warnings
for s in "${schemas[@]}"; do
    out=$("$modelgen" check "$root/$s" 2>&1) || continue
    i=$((i + 1))
    list+=("$i:$s")
    original_warnings[$i]=$(grep -c ': warning: ' <<< "$out")
done

normalize() {
    local sql=$1 out=$2
    sed -E -e 's/^( *)-- deferred: .*/\1-- deferred: (reason)/' \
        -e '/^ *-- .* refers to .* \(id\), but has no foreign key \(constraint none\)$/d' "$sql" |
        if [ "$engine" = postgres ]; then
            sed -E -e 's/ DEFAULT NULL//' -e 's/ ON (DELETE|UPDATE) NO ACTION//g' |
                awk '/(REAL|double precision)( NOT NULL)? DEFAULT -?[0-9]/ {
                    i = index($0, "DEFAULT ") + 8; rest = substr($0, i)
                    match(rest, /^-?[0-9.eE+-]+/)
                    v = sprintf("%.17g", substr(rest, 1, RLENGTH) + 0); if (v == "-0") v = "0"
                    $0 = substr($0, 1, i - 1) v substr(rest, RLENGTH + 1) }
                    { print }'
        else
            cat
        fi > "$out"
}

# the databases
if [ "$engine" = sqlite ]; then
    for e in "${list[@]}"; do
        n=${e%%:*} s=${e#*:}
        d=$work/$n
        mkdir -p "$d"
        if ! "$modelgen" "$root/$s" -o "$d/orig" --name schema > /dev/null 2> "$d/gen.err"; then
            continue
        fi
        sqlite3 "$d/db.sqlite" < "$d/orig/schema.sqlite.sql" 2> "$d/apply.err"
    done
else
    {
        for e in "${list[@]}"; do
            n=${e%%:*} s=${e#*:}
            d=$work/$n
            mkdir -p "$d"
            "$modelgen" "$root/$s" -o "$d/orig" --name schema > /dev/null 2> "$d/gen.err" || continue
            echo "CREATE SCHEMA s$n; SET search_path = s$n;"
            cat "$d/orig/schema.postgres.sql"
        done
    } > "$work/all.sql"
    psql -X -q -v ON_ERROR_STOP=1 -f "$work/all.sql" > "$work/psql.out" 2>&1 ||
        { fail "PostgreSQL: the schemas' SQL applies"; diag < "$work/psql.out"; }
fi

warnings=0
for e in "${list[@]}"; do
    n=${e%%:*} s=${e#*:}
    d=$work/$n
    name="$engine: $s"
    if [ ! -f "$d/orig/schema.sqlite.sql" ]; then
        fail "$name: generated"
        diag < "$d/gen.err"
        continue
    fi
    if [ "$engine" = sqlite ]; then
        target=$d/db.sqlite
        if [ -s "$d/apply.err" ]; then
            fail "$name: SQLite applies the schema"
            diag < "$d/apply.err"
            continue
        fi
    else
        target="postgresql:///${PGDATABASE:-postgres}?options=-csearch_path%3Ds$n"
    fi
    # the same file name as the original, which the SQL's first line names
    pulled=$d/pulled/${s##*/}
    if ! "$modelgen" pull --db "$target" -o "$pulled" 2> "$d/pull.err"; then
        fail "$name: pulled"
        diag < "$d/pull.err"
        continue
    fi
    warnings=$((warnings + $(grep -c ': warning: ' "$d/pull.err")))
    if ! "$modelgen" check "$pulled" > /dev/null 2> "$d/check.err"; then
        fail "$name: the pulled schema checks"
        diag < "$d/check.err"
        diag < "$pulled"
        continue
    fi
    # as many warnings (a cycle of required keys) as the original
    ow=${original_warnings[$n]}
    pw=$(grep -c ': warning: ' "$d/check.err")
    if [ "$ow" != "$pw" ]; then
        fail "$name: the pulled schema checks with as many warnings ($pw, not $ow)"
        diag < "$d/check.err"
        continue
    fi
    "$modelgen" "$pulled" -o "$d/again" --name schema > /dev/null 2>&1
    ok=1
    for dialect in sqlite postgres; do
        [ "$engine" = sqlite ] && [ "$dialect" = postgres ] && continue
        normalize "$d/orig/schema.$dialect.sql" "$d/a.$dialect"
        normalize "$d/again/schema.$dialect.sql" "$d/b.$dialect"
        if cmp -s "$d/a.$dialect" "$d/b.$dialect"; then
            continue
        fi
        # PostgreSQL folds unquoted names (a table People is people): the same to it
        if [ "$engine" = postgres ] &&
            cmp -s <(tr '[:upper:]' '[:lower:]' < "$d/a.$dialect") \
                   <(tr '[:upper:]' '[:lower:]' < "$d/b.$dialect"); then
            echo "# $s: the same but for the case of names PostgreSQL folds" >> "$d/notes"
            continue
        fi
        ok=0
        diff -u "$d/a.$dialect" "$d/b.$dialect" > "$d/diff.$dialect"
    done
    # drift: the database against the schema it was made from is nothing to do
    if ! "$modelgen" diff --db "$target" "$root/$s" > "$d/drift.sql" 2> "$d/drift.err"; then
        ok=0
        { echo "diff --db against the original failed:"; cat "$d/drift.err" "$d/drift.sql"; } > "$d/diff.drift"
    elif ! grep -q '^-- Nothing to do' "$d/drift.sql"; then
        ok=0
        { echo "diff --db against the original is not nothing to do:"; cat "$d/drift.sql"; } > "$d/diff.drift"
    fi
    if [ $ok = 1 ]; then
        pass "$name"
        [ -f "$d/notes" ] && sort -u "$d/notes"
        grep ': warning: ' "$d/pull.err" | sed 's/^[^ ]*\( (schema [^)]*)\)\{0,1\}: warning: /warning: /' | diag
    else
        fail "$name: the pulled schema generates the same SQL"
        cat "$d"/diff.* | diag 60
        diag 40 < "$pulled"
    fi
done
echo "# ${#list[@]} schemas, $warnings warnings while pulling (see tests/pull/README.md)"
tap_done
