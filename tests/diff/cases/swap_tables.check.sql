SELECT d.name, c.name FROM cats c JOIN dogs d ON c.pal_id = d.id;
