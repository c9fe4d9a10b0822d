-- Rotation with a grace period (`rotate --keep-previous 24h`): the secret before the last
-- rotation stays in the keyring under its revision's item until `previous_until` (Unix ms),
-- revealable as "previous"; then it is deleted and both columns are cleared.
ALTER TABLE keys ADD COLUMN previous_rev INTEGER;
ALTER TABLE keys ADD COLUMN previous_until INTEGER;

CREATE INDEX keys_previous_until ON keys (previous_until) WHERE previous_until IS NOT NULL;
