SELECT id, display_name, coalesce(remark, '-') FROM users ORDER BY id;
