SELECT id, coalesce(ratio, '-'), floor(extract(epoch FROM at))::bigint FROM readings ORDER BY id;
