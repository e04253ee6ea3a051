-- Authorization codes are sealed: the code carries its own record, encrypted and authenticated
-- under a Network key, and nothing is written when one is issued (docs/design/0014). The
-- database keeps only the ids of the codes that were redeemed, so each succeeds once
-- (SECURITY.md promise 2) and a replay revokes the grant the first redemption created.
DROP TABLE authorization_codes;

-- Keyed by expiry first: a code's expiry is sealed with it, so (expires_at, code_id) is as unique
-- as code_id, while new rows land together at the end of the tree instead of on a random page
-- each, and the purge removes a range from the front.
CREATE TABLE code_redemptions (
  expires_at  INTEGER NOT NULL,      -- the code's; the row stays a day longer to catch replays
  code_id     BLOB NOT NULL,         -- the sealed code's random 192-bit nonce
  PRIMARY KEY (expires_at, code_id)
) STRICT, WITHOUT ROWID;
