INSERT INTO teams (id, name) VALUES (1, 'core'); INSERT INTO users (id, email) VALUES (1, 'ann@example.com');
