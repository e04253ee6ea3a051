// OP-Rotation-OP-Sig: the operator rotates a signing key with `portico-network keys rotate`
// while the Network runs. The new key appears in the JWKS (the server reloads keys every second
// here), new ID tokens carry its kid, and everything signed before stays valid because the old
// key stays published (SECURITY.md promise 6; OIDC Core §10.1.1).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { client, configure, rawToken, registerSite, signInAtSite, userinfoGet } from './lib/rp.mjs';
import { assertIdToken, assertSignedByJwks, decodeJwt, fetchJwks } from './lib/jwt.mjs';
import { waitUntil } from './lib/wait.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite();
const opts = { timeout: TEST_TIMEOUT_MS };

/** Polls the JWKS (bounded) until it publishes `kid`; returns that JWKS. */
function jwksWith(kid) {
  return waitUntil(async () => {
    const jwks = await fetchJwks(s.op);
    return jwks.keys.some((k) => k.kid === kid) ? jwks : null;
  }, { timeoutMs: 20_000, intervalMs: 100, what: `kid ${kid} in GET /jwks` });
}

test('OP-Rotation-OP-Sig: after `keys rotate --alg RS256` new ID tokens use the new kid and earlier tokens still verify', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'rotation-rs256' });
  const person = await s.signedUp(t, 'ada');
  const before = await signInAtSite(person, s.op, reg, { params: { scope: 'openid email offline_access', prompt: 'consent' } });
  const oldKid = decodeJwt(before.tokens.id_token).header.kid;
  const jwksBefore = await fetchJwks(s.op);
  assert.ok(jwksBefore.keys.some((k) => k.kid === oldKid));

  const newKid = await s.op.rotateKey('RS256');
  assert.notEqual(newKid, oldKid, 'keys rotate printed the old kid');
  const jwks = await jwksWith(newKid);
  // The old key is still published, so tokens it signed still validate (promise 6).
  assert.ok(jwks.keys.some((k) => k.kid === oldKid), `the JWKS dropped the previous key ${oldKid} right after rotation`);
  assertIdToken(before.tokens.id_token, { issuer: s.op.issuer, clientId: reg.clientId, jwks, nonce: before.req.nonce, where: 'ID token signed before the rotation' });
  const newKey = jwks.keys.find((k) => k.kid === newKid);
  assert.equal(newKey.kty, 'RSA');
  assert.ok(newKey.alg === undefined || newKey.alg === 'RS256');
  // Keys of the other algorithms are untouched.
  for (const k of jwksBefore.keys.filter((x) => x.kty !== 'RSA')) {
    assert.ok(jwks.keys.some((x) => x.kid === k.kid), `rotating RS256 removed the ${k.kty} key ${k.kid}`);
  }

  // A new sign-in: a fresh openid-client configuration fetches the JWKS and verifies the new signature.
  const after = await signInAtSite(person, s.op, reg, { params: { prompt: 'none' } });
  assert.equal(decodeJwt(after.tokens.id_token).header.kid, newKid, 'a new ID token is not signed with the new key');
  assertIdToken(after.tokens.id_token, { issuer: s.op.issuer, clientId: reg.clientId, jwks, nonce: after.req.nonce, where: 'ID token after the rotation' });
  assert.equal(after.claims.sub, before.claims.sub);

  // The grant made before the rotation keeps working: its access token and its refresh token.
  assert.equal((await userinfoGet(s.op, before.tokens.access_token)).status, 200, 'the earlier access token stopped working');
  const config = await configure(s.op, reg);
  const refreshed = await client.refreshTokenGrant(config, before.tokens.refresh_token);
  if (refreshed.id_token) assert.equal(decodeJwt(refreshed.id_token).header.kid, newKid, 'a refreshed ID token uses the retired key');
});

test('OP-Rotation-OP-Sig (ES256 access tokens): after `keys rotate --alg ES256` access tokens signed before stay valid and new ones use the new key', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'rotation-es256', idTokenAlg: 'ES256' });
  const person = await s.signedUp(t, 'ada');
  const before = await signInAtSite(person, s.op, reg, { params: { scope: 'openid email offline_access', prompt: 'consent' } });
  const oldIdKid = decodeJwt(before.tokens.id_token).header.kid;
  const newKid = await s.op.rotateKey('ES256');
  const jwks = await jwksWith(newKid);
  assert.ok(jwks.keys.some((k) => k.kid === oldIdKid), 'the previous ES256 key left the JWKS');
  assertIdToken(before.tokens.id_token, { issuer: s.op.issuer, clientId: reg.clientId, jwks, alg: 'ES256', nonce: before.req.nonce, where: 'ES256 ID token signed before the rotation' });
  // Access tokens: JWTs the Network verifies itself (userinfo, introspection).
  if (before.tokens.access_token.split('.').length === 3) assertSignedByJwks(before.tokens.access_token, jwks, 'access token signed before the rotation');
  const r = await userinfoGet(s.op, before.tokens.access_token);
  assert.equal(r.status, 200, `an access token signed before the rotation is refused: ${r.status} ${r.text}`);
  const intro = await client.tokenIntrospection(await configure(s.op, reg), before.tokens.access_token);
  assert.equal(intro.active, true, 'an access token signed before the rotation is inactive');

  const after = await signInAtSite(person, s.op, reg, { params: { prompt: 'none' } });
  assert.equal(decodeJwt(after.tokens.id_token).header.kid, newKid, 'a new ES256 ID token is not signed with the new key');
  const refreshed = await rawToken(s.op, reg, { grant_type: 'refresh_token', refresh_token: before.tokens.refresh_token });
  assert.equal(refreshed.status, 200, `refresh after rotation: ${refreshed.text}`);
  assert.equal((await userinfoGet(s.op, refreshed.json.access_token)).status, 200);
});
