INSERT INTO posts (id, title, status, prior, final) VALUES
    (1, 'a', 'review', 'archived', 'published'),
    (2, 'b', 'published', 'draft', 'draft'),
    (3, 'c', 'draft', NULL, 'archived');
