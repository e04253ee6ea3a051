-- The partner resources site's own database: its sign-in sessions, each tied to the Network's
-- session id (sid) so a back-channel logout can end it.
CREATE TABLE sessions (
  token_hash   BLOB PRIMARY KEY,   -- SHA-256 of the cookie token
  subject      TEXT NOT NULL,      -- the Network's subject identifier for this site
  name         TEXT NOT NULL,
  email        TEXT NOT NULL,
  network_sid  TEXT NOT NULL,
  id_token     TEXT NOT NULL,      -- for the logout's id_token_hint
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_network_sid ON sessions(network_sid);
CREATE INDEX sessions_by_subject ON sessions(subject);
