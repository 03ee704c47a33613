INSERT INTO teams (id, name) VALUES (1, 'core'); INSERT INTO users (id, email, team_id, mentor_id) VALUES (1, 'ann@example.com', 1, NULL), (2, 'bob@example.com', NULL, 1);
