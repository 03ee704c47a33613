INSERT INTO boxes (id) VALUES (1);
INSERT INTO items (id, code, box_id) VALUES (1, NULL, 1), (2, 5, 1);
