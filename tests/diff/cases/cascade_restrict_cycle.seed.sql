BEGIN;
INSERT INTO checks (id, kind, prev_id) VALUES (1, 'branch', 1), (2, 'leaf', 2);
INSERT INTO "groups" (id, team_id) VALUES (1, 1), (2, 2);
COMMIT;
