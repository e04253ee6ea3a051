// Basic OP checks of the UserInfo endpoint (OIDC Core §5.3, RFC 6750 §2) and of the claims each
// scope releases (OIDC Core §5.4; MISSION N3: released according to the scopes asked and allowed).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { client, postForm, registerSite, signInAtSite, userinfoGet } from './lib/rp.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite();
const opts = { timeout: TEST_TIMEOUT_MS };

function assertJsonUserInfo(r, sub, where) {
  assert.equal(r.status, 200, `${where}: answered ${r.status}: ${r.text}`);
  assert.equal((r.headers.get('content-type') || '').split(';')[0].trim(), 'application/json', `${where}: content-type (OIDC Core §5.3.2)`);
  assert.equal(r.json.sub, sub, `${where}: sub differs from the ID token's (OIDC Core §5.3.2)`);
}

function assertBearerChallenge(r, error, where) {
  assert.equal(r.status, 401, `${where}: expected 401, got ${r.status}: ${r.text}`);
  const challenge = r.headers.get('www-authenticate') || '';
  assert.match(challenge, /^Bearer\b/i, `${where}: WWW-Authenticate must be a Bearer challenge (RFC 6750 §3), got ${JSON.stringify(challenge)}`);
  if (error) assert.match(challenge, new RegExp(`error="${error}"`), `${where}: WWW-Authenticate lacks error="${error}": ${challenge}`);
}

test('OP-UserInfo-Endpoint: GET with the bearer token in the Authorization header (openid-client)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'userinfo-get' });
  const person = await s.signedUp(t, 'ada');
  const { config, tokens, claims } = await signInAtSite(person, s.op, reg);
  // openid-client checks status, content type and that sub equals the expected subject.
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.sub, claims.sub);
  assertJsonUserInfo(await userinfoGet(s.op, tokens.access_token), claims.sub, 'GET /userinfo');
});

test('OP-UserInfo-Header: POST with the bearer token in the Authorization header', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'userinfo-post-header' });
  const person = await s.signedUp(t, 'ada');
  const { tokens, claims } = await signInAtSite(person, s.op, reg);
  const r = await postForm(s.op, '/userinfo', {}, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assertJsonUserInfo(r, claims.sub, 'POST /userinfo (header)');
});

test('OP-UserInfo-Body: POST with the access token as a form parameter (RFC 6750 §2.2)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'userinfo-post-body' });
  const person = await s.signedUp(t, 'ada');
  const { tokens, claims } = await signInAtSite(person, s.op, reg);
  const r = await postForm(s.op, '/userinfo', { access_token: tokens.access_token });
  assertJsonUserInfo(r, claims.sub, 'POST /userinfo (body)');
});

test('OP-UserInfo-BadToken: no, a malformed, a forged or an ID token is refused with a Bearer challenge (RFC 6750 §3.1)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'userinfo-bad-token' });
  const person = await s.signedUp(t, 'ada');
  const { tokens } = await signInAtSite(person, s.op, reg);
  const none = await fetch(`${s.op.issuer}/userinfo`, { signal: AbortSignal.timeout(15_000) });
  await none.text();
  assertBearerChallenge({ status: none.status, headers: none.headers, text: '' }, null, 'no token');
  assertBearerChallenge(await userinfoGet(s.op, 'not-a-token'), 'invalid_token', 'malformed token');
  const [h, p, sig] = tokens.access_token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: `${claims.scope} email`, exp: claims.exp + 3600 })).toString('base64url')}.${sig}`;
  assertBearerChallenge(await userinfoGet(s.op, forged), 'invalid_token', 'access token with a changed payload');
  // RFC 9068 §4 / RFC 8725 §3.11: an ID token is not an access token.
  assertBearerChallenge(await userinfoGet(s.op, tokens.id_token), 'invalid_token', 'ID token used as access token');
});

/** Signs in with `scope` and returns the UserInfo response (checked by openid-client). */
async function userInfoFor(t, label, scope, person) {
  const reg = await registerSite(t, s.op, { label });
  const { config, tokens, claims, flow } = await signInAtSite(person, s.op, reg, { params: { scope } });
  assert.deepEqual(flow.pages, ['consent', 'callback']);
  return client.fetchUserInfo(config, tokens.access_token, claims.sub);
}

test('OP-scope-profile: scope profile releases name, given_name and family_name, and nothing of email or address', opts, async (t) => {
  const person = await s.signedUp(t, 'ada', { given: 'Ada', family: 'Lovelace' });
  const info = await userInfoFor(t, 'scope-profile', 'openid profile', person);
  assert.equal(info.given_name, 'Ada');
  assert.equal(info.family_name, 'Lovelace');
  assert.equal(typeof info.name, 'string');
  assert.ok(info.name.includes('Ada'), `name ${info.name}`);
  for (const c of ['email', 'email_verified', 'address']) assert.equal(info[c], undefined, `${c} released without its scope`);
});

test('OP-scope-email: scope email releases email and email_verified, and nothing of profile', opts, async (t) => {
  const person = await s.signedUp(t, 'ada');
  const info = await userInfoFor(t, 'scope-email', 'openid email', person);
  assert.equal(info.email, person.email, 'email as typed (MISSION N2)');
  assert.equal(typeof info.email_verified, 'boolean', 'email_verified is a boolean (OIDC Core §5.1)');
  for (const c of ['name', 'given_name', 'family_name', 'address']) assert.equal(info[c], undefined, `${c} released without its scope`);
});

test('OP-scope-address: scope address releases the mailing address the person saved', opts, async (t) => {
  const person = await s.signedUp(t, 'ada');
  const address = { Street: '12 St James\'s Square', City: 'London', Region: 'Westminster', 'Postal code': 'SW1Y 4JH', Country: 'GB' };
  await person.saveProfile(address);
  const info = await userInfoFor(t, 'scope-address', 'openid address', person);
  assert.equal(typeof info.address, 'object', `address is a JSON object (OIDC Core §5.1.1): ${JSON.stringify(info.address)}`);
  assert.equal(info.address.street_address, address.Street);
  assert.equal(info.address.locality, address.City);
  assert.equal(info.address.region, address.Region);
  assert.equal(info.address.postal_code, address['Postal code']);
  assert.equal(info.address.country, address.Country);
  if (info.address.formatted !== undefined) {
    for (const v of Object.values(address)) assert.ok(info.address.formatted.includes(v), `formatted lacks ${v}: ${info.address.formatted}`);
  }
  for (const c of ['email', 'name', 'given_name']) assert.equal(info[c], undefined, `${c} released without its scope`);
});

test('OP-scope-All: openid profile email address phone together release every scope\'s claims', opts, async (t) => {
  const person = await s.signedUp(t, 'ada', { given: 'Ada', family: 'Lovelace' });
  await person.saveProfile({ City: 'London', Country: 'GB' });
  const info = await userInfoFor(t, 'scope-all', 'openid profile email address phone', person);
  assert.equal(info.given_name, 'Ada');
  assert.equal(info.family_name, 'Lovelace');
  assert.equal(info.email, person.email);
  assert.equal(info.address?.locality, 'London');
  assert.equal(info.address?.country, 'GB');
});

test('OP-scope-order: the scope order does not matter (oidcc-ensure-other-scope-order-succeeds)', opts, async (t) => {
  const person = await s.signedUp(t, 'ada');
  const info = await userInfoFor(t, 'scope-order', 'email openid', person);
  assert.equal(info.email, person.email);
});
