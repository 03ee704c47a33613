SELECT id, coalesce(parent_id, 0) FROM nodes ORDER BY id;
