// The case page end to end, device to browser and back: a real hub (demo
// programme, fresh data directory, 127.0.0.1) serves the built console; a
// worker's device (`wv-device`, the core through the app's own API) enrols,
// reports with a photo and a call-back request, and follows up; the demo
// hotline reader signs in in headless Chromium, opens the case from the inbox
// by keyboard, sees the report and the photo, replies, adds an internal note
// and changes the status; the device then reads the reply (and no note).
// Every response the hub sent the page is recorded: none holds the report,
// the worker's follow-up, the reply, the note, the phone number or the photo
// in plaintext. axe-core in every language; screenshots as
// target/screenshots/console/<lang>/reader-case.png and
// en/reader-case-print.png (print media).

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';

import { type Page, chromium } from 'playwright-core';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DEVICE = process.env['WV_DEVICE_BIN'] ?? fileURLToPath(new URL('target/debug/wv-device', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');

const PIN = '482913';
const REPORT_TEXT = 'Overtime on Sundays was not paid in March (report 5f2c-e1).';
const FOLLOW_UP_TEXT = 'The line leader said the pay slip is wrong on purpose (worker 9b1d).';
const REPLY_TEXT = 'Thank you. We will call you on Friday after 6 pm (reply 77ad).';
const NOTE_TEXT = 'Ask payroll for March time sheets first (note 3c90).';
const PHONE = '+84 912 345 678';

interface Ready {
  url: string;
  demo: {
    personal_code: { qr_payload: string };
    programme_public_key: string;
    activation_codes: { worker_number: string; activation_code: string }[];
    handlers: { handler_id: string; route: string; password: string }[];
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

/** A 96×64 PNG of random pixels: distinctive bytes to look for in every response. */
function noisyPng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(96, 0);
  header.writeUInt32BE(64, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.concat(Array.from({ length: 64 }, () => Buffer.concat([Buffer.from([0]), randomBytes(96 * 3)])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Runs `wv-device` with lines on standard input; its JSON answer. */
function device(dir: string, key: string, args: string[], stdin: string[] = []): Record<string, unknown> {
  const run = spawnSync(
    DEVICE,
    // `=` keeps a key that starts with `-` from reading as a flag.
    ['--data-dir', dir, '--insecure-http-for-tests', '--json', `--programme-key=${key}`, ...args],
    { input: stdin.map((line) => `${line}\n`).join(''), encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 0, `wv-device ${args[0]}: ${run.stdout} ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** Waits for `predicate` in the page; on a time-out, fails with what the page announced. */
async function until(page: Page, what: string, predicate: (arg: string) => boolean, arg = ''): Promise<void> {
  try {
    await page.waitForFunction(predicate, arg, { timeout: 30_000 });
  } catch (error) {
    const said = await page.textContent('#case-announce').catch(() => null);
    assert.fail(`${what}: the page said ${JSON.stringify(said)} (${String(error)})`);
  }
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

test('a report with a photo from a device opens, is answered and noted in the browser, and the hub never serves it in clear', async (t) => {
  if (![CHROMIUM, HUB, DEVICE, join(DIST, 'index.html')].every((path) => existsSync(path))) {
    t.skip(
      'needs Chromium, target/debug/workervoice-hub, target/debug/wv-device and console/dist (scripts/test-console builds them)',
    );
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-case-page-'));
  const { hub, ready } = await startHub(dataRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    // The worker's phone: enrol, activate, report with a photo and a call-back request, send.
    const key = ready.demo.programme_public_key;
    const phone = join(dataRoot, 'phone');
    const photo = noisyPng();
    const photoPath = join(dataRoot, 'photo.png');
    writeFileSync(photoPath, photo);
    // A "photo" whose type could carry script: offered for download only, never rendered.
    const svgPath = join(dataRoot, 'drawing.svg');
    writeFileSync(svgPath, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    // A voice note: played by an <audio> element (these bytes are not real Ogg; the control is what counts).
    const voicePath = join(dataRoot, 'voice.ogg');
    writeFileSync(voicePath, randomBytes(2048));
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
        'independent_hotline',
        '--attach',
        `photo:image/png:${photoPath}`,
        '--attach',
        `voice:audio/ogg:${voicePath}`,
        '--attach',
        `photo:image/svg+xml:${svgPath}`,
        '--callback-phone',
        PHONE,
        '--callback-time',
        'after 6 pm',
        '--callback-language',
        'vi',
      ],
      [PIN, REPORT_TEXT],
    );
    const caseId = String(receipt['case_id']);
    const secret = String(receipt['receipt_secret']);
    for (let round = 0; round < 5; round += 1) {
      if (device(phone, key, ['sync', '--force'])['pending'] === 0) break;
    }
    device(phone, key, ['reply', caseId], [secret, FOLLOW_UP_TEXT]);

    // The hotline reader, in the browser.
    const reader = ready.demo.handlers.find((handler) => handler.route === 'independent_hotline');
    assert.ok(reader !== undefined, 'the demo has a hotline reader');
    const context = await browser.newContext();
    const page = await context.newPage();
    const bodies: Promise<{ url: string; body: Buffer } | null>[] = [];
    page.on('response', (response) => {
      bodies.push(
        response
          .body()
          .then((body) => ({ url: response.url(), body }))
          .catch(() => null),
      );
    });
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });

    await page.goto(`${ready.url}/reader/sign-in?handler=${encodeURIComponent(reader.handler_id)}`);
    await page.fill('#reader-password', reader.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#reader-home-title', { timeout: 60_000 });

    // Open the case from the inbox with the keyboard.
    const link = page.locator('a.case-link', { hasText: caseId });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#case-text', { timeout: 60_000 });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'case-title', 'focus is on the case title');
    assert.match(page.url(), new RegExp(`/reader/cases/${caseId}$`));
    assert.equal(await page.textContent('#case-text'), REPORT_TEXT);
    assert.equal(await page.textContent('#case-category'), 'Wages and pay');
    assert.match((await page.textContent('#case-reporter')) ?? '', /Nguyễn Thị Lan.*1001/);
    const callback = (await page.textContent('#case-callback')) ?? '';
    assert.ok(callback.includes(PHONE) && callback.includes('after 6 pm'), `call-back shown: ${callback}`);
    assert.ok(
      ((await page.textContent('#case-events')) ?? '').includes(FOLLOW_UP_TEXT),
      'the worker’s follow-up is shown',
    );

    // The photo, opened here and shown from a blob: URL.
    await page.waitForSelector('img.case-photo');
    const image = await page.$eval('img.case-photo', async (img) => {
      const element = img as HTMLImageElement;
      await element.decode();
      return { src: element.src, width: element.naturalWidth, height: element.naturalHeight };
    });
    assert.ok(image.src.startsWith('blob:'), `the photo is a blob: URL (${image.src})`);
    assert.deepEqual([image.width, image.height], [96, 64], 'the photo decodes to its 96×64 pixels');
    await page.waitForSelector('.case-attachments audio');
    assert.match((await page.getAttribute('.case-attachments audio', 'src')) ?? '', /^blob:/, 'the voice note plays');
    const offered = page.locator('.case-attachments a[download]');
    await offered.waitFor();
    assert.equal(await page.locator('.case-attachments img').count(), 1, 'only the PNG is shown as an image');
    assert.match((await offered.getAttribute('href')) ?? '', /^blob:/);
    assert.match((await offered.textContent()) ?? '', /image\/svg\+xml/, 'the SVG is offered for download');
    const caseUrl = page.url();
    const [download] = await Promise.all([page.waitForEvent('download'), offered.click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^${caseId}-3\\.bin$`));
    const saved = await download.path();
    assert.equal(
      readFileSync(saved, 'utf8'),
      readFileSync(svgPath, 'utf8'),
      'the download is the SVG as the worker sent it',
    );
    assert.equal(page.url(), caseUrl, 'the SVG was saved, not opened as a page');

    // A reply sealed here.
    await page.fill('#case-reply-text', REPLY_TEXT);
    await page.click('#case-reply-send');
    await until(
      page,
      'the reply is shown',
      (text) => document.getElementById('case-events')?.textContent?.includes(text) === true,
      REPLY_TEXT,
    );
    assert.equal(await page.textContent('#case-announce'), 'Reply sent, sealed for the worker.');
    // An internal note sealed here to the route's readers.
    await page.fill('#case-note-text', NOTE_TEXT);
    await page.click('#case-note-add');
    await until(
      page,
      'the note is shown',
      (text) => document.getElementById('case-notes')?.textContent?.includes(text) === true,
      NOTE_TEXT,
    );
    // The status.
    await page.selectOption('#case-status-choice', 'investigating');
    await page.click('#case-status-set');
    await until(
      page,
      'the new status is shown',
      () => document.getElementById('case-status')?.textContent === 'Investigating',
    );
    await until(page, 'the audit timeline has the reply, note and status', () => {
      // Fluent wraps placeables in Unicode isolates (U+2068…U+2069).
      const audit = (document.getElementById('case-audit')?.textContent ?? '').replace(/[\u2068\u2069]/g, '');
      return ['Reply', 'Note added', 'Status changed to Investigating'].every((entry) => audit.includes(entry));
    });
    // Escalation: the one route the worker allowed holds it, nothing escalated or overdue, nothing to hand over to.
    await until(page, 'the escalation section is filled', () =>
      (document.getElementById('case-routes')?.textContent ?? '').includes('holds the case now'),
    );
    const escalation = ((await page.textContent('#case-escalation')) ?? '').replace(/[\u2068\u2069]/g, '');
    assert.match(escalation, /Independent hotline \(holds the case now\)/);
    assert.match(escalation, /The case has not been escalated\./);
    assert.match(escalation, /Nothing is overdue\./);
    assert.match(escalation, /This is the last route the worker allowed\./);
    assert.equal(await page.locator('#case-escalate').count(), 0, 'no route to hand over to');

    // Every language: axe and a screenshot; what was opened survives the language switch.
    for (const lang of LANGS) {
      await switchLanguage(page, lang);
      assert.equal(await page.textContent('#case-text'), REPORT_TEXT, `${lang}: the report is still shown`);
      await page.waitForSelector('img.case-photo');
      await checkDirection(page, lang, 'case page');
      await accessible(page, `${lang} case page`);
      const dir = join(SHOTS, lang);
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'reader-case.png'), fullPage: true });
    }
    // The printable view right to left (the loop ends in Arabic): the section titles stay at the right.
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      // The heading's text, not its box (a block spans the width either way).
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('case-audit-title') ?? document.body);
      const text = range.getBoundingClientRect();
      return { left: text.left, right: text.right, width: document.documentElement.clientWidth };
    });
    assert.ok(
      printed.left > printed.width / 2 && printed.width - printed.right < 60,
      `the Arabic print is right to left: ${JSON.stringify(printed)}`,
    );
    await page.screenshot({ path: join(SHOTS, 'ar', 'reader-case-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await switchLanguage(page, 'en');
    // The printable view: the forms and buttons go, the case stays.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.isVisible('#case-text'), 'print shows the report');
    assert.ok(await page.isVisible('#case-audit-title'), 'print shows the section titles');
    assert.ok(!(await page.isVisible('#case-reply-send')), 'print hides the reply form');
    assert.ok(!(await page.isVisible('#case-print')), 'print hides the buttons');
    await page.screenshot({ path: join(SHOTS, 'en', 'reader-case-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // Leaving clears the page and revokes the photo's URL.
    await page.click('#case-back');
    await page.waitForSelector('#reader-home-title');
    assert.ok(!((await page.textContent('body')) ?? '').includes(REPORT_TEXT), 'the inbox no longer holds the report');
    const revoked = await page.evaluate(
      (src) =>
        new Promise<boolean>((resolve) => {
          const probe = new Image();
          probe.onload = () => resolve(false);
          probe.onerror = () => resolve(true);
          probe.src = src;
        }),
      image.src,
    );
    assert.ok(revoked, 'the photo’s object URL was revoked on leaving');
    // Signing out from the case page clears it too.
    await page.locator('a.case-link', { hasText: caseId }).click();
    await page.waitForSelector('#case-text');
    await page.click('#case-sign-out');
    await page.waitForURL(/\/reader\/sign-in\?reason=signed-out/);
    await page.waitForSelector('#reader-sign-in-title');
    assert.ok(!((await page.textContent('body')) ?? '').includes(REPORT_TEXT));

    // (1) The worker's device reads the reply and the new status, and never the note.
    const thread = device(phone, key, ['follow-up', caseId], [secret]);
    const messages = thread['messages'] as { author: string | null; text: string | null; status: string | null }[];
    assert.ok(
      messages.some((message) => message.author === 'Handler' && message.text === REPLY_TEXT),
      `the device opened the reply: ${JSON.stringify(thread)}`,
    );
    assert.ok(
      messages.some((message) => message.status === 'Investigating'),
      'the device sees the status',
    );
    assert.ok(!JSON.stringify(thread).includes(NOTE_TEXT), 'the worker never receives the note');

    // (2) No response the hub sent the page holds any of it in clear.
    const received = (await Promise.all(bodies)).filter(
      (entry): entry is { url: string; body: Buffer } => entry !== null && entry.url.startsWith(ready.url),
    );
    assert.ok(
      received.some((entry) => entry.url.endsWith(`/handler/v1/cases/${caseId}`)),
      'the page fetched the sealed case',
    );
    assert.ok(
      received.some((entry) => entry.url.includes('/attachments/')),
      'the page fetched the sealed photo',
    );
    const needles: [string, Buffer][] = [
      ['report', Buffer.from(REPORT_TEXT)],
      ['follow-up', Buffer.from(FOLLOW_UP_TEXT)],
      ['reply', Buffer.from(REPLY_TEXT)],
      ['note', Buffer.from(NOTE_TEXT)],
      ['phone', Buffer.from(PHONE)],
      ['photo', photo.subarray(photo.length / 2 - 24, photo.length / 2 + 24)],
    ];
    for (const entry of received) {
      for (const [what, needle] of needles) {
        assert.ok(!entry.body.includes(needle), `the ${what} in clear in ${entry.url}`);
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
