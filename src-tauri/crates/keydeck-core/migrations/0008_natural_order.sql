-- Names sort as people read them: case aside, and numbers by value ("key2" before "key10").
-- keydeck writes each name's sort key beside it (text::sort_key; rows from before this
-- migration get theirs when the vault is next opened). The indexes keep the first page of a
-- large listing a walk along them, not a sort. The NOCASE indexes stay for name lookups.
ALTER TABLE keys ADD COLUMN name_key TEXT;
ALTER TABLE remote_keys ADD COLUMN name_key TEXT;
CREATE INDEX keys_name_key ON keys (name_key, name);
CREATE INDEX remote_keys_name_key ON remote_keys (name_key, name);
