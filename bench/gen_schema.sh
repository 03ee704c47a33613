#!/usr/bin/env bash
# Prints a synthetic schema of N models: ten fields and three associations each. Model i
# points at i+1 (nullable, a ring) and back at i-1 (required, a chain), so every
# neighbouring pair forms a cycle and the analyzer sees one component of N tables.
n=${1:?usage: gen_schema.sh N}
awk -v n="$n" 'BEGIN {
    print "enum Level { low, medium, high }"
    for (i = 1; i <= n; i++) {
        next_ = i % n + 1
        prev = (i + n - 2) % n + 1
        printf "\nmodel M%d {\n", i
        printf "  name text unique\n  title text\n  note text?\n  count int default 0\n"
        printf "  score real default 1.5\n  active bool default true\n  at timestamp default now\n"
        printf "  level Level default low\n  data blob?\n  rank int? index\n"
        printf "  belongs_to next: M%d?\n", next_
        if (i > 1)
            printf "  belongs_to prev: M%d on_delete cascade\n", prev
        else
            printf "  belongs_to prev: M%d? on_delete cascade\n", prev
        printf "  has_many followers: M%d by prev\n", next_
        printf "}\n"
    }
}'
