INSERT INTO shirts (id, color, size) VALUES (1, 'green', 3);
