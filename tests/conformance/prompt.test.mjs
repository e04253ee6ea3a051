// Basic OP checks of prompt, max_age, id_token_hint and login_hint (OIDC Core §3.1.2.1,
// §3.1.2.3, §3.1.2.6), plus prompt=create (Initiating User Registration via OpenID Connect 1.0).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertErrorRedirect, authRequest, client, configure, exchange, followInBrowser, rawAuthorize, registerSite, signInAtSite,
} from './lib/rp.mjs';
import { nowSeconds } from './lib/jwt.mjs';
import { waitUntil } from './lib/wait.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite();
const opts = { timeout: TEST_TIMEOUT_MS };

/** Top-level documents the Network itself served with a page (not a redirect) during a flow. */
function networkPages(flow) {
  const origin = new URL(s.op.issuer).origin;
  return flow.documents.filter((d) => new URL(d.url).origin === origin && (d.status < 300 || d.status >= 400));
}

test('OP-prompt-none-NotLoggedIn: prompt=none without a session ⇒ login_required at the site, no page shown', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'prompt-none-notloggedin' });
  const person = await s.person(t, 'stranger');
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, { prompt: 'none' });
  const flow = await followInBrowser(person, reg, req);
  assert.deepEqual(flow.pages, ['callback']);
  assert.deepEqual(networkPages(flow), [], 'prompt=none showed a page (OIDC Core §3.1.2.1)');
  assertErrorRedirect(flow.callback.url, { op: s.op, reg, state: req.state, errors: ['login_required', 'interaction_required'], where: 'prompt=none signed out' });
  // openid-client checks iss and state, then surfaces the error.
  await assert.rejects(exchange(config, req, flow.callback),
    (err) => err instanceof client.AuthorizationResponseError && ['login_required', 'interaction_required'].includes(err.error));
});

test('OP-prompt-none-LoggedIn: prompt=none with a session and consent ⇒ a code without any page', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'prompt-none-loggedin' });
  const person = await s.signedUp(t, 'ada');
  const first = await signInAtSite(person, s.op, reg);
  const second = await signInAtSite(person, s.op, reg, { params: { prompt: 'none' } });
  assert.deepEqual(second.flow.pages, ['callback']);
  assert.deepEqual(networkPages(second.flow), [], 'prompt=none showed a page');
  assert.equal(second.claims.sub, first.claims.sub, 'same person, same sub');
  assert.equal(second.claims.auth_time, first.claims.auth_time, 'no new authentication happened');
});

test('OP-prompt-none-NoConsent: prompt=none when a third-party site has no consent ⇒ consent_required, no page', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'prompt-none-noconsent' });
  const person = await s.signedUp(t, 'ada');
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, { prompt: 'none' });
  const flow = await followInBrowser(person, reg, req);
  assert.deepEqual(networkPages(flow), [], 'prompt=none showed a page');
  assertErrorRedirect(flow.callback.url, { op: s.op, reg, state: req.state, errors: ['consent_required', 'interaction_required'], where: 'prompt=none without consent' });
});

test('OP-prompt-none-combined: prompt=none with another value is refused with invalid_request', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'prompt-none-combined' });
  const state = client.randomState();
  const r = await rawAuthorize(s.op, [['client_id', reg.clientId], ['redirect_uri', reg.redirectUri], ['response_type', 'code'], ['scope', 'openid'],
    ['state', state], ['prompt', 'none login'], ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'], ['code_challenge_method', 'S256']]);
  assertErrorRedirect(r.location, { op: s.op, reg, state, errors: ['invalid_request'], where: 'prompt="none login"' });
});

test('OP-prompt-login: prompt=login makes a signed-in person sign in again; auth_time moves forward', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'prompt-login' });
  const person = await s.signedUp(t, 'ada');
  const first = await signInAtSite(person, s.op, reg);
  const authTime1 = first.claims.auth_time;
  assert.ok(Number.isInteger(authTime1), 'the first ID token has auth_time');
  // auth_time has one-second resolution: let the clock pass it so a new sign-in is visible.
  await waitUntil(() => nowSeconds() > authTime1, { what: 'the clock to pass the first auth_time' });
  const second = await signInAtSite(person, s.op, reg, { params: { prompt: 'login' } });
  assert.equal(second.flow.pages[0], 'signin', `prompt=login did not show the sign-in page: ${second.flow.pages}`);
  assert.ok(Number.isInteger(second.claims.auth_time), 'auth_time after prompt=login');
  assert.ok(second.claims.auth_time > authTime1, `auth_time ${second.claims.auth_time} is not later than ${authTime1}`);
  assert.equal(second.claims.sub, first.claims.sub);
});

test('OP-prompt-consent: prompt=consent shows the consent page again to a person who already allowed the site', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'prompt-consent' });
  const person = await s.signedUp(t, 'ada');
  await signInAtSite(person, s.op, reg);
  const again = await signInAtSite(person, s.op, reg, { params: { prompt: 'consent' } });
  assert.deepEqual(again.flow.pages, ['consent', 'callback'], 'OIDC Core §3.1.2.1 prompt=consent');
});

test('OP-Req-max_age=1: an older sign-in must be repeated; auth_time is returned and recent', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'max-age-1' });
  const person = await s.signedUp(t, 'ada');
  const first = await signInAtSite(person, s.op, reg);
  const authTime1 = first.claims.auth_time;
  await waitUntil(() => nowSeconds() - authTime1 > 1, { what: 'the sign-in to be older than 1 s' });
  // openid-client's maxAge check requires auth_time and that it satisfies max_age.
  const second = await signInAtSite(person, s.op, reg, { params: { max_age: '1' }, checks: { maxAge: 1 } });
  assert.equal(second.flow.pages[0], 'signin', `max_age=1 did not ask the person to sign in again: ${second.flow.pages}`);
  assert.ok(Number.isInteger(second.claims.auth_time), 'OIDC Core §3.1.2.1: auth_time is REQUIRED when max_age was sent');
  assert.ok(second.claims.auth_time > authTime1, `auth_time ${second.claims.auth_time} is not the new sign-in (first ${authTime1})`);
  assert.ok(nowSeconds() - second.claims.auth_time <= 5, `auth_time ${second.claims.auth_time} is not recent`);
});

test('OP-Req-max_age=10000: a recent sign-in satisfies max_age; auth_time is returned', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'max-age-10000' });
  const person = await s.signedUp(t, 'ada');
  const first = await signInAtSite(person, s.op, reg);
  const second = await signInAtSite(person, s.op, reg, { params: { max_age: '10000' }, checks: { maxAge: 10000 } });
  assert.deepEqual(second.flow.pages, ['callback'], 'max_age=10000 asked a freshly signed-in person to sign in again');
  assert.equal(second.claims.auth_time, first.claims.auth_time, 'auth_time is the original sign-in');
});

test('OP-Req-id_token_hint: prompt=none with the ID token of the signed-in person as hint succeeds', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'id-token-hint' });
  const person = await s.signedUp(t, 'ada');
  const first = await signInAtSite(person, s.op, reg);
  const second = await signInAtSite(person, s.op, reg, { params: { prompt: 'none', id_token_hint: first.tokens.id_token } });
  assert.deepEqual(second.flow.pages, ['callback']);
  assert.equal(second.claims.sub, first.claims.sub, 'the hinted person');
});

test('OP-Req-id_token_hint-OtherUser: prompt=none with another person\'s ID token as hint ⇒ an error, not that other session', opts, async (t) => {
  // OIDC Core §3.1.2.1 (id_token_hint): "If the End-User identified by the ID Token is logged in
  // or is logged in by the request, then the Authorization Server returns a positive response;
  // otherwise, it SHOULD return an error, such as login_required."
  const reg = await registerSite(t, s.op, { label: 'id-token-hint-other' });
  const ada = await s.signedUp(t, 'ada');
  const grace = await s.signedUp(t, 'grace', { given: 'Grace', family: 'Hopper' });
  const adas = await signInAtSite(ada, s.op, reg);
  const graces = await signInAtSite(grace, s.op, reg);
  assert.notEqual(adas.claims.sub, graces.claims.sub);
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, { prompt: 'none', id_token_hint: graces.tokens.id_token });
  const flow = await followInBrowser(ada, reg, req);
  assert.equal(flow.callback.query.get('code'), null,
    `a code for the signed-in person (${adas.claims.sub}) was issued although id_token_hint names ${graces.claims.sub}`);
  assertErrorRedirect(flow.callback.url, { op: s.op, reg, state: req.state, errors: ['login_required', 'interaction_required', 'account_selection_required'], where: 'id_token_hint of another person' });
});

test('OP-Req-login_hint: login_hint pre-fills the sign-in page', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'login-hint' });
  const person = await s.signedUp(t, 'ada');
  await person.signOutAtHome();
  const config = await configure(s.op, reg);
  const req = await authRequest(config, reg, { login_hint: person.email });
  await person.goto(req.url);
  assert.equal(await person.pageKind(reg.site), 'signin', `a signed-out person was not asked to sign in: ${person.page.url()}`);
  assert.equal(await person.field('E-mail address').inputValue(), person.email, 'the sign-in form is not pre-filled with login_hint');
  await person.field('Password').fill(person.password);
  await person.clickAndWait(person.button('Sign in'));
  if (await person.pageKind(reg.site) === 'consent') await person.allow();
  const callback = await reg.site.callback(req.state);
  const tokens = await exchange(config, req, callback);
  assert.equal(typeof tokens.claims().sub, 'string');
});

test('OP-prompt-create: prompt=create sends the person to sign-up and back to the site with a code', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'prompt-create' });
  const person = await s.person(t, 'newcomer', { given: 'Mary', family: 'Somerville' });
  const { flow, claims, tokens, config } = await signInAtSite(person, s.op, reg, { params: { prompt: 'create', scope: 'openid profile' } });
  assert.equal(flow.pages[0], 'signup', `prompt=create did not show sign-up: ${flow.pages}`);
  assert.equal(flow.pages[1], 'signup-code', `sign-up did not ask for the mailed code: ${flow.pages}`);
  assert.equal(flow.pages.at(-1), 'callback', `after the code the person did not come back to the site: ${flow.pages}`);
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.given_name, 'Mary', 'the new account is the one the site got');
  assert.equal(info.family_name, 'Somerville');
});

test('OP-prompt-login-consent: prompt="login consent" asks for both a new sign-in and consent', opts, async (t) => {
  const reg = await registerSite(t, s.op, { label: 'prompt-login-consent' });
  const person = await s.signedUp(t, 'ada');
  const first = await signInAtSite(person, s.op, reg);
  await waitUntil(() => nowSeconds() > first.claims.auth_time, { what: 'the clock to pass the first auth_time' });
  const second = await signInAtSite(person, s.op, reg, { params: { prompt: 'login consent' } });
  assert.equal(second.flow.pages[0], 'signin', `no sign-in page: ${second.flow.pages}`);
  assert.ok(second.flow.pages.includes('consent'), `prompt=consent was dropped after the sign-in (OIDC Core §3.1.2.1): pages ${second.flow.pages.join(' → ')}`);
  assert.ok(second.claims.auth_time > first.claims.auth_time);
});
