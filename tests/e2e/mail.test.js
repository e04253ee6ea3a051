'use strict';
// What the Network sends by mail, end to end (MISSION N2, N6, N9, N10; SECURITY.md promises 1, 2
// and 4): every test starts the Network with its own SMTP server (aiosmtpd, lib/mailbox) and reads
// the messages it really delivered. The person's side runs in Debian's Chromium; races, replays
// and the comparisons of answers are made with plain HTTP (lib/http), each cookie jar standing
// for one browser.
//
// Run: PORTICO_BIN=/abs/path/to/portico-network node --test tests/e2e/

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib/server');
const { launchBrowser } = require('./lib/browser');
const { Visitor, uniqueEmail, uniquePassword, SUBJECTS } = require('./lib/portico');
const { CookieJar, request, getForm, SESSION_COOKIE, CSRF_COOKIE } = require('./lib/http');

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

/** Generous per-test limit so a hung page or server fails the test instead of the run. */
const TEST_TIMEOUT_MS = 120000;

const ADA = { given: 'Ada', family: 'Lovelace', display: 'Ada Lovelace' };
const SIGNUP_COOKIE = '__Host-portico-signup';

/** A server with its own mailbox, browsers against it, and clean-up when the test ends. */
async function setup(t) {
  const server = await startServer({ mailbox: true });
  const visitors = [];
  t.after(async () => {
    for (const v of visitors) await v.close();
    await server.dispose();
  });
  return {
    server,
    mailbox: server.mailbox,
    base: server.baseURL,
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

/** Asserts a mailed link points at this Network's `path` with a token; returns the link. */
function assertLink(server, message, path) {
  assert.ok(message.link, `"${message.subject}" holds no link:\n${message.text}`);
  const url = new URL(message.link);
  assert.equal(url.origin, new URL(server.baseURL).origin, `"${message.subject}" links elsewhere: ${message.link}`);
  assert.equal(url.pathname, path, `"${message.subject}" links to ${message.link}`);
  assert.ok(url.searchParams.get('token'), `"${message.subject}" link has no token: ${message.link}`);
  return message.link;
}

/** Signs up in the browser (the form, then the mailed code) and checks the home page. */
async function signUpAda(v, overrides = {}) {
  const person = { ...ADA, email: uniqueEmail(), password: uniquePassword('mail'), ...overrides };
  const response = await v.signUp(person);
  assert.equal(response.status(), 303, `sign-up answered ${response.status()} at ${v.page.url()}`);
  await v.assertSignedInHome(person.display || `${person.given} ${person.family}`);
  return person;
}

/** Asserts that `v` is not signed in: /account sends it to the sign-in page. */
async function assertAccountNeedsSignIn(v) {
  await v.goto('/account');
  const url = new URL(v.page.url());
  assert.equal(url.pathname, '/signin', `[${v.label}] should be signed out, but /account showed ${v.page.url()}`);
}

/** The "Signed in as ..." address on the account page. */
async function signedInAddress(v) {
  const line = v.page.locator('p', { hasText: 'Signed in as' }).locator('strong');
  await line.waitFor();
  return (await line.innerText()).trim();
}

// ---- plain HTTP ----

function describe(res) {
  return `status ${res.status}, location ${res.location}\n${res.text.slice(0, 1500)}`;
}

/** POST a form with the jar's cookies. */
function post(jar, url, form) {
  return request(jar, url, { method: 'POST', form });
}

/** The first half of sign-up over HTTP; the jar keeps the flow cookie. */
async function httpStartSignUp(base, jar, person) {
  const { hidden } = await getForm(jar, `${base}/signup`, '/signup');
  const res = await post(jar, `${base}/signup`, {
    ...hidden, given_name: person.given, family_name: person.family, email: person.email, password: person.password,
  });
  assert.equal(res.status, 303, `POST /signup: ${describe(res)}`);
  assert.equal(res.location, '/signup/confirm', `POST /signup: ${describe(res)}`);
  return res;
}

/** Types a code on "Check your mail" over HTTP; returns the answer. */
async function httpSubmitCode(base, jar, code) {
  const { hidden } = await getForm(jar, `${base}/signup/confirm`, '/signup/confirm');
  return post(jar, `${base}/signup/confirm`, { ...hidden, code });
}

/** A whole sign-up over HTTP; resolves with {person, jar} signed in. */
async function httpSignUp(ctx, overrides = {}) {
  const person = { ...ADA, email: uniqueEmail(), password: uniquePassword('http'), ...overrides };
  const jar = new CookieJar();
  const mark = ctx.mailbox.mark();
  await httpStartSignUp(ctx.base, jar, person);
  const message = await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.signUpCode, after: mark });
  const res = await httpSubmitCode(ctx.base, jar, message.code);
  assert.equal(res.status, 303, `POST /signup/confirm with the mailed code: ${describe(res)}`);
  assert.ok(jar.get(SESSION_COOKIE), 'the confirmed sign-up set no session cookie');
  return { person, jar };
}

/** Sign-in over HTTP with a fresh jar; resolves with the answer's status. */
async function httpSignInStatus(base, email, password) {
  const jar = new CookieJar();
  const { hidden } = await getForm(jar, `${base}/signin`, '/signin');
  const res = await post(jar, `${base}/signin`, { ...hidden, email, password });
  return res.status;
}

/** Adds an address on the account page over HTTP (optionally as the new sign-in address). */
async function httpAddAddress(base, jar, address, password, primary) {
  const { hidden } = await getForm(jar, `${base}/account`, '/account/email/add');
  const res = await post(jar, `${base}/account/email/add`, {
    ...hidden, email: address, current_password: password, ...(primary ? { primary: 'on' } : {}),
  });
  assert.equal(res.status, 303, `POST /account/email/add: ${describe(res)}`);
  assert.equal(res.location, '/account?done=email-sent#emails');
}

/** An account whose sign-in address was changed; resolves with the undo link sent to the old one. */
async function accountWithChangedAddress(ctx) {
  const { person, jar } = await httpSignUp(ctx);
  const newAddress = uniqueEmail('moved');
  await httpAddAddress(ctx.base, jar, newAddress, person.password, true);
  const verify = await ctx.mailbox.waitFor({ to: newAddress, subject: SUBJECTS.confirmAddress });
  const { hidden } = await getForm(jar, `${ctx.base}/account`, '/account/email/code');
  const res = await post(jar, `${ctx.base}/account/email/code`, { ...hidden, code: verify.code });
  assert.equal(res.status, 303, `POST /account/email/code: ${describe(res)}`);
  const changed = await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.addressChanged });
  return { person, newAddress, link: assertLink(ctx.server, changed, '/account/email/undo') };
}

/** A CSRF token for `jar` (a browser that is not signed in), from a form that is always there. */
async function csrfFor(base, jar) {
  const { hidden } = await getForm(jar, `${base}/password/forgot`, '/password/forgot');
  assert.ok(hidden.csrf_token);
  return hidden.csrf_token;
}

/**
 * A mailed link is single-use: `first` posted again after it worked answers 410; `second` posted
 * four times at once from two browsers succeeds exactly once. extra(i) adds fields to the i-th
 * post. Returns the results of the parallel posts.
 */
async function assertSingleUse(ctx, { first, second, action, extra = () => ({}), isSuccess, ended }) {
  const url = `${ctx.base}${action}`;
  const jar = new CookieJar();
  const { hidden } = await getForm(jar, first, action);
  assert.ok(hidden.token, `the page of ${first} has no hidden token`);
  const once = await post(jar, url, { ...hidden, ...extra(0) });
  assert.ok(isSuccess(once), `the first POST ${action} with a fresh link failed: ${describe(once)}`);
  // The replay comes with a valid form token of its own (the first browser's may have changed with
  // a new session), so only the link's own state can refuse it.
  const replayJar = new CookieJar();
  const twice = await post(replayJar, url, { ...hidden, csrf_token: await csrfFor(ctx.base, replayJar), ...extra(1) });
  assert.equal(twice.status, 410, `the same link posted a second time: ${describe(twice)}`);
  assert.match(twice.text, ended, `the second POST ${action} does not say the link ended`);
  const again = await request(new CookieJar(), first);
  assert.equal(again.status, 410, `GET of a used link: ${describe(again)}`);
  assert.match(again.text, /This link has ended/);

  const jars = [new CookieJar(), new CookieJar()];
  const forms = [];
  for (const j of jars) forms.push((await getForm(j, second, action)).hidden);
  const results = await Promise.all([0, 1, 2, 3].map((i) => post(jars[i % 2], url, { ...forms[i % 2], ...extra(i) })));
  const statuses = results.map((r) => r.status);
  assert.equal(results.filter(isSuccess).length, 1, `four parallel POSTs of one link: statuses ${statuses.join(', ')} (expected exactly one success)`);
  for (const r of results) {
    if (!isSuccess(r)) {
      assert.equal(r.status, 410, `a losing parallel POST ${action}: ${describe(r)}`);
      assert.match(r.text, ended);
    }
  }
  return results;
}

// ---- the person's side, in the browser ----

test('the mailed sign-up link: in the same browser it signs in and returns; in another it creates the account without signing in', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { server, mailbox, open, finish } = await setup(t);

  // Same browser: the link leads to a button, the button finishes sign-up and returns to /account.
  const v = await open('same browser');
  const ada = { ...ADA, email: uniqueEmail(), password: uniquePassword('link') };
  let mark = mailbox.mark();
  assert.equal((await v.startSignUp({ ...ada, returnTo: '/account' })).status(), 303);
  const message = await v.signUpMessage(ada.email, mark);
  const link = assertLink(server, message, '/signup/confirm');
  const shown = await v.goto(link);
  assert.equal(shown.status(), 200, 'GET of the sign-up link');
  await v.page.getByText(ada.email).first().waitFor();
  assert.equal(await v.sessionCookie(), undefined, 'opening the link (GET) signed in: a mail scanner would spend it');
  const created = await v.submit(v.button('Create my account'), '/signup/confirm');
  assert.equal(created.status(), 303, '"Create my account" in the browser that signed up');
  assert.equal(created.headers().location, '/account', 'the sign-up did not return to its return_to');
  assert.equal(v.pathname(), '/account');
  assert.ok(await v.sessionCookie(), 'the link in the same browser did not sign in');
  assert.equal(await signedInAddress(v), ada.email);
  const entry = v.page.locator('#addresses > li', { hasText: ada.email });
  await entry.waitFor();
  assert.match(await entry.innerText(), /sign-in address/);

  // Another browser: the account is created, nobody is signed in, and the first browser's code is spent.
  const b = await open('started sign-up');
  const bob = { ...ADA, given: 'Bob', email: uniqueEmail('bob'), password: uniquePassword('bob') };
  mark = mailbox.mark();
  assert.equal((await b.startSignUp(bob)).status(), 303);
  const bobsMail = await b.signUpMessage(bob.email, mark);
  const c = await open('reads mail elsewhere');
  assert.equal((await c.goto(assertLink(server, bobsMail, '/signup/confirm'))).status(), 200);
  const made = await c.submit(c.button('Create my account'), '/signup/confirm');
  assert.equal(made.status(), 200, '"Create my account" in another browser');
  await c.page.getByRole('heading', { name: 'Your account is ready' }).waitFor();
  assert.equal(await c.sessionCookie(), undefined, 'the link opened in another browser signed that browser in');
  await assertAccountNeedsSignIn(c);

  const late = await b.enterSignUpCode(bobsMail.code);
  assert.equal(late.status(), 410, 'the code still worked after the link created the account');
  await b.page.getByRole('heading', { name: 'This sign-up has ended' }).waitFor();
  assert.equal(await b.sessionCookie(), undefined);

  assert.equal((await c.signIn({ email: bob.email, password: bob.password })).status(), 303, 'the account made by the link does not sign in');
  await c.assertSignedInHome('Bob Lovelace');

  await finish();
});

test('a forgotten password is reset through the mailed link: the old one fails, the new one works, other sessions end, the owner is told', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { server, mailbox, open, finish } = await setup(t);
  const v = await open('owner');
  const ada = await signUpAda(v);
  const other = await open('other device');
  assert.equal((await other.signIn({ email: ada.email, password: ada.password })).status(), 303);

  // From the sign-in page, as a person would find it.
  const r = await open('forgetful');
  await r.goto('/signin');
  assert.equal(await r.link('Which address did I use?').getAttribute('href'), '/password/names');
  await Promise.all([r.page.waitForURL((u) => u.pathname === '/password/forgot'), r.link('Forgot your password?').click()]);
  await r.field('E-mail address').fill(ada.email);
  const asked = await r.submit(r.button('Send'), '/password/forgot');
  assert.equal(asked.status(), 303);
  assert.equal(asked.headers().location, '/password/sent?what=reset');
  assert.match(await r.noticeText(), /30 minutes/);

  const message = await mailbox.waitFor({ to: ada.email, subject: SUBJECTS.reset });
  const link = assertLink(server, message, '/password/reset');
  assert.equal((await r.goto(link)).status(), 200, 'GET of the reset link');

  // A refused password keeps the link usable.
  await r.field('New password').fill('short');
  const refused = await r.submit(r.button('Set password'), '/password/reset');
  assert.equal(refused.status(), 400, 'a too short new password was not refused');
  await r.errorText();

  const newPassword = uniquePassword('reset');
  await r.field('New password').fill(newPassword);
  const set = await r.submit(r.button('Set password'), '/password/reset');
  assert.equal(set.status(), 303, 'setting the new password');
  assert.equal(set.headers().location, '/account?done=reset');
  assert.equal(r.pathname(), '/account');
  await r.noticeText();
  assert.equal(await signedInAddress(r), ada.email);

  // Every other session ended.
  await assertAccountNeedsSignIn(other);
  await assertAccountNeedsSignIn(v);

  const w = await open('checker');
  assert.equal((await w.signIn({ email: ada.email, password: ada.password })).status(), 401, 'the old password still signs in');
  assert.equal((await w.signIn({ email: ada.email, password: newPassword })).status(), 303, 'the new password does not sign in');
  await w.assertSignedInHome(ada.display);

  const notice = await mailbox.waitFor({ to: ada.email, subject: SUBJECTS.passwordChanged });
  assert.ok(!notice.text.includes(newPassword), 'the notice holds the new password');

  await finish();
});

test('changing the sign-in address: confirmed with the mailed code, the new address signs in; the undo link sent to the old one restores it, ends every session and asks for a new password', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { server, mailbox, open, finish } = await setup(t);
  const a = await open('owner');
  const ada = await signUpAda(a);
  const b = await open('second device');
  assert.equal((await b.signIn({ email: ada.email, password: ada.password })).status(), 303);

  const newAddress = uniqueEmail('newaddress');
  await a.goto('/account');
  await a.page.locator('#new_email').fill(newAddress);
  await a.page.locator('#new_email_primary').check();
  await a.page.locator('#add_email_password').fill(ada.password);
  const added = await a.submit(a.button('Add address'), '/account/email/add');
  assert.equal(added.status(), 303, `adding an address: ${await a.page.locator('#error').allInnerTexts()}`);
  assert.equal(added.headers().location, '/account?done=email-sent#emails');
  await a.noticeText();
  const pending = a.page.locator('#addresses > li', { hasText: newAddress });
  await pending.waitFor();
  assert.equal(await signedInAddress(a), ada.email, 'the address changed before it was confirmed');

  const verify = await mailbox.waitFor({ to: newAddress, subject: SUBJECTS.confirmAddress });
  assert.ok(verify.code, `"${SUBJECTS.confirmAddress}" holds no code:\n${verify.text}`);
  assertLink(server, verify, '/account/email/confirm');
  await pending.getByLabel('Code', { exact: true }).fill(verify.code);
  const confirmed = await a.submit(pending.getByRole('button', { name: 'Confirm', exact: true }), '/account/email/code');
  assert.equal(confirmed.status(), 303, `confirming with the code: ${await a.page.locator('#error').allInnerTexts()}`);
  assert.equal(confirmed.headers().location, '/account?done=email-added#emails');
  assert.equal(await signedInAddress(a), newAddress, 'the confirmed address did not become the sign-in address');

  // The old address is told, with a way back.
  const changed = await mailbox.waitFor({ to: ada.email, subject: SUBJECTS.addressChanged });
  assert.ok(changed.text.includes(newAddress), `"${SUBJECTS.addressChanged}" does not name the new address`);
  const undoLink = assertLink(server, changed, '/account/email/undo');

  const c = await open('new address');
  assert.equal((await c.signIn({ email: newAddress, password: ada.password })).status(), 303, 'the new sign-in address does not sign in');
  await c.assertSignedInHome(ada.display);

  // The undo, from wherever the old mailbox is read.
  const u = await open('old mailbox');
  assert.equal((await u.goto(undoLink)).status(), 200, 'GET of the undo link');
  await u.page.getByText(ada.email).first().waitFor();
  const undone = await u.submit(u.button('Undo the change'), '/account/email/undo');
  assert.equal(undone.status(), 303, 'POST of the undo link');
  const next = new URL(undone.headers().location, server.baseURL);
  assert.equal(next.pathname, '/password/reset', `the undo led to ${next}`);
  assert.ok(next.searchParams.get('token'), 'the undo led to a reset page without a token');
  assert.equal(u.pathname(), '/password/reset');
  for (const x of [a, b, c]) await assertAccountNeedsSignIn(x);

  const finalPassword = uniquePassword('after-undo');
  await u.field('New password').fill(finalPassword);
  const set = await u.submit(u.button('Set password'), '/password/reset');
  assert.equal(set.status(), 303, 'setting the password after the undo');
  assert.equal(set.headers().location, '/account?done=reset');
  assert.equal(await signedInAddress(u), ada.email, 'the old address is not the sign-in address again');
  assert.equal(await u.page.locator('#addresses > li', { hasText: newAddress }).count(), 0, 'the replacing address is still on the account');

  const w = await open('checker');
  assert.equal((await w.signIn({ email: newAddress, password: finalPassword })).status(), 401, 'the removed address still signs in');
  assert.equal((await w.signIn({ email: ada.email, password: ada.password })).status(), 401, 'the password from before the undo still signs in');
  assert.equal((await w.signIn({ email: ada.email, password: finalPassword })).status(), 303, 'the old address with the new password does not sign in');
  await w.assertSignedInHome(ada.display);

  await finish();
});

// ---- single use ----

test('the sign-up link works once: a second POST and the losers of a parallel race get 410', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);
  const links = [];
  const people = [];
  for (const tag of ['twice', 'race']) {
    const person = { ...ADA, email: uniqueEmail(tag), password: uniquePassword(tag) };
    const mark = ctx.mailbox.mark();
    await httpStartSignUp(ctx.base, new CookieJar(), person);
    const message = await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.signUpCode, after: mark });
    links.push(assertLink(ctx.server, message, '/signup/confirm'));
    people.push(person);
  }
  await assertSingleUse(ctx, {
    first: links[0],
    second: links[1],
    action: '/signup/confirm',
    isSuccess: (r) => r.status === 200 && r.text.includes('Your account is ready'),
    ended: /This sign-up has ended/,
  });
  for (const p of people) assert.equal(await httpSignInStatus(ctx.base, p.email, p.password), 303, `${p.email} was not created exactly once`);
});

test('the password reset link works once: a second POST and the losers of a parallel race get 410, and only the winner\'s password counts', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);
  const links = [];
  const people = [];
  for (let i = 0; i < 2; i += 1) {
    const { person } = await httpSignUp(ctx);
    const jar = new CookieJar();
    const { hidden } = await getForm(jar, `${ctx.base}/password/forgot`, '/password/forgot');
    const res = await post(jar, `${ctx.base}/password/forgot`, { ...hidden, email: person.email });
    assert.equal(res.status, 303, `POST /password/forgot: ${describe(res)}`);
    const message = await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.reset });
    links.push(assertLink(ctx.server, message, '/password/reset'));
    people.push(person);
  }
  const passwords = [0, 1, 2, 3].map((i) => uniquePassword(`race${i}`));
  const results = await assertSingleUse(ctx, {
    first: links[0],
    second: links[1],
    action: '/password/reset',
    extra: (i) => ({ new_password: passwords[i] }),
    isSuccess: (r) => r.status === 303 && r.location === '/account?done=reset',
    ended: /This link has ended/,
  });
  // The first account took passwords[0]; the raced one exactly the winner's.
  assert.equal(await httpSignInStatus(ctx.base, people[0].email, passwords[0]), 303);
  assert.equal(await httpSignInStatus(ctx.base, people[0].email, passwords[1]), 401, 'the second POST of a used reset link changed the password');
  const winner = results.findIndex((r) => r.status === 303);
  for (let i = 0; i < 4; i += 1) {
    assert.equal(await httpSignInStatus(ctx.base, people[1].email, passwords[i]), i === winner ? 303 : 401,
      `password of parallel POST ${i} (winner ${winner})`);
  }
});

test('the address-confirm link works once: a second POST and the losers of a parallel race get 410', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);
  const { person, jar } = await httpSignUp(ctx);
  const addresses = [uniqueEmail('alias-one'), uniqueEmail('alias-two')];
  const links = [];
  for (const address of addresses) {
    await httpAddAddress(ctx.base, jar, address, person.password, false);
    const message = await ctx.mailbox.waitFor({ to: address, subject: SUBJECTS.confirmAddress });
    links.push(assertLink(ctx.server, message, '/account/email/confirm'));
  }
  await assertSingleUse(ctx, {
    first: links[0],
    second: links[1],
    action: '/account/email/confirm',
    isSuccess: (r) => r.status === 200 && r.text.includes('Address confirmed'),
    ended: /This link has ended/,
  });
  // Both aliases are on the account once, and sign in.
  const account = await request(jar, `${ctx.base}/account`);
  assert.equal(account.status, 200);
  const listed = (address) => account.text.split(`<span class="device">${address}</span>`).length - 1;
  for (const address of addresses) {
    assert.equal(listed(address), 1, `${address} is not listed exactly once on the account page`);
    assert.equal(await httpSignInStatus(ctx.base, address, person.password), 303, `the confirmed alias ${address} does not sign in`);
  }
});

test('the undo link works once: a second POST and the losers of a parallel race get 410', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);
  const first = await accountWithChangedAddress(ctx);
  const second = await accountWithChangedAddress(ctx);
  await assertSingleUse(ctx, {
    first: first.link,
    second: second.link,
    action: '/account/email/undo',
    isSuccess: (r) => r.status === 303 && /^\/password\/reset\?token=./.test(r.location || ''),
    ended: /This link has ended/,
  });
  for (const { person, newAddress } of [first, second]) {
    assert.equal(await httpSignInStatus(ctx.base, newAddress, person.password), 401, 'the replacing address still signs in after the undo');
  }
});

// ---- codes ----

test('five wrong codes end a sign-up: then the right code and the link are refused, also when the wrong codes come all at once', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);

  for (const parallel of [false, true]) {
    const person = { ...ADA, email: uniqueEmail(parallel ? 'burst' : 'typo'), password: uniquePassword('codes') };
    const jar = new CookieJar();
    const mark = ctx.mailbox.mark();
    await httpStartSignUp(ctx.base, jar, person);
    const message = await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.signUpCode, after: mark });
    const wrong = message.code === '000000' ? '111111' : '000000';
    const { hidden } = await getForm(jar, `${ctx.base}/signup/confirm`, '/signup/confirm');
    const url = `${ctx.base}/signup/confirm`;

    if (!parallel) {
      // Four are refused as wrong; the fifth ends the sign-up and the page says so.
      for (let i = 1; i <= 5; i += 1) {
        const res = await post(jar, url, { ...hidden, code: wrong });
        assert.equal(res.status, i < 5 ? 400 : 410, `wrong code ${i}: ${describe(res)}`);
        assert.match(res.text, i < 5 ? /That code is not right\./ : /This sign-up has ended/);
      }
    } else {
      // Eight guesses at once: the limit is counted in the database, so no more than five are judged.
      const results = await Promise.all(Array.from({ length: 8 }, () => post(jar, url, { ...hidden, code: wrong })));
      const statuses = results.map((r) => r.status);
      assert.ok(statuses.every((s) => s === 400 || s === 410), `parallel wrong codes answered ${statuses.join(', ')}`);
      // At most five are judged: no more than four can answer "not right" (the fifth ends the
      // flow, and an answer rendered after that sees it ended); the rest find it ended.
      const refused = statuses.filter((s) => s === 400).length;
      assert.ok(refused >= 1 && refused <= 4, `parallel wrong codes: ${statuses.join(', ')} (expected one to four 400 and the rest 410)`);
    }

    const right = await post(jar, url, { ...hidden, code: message.code });
    assert.equal(right.status, 410, `the right code after five wrong ones: ${describe(right)}`);
    assert.match(right.text, /This sign-up has ended/);
    assert.equal(jar.get(SESSION_COOKIE), undefined, 'a session after the sign-up ended');
    const link = await request(new CookieJar(), assertLink(ctx.server, message, '/signup/confirm'));
    assert.equal(link.status, 410, `the link after five wrong codes: ${describe(link)}`);
    assert.equal(await httpSignInStatus(ctx.base, person.email, person.password), 401, 'an account exists after the sign-up ended');
  }
});

test('a sign-up ended by five wrong codes stays ended: "send a new code" does not revive it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);
  const person = { ...ADA, email: uniqueEmail('revive'), password: uniquePassword('revive') };
  const jar = new CookieJar();
  const mark = ctx.mailbox.mark();
  await httpStartSignUp(ctx.base, jar, person);
  const message = await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.signUpCode, after: mark });
  const wrong = message.code === '000000' ? '111111' : '000000';
  const { hidden } = await getForm(jar, `${ctx.base}/signup/confirm`, '/signup/confirm');
  for (let i = 1; i <= 5; i += 1) {
    const res = await post(jar, `${ctx.base}/signup/confirm`, { ...hidden, code: wrong });
    assert.equal(res.status, i < 5 ? 400 : 410, `wrong code ${i}: ${describe(res)}`);
  }
  // Otherwise five more guesses come with every new code, without end.
  const resend = await post(jar, `${ctx.base}/signup/resend`, { csrf_token: hidden.csrf_token });
  assert.equal(resend.status, 410, `POST /signup/resend after five wrong codes: ${describe(resend)}`);
  assert.match(resend.text, /This sign-up has ended/);
});

// ---- what the answers reveal ----

/** Status, Location, cookie names and attributes, and the page it leads to, with per-request values masked. */
async function observe(base, jar, res, address) {
  const mask = (text) => text.split(address).join('ADDRESS')
    .replace(/(name="csrf_token" value=")[^"]*"/g, '$1CSRF"');
  const next = res.location ? await request(jar, new URL(res.location, base).href) : null;
  return {
    status: res.status,
    location: res.location,
    body: mask(res.text),
    cookies: res.setCookies.map((c) => `${c.name} ${Object.keys(c.attrs).sort().join(',')} ${c.attrs['max-age'] ?? ''}`).sort(),
    next: next && { status: next.status, body: mask(next.text) },
  };
}

test('registered or not, /password/forgot, /password/names and /signup answer alike; only the mailbox learns the difference', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);
  const { person } = await httpSignUp(ctx);
  const unknown = uniqueEmail('nobody');
  const mark = ctx.mailbox.mark();

  for (const path of ['/password/forgot', '/password/names']) {
    const seen = [];
    for (const address of [person.email, unknown]) {
      const jar = new CookieJar();
      const { hidden } = await getForm(jar, `${ctx.base}${path}`, path);
      const res = await post(jar, `${ctx.base}${path}`, { ...hidden, email: address });
      assert.equal(res.status, 303, `POST ${path} for ${address}: ${describe(res)}`);
      seen.push(await observe(ctx.base, jar, res, address));
    }
    assert.deepEqual(seen[1], seen[0], `POST ${path}: an unknown address gets another answer than a registered one`);
    assert.equal(seen[0].next.status, 200);
  }

  const seen = [];
  for (const address of [person.email, unknown]) {
    const jar = new CookieJar();
    const res = await httpStartSignUp(ctx.base, jar, { ...ADA, email: address, password: uniquePassword('enum') });
    assert.ok(jar.get(SIGNUP_COOKIE) && jar.get(CSRF_COOKIE));
    seen.push(await observe(ctx.base, jar, res, address));
  }
  assert.deepEqual(seen[1], seen[0], 'POST /signup: an unknown address gets another answer than a registered one');

  // The mail tells each mailbox what it may know.
  const hints = await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.nameHints, after: mark });
  const [local, domain] = person.email.split('@');
  const masked = `${local[0]}•••@${domain[0]}•••${domain.slice(domain.lastIndexOf('.'))}`;
  assert.ok(hints.text.includes(masked), `"${SUBJECTS.nameHints}" lacks the hint ${masked}:\n${hints.text}`);
  assert.ok(!hints.text.includes(person.email), `"${SUBJECTS.nameHints}" spells the address out`);
  await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.reset, after: mark });
  await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.signUpExisting, after: mark });
  await ctx.mailbox.waitFor({ to: unknown, subject: SUBJECTS.noAccount, after: mark });
  await ctx.mailbox.waitFor({ to: unknown, subject: SUBJECTS.signUpCode, after: mark });
  // Messages go out in the order they were queued: by now a reset message to the unknown address
  // (asked for first) would have arrived.
  assert.deepEqual(ctx.mailbox.find({ to: unknown, after: mark }).map((m) => m.subject).sort(),
    [SUBJECTS.noAccount, SUBJECTS.signUpCode].sort(), 'the unknown address got other messages');
});

// ---- an SMTP server that is away ----

/** Stops the mailbox, asks for a reset, and waits until the Network's first delivery failed. */
async function resetWhileMailIsDown(ctx, person) {
  await ctx.mailbox.stop();
  const mark = ctx.mailbox.mark();
  const jar = new CookieJar();
  const { hidden } = await getForm(jar, `${ctx.base}/password/forgot`, '/password/forgot');
  const res = await post(jar, `${ctx.base}/password/forgot`, { ...hidden, email: person.email });
  assert.equal(res.status, 303, `POST /password/forgot with the SMTP server down: ${describe(res)}`);
  assert.equal(res.location, '/password/sent?what=reset');
  const sent = await request(jar, `${ctx.base}${res.location}`);
  assert.equal(sent.status, 200);
  assert.match(sent.text, /Check your mail/);
  await ctx.server.waitForLog(/"event":"mail_retry"[^\n]*"kind":"password-reset"/);
  assert.equal(ctx.mailbox.find({ to: person.email, after: mark }).length, 0, 'a message arrived while the SMTP server was down');
  return mark;
}

/** The reset message arrived and its link opens the form. */
async function assertResetArrives(ctx, person, mark) {
  const message = await ctx.mailbox.waitFor({ to: person.email, subject: SUBJECTS.reset, after: mark }, 30_000);
  const page = await request(new CookieJar(), assertLink(ctx.server, message, '/password/reset'));
  assert.equal(page.status, 200, `the delayed reset link: ${describe(page)}`);
  assert.match(page.text, /Set password/);
}

test('with the SMTP server down a reset request gets the usual answer, and the message arrives once the server is back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);
  const { person } = await httpSignUp(ctx);
  const mark = await resetWhileMailIsDown(ctx, person);
  await ctx.mailbox.start();
  await assertResetArrives(ctx, person, mark);
  assert.ok(ctx.server.running);
});

test('with the SMTP server down the queued message survives kill -9 of the Network and arrives after the restart', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const ctx = await setup(t);
  const { person } = await httpSignUp(ctx);
  const mark = await resetWhileMailIsDown(ctx, person);
  const exit = await ctx.server.kill9();
  assert.equal(exit.signal, 'SIGKILL');
  await ctx.server.restart();
  await ctx.mailbox.start();
  await assertResetArrives(ctx, person, mark);
});
