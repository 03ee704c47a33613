INSERT INTO users (id, email) VALUES (1, 'ann@example.com');
INSERT INTO tags (id, label, owner_id) VALUES (1, 'red', 1), (2, 'blue', NULL);
INSERT INTO taggings (id, tag_id, user_id) VALUES (1, 1, 1);
