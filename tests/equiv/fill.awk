# The generic row filler of the equivalence tests: INSERT statements for every table, from
# the catalog alone (POSIX awk).
#
#   awk -F '\t' -v dialect=sqlite|postgres [-v bulk=N -v only=TABLE] -f fill.awk
#
# Input, tab-separated, in any order:
#   C  TABLE COLUMN TYPE NOTNULL PK      a column (TYPE as the catalog spells it)
#   I  TABLE COLUMN LIT1 LIT2 ...        a CHECK (COLUMN IN (...)): the values allowed
#   O  TABLE                             the order in which to insert (one line a table)
#
# Rows 1..3 of every table: id = k; integers = k (so any integer column, foreign key or not,
# names an existing row); reals k.5; text 'COLUMN-k'; blobs 0k; booleans alternate; a column
# limited by a CHECK list takes the list's (k-1)th value; nullable columns are NULL in row 3.
# With bulk=N: one INSERT ... SELECT adding rows 4..N+3 to table `only` (integers 1 + k % 3).

function value(t, c, k, bulk,    ty, key, n, vals) {
    key = t SUBSEP c
    if (pk[key]) return k
    if (!bulk && !notnull[key] && k == 3) return "NULL"
    if (key in inlist) {
        n = split(inlist[key], vals, "\034")
        return bulk ? vals[1] : vals[1 + (k - 1) % n]
    }
    ty = tolower(type[key])
    if (dialect == "postgres") {
        if (ty ~ /^(bigint|integer|smallint)$/) return bulk ? "1 + " k " % 3" : k
        if (ty ~ /^(double precision|real|numeric)/) return k " + 0.5"
        if (ty ~ /^(text|character varying)/) return bulk ? "'" c "-' || " k : "'" c "-" k "'"
        if (ty == "bytea") return "decode('0" (bulk ? 1 : k) "', 'hex')"
        if (ty == "boolean") return bulk ? "true" : (k % 2 ? "true" : "false")
        if (ty ~ /^timestamp/) return "to_timestamp(" k ")"
        return "'" k "'"
    }
    if (ty ~ /int/) return bulk ? "1 + " k " % 3" : k
    if (ty ~ /char|clob|text/) return bulk ? "'" c "-' || " k : "'" c "-" k "'"
    if (ty ~ /blob/ || ty == "") return "X'0" (bulk ? 1 : k) "'"
    if (ty ~ /real|floa|doub/) return k " + 0.5"
    return bulk ? "1 + " k " % 3" : k
}

function q(name) { return "\"" name "\"" }

$1 == "C" {
    key = $2 SUBSEP $3
    if (!($2 in ncols)) ncols[$2] = 0
    cols[$2, ++ncols[$2]] = $3
    type[key] = $4
    notnull[key] = ($5 == 1 || $5 == "t" || $5 == "true")
    pk[key] = ($6 != 0 && $6 != "f" && $6 != "false" && $6 != "")
    next
}
$1 == "I" {
    s = ""
    for (i = 4; i <= NF; i++) s = s (i > 4 ? "\034" : "") $i
    inlist[$2 SUBSEP $3] = s
    next
}
$1 == "O" { order[++norder] = $2; next }

END {
    over = (dialect == "postgres") ? " OVERRIDING SYSTEM VALUE" : ""
    for (o = 1; o <= norder; o++) {
        t = order[o]
        if (!(t in ncols)) continue
        if (bulk && t != only) continue
        names = ""
        for (i = 1; i <= ncols[t]; i++) names = names (i > 1 ? ", " : "") q(cols[t, i])
        if (bulk) {
            vals = ""
            for (i = 1; i <= ncols[t]; i++) vals = vals (i > 1 ? ", " : "") value(t, cols[t, i], "k", 1)
            if (dialect == "postgres")
                print "INSERT INTO " q(t) " (" names ")" over " SELECT " vals " FROM generate_series(4, " bulk + 3 ") AS s(k);"
            else
                print "WITH RECURSIVE s(k) AS (SELECT 4 UNION ALL SELECT k + 1 FROM s WHERE k < " bulk + 3 ") INSERT INTO " q(t) " (" names ") SELECT " vals " FROM s;"
            continue
        }
        for (k = 1; k <= 3; k++) {
            vals = ""
            for (i = 1; i <= ncols[t]; i++) vals = vals (i > 1 ? ", " : "") value(t, cols[t, i], k, 0)
            print "INSERT INTO " q(t) " (" names ")" over " VALUES (" vals ");"
        }
    }
}
