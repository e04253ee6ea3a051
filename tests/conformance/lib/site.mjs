// A tiny relying-party web server on 127.0.0.1: the place the browser really lands after the
// Network redirects back (redirect URI, post-logout redirect URI), and the receiver of
// back-channel logout tokens. It records every request; tests wait for the one they expect.

import http from 'node:http';

const DEFAULT_WAIT_MS = 15_000;

export class Site {
  constructor(label) {
    this.label = label;
    this.requests = [];
    this.waiters = [];
    this.server = null;
    this.origin = null;
  }

  get redirectUri() { return `${this.origin}/cb`; }
  get postLogoutRedirectUri() { return `${this.origin}/logged-out`; }
  get backchannelLogoutUri() { return `${this.origin}/backchannel-logout`; }

  async listen() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d) => { if (body.length < 1_000_000) body += d; });
      req.on('end', () => {
        const url = new URL(req.url, this.origin);
        const record = { method: req.method, url, path: url.pathname, query: url.searchParams, headers: req.headers, body, at: Date.now() };
        this.requests.push(record);
        if (req.method === 'POST') {
          // OpenID Connect Back-Channel Logout 1.0 §2.8: 200 OK with Cache-Control: no-store.
          res.writeHead(200, { 'cache-control': 'no-store', 'content-length': '0' });
          res.end();
        } else {
          const html = `<!doctype html><html lang="en"><head><title>${this.label}</title></head><body><p>${this.label}</p></body></html>`;
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
          res.end(html);
        }
        for (const w of [...this.waiters]) {
          if (w.predicate(record)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            clearTimeout(w.timer);
            w.resolve(record);
          }
        }
      });
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.origin = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  /** Resolves with the first request (already received or arriving within timeoutMs) that matches. */
  waitFor(predicate, what, timeoutMs = DEFAULT_WAIT_MS) {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const got = this.requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`).join('\n  ') || '(nothing)';
        reject(new Error(`[${this.label}] no ${what} within ${timeoutMs} ms; the site received:\n  ${got}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The authorization response for `state` at the redirect URI. */
  callback(state, timeoutMs) {
    return this.waitFor((r) => r.method === 'GET' && r.path === '/cb' && r.query.get('state') === state,
      `authorization response with state=${state}`, timeoutMs);
  }

  /** Requests to paths other than the favicon. */
  received(path) {
    return this.requests.filter((r) => r.path === path);
  }

  async close() {
    if (!this.server) return;
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters = [];
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(() => resolve()));
    this.server = null;
  }
}

export async function startSite(label = 'site') {
  return new Site(label).listen();
}
