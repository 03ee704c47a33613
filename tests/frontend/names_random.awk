# Random schemas whose names come close to one another, for names_random.sh.
#
#   awk -v seed=N -v out=FILE -f names_random.awk
#
# Model, field, association and enum names are made of a few short words (by, with, get,
# all, and, count, ...), so that the names generated from two of them often meet:
# user_get_with_profile, USER_BAR_X, user_get_by_a_and_b, a query parameter x_model that
# would hide the static x_model. Whatever modelgen accepts must compile. Its own Park-Miller generator gives mawk and gawk the same schemas.

function rnd(n) {               # 0 .. n-1
    rng = (rng * 16807) % 2147483647
    return rng % n
}

function word() { return words[rnd(nwords) + 1] }

# a snake_case name of one to three words
function snake(    s, k, i) {
    k = 1 + rnd(3)
    s = word()
    for (i = 2; i <= k; i++)
        s = s "_" word()
    if (s == "and" || s == "id" || s == "model")    # refused on their own: no test
        s = s "_" word()
    return s
}

# a CamelCase name of one or two words
function camel(    s, k, i, w) {
    k = 1 + rnd(2)
    s = ""
    for (i = 1; i <= k; i++) {
        w = word()
        s = s toupper(substr(w, 1, 1)) substr(w, 2)
    }
    return s == "And" ? "AndX" : s
}

BEGIN {
    rng = seed * 7919 % 2147483647 + 1
    nwords = split("a b x by with get all and count set add remove free max user " \
                   "profile id name sql model columns", words, " ")
    ntypes = split("int real text bool timestamp blob", types, " ")
    nm = 2 + rnd(3)
    for (m = 1; m <= nm; m++)
        mname[m] = camel()
    ne = rnd(2)
    for (e = 1; e <= ne; e++) {
        ename[e] = camel()
        printf "enum %s { %s, %s }\n\n", ename[e], snake(), snake() > out
    }
    for (m = 1; m <= nm; m++) {
        nf = 1 + rnd(4)
        for (f = 1; f <= nf; f++) {
            fname[m, f] = snake()
            t = ne && rnd(4) == 0 ? ename[1 + rnd(ne)] : types[1 + rnd(ntypes)]
            mod = ""
            if (t != "blob" && rnd(3) == 0)
                mod = rnd(2) ? " unique" : " index"
            body[m] = body[m] sprintf("  %s %s%s%s\n", fname[m, f], t, rnd(2) ? "?" : "", mod)
        }
        if (nf >= 2 && rnd(3) == 0)
            body[m] = body[m] sprintf("  %s (%s, %s)\n", rnd(2) ? "unique" : "index",
                                      fname[m, 1], fname[m, 2])
        na = rnd(3)
        for (k = 1; k <= na; k++) {
            target = 1 + rnd(nm)
            an = snake()
            body[m] = body[m] sprintf("  belongs_to %s: %s?\n", an, mname[target])
            if (rnd(2))     # the inverse, on the target
                body[target] = body[target] sprintf("  has_%s %s: %s by %s\n",
                                                    rnd(2) ? "many" : "one", snake(),
                                                    mname[m], an)
        }
    }
    for (m = 1; m <= nm; m++)
        printf "model %s table t%d {\n%s}\n\n", mname[m], m, body[m] > out
    # a query whose parameters and name are made of the same words
    if (rnd(2)) {
        m = 1 + rnd(nm)
        p1 = snake()
        p2 = snake()
        if (p2 == p1)
            p2 = p1 "_b"
        printf "query %s(%s int, %s text?) -> many %s = \"\"\"\n", snake(), p1, p2,
               mname[m] > out
        printf "  SELECT * FROM t%d WHERE id = :%s OR :%s IS NULL\n\"\"\"\n", m, p1, p2 > out
    }
}
