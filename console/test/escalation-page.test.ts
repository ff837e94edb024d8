// Escalation by hand on the case page, end to end: the demo hub, a worker's
// device (target/debug/wv-device, the core) reporting to the factory
// committee and then the independent hotline. The committee reader, in
// headless Chromium, sees the routes in order (the committee holds the case)
// and hands the case over by keyboard (after confirming); the page then
// shows the case as the committee now sees it: the hotline holds it, the
// escalation by "you", nothing left to hand over. The hotline reader, in a
// browser of their own, finds it in the inbox and opens it with the key
// the device wrapped to them at the start (the hub holds none); the device
// sees the status "escalated". No response the hub sent either browser
// holds the report's text. axe-core in every language; screenshots as
// target/screenshots/console/<lang>/reader-case-escalation.png and
// en/reader-case-escalated.png.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { type Browser, type Page, chromium } from 'playwright-core';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DEVICE = process.env['WV_DEVICE_BIN'] ?? fileURLToPath(new URL('target/debug/wv-device', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const PIN = '482913';
const REPORT_TEXT = 'The committee chair threatened the night shift (report 8e1a-c4).';

interface Ready {
  url: string;
  demo: {
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

/** The text of a part of the page, Fluent's isolates taken out. */
async function seen(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').replace(/[\u2068\u2069]/g, '');
}

/** A reader's browser, signed in, with every response the hub sent it recorded. */
async function readerPage(
  browser: Browser,
  url: string,
  reader: { handler_id: string; password: string },
  bodies: Promise<{ url: string; body: Buffer } | null>[],
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('response', (response) => {
    bodies.push(
      response
        .body()
        .then((body) => ({ url: response.url(), body }))
        .catch(() => null),
    );
  });
  await page.goto(`${url}/reader/sign-in?handler=${encodeURIComponent(reader.handler_id)}`);
  await page.fill('#reader-password', reader.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('#reader-home-title', { timeout: 60_000 });
  return page;
}

test('a committee reader hands a case over to the next route the worker allowed, which opens it with its own key', async (t) => {
  if (![CHROMIUM, HUB, DEVICE, join(DIST, 'index.html')].every((path) => existsSync(path))) {
    t.skip(
      'needs Chromium, target/debug/workervoice-hub, target/debug/wv-device and console/dist (scripts/test-console builds them)',
    );
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-escalation-page-'));
  const { hub, ready } = await startHub(dataRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const key = ready.demo.programme_public_key;
    const phone = join(dataRoot, 'phone');
    const activation = ready.demo.activation_codes.find((code) => code.worker_number === '1001');
    assert.ok(activation !== undefined, 'the demo worker 1001 has an activation code');
    device(phone, key, ['enrol', ready.demo.personal_code.qr_payload]);
    device(phone, key, ['activate', '1001'], [activation.activation_code, PIN]);
    device(phone, key, ['sync']);
    const receipt = device(
      phone,
      key,
      [
        'report',
        '--worker',
        '1001',
        '--category',
        'wages',
        '--route',
        'factory_committee',
        '--route',
        'independent_hotline',
      ],
      [PIN, REPORT_TEXT],
    );
    const caseId = String(receipt['case_id']);
    const secret = String(receipt['receipt_secret']);
    for (let round = 0; round < 5; round += 1) {
      if (device(phone, key, ['sync', '--force'])['pending'] === 0) break;
    }

    const committee = ready.demo.handlers.find((handler) => handler.route === 'factory_committee');
    const hotline = ready.demo.handlers.find(
      (handler) => handler.route === 'independent_hotline' && !handler.name.includes('analyst'),
    );
    assert.ok(committee !== undefined && hotline !== undefined, 'the demo has a committee and a hotline reader');
    const bodies: Promise<{ url: string; body: Buffer } | null>[] = [];

    // The committee: the case, the routes in order, the hand-over offered.
    const page = await readerPage(browser, ready.url, committee, bodies);
    await page.locator('a.case-link', { hasText: caseId }).click();
    await page.waitForSelector('#case-text', { timeout: 60_000 });
    await page.waitForSelector('#case-escalate');
    assert.match(await seen(page, '#case-routes'), /Factory committee \(holds the case now\)\s*Independent hotline/);
    assert.match(await seen(page, '#case-escalations'), /has not been escalated/);
    assert.equal(await seen(page, '#case-escalate'), 'Hand over to Independent hotline');
    for (const lang of LANGS) {
      await switchLanguage(page, lang);
      await page.waitForSelector('#case-escalate');
      await checkDirection(page, lang, 'case page with escalation');
      await accessible(page, `${lang} case page with escalation`);
      mkdirSync(join(SHOTS, lang), { recursive: true });
      await page.screenshot({ path: join(SHOTS, lang, 'reader-case-escalation.png'), fullPage: true });
    }
    await switchLanguage(page, 'en');
    await page.waitForSelector('#case-escalate');

    // Hand over by keyboard; the page asks first.
    const dialogs: string[] = [];
    page.once('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await page.focus('#case-escalate');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        (document.getElementById('case-escalations')?.textContent ?? '').includes('Escalated to') &&
        document.getElementById('case-text') !== null,
      undefined,
      { timeout: 30_000 },
    );
    assert.match(dialogs[0] ?? '', /Hand this case over to .*Independent hotline/);
    assert.match(await seen(page, '#case-escalations'), /Escalated to Independent hotline on .* by You/);
    assert.match(await seen(page, '#case-routes'), /Independent hotline \(holds the case now\)/);
    assert.equal(await seen(page, '#case-status'), 'Escalated');
    assert.equal(await page.locator('#case-escalate').count(), 0, 'nothing left to hand over to');
    // The committee sees the case up to the hand-over, and is offered nothing the hub would refuse.
    assert.match(await seen(page, '#case-handed-over'), /only Independent hotline can reply/);
    for (const form of ['#case-reply-send', '#case-status-set', '#case-note-add']) {
      assert.equal(await page.locator(form).count(), 0, `${form} is not offered to the route the case left`);
    }
    await page.waitForFunction(() => (document.getElementById('case-announce')?.textContent ?? '').includes('handed over'));
    await page.screenshot({ path: join(SHOTS, 'en', 'reader-case-escalated.png'), fullPage: true });
    await page.context().close();

    // The hotline opens it with the key the device wrapped to it when it sealed the report.
    const second = await readerPage(browser, ready.url, hotline, bodies);
    await second.locator('a.case-link', { hasText: caseId }).click();
    await second.waitForSelector('#case-text', { timeout: 60_000 });
    assert.equal(await second.textContent('#case-text'), REPORT_TEXT);
    await second.waitForFunction(() =>
      (document.getElementById('case-escalations')?.textContent ?? '').includes('Escalated to'),
    );
    assert.match(await seen(second, '#case-escalations'), /Escalated to Independent hotline on .* by Reader /);
    assert.match(await seen(second, '#case-escalation'), /This is the last route the worker allowed\./);
    assert.equal(await second.locator('#case-reply-send').count(), 1, 'the hotline may reply');
    await second.context().close();

    // The worker's device sees where the case went.
    const thread = device(phone, key, ['follow-up', caseId], [secret]);
    const messages = thread['messages'] as { status: string | null }[];
    assert.ok(messages.some((message) => message.status === 'Escalated'), JSON.stringify(thread));

    const received = (await Promise.all(bodies)).filter(
      (entry): entry is { url: string; body: Buffer } => entry !== null && entry.url.startsWith(ready.url),
    );
    assert.ok(received.some((entry) => entry.url.endsWith('/escalate')), 'the page asked the hub to hand over');
    for (const entry of received) {
      assert.ok(!entry.body.includes(Buffer.from(REPORT_TEXT)), `the report in clear in ${entry.url}`);
    }
  } finally {
    await browser.close();
    hub.kill();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
