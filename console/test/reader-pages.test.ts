// The reader pages end to end: a real hub (demo programme, fresh data
// directory, on 127.0.0.1) serves the built console; an admin invites a
// reader through the API; in headless Chromium the reader accepts the
// invitation (the browser makes and wraps the key), signs in, sees their key
// id, and signs out. Every request the page sends is recorded: none carries
// the password. axe-core on each page in every language; screenshots as
// target/screenshots/console/<lang>/reader-*.png.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { type Page, chromium } from 'playwright-core';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const PASSWORD = 'a long reader password for the pages';

async function startHub(dataRoot: string): Promise<{ hub: ChildProcess; url: string; staffToken: string }> {
  const hub = spawn(
    HUB,
    [
      'serve',
      '--demo',
      '--ready-json',
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      join(dataRoot, 'data'),
      '--demo-keyholder-dir',
      join(dataRoot, 'keyholder'),
      '--console-dir',
      DIST,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  const log: string[] = [];
  hub.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const lines = createInterface({ input: hub.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start: ${log.join('')}`)), 120_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    hub.once('exit', (code) => reject(new Error(`the hub exited (${code}): ${log.join('')}`)));
  });
  const ready = JSON.parse(first) as { url: string; staff_token: string };
  return { hub, url: ready.url, staffToken: ready.staff_token };
}

async function accessible(page: Page, where: string): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document) => Promise<{ violations: { id: string; impact: string | null }[] }> };
      }
    ).axe;
    return (await axe.run(document)).violations.map((violation) => ({ id: violation.id, impact: violation.impact }));
  });
  const bad = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert.deepEqual(bad, [], `${where}: axe-core found ${JSON.stringify(bad)}`);
}

/** axe and a screenshot of the page as it is, in every language, back to English. */
async function everyLanguage(page: Page, name: string): Promise<void> {
  for (const lang of LANGS) {
    await switchLanguage(page, lang);
    await checkDirection(page, lang, name);
    await accessible(page, `${lang} ${name}`);
    const dir = join(SHOTS, lang);
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }
  await switchLanguage(page, 'en');
}

test('a reader accepts an invitation and signs in in the browser, which alone holds the key', async (t) => {
  if (!existsSync(CHROMIUM) || !existsSync(HUB) || !existsSync(join(DIST, 'index.html'))) {
    t.skip('needs Chromium, target/debug/workervoice-hub and console/dist (scripts/test-console builds them)');
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-reader-pages-'));
  const { hub, url, staffToken } = await startHub(dataRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const invitation = (await (
      await fetch(`${url}/admin/v1/readers/invitations`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${staffToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Hotline reader', route: 'independent_hotline' }),
      })
    ).json()) as { handler_id: string; invitation_token: string };

    const context = await browser.newContext();
    const page = await context.newPage();
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''}`));
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });

    await page.goto(
      `${url}/reader/accept#handler=${encodeURIComponent(invitation.handler_id)}&token=${encodeURIComponent(invitation.invitation_token)}`,
    );
    await page.waitForSelector('#reader-accept-title');
    await everyLanguage(page, 'reader-accept');
    await page.fill('#reader-new-password', PASSWORD);
    await page.fill('#reader-confirm-password', `${PASSWORD} but different`);
    await page.click('button[type=submit]');
    await page.waitForSelector('.alert:not(:empty)');
    await page.fill('#reader-new-password', PASSWORD);
    await page.fill('#reader-confirm-password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/reader\/sign-in\?reason=accepted/, { timeout: 60_000 });
    await page.waitForSelector('#reader-sign-in-title');
    assert.equal(await page.inputValue('#reader-account'), invitation.handler_id, 'the account id is filled in');
    await everyLanguage(page, 'reader-sign-in');

    await page.fill('#reader-password', 'not the right password');
    await page.click('button[type=submit]');
    await page.waitForSelector('.alert:not(:empty)');
    // A wrong attempt backs the account off for a second (ADR 0015).
    await page.waitForTimeout(2_100);
    await page.fill('#reader-password', PASSWORD);
    await page.click('button[type=submit]');
    await page
      .waitForSelector('#reader-home-title', { timeout: 60_000 })
      .catch(async (error: unknown) => assert.fail(`no reader home (${await page.textContent('.alert')}): ${String(error)}`));
    const keyLine = await page.textContent('main');
    assert.match(keyLine ?? '', /[0-9a-f]{32}/, 'the page shows the key id');
    // The route's inbox (empty: no device has reported to this new reader) with its status filter.
    await page.waitForSelector('#reader-inbox-empty');
    await page.selectOption('#reader-status-filter', 'received');
    await page.click('#inbox-apply');
    await page.waitForSelector('#reader-inbox-empty');
    await everyLanguage(page, 'reader-home');

    await page.click('#reader-sign-out');
    await page.waitForURL(/\/reader\/sign-in\?reason=signed-out/);
    await page.waitForSelector('#reader-sign-in-title');

    for (const line of sent) assert.ok(!line.includes(PASSWORD), `a request carried the password: ${line.slice(0, 80)}`);
    assert.deepEqual(cspViolations, [], 'no CSP violation');
    await context.close();
  } finally {
    await browser.close();
    hub.kill();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
