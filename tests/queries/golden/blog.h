/* ---- queries ---- */

/* row CommentCount, returned by query comment_counts */
struct comment_count {
    int64_t post_id;      /* int */
    const char *title;    /* text */
    int64_t comments;     /* int, declared: a NULL fails the read */
    bool mg_has_comments; /* private: whether the library read a value */
    void *mg_owned;       /* private: the block the library allocated */
};
struct comment_count_array { struct comment_count *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void comment_count_free(struct comment_count *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void comment_count_array_free(struct comment_count_array *rows);

/* row CommentLine, returned by query comment_lines */
struct comment_line {
    int64_t id;              /* int */
    const char *body;        /* text */
    const char *author_name; /* text? */
    void *mg_owned;          /* private: the block the library allocated */
};
struct comment_line_array { struct comment_line *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void comment_line_free(struct comment_line *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void comment_line_array_free(struct comment_line_array *rows);

/* row CommentIdSum, returned by query comment_id_sums */
struct comment_id_sum {
    int64_t post_id;   /* int */
    int64_t total;     /* int, declared: a NULL fails the read */
    bool mg_has_total; /* private: whether the library read a value */
    void *mg_owned;    /* private: the block the library allocated */
};
struct comment_id_sum_array { struct comment_id_sum *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void comment_id_sum_free(struct comment_id_sum *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void comment_id_sum_array_free(struct comment_id_sum_array *rows);

/* query published_posts(page int, per_page int) -> many Post
   Reads every row it returns, in its order, into *out. */
int blog_published_posts(mg_db *db, int64_t page, int64_t per_page, struct post_array *out);

/* query comment_counts() -> many CommentCount
   Reads every row it returns, in its order, into *out. */
int blog_comment_counts(mg_db *db, struct comment_count_array *out);

/* query archive_old_drafts(before timestamp)
   Runs the statement; *changes (NULL is fine) is the number of rows it changed. */
int blog_archive_old_drafts(mg_db *db, int64_t before, int64_t *changes);

/* query count_with_status(status Status) -> int
   Sets *out to the value it returns: MG_NOTFOUND when it returns no row, MG_ERROR when
   the value is NULL. */
int blog_count_with_status(mg_db *db, enum status status, int64_t *out);

/* query latest_publication() -> timestamp?
   Sets *out to the value it returns and *has_out to whether there is one (false: NULL);
   MG_NOTFOUND when it returns no row. */
int blog_latest_publication(mg_db *db, int64_t *out, bool *has_out);

/* query status_of(post Post) -> Status
   Sets *out to the value it returns: MG_NOTFOUND when it returns no row, MG_ERROR when
   the value is NULL. */
int blog_status_of(mg_db *db, int64_t post, enum status *out);

/* query has_drafts() -> bool
   Sets *out to the value it returns: MG_NOTFOUND when it returns no row, MG_ERROR when
   the value is NULL. */
int blog_has_drafts(mg_db *db, bool *out);

/* query mean_title_length() -> real?
   Sets *out to the value it returns and *has_out to whether there is one (false: NULL);
   MG_NOTFOUND when it returns no row. */
int blog_mean_title_length(mg_db *db, double *out, bool *has_out);

/* query post_titled(title text) -> Post
   Reads the first row it returns into *out; MG_NOTFOUND when there is none. */
int blog_post_titled(mg_db *db, const char *title, struct post *out);

/* query comment_lines(post Post) -> many CommentLine
   Reads every row it returns, in its order, into *out. */
int blog_comment_lines(mg_db *db, int64_t post, struct comment_line_array *out);

/* query tagged(label text) -> many Post
   Reads every row it returns, in its order, into *out. */
int blog_tagged(mg_db *db, const char *label, struct post_array *out);

/* query search(author Author?, status Status?, words text?) -> many Post
   Reads every row it returns, in its order, into *out. */
int blog_search(mg_db *db, const int64_t *author, const enum status *status, const char *words,
    struct post_array *out);

/* query authors_with_avatar(avatar blob) -> many Author
   Reads every row it returns, in its order, into *out. */
int blog_authors_with_avatar(mg_db *db, mg_blob avatar, struct author_array *out);

/* query add_tag(label text) -> Tag
   Reads the first row it returns into *out; MG_NOTFOUND when there is none. */
int blog_add_tag(mg_db *db, const char *label, struct tag *out);

/* query comment_id_sums() -> many CommentIdSum
   Reads every row it returns, in its order, into *out. */
int blog_comment_id_sums(mg_db *db, struct comment_id_sum_array *out);

/* ---- end queries ---- */
