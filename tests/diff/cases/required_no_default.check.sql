SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts);
