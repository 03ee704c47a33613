INSERT INTO notes (id) VALUES (2);
SELECT id, hex(body), hex(title), hex(memo) FROM notes ORDER BY id;
