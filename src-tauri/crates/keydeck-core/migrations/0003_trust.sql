-- A key's secret is stored under a new keyring item at each rotation (`key/<id>/<rev>`),
-- and the row switches to it in one commit: a crash keeps either the old secret or the new
-- one, never neither. Revision 0 is `key/<id>`.
ALTER TABLE keys ADD COLUMN secret_rev INTEGER NOT NULL DEFAULT 0;

-- Reveals and copies of the full keys remote sources returned (001, 004): the audit trail
-- the vault's own keys keep in key_events.
CREATE TABLE remote_key_events (
    seq    INTEGER PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
    key_id TEXT NOT NULL,
    at     INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    detail TEXT
) STRICT;

CREATE INDEX remote_key_events_key ON remote_key_events (source, key_id, seq);
