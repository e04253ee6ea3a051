// The Portico network server and its operator CLI, for the conformance tests.
//
//   const op = await startPortico();       // `$PORTICO_BIN serve` on a fresh data dir, random port
//   op.issuer                              // e.g. http://localhost:43121 (no trailing slash)
//   op.mailbox                             // its SMTP sink (lib/mailbox.mjs): sign-up mails a code
//   await op.cli(['client', 'add', ...])   // the CLI against the same data dir; resolves with stdout
//   await op.dispose()                     // stop the server, delete the data dir
//
// The binary may be relinked by a build running at the same time: a spawn that fails with
// ETXTBSY (or ENOENT while the file is replaced) is retried until a deadline.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMailbox } from './mailbox.mjs';

const READY_RE = /ready at (http:\/\/\S+)/;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const CLI_TIMEOUT_MS = 30_000;
const SPAWN_RETRY_DEADLINE_MS = 60_000;
const MAX_CAPTURE = 256 * 1024;

const here = path.dirname(fileURLToPath(import.meta.url));

export function binaryPath() {
  const bin = process.env.PORTICO_BIN || path.resolve(here, '../../../build/release/apps/network/portico-network');
  if (!path.isAbsolute(bin)) throw new Error(`PORTICO_BIN must be an absolute path, got ${JSON.stringify(bin)}`);
  return bin;
}

function appendCapped(current, chunk) {
  const next = current + chunk;
  return next.length > MAX_CAPTURE ? next.slice(next.length - MAX_CAPTURE) : next;
}

const RETRYABLE_SPAWN_ERRORS = new Set(['ETXTBSY', 'ENOENT', 'EACCES']);

/**
 * Spawns `bin args` and resolves with the child once it has really started ('spawn' event).
 * Retries while the binary is being relinked.
 */
async function spawnRetrying(bin, args, options) {
  const deadline = Date.now() + SPAWN_RETRY_DEADLINE_MS;
  let delay = 100;
  for (;;) {
    const child = spawn(bin, args, options);
    const outcome = await new Promise((resolve) => {
      child.once('spawn', () => resolve({ ok: true }));
      child.once('error', (error) => resolve({ ok: false, error }));
    });
    if (outcome.ok) return child;
    if (!RETRYABLE_SPAWN_ERRORS.has(outcome.error.code) || Date.now() > deadline) {
      throw new Error(`could not start ${bin} ${args.join(' ')}: ${outcome.error.message}`);
    }
    // The binary is being replaced: try again shortly (bounded by the deadline above).
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

export class Portico {
  constructor(bin, dataDir, env) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.env = env;
    this.proc = null;
    this.exited = null;
    this.baseURL = null;
    this.stdout = '';
    this.stderr = '';
    this.mailbox = null; // the SMTP sink it delivers to, stopped by dispose()
  }

  /** The issuer: the public URL without a trailing slash. */
  get issuer() { return this.baseURL; }

  get running() { return this.proc !== null; }

  async _start() {
    const child = await spawnRetrying(this.bin, ['serve'], {
      env: { ...process.env, ...this.env, PORTICO_DATA_DIR: this.dataDir, PORTICO_LISTEN: '127.0.0.1:0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      if (this.proc === child) this.proc = null;
      resolve({ code, signal });
    }));
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => { this.stderr = appendCapped(this.stderr, d); });
    const url = await new Promise((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => {
        reject(new Error(`portico did not print "ready at <url>" within ${START_TIMEOUT_MS} ms\n${this.describe()}`));
      }, START_TIMEOUT_MS);
      child.stdout.on('data', (d) => {
        this.stdout = appendCapped(this.stdout, d);
        buf += d;
        const m = READY_RE.exec(buf);
        if (m) {
          clearTimeout(timer);
          resolve(m[1].replace(/\/+$/, ''));
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`portico exited before it was ready (code ${code}, signal ${signal})\n${this.describe()}`));
      });
    });
    this.baseURL = url;
    return url;
  }

  describe() {
    return `(${this.bin} serve, PORTICO_DATA_DIR=${this.dataDir})\n--- stdout ---\n${this.stdout}\n--- stderr (last 4 KiB) ---\n${this.stderr.slice(-4096)}`;
  }

  /** Runs the CLI (`$PORTICO_BIN ...args`) against this server's data dir; resolves with stdout. */
  async cli(args) {
    const child = await spawnRetrying(this.bin, args, {
      env: { ...process.env, ...this.env, PORTICO_DATA_DIR: this.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { out = appendCapped(out, d); });
    child.stderr.on('data', (d) => { err = appendCapped(err, d); });
    const { code, signal } = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`portico-network ${args.join(' ')} did not finish within ${CLI_TIMEOUT_MS} ms`));
      }, CLI_TIMEOUT_MS);
      child.once('close', (c, s) => { clearTimeout(timer); resolve({ code: c, signal: s }); });
    });
    if (code !== 0) {
      throw new Error(`portico-network ${args.join(' ')} exited with ${code ?? signal}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`);
    }
    return out;
  }

  /**
   * Registers a site: `client add` with the given flags. Returns {clientId, secret, output}.
   * spec: {name, redirectUris[], postLogoutRedirectUris[], authMethod, jwksFile, firstParty,
   *        pairwise, sectorId, idTokenAlg, accessTokenFormat, backchannelLogoutUri}
   */
  async addClient(spec) {
    const args = ['client', 'add', '--name', spec.name];
    for (const u of spec.redirectUris) args.push('--redirect-uri', u);
    for (const u of spec.postLogoutRedirectUris || []) args.push('--post-logout-redirect-uri', u);
    if (spec.authMethod) args.push('--auth-method', spec.authMethod);
    if (spec.jwksFile) args.push('--jwks-file', spec.jwksFile);
    if (spec.firstParty) args.push('--first-party');
    if (spec.pairwise) args.push('--pairwise');
    if (spec.sectorId) args.push('--sector-id', spec.sectorId);
    if (spec.idTokenAlg) args.push('--id-token-alg', spec.idTokenAlg);
    if (spec.accessTokenFormat) args.push('--access-token-format', spec.accessTokenFormat);
    if (spec.backchannelLogoutUri) args.push('--backchannel-logout-uri', spec.backchannelLogoutUri);
    const output = await this.cli(args);
    const field = (name) => {
      const m = new RegExp(`^${name}:\\s+(\\S+)\\s*$`, 'm').exec(output);
      return m ? m[1] : undefined;
    };
    const clientId = field('id');
    if (!clientId) throw new Error(`client add printed no "id:" line:\n${output}`);
    return { clientId, secret: field('secret'), output };
  }

  /** `keys rotate --alg ALG`; resolves with the new key's kid as printed. */
  async rotateKey(alg) {
    const output = await this.cli(['keys', 'rotate', '--alg', alg]);
    const m = /signing key ([A-Za-z0-9_-]+)/.exec(output);
    if (!m) throw new Error(`keys rotate printed no kid:\n${output}`);
    return m[1];
  }

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
  }

  /** Stops the server (if running) and its mailbox, and deletes its data dir. Never throws. */
  async dispose() {
    try { await this.stop(); } catch { /* reported by the tests that need it */ }
    if (this.mailbox) await this.mailbox.dispose();
    await fsp.rm(this.dataDir, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * Starts `$PORTICO_BIN serve` on a fresh data dir with a 1 s key-reload interval, delivering its
 * mail over SMTP to a mailbox of its own (op.mailbox).
 */
export async function startPortico(env = {}) {
  const bin = binaryPath();
  const mailbox = await startMailbox();
  let dataDir;
  try {
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'portico-conformance-'));
  } catch (err) {
    await mailbox.dispose();
    throw err;
  }
  const op = new Portico(bin, dataDir, { PORTICO_KEYS_RELOAD_SECONDS: '1', ...mailbox.env(), ...env });
  op.mailbox = mailbox;
  try {
    await op._start();
  } catch (err) {
    await op.dispose();
    throw err;
  }
  return op;
}

/** Writes `contents` to a file under the server's data dir (deleted with it); returns its path. */
export async function writeTempFile(op, name, contents) {
  const dir = path.join(op.dataDir, 'conformance-files');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  await fsp.writeFile(file, contents);
  return file;
}
