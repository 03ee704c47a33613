INSERT INTO posts (id, title, status, prior) VALUES (1, 'a', 'published', 'draft'), (2, 'b', 'draft', NULL);
