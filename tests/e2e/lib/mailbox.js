'use strict';
// A real SMTP server for the tests: Debian's aiosmtpd with its Maildir handler, on a free
// loopback port. Every accepted message becomes one file in <dir>/new/ (written to tmp/ first
// and renamed, so a file that is there is complete).
//
//   const mailbox = await startMailbox();     // listening once this resolves
//   mailbox.env()                             // the PORTICO_MAIL_* variables for `serve`
//   await mailbox.waitFor({ to, subject })    // polls until such a message arrived
//   mailbox.messages()                        // every message so far, parsed
//   await mailbox.stop(); await mailbox.start();  // down and up again on the same port
//   await mailbox.dispose();                  // stop and delete the maildir
//
// A parsed message: {id, to, from, subject, text, html, code, link, headers, raw}; `code` is the
// six-digit number standing on a line of its own in the text part, `link` the first URL in it.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const PYTHON = process.env.PORTICO_PYTHON || '/usr/bin/python3';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_MS = 50;
const DEFAULT_WAIT_MS = 20_000;

const delay = (ms) => new Promise((resolve) => { setTimeout(resolve, ms).unref(); });

/** A loopback port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves true when a TCP connection to 127.0.0.1:port is accepted. */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// ---- MIME, enough for the messages the Network writes (and a little more) ----

/** Splits a header block into [{name, value}] with folded lines joined. */
function parseHeaderBlock(block) {
  const headers = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1].value += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
    }
  }
  return headers;
}

function headerOf(headers, name) {
  const h = headers.find((x) => x.name === name);
  return h ? h.value : undefined;
}

/** Splits "headers\n\nbody" at the first empty line. */
function splitEntity(raw) {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { headers: parseHeaderBlock(raw), body: '' };
  return { headers: parseHeaderBlock(raw.slice(0, m.index)), body: raw.slice(m.index + m[0].length) };
}

/** A Content-Type value as {type, params}. */
function parseContentType(value) {
  if (!value) return { type: 'text/plain', params: {} };
  const [type, ...rest] = value.split(';');
  const params = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type: type.trim().toLowerCase(), params };
}

function charsetOf(params) {
  const c = (params.charset || 'utf-8').toLowerCase();
  return c === 'utf8' ? 'utf-8' : c;
}

function decodeBytes(buffer, charset) {
  try { return new TextDecoder(charset).decode(buffer); } catch { return buffer.toString('latin1'); }
}

function decodeQuotedPrintable(text) {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < soft.length; i += 1) {
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'latin1'));
    }
  }
  return Buffer.from(bytes);
}

/** The decoded text of a leaf part. */
function decodeBody(headers, body) {
  const { params } = parseContentType(headerOf(headers, 'content-type'));
  const encoding = (headerOf(headers, 'content-transfer-encoding') || '7bit').toLowerCase();
  let bytes;
  if (encoding === 'base64') bytes = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (encoding === 'quoted-printable') bytes = decodeQuotedPrintable(body);
  else bytes = Buffer.from(body, 'latin1');
  return decodeBytes(bytes, charsetOf(params)).replace(/\r\n/g, '\n');
}

/** RFC 2047 encoded words ("=?UTF-8?B?...?=") in a header value. */
function decodeWords(value) {
  if (!value) return value;
  const joined = value.replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (m, charset, enc, data) => {
    const bytes = enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64')
      : decodeQuotedPrintable(data.replace(/_/g, ' '));
    return decodeBytes(bytes, charset.toLowerCase());
  });
}

/** Every leaf part of an entity: [{type, headers, text}]. */
function leafParts(raw) {
  const { headers, body } = splitEntity(raw);
  const { type, params } = parseContentType(headerOf(headers, 'content-type'));
  if (type.startsWith('multipart/') && params.boundary) {
    const delimiter = `--${params.boundary}`;
    const pieces = body.split(new RegExp(`(?:^|\\r?\\n)${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const parts = [];
    // pieces[0] is the preamble; a piece starting with "--" is the close delimiter's epilogue.
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith('--')) break;
      parts.push(...leafParts(piece.replace(/^[ \t]*\r?\n/, '')));
    }
    return parts;
  }
  return [{ type, headers, text: decodeBody(headers, body) }];
}

/** The bare address of a header like "Name <a@b>" or "<a@b>" or "a@b". */
function bareAddress(value) {
  if (!value) return '';
  const m = /<([^>]*)>/.exec(value);
  return (m ? m[1] : value).trim();
}

/** Parses one stored message (a Maildir file's bytes). */
function parseMessage(id, bytes) {
  const raw = bytes.toString('latin1');
  const { headers } = splitEntity(raw);
  const parts = leafParts(raw);
  const textPart = parts.find((p) => p.type === 'text/plain');
  const htmlPart = parts.find((p) => p.type === 'text/html');
  const text = textPart ? textPart.text : '';
  const html = htmlPart ? htmlPart.text : '';
  const codeMatch = /^[ \t]*(\d{6})[ \t]*$/m.exec(text);
  const linkMatch = /https?:\/\/[^\s<>"]+/.exec(text);
  return {
    id,
    to: bareAddress(decodeWords(headerOf(headers, 'to'))),
    from: decodeWords(headerOf(headers, 'from')),
    subject: decodeWords(headerOf(headers, 'subject')) || '',
    rcptTo: headerOf(headers, 'x-rcptto'),
    text,
    html,
    code: codeMatch ? codeMatch[1] : undefined,
    link: linkMatch ? linkMatch[0] : undefined,
    headers,
    raw,
  };
}

function matches(message, { to, subject, where } = {}) {
  if (to !== undefined && message.to.toLowerCase() !== String(to).toLowerCase()) return false;
  if (subject instanceof RegExp ? !subject.test(message.subject) : (subject !== undefined && message.subject !== subject)) return false;
  if (where && !where(message)) return false;
  return true;
}

class Mailbox {
  constructor(dir, port) {
    this.dir = dir;
    this.port = port;
    this.proc = null;
    this.exited = null;
    this.log = '';
    this.parsed = new Map(); // file name -> parsed message (files never change once in new/)
  }

  get running() { return this.proc !== null; }

  get url() { return `smtp://127.0.0.1:${this.port}`; }

  /** The environment that points `portico-network serve` at this mailbox, with fast retries. */
  env() {
    return {
      PORTICO_MAIL_SMTP_URL: this.url,
      PORTICO_MAIL_RETRY_SECONDS: '1',
      PORTICO_MAIL_POLL_SECONDS: '1',
      PORTICO_MAIL_FROM: 'Portico tests <no-reply@portico.test>',
    };
  }

  /** Starts the SMTP server (again) on this mailbox's port; resolves once it accepts connections. */
  async start() {
    if (this.proc) throw new Error('the mailbox is already running');
    const child = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${this.port}`, '-c', 'aiosmtpd.handlers.Mailbox', this.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = child;
    let exitInfo = null;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => { exitInfo = { code, signal }; resolve(exitInfo); });
      child.once('error', (error) => {
        if (child.pid === undefined) { exitInfo = { error }; resolve(exitInfo); }
      });
    }).then((info) => { if (this.proc === child) this.proc = null; return info; });
    const keep = (d) => { this.log = (this.log + d).slice(-16_384); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (exitInfo) {
        throw new Error(`the SMTP sink (${PYTHON} -m aiosmtpd) ended before it listened on port ${this.port}: ${JSON.stringify(exitInfo)}\n${this.log}`);
      }
      if (await accepts(this.port)) return this;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the SMTP sink did not accept connections on port ${this.port} within ${START_TIMEOUT_MS} ms\n${this.log}`);
      }
      await delay(POLL_MS);
    }
  }

  /** Stops the SMTP server and waits until it exited (the port refuses connections then). */
  async stop() {
    const child = this.proc;
    if (!child) return;
    child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS); });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      child.kill('SIGKILL');
      await this.exited;
    }
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (await accepts(this.port)) {
      if (Date.now() > deadline) throw new Error(`port ${this.port} still accepts connections after the SMTP sink stopped`);
      await delay(POLL_MS);
    }
  }

  /** Every message received so far, oldest first. */
  messages() {
    const newDir = path.join(this.dir, 'new');
    const curDir = path.join(this.dir, 'cur');
    const files = [];
    for (const dir of [newDir, curDir]) {
      let names = [];
      try { names = fs.readdirSync(dir); } catch (err) { if (err.code !== 'ENOENT') throw err; }
      for (const name of names) {
        if (name.startsWith('.')) continue;
        const file = path.join(dir, name);
        if (!this.parsed.has(name)) this.parsed.set(name, { ...parseMessage(name, fs.readFileSync(file)), receivedAt: fs.statSync(file).mtimeMs });
        files.push(this.parsed.get(name));
      }
    }
    return files.sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The ids of the messages received so far: pass as `after` to wait only for newer ones. */
  mark() { return new Set(this.messages().map((m) => m.id)); }

  /** The messages matching {to, subject (string or RegExp), where (predicate), after (a mark())}. */
  find(query = {}) {
    return this.messages().filter((m) => !(query.after && query.after.has(m.id)) && matches(m, query));
  }

  /**
   * Polls until a message matching the query arrived and returns the newest such message.
   * Throws after timeoutMs, listing what did arrive.
   */
  async waitFor(query = {}, timeoutMs = DEFAULT_WAIT_MS) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.find(query);
      if (found.length) return found[found.length - 1];
      if (Date.now() > deadline) {
        const seen = this.messages().map((m) => `  ${m.to}: ${m.subject}`).join('\n') || '  (none)';
        const what = JSON.stringify({ to: query.to, subject: String(query.subject ?? '') });
        throw new Error(`no message matching ${what} arrived within ${timeoutMs} ms (sink ${this.running ? 'up' : 'down'} on port ${this.port}); received:\n${seen}`);
      }
      await delay(POLL_MS);
    }
  }

  /** Stops the SMTP server and deletes the maildir. Never throws. */
  async dispose() {
    try { await this.stop(); } catch { /* the process is gone either way */ }
    if (this.ownsDir) await fsp.rm(path.dirname(this.dir), { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * Starts an SMTP sink on a free loopback port. options.dir: the maildir to use (it must not
 * exist yet, or be a complete Maildir); by default a fresh temporary one deleted by dispose().
 */
async function startMailbox(options = {}) {
  let dir = options.dir;
  let ownsDir = false;
  if (!dir) {
    const parent = await fsp.mkdtemp(path.join(os.tmpdir(), 'portico-mail-'));
    dir = path.join(parent, 'Maildir');
    ownsDir = true;
    // aiosmtpd creates a Maildir only where nothing exists; give it the three folders up front.
    for (const sub of ['tmp', 'new', 'cur']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  }
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const mailbox = new Mailbox(dir, await freePort());
    mailbox.ownsDir = ownsDir;
    try {
      return await mailbox.start();
    } catch (err) {
      // Another process may have taken the port between the probe and the start: try another.
      lastError = err;
      await mailbox.stop().catch(() => {});
    }
  }
  if (ownsDir) await fsp.rm(path.dirname(dir), { recursive: true, force: true }).catch(() => {});
  throw lastError;
}

module.exports = { startMailbox, Mailbox, parseMessage, freePort };
