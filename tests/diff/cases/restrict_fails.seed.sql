INSERT INTO tickets (id, kind) VALUES (1, 'closed'), (2, 'open');
INSERT INTO comments (id, ticket_id) VALUES (1, 1), (2, 2);
