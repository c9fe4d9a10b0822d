-- The local vault: what listing needs, never a secret (secrets live in the OS keyring).
-- Times are Unix milliseconds (UTC); scopes and tags are JSON arrays of strings.

CREATE TABLE vault_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Ties this vault's keyring items to it (the `keydeck_vault` attribute).
INSERT INTO vault_meta (key, value) VALUES ('vault_id', lower(hex(randomblob(16))));

CREATE TABLE keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    mask          TEXT NOT NULL,
    scopes        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(scopes)),
    tags          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    env           TEXT,
    notes         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    expires_at    INTEGER,
    revoked_at    INTEGER,
    revoke_reason TEXT
) STRICT;

CREATE INDEX keys_expires_at ON keys (expires_at);
CREATE INDEX keys_created_at ON keys (created_at);

-- The audit trail: created, updated, rotated, revoked.
CREATE TABLE key_events (
    seq    INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES keys (id) ON DELETE CASCADE,
    at     INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    detail TEXT
) STRICT;

CREATE INDEX key_events_key ON key_events (key_id, seq);
