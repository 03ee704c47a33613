INSERT INTO events (id, flag) VALUES (1, 0), (2, 1), (3, NULL);
