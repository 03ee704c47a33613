INSERT INTO notes (id) VALUES (2);
SELECT id, upper(encode(convert_to(body, 'UTF8'), 'hex')), upper(encode(convert_to(title, 'UTF8'), 'hex')), upper(encode(convert_to(memo, 'UTF8'), 'hex')) FROM notes ORDER BY id;
