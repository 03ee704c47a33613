SELECT id, '[' || bio || ']', age FROM users ORDER BY id;
