INSERT INTO readings (id, at) VALUES (1, 2.0), (2, 2.75);
