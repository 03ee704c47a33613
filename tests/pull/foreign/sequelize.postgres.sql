-- The seed question's application as Sequelize v6 leaves it on PostgreSQL: sync() creates
-- users first, its profile_id without a constraint (constraints: false), then profiles
-- with its key to users inline; the key from users to profiles is added afterwards by
-- queryInterface.addConstraint, under Sequelize's default name for it.
CREATE TABLE IF NOT EXISTS "users" (
    "id" SERIAL,
    "email" VARCHAR(255) NOT NULL UNIQUE,
    "name" VARCHAR(255),
    "profile_id" INTEGER,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "profiles" (
    "id" SERIAL,
    "bio" TEXT,
    "created_by_user_id" INTEGER NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY ("id")
);
ALTER TABLE "users" ADD CONSTRAINT "users_profile_id_profiles_fk"
    FOREIGN KEY ("profile_id") REFERENCES "profiles" ("id");
