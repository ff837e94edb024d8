// A reader's e-mail notifications end to end (issue 14, ADR 0023): a real
// hub (demo programme) sends through a small SMTP server this test starts on
// 127.0.0.1, with a one-second digest. A hotline reader, invited and
// accepted from Node, signs in in headless Chromium, opens "E-mail
// notifications" from the inbox, gives an address (a wrong one first, which
// the hub refuses); a report sealed here to the hotline then reaches the
// address as one e-mail that names the route and the console's sign-in page
// and holds nothing of the report. Opting out in the page deletes the
// address on the hub. axe-core and screenshots (reader-notifications.png) in
// every language.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { type Page, chromium } from 'playwright-core';

import { acceptReaderInvitation, readerRequest, signInReader } from '../src/reader-session.js';
import { CHROMIUM, DIST, HUB, SHOTS, directory, sealHotlineReport, staff, startHub, submit } from './hub-harness.js';
import { LANGS, checkDirection, switchLanguage } from './languages.js';

const root = new URL('../../../', import.meta.url);
const AXE = readFileSync(fileURLToPath(new URL('console/node_modules/axe-core/axe.min.js', root)), 'utf8');
const PASSWORD = 'a long reader password for notifications';
const ADDRESS = 'hotline-desk@example.org';

interface Mail {
  readonly to: string[];
  readonly data: string;
}

/** Enough SMTP for the hub's client: every message accepted is kept. */
function startSmtp(): Promise<{ server: Server; port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    let data = '';
    let to: string[] = [];
    socket.write('220 test-smtp ready\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end = buffer.indexOf('\r\n');
      while (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\r\n');
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push({ to, data });
            to = [];
            data = '';
            socket.write('250 queued\r\n');
          } else {
            data += `${line.startsWith('.') ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const command = line.toUpperCase();
        if (command.startsWith('EHLO') || command.startsWith('HELO')) socket.write('250-test-smtp\r\n250 8BITMIME\r\n');
        else if (command.startsWith('MAIL FROM')) socket.write('250 ok\r\n');
        else if (command.startsWith('RCPT TO')) {
          to.push(line.slice(8).trim().replace(/^</, '').replace(/>$/, ''));
          socket.write('250 ok\r\n');
        } else if (command === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (command === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, mails }));
  });
}

/** A message's body with quoted-printable undone. */
function bodyOf(mail: Mail): string {
  const body = mail.data.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  if (!/content-transfer-encoding: quoted-printable/i.test(mail.data)) return body;
  const joined = body.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(joined[i]));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
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

async function until(condition: () => boolean | Promise<boolean>, limitMs: number): Promise<boolean> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

test('a reader opts in to e-mail notifications in the console and is told of a new case without its content', async (t) => {
  if (!existsSync(CHROMIUM) || !existsSync(HUB) || !existsSync(join(DIST, 'index.html'))) {
    t.skip('needs Chromium, target/debug/workervoice-hub and console/dist (scripts/test-console builds them)');
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-notifications-'));
  const smtp = await startSmtp();
  const { hub, url, staffToken } = await startHub(dataRoot, [
    '--smtp-host',
    '127.0.0.1',
    '--smtp-port',
    String(smtp.port),
    '--smtp-security',
    'plain',
    '--smtp-from',
    'Worker Voice <noreply@hub.test>',
    '--notify-digest-seconds',
    '1',
  ]);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const invitation = await staff<{ handler_id: string; invitation_token: string }>(
      url,
      staffToken,
      'POST',
      '/admin/v1/readers/invitations',
      { name: 'Notified reader', route: 'independent_hotline' },
    );
    const reader = await acceptReaderInvitation(
      { base: url },
      invitation.handler_id,
      invitation.invitation_token,
      PASSWORD,
    );
    await staff(url, staffToken, 'POST', '/admin/v1/directory/propose', {});
    let dir = await directory(url);
    assert.ok(await until(async () => JSON.stringify((dir = await directory(url))).includes(reader.key_id), 10_000));

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on('response', (response) => {
      void response
        .text()
        .then((text) => bodies.push(text))
        .catch(() => undefined);
    });
    await page.goto(`${url}/reader/sign-in?handler=${encodeURIComponent(reader.handler_id)}`);
    await page.fill('#reader-password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#reader-notifications', { timeout: 60_000 });
    await page.click('#reader-notifications');
    await page.waitForSelector('#notifications-email');
    assert.equal(new URL(page.url()).pathname, '/reader/notifications');

    // A display name with the address is not one plain mailbox: the hub refuses it, the page says so.
    await page.fill('#notifications-email', `Desk <${ADDRESS}>`);
    await page.click('#notifications-save');
    await page.waitForFunction(() => (document.querySelector('#notifications-alert')?.textContent ?? '') !== '');
    await page.fill('#notifications-email', ADDRESS);
    await page.click('#notifications-save');
    await page.waitForSelector('#notifications-stop');
    const session = await signInReader({ base: url }, reader.handler_id, PASSWORD, null);
    const stored = await readerRequest<{ email: string | null; digest_minutes: number }>(
      { base: url },
      'GET',
      '/handler/v1/notifications',
      undefined,
      session.token,
    );
    assert.equal(stored.email, ADDRESS);

    for (const lang of LANGS) {
      await switchLanguage(page, lang);
      await page.waitForSelector('#notifications-email');
      await checkDirection(page, lang, 'notifications');
      await accessible(page, `${lang} notifications`);
      const shots = join(SHOTS, lang);
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'reader-notifications.png'), fullPage: true });
    }
    await switchLanguage(page, 'en');

    // The first pass after opting in records the cases already there; a report after it is news.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const factories = await staff<{ id: string; name: string }[]>(url, staffToken, 'GET', '/admin/v1/factories');
    const factory = factories[0];
    if (factory === undefined) throw new Error('a factory');
    const secret = 'NOTIFY-SECRET the canteen water makes people sick';
    const [framed, caseId] = await sealHotlineReport(dir, factory.id, secret);
    await submit(url, framed);
    assert.ok(
      await until(() => smtp.mails.some((mail) => mail.to.includes(ADDRESS)), 20_000),
      'the reader is e-mailed within the digest time',
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const mails = smtp.mails.filter((mail) => mail.to.includes(ADDRESS));
    assert.equal(mails.length, 1, 'one e-mail for one new case');
    const mail = mails[0] as Mail;
    const body = bodyOf(mail);
    assert.match(body, /1 new case/);
    assert.match(body, /independent hotline/);
    assert.ok(body.includes(`${url}/reader/sign-in`), body);
    for (const leak of [secret, 'NOTIFY-SECRET', caseId, factory.id, factory.name]) {
      assert.ok(!mail.data.includes(leak) && !body.includes(leak), `${leak} is in the e-mail`);
    }
    assert.ok(!bodies.some((text) => text.includes('NOTIFY-SECRET')), 'no hub response held the report');

    // Opting out in the page: the hub keeps no address.
    await page.click('#notifications-stop');
    await page.waitForFunction(() => document.querySelector('#notifications-stop') === null);
    const after = await readerRequest<{ email: string | null }>(
      { base: url },
      'GET',
      '/handler/v1/notifications',
      undefined,
      session.token,
    );
    assert.equal(after.email ?? null, null);
    await page.click('#notifications-back');
    await page.waitForSelector('#inbox-title');
  } finally {
    await browser.close();
    hub.kill('SIGTERM');
    smtp.server.close();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
