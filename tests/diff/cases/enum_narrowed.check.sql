SELECT id, status, coalesce(prior, '-'), final FROM posts ORDER BY id;
