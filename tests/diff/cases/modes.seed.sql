INSERT INTO clinics (id, name) VALUES (1, 'North'); INSERT INTO vets (id, name, clinic_id, backup_id) VALUES (1, 'Vera', 1, 1);
