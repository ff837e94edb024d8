// The building blocks on their own: base64url as strict as the hub's Rust
// decoder, and the envelope's refusals (every flipped bit, other versions,
// short input, wrong key length).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fromBase64Url, fromUtf8, toBase64Url } from '../src/crypto/bytes.js';
import {
  ATTACHMENT_CHUNK,
  ENVELOPE_OVERHEAD,
  openAttachment,
  openEnvelope,
  sealAttachment,
  sealEnvelope,
} from '../src/crypto/envelope.js';
import { ConsoleCryptoError } from '../src/crypto/errors.js';
import { parseJson } from '../src/crypto/shapes.js';

const isCode = (code: string) => (error: unknown) => error instanceof ConsoleCryptoError && error.code === code;

test('base64url round-trips every length and matches Node’s encoder', () => {
  for (let length = 0; length < 70; length++) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length) % 256);
    const text = toBase64Url(bytes);
    assert.equal(text, Buffer.from(bytes).toString('base64url'));
    assert.deepEqual(fromBase64Url(text), bytes);
  }
});

test('base64url refuses padding, the standard alphabet, whitespace, bad lengths and stray bits', () => {
  for (const bad of ['AA==', 'AA=', 'a+b/', 'ab c', 'A', 'AAAAA', 'AB', 'AAB', 'é']) {
    assert.throws(() => fromBase64Url(bad), isCode('malformed'), bad);
  }
  assert.deepEqual(fromBase64Url('AA'), new Uint8Array([0]));
  assert.deepEqual(fromBase64Url('_-8'), new Uint8Array([0xff, 0xef]));
});

test('invalid UTF-8 is malformed, never replaced', () => {
  assert.throws(() => fromUtf8(new Uint8Array([0xc3, 0x28])), isCode('malformed'));
  assert.equal(fromUtf8(new Uint8Array([0xc3, 0xa9])), 'é');
});

test('an envelope opens only with its key and aad, and any flipped bit after the version is refused', () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const aad = new TextEncoder().encode('workervoice/reply/v1\nK7Q2M-9XD4R\nr1\nhandler');
  const sealed = sealEnvelope(key, aad, new TextEncoder().encode('we will visit'));
  assert.equal(sealed.length, 13 + ENVELOPE_OVERHEAD);
  assert.equal(fromUtf8(openEnvelope(key, aad, sealed)), 'we will visit');
  for (let index = 1; index < sealed.length; index++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = sealed.slice();
      flipped[index] = (flipped[index] ?? 0) ^ (1 << bit);
      assert.throws(() => openEnvelope(key, aad, flipped), isCode('unauthentic'), `byte ${index} bit ${bit}`);
    }
  }
  assert.throws(() => openEnvelope(crypto.getRandomValues(new Uint8Array(32)), aad, sealed), isCode('unauthentic'));
  assert.throws(() => openEnvelope(key, new Uint8Array(0), sealed), isCode('unauthentic'));
  const newer = sealed.slice();
  newer[0] = 2;
  assert.throws(() => openEnvelope(key, aad, newer), isCode('malformed'));
  assert.throws(() => openEnvelope(key, aad, sealed.subarray(0, ENVELOPE_OVERHEAD - 1)), isCode('malformed'));
  assert.throws(() => openEnvelope(key.subarray(0, 31), aad, sealed), isCode('invalid_key'));
  assert.throws(() => sealEnvelope(new Uint8Array(33), aad, sealed), isCode('invalid_key'));
});

test('attachments round-trip at chunk boundaries and refuse truncation, reordering and another id', () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  for (const length of [0, 1, ATTACHMENT_CHUNK - 1, ATTACHMENT_CHUNK, ATTACHMENT_CHUNK + 1, 2 * ATTACHMENT_CHUNK]) {
    const plain = Uint8Array.from({ length }, (_, i) => i % 251);
    const sealed = sealAttachment(key, 'client', 'attachment', plain);
    assert.equal(sealed.length, length + Math.max(1, Math.ceil(length / ATTACHMENT_CHUNK)) * ENVELOPE_OVERHEAD);
    assert.deepEqual(openAttachment(key, 'client', 'attachment', sealed), plain, `length ${length}`);
    assert.throws(() => openAttachment(key, 'client', 'another', sealed), isCode('unauthentic'));
    assert.throws(() => openAttachment(key, 'another', 'attachment', sealed), isCode('unauthentic'));
  }
  const two = sealAttachment(key, 'c', 'a', new Uint8Array(ATTACHMENT_CHUNK + 10));
  const first = ATTACHMENT_CHUNK + ENVELOPE_OVERHEAD;
  assert.throws(() => openAttachment(key, 'c', 'a', two.subarray(0, first)), isCode('unauthentic'));
  assert.throws(() => openAttachment(key, 'c', 'a', two.subarray(first)), isCode('unauthentic'));
  assert.throws(() => openAttachment(key, 'c', 'a', two.subarray(0, two.length - 1)), isCode('unauthentic'));
});

test('JSON with a repeated key is malformed, as the core’s serde types refuse it', () => {
  for (const bad of [
    '{"a":1,"a":2}',
    '{"a":{"b":1,"b":2}}',
    '{"t\\u0065xt":"one","text":"two"}',
    '[{"x":[{"k":1,"k":1}]}]',
  ]) {
    assert.throws(() => parseJson(bad, 'test'), isCode('malformed'), bad);
  }
  for (const good of [
    '{"a":"\\"a\\"","b":["a","a"],"c":"{\\"a\\":1,\\"a\\":2}"}',
    '[{"a":1},{"a":1}]',
    '{"a":{"a":{"a":1}},"b":[1,{"a":[]}]}',
    '"a"',
    '{}',
  ]) {
    assert.doesNotThrow(() => parseJson(good, 'test'), good);
  }
  assert.throws(() => parseJson('{"a":1,}', 'test'), isCode('malformed'));
});
