# Sourced by apply.sh and concurrent.sh: the migrations, the generated code, the programs.
#
#   $tmp/m3    0001_initial, 0002_add_bio_and_tags (with a backfill in both dialects: its
#              .sqlite.post.sql and .postgres.post.sql), 0003_users_name_nullable (on SQLite
#              a rebuild with foreign keys off), all written by modelgen migrate from
#              tests/migrate/fixtures/app_v{1,2,3}.model; $tmp/m1 and $tmp/m2 its first ones
#   $tmp/v3/migrator, $tmp/v2/migrator   migrator.c over the code generated with
#              --migrations m3 and m2 (app_migrate knows 3 and 2 migrations)
#   $tmp/gate  gate.c
#
# Needs: modelgen, runtime_dir, here, tmp, db_engine; bail, step (from the sourcing script).
fixtures=$here/../migrate/fixtures
cc=${CC:-cc}

# libpq, for the runtime's postgres.c
pq_cflags=() pq_libs=() runtime_sources=(core.c sqlite.c) core_defines=()
if pkg-config --exists libpq 2> /dev/null && [ -f "$runtime_dir/postgres.c" ]; then
    read -r -a pq_cflags <<< "$(pkg-config --cflags libpq)"
    read -r -a pq_libs <<< "$(pkg-config --libs libpq)"
    runtime_sources+=(postgres.c)
    core_defines=(-DMG_WITH_POSTGRES)
fi
case $db_engine in
sqlite) ;;
postgres)
    if [ ${#pq_libs[@]} -eq 0 ]; then
        echo "1..0 # SKIP libpq is not installed (pkg-config libpq)"
        exit 0
    fi
    [ -n "${PGPORT:-}" ] || bail "ENGINE=postgres: run me under tests/pg/with-postgres.sh"
    ;;
*) bail "unknown ENGINE '$db_engine' (sqlite or postgres)" ;;
esac

# ---- the migrations ----
mkdir -p "$tmp/schema"
for v in 1 2 3; do
    cp "$fixtures/app_v$v.model" "$tmp/schema/app.model"
    name=()
    [ $v = 2 ] && name=(--name add_bio_and_tags)
    [ $v = 3 ] && name=(--name users_name_nullable)
    step "modelgen migrate (app_v$v)" "$modelgen" migrate "$tmp/schema/app.model" \
        --dir "$tmp/m3" "${name[@]}"
done
for d in sqlite postgres; do
    cat > "$tmp/m3/0002_add_bio_and_tags.$d.post.sql" <<'SQL'
-- a backfill: every user gets a bio, and the tag list its first tag
UPDATE users SET bio = 'bio of ' || name WHERE bio IS NULL;
INSERT INTO tags (label) VALUES ('backfilled');
SQL
done
mkdir -p "$tmp/m1" "$tmp/m2"
cp "$tmp/m3"/0001_* "$tmp/m1/"
cp "$tmp/m3"/0001_* "$tmp/m3"/0002_* "$tmp/m2/"

# ---- the programs ----
cflags=(-std=c99 -O1 -g -Wall -Wextra -Wpedantic -Werror -D_POSIX_C_SOURCE=200809L)
runtime_objects=()
for src in "${runtime_sources[@]}"; do
    defines=()
    [ "$src" = core.c ] && defines=("${core_defines[@]}")
    [ "$src" = postgres.c ] && defines=("${pq_cflags[@]}")
    step "$cc: runtime/$src" "$cc" "${cflags[@]}" "${defines[@]}" -I "$runtime_dir" \
        -c "$runtime_dir/$src" -o "$tmp/rt_${src%.c}.o"
    runtime_objects+=("$tmp/rt_${src%.c}.o")
done
for v in 2 3; do
    cp "$fixtures/app_v$v.model" "$tmp/schema/app.model"
    step "modelgen (v$v)" "$modelgen" "$tmp/schema/app.model" -o "$tmp/v$v" \
        --migrations "$tmp/m$v"
    step "$cc: migrator (v$v)" "$cc" "${cflags[@]}" -I "$tmp/v$v" -I "$runtime_dir" \
        "$here/migrator.c" "$tmp/v$v/app.c" "${runtime_objects[@]}" -lsqlite3 "${pq_libs[@]}" \
        -o "$tmp/v$v/migrator"
done
step "$cc: gate" "$cc" "${cflags[@]}" "$here/gate.c" -o "$tmp/gate"

# newdb NAME: prints the target of a new, empty database
newdb() {
    if [ "$db_engine" = sqlite ]; then
        rm -f "$tmp/$1.db" "$tmp/$1.db-journal"
        echo "$tmp/$1.db"
    else
        "$tmp/v3/migrator" "postgresql:///postgres" exec "DROP DATABASE IF EXISTS $1" &&
            "$tmp/v3/migrator" "postgresql:///postgres" exec "CREATE DATABASE $1" &&
            echo "postgresql:///$1"
    fi
}

# sql TARGET SQL: the integer it returns
sql() {
    "$tmp/v3/migrator" "$1" int "$2"
}
