INSERT INTO people (id) VALUES (1);
INSERT INTO boxes (id, size, owner_id) VALUES (1, 2.5, 1), (2, NULL, 7);
