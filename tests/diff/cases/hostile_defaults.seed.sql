INSERT INTO notes (id, body, title, memo) VALUES (1, 'b', 't', NULL);
