INSERT INTO orders (id, "group", state, from_id) VALUES (1, 'g', 'closed', NULL), (2, 'h', 'open', 1); INSERT INTO "groups" (id, name) VALUES (1, 'x');
