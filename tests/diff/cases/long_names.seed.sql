INSERT INTO people (id) VALUES (1);
INSERT INTO a_table_whose_name_is_long_enough_to_cut_pg_names_short (id, a_rather_long_field_name_here, another_long_association_name_id) VALUES (1, 'x', 1);
