SELECT id, level FROM tickets ORDER BY id;
