INSERT INTO blobs (id, raw) VALUES (1, X'C3A9'), (2, X'00FF');
