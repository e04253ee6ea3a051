// Basic OP checks of the token endpoint: code reuse (OP-OAuth-2nd), codes bound to their client
// and redirect URI, PKCE (RFC 7636), client authentication (OP-ClientAuth-*, OIDC Core §9,
// RFC 6749 §2.3, RFC 7523) and the ID token algorithms (OP-IDToken-RS256/ES256/EdDSA).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertErrorRedirect, authRequest, client, configure, exchange, followInBrowser, makeClientKey, oauthErrorOf, postForm, rawAuthorize,
  rawToken, registerSite, signInAtSite, userinfoGet,
} from './lib/rp.mjs';
import { assertIdToken, decodeJwt, fetchJwks, leftHalfHash } from './lib/jwt.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite();
const opts = { timeout: TEST_TIMEOUT_MS };

/** Runs the browser part of a flow and returns {config, req, code} without redeeming the code. */
async function codeFor(person, reg, params) {
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, params);
  const flow = await followInBrowser(person, reg, req);
  const code = flow.callback.query.get('code');
  assert.ok(code, `no code: ${flow.callback.url}`);
  return { config, req, code, callback: flow.callback };
}

function assertOAuthError(r, status, error, where) {
  assert.equal(r.status, status, `${where}: expected ${status} ${error}, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.error, error, `${where}: error=${r.json?.error} (${r.json?.error_description}), expected ${error}`);
  assert.equal(r.json?.access_token, undefined, `${where}: an error response carries an access token`);
  assert.match(r.headers.get('cache-control') || '', /no-store/, `${where}: RFC 6749 §5.1/§5.2 Cache-Control: no-store`);
}

test('OP-OAuth-2nd: a code can be redeemed once; the second redemption is refused with invalid_grant', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'oauth-2nd' });
  const person = await s.signedUp(t, 'ada');
  const { req, code } = await codeFor(person, reg);
  const form = { grant_type: 'authorization_code', code, redirect_uri: reg.redirectUri, code_verifier: req.codeVerifier };
  const first = await rawToken(s.op, reg, form);
  assert.equal(first.status, 200, `first redemption: ${first.text}`);
  const second = await rawToken(s.op, reg, form);
  assertOAuthError(second, 400, 'invalid_grant', 'second redemption (RFC 6749 §4.1.2, §5.2)');
});

test('OP-OAuth-2nd-Revokes: redeeming a code twice revokes the tokens of the first redemption', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'oauth-2nd-revokes' });
  const person = await s.signedUp(t, 'ada');
  const { req, code } = await codeFor(person, reg, { scope: 'openid offline_access', prompt: 'consent' });
  const form = { grant_type: 'authorization_code', code, redirect_uri: reg.redirectUri, code_verifier: req.codeVerifier };
  const first = await rawToken(s.op, reg, form);
  assert.equal(first.status, 200, `first redemption: ${first.text}`);
  assert.equal((await userinfoGet(s.op, first.json.access_token)).status, 200, 'the first access token works before the replay');
  assertOAuthError(await rawToken(s.op, reg, form), 400, 'invalid_grant', 'replayed code');
  // RFC 6749 §4.1.2: "SHOULD revoke (when possible) all tokens previously issued based on that
  // authorization code"; SECURITY.md makes it a promise.
  const after = await userinfoGet(s.op, first.json.access_token);
  assert.equal(after.status, 401, `the access token of the first redemption still works after the replay: ${after.status} ${after.text}`);
  if (first.json.refresh_token) {
    assertOAuthError(await rawToken(s.op, reg, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token }), 400, 'invalid_grant',
      'the refresh token of the first redemption after the replay');
  }
});

test('OP-OAuth-code-binding: a code is refused for another client, another redirect_uri, or an unknown value (RFC 6749 §4.1.3)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'code-binding' });
  const other = await registerSite(t, s.op, { label: 'code-binding-other' });
  const person = await s.signedUp(t, 'ada');
  const unknown = await rawToken(s.op, reg, { grant_type: 'authorization_code', code: 'bm90LWEtY29kZQ', redirect_uri: reg.redirectUri, code_verifier: 'a'.repeat(43) });
  assertOAuthError(unknown, 400, 'invalid_grant', 'unknown code');
  const a = await codeFor(person, reg);
  const stolen = await rawToken(s.op, other, { grant_type: 'authorization_code', code: a.code, redirect_uri: reg.redirectUri, code_verifier: a.req.codeVerifier });
  assertOAuthError(stolen, 400, 'invalid_grant', 'code of another client');
  const b = await codeFor(person, reg);
  const wrongUri = await rawToken(s.op, reg, { grant_type: 'authorization_code', code: b.code, redirect_uri: `${reg.site.origin}/other`, code_verifier: b.req.codeVerifier });
  assertOAuthError(wrongUri, 400, 'invalid_grant', 'redirect_uri differs from the authorization request');
  const c = await codeFor(person, reg);
  const noUri = await rawToken(s.op, reg, { grant_type: 'authorization_code', code: c.code, code_verifier: c.req.codeVerifier });
  assertOAuthError(noUri, 400, 'invalid_grant', 'redirect_uri missing although the authorization request had one');
});

test('OP-PKCE: the code_verifier must match the S256 challenge; missing, wrong and downgraded verifiers are refused (RFC 7636 §4.6)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'pkce' });
  const person = await s.signedUp(t, 'ada');
  const wrong = await codeFor(person, reg);
  assertOAuthError(await rawToken(s.op, reg, { grant_type: 'authorization_code', code: wrong.code, redirect_uri: reg.redirectUri, code_verifier: client.randomPKCECodeVerifier() }),
    400, 'invalid_grant', 'wrong code_verifier');
  const missing = await codeFor(person, reg);
  assertOAuthError(await rawToken(s.op, reg, { grant_type: 'authorization_code', code: missing.code, redirect_uri: reg.redirectUri }),
    400, 'invalid_grant', 'code_verifier missing although a code_challenge was sent');
  // SECURITY.md / RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
  const downgrade = await codeFor(person, reg, { code_challenge: undefined, code_challenge_method: undefined });
  assertOAuthError(await rawToken(s.op, reg, { grant_type: 'authorization_code', code: downgrade.code, redirect_uri: reg.redirectUri, code_verifier: client.randomPKCECodeVerifier() }),
    400, 'invalid_grant', 'code_verifier without a code_challenge');
  // plain is not offered; a bad method is refused at the authorization endpoint.
  const state = client.randomState();
  const plain = await rawAuthorize(s.op, [['client_id', reg.clientId], ['redirect_uri', reg.redirectUri], ['response_type', 'code'], ['scope', 'openid'], ['state', state],
    ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'], ['code_challenge_method', 'plain']]);
  assertErrorRedirect(plain.location, { op: s.op, reg, state, errors: ['invalid_request'], where: 'code_challenge_method=plain' });
  // And the right verifier works (openid-client sends it).
  const ok = await signInAtSite(person, s.op, reg);
  assert.equal(typeof ok.claims.sub, 'string');
});

test('OP-PKCE-public: a public client (auth method none) must use PKCE, and succeeds with it', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'public-client', authMethod: 'none' });
  const person = await s.signedUp(t, 'ada');
  const state = client.randomState();
  const r = await rawAuthorize(s.op, [['client_id', reg.clientId], ['redirect_uri', reg.redirectUri], ['response_type', 'code'], ['scope', 'openid'], ['state', state]]);
  assertErrorRedirect(r.location, { op: s.op, reg, state, errors: ['invalid_request'], where: 'public client without code_challenge' });
  const { claims } = await signInAtSite(person, s.op, reg);
  assert.equal(typeof claims.sub, 'string');
  // A public client proves nothing with a secret: sending one is refused.
  const again = await codeFor(person, reg);
  const withSecret = await postForm(s.op, '/token', { grant_type: 'authorization_code', code: again.code, redirect_uri: reg.redirectUri, code_verifier: again.req.codeVerifier, client_id: reg.clientId, client_secret: 'guess' });
  assertOAuthError(withSecret, 401, 'invalid_client', 'public client sending a client_secret');
});

test('OP-ClientAuth-Basic: client_secret_basic works; a wrong secret or another method is refused with 401 invalid_client', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'clientauth-basic', authMethod: 'client_secret_basic' });
  const person = await s.signedUp(t, 'ada');
  const { config, req, callback, code } = await codeFor(person, reg);
  const base = { grant_type: 'authorization_code', code, redirect_uri: reg.redirectUri, code_verifier: req.codeVerifier };
  const wrong = await postForm(s.op, '/token', base, { basic: [reg.clientId, `${reg.secret}x`] });
  assertOAuthError(wrong, 401, 'invalid_client', 'wrong secret (RFC 6749 §5.2)');
  assert.ok(wrong.headers.get('www-authenticate'), 'RFC 6749 §5.2: 401 after Basic carries WWW-Authenticate');
  const viaPost = await postForm(s.op, '/token', { ...base, client_id: reg.clientId, client_secret: reg.secret });
  assertOAuthError(viaPost, 401, 'invalid_client', 'client_secret_post for a client_secret_basic site (OIDC Core §9)');
  const both = await postForm(s.op, '/token', { ...base, client_secret: reg.secret }, { basic: [reg.clientId, reg.secret] });
  assertOAuthError(both, 401, 'invalid_client', 'two authentication methods at once (RFC 6749 §2.3)');
  const noAuth = await postForm(s.op, '/token', { ...base, client_id: reg.clientId });
  assertOAuthError(noAuth, 401, 'invalid_client', 'no client authentication');
  // openid-client with ClientSecretBasic redeems the same code: failed attempts did not burn it.
  const tokens = await exchange(config, req, callback);
  assert.equal(typeof tokens.access_token, 'string');
});

test('OP-ClientAuth-SecretPost: client_secret_post works; Basic for that site is refused with invalid_client', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'clientauth-post', authMethod: 'client_secret_post' });
  const person = await s.signedUp(t, 'ada');
  const { config, req, callback, code } = await codeFor(person, reg);
  const base = { grant_type: 'authorization_code', code, redirect_uri: reg.redirectUri, code_verifier: req.codeVerifier };
  assertOAuthError(await postForm(s.op, '/token', { ...base, client_id: reg.clientId, client_secret: `${reg.secret}x` }), 401, 'invalid_client', 'wrong secret');
  assertOAuthError(await postForm(s.op, '/token', base, { basic: [reg.clientId, reg.secret] }), 401, 'invalid_client', 'Basic for a client_secret_post site');
  const tokens = await exchange(config, req, callback);
  assert.equal(typeof tokens.access_token, 'string');
});

for (const keyAlg of ['RS256', 'ES256']) {
  test(`OP-ClientAuth-PrivateKeyJwt (${keyAlg}): an assertion signed with the registered key works; another key, a secret or a stale assertion is refused`, opts, async (t) => {
    const clientKey = await makeClientKey(keyAlg);
    const reg = await registerSite(t, s.op, { label: `clientauth-pkjwt-${keyAlg}`, authMethod: 'private_key_jwt', clientKey });
    const person = await s.signedUp(t, 'ada');
    // An assertion signed by a key the site never registered (same kid, to be sure it is the key that counts).
    const stranger = await makeClientKey(keyAlg);
    const forgedConfig = await configure(s.op, reg, { auth: client.PrivateKeyJwt({ key: stranger.privateKey.key, kid: clientKey.kid }) });
    const a = await codeFor(person, reg);
    assert.deepEqual(await oauthErrorOf(exchange(forgedConfig, a.req, a.callback)), { status: 401, error: 'invalid_client' },
      'an assertion signed by an unregistered key (RFC 7523 §3 item 9)');
    // An expired assertion (RFC 7523 §3 item 4).
    const expiredConfig = await configure(s.op, reg, {
      auth: client.PrivateKeyJwt(clientKey.privateKey, {
        [client.modifyAssertion]: (header, payload) => { payload.exp = payload.iat - 60; payload.iat -= 120; },
      }),
    });
    assert.deepEqual(await oauthErrorOf(exchange(expiredConfig, a.req, a.callback)), { status: 401, error: 'invalid_client' },
      'an expired assertion (RFC 7523 §3 item 4)');
    // An assertion for another audience.
    const audConfig = await configure(s.op, reg, {
      auth: client.PrivateKeyJwt(clientKey.privateKey, { [client.modifyAssertion]: (header, payload) => { payload.aud = 'https://elsewhere.example'; } }),
    });
    assert.deepEqual(await oauthErrorOf(exchange(audConfig, a.req, a.callback)), { status: 401, error: 'invalid_client' },
      'an assertion for another audience (RFC 7523 §3 item 3)');
    // A secret instead of an assertion.
    assertOAuthError(await postForm(s.op, '/token', { grant_type: 'authorization_code', code: a.code, redirect_uri: reg.redirectUri, code_verifier: a.req.codeVerifier, client_id: reg.clientId, client_secret: 'x' }),
      401, 'invalid_client', 'client_secret for a private_key_jwt site');
    // The registered key, through openid-client: the same code is still good.
    const tokens = await exchange(a.config, a.req, a.callback);
    assert.equal(typeof tokens.access_token, 'string');
    assert.equal(tokens.claims().aud, reg.clientId);
  });
}

test('OP-Token-GrantTypes: unknown and password grants are refused with unsupported_grant_type (SECURITY.md: never the password grant)', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'grant-types' });
  const person = await s.signedUp(t, 'ada');
  assertOAuthError(await rawToken(s.op, reg, { grant_type: 'password', username: person.email, password: person.password }), 400, 'unsupported_grant_type', 'password grant');
  assertOAuthError(await rawToken(s.op, reg, { grant_type: 'urn:example:unknown' }), 400, 'unsupported_grant_type', 'unknown grant');
  assertOAuthError(await rawToken(s.op, reg, { grant_type: 'authorization_code', redirect_uri: reg.redirectUri }), 400, 'invalid_request', 'authorization_code without a code');
  const repeated = new URLSearchParams([['grant_type', 'authorization_code'], ['code', 'a'], ['code', 'b'], ['redirect_uri', reg.redirectUri]]);
  assertOAuthError(await postForm(s.op, '/token', repeated, { basic: [reg.clientId, reg.secret] }), 400, 'invalid_request', 'repeated code parameter (RFC 6749 §3.2)');
});

for (const alg of ['RS256', 'ES256', 'EdDSA']) {
  test(`OP-IDToken-${alg}: a site registered for ${alg} gets ID tokens signed with ${alg} by a key of the JWKS`, opts, async (t) => {
    const reg = await registerSite(t, s.op, { label: `idtoken-${alg}`, idTokenAlg: alg });
    const person = await s.signedUp(t, 'ada');
    // openid-client refuses any other alg (id_token_signed_response_alg) and verifies the signature.
    const { tokens, req } = await signInAtSite(person, s.op, reg);
    const { header } = decodeJwt(tokens.id_token);
    assert.equal(header.alg, alg, 'OIDC Core §3.1.3.7 step 7: the registered id_token_signed_response_alg');
    const jwks = await fetchJwks(s.op);
    const d = assertIdToken(tokens.id_token, { issuer: s.op.issuer, clientId: reg.clientId, jwks, alg, nonce: req.nonce, accessToken: tokens.access_token });
    if (d.payload.at_hash !== undefined) assert.equal(d.payload.at_hash, leftHalfHash(tokens.access_token, alg));
  });
}
