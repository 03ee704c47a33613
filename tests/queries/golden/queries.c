/* ---- queries ---- */

/* enum Mood as the runtime reads it in the queries' results */
static const char *const mood_query_members[] = { "calm", "busy" };
static const mg_enum mood_query_enum = { "Mood", mood_query_members, 2 };
typedef char mood_query_is_int_sized[sizeof(enum mood) == sizeof(int) ? 1 : -1];

/* ---- row PostAuthor ---- */

static const mg_column post_author_columns[] = {
    { "title", MG_TYPE_TEXT, false, offsetof(struct post_author, title), 0, NULL },
    { "name", MG_TYPE_TEXT, false, offsetof(struct post_author, name), 0, NULL },
    { "replies", MG_TYPE_INT, true, offsetof(struct post_author, replies),
      offsetof(struct post_author, mg_has_replies), NULL },
};
static const mg_model post_author_model = {
    "PostAuthor", "PostAuthor", sizeof(struct post_author), offsetof(struct post_author, mg_owned),
    3, post_author_columns
};

void post_author_free(struct post_author *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
    row->title = NULL;
    row->name = NULL;
}

void post_author_array_free(struct post_author_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        post_author_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* The columns PostAuthor declares not null over expressions that may be NULL: a row that
   has NULL there is refused. */
static int post_author_verify(mg_db *db, const struct post_author *row, const char *query)
{
    if (!row->mg_has_replies)
        return mg_fail(db, MG_ERROR, "%s: PostAuthor.replies is NULL, but declared int",
                       query);
    return MG_OK;
}

/* ---- row Parent ---- */

static const mg_column parent_columns[] = {
    { "title", MG_TYPE_TEXT, true, offsetof(struct parent, title), 0, NULL },
    { "parent_title", MG_TYPE_TEXT, true, offsetof(struct parent, parent_title), 0, NULL },
    { "label", MG_TYPE_TEXT, false, offsetof(struct parent, label), 0, NULL },
};
static const mg_model parent_model = {
    "Parent", "Parent", sizeof(struct parent), offsetof(struct parent, mg_owned),
    3, parent_columns
};

void parent_free(struct parent *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
    row->title = NULL;
    row->parent_title = NULL;
    row->label = NULL;
}

void parent_array_free(struct parent_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        parent_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* ---- row Nested ---- */

static const mg_column nested_columns[] = {
    { "label", MG_TYPE_TEXT, false, offsetof(struct nested, label), 0, NULL },
    { "title", MG_TYPE_TEXT, true, offsetof(struct nested, title), 0, NULL },
    { "cte_title", MG_TYPE_TEXT, true, offsetof(struct nested, cte_title), 0, NULL },
};
static const mg_model nested_model = {
    "Nested", "Nested", sizeof(struct nested), offsetof(struct nested, mg_owned),
    3, nested_columns
};

void nested_free(struct nested *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
    row->label = NULL;
    row->title = NULL;
    row->cte_title = NULL;
}

void nested_array_free(struct nested_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        nested_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* ---- row Casts ---- */

static const mg_column casts_columns[] = {
    { "n", MG_TYPE_INT, true, offsetof(struct casts, n), offsetof(struct casts, has_n), NULL },
    { "shout", MG_TYPE_TEXT, true, offsetof(struct casts, shout), 0, NULL },
    { "count", MG_TYPE_INT, true, offsetof(struct casts, count),
      offsetof(struct casts, mg_has_count), NULL },
    { "title", MG_TYPE_TEXT, false, offsetof(struct casts, title), 0, NULL },
};
static const mg_model casts_model = {
    "Casts", "Casts", sizeof(struct casts), offsetof(struct casts, mg_owned),
    4, casts_columns
};

void casts_free(struct casts *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
    row->shout = NULL;
    row->title = NULL;
}

void casts_array_free(struct casts_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        casts_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* The columns Casts declares not null over expressions that may be NULL: a row that
   has NULL there is refused. */
static int casts_verify(mg_db *db, const struct casts *row, const char *query)
{
    if (!row->mg_has_count)
        return mg_fail(db, MG_ERROR, "%s: Casts.count is NULL, but declared int",
                       query);
    return MG_OK;
}

/* ---- row Name ---- */

static const mg_column name_columns[] = {
    { "name", MG_TYPE_TEXT, false, offsetof(struct name, name), 0, NULL },
};
static const mg_model name_model = {
    "Name", "Name", sizeof(struct name), offsetof(struct name, mg_owned),
    1, name_columns
};

void name_free(struct name *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
    row->name = NULL;
}

void name_array_free(struct name_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        name_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* ---- row Moods ---- */

static const mg_column moods_columns[] = {
    { "mood", MG_TYPE_ENUM, false, offsetof(struct moods, mood), 0, &mood_query_enum },
};
static const mg_model moods_model = {
    "Moods", "Moods", sizeof(struct moods), offsetof(struct moods, mg_owned),
    1, moods_columns
};

void moods_free(struct moods *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
}

void moods_array_free(struct moods_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        moods_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* ---- query published_posts ---- */

static const char queries_published_posts_sql[] =
    "SELECT id, title, body, status, published_at, author_id, parent_id FROM posts\n"
    "WHERE status = 'published'\n"
    "ORDER BY published_at DESC, id\n"
    "LIMIT ?1 OFFSET ?2";

int queries_published_posts(mg_db *db, int64_t limit, int64_t offset, struct post_array *out)
{
    mg_param mg_params[2];
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_published_posts: out is NULL");
    memset(out, 0, sizeof *out);
    mg_params[0] = mg_param_int(limit);
    mg_params[1] = mg_param_int(offset);
    mg_status = mg_get_rows(db, &post_model, queries_published_posts_sql,
                            mg_params, 2, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query first_post_of ---- */

static const char queries_first_post_of_sql[] =
    "SELECT p.id, p.title, p.body, p.status, p.published_at, p.author_id,\n"
    "  p.parent_id FROM posts p LEFT JOIN posts parent ON parent.id = p.parent_id\n"
    "WHERE p.author_id = ?1 ORDER BY p.id LIMIT 1";

int queries_first_post_of(mg_db *db, int64_t author, struct post *out)
{
    mg_param mg_params[1];
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_first_post_of: out is NULL");
    memset(out, 0, sizeof *out);
    mg_params[0] = mg_param_int(author);
    mg_status = mg_get_row(db, &post_model, queries_first_post_of_sql,
                           mg_params, 1, out);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "queries_first_post_of: no row");
    return mg_status;
}

/* ---- query post_authors ---- */

static const char queries_post_authors_sql[] =
    "SELECT p.title, u.name, (SELECT count(*) FROM posts r WHERE r.parent_id = p.id) AS replies\n"
    "FROM posts p JOIN users u ON u.id = p.author_id\n"
    "WHERE ?1 IS NULL OR p.status = ?1";

int queries_post_authors(mg_db *db, const enum status *status, struct post_author_array *out)
{
    mg_param mg_params[1];
    mg_rows mg_found = { NULL, 0 };
    size_t mg_i;
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_post_authors: out is NULL");
    memset(out, 0, sizeof *out);
    mg_params[0] = mg_param_null(MG_TYPE_TEXT);
    if (status != NULL) {
        mg_params[0] = mg_param_text(status_name(*status));
        if (mg_params[0].null)
            return mg_fail(db, MG_MISUSE, "%s: %d is not a member of enum %s",
                           "queries_post_authors", (int)*status, "Status");
    }
    mg_status = mg_get_rows(db, &post_author_model, queries_post_authors_sql,
                            mg_params, 1, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    for (mg_i = 0; mg_status == MG_OK && mg_i < out->count; mg_i++)
        mg_status = post_author_verify(db, &out->items[mg_i], "queries_post_authors");
    if (mg_status != MG_OK)
        post_author_array_free(out);
    return mg_status;
}

/* ---- query post_author ---- */

static const char queries_post_author_sql[] =
    "SELECT p.title, u.name, CAST(0 AS INTEGER) AS replies\n"
    "FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ?1";

int queries_post_author(mg_db *db, int64_t id, struct post_author *out)
{
    mg_param mg_params[1];
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_post_author: out is NULL");
    memset(out, 0, sizeof *out);
    mg_params[0] = mg_param_int(id);
    mg_status = mg_get_row(db, &post_author_model, queries_post_author_sql,
                           mg_params, 1, out);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "queries_post_author: no row");
    if (mg_status == MG_OK)
        mg_status = post_author_verify(db, out, "queries_post_author");
    if (mg_status != MG_OK)
        post_author_free(out);
    return mg_status;
}

/* ---- query parents ---- */

static const char queries_parents_sql[] =
    "SELECT p.title, parent.title AS parent_title, t.label\n"
    "FROM posts p LEFT JOIN posts parent ON parent.id = p.parent_id\n"
    "RIGHT JOIN tags t ON t.id = p.id";

int queries_parents(mg_db *db, struct parent_array *out)
{
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_parents: out is NULL");
    memset(out, 0, sizeof *out);
    mg_status = mg_get_rows(db, &parent_model, queries_parents_sql,
                            NULL, 0, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query nested ---- */

static const char queries_nested_sql[] =
    "WITH x AS (SELECT id, title FROM posts)\n"
    "SELECT t.label, p.title, x.title AS cte_title\n"
    "FROM tags t LEFT JOIN (posts p JOIN users u ON u.id = p.author_id) ON p.id = t.id\n"
    "LEFT JOIN x ON x.id = t.id";

int queries_nested(mg_db *db, struct nested_array *out)
{
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_nested: out is NULL");
    memset(out, 0, sizeof *out);
    mg_status = mg_get_rows(db, &nested_model, queries_nested_sql,
                            NULL, 0, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query casts ---- */

static const char queries_casts_sql[] =
    "SELECT CAST(id AS BIGINT) AS n, CAST(upper(title) AS TEXT) AS shout, count(*) AS count, title\n"
    "FROM posts GROUP BY id, title";

int queries_casts(mg_db *db, struct casts_array *out)
{
    mg_rows mg_found = { NULL, 0 };
    size_t mg_i;
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_casts: out is NULL");
    memset(out, 0, sizeof *out);
    mg_status = mg_get_rows(db, &casts_model, queries_casts_sql,
                            NULL, 0, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    for (mg_i = 0; mg_status == MG_OK && mg_i < out->count; mg_i++)
        mg_status = casts_verify(db, &out->items[mg_i], "queries_casts");
    if (mg_status != MG_OK)
        casts_array_free(out);
    return mg_status;
}

/* ---- query names ---- */

static const char queries_names_sql[] =
    "SELECT title AS name FROM posts UNION SELECT label FROM tags ORDER BY name";

int queries_names(mg_db *db, struct name_array *out)
{
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_names: out is NULL");
    memset(out, 0, sizeof *out);
    mg_status = mg_get_rows(db, &name_model, queries_names_sql,
                            NULL, 0, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query mood ---- */

static const char queries_mood_sql[] =
    "SELECT CASE WHEN count(*) > 2 THEN 'busy' ELSE 'calm' END AS mood FROM posts";

int queries_mood(mg_db *db, struct moods_array *out)
{
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_mood: out is NULL");
    memset(out, 0, sizeof *out);
    mg_status = mg_get_rows(db, &moods_model, queries_mood_sql,
                            NULL, 0, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query post_count ---- */

static const char queries_post_count_sql[] =
    "SELECT count(*) FROM posts WHERE status = ?1";

/* The value of query post_count, as the runtime reads it. */
struct queries_post_count_value { int64_t value; bool has_value; void *mg_owned; };
static const mg_column queries_post_count_value_columns[] = {
    { "post_count", MG_TYPE_INT, true, offsetof(struct queries_post_count_value, value),
      offsetof(struct queries_post_count_value, has_value), NULL }
};
static const mg_model queries_post_count_value_model = {
    "post_count", "post_count", sizeof(struct queries_post_count_value), offsetof(struct queries_post_count_value, mg_owned),
    1, queries_post_count_value_columns
};

int queries_post_count(mg_db *db, enum status status, int64_t *out)
{
    mg_param mg_params[1];
    struct queries_post_count_value mg_value;
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_post_count: out is NULL");
    *out = 0;
    mg_params[0] = mg_param_text(status_name(status));
    if (mg_params[0].null)
        return mg_fail(db, MG_MISUSE, "%s: %d is not a member of enum %s",
                       "queries_post_count", (int)status, "Status");
    mg_status = mg_get_row(db, &queries_post_count_value_model, queries_post_count_sql,
                           mg_params, 1, &mg_value);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "queries_post_count: no row");
    if (mg_status != MG_OK)
        return mg_status;
    if (!mg_value.has_value)
        return mg_fail(db, MG_ERROR, "%s: the value is NULL, but the query declares %s",
                       "queries_post_count", "int");
    *out = mg_value.value;
    return MG_OK;
}

/* ---- query latest_time ---- */

static const char queries_latest_time_sql[] =
    "SELECT max(published_at) FROM posts";

/* The value of query latest_time, as the runtime reads it. */
struct queries_latest_time_value { int64_t value; bool has_value; void *mg_owned; };
static const mg_column queries_latest_time_value_columns[] = {
    { "latest_time", MG_TYPE_TIME, true, offsetof(struct queries_latest_time_value, value),
      offsetof(struct queries_latest_time_value, has_value), NULL }
};
static const mg_model queries_latest_time_value_model = {
    "latest_time", "latest_time", sizeof(struct queries_latest_time_value), offsetof(struct queries_latest_time_value, mg_owned),
    1, queries_latest_time_value_columns
};

int queries_latest_time(mg_db *db, int64_t *out, bool *has_out)
{
    struct queries_latest_time_value mg_value;
    int mg_status;

    if (out == NULL || has_out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_latest_time: %s is NULL", out == NULL ? "out" : "has_out");
    *has_out = false;
    *out = 0;
    mg_status = mg_get_row(db, &queries_latest_time_value_model, queries_latest_time_sql,
                           NULL, 0, &mg_value);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "queries_latest_time: no row");
    if (mg_status != MG_OK)
        return mg_status;
    *out = mg_value.value;
    *has_out = mg_value.has_value;
    return MG_OK;
}

/* ---- query archive_old_drafts ---- */

static const char queries_archive_old_drafts_sql[] =
    "UPDATE posts SET status = 'archived'\n"
    "WHERE status = 'draft' AND published_at < ?1";

int queries_archive_old_drafts(mg_db *db, int64_t before, int64_t *changes)
{
    mg_param mg_params[1];

    mg_params[0] = mg_param_time(before);
    return mg_exec_params(db, queries_archive_old_drafts_sql,
                          mg_params, 1, changes);
}

/* ---- query add_tag ---- */

static const char queries_add_tag_sql[] =
    "INSERT INTO tags (label) VALUES (?1) RETURNING id, label";

int queries_add_tag(mg_db *db, const char *label, struct tag *out)
{
    mg_param mg_params[1];
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_add_tag: out is NULL");
    memset(out, 0, sizeof *out);
    if (label == NULL)
        return mg_fail(db, MG_MISUSE, "queries_add_tag: label is NULL");
    mg_params[0] = mg_param_text(label);
    mg_status = mg_get_row(db, &tag_model, queries_add_tag_sql,
                           mg_params, 1, out);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "queries_add_tag: no row");
    return mg_status;
}

/* ---- query query ---- */

static const char queries_query_sql[] =
    "SELECT id, label FROM tags WHERE label = ?1";

int queries_query(mg_db *db, const char *query, struct tag_array *out)
{
    mg_param mg_params[1];
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "queries_query: out is NULL");
    memset(out, 0, sizeof *out);
    if (query == NULL)
        return mg_fail(db, MG_MISUSE, "queries_query: query is NULL");
    mg_params[0] = mg_param_text(query);
    mg_status = mg_get_rows(db, &tag_model, queries_query_sql,
                            mg_params, 1, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- end queries ---- */
