// Per-file set-up: one Network server (fresh data dir, random port, 1 s key reload) and one
// Chromium for the whole file; every test opens its own browser contexts and site servers,
// which are closed when that test ends.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startPortico } from './portico.mjs';
import { launchBrowser, Person } from './person.mjs';

/** Generous per-test limit so a hung page or server fails the test instead of the run. */
export const TEST_TIMEOUT_MS = 90_000;

export function conformanceSuite({ browser: needBrowser = true } = {}) {
  const suite = {
    op: null,
    browser: null,
    /** A new person (browser context) for this test; closed when the test ends. */
    async person(t, label = 'person', overrides = {}) {
      const p = await Person.open(suite.browser, suite.op, label, overrides);
      t.after(() => p.close());
      return p;
    },
    /** A new person who has signed up (and so is signed in) at the Network. */
    async signedUp(t, label = 'person', overrides = {}) {
      const p = await suite.person(t, label, overrides);
      await p.signUp();
      return p;
    },
    assertServerUp() {
      assert.ok(suite.op.running, `the Network exited during the test\n${suite.op.describe()}`);
    },
  };
  before(async () => {
    suite.op = await startPortico();
    if (needBrowser) suite.browser = await launchBrowser();
  }, { timeout: 60_000 });
  after(async () => {
    if (suite.browser) await suite.browser.close().catch(() => {});
    if (suite.op) await suite.op.dispose();
  });
  return suite;
}
