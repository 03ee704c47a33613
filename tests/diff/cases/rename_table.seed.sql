INSERT INTO entries (id, body, score) VALUES (1, 'a', 3), (2, 'b', 5);
