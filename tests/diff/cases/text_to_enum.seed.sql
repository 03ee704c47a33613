INSERT INTO tickets (id, level) VALUES (1, 'high'), (2, 'urgent');
