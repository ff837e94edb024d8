// What the console's end-to-end tests and benches share: a real hub started
// on 127.0.0.1 with the demo programme and the built console, staff calls
// with the demo admin's token, the directory the hub serves devices, and a
// report sealed to a route's readers as a device seals it (HPKE to each
// reader, the envelope, the framed submission).

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { concat, fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../src/crypto/bytes.js';
import { grievanceHpkeInfo, payloadAad, sealEnvelope } from '../src/crypto/envelope.js';
import { sealBase } from '../src/crypto/hpke.js';

const root = new URL('../../../', import.meta.url);
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
export const DIST = fileURLToPath(new URL('console/dist/', root));
export const SHOTS = fileURLToPath(new URL('target/screenshots/console/', root));
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Starts `workervoice-hub serve --demo` serving console/dist, with `extra` flags. */
export async function startHub(
  dataRoot: string,
  extra: readonly string[],
): Promise<{ hub: ChildProcess; url: string; staffToken: string }> {
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
      ...extra,
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

/** A staff API call with the demo admin's bearer token; a failure fails the caller. */
export async function staff<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The parts of a directory body a sealing device reads. */
export interface Directory {
  version: number;
  routes: { route: string; recipients: { handler_id: string; public_key: string }[] }[];
  categories: { id: string }[];
}

/** The newest directory the hub serves devices (its signature is the devices' business). */
export async function directory(url: string): Promise<Directory> {
  const response = (await (await fetch(`${url}/v1/directory`)).json()) as { directory?: { body: string } };
  if (response.directory === undefined) throw new Error('no directory');
  return JSON.parse(fromUtf8(fromBase64Url(response.directory.body))) as Directory;
}

function random(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return bytes;
}

/** A report sealed to every reader of the hotline, framed as a device sends it, and its case id. */
export async function sealHotlineReport(
  dir: Directory,
  factoryId: string,
  text: string,
): Promise<[Uint8Array<ArrayBuffer>, string]> {
  const clientId = crypto.randomUUID();
  const symbols = Array.from(random(10), (byte) => CROCKFORD[byte % 32]).join('');
  const caseId = `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
  const contentKey = random(32);
  const recipients = [];
  for (const recipient of dir.routes
    .filter((entry) => entry.route === 'independent_hotline')
    .flatMap((entry) => entry.recipients)) {
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
    category_id: dir.categories[0]?.id ?? 'other',
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
  return [concat(utf8('WVS1'), length, header, payload), caseId];
}

/** Posts a framed report; fails the caller unless the hub took it. */
export async function submit(url: string, framed: Uint8Array<ArrayBuffer>): Promise<void> {
  const response = await fetch(`${url}/v1/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.workervoice.submission' },
    body: framed,
  });
  assert.equal(response.status, 200, await response.text());
}
