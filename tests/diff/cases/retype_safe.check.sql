SELECT id, CAST(count * 2 AS INTEGER), flag, coalesce(label, '-') FROM readings ORDER BY id;
