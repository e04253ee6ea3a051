-- The OpenID Connect provider: signing keys, sites (clients), consents, authorization codes,
-- grants and refresh tokens. Formats: docs/formats/oidc-schema.md.

-- Signing keys. The private key is sealed with AES-256-GCM under the key-encryption key from
-- configuration (SECURITY.md promise 6); the public JWK is kept in clear for the JWKS.
CREATE TABLE signing_keys (
  kid           TEXT PRIMARY KEY,
  alg           TEXT NOT NULL,           -- RS256 | ES256 | EdDSA
  sealed_key    BLOB NOT NULL,           -- nonce || AES-256-GCM(PKCS#8 PEM) || tag, AAD = kid
  public_jwk    TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  retired_at    INTEGER,                 -- no longer signs new tokens
  remove_after  INTEGER                  -- leaves the JWKS once its last token has expired
) STRICT;

-- Sites on the network (OAuth clients).
CREATE TABLE clients (
  id                         TEXT PRIMARY KEY,
  name                       TEXT NOT NULL,
  secret_hash                BLOB,       -- HMAC-SHA-256(server key, secret); NULL unless a secret method
  auth_method                TEXT NOT NULL,  -- client_secret_basic | client_secret_post | private_key_jwt | none
  redirect_uris              TEXT NOT NULL,  -- JSON array, exact match
  post_logout_redirect_uris  TEXT NOT NULL,  -- JSON array, exact match
  first_party                INTEGER NOT NULL,
  subject_type               TEXT NOT NULL,  -- public | pairwise
  sector_id                  TEXT NOT NULL,  -- pairwise subjects are per sector
  id_token_alg               TEXT NOT NULL,
  jwks                       TEXT,           -- the site's public keys, for private_key_jwt
  backchannel_logout_uri     TEXT,
  logo_uri                   TEXT,
  home_uri                   TEXT,
  listed                     INTEGER NOT NULL DEFAULT 1,  -- shown in the site directory
  created_at                 INTEGER NOT NULL
) STRICT;

-- What a person allowed a site to receive; revocable from account information.
CREATE TABLE consents (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  client_id   TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  scope       TEXT NOT NULL,
  granted_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, client_id)
) STRICT;

-- A grant: what one authorization produced (its refresh tokens and access tokens).
CREATE TABLE grants (
  id           TEXT PRIMARY KEY,
  client_id    TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  scope        TEXT NOT NULL,
  sid          TEXT NOT NULL,           -- the network session (its public id)
  auth_time    INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER
) STRICT;
CREATE INDEX grants_by_account ON grants(account_id);

-- Authorization codes: single use (consumed by a conditional UPDATE), ≤ 60 s.
CREATE TABLE authorization_codes (
  code_hash       BLOB PRIMARY KEY,
  client_id       TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  redirect_uri    TEXT NOT NULL,
  scope           TEXT NOT NULL,
  nonce           TEXT NOT NULL,
  code_challenge  TEXT NOT NULL,        -- '' when none was sent
  sid             TEXT NOT NULL,
  auth_time       INTEGER NOT NULL,
  include_auth_time INTEGER NOT NULL,
  grant_id        TEXT NOT NULL,        -- the grant a redemption creates
  expires_at      INTEGER NOT NULL,
  used_at         INTEGER
) STRICT;

-- Refresh tokens: rotated on use; presenting a used one revokes its grant.
CREATE TABLE refresh_tokens (
  token_hash  BLOB PRIMARY KEY,
  grant_id    TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER
) STRICT;
CREATE INDEX refresh_tokens_by_grant ON refresh_tokens(grant_id);

-- Which sites each network session signed in to: back-channel logout tells each of them.
CREATE TABLE session_sites (
  sid         TEXT NOT NULL,
  client_id   TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  account_id  TEXT NOT NULL,
  first_at    INTEGER NOT NULL,
  PRIMARY KEY (sid, client_id)
) STRICT;

-- private_key_jwt assertions already used (RFC 7523 §3 item 7): each jti once per site.
CREATE TABLE client_assertions (
  client_id   TEXT NOT NULL,
  jti         TEXT NOT NULL,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (client_id, jti)
) STRICT;

-- Access tokens revoked before their expiry (RFC 7009), by jti.
CREATE TABLE revoked_access_tokens (
  jti         TEXT PRIMARY KEY,
  expires_at  INTEGER NOT NULL
) STRICT;
