// The console end to end: a real hub (target/debug/workervoice-hub, demo
// programme, a fresh data directory) started by this test on 127.0.0.1
// serves the built console (console/dist); headless Chromium (Debian's
// `chromium`, driven by playwright-core) signs in as each staff role. It
// checks the security headers, that each role sees its pages and is refused
// elsewhere (by the page and by the hub), runs axe-core on every page,
// walks the sign-in with the keyboard only, and saves screenshots under
// target/screenshots/console/<lang>/.

import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';

import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

import decodeQR from '@paulmillr/qr/decode.js';

import { fromBase32 } from '../src/base32.js';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const DIST = fileURLToPath(new URL('console/dist/', root));
const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const PASSWORD = 'a long staff password for the test';

interface Ready {
  url: string;
  demo_admin: { login: string; password: string; totp_secret_base32: string };
  demo: { factory_id: string; factory_name: string };
}

/** Starts the hub and reads its `--ready-json` line. */
async function startHub(dataRoot: string): Promise<{ hub: ChildProcess; ready: Ready; log: string[] }> {
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
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn,workervoice_hub::server=info' } },
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
  return { hub, ready: JSON.parse(first) as Ready, log };
}

/** RFC 6238 (SHA-1, 30 s, 6 digits), written here independently of the hub. */
function totp(secret: Uint8Array, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const tag = createHmac('sha1', secret).update(counter).digest();
  const offset = (tag[19] ?? 0) & 0x0f;
  const value = tag.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, '0');
}

async function shot(page: Page, lang: string, name: string): Promise<void> {
  const dir = join(SHOTS, lang);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** axe-core on the current page: no serious or critical violation. */
async function accessible(page: Page, where: string): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
          ) => Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.length,
    }));
  });
  const bad = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert.deepEqual(bad, [], `${where}: axe-core found ${JSON.stringify(bad)}`);
}

/** What a page's menu offers. */
async function menu(page: Page): Promise<string[]> {
  return page.locator('header nav a').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
}

async function heading(page: Page): Promise<string> {
  return (await page.locator('main h1').first().textContent()) ?? '';
}

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('…'));
}

/** A fetch from inside the page, as its script would make it (the console header, the cookie). */
async function pageFetch(page: Page, method: string, path: string): Promise<{ status: number; code: string | null }> {
  return page.evaluate(
    async ({ method, path }) => {
      const response = await fetch(path, {
        method,
        headers: { 'X-WorkerVoice-Console': '1', 'Content-Type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
      return { status: response.status, code: body?.error?.code ?? null };
    },
    { method, path },
  );
}

async function signIn(page: Page, login: string, password: string, code: string | null): Promise<void> {
  await page.goto('/sign-in');
  await page.fill('#login', login);
  await page.fill('#password', password);
  if (code !== null) await page.fill('#totp', code);
  await page.click('form button[type=submit]');
  await page.locator('header nav').waitFor();
}

async function accept(browser: Browser, base: string, link: string, login: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto(link);
  await page.fill('#new-login', login);
  await page.fill('#display-name', `Test ${login}`);
  await page.fill('#new-password', PASSWORD);
  await page.fill('#confirm-password', PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForURL(/\/sign-in\?reason=accepted/);
  await signIn(page, login, PASSWORD, null);
  return context;
}

test('the console, served by a real hub, in headless Chromium', async (t: TestContext) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  if (!existsSync(HUB)) {
    t.skip(`no hub binary at ${HUB} (cargo build -p workervoice-hub, or set WV_HUB_BIN)`);
    return;
  }
  assert.ok(existsSync(join(DIST, 'index.html')), 'the console is not built: npm run build');
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-console-e2e-'));
  const { hub, ready, log } = await startHub(dataRoot);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const cspViolations: string[] = [];
  const watch = (page: Page): void => {
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
        cspViolations.push(message.text());
    });
  };
  try {
    const base = ready.url;

    await t.test('the hub serves the page with strict headers, assets cacheable, the index never stored', async () => {
      const index = await fetch(`${base}/factories/anything`);
      assert.equal(index.status, 200);
      const csp = index.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self';/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(index.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(index.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(index.headers.get('cache-control'), 'no-store');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
      assert.ok(script !== undefined, 'the page names its script');
      const asset = await fetch(`${base}${script}`);
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      // What the hub serves hashes, from outside, to the build it logged and to the directory it was given.
      const logged = /build="([0-9a-f]{64})"/.exec(log.join(''))?.[1];
      assert.ok(logged !== undefined, 'the hub logs the build it serves');
      const hashScript = fileURLToPath(new URL('scripts/console-build-hash', root));
      assert.equal(execFileSync(hashScript, [base], { encoding: 'utf8' }).trim(), logged);
      assert.equal(execFileSync(hashScript, [DIST], { encoding: 'utf8' }).trim(), logged);
      const api = await fetch(`${base}/admin/v1/no-such-route`);
      assert.equal(api.status, 404);
      assert.deepEqual(await api.json(), { error: { code: 'not_found' } });
    });

    const admin = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
    const adminPage = await admin.newPage();
    watch(adminPage);
    const links: Record<string, string> = {};
    const otherFactory = 'Second Factory';

    await t.test('the sign-in works with the keyboard alone, second factor included', async () => {
      await adminPage.goto('/sign-in');
      await adminPage.locator('#login').waitFor();
      await shot(adminPage, 'en', 'sign-in');
      await accessible(adminPage, 'sign-in');
      // The same page right to left, then back: the choice is kept, so English again before the walk.
      await switchLanguage(adminPage, 'ar');
      await checkDirection(adminPage, 'ar', 'sign-in');
      await accessible(adminPage, 'ar sign-in');
      await shot(adminPage, 'ar', 'sign-in');
      await switchLanguage(adminPage, 'en');
      await adminPage.goto('/sign-in');
      await adminPage.locator('#login').waitFor();
      const order: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        await adminPage.keyboard.press('Tab');
        order.push(await adminPage.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
      }
      assert.deepEqual(
        order.slice(0, 5),
        ['language', 'login', 'password', 'totp', 'BUTTON'],
        `tab order ${order.join(',')}`,
      );
      const secret = fromBase32(ready.demo_admin.totp_secret_base32);
      assert.ok(secret !== null);
      await adminPage.focus('#login');
      await adminPage.keyboard.type(ready.demo_admin.login);
      await adminPage.keyboard.press('Tab');
      await adminPage.keyboard.type(ready.demo_admin.password);
      await adminPage.keyboard.press('Tab');
      await adminPage.keyboard.type(totp(secret, Math.floor(Date.now() / 30_000)));
      await adminPage.keyboard.press('Enter');
      await adminPage.locator('header nav').waitFor();
      // The session is an HttpOnly cookie: the page's script cannot see it.
      assert.equal(await adminPage.evaluate(() => document.cookie), '');
      const cookies = await admin.cookies();
      const session = cookies.find((cookie) => cookie.name === 'wv_staff');
      assert.ok(session?.httpOnly === true && session.sameSite === 'Strict', JSON.stringify(cookies));
      // On a freshly loaded page the skip link is the first stop, and it takes focus to the content.
      await visit(adminPage, '/factories');
      await adminPage.keyboard.press('Tab');
      assert.equal(await adminPage.evaluate(() => document.activeElement?.className), 'skip');
      await adminPage.keyboard.press('Enter');
      await adminPage.waitForFunction(() => document.activeElement?.closest('main') !== null);
      // Then the menu is reachable and opens a page from the keyboard.
      await visit(adminPage, '/factories');
      for (let i = 0; i < 3; i += 1) await adminPage.keyboard.press('Tab');
      assert.equal(await adminPage.evaluate(() => document.activeElement?.getAttribute('href')), '/brands');
      await adminPage.keyboard.press('Enter');
      await adminPage.waitForURL(/\/brands$/);
      // Focus moves to the new page's heading once it is drawn.
      await adminPage.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 5_000 });
    });

    await t.test(
      'a programme admin sees every programme page, adds a brand, links a supplier and invites staff',
      async () => {
        assert.deepEqual(await menu(adminPage), [
          '/factories',
          '/brands',
          '/staff',
          '/proposals',
          '/deadlines',
          '/content',
          '/schedules',
          '/events',
          '/grievances',
          '/audit',
        ]);
        await visit(adminPage, '/factories');
        await adminPage.fill('#factory-name', otherFactory);
        await adminPage.getByRole('button', { name: 'Add factory', exact: true }).click();
        await adminPage.waitForURL(/\/factories\/[^/]+$/);
        await visit(adminPage, '/brands');
        await adminPage.fill('#brand-name', 'Acme Apparel');
        await adminPage.getByRole('button', { name: 'Add brand', exact: true }).click();
        await adminPage.locator('td', { hasText: 'Acme Apparel' }).waitFor();
        await adminPage.selectOption('#link-factory', ready.demo.factory_id);
        await adminPage.getByRole('button', { name: 'Link', exact: true }).click();
        await adminPage.locator('td', { hasText: ready.demo.factory_name }).waitFor();
        await visit(adminPage, '/staff');
        for (const role of ['factory_admin', 'brand_staff', 'auditor']) {
          await adminPage.selectOption('#invite-role', role);
          if (role === 'factory_admin') await adminPage.selectOption('#invite-factories', [ready.demo.factory_id]);
          await adminPage.getByRole('button', { name: 'Create invitation', exact: true }).click();
          const link = adminPage.locator('#invitation-link');
          await link.waitFor();
          links[role] = await link.inputValue();
          assert.match(links[role] ?? '', /\/accept#token=/);
          await visit(adminPage, '/staff');
        }
      },
    );

    await t.test('every programme admin page passes axe-core and is saved in every language', async () => {
      const factoryPath = `/factories/${encodeURIComponent(ready.demo.factory_id)}`;
      const pages: [string, string][] = [
        ['factories', '/factories'],
        ['factory-workers', `${factoryPath}/workers`],
        ['factory-devices', `${factoryPath}/devices`],
        ['factory-codes', `${factoryPath}/codes`],
        ['factory-training', `${factoryPath}/training`],
        ['factory-settings', `${factoryPath}/settings`],
        ['brands', '/brands'],
        ['staff', '/staff'],
        ['proposals', '/proposals'],
        ['audit', '/audit'],
        ['account', '/account'],
      ];
      for (const lang of LANGS) {
        await visit(adminPage, '/factories');
        await switchLanguage(adminPage, lang);
        for (const [name, path] of pages) {
          await visit(adminPage, path);
          await checkDirection(adminPage, lang, name);
          await accessible(adminPage, `${lang} ${name}`);
          await shot(adminPage, lang, name);
        }
      }
      await switchLanguage(adminPage, 'en');
      // A tablet held upright: no page is wider than the screen (wide tables scroll inside their section).
      await adminPage.setViewportSize({ width: 768, height: 1024 });
      for (const lang of ['ar', 'en']) {
        await switchLanguage(adminPage, lang);
        for (const [name, path] of pages) {
          await visit(adminPage, path);
          const overflow = await adminPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${lang} ${name} is ${overflow}px wider than a tablet`);
          await shot(adminPage, lang, `tablet-${name}`);
        }
      }
      await adminPage.setViewportSize({ width: 1280, height: 800 });
    });

    await t.test(
      'a factory admin imports a roster (errors shown per row first), prints cards, and is refused programme pages',
      async () => {
        const context = await accept(browser, base, links['factory_admin'] ?? '', 'factory.admin');
        const page = context.pages()[0] as Page;
        watch(page);
        assert.deepEqual(await menu(page), ['/factories', '/content', '/grievances']);
        const factoryPath = `/factories/${encodeURIComponent(ready.demo.factory_id)}`;
        await visit(page, `${factoryPath}/roster`);
        const good = [
          '2001,Nguyễn Thị Mai,vi,Sewing',
          '2002,陈小红,zh-CN,Cutting',
          '2003,Ana Rahman,en,Packing',
          '2004,សុខ ចាន់,km,Finishing',
          '2005,রহিম উদ্দিন,bn,Sewing',
          '2006,فاطمة علي,ar,Quality',
        ];
        await page.fill(
          '#roster-csv',
          ['worker_number,display_name,language,department', ...good, '20 07,Bad Number,vi,X', '2008,,vi,X'].join('\n'),
        );
        await page.getByRole('button', { name: 'Check', exact: true }).click();
        await page.locator('#roster-preview table').waitFor();
        assert.equal(await page.locator('#roster-preview tbody tr').count(), 2, 'two rows are flagged, by line');
        await accessible(page, 'roster errors');
        await shot(page, 'en', 'roster-errors');
        await page.fill('#roster-csv', ['worker_number,display_name,language,department', ...good].join('\n'));
        await page.getByRole('button', { name: 'Check', exact: true }).click();
        await page.getByRole('button', { name: 'Import', exact: true }).click();
        await page.waitForURL(/\/cards$/);
        const cards = page.locator('#worker-cards article');
        await cards.first().waitFor();
        assert.equal(await cards.count(), good.length);
        await accessible(page, 'cards');
        await shot(page, 'en', 'worker-cards');
        // The same sheet around the cards in the other languages (switching keeps the codes in memory).
        for (const lang of ['vi', 'zh-CN', 'ar', 'en']) {
          await switchLanguage(page, lang);
          await cards.first().waitFor();
          if (lang !== 'en') {
            await checkDirection(page, lang, 'cards');
            await accessible(page, `${lang} cards`);
            await shot(page, lang, 'worker-cards');
          }
        }
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.locator('header').isVisible(), false, 'print shows the cards only');
        const printed = (await page.locator('#worker-cards').textContent()) ?? '';
        for (const row of good) assert.ok(printed.includes(row.split(',')[0] ?? ''), `card for ${row}`);
        for (const name of ['陈小红', 'Nguyễn Thị Mai', 'សុខ ចាន់', 'রহিম উদ্দিন', 'فاطمة علي'])
          assert.ok(printed.includes(name), name);
        await shot(page, 'en', 'worker-cards-print');
        // The printed sheet with the page in Arabic: the cards keep each worker's own direction.
        await page.emulateMedia({ media: 'screen' });
        await switchLanguage(page, 'ar');
        await page.emulateMedia({ media: 'print' });
        await shot(page, 'ar', 'worker-cards-print');
        await page.emulateMedia({ media: 'screen' });
        await switchLanguage(page, 'en');
        await page.emulateMedia({ media: 'print' });
        await page.pdf({ path: join(SHOTS, 'en', 'worker-cards.pdf'), preferCSSPageSize: true });
        await page.emulateMedia({ media: 'screen' });
        assert.match(readFileSync(join(SHOTS, 'en', 'worker-cards.pdf'), 'latin1'), /MediaBox \[0 0 59[45][.\d]* 84[12][.\d]*\]/, 'A4');
        // Letter, chosen on the sheet: the print rules name the page size.
        await page.selectOption('#cards-paper', 'letter');
        await page.pdf({ path: join(SHOTS, 'en', 'worker-cards-letter.pdf'), preferCSSPageSize: true });
        assert.match(readFileSync(join(SHOTS, 'en', 'worker-cards-letter.pdf'), 'latin1'), /MediaBox \[0 0 612 792\]/, 'Letter');
        await page.selectOption('#cards-paper', 'a4');

        // Every card: the app's QR code, which reads back as its worker's activation link, and the
        // factory's channels (the demo directory's routes), in the worker's language.
        assert.equal(await page.locator('#worker-cards article svg.qr').count(), good.length);
        assert.ok((await page.locator('#worker-cards article').first().locator('.card-channels li').count()) >= 2);
        for (const [index, row] of good.entries()) {
          const [number = '', , lang = ''] = row.split(',');
          const card = cards.nth(index);
          assert.equal(await card.getAttribute('lang'), lang);
          assert.equal(await card.getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
          const code = (await card.locator('dd.code').nth(1).textContent()) ?? '';
          const image = await card.locator('svg.qr').evaluate(async (svg) => {
            // Whole pixels per module (the card's code is larger than an enrolment code's).
            const side = Number(svg.getAttribute('viewBox')?.split(' ')[2] ?? '0') * 8;
            const url = URL.createObjectURL(
              new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }),
            );
            const picture = new Image();
            picture.src = url;
            await picture.decode();
            const canvas = document.createElement('canvas');
            canvas.width = side;
            canvas.height = side;
            const drawing = canvas.getContext('2d');
            if (drawing === null) throw new Error('no canvas');
            drawing.imageSmoothingEnabled = false;
            drawing.drawImage(picture, 0, 0, side, side);
            URL.revokeObjectURL(url);
            return { width: side, height: side, data: Array.from(drawing.getImageData(0, 0, side, side).data) };
          });
          const expected = `workervoice://activate?${new URLSearchParams({ v: '1', hub: base, number, code }).toString()}`;
          assert.equal(decodeQR({ ...image, data: Uint8Array.from(image.data) }), expected, `QR of card ${number}`);
          // Right to left mirrors the card: the QR code sits at the start edge's opposite.
          const qrBox = await card.locator('.card-qr').boundingBox();
          const titleBox = await card.locator('h3').boundingBox();
          if (qrBox === null || titleBox === null) throw new Error('card laid out');
          assert.equal(qrBox.x < titleBox.x, lang === 'ar', `card ${number} (${lang}) is mirrored only right to left`);
          // One picture per worker language, where the README says screenshots go.
          mkdirSync(join(SHOTS, lang), { recursive: true });
          await card.screenshot({ path: join(SHOTS, lang, 'worker-card.png') });
        }
        // The card strings came in the worker's script, not English.
        for (const [lang, words] of [
          ['km', 'លេខកម្មករ'],
          ['bn', 'কর্মী নম্বর'],
          ['ar', 'رقم العامل'],
          ['zh-CN', '工厂无法阅读'],
        ] as const) {
          const shown = (await page.locator(`#worker-cards article[lang='${lang}']`).textContent()) ?? '';
          assert.ok(shown.includes(words), `${lang} card: ${shown}`);
        }

        // Settings are saved through the hub and read back from it.
        await visit(page, `${factoryPath}/settings`);
        await page.fill('#kiosk-idle', '120');
        await page.fill('#utc-offset', '420');
        await page.getByRole('button', { name: 'Save settings', exact: true }).click();
        await page.getByRole('status').filter({ hasText: 'The settings were saved' }).waitFor();
        await visit(page, `${factoryPath}/settings`);
        assert.equal(await page.inputValue('#kiosk-idle'), '120');

        // Enrolment codes come with a QR code a phone's camera reads back as the enrolment link.
        await visit(page, `${factoryPath}/codes`);
        await page.fill('#code-count', '2');
        await page.getByRole('button', { name: 'Issue codes', exact: true }).click();
        await page.locator('#issued-codes svg.qr').first().waitFor();
        assert.equal(await page.locator('#issued-codes svg.qr').count(), 2);
        const link = (await page.locator('#issued-codes tbody tr').first().locator('code.wrap').textContent()) ?? '';
        assert.match(link, /^workervoice:\/\/enrol\?/);
        const image = await page.evaluate(async () => {
          const svg = document.querySelector('#issued-codes svg.qr');
          if (svg === null) throw new Error('no QR code');
          const url = URL.createObjectURL(
            new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }),
          );
          const picture = new Image();
          picture.src = url;
          await picture.decode();
          const canvas = document.createElement('canvas');
          canvas.width = 480;
          canvas.height = 480;
          const drawing = canvas.getContext('2d');
          if (drawing === null) throw new Error('no canvas');
          drawing.imageSmoothingEnabled = false;
          drawing.drawImage(picture, 0, 0, 480, 480);
          URL.revokeObjectURL(url);
          return { width: 480, height: 480, data: Array.from(drawing.getImageData(0, 0, 480, 480).data) };
        });
        assert.equal(
          decodeQR({ ...image, data: Uint8Array.from(image.data) }),
          link,
          'the QR code reads back as the link',
        );
        await accessible(page, 'enrolment codes with QR');
        await shot(page, 'en', 'enrolment-codes-qr');

        await visit(page, '/staff');
        assert.match(await heading(page), /Not for your role/);
        assert.deepEqual(await pageFetch(page, 'GET', '/admin/v1/staff/accounts'), { status: 403, code: 'forbidden' });
        assert.deepEqual(await pageFetch(page, 'POST', '/admin/v1/brands'), { status: 403, code: 'forbidden' });
        await context.close();
      },
    );

    await t.test('brand staff see only their suppliers, and only aggregates', async () => {
      const context = await accept(browser, base, links['brand_staff'] ?? '', 'brand.staff');
      const page = context.pages()[0] as Page;
      watch(page);
      assert.deepEqual(await menu(page), ['/factories', '/content', '/grievances']);
      await visit(page, '/factories');
      const listed = (await page.locator('main table').textContent()) ?? '';
      assert.ok(listed.includes(ready.demo.factory_name) && !listed.includes(otherFactory), listed);
      await visit(page, `/factories/${encodeURIComponent(ready.demo.factory_id)}`);
      const tabs = await page
        .locator('nav.tabs a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
      assert.deepEqual(
        tabs.map((href) => href.split('/').pop()),
        ['training'],
      );
      await accessible(page, 'brand training report');
      await shot(page, 'en', 'brand-training');
      const workers = await pageFetch(
        page,
        'GET',
        `/admin/v1/factories/${encodeURIComponent(ready.demo.factory_id)}/workers`,
      );
      assert.deepEqual(workers, { status: 403, code: 'forbidden' });
      await visit(page, '/audit');
      assert.match(await heading(page), /Not for your role/);
      await context.close();
    });

    await t.test('an auditor reads programme pages and is offered no change', async () => {
      const context = await accept(browser, base, links['auditor'] ?? '', 'auditor.one');
      const page = context.pages()[0] as Page;
      watch(page);
      assert.deepEqual(await menu(page), [
          '/factories',
          '/brands',
          '/staff',
          '/proposals',
          '/deadlines',
          '/content',
          '/schedules',
          '/events',
          '/grievances',
          '/audit',
        ]);
      for (const path of ['/factories', '/brands', '/staff', '/deadlines', '/audit']) {
        await visit(page, path);
        assert.equal(await page.locator('main form').count(), 0, `${path} offers a form to an auditor`);
        assert.equal(await page.locator('main button').count(), 0, `${path} offers a button to an auditor`);
      }
      await shot(page, 'en', 'auditor-audit');
      assert.deepEqual(await pageFetch(page, 'POST', '/admin/v1/factories'), { status: 403, code: 'forbidden' });
      await context.close();
    });

    await t.test('a browser asking for Arabic (ar-EG) gets the console right to left, one asking for Thai English', async () => {
      for (const [locale, lang, dir] of [
        ['ar-EG', 'ar', 'rtl'],
        ['th-TH', 'en', 'ltr'],
      ] as const) {
        const context = await browser.newContext({ baseURL: base, locale });
        const page = await context.newPage();
        await page.goto('/sign-in');
        await page.locator('#login').waitFor();
        const seen = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
        assert.deepEqual(seen, [lang, dir], locale);
        assert.equal(await page.inputValue('#language'), lang, `${locale}: the switcher shows the language`);
        await context.close();
      }
    });

    await t.test('a page left idle signs itself out and the hub session ends with it', async () => {
      const context = await browser.newContext({ baseURL: base });
      // The page's timers run on a clock the test moves: no real wait.
      await context.clock.install();
      const page = await context.newPage();
      watch(page);
      await signIn(page, 'auditor.one', PASSWORD, null);
      await page.clock.fastForward('14:00');
      assert.equal(await page.locator('header nav').count(), 1, 'still signed in before the idle limit');
      await page.keyboard.press('Shift');
      await page.clock.fastForward('14:00');
      assert.equal(await page.locator('header nav').count(), 1, 'a key press restarts the idle time');
      await page.clock.fastForward('15:01');
      await page.waitForURL(/\/sign-in\?reason=idle/);
      await page.locator('#login').waitFor();
      assert.match((await page.locator('main').textContent()) ?? '', /signed out after a time without activity/);
      assert.deepEqual(await pageFetch(page, 'GET', '/staff/v1/console/session'), {
        status: 401,
        code: 'unauthorized',
      });
      await context.close();
    });

    await t.test('signing out ends the session on the hub and leaves nothing on the page', async () => {
      // The programme admin turns the second-factor rule on for auditors, after a confirmation.
      await visit(adminPage, '/staff');
      adminPage.once('dialog', (dialog) => void dialog.accept());
      await adminPage.getByRole('button', { name: /^Require for \u2068?Auditor\u2069?$/ }).click();
      await adminPage.getByRole('button', { name: /^Stop requiring for \u2068?Auditor\u2069?$/ }).waitFor();
      const auditorSignIn = await fetch(`${base}/staff/v1/console/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-WorkerVoice-Console': '1' },
        body: JSON.stringify({ login: 'auditor.one', password: PASSWORD }),
      });
      assert.equal(auditorSignIn.status, 401, 'an auditor without a second factor is shut out');
      await visit(adminPage, '/audit');
      await adminPage.getByRole('button', { name: 'Sign out', exact: true }).click();
      await adminPage.waitForURL(/\/sign-in\?reason=signed-out/);
      assert.equal(await adminPage.locator('header nav').count(), 0);
      assert.deepEqual(await pageFetch(adminPage, 'GET', '/staff/v1/console/session'), {
        status: 401,
        code: 'unauthorized',
      });
      assert.equal((await admin.cookies()).filter((cookie) => cookie.name === 'wv_staff').length, 0);
      await adminPage.goBack();
      await adminPage.locator('main h1').first().waitFor();
      assert.equal(await adminPage.locator('header nav').count(), 0, 'going back shows no signed-in page');
    });

    await t.test('no page broke its Content-Security-Policy', () => {
      assert.deepEqual(cspViolations, []);
    });
    await admin.close();
  } catch (error) {
    t.diagnostic(`hub log: ${log.join('').slice(-4000)}`);
    throw error;
  } finally {
    await browser.close();
    hub.kill('SIGTERM');
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
