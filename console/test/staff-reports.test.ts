// The programme admin's deadlines page and the grievance dashboard end to
// end: a real hub (demo programme, fresh data directory, 127.0.0.1) serves
// the built console. Cases' clear metadata is written into the hub's
// database with `sqlite3` (their payloads are never read by the hub or by
// these pages): six this month, acknowledged, and two a month and a half
// ago. In headless Chromium the demo admin signs in, sets a route's deadlines
// out of order (the errors shown beside the fields, nothing sent), then in
// order (saved, audited by the hub, shown after a reload); opens the
// dashboard: six received, the older month "fewer than 5" with no number
// anywhere on the page or in the CSV made in the page. axe-core and
// screenshots (deadlines.png, grievances.png) in every language.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { type Page, chromium } from 'playwright-core';

import { fromBase32 } from '../src/base32.js';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SQLITE = process.env['SQLITE3_PATH'] ?? '/usr/bin/sqlite3';
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const DAY = 86_400;

interface Ready {
  url: string;
  demo_admin: { login: string; password: string; totp_secret_base32: string };
  demo: { factory_id: string; factory_name: string };
}

async function startHub(dataRoot: string): Promise<{ hub: ChildProcess; ready: Ready }> {
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
  return { hub, ready: JSON.parse(first) as Ready };
}

function sql(db: string, statements: string): string {
  const run = spawnSync(SQLITE, ['-batch', db], {
    input: `.timeout 10000\n${statements}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `sqlite3: ${run.stderr}`);
  return run.stdout.trim();
}

/** RFC 6238 (SHA-1, 30 s, 6 digits), independently of the hub. */
function totp(secret: Uint8Array, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const tag = createHmac('sha1', secret).update(counter).digest();
  const offset = (tag[19] ?? 0) & 0x0f;
  return String((tag.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function accessible(page: Page, where: string): Promise<void> {
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

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('…'));
}

const clean = (text: string | null): string => (text ?? '').replace(/[\u2068\u2069]/g, '');

/** A case's clear row as the hub stores it (the payload is opaque bytes the hub never reads). */
function caseRow(factory: string, receivedAt: number, status: string, version: number): string {
  const symbols = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const id = Array.from(randomBytes(10), (byte) => symbols[byte % 32]).join('');
  const caseId = `${id.slice(0, 5)}-${id.slice(5)}`;
  return (
    `('${caseId}', '${randomBytes(16).toString('hex')}', '${factory}', 'independent_hotline', 0, ` +
    `'independent_hotline', ${version}, X'${randomBytes(32).toString('hex')}', X'00', '${status}', ` +
    `${receivedAt}, ${receivedAt + 120 * 3600}, 0)`
  );
}

test('a programme admin sets route deadlines (errors shown first) and reads the grievance dashboard with small groups hidden', async (t) => {
  if (![CHROMIUM, SQLITE, HUB, join(DIST, 'index.html')].every((path) => existsSync(path))) {
    t.skip('needs Chromium, sqlite3, target/debug/workervoice-hub and console/dist (scripts/test-console builds them)');
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-staff-reports-'));
  const { hub, ready } = await startHub(dataRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const db = join(dataRoot, 'data', 'hub.db');
    const factory = ready.demo.factory_id;
    const version = Number(sql(db, 'SELECT max(version) FROM directories;'));
    const now = Math.floor(Date.now() / 1000);
    const hour = now - (now % 3600);
    const fresh = Array.from({ length: 6 }, () => caseRow(factory, hour, 'acknowledged', version));
    const older = Array.from({ length: 2 }, () => caseRow(factory, hour - 45 * DAY, 'received', version));
    sql(
      db,
      `BEGIN;
       INSERT INTO cases (case_id, client_id, factory_id, routes, route_index, current_route, directory_version,
         receipt_verifier, payload, status, received_at, deadline_at, escalation_exhausted)
       VALUES ${[...fresh, ...older].join(',\n')};
       INSERT INTO case_events (case_id, seq, at, status) SELECT case_id, 1, received_at, 'received' FROM cases;
       INSERT INTO case_events (case_id, seq, at, status)
         SELECT case_id, 2, received_at + 3600, 'acknowledged' FROM cases WHERE status = 'acknowledged';
       COMMIT;`,
    );

    const context = await browser.newContext({ baseURL: ready.url, acceptDownloads: true });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
    const secret = fromBase32(ready.demo_admin.totp_secret_base32);
    assert.ok(secret !== null);
    await page.goto('/sign-in');
    await page.fill('#login', ready.demo_admin.login);
    await page.fill('#password', ready.demo_admin.password);
    await page.fill('#totp', totp(secret, Math.floor(Date.now() / 30_000)));
    await page.click('form button[type=submit]');
    await page.locator('header nav').waitFor();

    // Deadlines: out of order first — the errors beside the fields, nothing sent.
    await visit(page, '/deadlines');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/admin/v1/deadlines/')) posts.push(request.url());
    });
    await page.fill('#deadlines-independent-hotline-acknowledge', '10');
    await page.fill('#deadlines-independent-hotline-respond', '5');
    await page.fill('#deadlines-independent-hotline-resolve', '0');
    await page.click('#deadlines-independent-hotline-save');
    const respond = page.locator('#deadlines-independent-hotline-respond');
    assert.equal(await respond.getAttribute('aria-invalid'), 'true');
    const described = (await respond.getAttribute('aria-describedby')) ?? '';
    const errorId = described.split(' ')[1] ?? '';
    assert.equal(
      clean(await page.locator(`[id="${errorId}"]`).textContent()),
      'The reply deadline cannot come before the acknowledge deadline.',
    );
    assert.equal(
      await page.locator('#deadlines-independent-hotline-resolve').getAttribute('aria-invalid'),
      'true',
      'a resolution deadline of 0 days is refused',
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'deadlines-independent-hotline-respond');
    mkdirSync(join(SHOTS, 'en'), { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'en', 'deadlines-errors.png'), fullPage: true });
    assert.deepEqual(posts, [], 'nothing is sent while a field is wrong');

    // In order: saved, and still there after a reload.
    await page.fill('#deadlines-independent-hotline-respond', '60');
    await page.fill('#deadlines-independent-hotline-resolve', '120');
    await page.click('#deadlines-independent-hotline-save');
    // Not just 'saved': the refusal before says "Nothing was saved".
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('saved: acknowledge'));
    assert.match(clean(await page.locator('.status').textContent()), /acknowledge in 10 days, reply in 60 days, resolve in 120 days/);
    await visit(page, '/deadlines');
    assert.equal(await page.inputValue('#deadlines-independent-hotline-acknowledge'), '10');
    assert.equal(await page.inputValue('#deadlines-independent-hotline-resolve'), '120');
    assert.equal(
      clean(await page.locator('#deadlines-independent-hotline-state').textContent()),
      'Set by a programme admin.',
    );
    assert.equal(posts.length, 1);

    // The dashboard: this month's six, the older month's two hidden.
    await visit(page, '/grievances');
    const rows = page.locator('main table tbody tr');
    await rows.first().waitFor();
    const cells = async (index: number): Promise<string[]> =>
      (await rows.nth(index).locator('th, td').allTextContents()).map(clean);
    assert.deepEqual((await cells(0)).slice(1), ['6', '6', '0', '0', '1', 'fewer than 5'], 'acknowledged after an hour; none resolved');
    assert.deepEqual((await cells(1)).slice(1), Array(6).fill('fewer than 5'));
    assert.equal(await rows.count(), 2);
    assert.ok((await page.locator('svg.grievances-chart rect').count()) >= 4, 'bars are drawn');
    // Nothing was published by a reader or an analyst for this factory: the page says so.
    const main = clean(await page.locator('main').textContent());
    assert.match(main, /No reader has published category counts for this factory yet\./);
    assert.match(main, /No survey results have been published for this factory yet\./);
    // The CSV is made in the page: the hidden month says so, with no number.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#grievances-download')]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'factory_id,factory_name,month,received,acknowledged_in_time,overdue,resolved,median_hours_to_acknowledge,median_days_to_resolve');
    assert.match(lines[1] ?? '', /,6,6,0,0,1,suppressed$/);
    assert.match(lines[2] ?? '', /(,suppressed){6}$/);
    assert.equal(lines.length, 3);

    for (const lang of LANGS) {
      await switchLanguage(page, lang);
      mkdirSync(join(SHOTS, lang), { recursive: true });
      for (const name of ['deadlines', 'grievances']) {
        await visit(page, `/${name}`);
        await checkDirection(page, lang, name);
        await accessible(page, `${lang} ${name}`);
        await page.screenshot({ path: join(SHOTS, lang, `${name}.png`), fullPage: true });
      }
    }
    assert.deepEqual(cspViolations, []);
    await context.close();
  } finally {
    await browser.close();
    hub.kill();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
