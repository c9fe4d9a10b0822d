-- The expiry notices already given: one per key per event (`expiring`: it entered the warning
-- window; `expired`) for the expiry date it had then, so a key given a new date is noticed again.
CREATE TABLE expiry_notices (
    source     TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    event      TEXT NOT NULL CHECK (event IN ('expiring', 'expired')),
    expires_at INTEGER NOT NULL,
    noticed_at INTEGER NOT NULL,
    PRIMARY KEY (source, key_id, event, expires_at)
) STRICT;
