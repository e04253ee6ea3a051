-- The Membership Center's own outbox (src/courier/): invitations are mailed from here, queued in
-- the transaction's wake and delivered by the site's courier. Same shape as the Network's.
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
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT NOT NULL DEFAULT '',
  sent_at          INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

CREATE TABLE mail_budgets (
  subject       TEXT PRIMARY KEY,
  window_start  INTEGER NOT NULL,
  used          INTEGER NOT NULL
) STRICT;
