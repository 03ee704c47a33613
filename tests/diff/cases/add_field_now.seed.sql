INSERT INTO events (id, name) VALUES (1, 'launch');
