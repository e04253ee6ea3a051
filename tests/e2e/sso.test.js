'use strict';
// Single sign-on in a real browser (MISSION N8, P1): the partner resources site signs a person
// in through the Network — sign-in form, 303 to /authorize, 302 back to the site, all checked
// by Chromium against each page's CSP (form-action) and cookie rules — greets them by name,
// and needs no password the second time; signing out at the site ends the network session.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib/server');
const { startSite } = require('./lib/sites');
const { launchBrowser, watchPage } = require('./lib/browser');
const { uniqueEmail, SUBJECTS } = require('./lib/portico');

const PASSWORD = 'correct horse battery staple';

test('a person signs in to the resources site through the Network, then again without a password, and signs out of both',
  { timeout: 120_000 }, async () => {
    const network = await startServer({ mailbox: true });
    const resources = await startSite(network, 'resources');
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      const watch = watchPage(page, 'sso');
      const email = uniqueEmail('sso');

      // Create the account at the Network: the form, then the code it mails to the address.
      await page.goto(`${network.baseURL}/signup`);
      await page.getByLabel('Given name', { exact: true }).fill('Ada');
      await page.getByLabel('Family name', { exact: true }).fill('Lovelace');
      await page.getByLabel('E-mail address', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await Promise.all([page.waitForURL(`${network.baseURL}/signup/confirm`), page.getByRole('button', { name: 'Create account' }).click()]);
      const message = await network.mailbox.waitFor({ to: email, subject: SUBJECTS.signUpCode });
      assert.ok(message.code, `the sign-up mail holds no code:\n${message.text}`);
      await page.getByLabel('Code', { exact: true }).fill(message.code);
      await Promise.all([page.waitForURL(`${network.baseURL}/`), page.getByRole('button', { name: 'Confirm', exact: true }).click()]);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${network.baseURL}/`);

      // Signed out everywhere: the site sends the person to the Network's sign-in page.
      await page.goto(`${resources.origin}/`);
      await page.getByRole('link', { name: 'Sign in with Portico' }).click();
      await page.waitForURL((u) => u.origin === network.baseURL && u.pathname === '/signin');
      await page.getByLabel('E-mail address', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      // The sign-in form's POST ends, through /authorize, on the site: the CSP must allow it.
      await Promise.all([page.waitForURL(`${resources.origin}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
      assert.equal((await page.locator('#greeting').textContent()).trim(), 'Hello, Ada Lovelace.');

      // A second browser tab of the same person: the site's session is gone (new context would
      // be a new person), so use the same context after clearing only the site's cookie.
      const cookies = await context.cookies(resources.origin);
      const siteCookies = cookies.filter((c) => c.name.startsWith('__Host-resources'));
      assert.ok(siteCookies.length > 0, 'the site set its own session cookie');
      await context.clearCookies({ name: '__Host-resources-session' });
      await page.goto(`${resources.origin}/`);
      const passwordPrompts = [];
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame() && new URL(f.url()).pathname === '/signin') passwordPrompts.push(f.url());
      });
      await page.getByRole('link', { name: 'Sign in with Portico' }).click();
      await page.locator('#greeting').waitFor();  // back on the site, greeted
      assert.equal(new URL(page.url()).origin, resources.origin);
      assert.deepEqual(passwordPrompts, [], 'no password asked the second time');
      assert.equal((await page.locator('#greeting').textContent()).trim(), 'Hello, Ada Lovelace.');

      // Signing out at the site ends the network session too, and comes back to the site.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#signin').waitFor();  // the site's signed-out page, after the Network
      assert.equal(new URL(page.url()).origin, resources.origin);
      assert.equal(await page.locator('#greeting').count(), 0);
      await page.goto(`${network.baseURL}/`);
      assert.equal(await page.getByRole('link', { name: 'Sign in' }).count(), 1, 'the network session ended');
      assert.deepEqual(watch.errors(), []);
      await context.close();
    } finally {
      await browser.close();
      await resources.stop();
      await network.dispose();
    }
  });
