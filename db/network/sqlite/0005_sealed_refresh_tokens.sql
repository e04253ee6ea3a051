-- Refresh tokens are sealed: a token carries its grant's id and its generation, encrypted and
-- authenticated under a Network key (docs/design/0017). The grant keeps the generation of its
-- current token; a rotation moves it on by one with a conditional UPDATE (SECURITY.md
-- promise 2), and an earlier generation presented again revokes the grant.
--
-- The refresh tokens issued before this migration were random values whose hashes were kept in
-- `refresh_tokens`; they cannot become sealed tokens, so they stop working, and those sites sign
-- the person in again.
ALTER TABLE grants ADD COLUMN refresh_generation INTEGER;  -- NULL: the grant has no refresh token
ALTER TABLE grants ADD COLUMN refresh_expires_at INTEGER;  -- when the current token expires
DROP TABLE refresh_tokens;
