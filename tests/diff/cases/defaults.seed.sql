INSERT INTO items (id, name, price) VALUES (1, 'pen', 1.5);
