'use strict';
// Browser-level steps against Portico's pages (the page contract in the e2e brief), with the
// checks every page must pass: security headers on every document and no console errors.

const assert = require('node:assert/strict');
const { watchPage } = require('./browser');

const SESSION_COOKIE = '__Host-portico-session';
const SIGNUP_COOKIE = '__Host-portico-signup';

/** Subjects of the messages the Network sends (the mail contract in the e2e brief). */
const SUBJECTS = {
  signUpCode: 'Your code to finish creating your account',
  signUpExisting: 'You already have an account',
  reset: 'Choose a new password',
  passwordChanged: 'Your password was changed',
  nameHints: 'The addresses of your account',
  noAccount: 'No account uses this address',
  confirmAddress: 'Confirm the address for your account',
  addressChanged: 'Your sign-in address was changed',
};

let emailCounter = 0;
/** A fresh e-mail address for each call, unique across test files and runs. */
function uniqueEmail(name = 'ada') {
  emailCounter += 1;
  return `${name}+${Date.now()}-${process.pid}-${emailCounter}@example.com`;
}

/** A password that is not common, long enough, and unique per call. */
function uniquePassword(tag = 'pw') {
  return `Analytical Engine ${tag} ${Math.random().toString(36).slice(2, 10)}`;
}

function directiveList(csp) {
  const out = new Map();
  for (const part of csp.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    if (tokens.length) out.set(tokens[0].toLowerCase(), tokens.slice(1));
  }
  return out;
}

/** Asserts the headers every Portico page must send (SECURITY.md). */
function assertSecurityHeaders(headers, where) {
  const csp = headers['content-security-policy'];
  assert.ok(csp, `${where}: no Content-Security-Policy header (headers: ${JSON.stringify(headers)})`);
  assert.ok(csp.includes("frame-ancestors 'none'"), `${where}: CSP lacks frame-ancestors 'none': ${csp}`);
  const directives = directiveList(csp);
  const scriptSrc = directives.get('script-src') || directives.get('default-src');
  assert.ok(scriptSrc, `${where}: CSP restricts neither script-src nor default-src: ${csp}`);
  assert.ok(!scriptSrc.includes("'unsafe-inline'"), `${where}: CSP allows inline script: ${csp}`);
  assert.equal((headers['x-content-type-options'] || '').trim().toLowerCase(), 'nosniff', `${where}: X-Content-Type-Options`);
  assert.equal((headers['referrer-policy'] || '').trim().toLowerCase(), 'no-referrer', `${where}: Referrer-Policy`);
}

/**
 * One person's browser: a fresh context and page, with watchers for console errors and for the
 * security headers of every top-level document it receives (including 4xx pages after a form post).
 */
class Visitor {
  constructor(context, page, label, server) {
    this.context = context;
    this.page = page;
    this.label = label;
    this.server = server;
    this.watch = watchPage(page, label);
    this.headerChecks = [];
    page.on('response', (response) => {
      const request = response.request();
      if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
      const status = response.status();
      if (status >= 300 && status < 400) return; // redirects carry no page
      const where = `[${label}] ${request.method()} ${response.url()} -> ${status}`;
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(`${where}: headers not available within 10 s`), 10_000);
        timer.unref();
      });
      const check = response.allHeaders().then(
        (h) => { try { assertSecurityHeaders(h, where); return null; } catch (e) { return e.message; } },
        (e) => `${where}: could not read headers: ${e.message}`,
      );
      this.headerChecks.push(Promise.race([check, timeout]).finally(() => clearTimeout(timer)));
    });
  }

  static async open(browser, server, label) {
    const context = await browser.newContext({ baseURL: server.baseURL });
    context.setDefaultTimeout(30_000);  // a deadline for a loaded 2-core machine, not a wait
    context.setDefaultNavigationTimeout(30_000);
    const page = await context.newPage();
    return new Visitor(context, page, label, server);
  }

  /** The SMTP sink the server delivers to (startServer({ mailbox })). */
  get mailbox() {
    const mailbox = this.server && this.server.mailbox;
    assert.ok(mailbox, `[${this.label}] the server was started without a mailbox: startServer({ mailbox: true })`);
    return mailbox;
  }

  /** page.goto that also asserts the response's security headers. Returns the final response. */
  async goto(path) {
    const response = await this.page.goto(path);
    assert.ok(response, `[${this.label}] no response for ${path}`);
    assertSecurityHeaders(await response.allHeaders(), `[${this.label}] GET ${response.url()} -> ${response.status()}`);
    return response;
  }

  pathname() { return new URL(this.page.url()).pathname; }

  /**
   * Clicks a submit button and waits until the resulting page has loaded. Returns the response to
   * the POST itself (a 303, or the error page) so callers can check status and Location.
   */
  async submit(button, actionPath) {
    const page = this.page;
    const posted = page.waitForResponse((r) => {
      const req = r.request();
      return req.method() === 'POST' && req.isNavigationRequest() && req.frame() === page.mainFrame() &&
        new URL(r.url()).pathname === actionPath;
    });
    const committed = page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
    await button.click();
    const response = await posted;
    await committed;
    await page.waitForLoadState('load');
    return response;
  }

  field(label) { return this.page.getByLabel(label, { exact: true }); }
  button(name) { return this.page.getByRole('button', { name, exact: true }); }
  link(name) { return this.page.getByRole('link', { name, exact: true }); }

  /** Fills a text field or chooses an option of a select, whichever the label names. */
  async setField(label, value) {
    const loc = this.field(label);
    const tag = await loc.evaluate((el) => el.tagName.toLowerCase());
    if (tag === 'select') await loc.selectOption(value);
    else await loc.fill(value);
  }

  async sessionCookie() {
    const cookies = await this.context.cookies();
    return cookies.find((c) => c.name === SESSION_COOKIE);
  }

  /**
   * The first half of sign-up: fills and submits the form on /signup. Returns the response to
   * POST /signup (a 303 to /signup/confirm for every valid form; the form again on an error).
   */
  async startSignUp({ given, family, email, password, returnTo }) {
    await this.goto(returnTo ? `/signup?return_to=${encodeURIComponent(returnTo)}` : '/signup');
    await this.field('Given name').fill(given);
    await this.field('Family name').fill(family);
    await this.field('E-mail address').fill(email);
    await this.field('Password').fill(password);
    return this.submit(this.button('Create account'), '/signup');
  }

  /** Types `code` into the "Check your mail" page and presses "Confirm"; returns that POST's response. */
  async enterSignUpCode(code) {
    assert.equal(this.pathname(), '/signup/confirm', `[${this.label}] not on the "Check your mail" page: ${this.page.url()}`);
    await this.field('Code').fill(code);
    return this.submit(this.button('Confirm'), '/signup/confirm');
  }

  /**
   * Waits for the sign-up message to `email` that arrived after `after` (a mailbox mark()), and
   * fails at once if the address turned out to be registered already.
   */
  async signUpMessage(email, after) {
    const message = await this.mailbox.waitFor({
      to: email, after, where: (m) => m.subject === SUBJECTS.signUpCode || m.subject === SUBJECTS.signUpExisting,
    });
    assert.equal(message.subject, SUBJECTS.signUpCode, `[${this.label}] ${email} is registered already: the sign-up mail says "${message.subject}"`);
    assert.ok(message.code, `[${this.label}] the sign-up mail to ${email} holds no six-digit code:\n${message.text}`);
    return message;
  }

  /**
   * Signs up completely: the form, then the code from the mailed message on "Check your mail".
   * Returns the response to POST /signup/confirm (a 303 to return_to, signed in), or the
   * response to POST /signup when the form was refused.
   */
  async signUp(person) {
    const after = this.mailbox.mark();
    const response = await this.startSignUp(person);
    if (response.status() !== 303 || this.pathname() !== '/signup/confirm') return response;
    const message = await this.signUpMessage(person.email, after);
    return this.enterSignUpCode(message.code);
  }

  async signIn({ email, password, remember = false, returnTo }) {
    await this.goto(returnTo ? `/signin?return_to=${encodeURIComponent(returnTo)}` : '/signin');
    return this.fillSignIn({ email, password, remember });
  }

  /** Fills and submits the sign-in form already on the page. */
  async fillSignIn({ email, password, remember = false }) {
    await this.field('E-mail address').fill(email);
    await this.field('Password').fill(password);
    if (remember) await this.field('Keep me signed in').check();
    return this.submit(this.button('Sign in'), '/signin');
  }

  async signOut() {
    await this.goto('/');
    const response = await this.submit(this.button('Sign out'), '/signout');
    assert.equal(response.status(), 303, `[${this.label}] POST /signout status`);
    return response;
  }

  /** Asserts the page is the signed-in home page of `displayName`. */
  async assertSignedInHome(displayName) {
    assert.equal(this.pathname(), '/', `[${this.label}] expected the home page, at ${this.page.url()}`);
    await this.page.getByText(displayName, { exact: false }).first().waitFor({ state: 'visible' });
    const account = this.link('Account information');
    await account.waitFor({ state: 'visible' });
    assert.equal(new URL(await account.getAttribute('href'), this.page.url()).pathname, '/account');
    assert.equal(await this.button('Sign out').count(), 1, `[${this.label}] signed-in home has no "Sign out" button`);
    assert.equal(await this.link('Sign in').count(), 0, `[${this.label}] signed-in home still shows "Sign in"`);
  }

  async assertSignedOutHome() {
    assert.equal(this.pathname(), '/', `[${this.label}] expected the home page, at ${this.page.url()}`);
    const signIn = this.link('Sign in');
    await signIn.waitFor({ state: 'visible' });
    assert.equal(new URL(await signIn.getAttribute('href'), this.page.url()).pathname, '/signin');
    const create = this.link('Create account');
    await create.waitFor({ state: 'visible' });
    assert.equal(new URL(await create.getAttribute('href'), this.page.url()).pathname, '/signup');
    assert.equal(await this.link('Account information').count(), 0, `[${this.label}] signed-out home shows "Account information"`);
    assert.equal(await this.button('Sign out').count(), 0, `[${this.label}] signed-out home shows "Sign out"`);
  }

  /** Text of the #error alert, asserting it is present, visible, role=alert and not empty. */
  async errorText() {
    const el = this.page.locator('#error');
    await el.waitFor({ state: 'visible' });
    assert.equal(await el.getAttribute('role'), 'alert', `[${this.label}] #error is not role=alert`);
    const text = (await el.innerText()).trim();
    assert.ok(text.length > 0, `[${this.label}] #error is empty`);
    return text;
  }

  async noticeText() {
    const el = this.page.locator('#notice');
    await el.waitFor({ state: 'visible' });
    assert.equal(await el.getAttribute('role'), 'status', `[${this.label}] #notice is not role=status`);
    const text = (await el.innerText()).trim();
    assert.ok(text.length > 0, `[${this.label}] #notice is empty`);
    return text;
  }

  /** Asserts the sign-in form is on the page. */
  async assertSignInForm() {
    await this.field('E-mail address').waitFor({ state: 'visible' });
    await this.field('Password').waitFor({ state: 'visible' });
    await this.button('Sign in').waitFor({ state: 'visible' });
  }

  /** Asserts no console errors, page errors or missing security headers were seen. */
  async assertClean() {
    const headerProblems = (await Promise.all(this.headerChecks)).filter(Boolean);
    assert.deepEqual(headerProblems, [], `[${this.label}] pages without the required security headers`);
    assert.deepEqual(this.watch.errors(), [], `[${this.label}] console errors or page errors`);
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}

module.exports = { Visitor, assertSecurityHeaders, uniqueEmail, uniquePassword, SESSION_COOKIE, SIGNUP_COOKIE, SUBJECTS };
