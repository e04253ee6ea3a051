// The relying party's side: register a site with the CLI, configure openid-client for it
// (discovery, client authentication, ID token signature checks against the JWKS), build
// authorization requests (PKCE S256, state, nonce), follow them in the browser to the site's
// redirect URI, and exchange the code. Raw HTTP helpers for requests a library would refuse
// to send.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import * as client from 'openid-client';
import { startSite } from './site.mjs';
import { writeTempFile } from './portico.mjs';

export { client };

/** Makes an RSA (RS256) or EC P-256 (ES256) key pair for private_key_jwt. */
export async function makeClientKey(alg = 'RS256') {
  const pair = alg === 'ES256'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `conf-${alg}-${crypto.randomBytes(6).toString('hex')}`;
  const publicJwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  const privateJwk = pair.privateKey.export({ format: 'jwk' });
  const algorithm = alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const cryptoKey = await crypto.webcrypto.subtle.importKey('jwk', privateJwk, algorithm, false, ['sign']);
  return { alg, kid, publicJwk, privateKey: { key: cryptoKey, kid } };
}

/**
 * Starts a site's web server and registers it at the Network with the CLI.
 * options: label, authMethod, firstParty, pairwise, sectorId, idTokenAlg, postLogout (bool),
 *          backchannel (bool), clientKey (from makeClientKey, for private_key_jwt)
 * The site's server is closed when the test ends.
 */
export async function registerSite(t, op, options = {}) {
  const label = options.label || 'site';
  const site = await startSite(label);
  t.after(() => site.close());
  const authMethod = options.authMethod || 'client_secret_basic';
  let clientKey = options.clientKey;
  let jwksFile;
  if (authMethod === 'private_key_jwt') {
    clientKey ||= await makeClientKey('RS256');
    jwksFile = await writeTempFile(op, `${label}-${clientKey.kid}.jwks.json`, JSON.stringify({ keys: [clientKey.publicJwk] }));
  }
  const idTokenAlg = options.idTokenAlg || 'RS256';
  const registered = await op.addClient({
    name: `${label} (conformance)`,
    redirectUris: [site.redirectUri, ...(options.extraRedirectUris || [])],
    postLogoutRedirectUris: options.postLogout ? [site.postLogoutRedirectUri] : [],
    authMethod,
    jwksFile,
    firstParty: options.firstParty,
    pairwise: options.pairwise,
    sectorId: options.sectorId,
    idTokenAlg: options.idTokenAlg,
    accessTokenFormat: options.accessTokenFormat,
    backchannelLogoutUri: options.backchannel ? site.backchannelLogoutUri : undefined,
  });
  if (authMethod === 'client_secret_basic' || authMethod === 'client_secret_post') {
    assert.ok(registered.secret, `client add for ${authMethod} printed no secret:\n${registered.output}`);
  }
  return { label, site, clientId: registered.clientId, secret: registered.secret, authMethod, idTokenAlg, clientKey, redirectUri: site.redirectUri };
}

export function clientAuthFor(reg) {
  switch (reg.authMethod) {
    case 'client_secret_basic': return client.ClientSecretBasic(reg.secret);
    case 'client_secret_post': return client.ClientSecretPost(reg.secret);
    case 'private_key_jwt': return client.PrivateKeyJwt(reg.clientKey.privateKey);
    case 'none': return client.None();
    default: throw new Error(`unknown auth method ${reg.authMethod}`);
  }
}

/**
 * openid-client Configuration for a site, from the Network's discovery document. The ID token's
 * signature is checked against the JWKS (enableNonRepudiationChecks) and its alg must be the
 * registered one (id_token_signed_response_alg). HTTP is allowed: the test server is loopback.
 */
export async function configure(op, reg, { auth, metadata } = {}) {
  return client.discovery(
    new URL(op.issuer),
    reg.clientId,
    { id_token_signed_response_alg: reg.idTokenAlg, ...metadata },
    auth || clientAuthFor(reg),
    { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks], timeout: 15 },
  );
}

/**
 * An authorization request URL with PKCE (S256), state and nonce. `params` add to or replace
 * the defaults; a value of undefined removes a parameter.
 */
export async function authRequest(config, reg, params = {}) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
  const p = {
    redirect_uri: reg.redirectUri,
    scope: 'openid',
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    state: client.randomState(),
    nonce: client.randomNonce(),
    ...params,
  };
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  const url = client.buildAuthorizationUrl(config, p);
  return { url, state: p.state, nonce: p.nonce, codeVerifier: p.code_challenge ? codeVerifier : undefined, params: p };
}

/**
 * Opens the authorization request in the person's browser and follows the Network's pages
 * (signs in on the sign-in page, fills sign-up and then the code it mails, allows on the consent
 * page) until the browser lands on the site's redirect URI. Returns {callback, pages, documents}:
 * `pages` lists the kinds of page shown on the way ('signin', 'signup', 'signup-code', 'consent',
 * 'callback').
 */
export async function followInBrowser(person, reg, req, { consent = 'allow' } = {}) {
  const pages = [];
  const start = person.documents.length;
  await person.goto(req.url);
  for (let step = 0; step < 6; step += 1) {
    const kind = await person.pageKind(reg.site);
    pages.push(kind);
    if (kind === 'callback') break;
    if (kind === 'signin') await person.fillSignIn();
    else if (kind === 'signup') await person.fillSignUp();
    else if (kind === 'signup-code') await person.enterMailedCode();
    else if (kind === 'consent' && consent === 'allow') await person.allow();
    else if (kind === 'consent' && consent === 'deny') await person.deny();
    else throw new Error(`[${person.label}] the flow stopped at ${person.page.url()} (${kind}):\n${await person.bodyText()}`);
  }
  assert.equal(pages.at(-1), 'callback', `[${person.label}] never reached the site; pages: ${pages.join(' → ')}`);
  const callback = await reg.site.callback(req.state);
  return { callback, pages, documents: person.documents.slice(start) };
}

/** The authorization code grant with openid-client, checking state, nonce, PKCE and iss. */
export function exchange(config, req, callback, checks = {}) {
  return client.authorizationCodeGrant(config, callback.url, {
    pkceCodeVerifier: req.codeVerifier,
    expectedState: req.state,
    expectedNonce: req.nonce,
    idTokenExpected: true,
    ...checks,
  });
}

/** Registration-independent convenience: request → browser → tokens. */
export async function signInAtSite(person, op, reg, { params, checks, consent, config } = {}) {
  config ||= await configure(op, reg);
  const req = await authRequest(config, reg, params);
  const flow = await followInBrowser(person, reg, req, { consent });
  const tokens = await exchange(config, req, flow.callback, checks);
  return { config, req, flow, tokens, claims: tokens.claims() };
}

// ---- raw HTTP ----

/** GET /authorize with exactly these query parameters (array of pairs allows repeats). No redirects followed. */
export async function rawAuthorize(op, pairs, { headers } = {}) {
  const url = new URL(`${op.issuer}/authorize`);
  for (const [k, v] of pairs) url.searchParams.append(k, v);
  const response = await fetch(url, { redirect: 'manual', headers, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  const location = response.headers.get('location');
  return { status: response.status, headers: response.headers, text, location: location ? new URL(location, op.issuer) : null };
}

/** POST a form to an endpoint of the Network. `basic`: [id, secret] for client_secret_basic. */
export async function postForm(op, path, form, { basic, headers = {} } = {}) {
  const h = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
  if (basic) {
    const enc = (s) => encodeURIComponent(s);
    h.authorization = `Basic ${Buffer.from(`${enc(basic[0])}:${enc(basic[1])}`).toString('base64')}`;
  }
  const body = form instanceof URLSearchParams ? form : new URLSearchParams(form);
  const response = await fetch(`${op.issuer}${path}`, { method: 'POST', headers: h, body, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, headers: response.headers, text, json };
}

/** Client credentials for a raw request, by the site's registered method. */
export function rawClientAuth(reg) {
  if (reg.authMethod === 'client_secret_basic') return { form: {}, basic: [reg.clientId, reg.secret] };
  if (reg.authMethod === 'client_secret_post') return { form: { client_id: reg.clientId, client_secret: reg.secret } };
  if (reg.authMethod === 'none') return { form: { client_id: reg.clientId } };
  throw new Error(`rawClientAuth: ${reg.authMethod} not supported here`);
}

/** A raw POST /token with the site's own credentials. */
export function rawToken(op, reg, form) {
  const auth = rawClientAuth(reg);
  return postForm(op, '/token', { ...auth.form, ...form }, { basic: auth.basic });
}

/** GET /userinfo with a bearer token. */
export async function userinfoGet(op, accessToken) {
  const response = await fetch(`${op.issuer}/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, headers: response.headers, text, json };
}

/** Asserts an OAuth error redirect to the site: error, state and iss (RFC 6749 §4.1.2.1, RFC 9207 §2). */
export function assertErrorRedirect(location, { op, reg, state, errors, where }) {
  assert.ok(location, `${where}: expected a redirect to the site with an error, got none`);
  assert.equal(`${location.origin}${location.pathname}`, reg.redirectUri, `${where}: redirected to ${location}, not the registered redirect URI`);
  const q = location.searchParams;
  assert.ok(errors.includes(q.get('error')), `${where}: error=${q.get('error')} (${q.get('error_description')}), expected ${errors.join(' or ')}`);
  assert.equal(q.get('code'), null, `${where}: an error response carries a code`);
  if (state !== undefined) assert.equal(q.get('state'), state, `${where}: state not echoed in the error response (RFC 6749 §4.1.2.1)`);
  assert.equal(q.get('iss'), op.issuer, `${where}: iss missing or wrong in the error response (RFC 9207 §2)`);
}

/**
 * Awaits an openid-client call that must fail with an OAuth error response and returns
 * {status, error}; null when it succeeded. Other failures are rethrown.
 */
export async function oauthErrorOf(promise) {
  try {
    await promise;
    return null;
  } catch (err) {
    if (err instanceof client.ResponseBodyError) return { status: err.status, error: err.error };
    if (err instanceof client.WWWAuthenticateChallengeError) {
      // A 401 with a WWW-Authenticate header (RFC 6749 §5.2): the JSON body is still unread.
      let body;
      try { body = await err.response.json(); } catch { body = undefined; }
      return { status: err.status, error: body?.error };
    }
    throw err;
  }
}
