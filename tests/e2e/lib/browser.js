'use strict';
// Chromium (Debian's /usr/bin/chromium) through playwright-core, and a watcher for page errors.

const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PORTICO_CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

const FAILED_LOAD_RE = /^Failed to load resource: the server responded with a status of (\d{3})/;

/**
 * Collects console messages of type 'error' and uncaught page errors ('pageerror') of a page.
 *
 * Two kinds of "Failed to load resource" console errors are not counted, because they are not
 * faults of the page's content and the tests check them directly:
 *  - the one Chromium logs when a top-level document itself answers 4xx (e.g. the 401 page after a
 *    wrong password, which the contract requires); the tests assert those statuses explicitly;
 *  - the browser's own automatic /favicon.ico probe.
 * Every other console error (CSP violations, failing scripts, styles or images, JS errors) counts.
 */
function watchPage(page, label = 'page') {
  const raw = [];
  const documentURLs = new Set();
  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      documentURLs.add(`${response.status()} ${response.url()}`);
    }
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    raw.push({ kind: 'console', text: msg.text(), url: (msg.location() || {}).url || '', pageURL: page.url() });
  });
  page.on('pageerror', (err) => {
    raw.push({ kind: 'pageerror', text: String(err && (err.stack || err.message) || err), url: '', pageURL: page.url() });
  });

  const isIgnorable = (e) => {
    if (e.kind !== 'console') return false;
    const m = FAILED_LOAD_RE.exec(e.text);
    if (!m || !e.url) return false;
    let url;
    try { url = new URL(e.url); } catch { return false; }
    if (url.pathname === '/favicon.ico') return true;
    return documentURLs.has(`${m[1]} ${e.url}`);
  };

  return {
    label,
    /** The errors that count, as strings suitable for an assertion message. */
    errors() {
      return raw.filter((e) => !isIgnorable(e)).map((e) => `[${label}] ${e.kind} on ${e.pageURL}: ${e.text}${e.url ? ` (${e.url})` : ''}`);
    },
    all() { return raw.slice(); },
  };
}

module.exports = { launchBrowser, watchPage, CHROMIUM_ARGS };
