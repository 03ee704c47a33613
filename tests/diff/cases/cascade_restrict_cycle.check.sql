SELECT 'check', id, prev_id FROM checks ORDER BY id;
SELECT 'group', id, team_id FROM "groups" ORDER BY id;
