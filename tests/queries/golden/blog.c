/* ---- queries ---- */

/* ---- row CommentCount ---- */

static const mg_column comment_count_columns[] = {
    { "post_id", MG_TYPE_INT, false, offsetof(struct comment_count, post_id), 0, NULL },
    { "title", MG_TYPE_TEXT, false, offsetof(struct comment_count, title), 0, NULL },
    { "comments", MG_TYPE_INT, true, offsetof(struct comment_count, comments),
      offsetof(struct comment_count, mg_has_comments), NULL },
};
static const mg_model comment_count_model = {
    "CommentCount", "CommentCount", sizeof(struct comment_count), offsetof(struct comment_count, mg_owned),
    3, comment_count_columns
};

void comment_count_free(struct comment_count *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
    row->title = NULL;
}

void comment_count_array_free(struct comment_count_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        comment_count_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* The columns CommentCount declares not null over expressions that may be NULL: a row that
   has NULL there is refused. */
static int comment_count_verify(mg_db *db, const struct comment_count *row, const char *query)
{
    if (!row->mg_has_comments)
        return mg_fail(db, MG_ERROR, "%s: CommentCount.comments is NULL, but declared int",
                       query);
    return MG_OK;
}

/* ---- row CommentLine ---- */

static const mg_column comment_line_columns[] = {
    { "id", MG_TYPE_INT, false, offsetof(struct comment_line, id), 0, NULL },
    { "body", MG_TYPE_TEXT, false, offsetof(struct comment_line, body), 0, NULL },
    { "author_name", MG_TYPE_TEXT, true, offsetof(struct comment_line, author_name), 0, NULL },
};
static const mg_model comment_line_model = {
    "CommentLine", "CommentLine", sizeof(struct comment_line), offsetof(struct comment_line, mg_owned),
    3, comment_line_columns
};

void comment_line_free(struct comment_line *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
    row->body = NULL;
    row->author_name = NULL;
}

void comment_line_array_free(struct comment_line_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        comment_line_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* ---- row CommentIdSum ---- */

static const mg_column comment_id_sum_columns[] = {
    { "post_id", MG_TYPE_INT, false, offsetof(struct comment_id_sum, post_id), 0, NULL },
    { "total", MG_TYPE_INT, true, offsetof(struct comment_id_sum, total),
      offsetof(struct comment_id_sum, mg_has_total), NULL },
};
static const mg_model comment_id_sum_model = {
    "CommentIdSum", "CommentIdSum", sizeof(struct comment_id_sum), offsetof(struct comment_id_sum, mg_owned),
    2, comment_id_sum_columns
};

void comment_id_sum_free(struct comment_id_sum *row)
{
    if (row == NULL || row->mg_owned == NULL)
        return;
    mg_free(row->mg_owned);
    row->mg_owned = NULL;
}

void comment_id_sum_array_free(struct comment_id_sum_array *rows)
{
    size_t i;

    if (rows == NULL)
        return;
    for (i = 0; i < rows->count; i++)
        comment_id_sum_free(&rows->items[i]);
    mg_free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

/* The columns CommentIdSum declares not null over expressions that may be NULL: a row that
   has NULL there is refused. */
static int comment_id_sum_verify(mg_db *db, const struct comment_id_sum *row, const char *query)
{
    if (!row->mg_has_total)
        return mg_fail(db, MG_ERROR, "%s: CommentIdSum.total is NULL, but declared int",
                       query);
    return MG_OK;
}

/* ---- query published_posts ---- */

static const char blog_published_posts_sql[] =
    "SELECT id, title, body, status, published_at, created_at, author_id FROM posts\n"
    "WHERE status = 'published'\n"
    "ORDER BY published_at DESC, id DESC\n"
    "LIMIT ?2 OFFSET (?1 - 1) * ?2";

int blog_published_posts(mg_db *db, int64_t page, int64_t per_page, struct post_array *out)
{
    mg_param mg_params[2];
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_published_posts: out is NULL");
    memset(out, 0, sizeof *out);
    mg_params[0] = mg_param_int(page);
    mg_params[1] = mg_param_int(per_page);
    mg_status = mg_get_rows(db, &post_model, blog_published_posts_sql,
                            mg_params, 2, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query comment_counts ---- */

static const char blog_comment_counts_sql[] =
    "SELECT p.id AS post_id, p.title, count(c.id) AS comments\n"
    "FROM posts p LEFT JOIN comments c ON c.post_id = p.id\n"
    "GROUP BY p.id, p.title\n"
    "ORDER BY p.id";

int blog_comment_counts(mg_db *db, struct comment_count_array *out)
{
    mg_rows mg_found = { NULL, 0 };
    size_t mg_i;
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_comment_counts: out is NULL");
    memset(out, 0, sizeof *out);
    mg_status = mg_get_rows(db, &comment_count_model, blog_comment_counts_sql,
                            NULL, 0, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    for (mg_i = 0; mg_status == MG_OK && mg_i < out->count; mg_i++)
        mg_status = comment_count_verify(db, &out->items[mg_i], "blog_comment_counts");
    if (mg_status != MG_OK)
        comment_count_array_free(out);
    return mg_status;
}

/* ---- query archive_old_drafts ---- */

static const char blog_archive_old_drafts_sql[] =
    "UPDATE posts SET status = 'archived'\n"
    "WHERE status = 'draft' AND created_at < ?1";

int blog_archive_old_drafts(mg_db *db, int64_t before, int64_t *changes)
{
    mg_param mg_params[1];

    mg_params[0] = mg_param_time(before);
    return mg_exec_params(db, blog_archive_old_drafts_sql,
                          mg_params, 1, changes);
}

/* ---- query count_with_status ---- */

static const char blog_count_with_status_sql[] =
    "SELECT count(*) FROM posts WHERE status = ?1";

/* The value of query count_with_status, as the runtime reads it. */
struct blog_count_with_status_value { int64_t value; bool has_value; void *mg_owned; };
static const mg_column blog_count_with_status_value_columns[] = {
    { "count_with_status", MG_TYPE_INT, true, offsetof(struct blog_count_with_status_value, value),
      offsetof(struct blog_count_with_status_value, has_value), NULL }
};
static const mg_model blog_count_with_status_value_model = {
    "count_with_status", "count_with_status", sizeof(struct blog_count_with_status_value), offsetof(struct blog_count_with_status_value, mg_owned),
    1, blog_count_with_status_value_columns
};

int blog_count_with_status(mg_db *db, enum status status, int64_t *out)
{
    mg_param mg_params[1];
    struct blog_count_with_status_value mg_value;
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_count_with_status: out is NULL");
    *out = 0;
    mg_params[0] = mg_param_text(status_name(status));
    if (mg_params[0].null)
        return mg_fail(db, MG_MISUSE, "%s: %d is not a member of enum %s",
                       "blog_count_with_status", (int)status, "Status");
    mg_status = mg_get_row(db, &blog_count_with_status_value_model, blog_count_with_status_sql,
                           mg_params, 1, &mg_value);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "blog_count_with_status: no row");
    if (mg_status != MG_OK)
        return mg_status;
    if (!mg_value.has_value)
        return mg_fail(db, MG_ERROR, "%s: the value is NULL, but the query declares %s",
                       "blog_count_with_status", "int");
    *out = mg_value.value;
    return MG_OK;
}

/* ---- query latest_publication ---- */

static const char blog_latest_publication_sql[] =
    "SELECT max(published_at) FROM posts";

/* The value of query latest_publication, as the runtime reads it. */
struct blog_latest_publication_value { int64_t value; bool has_value; void *mg_owned; };
static const mg_column blog_latest_publication_value_columns[] = {
    { "latest_publication", MG_TYPE_TIME, true, offsetof(struct blog_latest_publication_value, value),
      offsetof(struct blog_latest_publication_value, has_value), NULL }
};
static const mg_model blog_latest_publication_value_model = {
    "latest_publication", "latest_publication", sizeof(struct blog_latest_publication_value), offsetof(struct blog_latest_publication_value, mg_owned),
    1, blog_latest_publication_value_columns
};

int blog_latest_publication(mg_db *db, int64_t *out, bool *has_out)
{
    struct blog_latest_publication_value mg_value;
    int mg_status;

    if (out == NULL || has_out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_latest_publication: %s is NULL", out == NULL ? "out" : "has_out");
    *has_out = false;
    *out = 0;
    mg_status = mg_get_row(db, &blog_latest_publication_value_model, blog_latest_publication_sql,
                           NULL, 0, &mg_value);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "blog_latest_publication: no row");
    if (mg_status != MG_OK)
        return mg_status;
    *out = mg_value.value;
    *has_out = mg_value.has_value;
    return MG_OK;
}

/* ---- query status_of ---- */

static const char blog_status_of_sql[] =
    "SELECT status FROM posts WHERE id = ?1";

/* The value of query status_of, as the runtime reads it. */
struct blog_status_of_value { enum status value; bool has_value; void *mg_owned; };
static const mg_column blog_status_of_value_columns[] = {
    { "status_of", MG_TYPE_ENUM, true, offsetof(struct blog_status_of_value, value),
      offsetof(struct blog_status_of_value, has_value), &status_enum }
};
static const mg_model blog_status_of_value_model = {
    "status_of", "status_of", sizeof(struct blog_status_of_value), offsetof(struct blog_status_of_value, mg_owned),
    1, blog_status_of_value_columns
};

int blog_status_of(mg_db *db, int64_t post, enum status *out)
{
    mg_param mg_params[1];
    struct blog_status_of_value mg_value;
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_status_of: out is NULL");
    *out = 0;
    mg_params[0] = mg_param_int(post);
    mg_status = mg_get_row(db, &blog_status_of_value_model, blog_status_of_sql,
                           mg_params, 1, &mg_value);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "blog_status_of: no row");
    if (mg_status != MG_OK)
        return mg_status;
    if (!mg_value.has_value)
        return mg_fail(db, MG_ERROR, "%s: the value is NULL, but the query declares %s",
                       "blog_status_of", "Status");
    *out = mg_value.value;
    return MG_OK;
}

/* ---- query has_drafts ---- */

static const char blog_has_drafts_sql[] =
    "SELECT EXISTS (SELECT 1 FROM posts WHERE status = 'draft')";

/* The value of query has_drafts, as the runtime reads it. */
struct blog_has_drafts_value { bool value; bool has_value; void *mg_owned; };
static const mg_column blog_has_drafts_value_columns[] = {
    { "has_drafts", MG_TYPE_BOOL, true, offsetof(struct blog_has_drafts_value, value),
      offsetof(struct blog_has_drafts_value, has_value), NULL }
};
static const mg_model blog_has_drafts_value_model = {
    "has_drafts", "has_drafts", sizeof(struct blog_has_drafts_value), offsetof(struct blog_has_drafts_value, mg_owned),
    1, blog_has_drafts_value_columns
};

int blog_has_drafts(mg_db *db, bool *out)
{
    struct blog_has_drafts_value mg_value;
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_has_drafts: out is NULL");
    *out = 0;
    mg_status = mg_get_row(db, &blog_has_drafts_value_model, blog_has_drafts_sql,
                           NULL, 0, &mg_value);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "blog_has_drafts: no row");
    if (mg_status != MG_OK)
        return mg_status;
    if (!mg_value.has_value)
        return mg_fail(db, MG_ERROR, "%s: the value is NULL, but the query declares %s",
                       "blog_has_drafts", "bool");
    *out = mg_value.value;
    return MG_OK;
}

/* ---- query mean_title_length ---- */

static const char blog_mean_title_length_sql[] =
    "SELECT CAST(avg(length(title)) AS DOUBLE PRECISION) FROM posts";

/* The value of query mean_title_length, as the runtime reads it. */
struct blog_mean_title_length_value { double value; bool has_value; void *mg_owned; };
static const mg_column blog_mean_title_length_value_columns[] = {
    { "mean_title_length", MG_TYPE_REAL, true, offsetof(struct blog_mean_title_length_value, value),
      offsetof(struct blog_mean_title_length_value, has_value), NULL }
};
static const mg_model blog_mean_title_length_value_model = {
    "mean_title_length", "mean_title_length", sizeof(struct blog_mean_title_length_value), offsetof(struct blog_mean_title_length_value, mg_owned),
    1, blog_mean_title_length_value_columns
};

int blog_mean_title_length(mg_db *db, double *out, bool *has_out)
{
    struct blog_mean_title_length_value mg_value;
    int mg_status;

    if (out == NULL || has_out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_mean_title_length: %s is NULL", out == NULL ? "out" : "has_out");
    *has_out = false;
    *out = 0;
    mg_status = mg_get_row(db, &blog_mean_title_length_value_model, blog_mean_title_length_sql,
                           NULL, 0, &mg_value);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "blog_mean_title_length: no row");
    if (mg_status != MG_OK)
        return mg_status;
    *out = mg_value.value;
    *has_out = mg_value.has_value;
    return MG_OK;
}

/* ---- query post_titled ---- */

static const char blog_post_titled_sql[] =
    "SELECT id, title, body, status, published_at, created_at, author_id FROM posts WHERE title = ?1 ORDER BY id LIMIT 1";

int blog_post_titled(mg_db *db, const char *title, struct post *out)
{
    mg_param mg_params[1];
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_post_titled: out is NULL");
    memset(out, 0, sizeof *out);
    if (title == NULL)
        return mg_fail(db, MG_MISUSE, "blog_post_titled: title is NULL");
    mg_params[0] = mg_param_text(title);
    mg_status = mg_get_row(db, &post_model, blog_post_titled_sql,
                           mg_params, 1, out);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "blog_post_titled: no row");
    return mg_status;
}

/* ---- query comment_lines ---- */

static const char blog_comment_lines_sql[] =
    "SELECT c.id, c.body, a.name AS author_name\n"
    "FROM comments c LEFT JOIN authors a ON a.id = c.author_id\n"
    "WHERE c.post_id = ?1\n"
    "ORDER BY c.id";

int blog_comment_lines(mg_db *db, int64_t post, struct comment_line_array *out)
{
    mg_param mg_params[1];
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_comment_lines: out is NULL");
    memset(out, 0, sizeof *out);
    mg_params[0] = mg_param_int(post);
    mg_status = mg_get_rows(db, &comment_line_model, blog_comment_lines_sql,
                            mg_params, 1, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query tagged ---- */

static const char blog_tagged_sql[] =
    "SELECT p.id, p.title, p.body, p.status, p.published_at, p.created_at,\n"
    "  p.author_id FROM posts p\n"
    "JOIN taggings tg ON tg.post_id = p.id\n"
    "JOIN tags t ON t.id = tg.tag_id\n"
    "WHERE t.label = ?1\n"
    "ORDER BY p.id";

int blog_tagged(mg_db *db, const char *label, struct post_array *out)
{
    mg_param mg_params[1];
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_tagged: out is NULL");
    memset(out, 0, sizeof *out);
    if (label == NULL)
        return mg_fail(db, MG_MISUSE, "blog_tagged: label is NULL");
    mg_params[0] = mg_param_text(label);
    mg_status = mg_get_rows(db, &post_model, blog_tagged_sql,
                            mg_params, 1, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query search ---- */

static const char blog_search_sql[] =
    "SELECT id, title, body, status, published_at, created_at, author_id FROM posts\n"
    "WHERE (?1 IS NULL OR author_id = ?1)\n"
    "  AND (?2 IS NULL OR status = ?2)\n"
    "  AND (?3 IS NULL OR title LIKE '%' || ?3 || '%')\n"
    "ORDER BY id";

int blog_search(mg_db *db, const int64_t *author, const enum status *status, const char *words,
    struct post_array *out)
{
    mg_param mg_params[3];
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_search: out is NULL");
    memset(out, 0, sizeof *out);
    mg_params[0] = mg_param_null(MG_TYPE_INT);
    if (author != NULL)
        mg_params[0] = mg_param_int(*author);
    mg_params[1] = mg_param_null(MG_TYPE_TEXT);
    if (status != NULL) {
        mg_params[1] = mg_param_text(status_name(*status));
        if (mg_params[1].null)
            return mg_fail(db, MG_MISUSE, "%s: %d is not a member of enum %s",
                           "blog_search", (int)*status, "Status");
    }
    mg_params[2] = mg_param_text(words);
    mg_status = mg_get_rows(db, &post_model, blog_search_sql,
                            mg_params, 3, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query authors_with_avatar ---- */

static const char blog_authors_with_avatar_sql[] =
    "SELECT id, name, email, avatar FROM authors WHERE avatar = ?1 ORDER BY id";

int blog_authors_with_avatar(mg_db *db, mg_blob avatar, struct author_array *out)
{
    mg_param mg_params[1];
    mg_rows mg_found = { NULL, 0 };
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_authors_with_avatar: out is NULL");
    memset(out, 0, sizeof *out);
    if (avatar.data == NULL)
        return mg_fail(db, MG_MISUSE, "blog_authors_with_avatar: avatar is NULL");
    mg_params[0] = mg_param_blob(avatar);
    mg_status = mg_get_rows(db, &author_model, blog_authors_with_avatar_sql,
                            mg_params, 1, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    return mg_status;
}

/* ---- query add_tag ---- */

static const char blog_add_tag_sql[] =
    "INSERT INTO tags (label) VALUES (?1) RETURNING id, label";

int blog_add_tag(mg_db *db, const char *label, struct tag *out)
{
    mg_param mg_params[1];
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_add_tag: out is NULL");
    memset(out, 0, sizeof *out);
    if (label == NULL)
        return mg_fail(db, MG_MISUSE, "blog_add_tag: label is NULL");
    mg_params[0] = mg_param_text(label);
    mg_status = mg_get_row(db, &tag_model, blog_add_tag_sql,
                           mg_params, 1, out);
    if (mg_status == MG_NOTFOUND)
        return mg_fail(db, MG_NOTFOUND, "blog_add_tag: no row");
    return mg_status;
}

/* ---- query comment_id_sums ---- */

static const char blog_comment_id_sums_sql[] =
    "SELECT p.id AS post_id, CAST(sum(c.id) AS BIGINT) AS total\n"
    "FROM posts p LEFT JOIN comments c ON c.post_id = p.id\n"
    "GROUP BY p.id\n"
    "ORDER BY p.id";

int blog_comment_id_sums(mg_db *db, struct comment_id_sum_array *out)
{
    mg_rows mg_found = { NULL, 0 };
    size_t mg_i;
    int mg_status;

    if (out == NULL)
        return mg_fail(db, MG_MISUSE, "blog_comment_id_sums: out is NULL");
    memset(out, 0, sizeof *out);
    mg_status = mg_get_rows(db, &comment_id_sum_model, blog_comment_id_sums_sql,
                            NULL, 0, &mg_found);
    out->items = mg_found.items;
    out->count = mg_found.count;
    for (mg_i = 0; mg_status == MG_OK && mg_i < out->count; mg_i++)
        mg_status = comment_id_sum_verify(db, &out->items[mg_i], "blog_comment_id_sums");
    if (mg_status != MG_OK)
        comment_id_sum_array_free(out);
    return mg_status;
}

/* ---- end queries ---- */
