INSERT INTO blobs (id, raw, num, flag) VALUES (1, X'C3A9', X'3432', 1), (2, X'', NULL, 0), (3, X'F09F8E89', X'2D37', 0);
