INSERT INTO readings (id, count, flag, label, at, kind) VALUES (1, 3, TRUE, 7, 1700000000, 'a'), (2, 4, FALSE, NULL, 0, 'b');
