INSERT INTO users (id, email, kind) VALUES (1, 'ann@example.com', 'staff');
INSERT INTO users (id, email, boss_id) VALUES (2, 'bob@example.com', 1);
INSERT INTO posts (id, title, author_id) VALUES (1, 'Hello', 2);
