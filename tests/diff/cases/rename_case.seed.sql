INSERT INTO people (id, email, name) VALUES (1, 'a@b.c', NULL);
