#!/usr/bin/env bash
# Proof by equivalence (issue 6): for every change kind and for a random sequence of
# changes, a database made from OLD and filled with rows, migrated by `modelgen diff OLD
# NEW`, must have the catalog of a fresh database made from NEW and keep its rows; and a
# migration killed half-way must leave the database at OLD, intact. Prints TAP. See
# README.md.
#
#   run.sh sqlite|postgres MODELGEN DIR [PATTERN...]
#
# DIR is tests/equiv. PATTERNs (shell globs) select scenarios by name: pair names
# (pairs/NAME.old.model + pairs/NAME.new.model), same-NAME (the diff of NEW with itself),
# random-NN (the random sequence's steps) and timed (a migration killed while it rewrites a
# big table). PostgreSQL runs inside tests/pg/with-postgres.sh. Environment:
#   EQUIV_SEED, EQUIV_STEPS   the random sequence (default seed 28, 60 steps: every kind)
#   EQUIV_MUTANTS=0|pairs|all the mutants (sabotaged migrations the checks must catch):
#                             none; for the pairs (default); every mutant for every
#                             pair and random step
#   EQUIV_JOBS                scenarios run at once (default: the number of CPUs, at least 2)
#   EQUIV_BULK                rows for the timed interruption (default 200000)
#   EQUIV_DIFF                a command run instead of `MODELGEN diff` (same arguments),
#                             e.g. "bash tests/equiv/sabotage.sh no-index MODELGEN"
#   EQUIV_KEEP=1              keep the work directory (its path is printed)
#
# Pair annotations, comments in NEW:
#   # equiv: destructive        the diff must refuse it (exit 1, naming the line in NEW or
#                               OLD) unless --allow-data-loss is given
#   # equiv: volatile T.C       values of column C of (NEW's) table T may change
#   # equiv: lossy T            rows of (OLD's) table T may be lost
set -u
engine=$1
modelgen=$(realpath "$2")
dir=$(realpath "$3")
shift 3
patterns=("$@")
[ ${#patterns[@]} -eq 0 ] && patterns=('*')

# shellcheck source=/dev/null
. "$dir/$engine.sh"
eng_init

work=$(mktemp -d "${TMPDIR:-/tmp}/equiv-$engine.XXXXXX")
cleanup() {
    if [ "${EQUIV_KEEP:-0}" = 1 ]; then echo "# kept $work"; return; fi
    eng_cleanup
    rm -rf "$work"
}
trap cleanup EXIT

# Scenarios run in parallel jobs, each writing unnumbered TAP lines to its own file; the
# main process prints them in order, numbered (collate).
pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; }
diag() { sed 's/^/#   /' | head -n "${1:-60}"; }
check() { if [ "$1" = 0 ]; then pass "$2"; else fail "$2"; fi; }   # check STATUS NAME

diff_cmd() {
    if [ -n "${EQUIV_DIFF:-}" ]; then $EQUIV_DIFF "$@"; else "$modelgen" diff "$@"; fi
}

selected() {
    local p
    for p in "${patterns[@]}"; do
        # shellcheck disable=SC2053
        [[ $1 == $p ]] && return 0
    done
    return 1
}

# The catalog without its notes, and the notes.
facts() { grep -v '^~' "$1"; }
notes() { grep '^~' "$1"; }

# map OLD.dump NEW.dump: which table and column of OLD each one of NEW continues
# (same model or field name, or its `was`):  T OLDTABLE NEWTABLE / C NEWTABLE NEWCOL OLDTABLE OLDCOL
map_renames() {
    awk '
        function was(    i) { for (i = 1; i < NF; i++) if ($i == "was") return $(i + 1); return "" }
        function column(    i) { for (i = 1; i < NF; i++) if ($i == "column") return $(i + 1); return "" }
        FNR == 1 { file++ }
        file == 1 && $1 == "model" { cur = $2; otab[cur] = $4; next }
        file == 1 && $1 == "field" { ocol[cur, $2] = $2; next }
        file == 1 && $1 == "belongs_to" { a = $2; sub(/:$/, "", a); ocol[cur, a] = column(); next }
        file == 2 && $1 == "model" {
            src = was(); if (src == "") src = $2
            ntab = $4
            if (src in otab) { print "T " otab[src] " " ntab; print "C " ntab " id " otab[src] " id"; cur = src }
            else cur = ""
            next
        }
        file == 2 && cur != "" && $1 == "field" {
            src = was(); if (src == "") src = $2
            if ((cur, src) in ocol) print "C " ntab " " $2 " " otab[cur] " " ocol[cur, src]
            next
        }
        file == 2 && cur != "" && $1 == "belongs_to" {
            src = was(); if (src == "") { src = $2; sub(/:$/, "", src) }
            if ((cur, src) in ocol) print "C " ntab " " column() " " otab[cur] " " ocol[cur, src]
            next
        }
    ' "$1" "$2"
}


# snapshot DB SIDE OUT: row counts, and the values of the columns that must survive, of
# each table followed ($sc/map.tables, $sc/map.cols), under OLD's names (SIDE old) or NEW's.
snapshot() {
    local db=$1 side=$2 out=$3
    awk -v side="$side" '
        FNR == 1 { file++ }
        file == 1 { key = $2; cols[key] = cols[key] " " (side == "old" ? $5 : $3); next }
        { print "== " $2 " -> " $3 "\t" (side == "old" ? $2 : $3) "\t" cols[$3] }
    ' "$sc/map.cols" "$sc/map.tables" | eng_rowsets "$db" > "$out"
}

# cutpoints N: which prefixes of a migration whose last COMMIT is statement N to interrupt.
# Pairs: on SQLite every one up to 5, else 5 spread from the first to the last; on
# PostgreSQL the middle and the last. Random steps: the middle.
cutpoints() {
    local n=$1 k
    [ "$n" -le 1 ] && return
    if [ "$kind" = random ]; then
        echo $((n / 2))
    elif [ "$engine" = sqlite ]; then
        if [ "$n" -le 6 ]; then seq 1 $((n - 1)); return; fi
        for k in 1 2 3 4 5; do echo $((1 + (n - 2) * (k - 1) / 4)); done | sort -nu
    else
        { echo $((n / 2)); echo $((n - 1)); } | sort -nu
    fi
}

# Applies SQL to a copy of the filled OLD database; runs every check of the migration and
# prints the failures (empty: all good). Used for the mutants.
try_migration() {   # NAME SQLFILE
    local db problems=""
    db=$(eng_copy "$filled" "$1") || { echo "cannot copy the database"; return; }
    if ! eng_exec "$db" "$2"; then
        problems+="migration fails; "
    else
        eng_catalog "$db" > "$work/$1.cat"
        facts "$work/$1.cat" | cmp -s - <(facts "$sc/new.cat") || problems+="catalog differs; "
        [ -z "$(eng_integrity "$db")" ] || problems+="integrity; "
        snapshot "$db" new "$work/$1.rows"
        grep '^==' "$sc/before.rows" | cmp -s - <(grep '^==' "$work/$1.rows") || problems+="row counts; "
        cmp -s "$sc/before.rows" "$work/$1.rows" || problems+="values; "
    fi
    eng_drop "$db"
    echo "$problems"
}

# Statement helpers over a split migration ($sc/stmts/stmt.N, heads in $sc/heads).
last_commit() { awk -F '\t' '$2 == "commit" || $2 == "end" { n = $1 } END { print n + 0 }' "$1"; }
# ddl_statements HEADS STMTDIR: the schema statements, but for those on the migration's own
# temporary tables (for its checks), which change nothing that lasts
ddl_statements() {
    awk -F '\t' '$2 ~ /^(create|alter|drop) / && $2 != "create temp" { print $1 }' "$1" |
        while read -r k; do grep -qE 'mg_(failed|guard|doomed)' "$2/stmt.$k" || echo "$k"; done
}
join_stmts() {   # DIR OUT EXCLUDE-LIST [INSERT-BEFORE INSERT-TEXT]
    local d=$1 out=$2 ex=" $3 " before=${4:-0} text=${5:-} i n
    n=$(find "$d" -name 'stmt.*' | wc -l)
    : > "$out"
    for ((i = 1; i <= n; i++)); do
        [ "$i" = "$before" ] && printf '\n%s\n' "$text" >> "$out"
        [[ $ex == *" $i "* ]] || cat "$d/stmt.$i" >> "$out"
    done
    echo >> "$out"
}

# ------------------------------------------------------------------- scenario --
scenario() {   # NAME OLD.model NEW.model [pair|random]
    local name=$1 old=$2 new=$3 kind=${4:-pair} what="$eng_name $1"
    local destructive=0 rc allow='' db problems k ncommit head baseline=0
    sc=$work/$name
    mkdir -p "$sc"
    grep -q '^# equiv: destructive' "$new" && destructive=1

    # the schemas from empty, the dumps that say what was renamed
    if ! "$modelgen" "$old" -o "$sc/old" --name schema 2> "$sc/gen.err" ||
       ! "$modelgen" "$new" -o "$sc/new" --name schema 2>> "$sc/gen.err"; then
        fail "$what: OLD and NEW generate"
        diag < "$sc/gen.err"
        return
    fi
    "$modelgen" check --dump "$old" > "$sc/old.dump" 2> /dev/null
    "$modelgen" check --dump "$new" > "$sc/new.dump" 2> /dev/null
    map_renames "$sc/old.dump" "$sc/new.dump" > "$sc/map"

    # the diff: refused without --allow-data-loss exactly when destructive
    diff_cmd "$old" "$new" --dialect "$eng_dialect" > "$sc/diff.sql" 2> "$sc/diff.err"
    rc=$?
    if [ "$destructive" = 1 ]; then
        # a dropped model or field is named at its line in OLD: it has none in NEW
        if [ "$rc" = 1 ] && grep -q -e "$(basename "$new"):[0-9]" -e "$(basename "$old"):[0-9]" "$sc/diff.err"; then
            pass "$what: diff refuses the destructive change without --allow-data-loss, naming its line"
        else
            fail "$what: diff refuses the destructive change without --allow-data-loss, naming its line (exit $rc)"
            diag 10 < "$sc/diff.err"
        fi
        allow=--allow-data-loss
        diff_cmd "$old" "$new" --dialect "$eng_dialect" --allow-data-loss > "$sc/diff.sql" 2> "$sc/diff.err"
        rc=$?
    fi
    if [ "$rc" != 0 ] && [ "$destructive" = 0 ] && [ "$rc" = 1 ]; then
        fail "$what: diff accepts the change without --allow-data-loss (exit 1)"
        diag 10 < "$sc/diff.err"
        allow=--allow-data-loss
        diff_cmd "$old" "$new" --dialect "$eng_dialect" --allow-data-loss > "$sc/diff.sql" 2> "$sc/diff.err"
        rc=$?
    fi
    if [ "$rc" != 0 ]; then
        fail "$what: diff${allow:+ --allow-data-loss} exits 0 (exit $rc)"
        diag 10 < "$sc/diff.err"
        return
    fi
    pass "$what: diff${allow:+ --allow-data-loss} exits 0"
    mkdir -p "$sc/stmts"
    awk -v mode=split -v dir="$sc/stmts" -f "$dir/sqlparse.awk" "$sc/diff.sql" > "$sc/heads"

    # fresh databases from OLD and NEW; their catalogs must differ (else the normalizer is
    # blind). OLD's is then filled with rows and kept as the template of every run below.
    filled=$(eng_new "${name}_filled") && eng_exec "$filled" "$sc/old/schema.$eng_dialect.sql" ||
        { fail "$what: OLD's schema applies"; eng_error "$filled" | diag; return; }
    eng_catalog "$filled" > "$sc/old.cat"
    db=$(eng_new "${name}_new") && eng_exec "$db" "$sc/new/schema.$eng_dialect.sql" ||
        { fail "$what: NEW's schema applies"; eng_error "$db" | diag; return; }
    eng_catalog "$db" > "$sc/new.cat"
    eng_drop "$db"
    if cmp -s <(facts "$sc/old.cat") <(facts "$sc/new.cat"); then
        fail "$what: the catalogs of fresh OLD and fresh NEW differ (the normalizer sees the change)"
    else
        pass "$what: the catalogs of fresh OLD and fresh NEW differ (the normalizer sees the change)"
    fi
    eng_fill "$filled" || { fail "$what: OLD filled with rows"; eng_error "$filled" | diag; return; }
    eng_state "$filled" > "$sc/before.state"

    # the columns whose values must survive: shared, same type, not declared volatile; the
    # tables followed: all but those declared lossy
    awk '
        FNR == 1 { file++ }
        file <= 2 && $1 == "column" {   # the type: what follows the name, up to the default
            t = $0; sub(/^[^|]*\| /, "", t); sub(/ \| default=.*/, "", t)
            type[file, $2, $3] = t
            next
        }
        file == 3 && /^# equiv: volatile / { volatile[$4] = 1; next }
        file == 3 && /^# equiv: lossy / { lossy[$4] = 1; next }
        file == 4 && $1 == "C" && type[1, $4, $5] == type[2, $2, $3] && !(($2 "." $3) in volatile) {
            print > cols
        }
        file == 4 && $1 == "T" && !($2 in lossy) { print > tables }
    ' cols="$sc/map.cols" tables="$sc/map.tables" "$sc/old.cat" "$sc/new.cat" "$new" "$sc/map"
    snapshot "$filled" old "$sc/before.rows"

    # the migration
    db=$(eng_copy "$filled" "${name}_mig")
    if eng_exec "$db" "$sc/diff.sql"; then
        pass "$what: the migration applies to a filled OLD database"
        baseline=1
        eng_catalog "$db" > "$sc/mig.cat"
        if cmp -s <(facts "$sc/mig.cat") <(facts "$sc/new.cat"); then
            pass "$what: the migrated catalog equals fresh NEW's"
        else
            fail "$what: the migrated catalog equals fresh NEW's"
            baseline=0
            diff -U0 <(facts "$sc/new.cat") <(facts "$sc/mig.cat") | grep '^[-+][^-+]' |
                sed 's/^-/fresh NEW: /; s/^+/migrated:  /' | diag
        fi
        if ! cmp -s <(notes "$sc/mig.cat") <(notes "$sc/new.cat"); then
            echo "# note: $what: differences that are not checked (column order, sequence names):"
            diff -U0 <(notes "$sc/new.cat") <(notes "$sc/mig.cat") | grep '^[-+][^-+]' |
                sed 's/^-/fresh NEW: /; s/^+/migrated:  /' | diag 8
        fi
        problems=$(eng_integrity "$db")
        if [ -z "$problems" ]; then pass "$what: the migrated database is sound (integrity, keys)"
        else fail "$what: the migrated database is sound (integrity, keys)"; echo "$problems" | diag; baseline=0; fi
        snapshot "$db" new "$sc/after.rows"
        if cmp -s <(grep '^==' "$sc/before.rows") <(grep '^==' "$sc/after.rows"); then
            pass "$what: no row lost ($(grep -c '^==' "$sc/before.rows") tables followed)"
        else
            fail "$what: no row lost"
            baseline=0
            diff <(grep '^==' "$sc/before.rows") <(grep '^==' "$sc/after.rows") | diag
        fi
        if cmp -s "$sc/before.rows" "$sc/after.rows"; then
            pass "$what: values of unchanged columns intact ($(wc -l < "$sc/map.cols") columns)"
        else
            fail "$what: values of unchanged columns intact"
            baseline=0
            diff "$sc/before.rows" "$sc/after.rows" | diag 20
        fi
    else
        fail "$what: the migration applies to a filled OLD database"
        eng_error "$db" | diag 10
        echo "#   migration:"
        grep -v '^\s*$' "$sc/diff.sql" | diag 40
    fi
    eng_drop "$db"

    # interrupted half-way: the database stays at OLD, rows and all
    ncommit=$(last_commit "$sc/heads")
    if [ "$ncommit" = 0 ]; then
        fail "$what: the migration is a transaction (no COMMIT found)"
    else
        local how=terminate hown=
        for k in $(cutpoints "$ncommit"); do
            [ "$engine" = postgres ] && hown=", $how"
            head=$(awk -F '\t' -v k="$k" '$1 == k { print $2 }' "$sc/heads")
            db=$(eng_copy "$filled" "${name}_cut$k")
            if ! eng_cut "$db" "$sc/stmts" "$k" $how; then
                fail "$what: killed after statement $k/$ncommit ($head$hown): statements 1..$k ran"
                eng_error "$db" | diag 10
            else
                eng_state "$db" > "$sc/cut.state"
                problems=
                if ! cmp -s "$sc/cut.state" "$sc/before.state"; then
                    problems="the database is not as it was; "
                    eng_catalog "$db" > "$sc/cut.cat"
                    cmp -s <(facts "$sc/cut.cat") <(facts "$sc/old.cat") || problems+="catalog is not OLD's; "
                fi
                if [ -z "$problems" ]; then
                    pass "$what: killed after statement $k/$ncommit ($head$hown): database still OLD, rows intact"
                else
                    fail "$what: killed after statement $k/$ncommit ($head$hown): $problems"
                    diff -U0 "$sc/before.state" "$sc/cut.state" | grep '^[-+][^-+]' | diag 10
                fi
            fi
            eng_drop "$db"
            [ "$engine" = postgres ] && how='kill'
        done
    fi

    if [ "${EQUIV_MUTANTS:-pairs}" = 0 ] || { [ "$kind" = random ] && [ "${EQUIV_MUTANTS:-pairs}" != all ]; }; then
        :
    elif [ "$baseline" = 1 ]; then
        mutants "$name" "$what"
    else
        skip "$what: mutants" "the migration itself fails its checks"
    fi
    eng_drop "$filled"
}

# --------------------------------------------------------------------- mutants --
# Sabotaged copies of the migration; each must be caught by the check named.
mutants() {
    local name=$1 what=$2 ncommit last out leaf_new col c k first db
    ncommit=$(last_commit "$sc/heads")
    [ "$ncommit" = 0 ] && return
    # 1. a schema statement left out: the last one whose removal still lets the migration run
    # (removing one that the rest depends on is caught by the run itself); statements on
    # temporary tables change nothing that lasts, so leaving them out is no mutant at all
    local temps cands
    temps=$(cat "$sc"/stmts/stmt.* | tr -s ' \t\n' '   ' |
        grep -oiE 'create temp(orary)? table( if not exists)? [^ (]+' | awk '{ print $NF }' | tr -d '"' | sort -u)
    cands=$(ddl_statements "$sc/heads" "$sc/stmts" | awk -v c="$ncommit" '$1 < c' | while read -r k; do
        [ "$(awk -F '\t' -v k="$k" '$1 == k { print $2 }' "$sc/heads")" = "create temp" ] && continue
        for t in $temps; do grep -qiw -- "$t" "$sc/stmts/stmt.$k" && continue 2; done
        echo "$k"
    done | sort -rn)
    out=
    for last in $(echo "$cands" | head -n 3); do
        join_stmts "$sc/stmts" "$sc/m1.sql" "$last"
        out=$(try_migration "${name}_m1_$last" "$sc/m1.sql")
        [ "$out" = "migration fails; " ] || break
    done
    if [ -n "$cands" ]; then
        check "$([ -n "$out" ]; echo $?)" "$what: mutant without statement $last ($(awk -F '\t' -v k="$last" '$1 == k { print $2 }' "$sc/heads")) is caught: ${out:-NOT CAUGHT}"
    fi
    # The other mutants sabotage what does not depend on the change: a quarter of the pairs
    # (chosen by a checksum of the name) is enough to show their checks can fail.
    [ $(($(printf '%s' "$name" | cksum | cut -d ' ' -f 1) % 4)) = 0 ] || [ "${EQUIV_MUTANTS:-}" = all ] || return 0
    # 2. a row deleted and 3. a value changed, just before COMMIT, in a table no key references
    # (a table NEW's keys do not reference: deleting one of its rows breaks no key)
    leaf_new=$(awk '
        FNR == 1 { file++ }
        file == 1 && /^fk / { sub(/.* -> /, ""); sub(/\(.*/, ""); gsub(/"/, ""); ref[$0] = 1 }
        file == 1 && /^constraint .* REFERENCES / { sub(/.* REFERENCES /, ""); sub(/\(.*/, ""); gsub(/"/, ""); ref[$0] = 1 }
        file == 2 && !($3 in ref) { print $3; exit }
    ' "$sc/new.cat" "$sc/map.tables")
    if [ -n "$leaf_new" ]; then
        join_stmts "$sc/stmts" "$sc/m2.sql" "" "$ncommit" "DELETE FROM \"$leaf_new\" WHERE \"id\" = 2;"
        out=$(try_migration "${name}_m2" "$sc/m2.sql")
        check "$([[ $out == *"row counts"* ]]; echo $?)" "$what: mutant deleting a row of $leaf_new is caught by the row count: ${out:-NOT CAUGHT}"
        col=
        for c in $(awk -v t="$leaf_new" '$1 == "C" && $2 == t && $3 != "id" { print $3 }' "$sc/map.cols"); do
            grep -F "column $leaf_new $c | " "$sc/new.cat" | grep -q 'notnull=\(0\|false\)' && { col=$c; break; }
        done
        if [ -n "$col" ]; then
            join_stmts "$sc/stmts" "$sc/m3.sql" "" "$ncommit" "UPDATE \"$leaf_new\" SET \"$col\" = NULL WHERE \"id\" = 1;"
        else
            col=id
            join_stmts "$sc/stmts" "$sc/m3.sql" "" "$ncommit" "UPDATE \"$leaf_new\" SET \"id\" = 103 WHERE \"id\" = 3;"
        fi
        out=$(try_migration "${name}_m3" "$sc/m3.sql")
        check "$([[ $out == "values; " ]]; echo $?)" "$what: mutant changing $leaf_new.$col is caught by the values: ${out:-NOT CAUGHT}"
    fi
    # 4. no transaction: killed after its first schema statement, the database is not OLD
    first=$(ddl_statements "$sc/heads" "$sc/stmts" | head -n 1)
    if [ -n "$first" ]; then
        mkdir -p "$sc/m4"
        awk -F '\t' '$2 == "begin" || $2 == "commit" || $2 == "end" { print $1 }' "$sc/heads" > "$sc/m4.ex"
        join_stmts "$sc/stmts" "$sc/m4.sql" "$(tr '\n' ' ' < "$sc/m4.ex")"
        awk -v mode=split -v dir="$sc/m4" -f "$dir/sqlparse.awk" "$sc/m4.sql" > "$sc/m4.heads"
        k=$(ddl_statements "$sc/m4.heads" "$sc/m4" | head -n 1)
        db=$(eng_copy "$filled" "${name}_m4")
        eng_cut "$db" "$sc/m4" "$k" > /dev/null
        ! cmp -s <(eng_state "$db") "$sc/before.state"
        check "$?" "$what: mutant without BEGIN/COMMIT, killed after its first schema statement, is caught by the interruption check"
        eng_drop "$db"
    fi
}

# ------------------------------------------------------------ timed interruption --
# A big table and a migration that rewrites it; killed while it runs.
timed() {   # NAME OLD NEW TABLE
    local name=$1 old=$2 new=$3 table=$4 what="$eng_name $1 (big table)" db r bulk=${EQUIV_BULK:-200000} allow=()
    sc=$work/$name
    mkdir -p "$sc"
    grep -q '^# equiv: destructive' "$new" && allow=(--allow-data-loss)
    "$modelgen" "$old" -o "$sc/old" --name schema 2> /dev/null
    if ! diff_cmd "$old" "$new" --dialect "$eng_dialect" "${allow[@]}" > "$sc/diff.sql" 2> /dev/null; then
        fail "$what: diff exits 0"
        return
    fi
    db=$(eng_new "${name}_big") && eng_exec "$db" "$sc/old/schema.$eng_dialect.sql" && eng_fill "$db" &&
        eng_fill "$db" "$bulk" "$table" ||
        { fail "$what: OLD filled with $bulk rows"; eng_error "$db" | diag; return; }
    eng_catalog "$db" > "$sc/before.cat"
    eng_state "$db" | md5sum > "$sc/before.sum"
    r=$(eng_timed_kill "$db" "$sc/diff.sql")
    if [ "$r" != killed ]; then
        skip "$what: killed while it runs" "the migration $r before it could be killed; raise EQUIV_BULK"
    else
        eng_catalog "$db" > "$sc/after.cat"
        if cmp -s "$sc/before.sum" <(eng_state "$db" | md5sum); then
            pass "$what: killed while it runs over $bulk rows: database still OLD, rows intact"
        else
            fail "$what: killed while it runs over $bulk rows: database still OLD, rows intact"
            diff -U0 <(facts "$sc/before.cat") <(facts "$sc/after.cat") | grep '^[-+][^-+]' | diag 10
        fi
    fi
    eng_drop "$db"
}

# ------------------------------------------------------------------------ main --
same_checks() {   # identical schemas: the diff has no statement but its transaction
    local f n extra
    for f in "$dir"/pairs/*.new.model; do
        n=$(basename "$f" .new.model)
        selected "same-$n" || continue
        sc=$work/same-$n
        mkdir -p "$sc/stmts"
        if diff_cmd "$f" "$f" --dialect "$eng_dialect" > "$sc/diff.sql" 2> "$sc/diff.err"; then
            awk -v mode=split -v dir="$sc/stmts" -f "$dir/sqlparse.awk" "$sc/diff.sql" > "$sc/heads"
            extra=$(awk -F '\t' '$2 != "begin" && $2 != "commit" && $2 != "end"' "$sc/heads")
            if [ -z "$extra" ]; then pass "$eng_name same-$n: diff of NEW against itself has no statement"
            else fail "$eng_name same-$n: diff of NEW against itself has no statement"; echo "$extra" | diag; fi
        else
            fail "$eng_name same-$n: diff of NEW against itself exits 0"
            diag 5 < "$sc/diff.err"
        fi
    done
}

random_step() {   # I
    local n
    n=$(printf 'random-%02d' "$1")
    echo "# $n ($(sed -n 's/^# kind: //p' "$work/random/v$1.model")): $(sed -n 's/^# step [0-9]*: //p' "$work/random/v$1.model")"
    if ! "$modelgen" check "$work/random/v$1.model" > /dev/null 2> "$work/random/v$1.err"; then
        fail "$eng_name $n: the generated schema is valid"
        diag 10 < "$work/random/v$1.err"
        return
    fi
    scenario "$n" "$work/random/v$(($1 - 1)).model" "$work/random/v$1.model" random
}

start=$SECONDS
echo "# $eng_name, work directory $work"
steps=${EQUIV_STEPS:-60}
mkdir -p "$work/random" "$work/out"
awk -v seed="${EQUIV_SEED:-28}" -v steps="$steps" -v dir="$work/random" -f "$dir/randgen.awk"

# the jobs, in the order of the report
jobs_list=("same_checks")
for f in "$dir"/pairs/*.old.model; do
    n=$(basename "$f" .old.model)
    selected "$n" && jobs_list+=("scenario $n $f $dir/pairs/$n.new.model")
done
for ((i = 1; i <= steps; i++)); do
    selected "$(printf 'random-%02d' "$i")" && jobs_list+=("random_step $i")
done
selected timed && jobs_list+=("timed timed $dir/pairs/field_retyped_int_text.old.model $dir/pairs/field_retyped_int_text.new.model items")

tap_n=0
tap_failed=0
next_out=0
collate() {   # prints the finished outputs that come next, numbered
    local line
    while [ -e "$work/out/$next_out.done" ]; do
        while IFS= read -r line; do
            case $line in
                "ok - "*) tap_n=$((tap_n + 1)); echo "ok $tap_n - ${line#ok - }" ;;
                "not ok - "*) tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - ${line#not ok - }" ;;
                *) echo "$line" ;;
            esac
        done < "$work/out/$next_out.tap"
        next_out=$((next_out + 1))
    done
}
njobs=${EQUIV_JOBS:-$(nproc 2> /dev/null || echo 2)}
[ "$njobs" -lt 2 ] && njobs=2
running=0
for ((j = 0; j < ${#jobs_list[@]}; j++)); do
    if [ "$running" -ge "$njobs" ]; then
        wait -n
        running=$((running - 1))
        collate
    fi
    # shellcheck disable=SC2086
    (
        t0=$SECONDS
        eng_job_start
        ${jobs_list[$j]} > "$work/out/$j.tap" 2> "$work/out/$j.err"
        eng_job_end
        echo "# (${jobs_list[$j]%% /*}: $((SECONDS - t0)) s)" >> "$work/out/$j.tap"
        touch "$work/out/$j.done"
    ) &
    running=$((running + 1))
done
wait
collate
while [ "$next_out" -lt ${#jobs_list[@]} ]; do   # a job that died without finishing
    echo "not ok - ${jobs_list[$next_out]%% /*}: the job died" > "$work/out/$next_out.tap.x"
    diag 10 < "$work/out/$next_out.err" >> "$work/out/$next_out.tap.x"
    cat "$work/out/$next_out.tap" "$work/out/$next_out.tap.x" > "$work/out/$next_out.tap.y" 2> /dev/null
    mv "$work/out/$next_out.tap.y" "$work/out/$next_out.tap"
    touch "$work/out/$next_out.done"
    collate
done

echo "# $eng_name: $tap_n checks, $tap_failed failed, $((SECONDS - start)) s"
echo "1..$tap_n"
[ "$tap_failed" -eq 0 ]
