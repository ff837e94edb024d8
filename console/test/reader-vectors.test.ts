// The reader formats (FORMATS.md §8) in the console reproduce what the Rust
// reader client (wv-reader) computed into console/test-vectors/reader.json:
// password → login and wrap keys, the wrapped private key, the key id, and a
// case as served opening to its report, replies, note and attachment.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fromBase64Url, fromHex, toBase64Url, toHex } from '../src/crypto/bytes.js';
import { openAttachment, replyAad, sealEnvelopeWithNonce } from '../src/crypto/envelope.js';
import { ConsoleCryptoError } from '../src/crypto/errors.js';
import {
  derivePasswordKeys,
  derivePasswordKeysUnchecked,
  keyId,
  openCaseReply,
  openNote,
  openSealedCase,
  sealNote,
  unwrapPrivateKey,
  wrapPrivateKeyWithNonce,
} from '../src/crypto/reader.js';
import { type ReaderVectors, readVectors } from './vectors.js';

const vectors = readVectors<ReaderVectors>('reader.json');
const account = vectors.account;
const isCode = (code: string) => (error: unknown) => error instanceof ConsoleCryptoError && error.code === code;

async function accountKey() {
  const keys = await derivePasswordKeys(account.password, fromHex(account.salt), account.iterations);
  return unwrapPrivateKey(
    keys.wrapKey,
    account.account_id,
    fromHex(account.wrapped_private_key),
    fromHex(account.public_key),
  );
}

test('the vectors file is the reader format', () => {
  assert.equal(vectors.format, 'workervoice/console-vectors/reader/v1');
  assert.ok(vectors.kdf.some((entry) => entry.iterations >= 600_000));
});

test('a password gives the login and wrap keys the Rust reader derives', async () => {
  for (const entry of vectors.kdf) {
    const keys = await derivePasswordKeysUnchecked(entry.password, fromHex(entry.salt), entry.iterations);
    assert.equal(toHex(keys.loginKey), entry.login_key, entry.password);
    assert.equal(toHex(keys.wrapKey), entry.wrap_key, entry.password);
  }
});

test('the login request carries the login key as unpadded base64 and nothing else secret', async () => {
  const keys = await derivePasswordKeys(account.password, fromHex(account.salt), account.iterations);
  assert.deepEqual(
    { handler_id: account.account_id, login_key: toBase64Url(keys.loginKey) },
    vectors.login_request,
  );
});

test('a hub cannot talk the console down to fewer than 600,000 iterations or up past 10 million', async () => {
  await assert.rejects(derivePasswordKeys('long enough password', new Uint8Array(16), 599_999), isCode('malformed'));
  await assert.rejects(derivePasswordKeys('long enough password', new Uint8Array(16), 10_000_001), isCode('malformed'));
});

test('the private key wraps byte for byte and unwraps to the account’s public key and key id', async () => {
  const wrapKey = fromHex(account.wrap_key);
  const wrapped = wrapPrivateKeyWithNonce(
    wrapKey,
    account.account_id,
    fromHex(account.private_key),
    fromHex(account.wrap_nonce),
  );
  assert.equal(toHex(wrapped), account.wrapped_private_key);
  assert.equal(wrapped.length, 61);
  const key = await accountKey();
  assert.equal(toHex(key.publicKey), account.public_key);
  assert.equal(key.privateKey.extractable, false);
  assert.equal(await keyId(key.publicKey), account.key_id);
});

test('a wrapped key does not open under a wrong password, for another account, or as another public key', async () => {
  const wrapped = fromHex(account.wrapped_private_key);
  const wrong = await derivePasswordKeys('not the password at all', fromHex(account.salt), account.iterations);
  await assert.rejects(
    unwrapPrivateKey(wrong.wrapKey, account.account_id, wrapped, fromHex(account.public_key)),
    isCode('unauthentic'),
  );
  const wrapKey = fromHex(account.wrap_key);
  await assert.rejects(
    unwrapPrivateKey(wrapKey, '00000000-0000-4000-8000-000000000000', wrapped, fromHex(account.public_key)),
    isCode('unauthentic'),
  );
  await assert.rejects(
    unwrapPrivateKey(wrapKey, account.account_id, wrapped, new Uint8Array(32).fill(9)),
    isCode('invalid_key'),
  );
});

test('a case as served opens to its report, replies, note and attachment', async () => {
  const key = await accountKey();
  const served = vectors.case.served;
  const caseId = served.summary.case_id;
  const opened = await openSealedCase(key, {
    caseId,
    clientId: served.client_id,
    payload: fromBase64Url(served.payload),
    enc: fromBase64Url(served.enc),
    wrappedKey: fromBase64Url(served.wrapped_key),
  });
  assert.equal(toHex(opened.contentKey), vectors.case.content_key);
  assert.equal(opened.content.text, vectors.case.content.text);
  assert.equal(opened.content.categoryId, vectors.case.content.category_id);
  assert.equal(toBase64Url(opened.content.replyKey), vectors.case.content.reply_key);
  const replies = [];
  for (const event of served.events) {
    const { reply, reply_id, author } = event;
    if (reply === undefined || reply_id === undefined || author === undefined) continue;
    const text = openCaseReply(opened.content.replyKey, caseId, { reply_id, author, reply });
    replies.push({ author, seq: event.seq, text });
  }
  assert.deepEqual(replies, vectors.case.replies);
  const [note] = served.notes;
  assert.ok(note !== undefined);
  assert.equal(await openNote(key, caseId, note), vectors.case.note.text);
  const attachment = vectors.case.attachment;
  assert.equal(
    toHex(openAttachment(opened.contentKey, served.client_id, attachment.attachment_id, fromHex(attachment.sealed))),
    attachment.plaintext,
  );
});

test('the handler reply in the vectors is what the console seals with the same nonce', () => {
  const served = vectors.case.served;
  const event = served.events.find((entry) => entry.author === 'handler');
  assert.ok(event?.reply !== undefined && event.reply_id !== undefined);
  const sealed = fromBase64Url(event.reply);
  const text = vectors.case.replies.find((reply) => reply.author === 'handler')?.text ?? '';
  const again = sealEnvelopeWithNonce(
    fromBase64Url(vectors.case.content.reply_key),
    sealed.subarray(1, 13),
    replyAad(served.summary.case_id, event.reply_id, 'handler'),
    new TextEncoder().encode(text),
  );
  assert.equal(toBase64Url(again), event.reply);
});

test('a case served with another case id or another reader’s share does not open', async () => {
  const key = await accountKey();
  const served = vectors.case.served;
  const base = {
    caseId: served.summary.case_id,
    clientId: served.client_id,
    payload: fromBase64Url(served.payload),
    enc: fromBase64Url(served.enc),
    wrappedKey: fromBase64Url(served.wrapped_key),
  };
  await assert.rejects(openSealedCase(key, { ...base, caseId: 'AAAAA-AAAAA' }), isCode('unauthentic'));
  const altered = base.wrappedKey.slice();
  altered[0] = (altered[0] ?? 0) ^ 1;
  await assert.rejects(openSealedCase(key, { ...base, wrappedKey: altered }), isCode('unauthentic'));
});

test('a note the console seals opens for each reader of the route, and a reader whose key id lies is refused', async () => {
  const key = await accountKey();
  const caseId = vectors.case.served.summary.case_id;
  const sealed = await sealNote(caseId, 'n-console', 'Call the payroll office on Monday.', [
    { keyId: account.key_id, publicKey: fromHex(account.public_key) },
  ]);
  const [share] = sealed.recipients;
  assert.ok(share !== undefined && sealed.recipients.length === 1);
  const text = await openNote(key, caseId, {
    note_id: 'n-console',
    enc: toBase64Url(share.enc),
    wrapped_key: toBase64Url(share.wrappedKey),
    sealed: toBase64Url(sealed.sealed),
  });
  assert.equal(text, 'Call the payroll office on Monday.');
  await assert.rejects(
    openNote(key, 'AAAAA-AAAAA', {
      note_id: 'n-console',
      enc: toBase64Url(share.enc),
      wrapped_key: toBase64Url(share.wrappedKey),
      sealed: toBase64Url(sealed.sealed),
    }),
    isCode('unauthentic'),
  );
  await assert.rejects(
    sealNote(caseId, 'n2', 'x', [{ keyId: '00'.repeat(16), publicKey: fromHex(account.public_key) }]),
    isCode('invalid_key'),
  );
});
