INSERT INTO teams (id, name) VALUES (1, 'core'), (2, 'web');
INSERT INTO "groups" (id, name) VALUES (1, 'g');
INSERT INTO users (id, email, team_id, group_id, buddy_id, coach_id) VALUES (1, 'ann@example.com', 1, 1, NULL, NULL), (2, 'bob@example.com', 2, NULL, 1, 1);
