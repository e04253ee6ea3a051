-- Mail: the courier's outbox and rate budgets, and the single-use tokens that mail carries
-- (sign-up and address verification, password reset, undo of an e-mail change).
-- Formats: docs/formats/network-schema.md.

-- Messages are rendered when queued and delivered by the courier's worker (src/courier/). The
-- bodies hold live links and codes: the table is as secret as the tokens below, and sent rows
-- are purged after 30 days.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  recipient        TEXT NOT NULL,
  subject          TEXT NOT NULL,
  text_body        TEXT NOT NULL,
  html_body        TEXT NOT NULL,
  kind             TEXT NOT NULL,
  account_id       TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,     -- due time, or the end of a deliverer's lease
  last_error       TEXT NOT NULL DEFAULT '',
  sent_at          INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- How many messages a subject ("address:<key>", "account:<id>") caused in its current window.
CREATE TABLE mail_budgets (
  subject       TEXT PRIMARY KEY,
  window_start  INTEGER NOT NULL,
  used          INTEGER NOT NULL
) STRICT;

-- Single-use tokens sent by mail (SECURITY.md promise 2). The link carries a random token and
-- only its SHA-256 is kept; the short code is kept as SHA-256(token_hash || code) and dies after
-- a few wrong guesses. A sign-up's browser holds a flow cookie, stored the same way.
CREATE TABLE email_tokens (
  token_hash     BLOB PRIMARY KEY,
  public_id      TEXT NOT NULL UNIQUE,     -- names a pending address on the account page
  flow_hash      BLOB UNIQUE,              -- SHA-256 of the sign-up flow cookie, or NULL
  purpose        TEXT NOT NULL CHECK (purpose IN
                   ('signup', 'signup_existing', 'verify', 'reset', 'undo')),
  account_id     TEXT NOT NULL DEFAULT '',
  address        TEXT NOT NULL,            -- as typed
  address_key    TEXT NOT NULL,
  code_hash      BLOB,
  code_failures  INTEGER NOT NULL DEFAULT 0,
  data           TEXT NOT NULL DEFAULT '{}',  -- purpose-specific JSON (see the schema doc)
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  used_at        INTEGER
) STRICT;
CREATE INDEX email_tokens_by_account ON email_tokens(account_id, purpose);
