// The peer of bench/oidc.sh: the npm package oidc-provider, configured with the same sites and
// flows as Portico's benchmark, on a single Node process (its documented deployment with an
// in-process store).
//
//   PORT=18192 node server.js        prints "peer ready at http://localhost:PORT" when listening
//
// Sites (fixed ids and secrets, client_secret_basic, PKCE S256 sent by the benchmark):
//   bench-rs256  ID tokens signed RS256      bench-es256  ID tokens signed ES256
// both with authorization_code, refresh_token (rotated on every use) and client_credentials.
//
// "An existing session": /interaction/:uid completes the login interaction at once for the one
// benchmark account (oidc-provider's documented interactionFinished), and loadExistingGrant
// pre-grants the scopes (the documented "skip consent" recipe), so after one sign-in the flow
// authorize -> code -> token exchange needs no UI. bench/oidc.sh does that sign-in once with curl
// and then replays the _session cookie.
//
// Store: oidc-provider's bundled MemoryAdapter is an LRU capped at 1,000 entries (documented as
// for development only) — under load it evicts the session, the grant and the fixed userinfo
// token. MapAdapter below keeps everything until it expires, which is what a production adapter
// (Redis, a database) does; its memory is counted in the peer's RSS.
import crypto from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 18192);
const issuer = `http://localhost:${port}`;
const redirectUri = 'https://rp.example/cb';
const ACCOUNT_ID = 'bench-user';

// --- store ---------------------------------------------------------------------------------
const store = new Map(); // key -> { value, expiresAt }
const grants = new Map(); // grantId -> Set of keys
const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest']);

function get(key) {
  const e = store.get(key);
  if (!e) return undefined;
  if (e.expiresAt && e.expiresAt <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return e.value;
}
function set(key, value, expiresIn) {
  store.set(key, { value, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : 0 });
}
// Expired entries go within a minute, as a TTL index would remove them.
setInterval(() => {
  const now = Date.now();
  for (const [k, e] of store) if (e.expiresAt && e.expiresAt <= now) store.delete(k);
}, 60_000).unref();

class MapAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    if (this.model === 'Session') set(`sessionUid:${payload.uid}`, id, expiresIn);
    if (payload.userCode) set(`userCode:${payload.userCode}`, id, expiresIn);
    if (grantable.has(this.model) && payload.grantId) {
      let members = grants.get(payload.grantId);
      if (!members) grants.set(payload.grantId, (members = new Set()));
      members.add(key);
    }
    set(key, payload, expiresIn);
  }
  async find(id) { return get(this.key(id)); }
  async findByUid(uid) { const id = get(`sessionUid:${uid}`); return id && this.find(id); }
  async findByUserCode(code) { const id = get(`userCode:${code}`); return id && this.find(id); }
  async consume(id) { const v = get(this.key(id)); if (v) v.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) {
    const key = this.key(id);
    const v = get(key);
    store.delete(key);
    if (v?.grantId) grants.get(v.grantId)?.delete(key);
  }
  async revokeByGrantId(grantId) {
    for (const key of grants.get(grantId) ?? []) store.delete(key);
    grants.delete(grantId);
  }
}

// --- keys ----------------------------------------------------------------------------------
function jwk(type, options, alg) {
  const { privateKey } = crypto.generateKeyPairSync(type, options);
  const key = privateKey.export({ format: 'jwk' });
  return { ...key, alg, use: 'sig', kid: crypto.randomUUID() };
}
const jwks = {
  keys: [
    jwk('rsa', { modulusLength: 2048 }, 'RS256'),
    jwk('ec', { namedCurve: 'P-256' }, 'ES256'),
  ],
};

// --- the one account -----------------------------------------------------------------------
const claims = {
  sub: ACCOUNT_ID,
  email: 'bench@example.com',
  email_verified: true,
  name: 'Bench Mark',
  given_name: 'Bench',
  family_name: 'Mark',
};

const clientDefaults = {
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  response_types: ['code'],
  redirect_uris: [redirectUri],
};

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  jwks,
  clients: [
    { ...clientDefaults, client_id: 'bench-rs256', client_secret: 'rs256-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      id_token_signed_response_alg: 'RS256' },
    { ...clientDefaults, client_id: 'bench-es256', client_secret: 'es256-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      id_token_signed_response_alg: 'ES256' },
  ],
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  scopes: ['openid', 'offline_access', 'email', 'profile'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
  },
  // Same lifetimes as Portico's defaults (src/oidc/provider.h).
  ttl: {
    AuthorizationCode: 60,
    AccessToken: 600,
    ClientCredentials: 600,
    IdToken: 600,
    RefreshToken: 30 * 86400,
    Grant: 30 * 86400,
    Session: 14 * 86400,
    Interaction: 3600,
  },
  rotateRefreshToken: true, // Portico rotates on every use
  // oidc-provider keeps offline_access only with prompt=consent, which forces the consent
  // interaction every time; with consent pre-granted, the documented helpers issue refresh
  // tokens for the site's grant without it, not bound to the browser session (as Portico's
  // offline_access refresh tokens are not).
  async issueRefreshToken(ctx, client) { return client.grantTypeAllowed('refresh_token'); },
  async expiresWithSession() { return false; },
  // Same paths as Portico, so one load generator drives both.
  routes: {
    authorization: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    introspection: '/introspect',
    revocation: '/revoke',
    jwks: '/jwks',
  },
  pkce: { required: () => false },
  async findAccount(ctx, sub) {
    if (sub !== ACCOUNT_ID) return undefined;
    return { accountId: sub, async claims() { return claims; } };
  },
  // Consent pre-granted: the grant of the session, or a new one with every scope.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    const existing = grantId && await ctx.oidc.provider.Grant.find(grantId);
    if (existing) return existing;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile offline_access');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

const callback = provider.callback();
const server = createServer(async (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    // The login interaction, completed at once for the benchmark account.
    try {
      await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT_ID } }, { mergeWithLastSubmission: false });
    } catch (err) {
      res.statusCode = 400;
      res.end(String(err));
    }
    return;
  }
  callback(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  console.log(`peer ready at ${issuer}`);
});
process.on('SIGTERM', () => process.exit(0));
