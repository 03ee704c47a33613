INSERT INTO users (id, login, admin) VALUES (1, 'ann@example.com', TRUE), (2, 'bob@example.com', FALSE);
