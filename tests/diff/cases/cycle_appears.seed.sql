INSERT INTO profiles (id, bio) VALUES (1, 'hi'); INSERT INTO users (id, email, profile_id) VALUES (1, 'ann@example.com', 1);
