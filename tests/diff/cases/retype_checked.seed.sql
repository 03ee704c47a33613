INSERT INTO readings (id, value, ratio, seen) VALUES (1, '42', 2.75, TRUE), (2, '7', 1.0, FALSE);
