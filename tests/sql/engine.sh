# shellcheck shell=bash disable=SC2154  # rc, out, tmp, ... come from the sourcing script
# The engine checks, written once for SQLite and PostgreSQL (source it after tap.sh).
#
# The sourcing script sets modelgen, dir (this directory), tmp (a private temporary
# directory), out_file and err_file, and provides:
#   engine_create NAME        a fresh, empty database, current from now on
#   engine_apply FILE         applies a migration file to it: sets rc, out, err
#   engine_run SQL            runs SQL against it: sets rc, out (stdout), err (stderr)
#   engine_consistent         prints nothing when every foreign key holds, else the offenders
#   engine_run_unchecked SQL  engine_run with foreign keys not enforced (for a control)
#   engine_fk_modes           "name|deferrable|initially deferred" per foreign key, sorted;
#                             nothing where the engine cannot tell
#   engine_indexes            the names of the explicitly created indexes, sorted
#   T, F                      boolean literals
#   FK_ERROR, UNIQUE_ERROR    patterns (grep -E) matching the engine's error messages
#   check_error NAME          pattern matching a violation of CHECK constraint NAME
#   bool_error NAME           pattern matching a non-boolean stored in a bool column
#   ts N                      a timestamp literal N seconds after the epoch
#   epoch EXPR                a timestamp expression as seconds since the epoch
#   yes EXPR                  a boolean expression as 1 or 0
#   blob HEX                  a blob literal
#
# Every INSERT gives its id explicitly, so that PostgreSQL's identity sequences never
# collide with rows inserted by hand.

report() {   # what the last engine_run printed, as TAP comments
    { echo "exit status $rc"; cat "$out_file" "$err_file"; } | diag
}

# SQL must succeed.
expect_ok() {
    engine_run "$2"
    if [ "$rc" -eq 0 ]; then pass "$1"; else fail "$1"; report; fi
}

# SQL must succeed and print exactly WANT.
expect_rows() {   # desc sql want
    engine_run "$2"
    if [ "$rc" -eq 0 ] && [ "$out" = "$3" ]; then
        pass "$1"
    else
        fail "$1"
        printf 'want: %s\n' "$3" | diag
        report
    fi
}

# Inside a transaction, the statement itself must fail with an error matching PATTERN.
expect_error_at_once() {   # desc sql pattern
    engine_run "BEGIN;
$2;
SELECT 'reached';
COMMIT;"
    if [ "$rc" -ne 0 ] && ! grep -qx reached "$out_file" && grep -qE "$3" "$err_file"; then
        pass "$1"
    else
        fail "$1 (want the statement to fail with /$3/)"
        report
    fi
}

# Inside a transaction, the statement must succeed and COMMIT fail with PATTERN.
expect_error_at_commit() {   # desc sql pattern
    engine_run "BEGIN;
$2;
SELECT 'reached';
COMMIT;"
    if [ "$rc" -ne 0 ] && grep -qx reached "$out_file" && grep -qE "$3" "$err_file"; then
        pass "$1"
    else
        fail "$1 (want the statement to pass and COMMIT to fail with /$3/)"
        report
    fi
}

expect_consistent() {   # desc
    engine_consistent > "$tmp/consistent" 2>&1
    if [ ! -s "$tmp/consistent" ]; then
        pass "$1"
    else
        fail "$1"
        diag < "$tmp/consistent"
    fi
}

# Which foreign keys exist, and which of them are deferred until COMMIT.
expect_fk_modes() {   # schema want
    local got
    got=$(engine_fk_modes)
    [ -n "$got" ] || return 0   # the engine cannot tell; the behaviour checks cover it
    if [ "$got" = "$2" ]; then
        pass "$1: the catalog shows exactly the expected foreign keys, deferred where due"
    else
        fail "$1: foreign keys in the catalog"
        { echo "want:"; echo "$2"; echo "got:"; echo "$got"; } | diag
    fi
}

expect_indexes() {   # schema want
    local got
    got=$(engine_indexes)
    if [ "$got" = "$2" ]; then
        pass "$1: the expected indexes, with the expected names"
    else
        fail "$1: indexes"
        { echo "want:"; echo "$2"; echo "got:"; echo "$got"; } | diag
    fi
}

# ------------------------------------------------------------------------ scenarios --

scenario_seed() {
    expect_fk_modes seed "profiles_created_by_user_id_fkey|f|f
users_profile_id_fkey|t|t"
    expect_indexes seed "profiles_created_by_user_id_idx
users_profile_id_idx"
    expect_ok "seed: the users/profiles cycle fills in one transaction, user first" "BEGIN;
INSERT INTO users (id, email, name, profile_id) VALUES (1, 'ann@example.com', 'Ann', 1);
INSERT INTO profiles (id, bio, created_by_user_id) VALUES (1, 'hi', 1);
COMMIT;"
    expect_rows "seed: both rows are there and point at each other" \
        "SELECT u.id, p.id FROM users u JOIN profiles p ON p.id = u.profile_id AND p.created_by_user_id = u.id;" "1|1"
    expect_error_at_commit "seed: a dangling users.profile_id (deferred) passes the INSERT and fails at COMMIT" \
        "INSERT INTO users (id, email, name, profile_id) VALUES (2, 'bob@example.com', 'Bob', 99)" "$FK_ERROR"
    expect_rows "seed: the failed COMMIT left nothing behind" "SELECT count(*) FROM users;" 1
    expect_error_at_once "seed: a dangling profiles.created_by_user_id (immediate) fails at the INSERT" \
        "INSERT INTO profiles (id, created_by_user_id) VALUES (2, 99)" "$FK_ERROR"
    expect_error_at_once "seed: the users.role CHECK rejects a value outside the enum" \
        "INSERT INTO users (id, email, name, role) VALUES (3, 'cy@example.com', 'Cy', 'boss')" \
        "$(check_error users_role_check)"
    expect_error_at_once "seed: users.active takes only booleans" \
        "INSERT INTO users (id, email, name, active) VALUES (3, 'cy@example.com', 'Cy', 2)" \
        "$(bool_error users_active_check)"
    expect_error_at_once "seed: users.email is unique" \
        "INSERT INTO users (id, email, name) VALUES (3, 'ann@example.com', 'Ann again')" "$UNIQUE_ERROR"
    expect_error_at_once "seed: users.name is NOT NULL" \
        "INSERT INTO users (id, email) VALUES (3, 'cy@example.com')" "NOT NULL|not-null"
    expect_ok "seed: a user without a profile needs only email and name" \
        "INSERT INTO users (id, email, name) VALUES (3, 'cy@example.com', 'Cy');"
    expect_rows "seed: the defaults are age 0, active, role member, joined now" \
        "SELECT age, $(yes "active = $T"), role, $(yes "$(epoch joined_at) > 1600000000"), $(yes "profile_id IS NULL") FROM users WHERE id = 3;" \
        "0|1|member|1|1"
    expect_ok "seed: deleting a user" "DELETE FROM users WHERE id = 1;"
    expect_rows "seed: ... cascades to the profiles it created (on_delete cascade)" \
        "SELECT count(*) FROM profiles;" 0
}

scenario_cycle3() {
    expect_fk_modes cycle3 "authors_favourite_id_fkey|t|t
books_publisher_id_fkey|f|f
publishers_founder_id_fkey|f|f"
    expect_ok "cycle3: the three-table cycle fills in one transaction" "BEGIN;
INSERT INTO authors (id, name, favourite_id) VALUES (1, 'Ann', 1);
INSERT INTO publishers (id, name, founder_id) VALUES (1, 'Press', 1);
INSERT INTO books (id, title, publisher_id) VALUES (1, 'Book', 1);
COMMIT;"
    expect_error_at_commit "cycle3: a dangling authors.favourite_id (deferred) fails at COMMIT" \
        "INSERT INTO authors (id, name, favourite_id) VALUES (2, 'Bob', 99)" "$FK_ERROR"
    expect_rows "cycle3: the failed COMMIT left nothing behind" "SELECT count(*) FROM authors;" 1
    expect_error_at_once "cycle3: a dangling books.publisher_id (immediate) fails at the INSERT" \
        "INSERT INTO books (id, title, publisher_id) VALUES (2, 'Lost', 99)" "$FK_ERROR"
    expect_error_at_once "cycle3: on_delete restrict keeps a publisher's founder" \
        "DELETE FROM authors WHERE id = 1" "$FK_ERROR"
}

scenario_required_cycle() {
    expect_fk_modes required_cycle "departments_head_id_fkey|t|t
employees_department_id_fkey|t|t"
    expect_ok "required_cycle: fills in one transaction, department first" "BEGIN;
INSERT INTO departments (id, name, head_id) VALUES (1, 'Research', 1);
INSERT INTO employees (id, name, department_id) VALUES (1, 'Eve', 1);
COMMIT;"
    expect_ok "required_cycle: fills in one transaction, employee first" "BEGIN;
INSERT INTO employees (id, name, department_id) VALUES (2, 'Dan', 2);
INSERT INTO departments (id, name, head_id) VALUES (2, 'Operations', 2);
COMMIT;"
    expect_error_at_commit "required_cycle: a department without its head fails at COMMIT" \
        "INSERT INTO departments (id, name, head_id) VALUES (3, 'Void', 3)" "$FK_ERROR"
    expect_error_at_commit "required_cycle: an employee without a department fails at COMMIT" \
        "INSERT INTO employees (id, name, department_id) VALUES (3, 'Lone', 3)" "$FK_ERROR"
    expect_rows "required_cycle: the failed COMMITs left nothing behind" \
        "SELECT (SELECT count(*) FROM departments) + (SELECT count(*) FROM employees);" 4
    expect_ok "required_cycle: deleting a department" "DELETE FROM departments WHERE id = 2;"
    expect_rows "required_cycle: ... cascades to its employees" \
        "SELECT count(*) FROM employees WHERE department_id = 2;" 0
}

scenario_shared_cycles() {
    expect_fk_modes shared_cycles "accounts_holder_id_fkey|f|f
teams_owner_id_fkey|t|t
users_account_id_fkey|t|t
users_team_id_fkey|f|f"
    expect_ok "shared_cycles: both cycles through users fill in one transaction" "BEGIN;
INSERT INTO teams (id, name, owner_id) VALUES (1, 'Core', 1);
INSERT INTO users (id, name, team_id, account_id) VALUES (1, 'Uma', 1, 1);
INSERT INTO accounts (id, holder_id) VALUES (1, 1);
COMMIT;"
    expect_rows "shared_cycles: the real default 0.0" "SELECT $(yes "balance = 0") FROM accounts;" 1
    expect_error_at_commit "shared_cycles: a dangling teams.owner_id (deferred) fails at COMMIT" \
        "INSERT INTO teams (id, name, owner_id) VALUES (2, 'Ghost', 99)" "$FK_ERROR"
    expect_error_at_commit "shared_cycles: a dangling users.account_id (deferred) fails at COMMIT" \
        "INSERT INTO users (id, name, team_id, account_id) VALUES (2, 'Vic', 1, 99)" "$FK_ERROR"
    expect_error_at_once "shared_cycles: a dangling users.team_id (immediate) fails at the INSERT" \
        "INSERT INTO users (id, name, team_id) VALUES (3, 'Wes', 99)" "$FK_ERROR"
    expect_error_at_once "shared_cycles: a dangling accounts.holder_id (immediate) fails at the INSERT" \
        "INSERT INTO accounts (id, holder_id) VALUES (2, 99)" "$FK_ERROR"
    expect_rows "shared_cycles: the failures left nothing behind" \
        "SELECT (SELECT count(*) FROM teams) + (SELECT count(*) FROM users) + (SELECT count(*) FROM accounts);" 3
}

scenario_self_reference() {
    expect_fk_modes self_reference "employees_manager_id_fkey|f|f"
    expect_ok "self_reference: a manager and a report" \
        "INSERT INTO employees (id, name) VALUES (1, 'Boss');
INSERT INTO employees (id, name, manager_id) VALUES (2, 'Report', 1);"
    expect_ok "self_reference: a row may reference itself" \
        "INSERT INTO employees (id, name, manager_id) VALUES (3, 'Self', 3);"
    expect_error_at_once "self_reference: a dangling manager_id (inline, immediate) fails at the INSERT" \
        "INSERT INTO employees (id, name, manager_id) VALUES (4, 'Nobody', 99)" "$FK_ERROR"
    expect_ok "self_reference: constraint none accepts a dangling buddy_id" \
        "INSERT INTO employees (id, name, buddy_id) VALUES (4, 'Free', 99);"
    expect_ok "self_reference: deleting the manager" "DELETE FROM employees WHERE id = 1;"
    expect_rows "self_reference: ... sets the report's manager_id to NULL (on_delete set_null)" \
        "SELECT $(yes "manager_id IS NULL") FROM employees WHERE id = 2;" 1
}

scenario_modes() {
    expect_fk_modes modes "owners_pet_id_fkey|f|f
pets_owner_id_fkey|t|t
pets_vet_id_fkey|t|t
vets_clinic_id_fkey|f|f"
    expect_indexes modes "clinics_boss_id_idx
owners_pet_id_idx
pets_breeder_id_idx
pets_owner_id_idx
pets_vet_id_idx
vets_clinic_id_idx"
    expect_ok "modes: the owners/pets cycle fills in one transaction" "BEGIN;
INSERT INTO clinics (id, name) VALUES (1, 'Clinic');
INSERT INTO vets (id, name, clinic_id) VALUES (1, 'Vera', 1);
INSERT INTO pets (id, name, owner_id, vet_id) VALUES (1, 'Rex', 1, 1);
INSERT INTO owners (id, name, pet_id) VALUES (1, 'Olga', 1);
COMMIT;"
    expect_error_at_once "modes: constraint immediate: a dangling owners.pet_id fails at the INSERT" \
        "INSERT INTO owners (id, name, pet_id) VALUES (2, 'Otto', 99)" "$FK_ERROR"
    expect_error_at_commit "modes: constraint deferred: a dangling pets.vet_id fails at COMMIT" \
        "INSERT INTO pets (id, name, vet_id) VALUES (2, 'Tom', 99)" "$FK_ERROR"
    expect_error_at_commit "modes: auto, deferred by the analyzer: a dangling pets.owner_id fails at COMMIT" \
        "INSERT INTO pets (id, name, owner_id, vet_id) VALUES (2, 'Tom', 99, 1)" "$FK_ERROR"
    expect_ok "modes: constraint none: dangling pets.breeder_id and clinics.boss_id are accepted" \
        "INSERT INTO pets (id, name, vet_id, breeder_id) VALUES (3, 'Kit', 1, 99);
UPDATE clinics SET boss_id = 99;"
    expect_ok "modes: changing a vet's id" "UPDATE vets SET id = 5 WHERE id = 1;"
    expect_rows "modes: ... carries over to its pets (on_update cascade on a deferred key)" \
        "SELECT id, vet_id FROM pets ORDER BY id;" "1|5
3|5"
    expect_ok "modes: deleting the clinic" "DELETE FROM clinics WHERE id = 1;"
    expect_rows "modes: ... sets vets.clinic_id to NULL (on_delete set_null)" \
        "SELECT $(yes "clinic_id IS NULL") FROM vets;" 1
    expect_ok "modes: deleting the vet once no owner points at its pets" \
        "UPDATE owners SET pet_id = NULL; DELETE FROM vets WHERE id = 5;"
    expect_rows "modes: ... deletes its pets (on_delete cascade on a deferred key)" \
        "SELECT count(*) FROM pets;" 0
}

scenario_keywords() {
    expect_fk_modes keywords "order_order_id_fkey|f|f
orders_from_group_fkey|f|f"
    expect_indexes keywords "groups_where_idx
order_order_id_idx
orders_from_group_idx
orders_select_idx"
    expect_ok "keywords: rows in tables and columns named by keywords" \
        "INSERT INTO \"groups\" (id, \"order\", \"where\", \"Limit\") VALUES (1, 10, 'here', 5);
INSERT INTO orders (id, \"select\", \"group\", from_group) VALUES (1, 'all', 7, 1);
INSERT INTO \"order\" (id, \"check\", order_id) VALUES (1, $T, 1);"
    expect_rows "keywords: ... read back through a join" \
        "SELECT o.\"select\", o.\"group\", g.\"where\", g.\"Limit\", $(yes "i.\"check\" = $T")
FROM orders o JOIN \"groups\" g ON g.id = o.from_group JOIN \"order\" i ON i.order_id = o.id;" \
        "all|7|here|5|1"
    expect_rows "keywords: the column \"check\" defaults to false" \
        "INSERT INTO \"order\" (id, order_id) VALUES (2, 1); SELECT $(yes "\"check\" = $F") FROM \"order\" WHERE id = 2;" 1
    expect_error_at_once "keywords: groups.\"order\" is unique" \
        "INSERT INTO \"groups\" (id, \"order\") VALUES (2, 10)" "$UNIQUE_ERROR"
    expect_error_at_once "keywords: unique (order, check) on the table \"order\"" \
        "INSERT INTO \"order\" (id, \"check\", order_id) VALUES (3, $T, 1)" "$UNIQUE_ERROR"
    expect_error_at_once "keywords: \"order\".\"check\" takes only booleans" \
        "INSERT INTO \"order\" (id, \"check\", order_id) VALUES (3, 2, 1)" "$(bool_error order_check_check)"
    expect_error_at_once "keywords: a dangling \"order\".order_id fails at the INSERT" \
        "INSERT INTO \"order\" (id, order_id) VALUES (3, 99)" "$FK_ERROR"
    expect_ok "keywords: deleting the group" "DELETE FROM \"groups\" WHERE id = 1;"
    expect_rows "keywords: ... sets orders.from_group to NULL" \
        "SELECT $(yes "from_group IS NULL") FROM orders;" 1
    expect_ok "keywords: deleting the order" "DELETE FROM orders WHERE id = 1;"
    expect_rows "keywords: ... deletes its rows in \"order\"" "SELECT count(*) FROM \"order\";" 0
}

scenario_enums() {
    expect_ok "enums: a ticket with every default" "INSERT INTO tickets (id) VALUES (1);"
    expect_rows "enums: the defaults are members, or NULL" \
        "SELECT status, coalesce(priority, '-'), coalesce(previous, '-'), urgent FROM tickets;" \
        "draft|-|-|high"
    expect_error_at_once "enums: a required enum rejects a non-member" \
        "INSERT INTO tickets (id, status) VALUES (2, 'deleted')" "$(check_error tickets_status_check)"
    expect_error_at_once "enums: a nullable enum rejects a non-member" \
        "INSERT INTO tickets (id, priority) VALUES (2, 'urgent')" "$(check_error tickets_priority_check)"
    expect_error_at_once "enums: members are case-sensitive" \
        "INSERT INTO tickets (id, previous) VALUES (2, 'Draft')" "$(check_error tickets_previous_check)"
    expect_ok "enums: every member is accepted" \
        "UPDATE tickets SET status = 'archived', priority = 'low', previous = 'published', urgent = 'normal';"
}

scenario_every_type() {
    expect_ok "every_type: a row with every default" "INSERT INTO everything (id, b) VALUES (1, $(blob 00ff));"
    expect_rows "every_type: integers, reals and strings" \
        "SELECT i, i2, $(yes "r = 3.5"), $(yes "r2 = -1000"), $(yes "r3 = 7"), t, t2, '[' || t3 || ']', $(yes "n IS NULL") FROM everything;" \
        "-42|9000000000|1|1|1|it's|double \"quoted\"|[]|1"
    expect_rows "every_type: blobs, booleans, timestamps and enums" \
        "SELECT length(b), $(yes "b2 IS NULL"), $(yes "yes = $T"), $(yes "\"no\" = $F"), $(yes "$(epoch ts) > 1600000000"), $(epoch ts0), $(epoch ts1), c, $(yes "c2 IS NULL") FROM everything;" \
        "2|1|1|1|1|0|1700000000|green|1"
    expect_ok "every_type: explicit values of every type" \
        "INSERT INTO everything (id, i, r, t, b, yes, ts, c) VALUES (2, 1, 0.25, 'x', $(blob 01), $F, $(ts 86400), 'blue');"
    expect_rows "every_type: ... read back" \
        "SELECT i, $(yes "r = 0.25"), t, $(yes "yes = $F"), $(epoch ts), c FROM everything WHERE id = 2;" \
        "1|1|x|1|86400|blue"
    expect_error_at_once "every_type: the enum CHECK" \
        "INSERT INTO everything (id, b, c) VALUES (3, $(blob 00), 'purple')" "$(check_error everything_c_check)"
}

scenario_composites() {
    expect_fk_modes composites "memberships_club_id_fkey|f|f
memberships_member_id_fkey|f|f
memberships_referrer_id_fkey|f|f"
    expect_indexes composites "members_nick_age_idx
members_nick_idx
memberships_club_id_idx
memberships_member_id_idx
memberships_role_since_idx"
    expect_ok "composites: members, a club and a membership" \
        "INSERT INTO members (id, email, nick) VALUES (1, 'a@example.com', 'a'), (2, 'b@example.com', 'b');
INSERT INTO clubs (id, name) VALUES (1, 'Chess');
INSERT INTO memberships (id, role, member_id, club_id, referrer_id) VALUES (1, 'chair', 1, 1, 2);"
    expect_error_at_once "composites: unique (member, club)" \
        "INSERT INTO memberships (id, role, member_id, club_id) VALUES (2, 'x', 1, 1)" "$UNIQUE_ERROR"
    expect_error_at_once "composites: unique (referrer)" \
        "INSERT INTO memberships (id, role, member_id, club_id, referrer_id) VALUES (2, 'x', 2, 1, 2)" "$UNIQUE_ERROR"
    expect_ok "composites: a second membership" \
        "INSERT INTO memberships (id, role, member_id, club_id, referrer_id) VALUES (2, 'x', 2, 1, 1);"
    expect_ok "composites: deleting the club" "DELETE FROM clubs WHERE id = 1;"
    expect_rows "composites: ... deletes its memberships" "SELECT count(*) FROM memberships;" 0
}

# Generates every golden/NAME.model into $tmp/gen, applies NAME.EXT to a fresh database
# and runs scenario_NAME when there is one.
run_engine_checks() {   # ext
    local model name file
    mkdir -p "$tmp/gen"
    for model in "$dir"/golden/*.model; do
        name=$(basename "$model" .model)
        file=$tmp/gen/$name.$1
        if ! (cd "$dir/golden" && "$modelgen" "$name.model" -o "$tmp/gen") 2> "$err_file"; then
            fail "$name: modelgen failed"
            diag < "$err_file"
            continue
        fi
        engine_create "$name"
        engine_apply "$file"
        if [ "$rc" -eq 0 ] && ! [ -s "$err_file" ]; then
            pass "$name: $name.$1 applies cleanly"
        else
            fail "$name: $name.$1 applies cleanly"
            report
            continue
        fi
        expect_consistent "$name: every foreign key holds in the empty schema"
        if declare -F "scenario_$name" > /dev/null; then
            "scenario_$name"
            expect_consistent "$name: every foreign key still holds after the scenario"
        fi
    done

    # A control: the consistency check does see a dangling key.
    engine_create control
    engine_apply "$tmp/gen/seed.$1"
    engine_run_unchecked "INSERT INTO profiles (id, created_by_user_id) VALUES (1, 99);"
    engine_consistent > "$tmp/consistent" 2>&1
    if [ "$rc" -eq 0 ] && grep -q profiles "$tmp/consistent"; then
        pass "control: the consistency check reports a row inserted past its foreign key"
    else
        fail "control: the consistency check reports a row inserted past its foreign key"
        diag < "$tmp/consistent"
    fi

    # One transaction: a migration that fails half-way leaves nothing behind.
    engine_create atomic
    engine_run "CREATE TABLE profiles (x integer);"
    engine_apply "$tmp/gen/seed.$1"
    if [ "$rc" -ne 0 ]; then
        pass "atomic: seed.$1 fails on a database that already has a table profiles"
    else
        fail "atomic: seed.$1 fails on a database that already has a table profiles"
        report
    fi
    engine_run "SELECT count(*) FROM users;"
    if [ "$rc" -ne 0 ]; then
        pass "atomic: ... and leaves no table users behind"
    else
        fail "atomic: ... and leaves no table users behind"
        report
    fi
}

scenario_extremes() {
    expect_ok "extremes: a row of defaults" "INSERT INTO extremes (id) VALUES (1);"
    expect_rows "extremes: timestamps at both ends of the range, to the second" \
        "SELECT $(epoch '"first"'), $(epoch '"last"'), $(epoch epoch), small, big FROM extremes;" \
        "-210866803200|9224318015999|0|-9223372036854775808|9223372036854775807"
    expect_rows "extremes: reals at the edges" \
        "SELECT $(yes "huge = 1e308"), $(yes "tiny > 0 AND tiny < 1e-323"), $(yes "negative_zero = 0") FROM extremes;" \
        "1|1|1"
    expect_rows "extremes: strings that could end a literal or a comment are only strings" \
        "SELECT quote, length(lines), $(yes "lines LIKE 'line_DROP TABLE extremes; --'"), slash, length(dollar) FROM extremes;" \
        "it's|28|1|\\|10"
}
