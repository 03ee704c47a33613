# shellcheck shell=bash disable=SC2034
# The SQLite side of the equivalence tests (sourced by run.sh): databases are files under
# $work, driven through the sqlite3 shell. A handle is the database's path.

eng_dialect=sqlite
eng_name=SQLite

eng_init() {
    if ! command -v sqlite3 > /dev/null; then
        echo "1..0 # SKIP the sqlite3 shell is not installed (Debian package sqlite3)"
        exit 0
    fi
}

# eng_new NAME: a new empty database; prints its handle.
eng_new() { rm -f "$work/$1.db" "$work/$1.db-journal"; echo "$work/$1.db"; }
eng_drop() { rm -f "$1" "$1-journal" "$1".*; }
eng_cleanup() { :; }
eng_job_start() { :; }
eng_job_end() { :; }
# eng_copy SRC NAME: a copy of SRC; prints its handle.
eng_copy() { cp "$1" "$work/$2.db"; echo "$work/$2.db"; }

# eng_exec H FILE: runs FILE with foreign keys on, stopping at the first error, as an
# application would (the migration turns them off itself if it needs to).
eng_exec() {
    { echo "PRAGMA foreign_keys = ON;"; cat "$2"; } |
        sqlite3 -bail -batch "$1" > "$1.out" 2> "$1.err"
}
eng_error() { cat "$1.err"; }

q1() { sqlite3 -bail -batch "$@"; }

# The tables, as "NAME<US>SQL" with the SQL's line breaks turned into <RS>.
eng_table_sql() {
    q1 -separator $'\037' "$1" "SELECT name, replace(replace(sql, char(13), ''), char(10), char(30))
        FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
        AND name <> 'modelgen_migrations' ORDER BY rowid"
}

tables_where="m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND m.name <> 'modelgen_migrations'"

# eng_catalog H: the normalized catalog, one fact a line, sorted. Lines starting with "~"
# are notes (column order), reported but not required to match. One sqlite3 run; each
# record is tagged for sqlparse.awk (mode=catalog): R a finished line, COL a column,
# SQL an index, trigger or view, TAB a table's CREATE statement.
eng_catalog() {
    local nl="replace(replace(%s, char(13), ''), char(10), char(30))" out
    # shellcheck disable=SC2059
    out=$(q1 -separator $'\037' "$1" 2>&1 "
        SELECT 'R', 'table ' || lower(m.name) FROM sqlite_master m WHERE $tables_where;
        SELECT 'COL', lower(m.name), lower(p.name), upper(p.type), p.\"notnull\",
                $(printf "$nl" "coalesce(p.dflt_value, '')"), p.pk, p.hidden
            FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE $tables_where;
        SELECT 'R', '~colorder ' || lower(m.name) || ' ' ||
                (SELECT group_concat(lower(p.name), ',') FROM pragma_table_xinfo(m.name) p)
            FROM sqlite_master m WHERE $tables_where;
        SELECT 'R', 'fk ' || lower(m.name) || ' (' || lower(f.\"from\") || ') -> ' || lower(f.\"table\") ||
                '(' || lower(coalesce(f.\"to\", 'id')) || ') on_update=' || f.on_update ||
                ' on_delete=' || f.on_delete || ' match=' || f.\"match\"
            FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE $tables_where;
        SELECT 'R', 'index ' || lower(m.name) || ' ' ||
                CASE WHEN il.origin = 'c' THEN lower(il.name) ELSE '(auto)' END ||
                ' unique=' || il.\"unique\" || ' origin=' || il.origin || ' partial=' || il.partial ||
                ' (' || (SELECT group_concat(coalesce(lower(x.name), '<expr>') ||
                    CASE x.desc WHEN 1 THEN ' desc' ELSE '' END || ' ' || lower(x.coll), ', ')
                    FROM pragma_index_xinfo(il.name) x WHERE x.key = 1) || ')'
            FROM sqlite_master m, pragma_index_list(m.name) il WHERE $tables_where;
        SELECT 'SQL', type || ' ' || lower(tbl_name) || ' ' || lower(name), $(printf "$nl" sql)
            FROM sqlite_master WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL
            AND tbl_name <> 'modelgen_migrations';
        SELECT 'TAB', lower(m.name), $(printf "$nl" m.sql) FROM sqlite_master m WHERE $tables_where;
    ") || { echo "!catalog query failed: $out"; return; }   # never an empty catalog that passes
    echo "$out" | awk -F '\037' -f "$dir/sqlparse.awk" -v mode=catalog | LC_ALL=C sort
}

# eng_fill H: rows 1..3 in every table, in one transaction, foreign keys checked at COMMIT.
eng_fill_sql() {   # H [BULK TABLE]
    {
        q1 -separator $'\t' "$1" "SELECT 'C', lower(m.name), lower(p.name), p.type, p.\"notnull\", p.pk
            FROM sqlite_master m, pragma_table_info(m.name) p WHERE $tables_where ORDER BY m.rowid, p.cid"
        q1 "$1" "SELECT 'O' || char(9) || lower(m.name) FROM sqlite_master m WHERE $tables_where ORDER BY m.rowid"
        # CHECK (col IN (...)) lists, from the table's SQL
        eng_table_sql "$1" | awk -f "$dir/sqlparse.awk" -v mode=table |
            awk '$1 == "check" && $5 == "(" && $7 == "in" && $8 == "(" {
                     s = ""
                     for (i = 9; i <= NF && $i != ")"; i++) if ($i != ",") s = s "\t" $i
                     print "I\t" $2 "\t" $6 s
                 }'
    } | awk -F '\t' -v dialect=sqlite -v bulk="${2:-0}" -v only="${3:-}" -f "$dir/fill.awk"
}
eng_fill() {
    { echo "BEGIN;"; echo "PRAGMA defer_foreign_keys = ON;"; eng_fill_sql "$1" "${2:-0}" "${3:-}"; echo "COMMIT;"; } > "$1.fill.sql"
    eng_exec "$1" "$1.fill.sql"
}

# eng_tables H: the table names.
eng_tables() { q1 "$1" "SELECT lower(m.name) FROM sqlite_master m WHERE $tables_where ORDER BY 1"; }

# eng_rowsets H < SPEC: for each spec line "HEADER<TAB>TABLE<TAB>COL COL...", prints
# "HEADER: N rows" and the rows (those columns, ordered by id). One sqlite3 run.
eng_rowsets() {
    awk -F '\t' '{
        n = split($3, c, " "); cols = ""
        for (i = 1; i <= n; i++) cols = cols (i > 1 ? ", " : "") "\"" c[i] "\""
        print ".mode list"
        print "SELECT '\''" $1 ": '\'' || count(*) || '\'' rows'\'' FROM \"" $2 "\";"
        print ".mode quote"
        print "SELECT " cols " FROM \"" $2 "\" ORDER BY \"id\";"
    }' | q1 "$1" 2>&1
}
# eng_dump H: every row of every table (the state an interrupted migration must keep).
eng_dump() {
    eng_tables "$1" | awk '{ print "SELECT '\''== " $0 "'\''; SELECT * FROM \"" $0 "\" ORDER BY \"id\";" }' |
        q1 -cmd '.mode quote' "$1"
}

# eng_state H: all an interrupted migration must leave as it was, in one sqlite3 run: the
# whole .dump (schema text and every row), then what integrity_check and foreign_key_check
# say.
eng_state() {
    printf '.dump\nPRAGMA integrity_check;\nPRAGMA foreign_key_check;\n' | q1 "$1" 2>&1
}

# eng_integrity H: prints what is wrong (dangling keys, a damaged file); empty when sound.
eng_integrity() {
    local r
    r=$(q1 "$1" "PRAGMA integrity_check;" 2>&1)
    [ "$r" = ok ] || echo "integrity_check: $r"
    q1 "$1" "PRAGMA foreign_key_check;" 2>&1 | sed 's/^/foreign_key_check: /'
}

# eng_cut H STMTDIR K: runs statements 1..K of a split migration, waits until they are done,
# then kills the sqlite3 process (SIGKILL) while its transaction is open. Returns 1 if
# the statements did not get there (an error), 0 otherwise.
eng_cut() {
    local h=$1 sd=$2 k=$3 i pid mark=$1.mark fifo=$1.fifo ok=1 n
    rm -f "$mark" "$fifo"
    mkfifo "$fifo"
    sqlite3 -bail -batch "$h" < "$fifo" > "$h.out" 2> "$h.err" &
    pid=$!
    exec 7> "$fifo"
    # (the shell stops reading at its first error: writing on must not kill us with SIGPIPE)
    (
        trap '' PIPE
        {
            echo "PRAGMA foreign_keys = ON;"
            for ((i = 1; i <= k; i++)); do cat "$sd/stmt.$i"; done
            echo
            echo ".shell touch '$mark'"
        } >&7
    ) 2> /dev/null
    for ((n = 0; n < 1000; n++)); do
        [ -e "$mark" ] && { ok=0; break; }
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.01
    done
    kill -9 "$pid" 2> /dev/null
    exec 7>&-
    wait "$pid" 2> /dev/null
    rm -f "$fifo" "$mark"
    return $ok
}

# eng_timed_kill H FILE: runs the whole migration and kills sqlite3 (SIGKILL) once its
# transaction has started writing (the rollback journal exists). Prints "killed" or
# "finished" (it ended before the kill).
eng_timed_kill() {
    local h=$1 pid n rc
    rm -f "$h-journal"
    { echo "PRAGMA foreign_keys = ON;"; cat "$2"; } > "$h.mig"
    sqlite3 -bail -batch "$h" < "$h.mig" > "$h.out" 2> "$h.err" &
    pid=$!
    for ((n = 0; n < 3000; n++)); do
        [ -e "$h-journal" ] && break
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.002
    done
    sleep 0.05
    kill -9 "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    rc=$?
    if [ "$rc" = 137 ]; then echo killed; else echo "finished (status $rc)"; fi
}
