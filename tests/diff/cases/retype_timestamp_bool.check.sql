SELECT id, coalesce(CAST(flag AS INTEGER), -1) FROM events ORDER BY id;
