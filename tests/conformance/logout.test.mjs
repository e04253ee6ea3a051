// RP-Initiated Logout 1.0 and Back-Channel Logout 1.0 checks (the OpenID Foundation's
// oidcc-rp-initiated-logout-* and oidcc-backchannel-* tests, re-created): the end_session
// endpoint returns to a registered post_logout_redirect_uri with state and ends the session,
// refuses what it cannot trust, and every site the session used that registered a back-channel
// URI receives a valid logout token when the person signs out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertErrorRedirect, authRequest, client, configure, followInBrowser, registerSite, signInAtSite } from './lib/rp.mjs';
import { assertSignedByJwks, fetchJwks, nowSeconds } from './lib/jwt.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite();
const opts = { timeout: TEST_TIMEOUT_MS };
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Asserts the person no longer has a Network session: prompt=none answers login_required. */
async function assertSignedOut(person, reg, where) {
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, { prompt: 'none' });
  const flow = await followInBrowser(person, reg, req);
  assertErrorRedirect(flow.callback.url, { op: s.op, reg, state: req.state, errors: ['login_required'], where: `${where}: prompt=none after sign-out` });
}

/** Asserts the person still has a Network session: prompt=none gives a code. */
async function assertStillSignedIn(person, reg, where) {
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, { prompt: 'none' });
  const flow = await followInBrowser(person, reg, req);
  assert.ok(flow.callback.query.get('code'), `${where}: the session ended (prompt=none answered ${flow.callback.query.get('error')})`);
}

/** Opens an end-session URL; confirms on the Network's page if it asks. Returns the pages seen. */
async function logoutInBrowser(person, reg, url) {
  await person.goto(url);
  const pages = [];
  if (person.url().origin === new URL(s.op.issuer).origin && await person.page.locator('form[action="/logout/confirm"]').count()) {
    pages.push('confirm');
    await person.clickAndWait(person.page.locator('form[action="/logout/confirm"]').getByRole('button', { name: 'Sign out', exact: true }));
  }
  pages.push(person.url().origin === reg.site.origin ? 'site' : 'network');
  return pages;
}

test('OP-RP-Initiated-Logout: with id_token_hint and a registered post_logout_redirect_uri the person returns to the site with state, signed out', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'rp-logout', postLogout: true });
  const person = await s.signedUp(t, 'ada');
  const { config, tokens } = await signInAtSite(person, s.op, reg);
  const state = client.randomState();
  const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, post_logout_redirect_uri: reg.site.postLogoutRedirectUri, state });
  const pages = await logoutInBrowser(person, reg, url);
  assert.equal(pages.at(-1), 'site', `the browser did not return to the site: ${person.page.url()}`);
  const back = await reg.site.waitFor((r) => r.path === '/logged-out', 'post-logout redirect');
  assert.equal(back.query.get('state'), state, 'RP-Initiated Logout §3: state is passed back');
  assert.equal(`${back.url.origin}${back.url.pathname}`, reg.site.postLogoutRedirectUri);
  await assertSignedOut(person, reg, 'RP-initiated logout');
});

test('OP-RP-Initiated-Logout-no-state: without state the redirect carries no state', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'rp-logout-no-state', postLogout: true });
  const person = await s.signedUp(t, 'ada');
  const { config, tokens } = await signInAtSite(person, s.op, reg);
  const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, post_logout_redirect_uri: reg.site.postLogoutRedirectUri });
  await logoutInBrowser(person, reg, url);
  const back = await reg.site.waitFor((r) => r.path === '/logged-out', 'post-logout redirect');
  assert.equal(back.query.get('state'), null);
  await assertSignedOut(person, reg, 'RP-initiated logout without state');
});

test('OP-RP-Initiated-Logout-bad-post-logout-redirect-uri: an unregistered (or altered) URI is never redirected to', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'rp-logout-bad-uri', postLogout: true });
  const person = await s.signedUp(t, 'ada');
  const { config, tokens } = await signInAtSite(person, s.op, reg);
  for (const bad of [`${reg.site.origin}/elsewhere`, `${reg.site.postLogoutRedirectUri}?extra=1`, `${reg.site.postLogoutRedirectUri}/`, reg.redirectUri]) {
    const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, post_logout_redirect_uri: bad, state: 'st' });
    await logoutInBrowser(person, reg, url);
    assert.equal(person.url().origin, new URL(s.op.issuer).origin, `post_logout_redirect_uri=${bad}: the browser was sent to ${person.page.url()} (RP-Initiated Logout §3: MUST be registered)`);
  }
  const stray = reg.site.requests.filter((r) => r.path !== '/favicon.ico' && r.path !== '/cb');
  assert.deepEqual(stray.map((r) => r.url.href), [], 'the site received a post-logout redirect it did not register');
});

test('OP-RP-Initiated-Logout-modified-id-token-hint: a hint with a broken signature is not trusted for the redirect', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'rp-logout-modified-hint', postLogout: true });
  const person = await s.signedUp(t, 'ada');
  const { config, tokens } = await signInAtSite(person, s.op, reg);
  const [h, p, sig] = tokens.id_token.split('.');
  const flipped = Buffer.from(sig, 'base64url');
  flipped[5] ^= 0xff;
  const modified = `${h}.${p}.${flipped.toString('base64url')}`;
  const url = client.buildEndSessionUrl(config, { id_token_hint: modified, post_logout_redirect_uri: reg.site.postLogoutRedirectUri, state: 'st' });
  await person.goto(url);
  assert.equal(person.url().origin, new URL(s.op.issuer).origin, `a forged id_token_hint sent the browser to ${person.page.url()}`);
  assert.equal(reg.site.received('/logged-out').length, 0, 'the site received a post-logout redirect for a forged hint');
  // Nor did a forged hint end the session silently.
  await assertStillSignedIn(person, reg, 'forged id_token_hint');
});

test('OP-RP-Initiated-Logout-no-id-token-hint: client_id and post_logout_redirect_uri without a hint: the person confirms, then returns with state', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'rp-logout-no-hint', postLogout: true });
  const person = await s.signedUp(t, 'ada');
  const { config } = await signInAtSite(person, s.op, reg);
  const state = client.randomState();
  const url = client.buildEndSessionUrl(config, { post_logout_redirect_uri: reg.site.postLogoutRedirectUri, state });
  assert.equal(url.searchParams.get('client_id'), reg.clientId);
  const pages = await logoutInBrowser(person, reg, url);
  assert.deepEqual(pages, ['confirm', 'site'], 'without an id_token_hint the Network asks before signing out (RP-Initiated Logout §2; SECURITY.md)');
  const back = await reg.site.waitFor((r) => r.path === '/logged-out', 'post-logout redirect');
  assert.equal(back.query.get('state'), state);
  await assertSignedOut(person, reg, 'confirmed logout');
});

/** The checks of Back-Channel Logout 1.0 §2.4 and §2.6 on one received request. */
function assertLogoutToken(request, { reg, idClaims, jwks, where }) {
  assert.equal(request.method, 'POST', `${where}: method`);
  assert.equal((request.headers['content-type'] || '').split(';')[0].trim(), 'application/x-www-form-urlencoded', `${where}: §2.5 content-type`);
  const form = new URLSearchParams(request.body);
  const token = form.get('logout_token');
  assert.equal(typeof token, 'string', `${where}: no logout_token in ${request.body}`);
  const d = assertSignedByJwks(token, jwks, `${where}: logout token`);
  assert.equal(d.header.typ, 'logout+jwt', `${where}: §2.4 typ logout+jwt`);
  assert.equal(d.header.alg, reg.idTokenAlg, `${where}: §2.6 step 3: signed with the site's ID token alg`);
  const c = d.payload;
  assert.equal(c.iss, s.op.issuer, `${where}: iss`);
  const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
  assert.ok(aud.includes(reg.clientId), `${where}: aud ${JSON.stringify(c.aud)}`);
  assert.ok(Number.isInteger(c.iat) && Math.abs(c.iat - nowSeconds()) <= 120, `${where}: iat ${c.iat}`);
  assert.ok(Number.isInteger(c.exp) && c.exp > nowSeconds(), `${where}: exp ${c.exp} (REQUIRED, not expired)`);
  assert.equal(typeof c.jti, 'string', `${where}: jti`);
  assert.ok(c.jti.length > 0);
  assert.ok(c.events && typeof c.events === 'object' && !Array.isArray(c.events), `${where}: events is a JSON object`);
  assert.ok(Object.hasOwn(c.events, BACKCHANNEL_EVENT), `${where}: events lacks ${BACKCHANNEL_EVENT}`);
  const member = c.events[BACKCHANNEL_EVENT];
  assert.ok(member && typeof member === 'object' && !Array.isArray(member), `${where}: the event's value is a JSON object`);
  assert.equal(c.nonce, undefined, `${where}: §2.4: a nonce MUST NOT be present`);
  assert.ok(c.sid !== undefined || c.sub !== undefined, `${where}: sub or sid is required`);
  assert.equal(c.sid, idClaims.sid, `${where}: sid is not the ID token's sid`);
  if (c.sub !== undefined) assert.equal(c.sub, idClaims.sub, `${where}: sub is not the ID token's sub`);
  return d;
}

test('OP-BackChannel-Logout: signing out at the Network (home page "Sign out") sends the site a valid logout token', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'backchannel', backchannel: true });
  const person = await s.signedUp(t, 'ada');
  const { claims } = await signInAtSite(person, s.op, reg);
  assert.equal(typeof claims.sid, 'string', 'the ID token carries sid (backchannel_logout_session_supported)');
  assert.equal(reg.site.received('/backchannel-logout').length, 0, 'a logout token before any sign-out');
  await person.signOutAtHome();
  const request = await reg.site.waitFor((r) => r.path === '/backchannel-logout', 'back-channel logout request');
  const jwks = await fetchJwks(s.op);
  assertLogoutToken(request, { reg, idClaims: claims, jwks, where: 'back-channel logout' });
  assert.equal(reg.site.received('/backchannel-logout').length, 1, 'one logout token per sign-out');
});

test('OP-BackChannel-Logout-RP-Initiated: RP-initiated logout at one site notifies every site of the session (ES256 and EdDSA sites too)', opts, async (t) => {
  const a = await registerSite(t, s.op, { label: 'backchannel-a', backchannel: true, postLogout: true });
  const b = await registerSite(t, s.op, { label: 'backchannel-b', backchannel: true, idTokenAlg: 'ES256' });
  const c = await registerSite(t, s.op, { label: 'backchannel-c', backchannel: true, idTokenAlg: 'EdDSA' });
  const person = await s.signedUp(t, 'ada');
  const other = await s.signedUp(t, 'grace', { given: 'Grace', family: 'Hopper' });
  const atA = await signInAtSite(person, s.op, a);
  const atB = await signInAtSite(person, s.op, b);
  const atC = await signInAtSite(person, s.op, c);
  // Another person's session at site A must not be touched.
  const otherAtA = await signInAtSite(other, s.op, a);
  const state = client.randomState();
  const url = client.buildEndSessionUrl(atA.config, { id_token_hint: atA.tokens.id_token, post_logout_redirect_uri: a.site.postLogoutRedirectUri, state });
  await logoutInBrowser(person, a, url);
  const back = await a.site.waitFor((r) => r.path === '/logged-out', 'post-logout redirect');
  assert.equal(back.query.get('state'), state);
  const jwks = await fetchJwks(s.op);
  for (const [reg, at] of [[a, atA], [b, atB], [c, atC]]) {
    const request = await reg.site.waitFor((r) => r.path === '/backchannel-logout' && new URLSearchParams(r.body).get('logout_token'), `logout token at ${reg.label}`);
    assertLogoutToken(request, { reg, idClaims: at.claims, jwks, where: `back-channel logout at ${reg.label}` });
  }
  const sidsAtA = a.site.received('/backchannel-logout').map((r) => assertSignedByJwks(new URLSearchParams(r.body).get('logout_token'), jwks).payload.sid);
  assert.ok(!sidsAtA.includes(otherAtA.claims.sid), 'the other person\'s session was logged out too');
  await assertStillSignedIn(other, a, 'the other person');
});

test('OP-BackChannel-Logout-after-reauthentication: a site signed in before a prompt=login re-authentication is still told when the person signs out', opts, async (t) => {
  // MISSION N8 / Back-Channel Logout 1.0 §2: every site the person used with this sign-in learns
  // that the Network session ended. Re-authenticating (prompt=login) replaces the session; the
  // sites of the replaced session must not be forgotten.
  const a = await registerSite(t, s.op, { label: 'backchannel-before', backchannel: true });
  const b = await registerSite(t, s.op, { label: 'backchannel-reauth', backchannel: true });
  const person = await s.signedUp(t, 'ada');
  const atA = await signInAtSite(person, s.op, a);
  await signInAtSite(person, s.op, b);
  const again = await signInAtSite(person, s.op, b, { params: { prompt: 'login' } });
  assert.equal(again.flow.pages[0], 'signin');
  await person.signOutAtHome();
  const jwks = await fetchJwks(s.op);
  await b.site.waitFor((r) => r.path === '/backchannel-logout', 'logout token at the re-authenticating site');
  const request = await a.site.waitFor((r) => r.path === '/backchannel-logout', `logout token at ${a.label} (session ${atA.claims.sid})`);
  assertLogoutToken(request, { reg: a, idClaims: atA.claims, jwks, where: `back-channel logout at ${a.label}` });
});
