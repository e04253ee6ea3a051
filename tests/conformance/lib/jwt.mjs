// Independent JWS/JWT checks with node:crypto (not the library under comparison): decode, verify
// against a JWK Set, and the OpenID Connect hashes. Used beside openid-client's own validation so
// that a claim or signature problem is named precisely.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';

export function b64uDecode(s) {
  return Buffer.from(s, 'base64url');
}

/** Splits a compact JWS into {header, payload, signingInput, signature}; throws on malformed input. */
export function decodeJwt(token) {
  assert.equal(typeof token, 'string', 'a JWT must be a string');
  const parts = token.split('.');
  assert.equal(parts.length, 3, `a compact JWS has three parts, got ${parts.length}: ${token.slice(0, 80)}`);
  const header = JSON.parse(b64uDecode(parts[0]).toString('utf8'));
  const payload = JSON.parse(b64uDecode(parts[1]).toString('utf8'));
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: b64uDecode(parts[2]), parts };
}

const KTY_FOR_ALG = { RS256: 'RSA', ES256: 'EC', EdDSA: 'OKP' };

/** Verifies one JWS signature with one public JWK. */
export function verifyWithJwk(decoded, jwk) {
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(decoded.signingInput, 'ascii');
  switch (decoded.header.alg) {
    case 'RS256':
      return jwk.kty === 'RSA' && crypto.verify('sha256', data, key, decoded.signature);
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256' &&
        crypto.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, decoded.signature);
    case 'EdDSA':
      return jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && crypto.verify(null, data, key, decoded.signature);
    default:
      return false;
  }
}

/**
 * Asserts that `token` is signed by the key of the JWK Set its header's kid names, with the alg
 * the header names (one of RS256, ES256, EdDSA; never "none"). Returns the decoded token.
 */
export function assertSignedByJwks(token, jwks, where = 'JWT') {
  const d = decodeJwt(token);
  assert.ok(KTY_FOR_ALG[d.header.alg], `${where}: unexpected alg ${JSON.stringify(d.header.alg)}`);
  assert.equal(typeof d.header.kid, 'string', `${where}: the header has no kid (the JWKS holds several keys)`);
  const candidates = jwks.keys.filter((k) => k.kid === d.header.kid);
  assert.equal(candidates.length, 1, `${where}: kid ${d.header.kid} names ${candidates.length} keys in the JWKS (kids: ${jwks.keys.map((k) => k.kid).join(', ')})`);
  const jwk = candidates[0];
  assert.equal(jwk.kty, KTY_FOR_ALG[d.header.alg], `${where}: kid ${d.header.kid} is a ${jwk.kty} key but alg is ${d.header.alg}`);
  if (jwk.alg !== undefined) assert.equal(jwk.alg, d.header.alg, `${where}: the JWK's alg differs from the header's`);
  assert.ok(verifyWithJwk(d, jwk), `${where}: the signature does not verify with key ${d.header.kid}`);
  // The check is not vacuous: a changed signature must fail.
  const tampered = { ...d, signature: Buffer.from(d.signature) };
  tampered.signature[tampered.signature.length - 1] ^= 0x01;
  assert.ok(!verifyWithJwk(tampered, jwk), `${where}: a tampered signature verified (verifier broken)`);
  return d;
}

/** OpenID Connect Core §3.1.3.6: base64url of the left half of the hash of the access token. */
export function leftHalfHash(value, alg) {
  // The hash of the JWS alg: SHA-256 for RS256/ES256; SHA-512 for EdDSA with Ed25519.
  const hash = alg === 'EdDSA' ? 'sha512' : 'sha256';
  const digest = crypto.createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export async function fetchJson(url, init = {}) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { response, status: response.status, headers: response.headers, text, json };
}

export async function fetchJwks(op) {
  const { status, json, text } = await fetchJson(`${op.issuer}/jwks`);
  assert.equal(status, 200, `GET /jwks answered ${status}: ${text}`);
  assert.ok(json && Array.isArray(json.keys), `GET /jwks is not a JWK Set: ${text}`);
  return json;
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/**
 * The ID token checks of OpenID Connect Core §2 and §3.1.3.7, made independently of
 * openid-client: signature by the JWKS with the registered alg, iss, aud, azp, exp, iat, nonce,
 * sub, auth_time, at_hash. Returns the decoded token.
 */
export function assertIdToken(idToken, { issuer, clientId, jwks, alg = 'RS256', nonce, accessToken, where = 'ID token' }) {
  const d = assertSignedByJwks(idToken, jwks, where);
  const c = d.payload;
  assert.equal(d.header.alg, alg, `${where}: signed with ${d.header.alg}, the site registered ${alg} (OIDC Core §3.1.3.7 step 7)`);
  assert.equal(c.iss, issuer, `${where}: iss (OIDC Core §3.1.3.7 step 2)`);
  const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
  assert.ok(aud.includes(clientId), `${where}: aud ${JSON.stringify(c.aud)} does not contain ${clientId} (step 3)`);
  if (aud.length > 1) assert.equal(c.azp, clientId, `${where}: several audiences and azp is not the client (step 4-5)`);
  if (c.azp !== undefined) assert.equal(c.azp, clientId, `${where}: azp`);
  assert.equal(typeof c.sub, 'string', `${where}: sub missing`);
  assert.ok(c.sub.length > 0 && c.sub.length <= 255, `${where}: sub must be 1..255 ASCII characters (§2)`);
  assert.ok(Number.isInteger(c.exp) && Number.isInteger(c.iat), `${where}: exp and iat are required integers (§2)`);
  const now = nowSeconds();
  assert.ok(c.exp > now, `${where}: already expired (exp ${c.exp}, now ${now}) (step 9)`);
  assert.ok(Math.abs(c.iat - now) <= 120, `${where}: iat ${c.iat} is far from now ${now} (step 10)`);
  assert.ok(c.exp > c.iat, `${where}: exp ${c.exp} is not after iat ${c.iat}`);
  if (nonce === undefined) {
    assert.equal(c.nonce, undefined, `${where}: carries a nonce the request did not send`);
  } else {
    assert.equal(c.nonce, nonce, `${where}: nonce is not the one sent (step 11)`);
  }
  if (c.auth_time !== undefined) {
    assert.ok(Number.isInteger(c.auth_time), `${where}: auth_time is not an integer`);
    assert.ok(c.auth_time <= now + 5, `${where}: auth_time ${c.auth_time} is in the future (now ${now})`);
  }
  if (accessToken !== undefined && c.at_hash !== undefined) {
    assert.equal(c.at_hash, leftHalfHash(accessToken, d.header.alg), `${where}: at_hash does not match the access token (§3.1.3.8)`);
  }
  return d;
}
