-- A database no tool of ours made: what the model has no words for, each to be reported.
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN short_text AS varchar(20);
CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    handle varchar(40),
    "displayName" text,
    score smallint DEFAULT 0,
    balance numeric(10, 2) DEFAULT 0.00,
    ratio real,
    uid uuid DEFAULT gen_random_uuid(),
    meta jsonb,
    seen timestamp without time zone DEFAULT CURRENT_TIMESTAMP,
    born date,
    feeling mood DEFAULT 'happy',
    status varchar(20) NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'closed')),
    code short_text,
    tags text[],
    total integer GENERATED ALWAYS AS (score * 2) STORED,
    class text,
    CONSTRAINT accounts_score_positive CHECK (score >= 0)
);
CREATE INDEX accounts_lower_handle ON accounts (lower(handle));
CREATE INDEX accounts_active ON accounts (status) WHERE status <> 'closed';
CREATE INDEX accounts_meta_gin ON accounts USING gin (meta);
CREATE UNIQUE INDEX accounts_uid ON accounts (uid);
CREATE INDEX accounts_score_desc ON accounts (score DESC);
CREATE TABLE memberships (
    account_id integer NOT NULL REFERENCES accounts (id) ON DELETE SET DEFAULT,
    group_name text NOT NULL,
    since timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, group_name)
);
CREATE TABLE audit (
    at timestamptz NOT NULL DEFAULT now(),
    account_id bigint,
    what text,
    CONSTRAINT audit_account FOREIGN KEY (account_id) REFERENCES accounts (id) MATCH FULL
        DEFERRABLE INITIALLY IMMEDIATE
);
CREATE TABLE regions (
    code text PRIMARY KEY,
    name text
);
CREATE TABLE offices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_code text REFERENCES regions (code),
    city text,
    country text,
    FOREIGN KEY (city, country) REFERENCES offices (city, country),
    UNIQUE (city, country)
);
CREATE VIEW active_accounts AS SELECT * FROM accounts WHERE status = 'active';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
