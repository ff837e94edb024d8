// The crypto module in a real browser: headless Chromium (Debian's
// `chromium`, driven by playwright-core) loads the bundled test page
// (test/browser/, built by `vite build --config vite.browser-test.config.ts`)
// from a server this test starts on 127.0.0.1, which opens every vector the
// core sealed with the browser's own WebCrypto. What the browser seals is then
// opened here in Node with the module the core's vectors already checked.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';

import { chromium } from 'playwright-core';

import { fromBase64Url, fromHex, toHex } from '../src/crypto/bytes.js';
import { openReply } from '../src/crypto/grievance.js';
import { importRecipientKey, openBase } from '../src/crypto/hpke.js';
import type { BrowserResults } from './browser/main.js';
import { type CoreVectors, readVectors } from './vectors.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const page = new URL('../browser/', import.meta.url);
const vectors = new URL('../../test-vectors/', import.meta.url);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };

/** Serves the built page and the committed vectors; nothing else. */
function serve(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const file = path.startsWith('/test-vectors/')
      ? new URL(path.slice('/test-vectors/'.length), vectors)
      : new URL(path === '/' ? 'index.html' : path.slice(1), page);
    if (path.includes('..') || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    const type = TYPES[file.pathname.slice(file.pathname.lastIndexOf('.'))] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('the crypto module opens the core’s vectors in headless Chromium and seals what Node opens', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  assert.ok(
    existsSync(new URL('index.html', page)),
    'the browser test page is not built: vite build --config vite.browser-test.config.ts',
  );
  const server = await serve();
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
  try {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const port = (server.address() as AddressInfo).port;
    await tab.goto(`http://127.0.0.1:${port}/`);
    await tab.waitForFunction(() => window.consoleCryptoResults !== undefined, undefined, { timeout: 60_000 });
    const results = (await tab.evaluate(() => window.consoleCryptoResults)) as BrowserResults;
    t.diagnostic(results.userAgent);
    for (const figure of results.figures) t.diagnostic(`in Chromium: ${figure.name}: ${figure.ms.toFixed(1)} ms`);
    for (const check of results.checks) {
      await t.test(`in Chromium: ${check.name}`, () => assert.ok(check.ok, check.detail));
    }
    assert.ok(results.checks.length >= 11, 'the page ran all its checks');

    await t.test('what Chromium sealed opens in Node', async () => {
      const core = readVectors<CoreVectors>('core-sealed.json');
      for (const reply of results.sealed.replies) {
        assert.equal(
          openReply(fromHex(reply.reply_key), reply.case_id, reply.reply_id, 'handler', fromBase64Url(reply.sealed)),
          reply.text,
        );
      }
      for (const entry of results.sealed.hpke) {
        const reader = core.readers.find((candidate) => candidate.id === entry.reader);
        assert.ok(reader !== undefined);
        const key = await importRecipientKey(fromHex(reader.private_key));
        const opened = await openBase(
          key,
          fromHex(entry.enc),
          fromHex(entry.info),
          fromHex(entry.aad),
          fromHex(entry.ciphertext),
        );
        assert.equal(toHex(opened), entry.plaintext);
      }
      assert.ok(results.sealed.replies.length > 0 && results.sealed.hpke.length > 0);
    });
  } finally {
    await browser.close();
    server.close();
  }
});
