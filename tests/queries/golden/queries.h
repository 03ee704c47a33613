/* ---- queries ---- */

/* row PostAuthor, returned by query post_authors */
struct post_author {
    const char *title;   /* text */
    const char *name;    /* text */
    int64_t replies;     /* int, declared: a NULL fails the read */
    bool mg_has_replies; /* private: whether the library read a value */
    void *mg_owned;      /* private: the block the library allocated */
};
struct post_author_array { struct post_author *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void post_author_free(struct post_author *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void post_author_array_free(struct post_author_array *rows);

/* row Parent, returned by query parents */
struct parent {
    const char *title;        /* text? */
    const char *parent_title; /* text? */
    const char *label;        /* text */
    void *mg_owned;           /* private: the block the library allocated */
};
struct parent_array { struct parent *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void parent_free(struct parent *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void parent_array_free(struct parent_array *rows);

/* row Nested, returned by query nested */
struct nested {
    const char *label;     /* text */
    const char *title;     /* text? */
    const char *cte_title; /* text? */
    void *mg_owned;        /* private: the block the library allocated */
};
struct nested_array { struct nested *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void nested_free(struct nested *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void nested_array_free(struct nested_array *rows);

/* row Casts, returned by query casts */
struct casts {
    int64_t n;         /* int? */
    bool has_n;        /* false: n is NULL */
    const char *shout; /* text? */
    int64_t count;     /* int, declared: a NULL fails the read */
    const char *title; /* text */
    bool mg_has_count; /* private: whether the library read a value */
    void *mg_owned;    /* private: the block the library allocated */
};
struct casts_array { struct casts *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void casts_free(struct casts *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void casts_array_free(struct casts_array *rows);

/* row Name, returned by query names */
struct name {
    const char *name; /* text */
    void *mg_owned;   /* private: the block the library allocated */
};
struct name_array { struct name *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void name_free(struct name *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void name_array_free(struct name_array *rows);

/* row Moods, returned by query mood */
struct moods {
    enum mood mood; /* Mood, declared: a NULL fails the read */
    void *mg_owned; /* private: the block the library allocated */
};
struct moods_array { struct moods *items; size_t count; };
/* Frees what the library allocated into *row and sets its text and blob members to NULL.
   NULL is fine. */
void moods_free(struct moods *row);
/* Frees every item and the array, leaving it empty. NULL is fine. */
void moods_array_free(struct moods_array *rows);

/* query published_posts(limit int, offset int) -> many Post
   Reads every row it returns, in its order, into *out. */
int queries_published_posts(mg_db *db, int64_t limit, int64_t offset, struct post_array *out);

/* query first_post_of(author User) -> Post
   Reads the first row it returns into *out; MG_NOTFOUND when there is none. */
int queries_first_post_of(mg_db *db, int64_t author, struct post *out);

/* query post_authors(status Status?) -> many PostAuthor
   Reads every row it returns, in its order, into *out. */
int queries_post_authors(mg_db *db, const enum status *status, struct post_author_array *out);

/* query post_author(id Post) -> PostAuthor
   Reads the first row it returns into *out; MG_NOTFOUND when there is none. */
int queries_post_author(mg_db *db, int64_t id, struct post_author *out);

/* query parents() -> many Parent
   Reads every row it returns, in its order, into *out. */
int queries_parents(mg_db *db, struct parent_array *out);

/* query nested() -> many Nested
   Reads every row it returns, in its order, into *out. */
int queries_nested(mg_db *db, struct nested_array *out);

/* query casts() -> many Casts
   Reads every row it returns, in its order, into *out. */
int queries_casts(mg_db *db, struct casts_array *out);

/* query names() -> many Name
   Reads every row it returns, in its order, into *out. */
int queries_names(mg_db *db, struct name_array *out);

/* query mood() -> many Moods
   Reads every row it returns, in its order, into *out. */
int queries_mood(mg_db *db, struct moods_array *out);

/* query post_count(status Status) -> int
   Sets *out to the value it returns: MG_NOTFOUND when it returns no row, MG_ERROR when
   the value is NULL. */
int queries_post_count(mg_db *db, enum status status, int64_t *out);

/* query latest_time() -> timestamp?
   Sets *out to the value it returns and *has_out to whether there is one (false: NULL);
   MG_NOTFOUND when it returns no row. */
int queries_latest_time(mg_db *db, int64_t *out, bool *has_out);

/* query archive_old_drafts(before timestamp)
   Runs the statement; *changes (NULL is fine) is the number of rows it changed. */
int queries_archive_old_drafts(mg_db *db, int64_t before, int64_t *changes);

/* query add_tag(label text) -> Tag
   Reads the first row it returns into *out; MG_NOTFOUND when there is none. */
int queries_add_tag(mg_db *db, const char *label, struct tag *out);

/* query query(query text) -> many Tag
   Reads every row it returns, in its order, into *out. */
int queries_query(mg_db *db, const char *query, struct tag_array *out);

/* ---- end queries ---- */
