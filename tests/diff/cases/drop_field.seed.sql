INSERT INTO users (id, email, age, nick) VALUES (1, 'ann@example.com', 30, 'a'), (2, 'bob@example.com', NULL, 'b');
