INSERT INTO users (id, email, nick, bio, age) VALUES (1, 'ann@example.com', 'a', 'hi', 30), (2, 'bob@example.com', 'b', NULL, NULL);
