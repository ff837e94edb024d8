// Published packs, survey schedules and events end to end: a real hub (demo
// programme: a training module and a survey published to every factory and
// signed by the demo key holder; fresh data directory, 127.0.0.1) serves the
// built console. In headless Chromium the demo admin signs in and
// - sees both packs with their version, size and the key holder's signature;
// - sets the survey's schedule: errors beside the fields first (nothing
//   sent), a worker number the roster does not have refused by the hub and
//   said so, then "the workers an audit concerned, from day 5, for 7 days"
//   saved and read back after a reload;
// - records an audit by keyboard alone (a missing field shown first), and
//   sees it in the factory's list with two workers counted (never named)
//   and the check-in's opening day.
// axe-core and screenshots (content.png, schedules.png, events.png) in every
// language, en/schedules-errors.png and en/events-errors.png.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
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
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const SURVEY = 'wellbeing-checkin';

interface Ready {
  url: string;
  staff_token: string;
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

/** The text of the error a field's `aria-describedby` names last. */
async function fieldError(page: Page, selector: string): Promise<string> {
  const described = (await page.locator(selector).getAttribute('aria-describedby')) ?? '';
  const id = described.split(' ').pop() ?? '';
  return clean(await page.locator(`[id="${id}"]`).textContent());
}

/** `YYYY-MM-DD` of a day in the browser's (and this process's) time zone. */
function dateValue(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

test('a programme admin sees the published packs, sets a survey schedule and records an audit the check-in follows', async (t) => {
  if (![CHROMIUM, HUB, join(DIST, 'index.html')].every((path) => existsSync(path))) {
    t.skip('needs Chromium, target/debug/workervoice-hub and console/dist (scripts/test-console builds them)');
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-programme-content-'));
  const { hub, ready } = await startHub(dataRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ baseURL: ready.url, timezoneId: 'UTC', locale: 'en-US' });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/admin/v1/'))
        posts.push(new URL(request.url()).pathname);
    });
    const secret = fromBase32(ready.demo_admin.totp_secret_base32);
    assert.ok(secret !== null);
    await page.goto('/sign-in');
    await page.fill('#login', ready.demo_admin.login);
    await page.fill('#password', ready.demo_admin.password);
    await page.fill('#totp', totp(secret, Math.floor(Date.now() / 30_000)));
    await page.click('form button[type=submit]');
    await page.locator('header nav').waitFor();
    mkdirSync(join(SHOTS, 'en'), { recursive: true });

    // Published packs: both demo packs, signed, to every factory.
    await visit(page, '/content');
    const sections = page.locator('section.content-item');
    assert.equal(await sections.count(), 2);
    assert.deepEqual((await sections.locator('h2').allTextContents()).map(clean), ['Check-in', 'Your rights at work']);
    for (let index = 0; index < 2; index += 1) {
      const section = sections.nth(index);
      assert.equal(clean(await section.locator('.content-assigned').textContent()), 'Every factory');
      const cells = (await section.locator('tbody tr').first().locator('td').allTextContents()).map(clean);
      assert.equal(cells[0], '1');
      assert.match(cells[2] ?? '', /^[\d.]+ (kB|byte)/);
      assert.equal(cells[4], 'Signed');
    }

    // The schedule: wrong fields first, nothing sent.
    await visit(page, '/schedules');
    const key = `#schedule-${SURVEY}`;
    assert.equal(
      clean(await page.locator(`${key}-summary`).textContent()),
      'No schedule: open to every worker of the factories it is assigned to.',
    );
    await page.fill(`${key}-opens`, '2030-03-10');
    await page.fill(`${key}-closes`, '2030-03-01');
    await page.selectOption(`${key}-target`, 'after_event');
    await page.fill(`${key}-event`, '');
    await page.fill(`${key}-after`, '4000');
    await page.click(`${key}-save`);
    assert.equal(await fieldError(page, `${key}-closes`), 'The last day cannot come before the first day.');
    assert.equal(await fieldError(page, `${key}-event`), 'Enter an event kind of 1 to 64 characters.');
    assert.equal(await fieldError(page, `${key}-after`), 'Enter a whole number of days from 0 to 3,650.');
    assert.equal(await page.locator(`${key}-after`).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), `schedule-${SURVEY}-closes`);
    await page.screenshot({ path: join(SHOTS, 'en', 'schedules-errors.png'), fullPage: true });
    assert.deepEqual(posts, [], 'nothing is sent while a field is wrong');

    // A worker number the roster does not have: only the hub knows, and says no.
    await page.fill(`${key}-opens`, '');
    await page.fill(`${key}-closes`, '');
    await page.selectOption(`${key}-target`, 'workers');
    await page.selectOption(`${key}-factory`, ready.demo.factory_id);
    await page.fill(`${key}-workers`, '1001\n9999');
    await page.click(`${key}-save`);
    await page.locator(`${key}-refusal:not(:empty)`).waitFor();
    assert.match(clean(await page.locator(`${key}-refusal`).textContent()), /not on the roster/);
    assert.equal(posts.length, 1);

    // The audit follow-up: from day 5 after an audit, for 7 days.
    await page.selectOption(`${key}-target`, 'after_event');
    await page.fill(`${key}-event`, 'audit');
    await page.fill(`${key}-after`, '5');
    await page.fill(`${key}-open`, '7');
    await page.click(`${key}-save`);
    // "Schedule of … saved." (the refusal before it, "Nothing was saved …", says "saved" too).
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('Schedule of') === true);
    assert.equal(clean(await page.locator(`${key}-refusal`).textContent()), '');
    const expected =
      'The workers concerned by an event of kind “audit”, from 5 days after it for 7 days, with no opening or closing day.';
    assert.equal(clean(await page.locator(`${key}-summary`).textContent()), expected);
    await visit(page, '/schedules');
    assert.equal(clean(await page.locator(`${key}-summary`).textContent()), expected);
    assert.equal(await page.inputValue(`${key}-target`), 'after_event');
    assert.equal(await page.inputValue(`${key}-after`), '5');
    assert.equal(await page.inputValue(`${key}-open`), '7');
    const stored = (await (
      await fetch(`${ready.url}/admin/v1/surveys/${SURVEY}/schedule`, {
        headers: { Authorization: `Bearer ${ready.staff_token}` },
      })
    ).json()) as unknown;
    assert.deepEqual(stored, {
      survey_id: SURVEY,
      schedule: { target: { type: 'after_event', event: 'audit', after_days: 5, open_days: 7 } },
    });

    // Events: a missing field first, then an audit recorded by keyboard alone.
    await visit(page, '/events');
    assert.equal(
      clean(await page.locator('main p', { hasText: 'No event has been recorded.' }).textContent()),
      'No event has been recorded.',
    );
    await page.click('#event-save');
    assert.equal(await fieldError(page, '#event-factory'), 'Choose a factory.');
    assert.equal(await fieldError(page, '#event-day'), 'Enter a date.');
    assert.equal(await fieldError(page, '#event-workers'), 'Enter at least one worker number.');
    await page.screenshot({ path: join(SHOTS, 'en', 'events-errors.png'), fullPage: true });
    assert.equal(posts.filter((path) => path === '/admin/v1/events').length, 0);
    const audit = new Date(Date.UTC(2030, 2, 10));
    await page.focus('#event-factory');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('#event-factory'), ready.demo.factory_id);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'event-kind');
    assert.equal(await page.inputValue('#event-kind'), 'audit');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'event-day');
    await page.keyboard.type(`03102030`);
    assert.equal(await page.inputValue('#event-day'), dateValue(audit));
    // Tab walks the date's month, day and year fields before leaving it.
    for (let step = 0; step < 3 && (await page.evaluate(() => document.activeElement?.id)) === 'event-day'; step += 1) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'event-workers');
    await page.keyboard.type('1001\n1003');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'event-save');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('Recorded'));
    assert.equal(
      clean(await page.locator('.status').textContent()),
      `Recorded: audit at ${ready.demo.factory_name} on March 10, 2030, 2 workers.`,
    );
    await page.locator('main table').waitFor();
    assert.equal(clean(await page.locator('main table caption').textContent()), `Events at ${ready.demo.factory_name}`);
    const row = (await page.locator('main table tbody tr').first().locator('td').allTextContents()).map(clean);
    assert.deepEqual(
      [row[0], row[1], row[2], row[4]],
      ['March 10, 2030', 'audit', '2', 'Check-in opens on March 15, 2030'],
    );
    const text = (await page.locator('main').textContent()) ?? '';
    assert.ok(!['1001', '1003', 'Nguyễn', '李伟'].some((who) => text.includes(who)), 'the workers are not named');

    for (const lang of LANGS) {
      await switchLanguage(page, lang);
      mkdirSync(join(SHOTS, lang), { recursive: true });
      for (const name of ['content', 'schedules', 'events']) {
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
