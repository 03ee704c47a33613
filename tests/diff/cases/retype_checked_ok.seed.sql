INSERT INTO readings (id, value, ratio, seen) VALUES (1, '42', 2.0, TRUE), (2, '-7', -3.0, FALSE), (3, '9223372036854775807', -9223372036854775808.0, FALSE);
