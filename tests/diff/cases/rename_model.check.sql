SELECT p.id, p.email, p.kind, coalesce(p.boss_id, 0), count(posts.id) FROM people p LEFT JOIN posts ON posts.author_id = p.id GROUP BY p.id, p.email, p.kind, p.boss_id ORDER BY p.id;
