// A person in Debian's Chromium (playwright-core): signs up and in on the Network's own pages
// (sign-up confirms the address with the code the Network mails, read from op.mailbox), answers
// the consent page, signs out, and follows authorization requests to the site.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PORTICO_CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

let counter = 0;
export function uniqueEmail(name = 'ada') {
  counter += 1;
  return `${name}+conf-${Date.now()}-${process.pid}-${counter}@example.com`;
}

/** The subject of the message that carries a sign-up's code. */
export const SIGNUP_SUBJECT = 'Your code to finish creating your account';

export function uniquePassword() {
  return `Difference Engine ${Math.random().toString(36).slice(2, 12)} conformance`;
}

export class Person {
  constructor(context, page, op, label, details) {
    this.context = context;
    this.page = page;
    this.op = op;
    this.label = label;
    Object.assign(this, details);
    // Every top-level document the browser received: [{url, status}] (redirects included).
    this.documents = [];
    page.on('response', (response) => {
      const request = response.request();
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
        this.documents.push({ url: response.url(), status: response.status(), method: request.method() });
      }
    });
  }

  static async open(browser, op, label = 'person', overrides = {}) {
    const context = await browser.newContext({ baseURL: op.baseURL });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    const page = await context.newPage();
    const details = {
      given: 'Ada',
      family: 'Lovelace',
      email: uniqueEmail(label.replace(/[^a-z]/gi, '').toLowerCase() || 'ada'),
      password: uniquePassword(),
      ...overrides,
    };
    return new Person(context, page, op, label, details);
  }

  url() { return new URL(this.page.url()); }

  field(label) { return this.page.getByLabel(label, { exact: true }); }
  button(name) { return this.page.getByRole('button', { name, exact: true }); }

  async goto(url) {
    const response = await this.page.goto(String(url));
    assert.ok(response, `[${this.label}] no response for ${url}`);
    return response;
  }

  /** Clicks and waits until the next top-level document (after any redirects) has loaded. */
  async clickAndWait(locator) {
    const page = this.page;
    const committed = page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
    await locator.click();
    await committed;
    await page.waitForLoadState('load');
  }

  /**
   * Signs up on /signup (a new account), confirms the address with the mailed code, and checks the
   * person is signed in on the home page.
   */
  async signUp() {
    await this.goto('/signup');
    await this.fillSignUp();
    await this.enterMailedCode();
    assert.equal(this.url().pathname, '/', `[${this.label}] sign-up did not end on the home page: ${this.page.url()}\n${await this.bodyText()}`);
    await this.button('Sign out').waitFor({ state: 'visible' });
    return this;
  }

  /**
   * Fills and submits the sign-up form already on the page; the Network answers with "Check your
   * mail" (/signup/confirm).
   */
  async fillSignUp() {
    await this.field('Given name').fill(this.given);
    await this.field('Family name').fill(this.family);
    await this.field('E-mail address').fill(this.email);
    await this.field('Password').fill(this.password);
    // Only a message sent after this form counts.
    this.signUpMark = this.op.mailbox.mark();
    await this.clickAndWait(this.button('Create account'));
    assert.equal(this.url().pathname, '/signup/confirm', `[${this.label}] sign-up did not ask for the mailed code: ${this.page.url()}\n${await this.bodyText()}`);
  }

  /** On "Check your mail": reads the code mailed for this sign-up and submits it. */
  async enterMailedCode() {
    assert.equal(this.url().pathname, '/signup/confirm', `[${this.label}] not on the "Check your mail" page: ${this.page.url()}`);
    const message = await this.op.mailbox.waitFor({ to: this.email, subject: SIGNUP_SUBJECT, after: this.signUpMark });
    assert.ok(message.code, `[${this.label}] the sign-up mail holds no code:\n${message.text}`);
    await this.field('Code').fill(message.code);
    await this.clickAndWait(this.button('Confirm'));
    assert.notEqual(this.url().pathname, '/signup/confirm', `[${this.label}] the mailed code was not accepted:\n${await this.bodyText()}`);
  }

  /** Fills and submits the sign-in form already on the page. */
  async fillSignIn() {
    await this.field('E-mail address').fill(this.email);
    await this.field('Password').fill(this.password);
    await this.clickAndWait(this.button('Sign in'));
  }

  async signIn() {
    await this.goto('/signin');
    await this.fillSignIn();
    assert.equal(this.url().pathname, '/', `[${this.label}] sign-in did not end on the home page: ${this.page.url()}`);
  }

  async allow() { await this.clickAndWait(this.button('Allow')); }
  async deny() { await this.clickAndWait(this.button("Don't allow")); }

  /** Signs out with the home page's "Sign out" button (POST /signout). */
  async signOutAtHome() {
    await this.goto('/');
    await this.clickAndWait(this.button('Sign out'));
    assert.equal(this.url().pathname, '/', `[${this.label}] sign-out did not end on the home page`);
    assert.equal(await this.button('Sign out').count(), 0, `[${this.label}] still signed in after "Sign out"`);
  }

  /** Saves the mailing address (and optionally other profile fields) in Account information. */
  async saveProfile(fields) {
    await this.goto('/account');
    for (const [label, value] of Object.entries(fields)) await this.field(label).fill(value);
    await this.clickAndWait(this.button('Save profile'));
    assert.equal(this.url().pathname, '/account', `[${this.label}] saving the profile went to ${this.page.url()}`);
  }

  async bodyText() {
    try { return (await this.page.locator('body').innerText()).slice(0, 2000); } catch { return '(no body)'; }
  }

  /**
   * Which page the browser is on: 'callback' (at `site`), 'signin', 'signup', 'signup-code' (the
   * "Check your mail" page), 'consent', or 'other'.
   */
  async pageKind(site) {
    const url = this.url();
    if (site && url.origin === site.origin) return 'callback';
    if (url.origin !== new URL(this.op.baseURL).origin) return 'elsewhere';
    if (url.pathname === '/signin') return 'signin';
    if (url.pathname === '/signup') return 'signup';
    if (url.pathname === '/signup/confirm') return 'signup-code';
    if (await this.page.locator('form[action="/authorize/consent"]').count()) return 'consent';
    return 'other';
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}
