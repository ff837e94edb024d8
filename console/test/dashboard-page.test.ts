// The rest of the dashboards, end to end (issue 14, ADR 0024): the demo hub,
// a worker's device (target/debug/wv-device, the core) reporting five cases
// of one category to the independent hotline. The hotline reader, in
// headless Chromium, counts categories by keyboard — the page opens each
// case with the reader's key and shows the suppressed table — and publishes
// it. The demo programme admin then reads the dashboard: the category
// counts "by a reader of Independent hotline", training completion and a
// published survey's group for the factory (written into the hub's database
// with `sqlite3`: no tool yet makes them through the API in a test), each
// with its CSV made in the page; a factory nothing was published for says
// so. No response the hub sent either browser holds a report's text.
// axe-core and screenshots (reader-category-counts.png, dashboard.png) in
// every language, en/tablet-dashboard.png.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { type Browser, type Page, chromium } from 'playwright-core';

import { fromBase32 } from '../src/base32.js';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SQLITE = process.env['SQLITE3_PATH'] ?? '/usr/bin/sqlite3';
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DEVICE = process.env['WV_DEVICE_BIN'] ?? fileURLToPath(new URL('target/debug/wv-device', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const PIN = '482913';
const REPORTS = 5;
const reportText = (n: number): string => `Wages were cut without notice on line ${n} (dashboard 5c0e-${n}).`;

interface Ready {
  url: string;
  demo_admin: { login: string; password: string; totp_secret_base32: string };
  demo: {
    factory_id: string;
    factory_name: string;
    personal_code: { qr_payload: string };
    programme_public_key: string;
    activation_codes: { worker_number: string; activation_code: string }[];
    handlers: { handler_id: string; route: string; password: string; name: string }[];
  };
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

/** Runs `wv-device` with lines on standard input; its JSON answer. */
function device(dir: string, key: string, args: string[], stdin: string[] = []): Record<string, unknown> {
  const run = spawnSync(
    DEVICE,
    ['--data-dir', dir, '--insecure-http-for-tests', '--json', `--programme-key=${key}`, ...args],
    { input: stdin.map((line) => `${line}\n`).join(''), encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 0, `wv-device ${args[0]}: ${run.stdout} ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
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

const clean = (text: string | null): string => (text ?? '').replace(/[\u2068\u2069]/g, '');

/** Records every response the hub sends a page. */
function record(page: Page, bodies: Promise<{ url: string; body: Buffer } | null>[]): void {
  page.on('response', (response) => {
    bodies.push(
      response
        .body()
        .then((body) => ({ url: response.url(), body }))
        .catch(() => null),
    );
  });
}

/** Downloads a CSV by clicking `selector`; its lines. */
async function csvLines(page: Page, selector: string): Promise<string[]> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const text = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  return text.trim().split('\r\n');
}

async function dashboard(page: Page): Promise<void> {
  await page.goto('/grievances');
  await page.locator('main h1').first().waitFor();
  await page.waitForSelector('table.category-counts', { timeout: 30_000 });
}

test('a reader publishes the categories counted in their browser and the programme admin reads them with training and surveys on the dashboard', async (t) => {
  if (![CHROMIUM, SQLITE, HUB, DEVICE, join(DIST, 'index.html')].every((path) => existsSync(path))) {
    t.skip(
      'needs Chromium, sqlite3, target/debug/workervoice-hub, target/debug/wv-device and console/dist (scripts/test-console builds them)',
    );
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-dashboard-page-'));
  const { hub, ready } = await startHub(dataRoot);
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const key = ready.demo.programme_public_key;
    const factory = ready.demo.factory_id;
    const phone = join(dataRoot, 'phone');
    const activation = ready.demo.activation_codes.find((code) => code.worker_number === '1001');
    assert.ok(activation !== undefined, 'the demo worker 1001 has an activation code');
    device(phone, key, ['enrol', ready.demo.personal_code.qr_payload]);
    device(phone, key, ['activate', '1001'], [activation.activation_code, PIN]);
    device(phone, key, ['sync']);
    for (let n = 0; n < REPORTS; n += 1) {
      device(
        phone,
        key,
        ['report', '--worker', '1001', '--category', 'wages', '--route', 'independent_hotline'],
        [PIN, reportText(n)],
      );
    }
    for (let round = 0; round < 5; round += 1) {
      if (device(phone, key, ['sync', '--force'])['pending'] === 0) break;
    }
    const db = join(dataRoot, 'data', 'hub.db');
    assert.equal(Number(sql(db, 'SELECT count(*) FROM cases;')), REPORTS, 'every report reached the hub');

    const bodies: Promise<{ url: string; body: Buffer } | null>[] = [];
    const hotline = ready.demo.handlers.find(
      (handler) => handler.route === 'independent_hotline' && !handler.name.includes('analyst'),
    );
    assert.ok(hotline !== undefined, 'the demo has a hotline reader');

    // The reader counts by keyboard: the table shown before anything is sent.
    const readerContext = await browser.newContext();
    const reader = await readerContext.newPage();
    record(reader, bodies);
    const posts: string[] = [];
    reader.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/handler/v1/category-counts')) {
        posts.push(request.postData() ?? '');
      }
    });
    await reader.goto(`${ready.url}/reader/sign-in?handler=${encodeURIComponent(hotline.handler_id)}`);
    await reader.fill('#reader-password', hotline.password);
    await reader.click('button[type=submit]');
    await reader.waitForSelector('#reader-home-title', { timeout: 60_000 });
    await reader.waitForSelector('#category-count', { timeout: 10_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}: ${clean(await reader.textContent('body'))}`);
    });
    await reader.focus('#category-count');
    await reader.keyboard.press('Enter');
    await reader.waitForSelector('#category-table', { timeout: 60_000 });
    assert.match(clean(await reader.textContent('#category-status')), /5 cases counted/);
    const row = (await reader.locator('#category-table tbody tr').first().locator('th, td').allTextContents()).map(
      clean,
    );
    const monthShown = new Date().toLocaleDateString('en', { year: 'numeric', month: 'long', timeZone: 'UTC' });
    assert.deepEqual(row.slice(0, 3), [factory, monthShown, '5']);
    assert.equal(row[3], 'Wages and pay: 5');
    assert.deepEqual(posts, [], 'nothing is sent before the reader publishes');
    for (const lang of LANGS) {
      await switchLanguage(reader, lang);
      await reader.waitForSelector('#category-table');
      await checkDirection(reader, lang, 'reader home with category counts');
      await accessible(reader, `${lang} reader home with category counts`);
      if (lang !== 'en') {
        assert.doesNotMatch(
          clean(await reader.textContent('#category-status')),
          /cases counted/,
          'said in the language shown',
        );
      }
      mkdirSync(join(SHOTS, lang), { recursive: true });
      await reader.screenshot({ path: join(SHOTS, lang, 'reader-category-counts.png'), fullPage: true });
    }
    await switchLanguage(reader, 'en');
    await reader.waitForSelector('#category-publish');
    await reader.focus('#category-publish');
    await reader.keyboard.press('Enter');
    await reader.waitForFunction(() =>
      (document.getElementById('category-status')?.textContent ?? '').includes('Published'),
    );
    assert.equal(posts.length, 1);
    const sent = JSON.parse(posts[0] ?? '{}') as { rows: unknown[] };
    assert.deepEqual(sent.rows, [
      {
        factory_id: factory,
        month: new Date().toISOString().slice(0, 7),
        total: 5,
        categories: [{ category_id: 'wages', count: 5 }],
      },
    ]);
    for (const text of Array.from({ length: REPORTS }, (_, n) => reportText(n))) {
      assert.ok(!(posts[0] ?? '').includes(text));
    }
    await readerContext.close();

    // Training and a survey's aggregates for the demo factory (metadata the hub already holds).
    sql(
      db,
      `INSERT INTO progress_events (worker_id, event_id, module_id, module_version, at, event, earned, device_id, received_at)
         SELECT id, 'event-' || id, 'fire-safety', 1, 0, '{}', '{"activities":[],"counts_for_streak":false}', 'device', 0
         FROM workers WHERE factory_id = '${factory}';`,
    );
    const started = Number(sql(db, `SELECT count(*) FROM workers WHERE factory_id = '${factory}';`));
    const survey = {
      survey_id: 'wellbeing-checkin',
      groups: [
        { factory_id: null, respondents: 9, questions: [] },
        {
          factory_id: factory,
          respondents: 6,
          questions: [
            {
              question_id: 'interviewed',
              label: 'Did an auditor talk to you?',
              answered: 6,
              counts: [{ value: 'yes', label: 'Yes', count: 6 }],
            },
            { question_id: 'safe', label: 'Do you feel safe?', answered: null, counts: [] },
          ],
        },
      ],
    };
    sql(
      db,
      `INSERT INTO survey_aggregates (survey_id, body, published_by, published_at)
         VALUES ('wellbeing-checkin', CAST('${JSON.stringify(survey)}' AS BLOB), 'analyst', ${Math.floor(Date.now() / 1000)});`,
    );

    // The programme admin's dashboard.
    const context = await browser.newContext({ baseURL: ready.url, acceptDownloads: true });
    const page = await context.newPage();
    record(page, bodies);
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
    await dashboard(page);
    const section = page.locator(`section[aria-labelledby="grievances-${factory}"]`);
    const counts = (
      await section.locator('table.category-counts tbody tr').first().locator('th, td').allTextContents()
    ).map(clean);
    assert.equal(counts[1], '5');
    assert.equal(counts[2], '5');
    assert.match(counts[3] ?? '', /^By a reader of Independent hotline on /);
    assert.match(
      clean(await section.locator('table.category-counts caption').textContent()),
      /counted by Independent hotline/,
    );
    assert.match(clean(await section.locator('table.category-counts thead').textContent()), /Wages and pay/);
    const training = (
      await section.locator('table.training-report tbody tr').first().locator('th, td').allTextContents()
    ).map(clean);
    const shownStarted = started >= 5 ? String(started) : 'fewer than 5';
    assert.deepEqual(training, ['fire-safety', shownStarted, started >= 5 ? '0' : 'fewer than 5']);
    const surveyText = clean(await section.locator('table.survey-aggregates').textContent());
    assert.match(surveyText, /wellbeing-checkin: 6 respondents/);
    assert.match(surveyText, /Yes: 6/);
    assert.match(surveyText, /Do you feel safe\?fewer than 5/);
    assert.ok(!surveyText.includes('9'), 'the programme-wide group is not served to a factory');

    // The CSVs, made in the page.
    const categories = await csvLines(page, '#categories-download');
    assert.equal(categories[0], 'factory_id,factory_name,route,month,category_id,cases,published_on');
    assert.match(categories[1] ?? '', /,independent_hotline,\d{4}-\d{2},total,5,\d{4}-\d{2}-\d{2}$/);
    assert.match(categories[2] ?? '', /,independent_hotline,\d{4}-\d{2},"wages",5,/);
    const trainingCsv = await csvLines(page, '#training-download');
    assert.equal(trainingCsv[0], 'factory_id,factory_name,module_id,workers_started,workers_passed');
    assert.match(trainingCsv[1] ?? '', /,"fire-safety",/);
    const surveysCsv = await csvLines(page, '#surveys-download');
    assert.match(surveysCsv.find((line) => line.includes('"safe"')) ?? '', /,suppressed,,,$/);
    assert.match(
      surveysCsv.find((line) => line.includes('"yes"')) ?? '',
      /,6,"interviewed","Did an auditor talk to you\?",6,"yes","Yes",6$/,
    );

    for (const lang of LANGS) {
      await switchLanguage(page, lang);
      await dashboard(page);
      await checkDirection(page, lang, 'dashboard');
      await accessible(page, `${lang} dashboard`);
      mkdirSync(join(SHOTS, lang), { recursive: true });
      await page.screenshot({ path: join(SHOTS, lang, 'dashboard.png'), fullPage: true });
    }
    // At tablet width, in English, as the other pages (tables scroll inside their box).
    await switchLanguage(page, 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.setViewportSize({ width: 820, height: 1180 });
    await dashboard(page);
    await page.screenshot({ path: join(SHOTS, 'en', 'tablet-dashboard.png'), fullPage: true });
    assert.deepEqual(cspViolations, []);
    await context.close();

    const received = (await Promise.all(bodies)).filter(
      (entry): entry is { url: string; body: Buffer } => entry !== null && entry.url.startsWith(ready.url),
    );
    assert.ok(
      received.some((entry) => entry.url.includes('/category-counts')),
      'the dashboard read the counts',
    );
    for (const entry of received) {
      for (let n = 0; n < REPORTS; n += 1) {
        assert.ok(!entry.body.includes(Buffer.from(reportText(n))), `a report in clear in ${entry.url}`);
      }
    }
  } finally {
    await browser?.close();
    hub.kill();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
