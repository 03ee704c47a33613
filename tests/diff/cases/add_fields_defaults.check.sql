SELECT id, age, plan, CASE WHEN active THEN 'yes' ELSE 'no' END, coalesce(handle, '-') FROM users ORDER BY id;
