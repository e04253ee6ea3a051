'use strict';
// Plain-HTTP helpers (Node fetch) for tests that drive the server's forms without a browser:
// a small cookie jar, an HTML form reader and a form poster.

const SESSION_COOKIE = '__Host-portico-session';
const CSRF_COOKIE = '__Host-portico-csrf';
const REQUEST_TIMEOUT_MS = 15_000;

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (m, e) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos' || k === '#39') return "'";
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith('#')) return String.fromCodePoint(parseInt(k.slice(1), 10));
    return m;
  });
}

/** Parses the attributes of one start tag ("<input a=b c='d' e>") into a lower-case-keyed object. */
function parseAttributes(tag) {
  const attrs = {};
  const body = tag.replace(/^<[a-z0-9]+/i, '').replace(/\/?>$/, '');
  const re = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let m;
  while ((m = re.exec(body))) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    attrs[m[1].toLowerCase()] = decodeEntities(value);
  }
  return attrs;
}

/** All <form> elements of a page: [{attrs, inner, inputs: [{name, value, type}]}]. */
function parseForms(html) {
  const forms = [];
  const re = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let m;
  while ((m = re.exec(html))) {
    const openTag = m[0].slice(0, m[0].indexOf('>') + 1);
    const inner = m[1];
    const inputs = [];
    const inputRe = /<input\b[^>]*>/gi;
    let im;
    while ((im = inputRe.exec(inner))) {
      const a = parseAttributes(im[0]);
      if (a.name !== undefined) inputs.push({ name: a.name, value: a.value ?? '', type: (a.type || 'text').toLowerCase() });
    }
    const buttonRe = /<button\b[^>]*>/gi;
    let bm;
    while ((bm = buttonRe.exec(inner))) {
      const a = parseAttributes(bm[0]);
      if (a.name !== undefined && a.value !== undefined) inputs.push({ name: a.name, value: a.value, type: 'button' });
    }
    forms.push({ attrs: parseAttributes(openTag), inner, inputs });
  }
  return forms;
}

/** The form whose action is `action` (a path); throws with the page when there is none or several. */
function findForm(html, action) {
  const forms = parseForms(html).filter((f) => {
    const a = f.attrs.action || '';
    try { return new URL(a, 'http://x').pathname === action; } catch { return false; }
  });
  if (forms.length !== 1) {
    throw new Error(`expected exactly one <form action="${action}">, found ${forms.length} in:\n${html.slice(0, 4000)}`);
  }
  return forms[0];
}

/** The hidden fields of a form as an object (csrf_token, return_to, ids, ...). */
function hiddenFields(form) {
  const out = {};
  for (const i of form.inputs) if (i.type === 'hidden') out[i.name] = i.value;
  return out;
}

class CookieJar {
  constructor() { this.cookies = new Map(); }

  /** Stores the Set-Cookie headers of a fetch Response; returns the parsed cookies it set. */
  store(response) {
    const set = [];
    for (const line of response.headers.getSetCookie()) {
      const parts = line.split(';').map((p) => p.trim());
      const eq = parts[0].indexOf('=');
      if (eq <= 0) continue;
      const name = parts[0].slice(0, eq);
      const value = parts[0].slice(eq + 1);
      const attrs = {};
      for (const p of parts.slice(1)) {
        const e = p.indexOf('=');
        const k = (e < 0 ? p : p.slice(0, e)).toLowerCase();
        attrs[k] = e < 0 ? true : p.slice(e + 1);
      }
      let expired = false;
      if (attrs['max-age'] !== undefined && Number(attrs['max-age']) <= 0) expired = true;
      else if (attrs['max-age'] === undefined && typeof attrs.expires === 'string' && Date.parse(attrs.expires) <= Date.now()) expired = true;
      const cookie = { name, value, attrs, expired, raw: line };
      set.push(cookie);
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return set;
  }

  get(name) { return this.cookies.get(name); }
  set(name, value) { this.cookies.set(name, value); }
  delete(name) { this.cookies.delete(name); }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

/**
 * One HTTP request with the jar's cookies, no redirect following.
 * Resolves with {status, location, headers, text, setCookies}.
 */
async function request(jar, url, { method = 'GET', form } = {}) {
  const headers = {};
  const cookie = jar ? jar.header() : '';
  if (cookie) headers.cookie = cookie;
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const setCookies = jar ? jar.store(response) : [];
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), headers: response.headers, text, setCookies };
}

/** GET a page and return the hidden fields of its form posting to `action`, plus the page. */
async function getForm(jar, url, action) {
  const page = await request(jar, url);
  if (page.status !== 200) {
    throw new Error(`GET ${url} answered ${page.status} (location ${page.location}), expected 200\n${page.text.slice(0, 2000)}`);
  }
  const form = findForm(page.text, action);
  return { page, form, hidden: hiddenFields(form) };
}

module.exports = {
  SESSION_COOKIE,
  CSRF_COOKIE,
  CookieJar,
  decodeEntities,
  parseAttributes,
  parseForms,
  findForm,
  hiddenFields,
  request,
  getForm,
};
