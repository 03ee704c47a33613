INSERT INTO users (id, email, phone) VALUES (1, 'ann@example.com', '555'), (2, 'bob@example.com', NULL);
INSERT INTO posts (id, title, author_id) VALUES (1, 'by Ann', 1), (2, 'by Bob', 2);
