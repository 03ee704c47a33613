BEGIN;
INSERT INTO profiles (id, bio, owner_id) VALUES (1, 'hi', 1);
INSERT INTO users (id, email, profile_id) VALUES (1, 'ann@example.com', 1);
COMMIT;
