SELECT id, value, ratio, CAST(seen * 10 AS INTEGER) FROM readings ORDER BY id;
