INSERT INTO events (id, flag) VALUES (1, to_timestamp(0)), (2, to_timestamp(1)), (3, NULL);
