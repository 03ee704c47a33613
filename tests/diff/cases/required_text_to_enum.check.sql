SELECT id, coalesce(label, '-') FROM tags ORDER BY id;
