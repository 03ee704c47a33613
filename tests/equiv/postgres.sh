# shellcheck shell=bash disable=SC2034
# The PostgreSQL side of the equivalence tests (sourced by run.sh), on the server
# tests/pg/with-postgres.sh started (PGHOST, PGPORT, PGUSER set).
#
# A "database" here is a schema of one scratch database: creating a PostgreSQL database
# costs a checkpoint-sized pause, a schema nothing. Every session runs with its
# search_path set to that schema only, so the migration's unqualified names land there
# and the catalog prints them unqualified. A handle is the schema's name. Each handle
# keeps its recipe, the SQL files applied to it, so a copy is a replay.

eng_dialect=postgres
eng_name=PostgreSQL

# psql itself, not Debian's Perl wrapper in PATH (a quarter of a second per call)
psql_bin=
for d in ${MODELGEN_PG_BINDIR:-} $(ls -d /usr/lib/postgresql/*/bin /usr/pgsql-*/bin 2> /dev/null | sort -Vr); do
    [ -x "$d/psql" ] && { psql_bin=$d/psql; break; }
done
[ -n "$psql_bin" ] || psql_bin=$(command -v psql)

# pq SCHEMA ARGS...: psql in that schema, unaligned, tuples only, stopping at errors
pq() {
    local s=$1
    shift
    PGOPTIONS="-c search_path=$s -c client_min_messages=warning" "$psql_bin" -X -q -At -v ON_ERROR_STOP=1 "$@"
}

# A session per job for the queries that only read (catalogs, rows): a new connection costs
# ~50 ms, a query in an open one next to nothing. pgs SCHEMA SEP < SQL runs SQL in the job's
# session with search_path = SCHEMA and field separator SEP; the output goes through a file
# (\o), and an \echo marks its end. Errors are appended to the output and make it fail.
# Migrations and fills do not go through it: each runs in a fresh session, as in real life.
eng_job_start() {
    local d=$work/pgs.$BASHPID
    mkfifo "$d.in" "$d.out"
    PGOPTIONS="-c client_min_messages=warning" "$psql_bin" -X -q -At -v ON_ERROR_STOP=0 \
        < "$d.in" > "$d.out" 2> "$d.err" &
    pgs_pid=$!
    exec 8> "$d.in" 9< "$d.out"
    pgs_base=$d
    pgs_n=0
}
eng_job_end() {
    [ -n "${pgs_pid:-}" ] || return 0
    exec 8>&- 9<&-
    wait "$pgs_pid" 2> /dev/null
    rm -f "$pgs_base".*
    pgs_pid=
}
pgs() {
    local s=$1 sep=$2 line e0 e1
    if [ -z "${pgs_pid:-}" ] || ! kill -0 "$pgs_pid" 2> /dev/null; then
        printf -v sep '%b' "$sep"
        pq "$s" -F "$sep" -P 'null=<NULL>' 2>&1   # no session: a connection of its own
        return
    fi
    pgs_n=$((pgs_n + 1))
    e0=$(stat -c %s "$pgs_base.err")
    {
        echo "SET search_path = $s;"
        echo "\\pset fieldsep '$sep'"
        echo "\\pset null '<NULL>'"
        echo "\\o $pgs_base.res"
        cat
        echo
        echo "\\o"
        echo "\\echo __pgs_end_${pgs_n}__"
    } >&8
    while IFS= read -r line <&9; do
        [ "$line" = "__pgs_end_${pgs_n}__" ] && break
    done
    cat "$pgs_base.res"
    e1=$(stat -c %s "$pgs_base.err")
    if [ "$e1" != "$e0" ]; then
        tail -c "+$((e0 + 1))" "$pgs_base.err"
        return 1
    fi
}

eng_init() {
    if [ -z "${PGPORT:-}" ] || [ -z "$psql_bin" ]; then
        echo "Bail out! no PostgreSQL server or psql: run through tests/pg/with-postgres.sh"
        exit 1
    fi
    local db=equiv_$$
    if ! pq public -d postgres -c "CREATE DATABASE $db" > /dev/null; then
        echo "Bail out! cannot create a database on PostgreSQL at $PGHOST:$PGPORT"
        exit 1
    fi
    export PGDATABASE=$db
}
# The scratch database goes, unless the whole server does (with-postgres.sh sets
# MODELGEN_PG_LOG): dropping a thousand schemas' files takes longer than the tests.
eng_cleanup() {
    [ -n "${MODELGEN_PG_LOG:-}" ] && return
    pq public -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE WITH (FORCE)" > /dev/null
}

handle() { local s=eq_$1; echo "${s//[^a-z0-9_]/_}"; }
# Handles are made lazily: eng_new and eng_copy only write the SQL that makes them
# ($s.pending: create the schema, replay the source's recipe), and the first session that
# uses the handle (eng_exec, eng_cut) runs it first. A connection costs ~50 ms; this saves
# one per database. Schemas are not dropped one by one: the scratch database goes at the end.
eng_new() {
    local s
    s=$(handle "$1")
    : > "$work/$s.recipe"
    echo "DROP SCHEMA IF EXISTS $s CASCADE; CREATE SCHEMA $s;" > "$work/$s.pending"
    echo "$s"
}
eng_drop() { rm -f "$work/$1".*; }
# eng_copy SRC NAME: a new schema where SRC's recipe is replayed.
eng_copy() {
    local s f
    s=$(eng_new "$2")
    cp "$work/$1.recipe" "$work/$s.recipe"
    while read -r f; do cat "$f"; echo; done < "$work/$s.recipe" >> "$work/$s.pending"
    echo "$s"
}
pending() {   # the -f options that run what SCHEMA still waits for
    [ -e "$work/$1.pending" ] && echo "-f $work/$1.pending"
}

# eng_exec SCHEMA FILE: runs FILE, stopping at the first error; remembers it in the recipe.
eng_exec() {
    # shellcheck disable=SC2046
    pq "$1" $(pending "$1") -f "$2" > "$work/$1.out" 2> "$work/$1.err" || return 1
    rm -f "$work/$1.pending"
    echo "$2" >> "$work/$1.recipe"
}
eng_error() { cat "$work/$1.err"; }

rels="n.nspname = current_schema() AND c.relname <> 'modelgen_migrations'"

eng_catalog() {
    local out
    # a failed query must not pass for an empty catalog
    out=$(pgs "$1" '|' <<EOF
SELECT 'table ' || c.relname || ' | kind=' || c.relkind::text || ' | persistence=' || c.relpersistence::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $rels AND c.relkind IN ('r', 'p', 'f');
SELECT 'column ' || c.relname || ' ' || a.attname || ' | type=' || format_type(a.atttypid, a.atttypmod)
       || ' | notnull=' || a.attnotnull || ' | default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
       || ' | identity=' || a.attidentity::text || ' | generated=' || a.attgenerated::text
       || CASE WHEN a.attcollation <> t.typcollation THEN ' | collation=' || a.attcollation::regcollation::text ELSE '' END
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE $rels AND c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped;
SELECT '~colorder ' || c.relname || ' ' || string_agg(a.attname, ',' ORDER BY a.attnum)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $rels AND c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
 GROUP BY c.relname;
SELECT 'constraint ' || c.relname || ' ' || co.conname || ' | ' || co.contype::text || ' | '
       || pg_get_constraintdef(co.oid) || ' | deferrable=' || co.condeferrable
       || ' deferred=' || co.condeferred || ' validated=' || co.convalidated
  FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $rels;
SELECT 'index ' || c.relname || ' ' || ic.relname || ' | '
       || replace(pg_get_indexdef(x.indexrelid), ' ON ' || quote_ident(current_schema()) || '.', ' ON ')
       || CASE WHEN x.indisvalid THEN '' ELSE ' | INVALID' END
  FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class ic ON ic.oid = x.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $rels;
SELECT '~sequence ' || c.relname || ' | owned by ' || coalesce(t.relname || '.' || a.attname, '-')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  LEFT JOIN pg_class t ON t.oid = d.refobjid
  LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
 WHERE n.nspname = current_schema() AND c.relkind = 'S' AND coalesce(t.relname, '') <> 'modelgen_migrations';
SELECT 'trigger ' || c.relname || ' ' || tg.tgname || ' | '
       || replace(pg_get_triggerdef(tg.oid), quote_ident(current_schema()) || '.', '')
  FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $rels AND NOT tg.tgisinternal;
SELECT 'view ' || c.relname || ' | ' || regexp_replace(pg_get_viewdef(c.oid), '\s+', ' ', 'g')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $rels AND c.relkind IN ('v', 'm');
SELECT 'type ' || t.typname || ' | ' || t.typtype::text || ' | '
       || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
                    WHERE e.enumtypid = t.oid), format_type(t.typbasetype, t.typtypmod))
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd');
SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema();
EOF
) || out="!catalog query failed: $out"
    echo "$out" | LC_ALL=C sort
}

# The statements that fill SCHEMA: rows 1..3 of every table (or BULK rows of TABLE), in
# an order that satisfies the keys checked at once (tsort over the non-deferrable ones).
eng_fill_sql() {   # SCHEMA [BULK TABLE]
    local cat=$work/$1.fillcat
    pgs "$1" '\t' > "$cat" <<EOF
SELECT 'C', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, (a.attidentity <> '' OR a.attnum = ANY (coalesce(pk.conkey, '{}')))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
 WHERE $rels AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
 ORDER BY c.relname, a.attnum;
SELECT 'K', c.relname, a.attname, pg_get_constraintdef(co.oid)
  FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = co.conkey[1]
 WHERE $rels AND co.contype = 'c' AND cardinality(co.conkey) = 1;
SELECT 'E', c.relname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $rels AND c.relkind = 'r';
SELECT 'E', r.relname, c.relname FROM pg_constraint co
  JOIN pg_class c ON c.oid = co.conrelid JOIN pg_class r ON r.oid = co.confrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $rels AND co.contype = 'f' AND NOT co.condeferrable AND c.oid <> r.oid;
EOF
    {
        awk -F '\t' '
            $1 == "C" { print; next }
            $1 == "K" {   # CHECK (col = ANY (ARRAY[...])): the literals allowed
                s = ""; d = $4
                while (match(d, /'\''([^'\'']|'\'''\'')*'\''/)) {
                    s = s "\t" substr(d, RSTART, RLENGTH); d = substr(d, RSTART + RLENGTH)
                }
                if (s != "") print "I\t" $2 "\t" $3 s
            }' "$cat"
        awk -F '\t' '$1 == "E" { print $2, $3 }' "$cat" | tsort 2> /dev/null | sed 's/^/O\t/'
    } | awk -F '\t' -v dialect=postgres -v bulk="${2:-0}" -v only="${3:-}" -f "$dir/fill.awk"
}
eng_fill() {
    local f=$work/$1.fill${2:+-bulk}.sql
    { echo "BEGIN;"; echo "SET CONSTRAINTS ALL DEFERRED;"; eng_fill_sql "$1" "${2:-0}" "${3:-}"; echo "COMMIT;"; } > "$f"
    eng_exec "$1" "$f"
}

eng_tables() {
    pgs "$1" '|' <<< "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE $rels AND c.relkind = 'r' ORDER BY 1;"
}
# eng_rowsets SCHEMA < SPEC: for each spec line "HEADER<TAB>TABLE<TAB>COL COL...", prints
# "HEADER: N rows" and the rows (those columns, ordered by id).
eng_rowsets() {
    awk -F '\t' '{
        n = split($3, c, " "); cols = ""
        for (i = 1; i <= n; i++) cols = cols (i > 1 ? ", " : "") "\"" c[i] "\""
        print "SELECT '\''" $1 ": '\'' || count(*) || '\'' rows'\'' FROM \"" $2 "\";"
        print "SELECT " cols " FROM \"" $2 "\" ORDER BY \"id\";"
    }' | pgs "$1" '|'
}
eng_dump() {
    pgs "$1" '|' <<EOF
SELECT format('SELECT %L', '== ' || c.relname), format('SELECT * FROM %I ORDER BY id', c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $rels AND c.relkind = 'r' ORDER BY c.relname \gexec
EOF
}

# eng_state SCHEMA: all an interrupted migration must leave as it was: the catalog's facts
# and every row.
eng_state() { eng_catalog "$1" | grep -v '^~'; echo "==="; eng_dump "$1"; }

# PostgreSQL enforces its constraints; what could be left wrong, a constraint NOT VALID or
# an invalid index, shows in the catalog (validated=, INVALID).
eng_integrity() { :; }


# Waits until backend PID has gone (its transaction rolled back, its locks released).
wait_backend_gone() {
    local n
    for ((n = 0; n < 500; n++)); do
        [ "$(pgs public '|' <<< "SELECT count(*) FROM pg_stat_activity WHERE pid = $1;")" = 0 ] && return 0
        sleep 0.02
    done
    return 1
}

# eng_cut SCHEMA STMTDIR K [terminate|kill]: runs statements 1..K of a split migration in
# psql, waits until they are done, then ends the session with its transaction open: by
# pg_terminate_backend from another session (default) or by SIGKILL to psql.
eng_cut() {
    local s=$1 sd=$2 k=$3 how=${4:-terminate} i pid mark=$work/$1.mark fifo=$work/$1.fifo ok=1 n bpid
    rm -f "$mark" "$mark.tmp" "$fifo"
    mkfifo "$fifo"
    pq "$s" < "$fifo" > "$work/$s.out" 2> "$work/$s.err" &
    pid=$!
    exec 7> "$fifo"
    # (the shell stops reading at its first error: writing on must not kill us with SIGPIPE)
    (
        trap '' PIPE
        {
            [ -e "$work/$s.pending" ] && cat "$work/$s.pending"
            for ((i = 1; i <= k; i++)); do cat "$sd/stmt.$i"; done
            echo
            echo "SELECT pg_backend_pid() \\g '$mark.tmp'"
            echo "\\! mv '$mark.tmp' '$mark'"
        } >&7
    ) 2> /dev/null
    for ((n = 0; n < 1000; n++)); do
        [ -s "$mark" ] && { ok=0; break; }
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.01
    done
    bpid=$(cat "$mark" 2> /dev/null)
    if [ "$how" = kill ]; then
        kill -9 "$pid" 2> /dev/null
    elif [ -n "$bpid" ]; then
        pgs public '|' <<< "SELECT pg_terminate_backend($bpid);" > /dev/null
    fi
    exec 7>&-
    wait "$pid" 2> /dev/null
    [ -n "$bpid" ] && wait_backend_gone "$bpid"
    rm -f "$fifo" "$mark" "$mark.tmp"
    [ "$ok" = 0 ] && rm -f "$work/$s.pending"   # it ran, and committed, before the cut
    return $ok
}

# eng_timed_kill SCHEMA FILE: runs the whole migration and terminates its backend once the
# transaction has written something (it has an xid) and is busy. Prints "killed" or
# "finished".
eng_timed_kill() {
    local s=$1 pid n rc bpid='' app=equiv-timed-$$
    # shellcheck disable=SC2046
    PGAPPNAME=$app pq "$s" $(pending "$s") -f "$2" > "$work/$s.out" 2> "$work/$s.err" &
    pid=$!
    for ((n = 0; n < 1000; n++)); do
        bpid=$(pgs public '|' <<< "SELECT pid FROM pg_stat_activity WHERE application_name = '$app'
            AND backend_xid IS NOT NULL AND state = 'active';")
        [ -n "$bpid" ] && break
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.01
    done
    if [ -n "$bpid" ]; then
        sleep 0.05
        pgs public '|' <<< "SELECT pg_terminate_backend($bpid);" > /dev/null
    fi
    wait "$pid"
    rc=$?
    [ -n "$bpid" ] && wait_backend_gone "$bpid"
    if [ -n "$bpid" ] && [ "$rc" != 0 ]; then echo killed; else echo "finished (status $rc)"; fi
}
