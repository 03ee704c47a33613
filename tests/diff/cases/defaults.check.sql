INSERT INTO items (id, name) VALUES (2, 'cup');
SELECT id, qty, coalesce(note, '-') FROM items ORDER BY id;
