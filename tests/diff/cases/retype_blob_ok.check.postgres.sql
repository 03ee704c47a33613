SELECT id, upper(encode(convert_to(raw, 'UTF8'), 'hex')), coalesce(num, 0), upper(encode(flag, 'hex')) FROM blobs ORDER BY id;
