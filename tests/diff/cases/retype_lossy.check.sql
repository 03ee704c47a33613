SELECT id, value, ratio, CAST(seen AS INTEGER) FROM readings ORDER BY id;
