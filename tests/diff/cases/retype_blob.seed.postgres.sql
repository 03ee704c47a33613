INSERT INTO blobs (id, raw) VALUES (1, '\xc3a9'), (2, '\x00ff');
