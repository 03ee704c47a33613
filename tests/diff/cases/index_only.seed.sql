INSERT INTO members (id, email, city, age) VALUES (1, 'a@example.com', 'Oslo', 30);
