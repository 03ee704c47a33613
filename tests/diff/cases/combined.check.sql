SELECT p.display_name, count(posts.id) FROM people p JOIN posts ON posts.author_id = p.id GROUP BY p.display_name ORDER BY p.display_name;
