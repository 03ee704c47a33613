SELECT 'alpha', id FROM alphas ORDER BY id;
SELECT 'bravo', id FROM bravos ORDER BY id;
SELECT 'charlie', id, coalesce(alpha_id, 0) FROM charlies ORDER BY id;
