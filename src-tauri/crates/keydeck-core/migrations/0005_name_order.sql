-- Names sort as people read them, without regard to case ("alpha" before "Beta"): indexes in
-- that order keep the first page of a large listing a walk along them, not a sort.
CREATE INDEX keys_name_nocase ON keys (name COLLATE NOCASE);
CREATE INDEX remote_keys_name_nocase ON remote_keys (name COLLATE NOCASE);
