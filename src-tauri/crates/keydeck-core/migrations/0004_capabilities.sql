-- What keydeck can do with each key, listed with it so no front end works it out again:
-- reveal and copy need a secret (a remote key has one only where its dialect returns full
-- keys), revoke needs an unrevoked key and, for a remote key, its source's revoke request.
DROP VIEW all_keys;

CREATE VIEW all_keys AS
    SELECT id, name, mask, scopes, tags, env, 'local' AS source, NULL AS owner,
           '{}' AS details, created_at, updated_at, last_used_at, expires_at, revoked_at,
           revoke_reason, revoked_at IS NOT NULL AS revoked, 1 AS status_known,
           1 AS has_secret, 1 AS has_revoke_request, NULL AS dialect
    FROM keys
    UNION ALL
    SELECT r.id, r.name, r.mask, r.scopes, '[]', r.env, r.source, r.owner, r.details,
           r.created_at, r.updated_at, r.last_used_at, r.expires_at, r.revoked_at, NULL,
           r.revoked, r.status_known, r.has_secret, s.revoke_template IS NOT NULL, s.dialect
    FROM remote_keys AS r JOIN sources AS s ON s.name = r.source;

-- What was odd about a source's last listing without stopping it (a `count` or `total` that
-- disagrees with the keys returned), shown beside the source.
ALTER TABLE sources ADD COLUMN warning TEXT;
