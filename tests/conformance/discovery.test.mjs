// Config OP checks: the discovery document (OpenID Connect Discovery 1.0 §3, §4; RFC 8414;
// RFC 9207 §3) and the JWK Set it points at (RFC 7517), read both raw and through openid-client.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { client } from './lib/rp.mjs';
import { fetchJson } from './lib/jwt.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite({ browser: false });
const opts = { timeout: TEST_TIMEOUT_MS };

async function discoveryDocument() {
  const r = await fetchJson(`${s.op.issuer}/.well-known/openid-configuration`);
  assert.equal(r.status, 200, `GET /.well-known/openid-configuration answered ${r.status}: ${r.text}`);
  assert.equal((r.headers.get('content-type') || '').split(';')[0].trim(), 'application/json',
    'Discovery §4.2: the response is application/json');
  assert.ok(r.json && typeof r.json === 'object' && !Array.isArray(r.json), `not a JSON object: ${r.text}`);
  return r.json;
}

test('OP-Discovery-Config: the provider configuration is complete and names this issuer exactly', opts, async () => {
  const d = await discoveryDocument();
  // Discovery §4.3: the issuer equals the URL the document was fetched under (no trailing slash games).
  assert.equal(d.issuer, s.op.issuer, 'issuer');
  for (const name of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint']) {
    assert.equal(typeof d[name], 'string', `${name} is required (Discovery §3)`);
    const u = new URL(d[name]);
    assert.equal(u.origin, new URL(s.op.issuer).origin, `${name} ${d[name]} is not served by the issuer`);
    assert.equal(u.hash, '', `${name} has a fragment`);
  }
  for (const name of ['response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported']) {
    assert.ok(Array.isArray(d[name]) && d[name].length > 0, `${name} is a required non-empty array (Discovery §3)`);
  }
  assert.ok(d.response_types_supported.includes('code'), 'response_types_supported lacks code');
  assert.ok(!d.response_types_supported.some((t) => t.split(' ').includes('token')),
    `implicit response types offered (SECURITY.md: no implicit flow): ${d.response_types_supported}`);
  assert.ok(d.id_token_signing_alg_values_supported.includes('RS256'), 'Discovery §3: RS256 MUST be included');
  assert.ok(!d.id_token_signing_alg_values_supported.includes('none'), 'alg none offered for ID tokens');
  for (const alg of ['ES256', 'EdDSA']) {
    assert.ok(d.id_token_signing_alg_values_supported.includes(alg), `MISSION N11: ${alg} ID tokens`);
  }
  assert.ok(d.subject_types_supported.every((t) => t === 'public' || t === 'pairwise'), `subject_types_supported: ${d.subject_types_supported}`);
  assert.ok(d.subject_types_supported.includes('pairwise'), 'MISSION N11: pairwise subjects');
  if (d.scopes_supported) assert.ok(d.scopes_supported.includes('openid'), 'Discovery §3: scopes_supported MUST include openid');
  if (d.grant_types_supported) {
    assert.ok(d.grant_types_supported.includes('authorization_code'), 'grant_types_supported lacks authorization_code');
    assert.ok(!d.grant_types_supported.includes('password'), 'SECURITY.md: never the password grant');
    assert.ok(!d.grant_types_supported.includes('implicit'), 'SECURITY.md: no implicit flow');
  }
  if (d.response_modes_supported) assert.ok(d.response_modes_supported.includes('query'), 'response_modes_supported lacks query');
  for (const m of ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']) {
    assert.ok((d.token_endpoint_auth_methods_supported || ['client_secret_basic']).includes(m), `token_endpoint_auth_methods_supported lacks ${m}`);
  }
  if ((d.token_endpoint_auth_methods_supported || []).includes('private_key_jwt')) {
    // Discovery §3: REQUIRED when private_key_jwt is supported; "none" MUST NOT be used.
    assert.ok(Array.isArray(d.token_endpoint_auth_signing_alg_values_supported), 'token_endpoint_auth_signing_alg_values_supported missing');
    assert.ok(!d.token_endpoint_auth_signing_alg_values_supported.includes('none'), 'token_endpoint_auth_signing_alg_values_supported includes none');
  }
  // RFC 7636 via SECURITY.md: S256 only, plain is not offered.
  assert.deepEqual(d.code_challenge_methods_supported, ['S256'], 'code_challenge_methods_supported');
  // RFC 9207 §3: the provider says it sends iss in authorization responses.
  assert.equal(d.authorization_response_iss_parameter_supported, true, 'authorization_response_iss_parameter_supported');
  // RP-Initiated Logout §3 and Back-Channel Logout §2.1.
  assert.equal(typeof d.end_session_endpoint, 'string', 'end_session_endpoint');
  assert.equal(d.backchannel_logout_supported, true, 'backchannel_logout_supported');
  assert.equal(d.backchannel_logout_session_supported, true, 'backchannel_logout_session_supported');
  for (const name of ['revocation_endpoint', 'introspection_endpoint', 'end_session_endpoint']) {
    assert.equal(new URL(d[name]).origin, new URL(s.op.issuer).origin, `${name} is not served by the issuer`);
  }
  // A real relying-party library accepts the document for this issuer.
  const config = await client.discovery(new URL(s.op.issuer), 'any-client', undefined, client.None(),
    { execute: [client.allowInsecureRequests], timeout: 15 });
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, s.op.issuer);
  assert.equal(meta.supportsPKCE(), true, 'openid-client: the server does not advertise PKCE S256');
});

test('OP-Discovery-claims_supported: claims and scopes are advertised consistently', opts, async () => {
  const d = await discoveryDocument();
  assert.ok(Array.isArray(d.claims_supported), 'claims_supported (RECOMMENDED) is present');
  for (const c of ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid']) {
    assert.ok(d.claims_supported.includes(c), `claims_supported lacks ${c}`);
  }
  // The scopes this provider offers release these standard claims (OIDC Core §5.4).
  const released = { profile: ['name', 'given_name', 'family_name'], email: ['email', 'email_verified'], address: ['address'] };
  for (const [scope, claims] of Object.entries(released)) {
    assert.ok(d.scopes_supported.includes(scope), `scopes_supported lacks ${scope}`);
    for (const c of claims) assert.ok(d.claims_supported.includes(c), `scope ${scope} is offered but claims_supported lacks ${c}`);
  }
  assert.equal(d.request_parameter_supported, false, 'request_parameter_supported');
  assert.equal(d.claims_parameter_supported, false, 'claims_parameter_supported');
  if (d.prompt_values_supported) {
    for (const p of ['none', 'login', 'consent', 'create']) assert.ok(d.prompt_values_supported.includes(p), `prompt_values_supported lacks ${p}`);
  }
});

test('OP-Discovery-JWKs: the JWK Set publishes one public signing key per advertised algorithm, nothing private', opts, async () => {
  const d = await discoveryDocument();
  const r = await fetchJson(d.jwks_uri);
  assert.equal(r.status, 200, `GET ${d.jwks_uri} answered ${r.status}`);
  const type = (r.headers.get('content-type') || '').split(';')[0].trim();
  assert.ok(type === 'application/json' || type === 'application/jwk-set+json', `JWKS content-type ${type} (RFC 7517 §8.5)`);
  assert.ok(r.json && Array.isArray(r.json.keys) && r.json.keys.length > 0, `not a JWK Set: ${r.text}`);
  const kids = new Set();
  for (const jwk of r.json.keys) {
    assert.equal(typeof jwk.kty, 'string', `a JWK without kty: ${JSON.stringify(jwk)}`);
    assert.equal(typeof jwk.kid, 'string', `a JWK without kid (several keys are published): ${JSON.stringify(jwk)}`);
    assert.ok(!kids.has(jwk.kid), `kid ${jwk.kid} appears twice`);
    kids.add(jwk.kid);
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      assert.equal(jwk[priv], undefined, `JWK ${jwk.kid} publishes private member ${priv}`);
    }
    if (jwk.use !== undefined) assert.equal(jwk.use, 'sig', `JWK ${jwk.kid} use`);
    const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    assert.equal(key.type, 'public');
    if (jwk.kty === 'RSA') {
      assert.ok(key.asymmetricKeyDetails.modulusLength >= 2048, `RSA key ${jwk.kid} has ${key.asymmetricKeyDetails.modulusLength} bits`);
    }
  }
  const kty = { RS256: 'RSA', ES256: 'EC', EdDSA: 'OKP' };
  for (const alg of d.id_token_signing_alg_values_supported) {
    assert.ok(r.json.keys.some((k) => k.kty === kty[alg] && (k.alg === undefined || k.alg === alg)),
      `no key in the JWKS can verify ${alg}, which id_token_signing_alg_values_supported advertises`);
  }
});
