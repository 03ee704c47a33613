INSERT INTO users (id, name, title) VALUES (1, 'Ann', 'Dr'), (2, 'Bob', 'Mr');
