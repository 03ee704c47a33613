INSERT INTO readings (id, ratio) VALUES (1, 0.5), (2, 0.30000000000000004);
