SELECT id, coalesce(size, -1) FROM boxes ORDER BY id;
