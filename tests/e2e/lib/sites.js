'use strict';
// Starts the network's own sites — the Membership Center and the partner resources site — as
// separate processes that sign people in through a running Network, exactly as `./run` does:
// registered with `portico-network client add`, then started with the id and secret it printed.
//
//   const members = await startSite(network, 'members', { mailbox });  // mails through the sink
//   members.origin                                                     // http://localhost:<port>
//   await members.stop();
//
// The binaries are $PORTICO_MEMBERS_BIN and $PORTICO_RESOURCES_BIN (absolute paths); when unset,
// the release build in this tree is used.

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { freePort } = require('./mailbox');

const START_TIMEOUT_MS = 15_000;

const KINDS = {
  members: { name: 'Membership Center', prefix: 'PORTICO_MEMBERS', bin: 'apps/members/portico-members' },
  resources: { name: 'Partner Resources', prefix: 'PORTICO_RESOURCES', bin: 'apps/resources/portico-resources' },
};

function binaryOf(kind) {
  const { prefix, bin: relative } = KINDS[kind];
  const bin = process.env[`${prefix}_BIN`] || path.resolve(__dirname, '../../../build/release', relative);
  if (!fs.existsSync(bin)) throw new Error(`the ${kind} site's binary is not at ${bin} (set ${prefix}_BIN)`);
  return bin;
}

/**
 * Registers a site of `kind` ('members' or 'resources') at `network` (a lib/server
 * PorticoServer) as a first-party site and starts it on a free loopback port. With `mailbox`
 * (lib/mailbox), the site delivers its own mail (the Membership Center's invitations) there.
 * Resolves once the site printed "ready at".
 */
async function startSite(network, kind, { mailbox } = {}) {
  const { name, prefix } = KINDS[kind];
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const out = execFileSync(network.bin, ['client', 'add', '--name', name, '--first-party',
    '--redirect-uri', `${origin}/callback`, '--post-logout-redirect-uri', `${origin}/`,
    '--backchannel-logout-uri', `${origin}/backchannel-logout`],
  { env: { ...process.env, PORTICO_DATA_DIR: network.dataDir }, encoding: 'utf8' });
  const id = /^id:\s+(\S+)/m.exec(out)[1];
  const secret = /^secret:\s+(\S+)/m.exec(out)[1];
  const dataDir = fs.mkdtempSync(path.join(network.dataDir, `${kind}-`));
  const env = {
    ...process.env,
    [`${prefix}_LISTEN`]: `127.0.0.1:${port}`,
    [`${prefix}_ISSUER`]: network.baseURL,
    [`${prefix}_CLIENT_ID`]: id,
    [`${prefix}_CLIENT_SECRET`]: secret,
    [`${prefix}_DATA_DIR`]: dataDir,
  };
  if (mailbox) {
    env[`${prefix}_SMTP_URL`] = mailbox.url;
    env[`${prefix}_MAIL_FROM`] = `${name} tests <no-reply@portico.test>`;
  }
  const child = spawn(binaryOf(kind), ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-65_536); });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${kind} site did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      if (/ready at/.test(String(d))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${kind} site exited (${code}): ${stderr}`));
    });
  });
  return {
    origin,
    dataDir,
    /** What the site logged so far (its JSON log lines). */
    log() { return stderr; },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

module.exports = { startSite };
