// The handlers' inbox end to end (issue 14, ADR 0020): a real hub (demo
// programme, fresh data directory, on 127.0.0.1, its calendar three days
// ahead so deadlines have passed) serves the built console. Two hotline
// readers are invited and accept from Node with the console's own code; the
// directory names them; 30 reports are sealed to the route here as a device
// would (HPKE to every reader of the route) in two categories. In headless
// Chromium the first reader sees the inbox paged by the hub, with deadlines
// and overdue badges (and, on a closed case, the day retention deletes it),
// filters it (status, overdue, category — opened in the
// browser —, new since the last visit), assigns a case to the second reader,
// who finds it under "assigned to me" in their own browser. No response the
// hub sent either browser holds a report's text. axe-core on the inbox in
// every language; screenshots as target/screenshots/console/<lang>/reader-inbox*.png.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { type Browser, type Page, chromium } from 'playwright-core';

import { concat, fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../src/crypto/bytes.js';
import { grievanceHpkeInfo, payloadAad, sealEnvelope } from '../src/crypto/envelope.js';
import { sealBase } from '../src/crypto/hpke.js';
import { acceptReaderInvitation, readerRequest, signInReader } from '../src/reader-session.js';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const PASSWORD = 'a long reader password for the inbox';
const REPORTS = 30;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

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
      // Deadlines are days long: the hub's calendar runs three days ahead instead of the test waiting.
      '--calendar-offset-days',
      '3',
      // Closed cases deleted 20 days after their last activity: the inbox says when, with a badge.
      '--retain-closed-cases-days',
      '20',
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

async function staff<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

interface Directory {
  version: number;
  routes: { route: string; recipients: { handler_id: string; public_key: string }[] }[];
  categories: { id: string }[];
}

async function directory(url: string): Promise<Directory> {
  const response = (await (await fetch(`${url}/v1/directory`)).json()) as { directory?: { body: string } };
  if (response.directory === undefined) throw new Error('no directory');
  return JSON.parse(fromUtf8(fromBase64Url(response.directory.body))) as Directory;
}

function random(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return bytes;
}

/** A report sealed to every reader of the hotline, framed as a device sends it. */
async function sealReport(
  dir: Directory,
  factoryId: string,
  categoryId: string,
  text: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const clientId = crypto.randomUUID();
  const symbols = Array.from(random(10), (byte) => CROCKFORD[byte % 32]).join('');
  const caseId = `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
  const contentKey = random(32);
  const hotline = dir.routes.filter((entry) => entry.route === 'independent_hotline');
  const recipients = [];
  for (const recipient of hotline.flatMap((entry) => entry.recipients)) {
    const sealed = await sealBase(
      fromBase64Url(recipient.public_key),
      grievanceHpkeInfo(clientId),
      utf8(caseId),
      contentKey,
    );
    recipients.push({
      handler_id: recipient.handler_id,
      enc: toBase64Url(sealed.enc),
      wrapped_key: toBase64Url(sealed.ciphertext),
    });
  }
  const content = {
    version: 1,
    category_id: categoryId,
    text,
    language: 'en',
    reply_key: toBase64Url(random(32)),
    attachments: [],
    created_at: Math.floor(Date.now() / 1000),
  };
  const payload = sealEnvelope(contentKey, payloadAad(clientId, caseId), utf8(JSON.stringify(content)));
  const header = utf8(
    JSON.stringify({
      client_id: clientId,
      case_id: caseId,
      factory_id: factoryId,
      routes: ['independent_hotline'],
      directory_version: dir.version,
      recipients,
      receipt_verifier: toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', random(16)))),
      attachments: [],
    }),
  );
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.length, false);
  return concat(utf8('WVS1'), length, header, payload);
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

async function everyLanguage(page: Page, name: string): Promise<void> {
  for (const lang of LANGS) {
    await switchLanguage(page, lang);
    await page.waitForSelector('.inbox-table, #reader-inbox-empty');
    await checkDirection(page, lang, name);
    await accessible(page, `${lang} ${name}`);
    const dir = join(SHOTS, lang);
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }
  await switchLanguage(page, 'en');
}

/** Signs a reader in in a new browser context; every response body the hub sends it is kept in `bodies`. */
async function signIn(browser: Browser, url: string, handlerId: string, bodies: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.on('response', (response) => {
    void response
      .text()
      .then((text) => bodies.push(text))
      .catch(() => undefined);
  });
  await page.goto(`${url}/reader/sign-in?handler=${encodeURIComponent(handlerId)}`);
  await page.fill('#reader-password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('#inbox-title', { timeout: 60_000 });
  await page.waitForSelector('.inbox-table, #reader-inbox-empty', { timeout: 60_000 });
  return page;
}

const rows = async (page: Page): Promise<number> => page.locator('.inbox-table tbody tr').count();

/** The text of `selector` without Fluent's bidi isolation marks around placeables. */
async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').replace(/[\u2068\u2069]/g, '');
}

/**
 * Waits until the pager says `page of pages` and that page's cases are drawn
 * (the pager changes first, while the list still says it is loading).
 */
async function onPage(page: Page, label: string): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      document
        .querySelector('#inbox-page')
        ?.textContent?.replace(/[\u2068\u2069]/g, '')
        .includes(wanted) === true && document.querySelector('.inbox-list [role=status]:not(.status)') === null,
    label,
  );
}

/** Applies the filters as set and waits for the list to be drawn again. */
async function apply(page: Page): Promise<void> {
  const before = await page.textContent('.inbox-list');
  await page.click('#inbox-apply');
  await page.waitForFunction((old) => {
    const list = document.querySelector('.inbox-list');
    return list !== null && list.textContent !== old && list.querySelector('[role=status]:not(.status)') === null;
  }, before);
}

test('a handler filters, pages and assigns in the inbox, the hub filtering everything but the sealed category', async (t) => {
  if (!existsSync(CHROMIUM) || !existsSync(HUB) || !existsSync(join(DIST, 'index.html'))) {
    t.skip('needs Chromium, target/debug/workervoice-hub and console/dist (scripts/test-console builds them)');
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-inbox-pages-'));
  const { hub, url, staffToken } = await startHub(dataRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const readers = [];
    for (const name of ['Inbox reader', 'Second reader']) {
      const invitation = await staff<{ handler_id: string; invitation_token: string }>(
        url,
        staffToken,
        'POST',
        '/admin/v1/readers/invitations',
        { name, route: 'independent_hotline' },
      );
      const account = await acceptReaderInvitation(
        { base: url },
        invitation.handler_id,
        invitation.invitation_token,
        PASSWORD,
      );
      readers.push(account);
    }
    const [first, second] = readers;
    if (first === undefined || second === undefined) throw new Error('two readers');
    await staff(url, staffToken, 'POST', '/admin/v1/directory/propose', {});
    let dir = await directory(url);
    for (let tries = 0; !JSON.stringify(dir).includes(second.key_id) && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      dir = await directory(url);
    }
    assert.ok(JSON.stringify(dir).includes(second.key_id), 'the directory names both readers');
    // The route's deadlines: acknowledge in a day, reply in 30; the calendar is 3 days on.
    await staff(url, staffToken, 'POST', '/admin/v1/deadlines/independent_hotline', {
      acknowledge_days: 1,
      respond_days: 30,
    });
    const factories = await staff<{ id: string }[]>(url, staffToken, 'GET', '/admin/v1/factories');
    const factoryId = factories[0]?.id ?? '';
    const [wages, other] = dir.categories.map((category) => category.id);
    if (wages === undefined || other === undefined) throw new Error('two categories');
    const texts: string[] = [];
    for (let n = 0; n < REPORTS; n++) {
      const text = `INBOX-SECRET report number ${n}`;
      texts.push(text);
      const framed = await sealReport(dir, factoryId, n % 3 === 0 ? wages : other, text);
      const response = await fetch(`${url}/v1/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.workervoice.submission' },
        body: framed,
      });
      assert.equal(response.status, 200, await response.text());
    }
    // Three acknowledged through the API by the first reader: no longer overdue; a fourth closed.
    const session = await signInReader({ base: url }, first.handler_id, PASSWORD, null);
    const listed = await readerRequest<{ case_id: string }[]>(
      { base: url },
      'GET',
      '/handler/v1/cases?limit=4',
      undefined,
      session.token,
    );
    for (const [index, entry] of listed.entries()) {
      await readerRequest(
        { base: url },
        'POST',
        `/handler/v1/cases/${entry.case_id}/status`,
        { status: index < 3 ? 'acknowledged' : 'closed' },
        session.token,
      );
    }

    const bodies: string[] = [];
    const page = await signIn(browser, url, first.handler_id, bodies);
    // Paged by the hub: 25 of 30, page 1 of 2; everything new at a first visit; the overdue marked.
    assert.equal(await rows(page), 25);
    assert.match(await text(page, 'caption'), /30/);
    assert.match(await text(page, '#inbox-page'), /1 of 2/);
    assert.equal(await page.locator('.inbox-table .badge.new').count(), 25);
    assert.ok((await page.locator('.inbox-table .badge.overdue').count()) >= 22, 'unacknowledged cases are overdue');
    await everyLanguage(page, 'reader-inbox');
    await page.click('#inbox-next');
    await onPage(page, '2 of 2');
    assert.equal(await rows(page), 5);
    assert.ok(await page.isDisabled('#inbox-next'));
    await page.click('#inbox-previous');
    await onPage(page, '1 of 2');

    // Status: the three acknowledged, none overdue (a reply is due in 30 days).
    await page.selectOption('#reader-status-filter', 'acknowledged');
    await apply(page);
    assert.equal(await rows(page), 3);
    assert.equal(await page.locator('.inbox-table td .badge.overdue').count(), 0);
    // The closed one says the day retention deletes it, and that it is soon.
    await page.selectOption('#reader-status-filter', 'closed');
    await apply(page);
    assert.equal(await rows(page), 1);
    assert.match(await text(page, '.inbox-table tbody'), /Deleted on /);
    assert.equal(await page.locator('.inbox-table .badge.expires').count(), 1);
    await page.screenshot({ path: join(SHOTS, 'en', 'reader-inbox-closed.png'), fullPage: true });
    // Overdue only: the other 26 (closed is never overdue), over two pages.
    await page.selectOption('#reader-status-filter', '');
    await page.check('#inbox-overdue');
    await apply(page);
    assert.match(await text(page, 'caption'), /26/);
    await page.uncheck('#inbox-overdue');
    // Category, opened in the browser: a third of the first page is about wages.
    await page.selectOption('#inbox-category', wages);
    await apply(page);
    const wagesRows = await rows(page);
    assert.ok(wagesRows >= 6 && wagesRows <= 10, `${wagesRows} wage reports on a page of 25`);
    await page.screenshot({ path: join(SHOTS, 'en', 'reader-inbox-category.png'), fullPage: true });
    await page.selectOption('#inbox-category', '');
    await apply(page);

    // Assign the first case to the second reader.
    const firstCase = ((await page.textContent('.inbox-table tbody tr td .code')) ?? '').slice(0, 11);
    await page.selectOption(`#assign-${firstCase}`, second.key_id);
    await page.click(`#assign-${firstCase}-save`);
    await page.waitForSelector('.inbox-list .status:not(:empty)');
    const row = page.locator('.inbox-table tbody tr', { hasText: firstCase });
    assert.match((await row.textContent()) ?? '', /Second reader/);
    await page.screenshot({ path: join(SHOTS, 'en', 'reader-inbox-assigned.png'), fullPage: true });

    const secondBodies: string[] = [];
    const colleague = await signIn(browser, url, second.handler_id, secondBodies);
    await colleague.check('#inbox-mine');
    await apply(colleague);
    assert.equal(await rows(colleague), 1);
    assert.match((await colleague.textContent('.inbox-table tbody')) ?? '', new RegExp(firstCase));
    await accessible(colleague, 'assigned to me');
    await colleague.screenshot({ path: join(SHOTS, 'en', 'reader-inbox-assigned-to-me.png'), fullPage: true });

    // New since the last visit: at a first visit, everything (later visits: hub/tests/inbox.rs, which moves the clock).
    await page.check('#inbox-new');
    await apply(page);
    assert.match(await text(page, 'caption'), /30/);

    for (const body of [...bodies, ...secondBodies]) {
      for (const text of texts) assert.ok(!body.includes(text), 'a hub response held a report text');
      assert.ok(!body.includes('INBOX-SECRET'), 'no plaintext in what the hub sent the browser');
    }
  } finally {
    await browser.close();
    hub.kill();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
