-- Remote sources and the cached listing of each. Credentials and full keys live in the
-- OS keyring (user `source:<name>` and `remote:<source>:<id>`), never here.

CREATE TABLE sources (
    name            TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    dialect         TEXT NOT NULL CHECK (dialect IN ('000', '001', '002', '003', '004')),
    auth_header     TEXT,
    auth_scheme     TEXT,
    user_id         TEXT,
    revoke_template TEXT,
    allow_insecure  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    synced_at       INTEGER,
    last_attempt_at INTEGER,
    -- The error of the last sync when it failed (JSON), NULL when it worked.
    last_error      TEXT CHECK (last_error IS NULL OR json_valid(last_error))
) STRICT;

-- The listing of each source as of its last successful sync, replaced whole by each sync.
CREATE TABLE remote_keys (
    source       TEXT NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    mask         TEXT NOT NULL,
    scopes       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(scopes)),
    env          TEXT,
    owner        TEXT,
    details      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
    created_at   INTEGER,
    updated_at   INTEGER,
    last_used_at INTEGER,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    revoked      INTEGER NOT NULL DEFAULT 0,
    -- 0 where the dialect says nothing about revocation or expiry (003).
    status_known INTEGER NOT NULL DEFAULT 1,
    -- 1 where the dialect returned the full key (001, 004), kept in the keyring.
    has_secret   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, id)
) STRICT;

-- Every key keydeck can list, in one shape: the vault's and each source's cached ones.
CREATE VIEW all_keys AS
    SELECT id, name, mask, scopes, tags, env, 'local' AS source, NULL AS owner,
           '{}' AS details, created_at, updated_at, last_used_at, expires_at, revoked_at,
           revoke_reason, revoked_at IS NOT NULL AS revoked, 1 AS status_known
    FROM keys
    UNION ALL
    SELECT id, name, mask, scopes, '[]', env, source, owner, details, created_at,
           updated_at, last_used_at, expires_at, revoked_at, NULL, revoked, status_known
    FROM remote_keys;
