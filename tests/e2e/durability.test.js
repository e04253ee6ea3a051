'use strict';
// Durability over kill -9 (SECURITY.md promises 1 and 3), through the real HTML forms over HTTP
// with Node's fetch: a change the server acknowledged survives `kill -9` right afterwards, and a
// revoked session stays revoked after the restart. Sign-up confirms the address first: the
// account is created by the POST /signup/confirm that carries the mailed code, and a sign-up
// still waiting for its code survives a crash too (its token and its queued message).
//
// Run: PORTICO_BIN=/abs/path/to/portico-network node --test tests/e2e/

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib/server');
const { CookieJar, request, getForm, findForm, hiddenFields, SESSION_COOKIE, CSRF_COOKIE } = require('./lib/http');

const SIGNUP_COOKIE = '__Host-portico-signup';
const SIGNUP_SUBJECT = 'Your code to finish creating your account';

/** Generous per-test limit so a hung page or server fails the test instead of the run. */
const TEST_TIMEOUT_MS = 60000;

let counter = 0;
function uniqueEmail() {
  counter += 1;
  return `ada+${Date.now()}-${process.pid}-${counter}@example.com`;
}
function uniquePassword(tag) {
  return `Analytical Engine ${tag} ${Math.random().toString(36).slice(2, 10)}`;
}

async function setup(t) {
  const server = await startServer({ mailbox: true });
  t.after(() => server.dispose());
  return server;
}

function describe(res) {
  return `status ${res.status}, location ${res.location}, set-cookie ${JSON.stringify(res.setCookies.map((c) => c.raw))}\n${res.text.slice(0, 1500)}`;
}

const ERROR_ELEMENT = /id\s*=\s*["']?error["'\s>]/i;

/**
 * GET /signup + POST /signup: expects 303 to /signup/confirm with the flow cookie and no session
 * yet. The jar keeps the flow cookie for submitCode.
 */
async function startSignUp(server, jar, person) {
  const { hidden } = await getForm(jar, `${server.baseURL}/signup`, '/signup');
  assert.ok(jar.get(CSRF_COOKIE), `GET /signup set no ${CSRF_COOKIE} cookie`);
  assert.ok(hidden.csrf_token, 'the sign-up form has no csrf_token');
  const res = await request(jar, `${server.baseURL}/signup`, {
    method: 'POST',
    form: {
      given_name: person.given, family_name: person.family, email: person.email, password: person.password,
      csrf_token: hidden.csrf_token, return_to: '/',
    },
  });
  assert.equal(res.status, 303, `POST /signup: ${describe(res)}`);
  assert.equal(new URL(res.location, server.baseURL).pathname, '/signup/confirm', `POST /signup: ${describe(res)}`);
  assert.ok(jar.get(SIGNUP_COOKIE), `POST /signup set no ${SIGNUP_COOKIE}: ${describe(res)}`);
  assert.equal(jar.get(SESSION_COOKIE), undefined, `POST /signup signed in before the address was confirmed: ${describe(res)}`);
  return res;
}

/** The code of the sign-up message to `email` that arrived after `after` (a mailbox mark()). */
async function mailedCode(server, email, after, timeoutMs) {
  const message = await server.mailbox.waitFor({ to: email, subject: SIGNUP_SUBJECT, after }, timeoutMs);
  assert.ok(message.code, `the sign-up mail holds no code:\n${message.text}`);
  return message.code;
}

/** GET /signup/confirm + POST /signup/confirm with the code; expects 303 and a session cookie. */
async function submitCode(server, jar, code) {
  const { hidden } = await getForm(jar, `${server.baseURL}/signup/confirm`, '/signup/confirm');
  assert.ok(hidden.csrf_token, 'the code form has no csrf_token');
  const res = await request(jar, `${server.baseURL}/signup/confirm`, { method: 'POST', form: { ...hidden, code } });
  assert.equal(res.status, 303, `POST /signup/confirm: ${describe(res)}`);
  assert.ok(jar.get(SESSION_COOKIE), `POST /signup/confirm set no ${SESSION_COOKIE}: ${describe(res)}`);
  return res;
}

/** The whole sign-up over HTTP: the form, the mailed code. Resolves with the 303 that created the account. */
async function signUp(server, jar, person) {
  const after = server.mailbox.mark();
  await startSignUp(server, jar, person);
  return submitCode(server, jar, await mailedCode(server, person.email, after));
}

/** GET /signin + POST /signin with a fresh jar; returns {res, jar}. */
async function signIn(server, email, password) {
  const jar = new CookieJar();
  const { hidden } = await getForm(jar, `${server.baseURL}/signin`, '/signin');
  assert.ok(jar.get(CSRF_COOKIE), `GET /signin set no ${CSRF_COOKIE} cookie`);
  assert.ok(hidden.csrf_token, 'the sign-in form has no csrf_token');
  const res = await request(jar, `${server.baseURL}/signin`, {
    method: 'POST',
    form: { email, password, csrf_token: hidden.csrf_token, return_to: '/' },
  });
  return { res, jar };
}

async function assertSignInWorks(server, email, password) {
  const { res, jar } = await signIn(server, email, password);
  assert.equal(res.status, 303, `sign-in with the right password: ${describe(res)}`);
  const session = res.setCookies.find((c) => c.name === SESSION_COOKIE && !c.expired && c.value);
  assert.ok(session, `sign-in set no ${SESSION_COOKIE} cookie: ${describe(res)}`);
  await assertSignedIn(server, jar);
  return jar;
}

async function assertSignInFails(server, email, password) {
  const { res } = await signIn(server, email, password);
  assert.ok([200, 401].includes(res.status), `failed sign-in answered ${res.status}: ${describe(res)}`);
  assert.match(res.text, ERROR_ELEMENT, `failed sign-in page has no id="error": ${describe(res)}`);
  const session = res.setCookies.find((c) => c.name === SESSION_COOKIE && !c.expired && c.value);
  assert.equal(session, undefined, `failed sign-in set a session cookie: ${describe(res)}`);
}

/** GET /account with the jar answers 200 (signed in). */
async function assertSignedIn(server, jar) {
  const res = await request(jar, `${server.baseURL}/account`);
  assert.equal(res.status, 200, `GET /account should show the account page: ${describe(res)}`);
  return res;
}

/** GET /account with the jar is redirected to the sign-in page (not signed in). */
async function assertSignedOut(server, jar) {
  const res = await request(jar, `${server.baseURL}/account`);
  assert.equal(res.status, 303, `GET /account should redirect to sign-in: ${describe(res)}`);
  const url = new URL(res.location, server.baseURL);
  assert.equal(url.pathname, '/signin', `GET /account redirected to ${res.location}`);
}

async function crashAndRestart(server) {
  const exit = await server.kill9();
  assert.equal(exit.signal, 'SIGKILL', `the server exited by itself before kill -9: ${JSON.stringify(exit)}`);
  await server.restart();
}

test('a sign-up confirmed with 303 survives kill -9: the account signs in after the restart', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await setup(t);
  const person = { given: 'Ada', family: 'Lovelace', email: uniqueEmail(), password: uniquePassword('durable') };
  const jar = new CookieJar();
  await signUp(server, jar, person);

  await crashAndRestart(server);

  await assertSignInWorks(server, person.email, person.password);
  await assertSignInFails(server, person.email, `${person.password}-wrong`);
  await assertSignInFails(server, uniqueEmail(), person.password);
});

test('a sign-up waiting for its code survives kill -9: the queued message goes out after the restart and its code works', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await setup(t);
  const person = { given: 'Ada', family: 'Lovelace', email: uniqueEmail(), password: uniquePassword('pending') };
  const jar = new CookieJar();

  // With the SMTP server down the message can only be in the Network's outbox when it dies. Wait
  // for its first failed delivery so the crash does not land inside an attempt (a message claimed
  // by an attempt is held for the attempt's lease before another one may try).
  await server.mailbox.stop();
  const after = server.mailbox.mark();
  await startSignUp(server, jar, person);
  await server.waitForLog(/"event":"mail_retry"[^\n]*"kind":"signup-verify"/);
  assert.equal(server.mailbox.find({ to: person.email, after }).length, 0, 'a message arrived while the SMTP server was down');

  await crashAndRestart(server);
  await server.mailbox.start();

  const code = await mailedCode(server, person.email, after, 30_000);
  await submitCode(server, jar, code);
  await assertSignedIn(server, jar);
  await assertSignInWorks(server, person.email, person.password);
});

test('the session created at sign-up is still valid after kill -9', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await setup(t);
  const person = { given: 'Ada', family: 'Lovelace', email: uniqueEmail(), password: uniquePassword('session') };
  const jar = new CookieJar();
  await signUp(server, jar, person);
  jar.delete(CSRF_COOKIE);

  await crashAndRestart(server);

  const res = await assertSignedIn(server, jar);
  assert.match(res.text, /Lovelace/, 'the account page does not show the person after the restart');
});

test('a sign-out acknowledged with 303 survives kill -9: the old session cookie is not accepted again', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await setup(t);
  const person = { given: 'Ada', family: 'Lovelace', email: uniqueEmail(), password: uniquePassword('signout') };
  await signUp(server, new CookieJar(), person);
  const jar = await assertSignInWorks(server, person.email, person.password);
  const sessionValue = jar.get(SESSION_COOKIE);

  const { hidden } = await getForm(jar, `${server.baseURL}/`, '/signout');
  const res = await request(jar, `${server.baseURL}/signout`, { method: 'POST', form: hidden });
  assert.equal(res.status, 303, `POST /signout: ${describe(res)}`);

  await crashAndRestart(server);

  const replay = new CookieJar();
  replay.set(SESSION_COOKIE, sessionValue);
  await assertSignedOut(server, replay);
});

test('a password change acknowledged with 303 survives kill -9', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await setup(t);
  const person = { given: 'Ada', family: 'Lovelace', email: uniqueEmail(), password: uniquePassword('before') };
  const jar = new CookieJar();
  await signUp(server, jar, person);
  const newPassword = uniquePassword('after');

  const { hidden } = await getForm(jar, `${server.baseURL}/account`, '/account/password');
  assert.ok(hidden.csrf_token, 'the password form has no csrf_token');
  const res = await request(jar, `${server.baseURL}/account/password`, {
    method: 'POST',
    form: { ...hidden, current_password: person.password, new_password: newPassword },
  });
  assert.equal(res.status, 303, `POST /account/password: ${describe(res)}`);

  await crashAndRestart(server);

  await assertSignInFails(server, person.email, person.password);
  await assertSignInWorks(server, person.email, newPassword);
});

test('"Sign out this device" acknowledged with 303 survives kill -9', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await setup(t);
  const person = { given: 'Ada', family: 'Lovelace', email: uniqueEmail(), password: uniquePassword('devices') };
  const first = new CookieJar();
  await signUp(server, first, person);
  const second = await assertSignInWorks(server, person.email, person.password);

  const account = await assertSignedIn(server, first);
  const form = findForm(account.text, '/account/sessions/revoke');
  const res = await request(first, `${server.baseURL}/account/sessions/revoke`, { method: 'POST', form: hiddenFields(form) });
  assert.equal(res.status, 303, `POST /account/sessions/revoke: ${describe(res)}`);

  await crashAndRestart(server);

  await assertSignedOut(server, second);
  await assertSignedIn(server, first);
});
