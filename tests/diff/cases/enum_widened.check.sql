UPDATE posts SET status = 'review' WHERE id = 2;
SELECT id, status, coalesce(prior, '-') FROM posts ORDER BY id;
