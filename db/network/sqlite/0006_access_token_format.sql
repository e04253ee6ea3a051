-- A site chooses the format of its access tokens (docs/design/0018): a JWT (RFC 9068, the
-- default, what every site had so far) or an opaque value sealed under a Network key, which
-- only the Network opens and the site's resource servers introspect.
ALTER TABLE clients ADD COLUMN access_token_format TEXT NOT NULL DEFAULT 'jwt'
  CHECK (access_token_format IN ('jwt', 'opaque'));
