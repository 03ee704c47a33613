/* Blobs: embedded NUL bytes, the empty blob (not NULL) and NULL round-trip; a row's text
   and blobs share one block. */
#include "blobs.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

static int same_blob(mg_blob b, const void *data, size_t size)
{
    return b.data != NULL && b.size == size && (size == 0 || memcmp(b.data, data, size) == 0);
}

int main(void)
{
    static const unsigned char bytes[] = {0x00, 0x01, 0x00, 0xff, 0x00};
    struct attachment a, empty, got;
    struct attachment_array all;
    size_t big_size = 1 << 20;
    unsigned char *big = malloc(big_size);

    for (size_t i = 0; i < big_size; i++)
        big[i] = (unsigned char)(i * 7);
    db = open_db(":memory:", blobs_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();

    attachment_init(&a);
    ok(a.ratio == 1.5 && a.data.data == NULL && !a.has_size, "init: the defaults");
    a.name = "nul bytes";
    a.data.data = bytes;
    a.data.size = sizeof bytes;
    is_int(attachment_insert(db, &a), MG_OK, "insert a blob with NUL bytes");
    is_int(attachment_get(db, a.id, &got), MG_OK, "get");
    ok(same_blob(got.data, bytes, sizeof bytes), "every byte came back");
    ok(got.thumb.data == NULL && got.thumb.size == 0, "a NULL blob has data NULL");
    ok(!got.has_size && got.ratio == 1.5, "a NULL int and a real default");
    is_str(got.name, "nul bytes", "the text beside the blobs");
    attachment_free(&got);
    ok(got.data.data == NULL && got.data.size == 0 && got.name == NULL, "free clears them");

    attachment_init(&empty);
    empty.name = "empty";
    empty.data.data = "";
    empty.data.size = 0;
    empty.thumb = empty.data;
    is_int(attachment_insert(db, &empty), MG_OK, "insert empty blobs");
    is_int(attachment_get(db, empty.id, &got), MG_OK, "get");
    ok(same_blob(got.data, "", 0) && same_blob(got.thumb, "", 0),
       "an empty blob is not NULL: data set, size 0");
    is_int(raw_int(db, "SELECT count(*) FROM attachments WHERE thumb IS NOT NULL"), 1,
           "and it is stored as one");
    attachment_free(&got);

    a.thumb.data = big;
    a.thumb.size = big_size;
    a.size = (int64_t)big_size;
    a.has_size = true;
    is_int(attachment_update(db, &a), MG_OK, "update with a 1 MB blob");
    is_int(attachment_all(db, &all), MG_OK, "all");
    ok(all.count == 2 && same_blob(all.items[0].thumb, big, big_size), "the big blob came back");
    ok(all.count == 2 && same_blob(all.items[0].data, bytes, sizeof bytes), "beside the small one");
    ok(all.count == 2 && all.items[0].has_size && all.items[0].size == (int64_t)big_size, "size");
    attachment_array_free(&all);

    a.thumb.data = NULL;
    a.thumb.size = 0;
    is_int(attachment_update(db, &a), MG_OK, "update the blob to NULL");
    is_int(raw_int(db, "SELECT count(*) FROM attachments WHERE thumb IS NULL"), 1, "stored as NULL");
    a.data.data = NULL;
    is_int(attachment_update(db, &a), MG_CONSTRAINT, "NULL in a required blob: MG_CONSTRAINT");
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    free(big);
    return done_testing();
}
