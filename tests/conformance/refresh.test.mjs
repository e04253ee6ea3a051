// OP-refresh (OIDC Core §12, RFC 6749 §6) with refresh-token rotation and reuse detection
// (RFC 9700 §4.14.2, SECURITY.md), revocation (RFC 7009) and introspection (RFC 7662), through
// openid-client where it has the call, raw HTTP for the rest.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { client, configure, oauthErrorOf, postForm, rawToken, registerSite, signInAtSite, userinfoGet } from './lib/rp.mjs';
import { assertIdToken, decodeJwt, fetchJwks } from './lib/jwt.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite();
const opts = { timeout: TEST_TIMEOUT_MS };

const OFFLINE = { scope: 'openid email offline_access', prompt: 'consent' };

async function offlineGrant(t, label, person, siteOptions = {}) {
  const reg = await registerSite(t, s.op, { label, ...siteOptions });
  person ||= await s.signedUp(t, 'ada');
  const r = await signInAtSite(person, s.op, reg, { params: OFFLINE });
  assert.equal(typeof r.tokens.refresh_token, 'string', `no refresh token for scope offline_access: ${JSON.stringify(Object.keys(r.tokens))}`);
  return { reg, person, ...r };
}

test('OP-refresh: a refresh token yields a new access token and an ID token with the same iss, sub, aud, azp and auth_time (OIDC Core §12.2)', opts, async (t) => {
  const { reg, config, tokens, claims } = await offlineGrant(t, 'refresh');
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(typeof refreshed.access_token, 'string');
  assert.notEqual(refreshed.access_token, tokens.access_token, 'a new access token');
  assert.match(refreshed.token_type, /^bearer$/i);
  // Rotation (SECURITY.md, RFC 9700 §4.14.2): a new refresh token each time.
  assert.equal(typeof refreshed.refresh_token, 'string', 'the refresh response carries the rotated refresh token');
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'the refresh token was not rotated');
  if (refreshed.id_token) {
    const jwks = await fetchJwks(s.op);
    const d = assertIdToken(refreshed.id_token, { issuer: s.op.issuer, clientId: reg.clientId, jwks, alg: reg.idTokenAlg, accessToken: refreshed.access_token, nonce: decodeJwt(refreshed.id_token).payload.nonce });
    const c = d.payload;
    assert.equal(c.iss, claims.iss, '§12.2: iss MUST be the same');
    assert.equal(c.sub, claims.sub, '§12.2: sub MUST be the same');
    assert.deepEqual(c.aud, claims.aud, '§12.2: aud MUST be the same');
    if (claims.azp !== undefined) assert.equal(c.azp, claims.azp, '§12.2: azp MUST be the same');
    if (claims.auth_time !== undefined) assert.equal(c.auth_time, claims.auth_time, '§12.2: auth_time is the original authentication');
    assert.ok(c.iat >= claims.iat, '§12.2: iat is when the new ID token was issued');
  }
  const info = await client.fetchUserInfo(config, refreshed.access_token, claims.sub);
  assert.equal(info.sub, claims.sub);
  // The narrower scope of RFC 6749 §6 may be asked for, never a wider one.
  const narrower = await client.refreshTokenGrant(config, refreshed.refresh_token, { scope: 'openid' });
  assert.ok(!String(narrower.scope || 'openid').split(' ').includes('email'), `asked for openid only, granted ${narrower.scope}`);
  const narrowInfo = await client.fetchUserInfo(config, narrower.access_token, claims.sub);
  assert.equal(narrowInfo.email, undefined, 'the narrowed access token still releases email');
  const wider = await oauthErrorOf(client.refreshTokenGrant(config, narrower.refresh_token, { scope: 'openid email address offline_access' }));
  assert.equal(wider?.error, 'invalid_scope', `a wider scope on refresh: ${JSON.stringify(wider)} (RFC 6749 §6)`);
});

test('OP-refresh-reuse: presenting a rotated refresh token again revokes the whole grant (RFC 9700 §4.14.2)', opts, async (t) => {
  const { reg, tokens } = await offlineGrant(t, 'refresh-reuse');
  const first = await rawToken(s.op, reg, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  assert.equal(first.status, 200, `first refresh: ${first.text}`);
  assert.match(first.headers.get('cache-control') || '', /no-store/, 'RFC 6749 §5.1 no-store');
  const replay = await rawToken(s.op, reg, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  assert.equal(replay.status, 400, `replayed refresh token: ${replay.status} ${replay.text}`);
  assert.equal(replay.json?.error, 'invalid_grant');
  const next = await rawToken(s.op, reg, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token });
  assert.equal(next.status, 400, `the rotated refresh token still works after a reuse was detected: ${next.status} ${next.text}`);
  assert.equal(next.json?.error, 'invalid_grant');
  for (const [name, at] of [['original', tokens.access_token], ['refreshed', first.json.access_token]]) {
    const r = await userinfoGet(s.op, at);
    assert.equal(r.status, 401, `the ${name} access token of the revoked grant still works: ${r.status} ${r.text}`);
  }
});

test('OP-refresh-binding: a refresh token is refused for another client and stays good for its own', opts, async (t) => {
  const { reg, tokens } = await offlineGrant(t, 'refresh-binding');
  const other = await registerSite(t, s.op, { label: 'refresh-binding-other' });
  const stolen = await rawToken(s.op, other, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  assert.equal(stolen.status, 400, `another client refreshed with a foreign refresh token: ${stolen.status} ${stolen.text}`);
  assert.equal(stolen.json?.error, 'invalid_grant', 'RFC 6749 §6: the refresh token is bound to its client');
  const own = await rawToken(s.op, reg, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  assert.equal(own.status, 200, `another client's attempt burned the refresh token: ${own.status} ${own.text}`);
});

test('OP-Revocation: revoking a refresh token (RFC 7009) ends the grant and its access tokens; unknown tokens get 200', opts, async (t) => {
  const { reg, config, tokens } = await offlineGrant(t, 'revocation');
  assert.equal((await userinfoGet(s.op, tokens.access_token)).status, 200);
  await client.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  const refresh = await oauthErrorOf(client.refreshTokenGrant(config, tokens.refresh_token));
  assert.deepEqual(refresh, { status: 400, error: 'invalid_grant' }, 'refresh after revocation');
  const r = await userinfoGet(s.op, tokens.access_token);
  assert.equal(r.status, 401, `the grant's access token still works after its refresh token was revoked (RFC 7009 §2.1; SECURITY.md): ${r.status}`);
  // RFC 7009 §2.2: invalid tokens do not cause an error response.
  await client.tokenRevocation(config, 'this-token-was-never-issued');
  const raw = await postForm(s.op, '/revoke', { token: 'never-issued-either' }, { basic: [reg.clientId, reg.secret] });
  assert.equal(raw.status, 200, `revocation of an unknown token answered ${raw.status}`);
  const unauth = await postForm(s.op, '/revoke', { token: tokens.access_token, client_id: reg.clientId });
  assert.equal(unauth.status, 401, `revocation without client authentication answered ${unauth.status} (RFC 7009 §2.1)`);
});

test('OP-Revocation-AccessToken: a revoked access token is refused at userinfo and inactive at introspection', opts, async (t) => {
  const { config, tokens } = await offlineGrant(t, 'revocation-at');
  await client.tokenRevocation(config, tokens.access_token, { token_type_hint: 'access_token' });
  const r = await userinfoGet(s.op, tokens.access_token);
  assert.equal(r.status, 401, `revoked access token accepted at userinfo: ${r.status}`);
  const intro = await client.tokenIntrospection(config, tokens.access_token);
  assert.equal(intro.active, false, `revoked access token is active: ${JSON.stringify(intro)}`);
});

test('OP-Revocation-Foreign: a client cannot revoke another client\'s token', opts, async (t) => {
  const { reg, tokens } = await offlineGrant(t, 'revocation-owner');
  const other = await registerSite(t, s.op, { label: 'revocation-other' });
  const otherConfig = await configure(s.op, other);
  // RFC 7009 §2.1: the server checks the token was issued to the caller; either way nothing changes.
  await oauthErrorOf(client.tokenRevocation(otherConfig, tokens.refresh_token));
  await oauthErrorOf(client.tokenRevocation(otherConfig, tokens.access_token));
  assert.equal((await userinfoGet(s.op, tokens.access_token)).status, 200, 'another client revoked the access token');
  const own = await rawToken(s.op, reg, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  assert.equal(own.status, 200, `another client revoked the refresh token: ${own.status} ${own.text}`);
});

test('OP-Introspection: an active token is described to its own client, and to nobody else (RFC 7662 §2.2, SECURITY.md)', opts, async (t) => {
  const { reg, config, tokens, claims } = await offlineGrant(t, 'introspection');
  const intro = await client.tokenIntrospection(config, tokens.access_token);
  assert.equal(intro.active, true, `own access token: ${JSON.stringify(intro)}`);
  assert.equal(intro.client_id, reg.clientId);
  assert.equal(intro.sub, claims.sub, 'sub as in the ID token');
  assert.ok(String(intro.scope).split(' ').includes('openid'), `scope ${intro.scope}`);
  assert.ok(Number.isInteger(intro.exp) && intro.exp > Math.floor(Date.now() / 1000), `exp ${intro.exp}`);
  if (intro.iss !== undefined) assert.equal(intro.iss, s.op.issuer);
  const introRefresh = await client.tokenIntrospection(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  assert.equal(introRefresh.active, true, `own refresh token: ${JSON.stringify(introRefresh)}`);
  const unknown = await client.tokenIntrospection(config, 'never-issued');
  assert.deepEqual(unknown, { active: false }, 'an unknown token');

  const other = await registerSite(t, s.op, { label: 'introspection-other' });
  const otherConfig = await configure(s.op, other);
  for (const [name, token] of [['access', tokens.access_token], ['refresh', tokens.refresh_token]]) {
    const foreign = await client.tokenIntrospection(otherConfig, token);
    assert.deepEqual(foreign, { active: false }, `another client learned about a ${name} token: ${JSON.stringify(foreign)}`);
  }
  // Client authentication is required (RFC 7662 §2.1), also for public clients (SECURITY.md).
  const noAuth = await postForm(s.op, '/introspect', { token: tokens.access_token, client_id: reg.clientId });
  assert.equal(noAuth.status, 401, `introspection without authentication answered ${noAuth.status}: ${noAuth.text}`);
  assert.notEqual(noAuth.json?.active, true);
  const pub = await registerSite(t, s.op, { label: 'introspection-public', authMethod: 'none' });
  const pubR = await postForm(s.op, '/introspect', { token: tokens.access_token, client_id: pub.clientId });
  assert.equal(pubR.status, 401, `a public client introspected: ${pubR.status} ${pubR.text}`);
});

test('Opaque access tokens (design 0018): userinfo, refresh, introspection and revocation take them as they take JWTs', opts, async (t) => {
  const { reg, config, tokens, claims } = await offlineGrant(t, 'opaque-access', undefined, { accessTokenFormat: 'opaque' });
  assert.ok(!tokens.access_token.includes('.'), `an opaque site got a JWT: ${tokens.access_token.slice(0, 40)}…`);
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.sub, claims.sub);
  const intro = await client.tokenIntrospection(config, tokens.access_token);
  assert.equal(intro.active, true, `own opaque access token: ${JSON.stringify(intro)}`);
  assert.equal(intro.client_id, reg.clientId);
  assert.equal(intro.sub, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(!refreshed.access_token.includes('.'), 'the refreshed access token is opaque too');
  assert.equal((await userinfoGet(s.op, refreshed.access_token)).status, 200);
  await client.tokenRevocation(config, refreshed.access_token);
  assert.equal((await userinfoGet(s.op, refreshed.access_token)).status, 401, 'a revoked opaque access token still works');
  assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false);
  const other = await registerSite(t, s.op, { label: 'opaque-other' });
  const foreign = await client.tokenIntrospection(await configure(s.op, other), tokens.access_token);
  assert.deepEqual(foreign, { active: false }, `another client learned about an opaque token: ${JSON.stringify(foreign)}`);
});
