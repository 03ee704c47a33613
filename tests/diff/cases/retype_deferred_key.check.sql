SELECT id, code, box_id FROM items ORDER BY id;
