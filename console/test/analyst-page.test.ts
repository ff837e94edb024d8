// The analyst's survey results end to end: a real hub (demo programme, fresh
// data directory, 127.0.0.1) serves the built console; survey responses
// sealed to the demo analyst's public key (as a device seals them:
// FORMATS.md, HPKE-wrapped content key, envelope bound to the clear fields)
// are written into the hub's database — the device's path to them needs a
// one-time survey token per worker, which no command-line tool offers yet —
// for three factories, one of them too small to show. The analyst signs in
// in headless Chromium, opens the results, sees the bar charts, the small
// factory (and the one that would give it away) and a question too few
// answered shown as "fewer than 5", downloads the CSV made in the page,
// sees the hub refuse a tampered aggregate and accept the page's own.
// Every response the hub sent the page is recorded: none holds an answer in
// clear. axe-core in every language; screenshots as
// target/screenshots/console/<lang>/analyst.png. Cost: one hub start and one
// browser, about 10 s.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { type Locator, type Page, chromium } from 'playwright-core';

import { fromHex, toBase64Url, toHex, utf8 } from '../src/crypto/bytes.js';
import { responseAad, responseHpkeInfo, sealEnvelope } from '../src/crypto/envelope.js';
import { sealBase } from '../src/crypto/hpke.js';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SQLITE = process.env['SQLITE3_PATH'] ?? '/usr/bin/sqlite3';
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const SURVEY = 'wellbeing-checkin';
const NORTH = 'analyst-test-north';
const SMALL = 'analyst-test-small';

interface Ready {
  url: string;
  demo: { factory_id: string; handlers: { handler_id: string; name: string; password: string }[] };
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

/** Runs SQL against the running hub's database (WAL: the hub keeps serving). */
function sql(db: string, statements: string): string {
  const run = spawnSync(SQLITE, ['-batch', db], {
    input: `.timeout 10000\n${statements}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `sqlite3: ${run.stderr}`);
  return run.stdout.trim();
}

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** One response as a device seals it: the content key wrapped to the analyst, the answers under it. */
async function sealedRow(
  analystPublicKey: Uint8Array,
  analystKeyId: string,
  version: number,
  factoryId: string,
  answers: Record<string, { type: string; value: unknown }>,
): Promise<{ row: string; plaintext: string }> {
  const responseId = randomUUID();
  const plaintext = JSON.stringify({ survey_id: SURVEY, version, answers, language: 'vi' });
  const key = new Uint8Array(randomBytes(32));
  const sealed = sealEnvelope(key, responseAad(responseId, SURVEY, version, factoryId), utf8(plaintext));
  const wrapped = await sealBase(analystPublicKey, responseHpkeInfo(responseId), utf8(responseId), key);
  const recipients = JSON.stringify([
    { handler_id: analystKeyId, enc: toBase64Url(wrapped.enc), wrapped_key: toBase64Url(wrapped.ciphertext) },
  ]);
  const row =
    `(${quote(responseId)}, ${quote(SURVEY)}, ${version}, ${quote(factoryId)}, X'${randomBytes(32).toString('hex')}', ` +
    `X'${toHex(utf8(recipients))}', X'${toHex(sealed)}', 20000)`;
  return { row, plaintext };
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

/** The text of an element with Fluent's Unicode isolates (U+2068…U+2069) taken out. */
async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').replace(/[\u2068\u2069]/g, '');
}

/** What a reader sees of a part of the page, isolates taken out. */
async function seen(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/[\u2068\u2069]/g, '');
}

test('an analyst sees survey results opened in the browser, small groups as fewer than 5, downloads CSV and publishes', async (t) => {
  if (![CHROMIUM, SQLITE, HUB, join(DIST, 'index.html')].every((path) => existsSync(path))) {
    t.skip('needs Chromium, sqlite3, target/debug/workervoice-hub and console/dist (scripts/test-console builds them)');
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-analyst-page-'));
  const { hub, ready } = await startHub(dataRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const analyst = ready.demo.handlers.find((handler) => handler.name === 'Demo survey analyst');
    assert.ok(analyst !== undefined, 'the demo has a survey analyst');
    const db = join(dataRoot, 'data', 'hub.db');
    const [keyId, publicHex] = sql(db, `SELECT key_id, hex(public_key) FROM handlers WHERE id = ${quote(analyst.handler_id)};`).split('|');
    assert.ok(keyId !== undefined && publicHex !== undefined, 'the analyst has a key');
    const version = Number(
      sql(db, `SELECT max(version) FROM content_manifests WHERE kind = 'survey' AND content_id = ${quote(SURVEY)};`),
    );
    assert.ok(version >= 1, 'the demo survey is published');

    // The demo factory: 8 people, 3 of whom were interviewed (so "treated worse" has 3 answers: hidden);
    // North: 6 (hidden too: it would give Small away); Small: 2 (hidden).
    const yesNo = (value: boolean) => ({ type: 'yes_no', value });
    const rating = (value: number) => ({ type: 'rating', value });
    const people: [string, Record<string, { type: string; value: unknown }>][] = [];
    for (let i = 0; i < 8; i += 1) {
      const interviewed = i < 3;
      people.push([
        ready.demo.factory_id,
        interviewed
          ? { interviewed: yesNo(true), punished: yesNo(i === 0), safe: rating(2 + i) }
          : { interviewed: yesNo(false), safe: rating(i % 2 === 0 ? 4 : 5) },
      ]);
    }
    for (let i = 0; i < 6; i += 1) {
      people.push([NORTH, i < 2 ? { interviewed: yesNo(true), punished: yesNo(true), safe: rating(1) } : { interviewed: yesNo(false), safe: rating(3) }]);
    }
    for (let i = 0; i < 2; i += 1) people.push([SMALL, { interviewed: yesNo(false), safe: rating(5) }]);
    const publicKey = fromHex(publicHex);
    const sealed = await Promise.all(
      people.map(([factory, answers]) => sealedRow(publicKey, keyId, version, factory, answers)),
    );
    sql(
      db,
      `BEGIN;
       INSERT INTO factories (id, name, self_registration, created_at) VALUES
         (${quote(NORTH)}, 'North Sewing', 0, 0), (${quote(SMALL)}, 'Small Workshop', 0, 0);
       INSERT INTO survey_responses (response_id, survey_id, version, factory_id, token_input, recipients, sealed, received_day)
       VALUES ${sealed.map((entry) => entry.row).join(',\n')};
       COMMIT;`,
    );

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const bodies: Promise<{ url: string; status: number; body: Buffer } | null>[] = [];
    page.on('response', (response) => {
      bodies.push(
        response
          .body()
          .then((body) => ({ url: response.url(), status: response.status(), body }))
          .catch(() => null),
      );
    });
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });

    await page.goto(`${ready.url}/reader/sign-in?handler=${encodeURIComponent(analyst.handler_id)}`);
    await page.fill('#reader-password', analyst.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#analyst-title', { timeout: 60_000 });
    assert.match(page.url(), /\/reader\/surveys$/);
    // The hub lists the surveys sealed to this analyst: no id to know.
    const row = page.locator('main table tr', { has: page.locator('code', { hasText: SURVEY }) });
    await row.waitFor({ timeout: 60_000 });
    const listed = (await seen(row)).split('\t').map((cell) => cell.trim());
    assert.deepEqual(listed.slice(0, 5), ['Check-in', SURVEY, String(version), 'Every factory', '16'], listed.join('|'));
    await accessible(page, 'the survey list');
    mkdirSync(join(SHOTS, 'en'), { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'en', 'analyst-surveys.png'), fullPage: true });
    await switchLanguage(page, 'ar');
    await row.waitFor();
    await checkDirection(page, 'ar', 'the survey list');
    await accessible(page, 'ar the survey list');
    mkdirSync(join(SHOTS, 'ar'), { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'ar', 'analyst-surveys.png'), fullPage: true });
    await switchLanguage(page, 'en');
    await row.waitFor();
    assert.equal(((await page.getAttribute(`#analyst-open-${SURVEY}`, 'aria-label')) ?? '').replace(/[\u2068\u2069]/g, ''), 'Open the results of Check-in');
    await page.click(`#analyst-open-${SURVEY}`);
    await page.waitForSelector('#analyst-results-title', { timeout: 60_000 });
    assert.equal(await text(page, '#analyst-message'), '16 responses opened in this browser.');

    // All factories: 16 people; the chart and its table for screen readers.
    const all = page.locator('section.analyst-group').first();
    assert.match(await seen(all), /All factories\s+16 respondents/);
    assert.ok((await all.locator('svg.analyst-chart rect').count()) >= 4, 'bars are drawn');
    assert.equal(
      (await all.locator('table.visually-hidden caption').first().textContent())?.replace(/[\u2068\u2069]/g, ''),
      'Did an auditor talk to you?: answers',
      'each chart has a data table for screen readers',
    );
    // "Were you treated worse" was answered by 5 overall: shown there, hidden in the demo factory (3).
    const groups = page.locator('section.analyst-group');
    assert.equal(await groups.count(), 4);
    const group = (factory: string) => groups.filter({ has: page.locator('h3', { hasText: factory }) });
    const demo = group(ready.demo.factory_id);
    assert.match(await seen(demo), /8 respondents/);
    assert.match(await seen(demo), /Were you treated worse after it\?\s+Fewer than 5 answered/);
    for (const [hidden, size] of [[NORTH, 6], [SMALL, 2]] as const) {
      const shown = await seen(group(hidden));
      assert.match(shown, /Fewer than 5 respondents/, `${hidden} is hidden`);
      assert.doesNotMatch(shown, new RegExp(`\\b${size}\\b`), `${hidden}: its size is not shown`);
    }

    // The factory filter shows one group.
    await page.selectOption('#analyst-factory', ready.demo.factory_id);
    assert.equal(await groups.count(), 1);
    await page.selectOption('#analyst-factory', '');

    // The CSV, made in the page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#analyst-download')]);
    assert.equal(download.suggestedFilename(), `survey-${SURVEY}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\uFEFFfactory_id,respondents,question_id,question,answered,value,label,count,mean\r\n'));
    assert.ok(csv.includes(`all,16,punished,Were you treated worse after it?,5,no,no,2,\r\n`), csv);
    assert.ok(csv.includes(`${ready.demo.factory_id},8,punished,Were you treated worse after it?,suppressed,,,,\r\n`), csv);
    assert.ok(csv.includes(`${NORTH},suppressed,,,,,,,\r\n`) && csv.includes(`${SMALL},suppressed,,,,,,,\r\n`), csv);
    assert.ok(!/analyst-test-small,2\b/.test(csv), 'the small factory’s size is nowhere');

    // A tampered aggregate (the small factory's 2 people shown) is refused by the hub, and the page says so.
    await page.route('**/aggregates', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { groups: { factory_id?: string; respondents: number | null }[] };
      for (const group of body.groups) if (group.factory_id === SMALL) group.respondents = 2;
      await route.continue({ postData: JSON.stringify(body) });
    });
    await page.click('#analyst-publish');
    await page.waitForSelector('#analyst-message[role=alert]');
    assert.match(await text(page, '#analyst-message'), /^The hub refused the aggregate: .*Nothing was published\.$/);
    await page.unroute('**/aggregates');
    await page.click('#analyst-publish');
    await page.waitForFunction(() => document.getElementById('analyst-message')?.textContent?.startsWith('Published.') === true);

    // Every language: axe and a screenshot.
    for (const lang of LANGS) {
      await switchLanguage(page, lang);
      await page.waitForSelector('section.analyst-group');
      await checkDirection(page, lang, 'analyst page');
      await accessible(page, `${lang} analyst page`);
      const dir = join(SHOTS, lang);
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'analyst.png'), fullPage: true });
    }
    await switchLanguage(page, 'en');

    // Signing out drops what was opened.
    await page.click('#analyst-sign-out');
    await page.waitForURL(/\/reader\/sign-in\?reason=signed-out/);
    assert.doesNotMatch((await page.textContent('body')) ?? '', /respondents/);

    // What the hub sent the page: the sealed responses, the refusal and the acceptance; never an answer in clear.
    const received = (await Promise.all(bodies)).filter(
      (entry): entry is { url: string; status: number; body: Buffer } => entry !== null && entry.url.startsWith(ready.url),
    );
    assert.ok(received.some((entry) => entry.url.endsWith(`/handler/v1/surveys/${SURVEY}/responses`) && entry.status === 200));
    const published = received.filter((entry) => entry.url.endsWith('/aggregates')).map((entry) => entry.status);
    assert.deepEqual(published, [400, 200], 'the tampered aggregate refused, the page’s accepted');
    for (const entry of received) {
      for (const { plaintext } of sealed) {
        assert.ok(!entry.body.includes(Buffer.from(plaintext)), `an answer in clear in ${entry.url}`);
      }
      // The console's own script names these too: only the API's answers are searched for them.
      if (!entry.url.includes('/handler/v1/')) continue;
      for (const needle of ['"yes_no"', '"rating"', '"answers"']) {
        assert.ok(!entry.body.includes(Buffer.from(needle)), `${needle} in clear in ${entry.url}`);
      }
    }
    assert.deepEqual(cspViolations, [], 'no CSP violation');
    await context.close();
  } finally {
    await browser.close();
    hub.kill();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
