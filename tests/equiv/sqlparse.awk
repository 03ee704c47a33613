# SQL text helpers for the equivalence tests (POSIX awk; mawk and gawk both work).
#
#   awk -v mode=split -v dir=DIR -f sqlparse.awk FILE.sql
#       Splits a script into statements at the semicolons that end them (not those in
#       strings, quoted names, comments, dollar-quoted bodies or CREATE TRIGGER bodies). Statement N, with the
#       comments and blank lines before it, is written verbatim to DIR/stmt.N; stdout gets
#       one line per statement: N, a tab, its first words normalized ("begin", "create table",
#       "commit", "pragma foreign_keys", ...).
#
#   awk -v mode=table -f sqlparse.awk
#       Reads "NAME<US>SQL" records, one a line, where SQL is a table's sqlite_master.sql
#       with its line breaks replaced by <RS> (\036). Prints what pragma_table_info and
#       pragma_foreign_key_list do not tell: CHECK constraints, named UNIQUE constraints,
#       the name and deferral of each foreign key, collations, table options.
#
#   awk -v mode=norm -f sqlparse.awk
#       Normalizes each input line as an SQL fragment.
#
#   awk -F '\037' -v mode=catalog -f sqlparse.awk
#       Formats the tagged records of sqlite.sh's catalog query (columns with normalized
#       defaults; the SQL of indexes, triggers, views; tables as in mode=table).
#
# Normalized text: comments dropped, tokens joined by one space, words and quoted names
# lower-cased and unquoted (SQLite's names are case-insensitive, and it adds quotes when it
# rewrites a schema for ALTER TABLE ... RENAME), string literals kept as written.

function tokenize(s,    n, i, c, c2, j, len, w) {
    n = 0
    len = length(s)
    i = 1
    while (i <= len) {
        c = substr(s, i, 1)
        c2 = substr(s, i, 2)
        if (c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\036" || c == "\f") {
            i++
        } else if (c2 == "--") {
            while (i <= len && (c = substr(s, i, 1)) != "\n" && c != "\036") i++
        } else if (c2 == "/*") {
            j = index(substr(s, i + 2), "*/")
            i = j ? i + 2 + j + 1 : len + 1
        } else if (c == "'") {
            j = i + 1
            w = "'"
            while (j <= len) {
                c = substr(s, j, 1)
                if (c == "'") {
                    if (substr(s, j + 1, 1) == "'") { w = w "''"; j += 2; continue }
                    break
                }
                w = w c
                j++
            }
            tok[++n] = w "'"
            tpos[n] = i
            i = j + 1
        } else if (c == "\"" || c == "`" || c == "[") {
            q = (c == "[") ? "]" : c
            j = i + 1
            w = ""
            while (j <= len) {
                c = substr(s, j, 1)
                if (c == q) {
                    if (q != "]" && substr(s, j + 1, 1) == q) { w = w q; j += 2; continue }
                    break
                }
                w = w c
                j++
            }
            tok[++n] = tolower(w)
            tpos[n] = i
            i = j + 1
        } else if (c ~ /[A-Za-z0-9_$]/ || c > "\177") {
            j = i
            while (j <= len && ((c = substr(s, j, 1)) ~ /[A-Za-z0-9_$]/ || c > "\177")) j++
            tok[++n] = tolower(substr(s, i, j - i))
            tpos[n] = i
            i = j
        } else {
            tok[++n] = c
            tpos[n] = i
            i++
        }
    }
    ntok = n
    return n
}

function join(a, b,    s, k) {
    s = ""
    for (k = a; k <= b; k++) s = (s == "" ? "" : s " ") tok[k]
    return s
}

# Index of the parenthesis closing the one at k (or ntok).
function closing(k,    d) {
    d = 0
    for (; k <= ntok; k++) {
        if (tok[k] == "(") d++
        else if (tok[k] == ")") { d--; if (d == 0) return k }
    }
    return ntok
}

# ---------------------------------------------------------------- split --
function do_split(text,    len, i, c, c2, j, start, n, depth, words, k, head, q, intrig, lastw, w) {
    len = length(text)
    start = 1
    n = 0
    i = 1
    words = ""
    intrig = 0      # inside CREATE TRIGGER: its body's semicolons end nothing until END
    nwords = 0
    while (i <= len) {
        c = substr(text, i, 1)
        c2 = substr(text, i, 2)
        if (c2 == "--") {
            while (i <= len && substr(text, i, 1) != "\n") i++
        } else if (c2 == "/*") {
            j = index(substr(text, i + 2), "*/")
            i = j ? i + 2 + j + 1 : len + 1
        } else if (c == "$" && match(substr(text, i), /^\$[A-Za-z_]*\$/)) {
            # a PostgreSQL dollar-quoted body ($$ ... $$, $tag$ ... $tag$)
            q = substr(text, i, RLENGTH)
            j = index(substr(text, i + RLENGTH), q)
            i = j ? i + RLENGTH + j - 1 + length(q) : len + 1
            if (nwords < 3) { nwords++; words = words " '" }
        } else if (c == "'" || c == "\"" || c == "`" || c == "[") {
            q = (c == "[") ? "]" : c
            j = i + 1
            while (j <= len) {
                if (substr(text, j, 1) == q) {
                    if (q != "]" && substr(text, j + 1, 1) == q) { j += 2; continue }
                    break
                }
                j++
            }
            if (nwords < 3) { nwords++; words = words " " (c == "'" ? "'" : "name") }
            i = j + 1
        } else if (c ~ /[A-Za-z0-9_$]/) {
            j = i
            while (j <= len && substr(text, j, 1) ~ /[A-Za-z0-9_$]/) j++
            w = tolower(substr(text, i, j - i))
            if (nwords < 3) { nwords++; words = words " " w }
            if (nwords <= 3 && w == "trigger" && words ~ /^ create( temp| temporary)? trigger/) intrig = 1
            lastw = w
            i = j
        } else if (c == ";") {
            if (!intrig || lastw == "end") {
                n++
                printf "%s", substr(text, start, i - start + 1) > (dir "/stmt." n)
                close(dir "/stmt." n)
                head = substr(words, 2)
                sub(/ (name|')$/, "", head)
                if (head ~ /^(create|drop|alter) /) {
                    # keep "create table", "create index", "alter table", "drop table"...
                    split(head, hw, " ")
                    head = hw[1] " " hw[2]
                    if (hw[2] == "unique") head = hw[1] " " hw[2] " " hw[3]
                } else {
                    split(head, hw, " ")
                    head = hw[1] (hw[1] == "pragma" && hw[2] != "" ? " " hw[2] : "")
                }
                print n "\t" head
                start = i + 1
                words = ""
                nwords = 0
                intrig = 0
                lastw = ""
            }
            i++
        } else {
            if (c !~ /[ \t\r\n]/) lastw = ""
            i++
        }
    }
}

# ---------------------------------------------------------------- table --
# Parses a REFERENCES clause starting at k (the token "references"); prints its deferral.
# Returns the index of the last token of the clause.
function fk_clause(table, cols, name, k, e,    deferred) {
    k++                                     # the referenced table
    if (k + 1 <= e && tok[k + 1] == "(") k = closing(k + 1)
    deferred = 0
    while (k + 1 <= e) {
        if (tok[k + 1] == "on" && k + 3 <= e) {
            k += 3
            if ((tok[k] == "set" || tok[k] == "no") && k + 1 <= e) k++
        } else if (tok[k + 1] == "match") {
            k += 2
        } else if (tok[k + 1] == "not" && tok[k + 2] == "deferrable") {
            k += 2
            if (tok[k + 1] == "initially") k += 2
        } else if (tok[k + 1] == "deferrable") {
            k++
            if (tok[k + 1] == "initially") { k += 2; if (tok[k] == "deferred") deferred = 1 }
        } else break
    }
    print "fkdecl " table " (" cols ") name=" (name == "" ? "-" : name) " deferred=" deferred
    return k
}

function do_table(line,    us, table, sql, b, e, k, item_s, depth) {
    us = index(line, "\037")
    table = tolower(substr(line, 1, us - 1))
    sql = substr(line, us + 1)
    tokenize(sql)
    for (b = 1; b <= ntok && tok[b] != "("; b++) ;
    e = closing(b)
    if (e < ntok) print "tableopts " table " | " join(e + 1, ntok)
    # items: top-level comma-separated parts of the body
    item_s = b + 1
    depth = 0
    for (k = b + 1; k <= e; k++) {
        if (tok[k] == "(") depth++
        else if (tok[k] == ")" && k < e) depth--
        if ((tok[k] == "," && depth == 0) || k == e) {
            do_item(table, item_s, k - 1)
            item_s = k + 1
        }
    }
}

function do_item(table, s, e,    first, name, k, col, j, pend, nm) {
    if (s > e) return
    first = tok[s]
    if (first == "constraint" || first == "primary" || first == "unique" || first == "check" ||
        first == "foreign") {
        name = ""
        if (first == "constraint") { name = tok[s + 1]; s += 2 }
        if (tok[s] == "check") {
            print "check " table " name=" (name == "" ? "-" : name) " | " join(s + 1, e)
        } else if (tok[s] == "unique") {
            print "unique " table " name=" (name == "" ? "-" : name) " | " join(s + 1, e)
        } else if (tok[s] == "primary") {
            print "primarykey " table " name=" (name == "" ? "-" : name) " | " join(s + 2, e)
        } else if (tok[s] == "foreign") {
            j = closing(s + 2)
            k = j + 1
            while (k <= e && tok[k] != "references") k++
            fk_clause(table, join(s + 3, j - 1), name, k, e)
        } else {
            print "constraint? " table " | " join(s, e)
        }
        return
    }
    col = first
    name = ""
    pend = 0
    for (k = s + 1; k <= e; k++) {
        if (tok[k] == "constraint") { name = tok[k + 1]; pend = k + 2; k++; continue }
        nm = (k == pend) ? name : "-"
        if (tok[k] == "check") {
            j = closing(k + 1)
            print "check " table " name=" nm " | " join(k + 1, j)
            k = j
        } else if (tok[k] == "unique") {
            print "unique " table " name=" nm " | ( " col " )"
        } else if (tok[k] == "references") {
            k = fk_clause(table, col, (nm == "-" ? "" : nm), k, e)
        } else if (tok[k] == "collate") {
            print "collate " table " " col " " tok[k + 1]
            k++
        } else if (tok[k] == "default") {
            # the value: a parenthesized expression, or a signed literal; skip it
            if (tok[k + 1] == "(") k = closing(k + 1)
            else if (tok[k + 1] == "-" || tok[k + 1] == "+") k += 2
            else k++
        } else if (tok[k] == "(") {
            k = closing(k)
        }
    }
}

BEGIN {
    if (mode == "split") {
        text = ""
        while ((getline line) > 0) text = text line "\n"
        do_split(text)
        exit
    }
}
mode == "table" { do_table($0) }
mode == "norm" { tokenize($0); print join(1, ntok) }
# tagged records from sqlite.sh's catalog query
mode == "catalog" && $1 == "R" { print $2 }
# COL, TABLE, COLUMN, TYPE, NOTNULL, DEFAULT, PK, HIDDEN: a row of pragma_table_xinfo
mode == "catalog" && $1 == "COL" {
    tokenize($6)
    d = join(1, ntok)
    if (d == "null") d = ""             # DEFAULT NULL is no default at all
    print "column " $2 " " $3 " | type=" $4 " | notnull=" $5 " | default=" d " | pk=" $7 " | hidden=" $8
}
# SQL, HEAD, SQL: an index's, trigger's or view's SQL
mode == "catalog" && $1 == "SQL" { tokenize($3); print $2 " | " join(1, ntok) }
# TAB, NAME, SQL: a table
mode == "catalog" && $1 == "TAB" { do_table($2 "\037" $3) }
