// A reader's account from the console's own code against a real hub
// (target/debug/workervoice-hub, demo programme, a fresh data directory, on
// 127.0.0.1): an admin invites a reader; acceptReaderInvitation makes the key
// pair and sends only what ADR 0015 lists; signInReader derives, logs in and
// unwraps the private key non-extractable; a wrong password is refused; the
// session reaches the case list until sign-out. Every request body the module
// sends is recorded: none carries the password or the wrap key.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { toBase64Url } from '../src/crypto/bytes.js';
import { derivePasswordKeysUnchecked } from '../src/crypto/reader.js';
import {
  ReaderError,
  acceptReaderInvitation,
  readerRequest,
  signInReader,
  signOutReader,
} from '../src/reader-session.js';

const root = new URL('../../../', import.meta.url);
const HUB = process.env['WV_HUB_BIN'] ?? fileURLToPath(new URL('target/debug/workervoice-hub', root));
const PASSWORD = 'a long reader password 读者';

interface Ready {
  url: string;
  staff_token: string;
}

test('a reader accepts, signs in with a key only the browser unwraps, and signs out', async (t) => {
  if (!existsSync(HUB)) {
    t.skip(`no hub binary at ${HUB} (cargo build -p workervoice-hub)`);
    return;
  }
  const dataRoot = mkdtempSync(join(tmpdir(), 'wv-reader-session-'));
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
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  const log: string[] = [];
  hub.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const realFetch = globalThis.fetch;
  try {
    const lines = createInterface({ input: hub.stdout as NodeJS.ReadableStream });
    const ready = JSON.parse(
      await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the hub did not start: ${log.join('')}`)), 120_000);
        lines.once('line', (line) => {
          clearTimeout(timer);
          resolve(line);
        });
        hub.once('exit', (code) => reject(new Error(`the hub exited (${code}): ${log.join('')}`)));
      }),
    ) as Ready;
    const base = { base: ready.url };

    const invitation = (await (
      await realFetch(`${ready.url}/admin/v1/readers/invitations`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ready.staff_token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Hotline reader', route: 'independent_hotline' }),
      })
    ).json()) as { handler_id: string; invitation_token: string };
    assert.ok(invitation.handler_id.length > 0, 'the admin API gave an invitation');

    // Record every body the module sends.
    const sent: { path: string; body: string }[] = [];
    globalThis.fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      sent.push({ path: new URL(url).pathname, body: typeof init?.body === 'string' ? init.body : '' });
      return realFetch(input, init);
    };

    await assert.rejects(
      acceptReaderInvitation(base, invitation.handler_id, invitation.invitation_token, 'too short'),
      (error: unknown) => error instanceof ReaderError && error.code === 'weak_password',
    );
    assert.equal(sent.length, 0, 'a weak password never reaches the hub');

    const account = await acceptReaderInvitation(base, invitation.handler_id, invitation.invitation_token, PASSWORD);
    assert.equal(account.handler_id, invitation.handler_id);
    const acceptBody = JSON.parse(sent[0]?.body ?? '{}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(acceptBody).sort(), [
      'handler_id',
      'invitation_token',
      'kdf_iterations',
      'kdf_salt',
      'key_id',
      'login_key',
      'public_key',
      'wrapped_private_key',
    ]);
    assert.equal(acceptBody['kdf_iterations'], 600_000);

    const session = await signInReader(base, invitation.handler_id, PASSWORD, null);
    assert.equal(session.key.privateKey.extractable, false, 'the private key cannot be read back');
    assert.equal(toBase64Url(session.key.publicKey), account.public_key);
    assert.equal(session.account.key_id, account.key_id);

    await assert.rejects(
      signInReader(base, invitation.handler_id, 'not the right password', session.deviceToken),
      (error: unknown) => error instanceof ReaderError && error.code === 'refused',
    );

    const cases = await readerRequest<unknown>(base, 'GET', '/handler/v1/cases', undefined, session.token);
    assert.ok(cases !== null, 'the session reaches the case list');

    // Nothing sent carries the password or the wrap key.
    const salt = String(acceptBody['kdf_salt']);
    const keys = await derivePasswordKeysUnchecked(
      PASSWORD,
      Uint8Array.from(Buffer.from(salt, 'base64url')),
      600_000,
    );
    for (const { path, body } of sent) {
      assert.ok(!body.includes(PASSWORD), `${path} carries the password`);
      assert.ok(!body.includes(toBase64Url(keys.wrapKey)), `${path} carries the wrap key`);
      assert.ok(!body.includes(Buffer.from(keys.wrapKey).toString('hex')), `${path} carries the wrap key`);
    }
    assert.ok(sent.some(({ body }) => body.includes(toBase64Url(keys.loginKey))), 'the login key is what is sent');

    await signOutReader(base, session);
    await assert.rejects(
      readerRequest<unknown>(base, 'GET', '/handler/v1/cases', undefined, session.token),
      (error: unknown) => error instanceof ReaderError && error.code === 'refused',
    );
  } finally {
    globalThis.fetch = realFetch;
    hub.kill();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
