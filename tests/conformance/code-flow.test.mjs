// Basic OP checks of the authorization code flow: the response, the ID token (signature, kid,
// claims, at_hash, nonce), request parameters the provider must tolerate, and authorization
// requests it must refuse — with an error page before the redirect URI is trusted, and with
// error, state and iss at the site afterwards (RFC 6749 §4.1.2.1, OIDC Core §3.1.2, RFC 9207).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertErrorRedirect, authRequest, client, configure, exchange, followInBrowser, rawAuthorize, rawToken,
  registerSite, signInAtSite,
} from './lib/rp.mjs';
import { assertIdToken, decodeJwt, fetchJwks, leftHalfHash, verifyWithJwk } from './lib/jwt.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite();
const opts = { timeout: TEST_TIMEOUT_MS };

test('OP-Response-code: the code flow answers with code, state and iss; the token response is a no-store Bearer grant', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'response-code' });
  const person = await s.signedUp(t, 'ada');
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg);
  const { callback, pages } = await followInBrowser(person, reg, req);
  assert.deepEqual(pages, ['consent', 'callback'], 'a third-party site asks for consent first');
  const q = callback.query;
  assert.ok(q.get('code'), `no code in the authorization response: ${callback.url}`);
  assert.equal(q.get('state'), req.state, 'state (RFC 6749 §4.1.2)');
  assert.equal(q.get('iss'), s.op.issuer, 'iss (RFC 9207 §2)');
  assert.equal(q.getAll('code').length, 1, 'one code');
  for (const k of ['id_token', 'access_token', 'token']) assert.equal(q.get(k), null, `a code response carries ${k}`);

  const r = await rawToken(s.op, reg, {
    grant_type: 'authorization_code', code: q.get('code'), redirect_uri: reg.redirectUri, code_verifier: req.codeVerifier,
  });
  assert.equal(r.status, 200, `token endpoint answered ${r.status}: ${r.text}`);
  assert.equal((r.headers.get('content-type') || '').split(';')[0].trim(), 'application/json', 'RFC 6749 §5.1 content-type');
  assert.match(r.headers.get('cache-control') || '', /no-store/, 'RFC 6749 §5.1: Cache-Control: no-store');
  assert.equal(typeof r.json.access_token, 'string');
  assert.equal(String(r.json.token_type).toLowerCase(), 'bearer');
  assert.ok(Number.isInteger(r.json.expires_in) && r.json.expires_in > 0, `expires_in ${r.json.expires_in}`);
  assert.equal(typeof r.json.id_token, 'string', 'OIDC Core §3.1.3.3: an ID token for the openid scope');
  const jwks = await fetchJwks(s.op);
  assertIdToken(r.json.id_token, { issuer: s.op.issuer, clientId: reg.clientId, jwks, nonce: req.nonce, accessToken: r.json.access_token });
  s.assertServerUp();
});

test('OP-IDToken-Signature: the ID token is signed (RS256 by default) by a key of the JWKS, checked by openid-client and independently', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'idtoken-signature' });
  const person = await s.signedUp(t, 'ada');
  // openid-client: enableNonRepudiationChecks verifies the ID token's JWS against jwks_uri, and
  // id_token_signed_response_alg=RS256 refuses any other alg.
  const { tokens } = await signInAtSite(person, s.op, reg);
  const jwks = await fetchJwks(s.op);
  const d = assertIdToken(tokens.id_token, { issuer: s.op.issuer, clientId: reg.clientId, jwks, alg: 'RS256', nonce: tokens.claims().nonce });
  assert.notEqual(d.header.alg, 'none');
  // A token whose payload was changed no longer verifies with openid-client either.
  const forged = `${d.parts[0]}.${Buffer.from(JSON.stringify({ ...d.payload, sub: 'someone-else' })).toString('base64url')}.${d.parts[2]}`;
  assert.equal(verifyWithJwk(decodeJwt(forged), jwks.keys.find((k) => k.kid === d.header.kid)), false, 'a forged payload verified');
});

test('OP-IDToken-kid: the ID token header names its key by kid, and that kid is in the JWKS exactly once', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'idtoken-kid' });
  const person = await s.signedUp(t, 'ada');
  const { tokens } = await signInAtSite(person, s.op, reg);
  const { header } = decodeJwt(tokens.id_token);
  assert.equal(typeof header.kid, 'string', 'the JWKS has several keys, so the header needs a kid');
  const jwks = await fetchJwks(s.op);
  assert.equal(jwks.keys.filter((k) => k.kid === header.kid).length, 1, `kid ${header.kid} in the JWKS`);
  assert.ok(header.typ === undefined || header.typ === 'JWT', `ID token typ ${header.typ}`);
});

test('OP-IDToken-at_hash: at_hash, when present, is the left half of SHA-256 of the access token', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'idtoken-at-hash' });
  const person = await s.signedUp(t, 'ada');
  const { tokens, claims } = await signInAtSite(person, s.op, reg);
  if (claims.at_hash !== undefined) {
    assert.equal(claims.at_hash, leftHalfHash(tokens.access_token, 'RS256'), 'OIDC Core §3.1.3.8 at_hash');
  }
  // The claims every ID token carries (OIDC Core §2), plus what this provider promises (MISSION N11).
  for (const c of ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time']) assert.ok(claims[c] !== undefined, `ID token lacks ${c}`);
  assert.equal(typeof claims.sid, 'string', 'sid (Back-Channel Logout §2.1, advertised by backchannel_logout_session_supported)');
  assert.ok(Array.isArray(claims.amr) && claims.amr.length > 0, 'amr (MISSION N11)');
  assert.equal(typeof claims.acr, 'string', 'acr (MISSION N11)');
});

test('OP-nonce-code: the nonce of the request is echoed in the ID token', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'nonce-code' });
  const person = await s.signedUp(t, 'ada');
  const { req, claims } = await signInAtSite(person, s.op, reg);
  assert.equal(claims.nonce, req.nonce, 'OIDC Core §3.1.3.7 step 11');
  // A second request with a different nonce gets that nonce, not the first one.
  const second = await signInAtSite(person, s.op, reg);
  assert.equal(second.claims.nonce, second.req.nonce);
  assert.notEqual(second.claims.nonce, claims.nonce);
});

test('OP-nonce-NoReq-code: a code-flow request without nonce succeeds and the ID token has no nonce', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'nonce-noreq' });
  const person = await s.signedUp(t, 'ada');
  const { claims } = await signInAtSite(person, s.op, reg, { params: { nonce: undefined } });
  assert.equal(claims.nonce, undefined, 'nonce claim without a nonce in the request');
});

test('OP-Req-NotUnderstood: an unknown request parameter is ignored (OIDC Core §3.1.2.1)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'not-understood' });
  const person = await s.signedUp(t, 'ada');
  const { claims, flow } = await signInAtSite(person, s.op, reg, { params: { extra: 'foobar', 'x-unknown': 'ünïcødé' } });
  assert.equal(flow.callback.query.get('extra'), null, 'the unknown parameter is not reflected');
  assert.equal(typeof claims.sub, 'string');
});

for (const [name, params] of [
  ['OP-Req-ui_locales', { ui_locales: 'se en' }],
  ['OP-Req-claims_locales', { claims_locales: 'se en' }],
  ['OP-Req-acr_values', { acr_values: '1 2' }],
  ['OP-display-page', { display: 'page' }],
  ['OP-display-popup', { display: 'popup' }],
]) {
  test(`${name}: a request with ${Object.keys(params)[0]} succeeds`, opts, async (t) => {
    const reg = await registerSite(t, s.op, { label: name });
    const person = await s.signedUp(t, 'ada');
    const { claims } = await signInAtSite(person, s.op, reg, { params });
    assert.equal(typeof claims.sub, 'string');
  });
}

test('OP-Response-Missing: no response_type ⇒ an error back at the site with state and iss', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'response-missing' });
  const state = client.randomState();
  const base = [['client_id', reg.clientId], ['redirect_uri', reg.redirectUri], ['scope', 'openid'], ['state', state]];
  const missing = await rawAuthorize(s.op, base);
  assert.ok([302, 303].includes(missing.status), `no response_type answered ${missing.status}: ${missing.text.slice(0, 300)}`);
  assertErrorRedirect(missing.location, { op: s.op, reg, state, errors: ['invalid_request', 'unsupported_response_type'], where: 'no response_type' });
  // SECURITY.md, RFC 9700 §2.1.2: no implicit or hybrid flow.
  for (const rt of ['token', 'id_token', 'id_token token', 'code id_token']) {
    const r = await rawAuthorize(s.op, [...base, ['response_type', rt], ['nonce', 'n-0S6_WzA2Mj']]);
    assert.ok([302, 303].includes(r.status), `response_type=${rt} answered ${r.status}`);
    assertErrorRedirect(r.location, { op: s.op, reg, state, errors: ['unsupported_response_type'], where: `response_type=${rt}` });
    assert.equal(r.location.hash, '', `response_type=${rt}: the error went into a fragment`);
  }
});

test('OP-Req-Duplicate: a repeated authorization parameter is refused with invalid_request (RFC 6749 §3.1)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'duplicate' });
  const state = client.randomState();
  const base = [['client_id', reg.clientId], ['redirect_uri', reg.redirectUri], ['response_type', 'code'], ['state', state]];
  for (const [name, a, b] of [['scope', 'openid', 'openid email'], ['nonce', 'n1', 'n2'], ['response_type', 'code', 'code'], ['prompt', 'login', 'none']]) {
    const pairs = [...base.filter(([k]) => k !== name), [name, a], [name, b]];
    if (name !== 'scope') pairs.push(['scope', 'openid']);
    const r = await rawAuthorize(s.op, pairs);
    assert.ok([302, 303].includes(r.status), `repeated ${name} answered ${r.status}: ${r.text.slice(0, 300)}`);
    assertErrorRedirect(r.location, { op: s.op, reg, state, errors: ['invalid_request'], where: `repeated ${name}` });
  }
  // Repeated client_id or redirect_uri: the redirect URI cannot be trusted, so no redirect at all.
  for (const [name, value] of [['client_id', reg.clientId], ['redirect_uri', reg.redirectUri]]) {
    const r = await rawAuthorize(s.op, [...base, ['scope', 'openid'], [name, value]]);
    assert.equal(r.location, null, `repeated ${name} redirected to ${r.location}`);
    assert.equal(r.status, 400, `repeated ${name}: an error page with 400, got ${r.status}`);
  }
  assert.equal(reg.site.received('/cb').length, 0, 'the site received a request it should not have');
});

test('OP-request-Unsigned and OP-request_uri-Unsigned: unsupported request objects are refused with request_not_supported / request_uri_not_supported', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'request-object' });
  const state = client.randomState();
  const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ iss: reg.clientId, aud: s.op.issuer, response_type: 'code', client_id: reg.clientId, redirect_uri: reg.redirectUri, scope: 'openid', state })).toString('base64url');
  const base = [['client_id', reg.clientId], ['redirect_uri', reg.redirectUri], ['response_type', 'code'], ['scope', 'openid'], ['state', state]];
  // Discovery says request_parameter_supported=false and request_uri_parameter_supported=false:
  // OIDC Core §3.1.2.6 names the errors.
  const r1 = await rawAuthorize(s.op, [...base, ['request', `${header}.${body}.`]]);
  assertErrorRedirect(r1.location, { op: s.op, reg, state, errors: ['request_not_supported'], where: 'request=' });
  const r2 = await rawAuthorize(s.op, [...base, ['request_uri', `${reg.site.origin}/request.jwt`]]);
  assertErrorRedirect(r2.location, { op: s.op, reg, state, errors: ['request_uri_not_supported'], where: 'request_uri=' });
  assert.equal(reg.site.received('/request.jwt').length, 0, 'the provider fetched a request_uri it does not support');
});

test('OP-redirect_uri-NotReg: an unregistered redirect_uri gets an error page and never a redirect (exact matching)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'redirect-notreg' });
  const person = await s.signedUp(t, 'ada');
  const origin = reg.site.origin;
  const port = new URL(origin).port;
  const variants = [
    `${origin}/elsewhere`,
    `${reg.redirectUri}/`,
    `${reg.redirectUri}?extra=1`,
    `${origin}/CB`,
    `${reg.redirectUri}#frag`,
    `http://localhost:${port}/cb`,
    `https://127.0.0.1:${port}/cb`,
    `${origin}/cb/../cb`,
    `${reg.redirectUri}%20`,
  ];
  for (const redirectUri of variants) {
    const state = client.randomState();
    const r = await rawAuthorize(s.op, [['client_id', reg.clientId], ['redirect_uri', redirectUri], ['response_type', 'code'], ['scope', 'openid'], ['state', state]]);
    assert.equal(r.location, null, `redirect_uri=${redirectUri} redirected to ${r.location} (SECURITY.md, RFC 6749 §4.1.2.1)`);
    assert.equal(r.status, 400, `redirect_uri=${redirectUri}: expected an error page with 400, got ${r.status}`);
  }
  // And in the browser of a signed-in person who already allowed the site: the person sees an
  // error page at the Network and the site receives nothing.
  await signInAtSite(person, s.op, reg);
  // The browser's own /favicon.ico probe of the site's page may arrive at any time: not counted.
  const sent = () => reg.site.requests.filter((r) => r.url.pathname !== '/favicon.ico').length;
  const before = sent();
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, { redirect_uri: `${origin}/elsewhere` });
  const response = await person.goto(req.url);
  assert.equal(response.status(), 400, `the browser got ${response.status()} at ${person.page.url()}`);
  assert.equal(person.url().origin, new URL(s.op.issuer).origin, `the browser left the Network: ${person.page.url()}`);
  assert.equal(sent(), before, 'the site received a request');
});

test('OP-redirect_uri-Missing: a request without redirect_uri gets an error page (OIDC Core §3.1.2.1: REQUIRED)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'redirect-missing' });
  const r = await rawAuthorize(s.op, [['client_id', reg.clientId], ['response_type', 'code'], ['scope', 'openid'], ['state', 'st']]);
  assert.equal(r.location, null, `redirected to ${r.location}`);
  assert.equal(r.status, 400);
  const unknown = await rawAuthorize(s.op, [['client_id', 'site_not_registered'], ['redirect_uri', reg.redirectUri], ['response_type', 'code'], ['scope', 'openid'], ['state', 'st']]);
  assert.equal(unknown.location, null, `an unknown client_id redirected to ${unknown.location}`);
  assert.equal(unknown.status, 400);
  assert.equal(reg.site.received('/cb').length, 0);
});

test('OP-consent-denied: "Don\'t allow" returns access_denied with state and iss (OIDC Core §3.1.2.6)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'consent-denied' });
  const person = await s.signedUp(t, 'ada');
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, { scope: 'openid email' });
  const { callback, pages } = await followInBrowser(person, reg, req, { consent: 'deny' });
  assert.deepEqual(pages, ['consent', 'callback']);
  assertErrorRedirect(callback.url, { op: s.op, reg, state: req.state, errors: ['access_denied'], where: 'consent denied' });
  await assert.rejects(exchange(config, req, callback), (err) => err instanceof client.AuthorizationResponseError && err.error === 'access_denied');
  // A refusal is never remembered as consent: asking again does not silently issue a code.
  const again = await authRequest(config, reg, { scope: 'openid email' });
  await person.goto(again.url);
  if (await person.pageKind(reg.site) === 'callback') {
    assert.equal(person.url().searchParams.get('code'), null, 'a code was issued right after the person refused');
  }
});

test('OP-Response-state-exact: state and nonce come back exactly as sent, special characters included (RFC 6749 §4.1.2)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'state-exact' });
  const person = await s.signedUp(t, 'ada');
  const state = `a b&c=d/é+%25?#${client.randomState()}`;
  const nonce = `n&=+ é%${client.randomNonce()}`;
  const { flow, claims } = await signInAtSite(person, s.op, reg, { params: { state, nonce } });
  assert.equal(flow.callback.query.getAll('state').length, 1);
  assert.equal(flow.callback.query.get('state'), state, 'state changed on the way back');
  assert.equal(claims.nonce, nonce, 'nonce changed on the way into the ID token');
  // And on an error response.
  const r = await rawAuthorize(s.op, [['client_id', reg.clientId], ['redirect_uri', reg.redirectUri], ['response_type', 'token'], ['scope', 'openid'], ['state', state]]);
  assertErrorRedirect(r.location, { op: s.op, reg, state, errors: ['unsupported_response_type'], where: 'error response with a special state' });
});

test('OP-redirect_uri-Query-OK: a registered redirect_uri with a query keeps it, and the response parameters are added', opts, async (t) => {
  const probe = await registerSite(t, s.op, { label: 'redirect-query' });
  // A second registration of the same site's server with a query in its redirect URI.
  const withQuery = `${probe.site.origin}/cb?tenant=blue`;
  const reg = { ...probe, ...(await s.op.addClient({ name: 'redirect-query (conformance)', redirectUris: [withQuery] })), authMethod: 'client_secret_basic', redirectUri: withQuery };
  const person = await s.signedUp(t, 'ada');
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg);
  const { callback } = await followInBrowser(person, reg, req);
  assert.equal(callback.query.get('tenant'), 'blue', `the registered query component was lost: ${callback.url}`);
  assert.ok(callback.query.get('code'), `no code: ${callback.url}`);
  assert.equal(callback.query.get('iss'), s.op.issuer);
  // openid-client derives redirect_uri without the query, so this exchange is made by hand.
  const r = await rawToken(s.op, reg, { grant_type: 'authorization_code', code: callback.query.get('code'), redirect_uri: withQuery, code_verifier: req.codeVerifier });
  assert.equal(r.status, 200, `token exchange with the registered query redirect_uri: ${r.status} ${r.text}`);
  // OP-redirect_uri-Query-Mismatch and OP-redirect_uri-Query-Added: another or an extra query is not registered.
  for (const bad of [`${probe.site.origin}/cb?tenant=red`, `${withQuery}&extra=1`, `${probe.site.origin}/cb`]) {
    const e = await rawAuthorize(s.op, [['client_id', reg.clientId], ['redirect_uri', bad], ['response_type', 'code'], ['scope', 'openid'], ['state', 'st']]);
    assert.equal(e.location, null, `redirect_uri=${bad} redirected to ${e.location}`);
    assert.equal(e.status, 400, `redirect_uri=${bad}: ${e.status}`);
  }
});
