INSERT INTO users (id, email, role, code) VALUES (1, 'ann@example.com', 'admin', 'x1'), (2, 'bob@example.com', 'member', 'x2');
