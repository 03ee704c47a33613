INSERT INTO nodes (id, kind, parent_id) VALUES (1, 'branch', NULL), (2, 'leaf', 1), (3, 'leaf', NULL), (4, 'leaf', 2), (5, 'leaf', 3);
