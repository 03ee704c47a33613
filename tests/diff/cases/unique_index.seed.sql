INSERT INTO members (id, email, nick, city, age) VALUES (1, 'a@example.com', 'a', 'Oslo', 30), (2, 'b@example.com', 'b', 'Oslo', NULL);
