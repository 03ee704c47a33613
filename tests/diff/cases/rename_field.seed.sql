INSERT INTO users (id, email, name, note) VALUES (1, 'ann@example.com', 'Ann', 'hi'), (2, 'bob@example.com', 'Bob', NULL);
