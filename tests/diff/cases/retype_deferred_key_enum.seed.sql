INSERT INTO boxes (id) VALUES (1);
INSERT INTO items (id, kind, size, box_id) VALUES (1, NULL, NULL, 1), (2, 3, 4, 1);
