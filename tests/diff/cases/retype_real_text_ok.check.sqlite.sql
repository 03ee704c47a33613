SELECT id, coalesce(ratio, '-'), at FROM readings ORDER BY id;
