INSERT INTO alphas (id, kind, bravo_id) VALUES (1, 'branch', NULL), (2, 'leaf', NULL), (3, 'leaf', NULL);
INSERT INTO bravos (id, alpha_id) VALUES (1, 1), (2, 2), (3, 3);
UPDATE alphas SET bravo_id = 1 WHERE id = 2;
INSERT INTO charlies (id, alpha_id) VALUES (1, 2), (2, 3);
