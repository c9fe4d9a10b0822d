-- Names sort as people read them: case aside, and numbers by value ("key2" before "key10").
-- keydeck writes each name's sort key beside it (text::sort_key; rows from before this
-- migration get theirs when the vault is next opened). The indexes keep the first page of a
-- large listing a walk along them, not a sort. The NOCASE indexes stay for name lookups.
ALTER TABLE keys ADD COLUMN name_key TEXT;
ALTER TABLE remote_keys ADD COLUMN name_key TEXT;
CREATE INDEX keys_name_key ON keys (name_key, name);
CREATE INDEX remote_keys_name_key ON remote_keys (name_key, name);

-- The view carries the sort key too: every listing breaks ties in the same order.
DROP VIEW all_keys;

CREATE VIEW all_keys AS
    SELECT id, name, name_key, mask, scopes, tags, env, 'local' AS source, NULL AS owner,
           '{}' AS details, created_at, updated_at, last_used_at, expires_at, revoked_at,
           revoke_reason, revoked_at IS NOT NULL AS revoked, 1 AS status_known,
           1 AS has_secret, 1 AS has_revoke_request, NULL AS dialect
    FROM keys
    UNION ALL
    SELECT r.id, r.name, r.name_key, r.mask, r.scopes, '[]', r.env, r.source, r.owner,
           r.details, r.created_at, r.updated_at, r.last_used_at, r.expires_at, r.revoked_at,
           NULL, r.revoked, r.status_known, r.has_secret, s.revoke_template IS NOT NULL,
           s.dialect
    FROM remote_keys AS r JOIN sources AS s ON s.name = r.source;
