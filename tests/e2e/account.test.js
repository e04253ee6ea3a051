'use strict';
// Browser end-to-end tests of sign-up, sign-in, sign-out and "Account information" (MISSION N5, N6,
// N8, N9; SECURITY.md), in Debian's Chromium through playwright-core. Each test starts its own
// server on a fresh data directory, with its own SMTP sink (sign-up confirms the address with a
// mailed code), and checks, for every page it visits, the security headers and that the browser
// logged no console errors.
//
// Run: PORTICO_BIN=/abs/path/to/portico-network node --test tests/e2e/

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib/server');
const { launchBrowser } = require('./lib/browser');
const { Visitor, uniqueEmail, uniquePassword, SESSION_COOKIE, SIGNUP_COOKIE, SUBJECTS } = require('./lib/portico');

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

/** A server and a way to open browsers against it; everything is cleaned up after the test. */
async function setup(t, serverOptions = {}) {
  const server = await startServer({ mailbox: true, ...serverOptions });
  const visitors = [];
  t.after(async () => {
    for (const v of visitors) await v.close();
    await server.dispose();
  });
  return {
    server,
    async open(label = `browser ${visitors.length + 1}`) {
      const v = await Visitor.open(browser, server, label);
      visitors.push(v);
      return v;
    },
    /** End-of-test checks: no console errors or header problems anywhere, and the server still runs. */
    async finish() {
      for (const v of visitors) await v.assertClean();
      assert.ok(server.running, `the server exited during the test\n--- stderr ---\n${server.stderr}`);
    },
  };
}

/** Generous per-test limit so a hung page or server fails the test instead of the run. */
const TEST_TIMEOUT_MS = 120000;

const ADA = { given: 'Ada', family: 'Lovelace', display: 'Ada Lovelace' };

/**
 * Signs up a new person in `v` (the form, then the mailed code) and checks they land signed in on
 * the home page.
 */
async function signUpAda(v, overrides = {}) {
  const person = { ...ADA, email: uniqueEmail(), password: uniquePassword('signup'), ...overrides };
  const response = await v.signUp(person);
  assert.equal(response.status(), 303, `sign-up answered ${response.status()} at ${v.page.url()}: ${await v.page.locator('#error').allInnerTexts()}`);
  assert.equal(new URL(response.url()).pathname, '/signup/confirm', 'sign-up did not end with the code on /signup/confirm');
  await v.assertSignedInHome(person.display);
  return person;
}

/** Asserts that `v` is not signed in: /account sends it to the sign-in page with return_to=/account. */
async function assertAccountNeedsSignIn(v) {
  const response = await v.goto('/account');
  const first = response.request().redirectedFrom();
  assert.ok(first, `[${v.label}] GET /account was not redirected (status ${response.status()}, at ${v.page.url()})`);
  const firstResponse = await first.response();
  assert.equal(firstResponse.status(), 303, `[${v.label}] GET /account redirect status`);
  const url = new URL(v.page.url());
  assert.equal(url.pathname, '/signin', `[${v.label}] GET /account should lead to /signin, got ${v.page.url()}`);
  assert.equal(url.searchParams.get('return_to'), '/account');
  await v.assertSignInForm();
}

test('sign-up asks for the mailed code, then signs the person in: home shows the display name and "Account information"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { server, open, finish } = await setup(t);
  const v = await open();

  const home = await v.goto('/');
  assert.equal(home.status(), 200);
  await v.assertSignedOutHome();

  // The form leads to "Check your mail"; no account and no session exist yet.
  const ada = { ...ADA, email: uniqueEmail(), password: uniquePassword('signup') };
  const after = server.mailbox.mark();
  const posted = await v.startSignUp(ada);
  assert.equal(posted.status(), 303, `POST /signup answered ${posted.status()}: ${await v.page.locator('#error').allInnerTexts()}`);
  assert.equal(new URL(posted.headers().location, server.baseURL).pathname, '/signup/confirm');
  assert.equal(v.pathname(), '/signup/confirm');
  await v.page.getByRole('heading', { name: 'Check your mail' }).waitFor();
  await v.page.getByText(ada.email).first().waitFor();
  assert.equal(await v.sessionCookie(), undefined, 'a session cookie was set before the address was confirmed');
  const flow = (await v.context.cookies()).find((c) => c.name === SIGNUP_COOKIE);
  assert.ok(flow, `no ${SIGNUP_COOKIE} cookie after POST /signup`);
  assert.equal(flow.secure, true, 'the sign-up flow cookie must be Secure');
  assert.equal(flow.httpOnly, true, 'the sign-up flow cookie must be HttpOnly');
  const stranger = await open('stranger');
  assert.equal((await stranger.signIn({ email: ada.email, password: ada.password })).status(), 401,
    'the account exists before its address was confirmed');

  const message = await v.signUpMessage(ada.email, after);
  assert.ok(message.text.includes(ada.given), `the sign-up mail does not greet the person:\n${message.text}`);
  assert.ok(message.html.includes(message.code), 'the HTML part of the sign-up mail lacks the code');

  // A wrong code is refused on the same page; the right one creates the account and signs in.
  const wrong = await v.enterSignUpCode(message.code === '000000' ? '999999' : '000000');
  assert.equal(wrong.status(), 400, 'a wrong code was not refused with 400');
  assert.match(await v.errorText(), /That code is not right\./);
  assert.equal(await v.sessionCookie(), undefined, 'a wrong code set a session cookie');
  const right = await v.enterSignUpCode(message.code);
  assert.equal(right.status(), 303, `the right code answered ${right.status()}`);
  assert.equal(new URL(right.headers().location, server.baseURL).pathname, '/');
  await v.assertSignedInHome(ADA.display);
  assert.equal((await v.context.cookies()).find((c) => c.name === SIGNUP_COOKIE), undefined,
    'the sign-up flow cookie outlived the finished sign-up');

  const cookie = await v.sessionCookie();
  assert.ok(cookie, `no ${SESSION_COOKIE} cookie after sign-up`);
  assert.equal(cookie.secure, true, 'session cookie must be Secure');
  assert.equal(cookie.httpOnly, true, 'session cookie must be HttpOnly');
  assert.ok(['Lax', 'Strict'].includes(cookie.sameSite), `session cookie SameSite is ${cookie.sameSite}`);
  assert.equal(cookie.path, '/');
  assert.ok(!cookie.domain.startsWith('.'), `session cookie must be host-only, domain=${cookie.domain}`);

  // The account page is reachable through the link.
  await Promise.all([v.page.waitForURL((u) => u.pathname === '/account'), v.link('Account information').click()]);
  await v.field('Given name').waitFor();
  assert.equal(await v.field('Given name').inputValue(), 'Ada');
  assert.equal(await v.field('Family name').inputValue(), 'Lovelace');

  await finish();
});

test('sign-out shows the "Sign in" link and ends the session on the server', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const v = await open();
  await signUpAda(v);
  const before = await v.sessionCookie();
  assert.ok(before, 'no session cookie after sign-up');

  const response = await v.signOut();
  assert.equal(new URL(response.headers().location, v.page.url()).pathname, '/');
  await v.assertSignedOutHome();
  await assertAccountNeedsSignIn(v);

  // Replaying the old session cookie must not sign anyone in: sign-out deletes the server-side session.
  await v.context.addCookies([{ ...before }]);
  await assertAccountNeedsSignIn(v);
  await v.goto('/');
  await v.assertSignedOutHome();

  await finish();
});

test('wrong password: 401 with #error and the form again; unknown address: the same answer; right password signs in', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const v = await open();
  const ada = await signUpAda(v);
  await v.signOut();
  await v.context.clearCookies({ name: SESSION_COOKIE }); // whatever sign-out left behind

  const wrong = await v.signIn({ email: ada.email, password: `${ada.password}x` });
  assert.equal(wrong.status(), 401, 'wrong password status');
  const wrongText = await v.errorText();
  await v.assertSignInForm();
  assert.equal(await v.sessionCookie(), undefined, 'a failed sign-in must not set a session cookie');

  const unknown = await v.signIn({ email: uniqueEmail('nobody'), password: ada.password });
  assert.equal(unknown.status(), 401, 'unknown address status');
  const unknownText = await v.errorText();
  await v.assertSignInForm();
  assert.equal(unknownText, wrongText, 'errors must not reveal whether an address is registered (N6)');

  // Session fixation: a session id planted before sign-in must not be the one used after it.
  await v.context.addCookies([{
    name: SESSION_COOKIE, value: 'planted0123456789abcdefghijklmnopqrstuv',
    domain: new URL(v.page.url()).hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Lax',
  }]);
  const right = await v.signIn({ email: ada.email, password: ada.password });
  assert.equal(right.status(), 303, 'right password status');
  await v.assertSignedInHome(ada.display);
  const cookie = await v.sessionCookie();
  assert.ok(cookie, 'no session cookie after sign-in');
  assert.notEqual(cookie.value, 'planted0123456789abcdefghijklmnopqrstuv', 'sign-in kept a planted session id');

  await finish();
});

test('sign-up refuses a common password and one shorter than 8 characters, and creates no account', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const v = await open();
  const email = uniqueEmail();

  const common = await v.signUp({ ...ADA, email, password: 'password123' });
  assert.notEqual(common.status(), 303, 'sign-up with "password123" succeeded');
  assert.match(await v.errorText(), /common/i);
  await v.button('Create account').waitFor();
  assert.equal(await v.sessionCookie(), undefined, 'rejected sign-up set a session cookie');

  const short = await v.signUp({ ...ADA, email, password: 'Zq7#vX2' });
  assert.notEqual(short.status(), 303, 'sign-up with a 7-character password succeeded');
  assert.match(await v.errorText(), /8 characters/i);
  await v.button('Create account').waitFor();

  // No account was created: the weak password does not sign in, and the address can still sign up.
  const attempt = await v.signIn({ email, password: 'password123' });
  assert.equal(attempt.status(), 401);
  await signUpAda(v, { email });
  // The refused forms sent nothing: the one message to the address is the one that worked.
  assert.deepEqual(v.mailbox.find({ to: email }).map((m) => m.subject), [SUBJECTS.signUpCode],
    'refused sign-ups sent mail');

  await finish();
});

test('sign-up with a registered address answers exactly like a new one; only the owner learns of it, by mail, and no code works', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { server, open, finish } = await setup(t);
  const owner = await open('owner');
  const ada = await signUpAda(owner);

  const eve = await open('registered address');
  const bob = await open('new address');
  const newcomer = { ...ADA, given: 'Bob', email: uniqueEmail('bob'), password: uniquePassword('bob') };
  const after = server.mailbox.mark();
  const taken = await eve.startSignUp({ ...ADA, given: 'Eve', email: ada.email, password: uniquePassword('eve') });
  const fresh = await bob.startSignUp(newcomer);

  // The same status, the same redirect, the same cookies, the same page (but for the address).
  const seen = [];
  for (const [v, response, address] of [[eve, taken, ada.email], [bob, fresh, newcomer.email]]) {
    assert.equal(response.status(), 303, `[${v.label}] POST /signup status`);
    assert.equal(response.headers().location, '/signup/confirm', `[${v.label}] POST /signup Location`);
    const cookies = await v.context.cookies();
    assert.deepEqual(cookies.map((c) => c.name).sort(), ['__Host-portico-csrf', SIGNUP_COOKIE].sort(),
      `[${v.label}] cookies after POST /signup`);
    await v.page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    const text = (await v.page.locator('body').innerText()).split(address).join('ADDRESS');
    seen.push(text);
  }
  assert.equal(seen[0], seen[1], 'the "Check your mail" page differs for a registered address');

  // The owner is told, with no code and no link that could create anything.
  const notice = await server.mailbox.waitFor({ to: ada.email, subject: SUBJECTS.signUpExisting, after });
  assert.equal(notice.code, undefined, `"${SUBJECTS.signUpExisting}" holds a code:\n${notice.text}`);
  assert.ok(!/signup\/confirm/.test(notice.text), `"${SUBJECTS.signUpExisting}" holds a sign-up link:\n${notice.text}`);
  const bobsMail = await bob.signUpMessage(newcomer.email, after);
  assert.equal(server.mailbox.find({ to: ada.email, after }).length, 1, 'the owner got more than one message');

  // No code finishes the registered address's flow, not even one that works elsewhere.
  for (const code of [bobsMail.code, '123456']) {
    const guess = await eve.enterSignUpCode(code);
    assert.equal(guess.status(), 400, `code ${code} on the registered address's flow`);
    assert.match(await eve.errorText(), /That code is not right\./);
    assert.equal(await eve.sessionCookie(), undefined, 'a code on the registered flow signed in');
  }

  // Bob's own code works in Bob's browser; the owner's account is unchanged.
  assert.equal((await bob.enterSignUpCode(bobsMail.code)).status(), 303);
  await bob.assertSignedInHome('Bob Lovelace');
  await owner.signOut();
  assert.equal((await owner.signIn({ email: ada.email, password: ada.password })).status(), 303,
    'the owner\'s password stopped working after a sign-up attempt with the address');
  await owner.assertSignedInHome(ada.display);

  await finish();
});

test('the sign-in page says passwords are case-sensitive, and they are; e-mail addresses are not', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const v = await open();
  const ada = await signUpAda(v, { password: 'Difference Engine number Two' });
  await v.signOut();

  await v.goto('/signin');
  await v.page.getByText(/case-sensitive/).first().waitFor({ state: 'visible' });

  const swapped = await v.signIn({ email: ada.email, password: 'dIFFERENCE eNGINE NUMBER tWO' });
  assert.equal(swapped.status(), 401, 'a password with swapped case signed in');
  await v.errorText();

  const upper = await v.signIn({ email: ada.email.toUpperCase(), password: ada.password });
  assert.equal(upper.status(), 303, 'the e-mail address in upper case did not sign in (N2)');
  await v.assertSignedInHome(ada.display);

  await finish();
});

test('changing the password: notice shown, other sessions end, old password fails, new one works', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const v = await open('first browser');
  const ada = await signUpAda(v);
  const other = await open('second browser');
  assert.equal((await other.signIn({ email: ada.email, password: ada.password })).status(), 303);

  await v.goto('/account');
  const newPassword = uniquePassword('changed');

  // A wrong current password changes nothing. (The page has other "Current password" fields, in
  // the e-mail section: this is the one of the password form.)
  const current = v.page.locator('form[action="/account/password"] #current_password');
  await current.fill(`${ada.password}-wrong`);
  await v.field('New password').fill(newPassword);
  const refused = await v.submit(v.button('Change password'), '/account/password');
  assert.notEqual(refused.status(), 303, 'password change with a wrong current password succeeded');
  await v.errorText();

  await v.goto('/account');
  await current.fill(ada.password);
  await v.field('New password').fill(newPassword);
  const changed = await v.submit(v.button('Change password'), '/account/password');
  assert.equal(changed.status(), 303, 'password change status');
  assert.equal(v.pathname(), '/account');
  await v.noticeText();

  // N9: a password change signs out the other sessions.
  await assertAccountNeedsSignIn(other);

  await v.signOut();
  const old = await v.signIn({ email: ada.email, password: ada.password });
  assert.equal(old.status(), 401, 'the old password still signs in');
  await v.errorText();
  const fresh = await v.signIn({ email: ada.email, password: newPassword });
  assert.equal(fresh.status(), 303, 'the new password does not sign in');
  await v.assertSignedInHome(ada.display);

  await finish();
});

test('the mailing address and display name are saved, escaped, and shown after a reload', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const v = await open();
  await signUpAda(v);

  await v.goto('/account');
  const address = {
    Street: `12 "Analytical" <Engine> & Sons' Row`,
    City: 'Marylebone',
    Region: 'Greater London',
    'Postal code': 'NW1 6XE',
    Country: 'GB',
  };
  for (const [label, value] of Object.entries(address)) await v.setField(label, value);
  const displayName = `Countess <b>Ada</b> & "Co"`;
  await v.field('Display name').fill(displayName);
  const saved = await v.submit(v.button('Save profile'), '/account/profile');
  assert.equal(saved.status(), 303, `profile save status; error: ${await v.page.locator('#error').allInnerTexts()}`);
  assert.equal(v.pathname(), '/account');
  await v.noticeText();

  await v.page.reload();
  await v.field('Street').waitFor();
  for (const [label, value] of Object.entries(address)) {
    assert.equal(await v.field(label).inputValue(), value, `${label} after reload`);
  }
  assert.equal(await v.field('Display name').inputValue(), displayName);
  assert.equal(await v.field('Given name').inputValue(), 'Ada');
  assert.equal(await v.field('Family name').inputValue(), 'Lovelace');

  // The home page shows the new display name as text (escaped, not markup).
  await v.goto('/');
  await v.assertSignedInHome(displayName);
  assert.equal(await v.page.locator('b', { hasText: 'Ada' }).count(), 0, 'the display name was rendered as HTML');

  await finish();
});

test('devices: two sign-ins are listed, and "Sign out this device" ends the other one', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const a = await open('first browser');
  const ada = await signUpAda(a);
  const b = await open('second browser');
  assert.equal((await b.signIn({ email: ada.email, password: ada.password })).status(), 303);
  await b.assertSignedInHome(ada.display);

  await a.goto('/account');
  const devices = a.page.locator('#devices > li');
  await devices.first().waitFor();
  assert.equal(await devices.count(), 2, 'devices list length with two signed-in browsers');
  const current = devices.filter({ hasText: /This device/ });
  assert.equal(await current.count(), 1, 'exactly one device is "This device"');
  const otherDevice = devices.filter({ hasNotText: /This device/ });
  assert.equal(await otherDevice.count(), 1);

  const revoke = otherDevice.getByRole('button', { name: 'Sign out this device', exact: true });
  const response = await a.submit(revoke, '/account/sessions/revoke');
  assert.equal(response.status(), 303, 'revoke status');
  assert.equal(a.pathname(), '/account');
  await devices.first().waitFor();
  assert.equal(await devices.count(), 1, 'devices after revoking the other one');
  assert.equal(await devices.filter({ hasText: /This device/ }).count(), 1);

  // The second browser's next request is sent to sign in; the first one stays signed in.
  await assertAccountNeedsSignIn(b);
  await a.goto('/');
  await a.assertSignedInHome(ada.display);

  await finish();
});

test('return_to: /account sends a signed-out person to sign in and back; sign-up returns too', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const v = await open();
  const ada = await signUpAda(v);
  await v.signOut();

  await assertAccountNeedsSignIn(v);
  const response = await v.fillSignIn({ email: ada.email, password: ada.password });
  assert.equal(response.status(), 303);
  assert.equal(v.pathname(), '/account', `after sign-in from /account, at ${v.page.url()}`);
  await v.field('Given name').waitFor();

  const w = await open('new person');
  const signup = await w.signUp({ ...ADA, email: uniqueEmail(), password: uniquePassword(), returnTo: '/account' });
  assert.equal(signup.status(), 303);
  assert.equal(w.pathname(), '/account', `after sign-up with return_to=/account, at ${w.page.url()}`);
  await w.field('Given name').waitFor();

  await finish();
});

test('return_to never sends the person off the network, whether in the URL or in a tampered form', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { server, open, finish } = await setup(t);
  const setupBrowser = await open('sign-up');
  const ada = await signUpAda(setupBrowser);
  const origin = new URL(server.baseURL).origin;

  async function visitor(label) {
    const v = await open(label);
    // Nothing leaves this machine: any other host answers with a stub page.
    await v.context.route((url) => url.origin !== origin, (route) => route.fulfill({
      status: 200, contentType: 'text/html',
      headers: { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' },
      body: '<!doctype html><title>offsite</title>',
    }));
    return v;
  }
  function assertStaysHome(v, response, how) {
    const location = response.headers().location;
    assert.ok(location, `${how}: no Location (status ${response.status()})`);
    const resolved = new URL(location, `${origin}/signin`);
    assert.equal(resolved.origin, origin, `${how}: redirected to ${location}`);
    assert.equal(new URL(v.page.url()).origin, origin, `${how}: ended at ${v.page.url()}`);
  }
  /** Replaces the hidden return_to field of the form on the page, as a crafted form would. */
  async function tamper(v, target) {
    const field = v.page.locator('input[type="hidden"][name="return_to"]');
    assert.equal(await field.count(), 1, 'the form has no hidden return_to field');
    await field.evaluate((el, value) => { el.value = value; }, target);
  }

  for (const target of ['https://evil.example/steal', '//evil.example/steal', '/\\evil.example/steal']) {
    // 1. In the query string of the sign-in page.
    const v = await visitor(`sign-in ?return_to=${target}`);
    const page = await v.page.goto(`/signin?return_to=${encodeURIComponent(target)}`);
    if (page.status() === 400) {
      await v.errorText(); // refused up front: fine, as long as it says why
    } else {
      assert.equal(page.status(), 200);
      const response = await v.fillSignIn({ email: ada.email, password: ada.password });
      assert.equal(response.status(), 303);
      assertStaysHome(v, response, `sign-in with ?return_to=${target}`);
    }

    // 2. Posted directly in the sign-in form.
    const w = await visitor(`sign-in form return_to=${target}`);
    await w.goto('/signin');
    await tamper(w, target);
    const signin = await w.fillSignIn({ email: ada.email, password: ada.password });
    if (signin.status() === 400) {
      await w.errorText(); // refused: fine, as long as it says why
    } else {
      assert.equal(signin.status(), 303, `sign-in with a posted return_to=${target}`);
      assertStaysHome(w, signin, `sign-in with a posted return_to=${target}`);
    }

    // 3. Posted directly in the sign-up form: kept until the address is confirmed, then used.
    const u = await visitor(`sign-up form return_to=${target}`);
    await u.goto('/signup');
    await tamper(u, target);
    const email = uniqueEmail();
    await u.field('Given name').fill(ADA.given);
    await u.field('Family name').fill(ADA.family);
    await u.field('E-mail address').fill(email);
    await u.field('Password').fill(uniquePassword('redirect'));
    const after = u.mailbox.mark();
    const signup = await u.submit(u.button('Create account'), '/signup');
    if (signup.status() === 400) {
      await u.errorText(); // refused: fine, as long as it says why
    } else {
      assert.equal(signup.status(), 303, `sign-up with a posted return_to=${target}`);
      assertStaysHome(u, signup, `sign-up with a posted return_to=${target}`);
      const message = await u.signUpMessage(email, after);
      const confirmed = await u.enterSignUpCode(message.code);
      assert.equal(confirmed.status(), 303, `confirming a sign-up that posted return_to=${target}`);
      assertStaysHome(u, confirmed, `confirming a sign-up that posted return_to=${target}`);
      assert.ok(await u.sessionCookie(), `confirming a sign-up that posted return_to=${target} did not sign in`);
    }
  }

  await finish();
});

test('"Keep me signed in" makes the session cookie outlive the browser; without it, it does not', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { open, finish } = await setup(t);
  const s = await open('sign-up');
  const ada = await signUpAda(s);

  const kept = await open('remember');
  assert.equal((await kept.signIn({ email: ada.email, password: ada.password, remember: true })).status(), 303);
  const persistent = await kept.sessionCookie();
  assert.ok(persistent, 'no session cookie with "Keep me signed in"');
  assert.ok(persistent.expires > Date.now() / 1000 + 3600, `"Keep me signed in" cookie expires at ${persistent.expires}`);

  const plain = await open('no remember');
  await plain.goto('/signin');
  assert.equal(await plain.field('Keep me signed in').isChecked(), false, '"Keep me signed in" is checked by default');
  assert.equal((await plain.fillSignIn({ email: ada.email, password: ada.password })).status(), 303);
  const session = await plain.sessionCookie();
  assert.ok(session, 'no session cookie without "Keep me signed in"');
  assert.equal(session.expires, -1, `without "Keep me signed in" the cookie should end with the browser, expires=${session.expires}`);

  await finish();
});
