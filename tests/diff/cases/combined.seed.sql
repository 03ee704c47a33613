INSERT INTO users (id, email, name, role) VALUES (1, 'ann@example.com', 'Ann', 'admin'), (2, 'bob@example.com', 'Bob', 'member');
INSERT INTO posts (id, title, body, author_id) VALUES (1, 'Hello', NULL, 1), (2, 'Again', 'x', 2);
