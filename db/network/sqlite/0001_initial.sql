-- The Network's first schema: accounts, their e-mail addresses, sign-in throttles, sessions,
-- and server secrets. Times are Unix seconds. Formats: docs/formats/network-schema.md.

-- N1: an account's id is random, opaque and never reused (rows are never deleted, only closed).
CREATE TABLE accounts (
  id                  TEXT PRIMARY KEY,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  given_name          TEXT NOT NULL DEFAULT '',
  family_name         TEXT NOT NULL DEFAULT '',
  display_name        TEXT NOT NULL DEFAULT '',
  street              TEXT NOT NULL DEFAULT '',
  city                TEXT NOT NULL DEFAULT '',
  region              TEXT NOT NULL DEFAULT '',
  postal_code         TEXT NOT NULL DEFAULT '',
  country             TEXT NOT NULL DEFAULT '',
  language            TEXT NOT NULL DEFAULT '',
  password_hash       TEXT,            -- PHC string (Argon2id); NULL when no password is set
  password_changed_at INTEGER,
  disabled_at         INTEGER          -- set when the operator locks the account
) STRICT;

-- N2: sign-in names. address is kept as typed; address_key is the case-folded form that
-- comparisons and uniqueness use.
CREATE TABLE account_emails (
  address_key  TEXT PRIMARY KEY,
  address      TEXT NOT NULL,
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  is_primary   INTEGER NOT NULL DEFAULT 0,
  verified_at  INTEGER,
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX account_emails_by_account ON account_emails(account_id);

-- N14: failed sign-in attempts per subject ("account:<id>" or "address:<key>" for unknown
-- addresses), counted before the password is verified.
CREATE TABLE signin_throttles (
  subject          TEXT PRIMARY KEY,
  failures         INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;

-- N8: server-side sessions. The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  token_hash        BLOB PRIMARY KEY,
  public_id         TEXT NOT NULL UNIQUE,   -- names the session in pages ("sign out this device")
  account_id        TEXT NOT NULL REFERENCES accounts(id),
  created_at        INTEGER NOT NULL,
  authenticated_at  INTEGER NOT NULL,
  last_seen_at      INTEGER NOT NULL,
  idle_timeout      INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,       -- absolute timeout
  remember          INTEGER NOT NULL,
  user_agent        TEXT NOT NULL,
  ip                TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_by_account ON sessions(account_id);

-- Keys the server derives tokens from (the CSRF key); made once, shared by every node.
CREATE TABLE server_secrets (
  name        TEXT PRIMARY KEY,
  value       BLOB NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
