-- The seed question's application as Sequelize v6 leaves it on SQLite: sync() creates
-- users (profile_id without a constraint: constraints: false) and profiles (its key to
-- users inline); queryInterface.addConstraint then rebuilds users with the key to profiles,
-- as SQLite can only add a constraint by making the table again.
PRAGMA foreign_keys = OFF;
CREATE TABLE IF NOT EXISTS `users` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `email` VARCHAR(255) NOT NULL UNIQUE, `name` VARCHAR(255), `profile_id` INTEGER, `created_at` DATETIME NOT NULL, `updated_at` DATETIME NOT NULL);
CREATE TABLE IF NOT EXISTS `profiles` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `bio` TEXT, `created_by_user_id` INTEGER NOT NULL REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE, `created_at` DATETIME NOT NULL, `updated_at` DATETIME NOT NULL);
CREATE TABLE IF NOT EXISTS `users_backup` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `email` VARCHAR(255) NOT NULL UNIQUE, `name` VARCHAR(255), `profile_id` INTEGER, `created_at` DATETIME NOT NULL, `updated_at` DATETIME NOT NULL, CONSTRAINT `users_profile_id_profiles_fk` FOREIGN KEY (`profile_id`) REFERENCES `profiles` (`id`));
INSERT INTO `users_backup` SELECT `id`, `email`, `name`, `profile_id`, `created_at`, `updated_at` FROM `users`;
DROP TABLE `users`;
ALTER TABLE `users_backup` RENAME TO `users`;
PRAGMA foreign_keys = ON;
