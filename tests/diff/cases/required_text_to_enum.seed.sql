INSERT INTO tags (id, label) VALUES (1, 'green'), (2, 'red');
