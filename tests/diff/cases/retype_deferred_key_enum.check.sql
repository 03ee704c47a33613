SELECT id, coalesce(kind, '-'), size, box_id FROM items ORDER BY id;
