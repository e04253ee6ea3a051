'use strict';
// Starts and stops the Portico network server for the end-to-end tests.
//
//   const server = await startServer();          // fresh data dir, random port
//   server.baseURL                               // e.g. http://localhost:43121
//   await server.kill9(); await server.restart(); // same data dir, same port
//   await server.dispose();                      // stop (if running) and delete the data dir
//
//   const server = await startServer({ mailbox: true });  // with its own SMTP sink (lib/mailbox)
//   server.mailbox.waitFor({ to, subject })                // the messages the Network sent
//
// Without a mailbox the Network writes its messages as .eml files under <data dir>/mail/.
//
// The binary is $PORTICO_BIN (absolute path); when unset, the release build in this tree is used.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { startMailbox } = require('./mailbox');

const READY_RE = /ready at (http:\/\/\S+)/;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_CAPTURE = 256 * 1024;

function binaryPath() {
  const fromEnv = process.env.PORTICO_BIN;
  const bin = fromEnv || path.resolve(__dirname, '../../../build/release/apps/network/portico-network');
  if (!path.isAbsolute(bin)) {
    throw new Error(`PORTICO_BIN must be an absolute path, got ${JSON.stringify(bin)}`);
  }
  if (!fs.existsSync(bin)) {
    throw new Error(`Portico server binary not found at ${bin} (set PORTICO_BIN to the built portico-network)`);
  }
  return bin;
}

function appendCapped(current, chunk) {
  const next = current + chunk;
  return next.length > MAX_CAPTURE ? next.slice(next.length - MAX_CAPTURE) : next;
}

class PorticoServer {
  constructor({ bin, dataDir, extraEnv }) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.extraEnv = { ...extraEnv };
    this.proc = null;
    this.exited = null; // Promise<{code, signal}> for the current process
    this.baseURL = null;
    this.port = null;
    this.stdout = '';
    this.stderr = '';
    this.starts = 0;
    this.mailbox = null; // set by startServer({ mailbox })
    this.ownsMailbox = false;
  }

  /** Starts the process; listen is e.g. '127.0.0.1:0'. Resolves with the base URL. */
  _spawn(listen, env) {
    if (this.proc) throw new Error('Portico server is already running');
    this.starts += 1;
    const run = this.starts;
    this.stdout = '';
    this.stderr = '';
    const child = spawn(this.bin, ['serve'], {
      env: {
        ...process.env,
        ...this.extraEnv,
        ...env,
        PORTICO_DATA_DIR: this.dataDir,
        PORTICO_LISTEN: listen,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // A process that could not be started (ENOENT, EACCES, ETXTBSY while the binary is being
      // relinked, ...) emits 'error' and never 'exit'.
      child.once('error', (error) => {
        if (child.pid === undefined) {
          if (this.proc === child) this.proc = null;
          resolve({ code: null, signal: null, error });
        }
      });
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // Keep draining both pipes for the whole life of the process so it never blocks on a full pipe.
    child.stderr.on('data', (d) => { this.stderr = appendCapped(this.stderr, d); });

    return new Promise((resolve, reject) => {
      let settled = false;
      let lineBuf = '';
      const finish = (err, url) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err); else resolve(url);
      };
      const describe = (what) =>
        `${what} (run ${run}, ${this.bin} serve, PORTICO_LISTEN=${listen}, PORTICO_DATA_DIR=${this.dataDir})\n` +
        `--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
      const timer = setTimeout(() => {
        finish(new Error(describe(`Portico server did not print "ready at <url>" within ${START_TIMEOUT_MS} ms`)));
        child.kill('SIGKILL');
      }, START_TIMEOUT_MS);
      child.stdout.on('data', (d) => {
        this.stdout = appendCapped(this.stdout, d);
        if (settled) return;
        lineBuf += d;
        let nl;
        while ((nl = lineBuf.indexOf('\n')) >= 0) {
          const line = lineBuf.slice(0, nl);
          lineBuf = lineBuf.slice(nl + 1);
          const m = READY_RE.exec(line);
          if (m) {
            finish(null, m[1].replace(/\/+$/, ''));
            return;
          }
        }
      });
      child.once('error', (err) => finish(new Error(describe(`Could not start Portico server: ${err.message}`))));
      const closed = new Promise((r) => child.once('close', r));
      child.once('exit', (code, signal) => {
        if (this.proc === child) this.proc = null;
        if (settled) return;
        // Let the pipes drain so the message carries the server's last words.
        const grace = new Promise((r) => setTimeout(r, 500).unref());
        Promise.race([closed, grace]).then(() =>
          finish(new Error(describe(`Portico server exited before it was ready (code ${code}, signal ${signal})`))));
      });
    }).then((url) => {
      this.baseURL = url;
      this.port = Number(new URL(url).port);
      if (!Number.isInteger(this.port) || this.port <= 0) {
        throw new Error(`Portico server printed a base URL without a port: ${url}`);
      }
      return url;
    });
  }

  /** Sends a signal and waits for the process to exit. Resolves with {code, signal}. */
  async _signal(sig) {
    const child = this.proc;
    if (!child) throw new Error('Portico server is not running');
    const exited = this.exited;
    child.kill(sig);
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Portico server did not exit within ${STOP_TIMEOUT_MS} ms of ${sig}\n--- stderr ---\n${this.stderr}`)), STOP_TIMEOUT_MS);
    });
    try {
      return await Promise.race([exited, timeout]);
    } catch (err) {
      child.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS).unref())]);
      throw err;
    } finally {
      clearTimeout(timer);
      if (this.proc === child) this.proc = null;
    }
  }

  get running() { return this.proc !== null; }

  /**
   * Polls what the current process wrote to stderr (its log) until `pattern` matches a line;
   * resolves with the match. Throws after timeoutMs.
   */
  async waitForLog(pattern, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.stderr);
      if (m) return m;
      if (!this.proc) throw new Error(`the server exited while waiting for ${pattern} in its log\n--- stderr ---\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`${pattern} did not appear in the server's log within ${timeoutMs} ms\n--- stderr ---\n${this.stderr.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM and wait for exit. */
  stop() { return this._signal('SIGTERM'); }

  /** SIGKILL (kill -9) and wait for exit. */
  kill9() { return this._signal('SIGKILL'); }

  /**
   * Starts the server again on the same data dir and the same port.
   * The previous process must have been stopped (stop() or kill9()).
   */
  async restart(env = {}) {
    if (this.proc) throw new Error('restart() needs the server to be stopped first');
    if (!this.port) throw new Error('restart() needs a server that was started before');
    const oldURL = this.baseURL;
    const url = await this._spawn(`127.0.0.1:${this.port}`, env);
    if (Number(new URL(url).port) !== Number(new URL(oldURL).port)) {
      throw new Error(`restarted server listens at ${url}, expected the port of ${oldURL}`);
    }
    return url;
  }

  /**
   * Kills the process if it still runs and removes the data directory (and stops the mailbox
   * startServer made for it). Never throws.
   */
  async dispose() {
    if (this.proc) {
      try { await this._signal('SIGKILL'); } catch { /* already reported elsewhere */ }
    }
    if (this.mailbox && this.ownsMailbox) await this.mailbox.dispose();
    await fsp.rm(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Starts `$PORTICO_BIN serve` on a fresh temporary data directory and a random loopback port.
 * options.env: extra environment variables for the server.
 * options.mailbox: a Mailbox (lib/mailbox) the Network delivers to over SMTP, or true for a new
 *   one that dispose() stops; either way it is server.mailbox.
 */
async function startServer(options = {}) {
  const bin = binaryPath();
  let mailbox = null;
  let ownsMailbox = false;
  if (options.mailbox === true) {
    mailbox = await startMailbox();
    ownsMailbox = true;
  } else if (options.mailbox) {
    mailbox = options.mailbox;
  }
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'portico-e2e-'));
  const extraEnv = { ...(mailbox ? mailbox.env() : {}), ...(options.env || {}) };
  const server = new PorticoServer({ bin, dataDir, extraEnv });
  server.mailbox = mailbox;
  server.ownsMailbox = ownsMailbox;
  try {
    await server._spawn('127.0.0.1:0', {});
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return server;
}

module.exports = { startServer, PorticoServer, READY_RE };
