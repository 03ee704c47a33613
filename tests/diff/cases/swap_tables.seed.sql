INSERT INTO cats (id, name) VALUES (1, 'Tom'); INSERT INTO dogs (id, name, pal_id) VALUES (1, 'Rex', 1);
