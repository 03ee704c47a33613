INSERT INTO blobs (id, raw, num, flag) VALUES (1, '\xc3a9', '\x3432', true), (2, '\x', NULL, false), (3, '\xf09f8e89', '\x2d37', false);
