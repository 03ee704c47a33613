SELECT id, hex(raw), coalesce(num, 0), hex(flag) FROM blobs ORDER BY id;
