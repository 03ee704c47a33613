-- An SQLite database no tool of ours made: what the model has no words for, each to be
-- reported.
CREATE TABLE accounts (
    id integer PRIMARY KEY AUTOINCREMENT,
    handle nvarchar(40) COLLATE NOCASE,
    active BOOLEAN DEFAULT 1,
    flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    score TINYINT DEFAULT 0,
    balance DECIMAL(10, 2) DEFAULT 0.00,
    ratio DOUBLE,
    uid UUID,
    anything,
    seen DATETIME DEFAULT CURRENT_TIMESTAMP,
    stamp INTEGER DEFAULT (strftime('%s', 'now')),
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'closed')),
    kind TEXT CHECK (kind IN ('a b', 'c')),
    odd TEXT CHECK (length(odd) < 10),
    total INTEGER GENERATED ALWAYS AS (score * 2) VIRTUAL,
    "default" TEXT,
    created_at INTEGER
);
CREATE INDEX accounts_lower_handle ON accounts (lower(handle));
CREATE INDEX accounts_active ON accounts (status) WHERE status <> 'closed';
CREATE UNIQUE INDEX accounts_uid ON accounts (uid);
CREATE INDEX accounts_score_desc ON accounts (score DESC);
CREATE INDEX accounts_status_idx ON accounts (status);
CREATE INDEX accounts_status_again ON accounts (status);
CREATE TABLE memberships (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE SET DEFAULT,
    group_name TEXT NOT NULL,
    PRIMARY KEY (account_id, group_name)
) WITHOUT ROWID;
CREATE TABLE notes (
    id INT PRIMARY KEY,
    account_id INTEGER REFERENCES accounts DEFERRABLE INITIALLY DEFERRED,
    body TEXT
);
CREATE VIEW active_accounts AS SELECT * FROM accounts WHERE status = 'active';
CREATE TRIGGER accounts_touch AFTER UPDATE ON accounts BEGIN SELECT 1; END;
CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(body);
