// SPDX-License-Identifier: Apache-2.0
// The system under test, as an operator runs it: the Lever and Kula sandboxes and `atsync run -c FILE` as real
// processes on loopback, with a generated config whose Lever connection authenticates with OAuth (so the console
// has something to connect). Every process is stopped by stop(), and killed on any exit of this Node process.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

const children = new Set();

// Last resort: whatever way this process ends, no sandbox or host outlives it.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A loopback port free right now: the host's public URL (OAuth redirect, webhooks) must be known before it starts. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

class Child {
  constructor(name, file, args, options = {}) {
    this.name = name;
    this.output = [];
    this.process = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    children.add(this.process);
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => resolve({ code, signal }));
      // A binary that cannot be started emits 'error' and never 'exit'.
      this.process.on('error', (e) => {
        this.output.push(`cannot start ${file}: ${e.message}`);
        resolve({ code: null, signal: 'spawn failed' });
      });
    });
    this.firstLine = new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: this.process.stdout });
      let first = true;
      lines.on('line', (line) => {
        this.output.push(line);
        if (first) {
          first = false;
          resolve(line.trim());
        }
      });
      this.exited.then(({ code, signal }) => reject(new Error(
          `${name} exited (${signal ?? code}) before printing its URL:\n${this.tail()}`)));
    });
    this.firstLine.catch(() => {});  // awaited later; an early exit must not count as an unhandled rejection
    readline.createInterface({ input: this.process.stderr }).on('line', (line) => this.output.push(line));
  }

  tail(lines = 40) {
    return this.output.slice(-lines).map((l) => `  [${this.name}] ${l}`).join('\n');
  }

  async stop() {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
    children.delete(this.process);
  }
}

async function waitFor(what, probe, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.process.exitCode !== null || child.process.signalCode !== null)) {
      throw new Error(`${child.name} exited while waiting for ${what}:\n${child.tail()}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts Lever and Kula sandboxes and the host. `bin` names the binaries: {atsync, lever, kula, plugins}.
 * Returns URLs, the credentials the test needs, and stop().
 */
export async function startStack({ bin, workDir }) {
  const started = [];
  const secret = () => crypto.randomBytes(24).toString('hex');
  const stack = {
    connection: 'acme',
    adminToken: secret(),
    leverApiKey: secret(),  // the test's own key, to act as a Lever user; the host uses OAuth
    logs: () => started.map((c) => c.tail()).join('\n'),
    stop: async () => {
      // The host first, so it does not log the sandboxes going away as failures.
      for (const child of [...started].reverse()) await child.stop();
    },
  };
  try {
    const hostPort = await freePort();
    stack.hostUrl = `http://127.0.0.1:${hostPort}`;
    const oauthClient = { id: 'atsync-console-test', secret: secret() };
    stack.oauthClientId = oauthClient.id;
    const kula = { apiKey: secret(), webhookSecret: secret() };

    const lever = new Child('lever', bin.lever, [
      '--port', '0', '--seed', 'small', '--api-key', stack.leverApiKey,
      '--oauth-client', `${oauthClient.id}:${oauthClient.secret}`, '--webhook-base-delay-ms', '200']);
    started.push(lever);
    const kulaChild = new Child('kula', bin.kula, [
      '--port', '0', '--seed', 'small', '--api-key', kula.apiKey,
      '--webhook-url', `${stack.hostUrl}/hooks/${stack.connection}/kula`, '--webhook-secret', kula.webhookSecret,
      '--retry-base-delay-ms', '200']);
    started.push(kulaChild);
    stack.leverBase = await lever.firstLine;                    // http://127.0.0.1:P/v1
    stack.leverRoot = stack.leverBase.replace(/\/v1\/?$/, '');
    stack.kulaUrl = (await kulaChild.firstLine).replace(/\/$/, '');
    stack.kulaRoot = stack.kulaUrl.replace(/\/v1$/, '');

    // Secrets reach the config through ${VAR}s, as an operator's would; none is written into the file.
    const config = `# Generated by tests/browser/stack.mjs
version: 1
store: sqlite:${path.join(workDir, 'atsync.db')}
server:
  listen: 127.0.0.1:${hostPort}
  public_url: ${stack.hostUrl}
  admin_token: \${ATSYNC_ADMIN_TOKEN}
plugins:
  dir: ${bin.plugins}
encryption_key: \${ATSYNC_ENCRYPTION_KEY}
connections:
  - id: ${stack.connection}
    poll_interval_s: 5
    platform:
      plugin: kula
      config:
        base_url: ${stack.kulaUrl}
        api_key: \${KULA_API_KEY}
        webhook_secret: \${KULA_WEBHOOK_SECRET}
    ats:
      plugin: lever
      config:
        base_url: ${stack.leverBase}
        auth:
          mode: oauth
          client_id: ${oauthClient.id}
          client_secret: \${LEVER_CLIENT_SECRET}
          authorize_url: ${stack.leverRoot}/oauth/authorize
          token_url: ${stack.leverRoot}/oauth/token
          audience: ${stack.leverRoot}/v1/
        perform_as: 3f5a2c1e-0b7d-4e8a-9c6f-1d2e3f4a5b6c
`;
    const configFile = path.join(workDir, 'atsync.yaml');
    fs.writeFileSync(configFile, config);
    const host = new Child('atsync', bin.atsync, ['run', '-c', configFile], {
      cwd: workDir,
      env: {
        ...process.env,
        ATSYNC_ADMIN_TOKEN: stack.adminToken,
        ATSYNC_ENCRYPTION_KEY: secret(),
        KULA_API_KEY: kula.apiKey,
        KULA_WEBHOOK_SECRET: kula.webhookSecret,
        LEVER_CLIENT_SECRET: oauthClient.secret,
      },
    });
    started.push(host);
    // Live, not ready: the Lever side waits for the administrator to connect it, which is the test's first step.
    await waitFor('atsync /healthz', async () => (await fetch(`${stack.hostUrl}/healthz`)).ok, 15000, host);
    return stack;
  } catch (e) {
    const logs = stack.logs();
    await stack.stop();
    e.message += logs ? `\n${logs}` : '';
    throw e;
  }
}
