// SPDX-License-Identifier: Apache-2.0
// The admin console in a real headless browser (Debian's chromium, driven by playwright-core) against the real
// host and both sandboxes: sign in, connect Lever through its OAuth consent page, edit the stage mapping (a good
// change saved, a bad one refused next to its row), retry a dead letter once its cause is fixed, and see a revoked
// Lever grant flagged "needs re-authorization" and restored with "Connect Lever".
//
// node tests/browser/console.test.mjs --atsync B/bin/atsync --lever B/bin/atsync-sandbox-lever
//      --kula B/bin/atsync-sandbox-kula --plugins B/plugins --out B/tests/browser [--chromium /usr/bin/chromium]
// Exit 0: passed; 1: failed (with the step, the reason, the processes' last output and a screenshot);
// 77: skipped because chromium is not installed (scripts/bootstrap installs it).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startStack } from './stack.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    atsync: { type: 'string' }, lever: { type: 'string' }, kula: { type: 'string' }, plugins: { type: 'string' },
    out: { type: 'string' }, chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
for (const name of ['atsync', 'lever', 'kula', 'plugins', 'out']) {
  if (!opts[name]) {
    console.error(`console.test: missing --${name} (see the usage at the top of this file)`);
    process.exit(2);
  }
}
// Absolute: the host runs in a scratch directory.
for (const name of ['atsync', 'lever', 'kula', 'plugins', 'out']) opts[name] = path.resolve(opts[name]);
if (!fs.existsSync(opts.chromium)) {
  console.error(`console.test: SKIPPED: no browser at ${opts.chromium} (Debian's chromium; scripts/bootstrap installs it)`);
  process.exit(77);
}

// The one npm dependency, installed from the committed lock file the first time (node_modules is git-ignored).
if (!fs.existsSync(path.join(here, 'node_modules', 'playwright-core', 'package.json'))) {
  console.log('console.test: npm ci (playwright-core, no browser download)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: here, stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
}
const { chromium } = await import('playwright-core');

const kRecruiter = '8d49b010-cc6a-4f40-ace5-e86061c677ed';           // Rita Recruiter, a person in Lever
const kPostingBackend = 'b1f0a7c2-2e3d-4f5a-8b6c-7d8e9f0a1b2c';     // published, public + internal
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

let currentStep = 'start';
function step(name) {
  currentStep = name;
  console.log(`[${elapsed()}] ${name}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls `probe` until it returns a truthy value; the value, or a timeout error naming `what`. */
async function until(what, probe, timeoutMs = 15000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function json(url, init = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

fs.mkdirSync(opts.out, { recursive: true });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atsync-console-test-'));
let stack = null;
let context = null;
let page = null;
let failed = false;

try {
  step('starting the Lever and Kula sandboxes and atsync run');
  stack = await startStack({
    bin: { atsync: opts.atsync, lever: opts.lever, kula: opts.kula, plugins: opts.plugins },
    workDir,
  });
  const admin = (p, init = {}) => json(`${stack.hostUrl}/api/v1${p}`, {
    ...init, headers: { Authorization: `Bearer ${stack.adminToken}`, 'Content-Type': 'application/json', ...init.headers },
  });

  step('starting chromium');
  // A new, empty profile each run; no background traffic (this machine's network is closed).
  context = await chromium.launchPersistentContext(path.join(workDir, 'chromium-profile'), {
    executablePath: opts.chromium,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15000);
  page = context.pages()[0] ?? await context.newPage();
  const consoleErrors = [];
  // Script errors fail the test. Chromium also logs every 4xx it loads as an error; the test provokes some on
  // purpose (a wrong token, a refused mapping) and vendor pages have no favicon, so those are not counted.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  // ---- sign in ----
  step('sign in: a wrong token is refused, the admin token is accepted');
  await page.goto(`${stack.hostUrl}/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Admin token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That token was refused').waitFor();
  await page.getByLabel('Admin token').fill(stack.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
  const card = page.getByRole('article', { name: stack.connection });
  await card.getByText('Not authorized').first().waitFor();

  // ---- connect Lever (OAuth) ----
  step('connect: "Connect Lever" → Lever consent page → Accept → back on the host, authorized');
  await card.getByRole('button', { name: 'Connect Lever' }).click();
  await page.waitForURL((url) => url.href.startsWith(`${stack.leverRoot}/oauth/authorize`));
  check((await page.title()).includes('Lever'), `expected Lever's consent page, got "${await page.title()}"`);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL((url) => url.href.startsWith(`${stack.hostUrl}/oauth/callback`));
  const callbackText = await page.locator('body').innerText();
  check(/authorized/i.test(callbackText) && !/fail|declin|expired/i.test(callbackText),
      `the OAuth callback page does not report success:\n${callbackText}`);
  await page.getByRole('link', { name: 'Back to the atsync console' }).click();
  await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();  // still signed in (sessionStorage)
  // The engine connects within a few seconds of getting tokens (stage lists read, webhooks registered).
  await until('the connection card shows Lever authorized and the connection ready', async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    const text = await card.innerText();
    return /Lever access\s*Authorized/.test(text) && /Ready\s*Yes/.test(text);
  }, 20000, 500);
  check(await card.getByRole('button', { name: 'Re-authorize Lever' }).isVisible(), 'no "Re-authorize Lever" after connecting');
  const ready = await fetch(`${stack.hostUrl}/readyz`);
  check(ready.status === 200, `/readyz answers ${ready.status} after connecting`);

  // ---- postings ----
  step('postings: published Lever postings with their channels');
  await page.getByRole('link', { name: 'Postings', exact: true }).first().click();
  const backend = page.locator('tr', { hasText: 'Senior Backend Engineer' });
  await backend.waitFor();
  await page.screenshot({ path: path.join(opts.out, 'postings-1280.png'), fullPage: true });
  check(await backend.getByText('Public job site').isVisible() && await backend.getByText('Internal (referrals)').isVisible(),
      'the published posting does not show both channels');
  check(await page.getByText('Frontend Engineer').count() === 0, 'a draft posting is listed');

  // ---- stage mappings ----
  step('mapping edit: map Kula "Hired" to Lever "Offer", save, see success');
  await page.getByRole('link', { name: 'Stage mappings' }).first().click();
  await page.getByRole('heading', { name: /Platform → ATS: Kula → Lever/ }).waitFor();
  const hiredRow = page.locator('tr[data-direction="platform_to_ats"][data-from="hired"]');
  check(/Not mapped/.test(await hiredRow.innerText()), 'Kula "Hired" is not flagged as unmapped before the edit');
  await page.getByLabel('Lever stage for Kula stage Hired').selectOption({ label: 'Offer' });
  check(/Changed, not saved/.test(await hiredRow.innerText()), 'an edited row is not marked as changed');
  await page.getByRole('button', { name: 'Save mappings' }).click();
  await page.locator('#mapping-status', { hasText: 'Saved.' }).waitFor();
  const saved = await admin(`/connections/${stack.connection}/stage-mappings`);
  const hired = saved.platform_to_ats.find((r) => r.from === 'hired');
  check(hired?.to === 'offer' && hired?.origin === 'admin', `the API does not show hired → offer (admin): ${JSON.stringify(hired)}`);

  step('mapping edit: an oscillating round trip is refused, the message next to the row it names');
  // Kula "Prospect" → Lever "Responded" while Lever "New lead" → Kula "Prospect" and "Responded" → Kula
  // "Replied": a change would bounce between the systems.
  await page.getByLabel('Lever stage for Kula stage Prospect').selectOption({ label: 'Responded' });
  await page.getByRole('button', { name: 'Save mappings' }).click();
  await page.locator('#mapping-status', { hasText: 'Not saved' }).waitFor();
  const leadNewRow = page.locator('tr[data-direction="ats_to_platform"][data-from="lead-new"]');
  const rowError = leadNewRow.locator('.row-error');
  await rowError.waitFor();
  const rowErrorText = await rowError.innerText();
  check(/bounce between the systems/.test(rowErrorText) && rowErrorText.includes('Lever stage “New lead”'),
      `the round-trip message is not in place with stage names: "${rowErrorText}"`);
  check(await leadNewRow.locator('select').getAttribute('aria-invalid') === 'true', 'the offending row is not marked invalid');
  const prospectRow = page.locator('tr[data-direction="platform_to_ats"][data-from="prospect"]');
  check(/Part of the round trip reported at “New lead”/.test(await prospectRow.innerText()),
      'the edited row that closes the round trip does not point at the reported one');
  const unchanged = await admin(`/connections/${stack.connection}/stage-mappings`);
  check(unchanged.platform_to_ats.find((r) => r.from === 'prospect')?.to === 'lead-new',
      'the refused mapping was saved anyway');
  await page.screenshot({ path: path.join(opts.out, 'mappings-refused-1280.png'), fullPage: true });
  await page.getByRole('button', { name: 'Discard changes' }).click();

  step("mapping reset: the console's edit is dropped, the config file's mapping and the defaults apply again");
  await page.getByRole('button', { name: "Use the config file's mapping" }).click();
  await page.locator('#mapping-status', { hasText: "Back to the config file's mapping" }).waitFor();
  const reset = await admin(`/connections/${stack.connection}/stage-mappings`);
  check(!reset.platform_to_ats.concat(reset.ats_to_platform).some((r) => r.origin === 'admin'),
      `a console edit is still in force after the reset: ${JSON.stringify(reset.platform_to_ats)}`);
  check(reset.platform_to_ats.find((r) => r.from === 'hired')?.to !== 'offer', 'hired → offer survived the reset');
  check(await page.getByRole('button', { name: "Use the config file's mapping" }).isHidden(),
      'the reset button is still offered with nothing to reset');

  // ---- dead letter ----
  step('dead letter: a Lever opportunity whose emails belong to two Kula candidates cannot be imported');
  // Someone in Lever adds Dana with a new address and, by mistake, Ada's and Grace's. atsync imports it into
  // Kula, which refuses: those emails are two different candidates (409). Not retryable as it stands: a dead
  // letter at once.
  const danaEmail = `dana.${Date.now()}@example.com`;
  await json(`${stack.leverBase}/opportunities?perform_as=${kRecruiter}`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${stack.leverApiKey}:`).toString('base64')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'Dana Example', emails: [danaEmail, 'ada.lovelace@example.com', 'grace.hopper@example.com'],
      postings: [kPostingBackend], origin: 'applied',
    }),
  });
  await page.getByRole('link', { name: 'Dead letters' }).click();
  await page.getByRole('heading', { name: 'Dead letters', level: 1 }).waitFor();
  const letter = page.locator('li.dead-letter').first();
  await until('the dead letter is listed', async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    return (await letter.count()) > 0 && /409/.test(await letter.innerText());
  }, 30000, 500);
  const letterId = await letter.getAttribute('data-id');
  await page.screenshot({ path: path.join(opts.out, 'dead-letters-1280.png'), fullPage: true });

  step('dead letter: fix the cause in Kula, click Retry, see it leave the list and the import succeed');
  // The fix an operator would make: Dana gets her own Kula candidate, so the import links to it.
  await json(`${stack.kulaRoot}/_sandbox/candidates`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Dana Example', email: danaEmail }),
  });
  await page.getByRole('button', { name: new RegExp(`^Retry dead letter ${letterId} `) }).click();
  await page.getByText(`Dead letter ${letterId} (`).first().waitFor();  // the status message
  await until('the retried import has linked Dana (and did not come back dead)', async () => {
    const links = await admin(`/connections/${stack.connection}/links`);
    return links.links.some((l) => l.provenance === 'imported');
  }, 20000, 300);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByText('No dead letters').waitFor();
  check(await page.locator(`li.dead-letter[data-id="${letterId}"]`).count() === 0, 'the retried letter is still listed');

  step('activity: the dead letter and the retry are in the log, filterable by level');
  await page.getByRole('link', { name: 'Activity', exact: true }).first().click();
  await page.getByLabel('Level').selectOption('error');
  // The filtered list replaces the unfiltered one when the API answers; until then the old list (which also holds
  // the error) is on screen, so wait for the info entries to go rather than for the error to appear.
  await until('the Errors filter hides every info entry', async () =>
    (await page.locator('ol li[data-level="info"]').count()) === 0, 10000, 100);
  await page.locator('ol li[data-level="error"]', { hasText: 'Gave up on' }).first().waitFor();
  await page.getByLabel('Level').selectOption('');
  await page.locator('ol li[data-level="info"]').first().waitFor();
  await page.screenshot({ path: path.join(opts.out, 'activity-1280.png'), fullPage: true });

  step('re-authorization: Lever revokes access; the console flags it; "Connect Lever" restores it');
  await json(`${stack.leverRoot}/_sandbox/oauth/revoke`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ clientId: stack.oauthClientId }),
  });
  // The next Lever call finds the access token dead and the refresh token refused; the postings page makes one.
  await page.getByRole('link', { name: 'Postings', exact: true }).first().click();
  await page.getByRole('heading', { name: /^Postings/, level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Connections' }).first().click();
  await until('the connection card flags Lever as needing re-authorization', async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    return /Lever needs re-authorization/.test(await card.innerText());
  }, 15000, 500);
  await page.screenshot({ path: path.join(opts.out, 'needs-reauthorization-1280.png'), fullPage: true });
  await card.getByRole('button', { name: 'Connect Lever' }).click();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('link', { name: 'Back to the atsync console' }).click();
  await until('Lever authorized and the connection ready again', async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    const text = await card.innerText();
    return /Lever access\s*Authorized/.test(text) && /Ready\s*Yes/.test(text);
  }, 20000, 500);

  step('screenshots: the connections page at 1280 px, stage mappings at 375 px');
  await page.screenshot({ path: path.join(opts.out, 'console-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.getByRole('link', { name: 'Stage mappings' }).first().click();
  await page.getByRole('heading', { name: /ATS → platform/ }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `at 375 px the page scrolls sideways by ${overflow} px`);
  // The viewport only: what a phone shows first.
  await page.screenshot({ path: path.join(opts.out, 'console-375.png') });

  check(consoleErrors.length === 0, `the page logged errors:\n${consoleErrors.join('\n')}`);
  console.log(`[${elapsed()}] PASSED; screenshots in ${opts.out}`);
} catch (e) {
  failed = true;
  console.error(`\nFAILED at step "${currentStep}" after ${elapsed()}:\n${e.stack ?? e}`);
  if (page) {
    const shot = path.join(opts.out, 'console-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).then(() => console.error(`screenshot: ${shot}`), () => {});
    console.error(`page URL: ${page.url()}`);
  }
  if (stack) console.error(`\nlast output of the processes:\n${stack.logs()}`);
} finally {
  await context?.close().catch(() => {});
  await stack?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
