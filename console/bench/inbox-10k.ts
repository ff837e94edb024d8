// Figures (one run, not a timed test) for a handler's inbox of 10,000 cases:
// a real hub (demo programme, --anonymous-requests-per-source-per-minute 0
// so the seeding is not rate limited) receives 10,000 reports sealed here to
// a hotline reader invited and accepted from Node; then
//   - the hub's list latency (`GET /handler/v1/cases`, 25 a page, the
//     console's page size) on the first, a middle and the last page, sorted
//     by deadline and by receipt, and with the "overdue" filter;
//   - in headless Chromium, the time from sign-in to the first page drawn,
//     and from the inbox's "next" and "previous" to the new page drawn.
// Run by hand after `scripts/test-console` has built everything:
//   node console/.test-build/bench/inbox-10k.js [cases]

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { chromium } from 'playwright-core';

import { acceptReaderInvitation, readerRequest, signInReader } from '../src/reader-session.js';
import { CHROMIUM, DIST, HUB, directory, sealHotlineReport, staff, startHub, submit } from '../test/hub-harness.js';

const CASES = Number(process.argv[2] ?? 10_000);
const PASSWORD = 'a long reader password for the bench';
const PAGE = 25;

if (!existsSync(CHROMIUM) || !existsSync(HUB) || !existsSync(join(DIST, 'index.html'))) {
  console.log('inbox bench skipped: needs Chromium, target/debug/workervoice-hub and console/dist');
  process.exit(0);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const dataRoot = mkdtempSync(join(tmpdir(), 'wv-inbox-bench-'));
const { hub, url, staffToken } = await startHub(dataRoot, ['--anonymous-requests-per-source-per-minute', '0']);
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
    { name: 'Bench reader', route: 'independent_hotline' },
  );
  const reader = await acceptReaderInvitation(
    { base: url },
    invitation.handler_id,
    invitation.invitation_token,
    PASSWORD,
  );
  await staff(url, staffToken, 'POST', '/admin/v1/directory/propose', {});
  let dir = await directory(url);
  for (let tries = 0; !JSON.stringify(dir).includes(reader.key_id) && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    dir = await directory(url);
  }
  const factories = await staff<{ id: string }[]>(url, staffToken, 'GET', '/admin/v1/factories');
  const factoryId = factories[0]?.id ?? '';

  let start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < CASES) {
      const n = next++;
      const [framed] = await sealHotlineReport(dir, factoryId, `bench report ${n}`);
      await submit(url, framed);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const seeding = performance.now() - start;
  console.log(`seed ${CASES} reports (sealed in Node, 8 at a time): ${(seeding / 1000).toFixed(1)} s`);

  const session = await signInReader({ base: url }, reader.handler_id, PASSWORD, null);
  const pages = Math.ceil(CASES / PAGE);
  const timeList = async (query: string): Promise<number> => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const began = performance.now();
      await readerRequest({ base: url }, 'GET', `/handler/v1/cases?${query}`, undefined, session.token);
      runs.push(performance.now() - began);
    }
    return median(runs);
  };
  console.log(`hub: GET /handler/v1/cases, ${PAGE} a page of ${CASES} cases (median of 5):`);
  for (const [label, query] of [
    ['first page, by deadline', `limit=${PAGE}&page=1`],
    ['middle page, by deadline', `limit=${PAGE}&page=${Math.ceil(pages / 2)}`],
    ['last page, by deadline', `limit=${PAGE}&page=${pages}`],
    ['first page, by receipt', `limit=${PAGE}&page=1&sort=received`],
    ['first page, overdue only', `limit=${PAGE}&page=1&overdue=true`],
  ] as const) {
    console.log(`  ${label.padEnd(28)} ${(await timeList(query)).toFixed(0)} ms`);
  }

  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${url}/reader/sign-in?handler=${encodeURIComponent(reader.handler_id)}`);
  await page.fill('#reader-password', PASSWORD);
  start = performance.now();
  await page.click('button[type=submit]');
  await page.waitForSelector('.inbox-table tbody tr', { timeout: 120_000 });
  console.log(
    `browser: sign in (PBKDF2 600,000 + unwrap) to the first page drawn: ${(performance.now() - start).toFixed(0)} ms`,
  );
  const redraw = async (action: () => Promise<void>): Promise<number> => {
    const before = await page.textContent('.inbox-list');
    const began = performance.now();
    await action();
    await page.waitForFunction((old) => {
      const list = document.querySelector('.inbox-list');
      return list !== null && list.textContent !== old && list.querySelector('[role=status]:not(.status)') === null;
    }, before);
    return performance.now() - began;
  };
  const nexts: number[] = [];
  for (let i = 0; i < 5; i++) nexts.push(await redraw(() => page.click('#inbox-next')));
  console.log(`browser: next page drawn (median of 5):           ${median(nexts).toFixed(0)} ms`);
  const previous: number[] = [];
  for (let i = 0; i < 5; i++) previous.push(await redraw(() => page.click('#inbox-previous')));
  console.log(`browser: previous page drawn (median of 5):       ${median(previous).toFixed(0)} ms`);
} finally {
  await browser.close();
  hub.kill('SIGTERM');
  rmSync(dataRoot, { recursive: true, force: true });
}
