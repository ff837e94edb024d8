// RFC 9180's published vector for the one suite (Appendix A.2.1), through
// the console's HPKE: Encap, the key schedule, Seal and Open byte for byte.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fromHex, toHex } from '../src/crypto/bytes.js';
import { ConsoleCryptoError } from '../src/crypto/errors.js';
import {
  extractAndExpand,
  importRecipientKey,
  keySchedule,
  openBase,
  sealBase,
  sealBaseWith,
} from '../src/crypto/hpke.js';
import { type Rfc9180Vector, readVectors } from './vectors.js';

const v = readVectors<Rfc9180Vector>('rfc9180-a2-1.json');
const first = v.encryptions[0];
const second = v.encryptions[1];
if (first === undefined || second === undefined) throw new Error('the RFC vector lost its encryptions');

const isCode = (code: string) => (error: unknown) => error instanceof ConsoleCryptoError && error.code === code;

test('the RFC 9180 A.2.1 base vector is reproduced byte for byte when sealing', async () => {
  const ephemeral = await importRecipientKey(fromHex(v.skEm));
  assert.equal(toHex(ephemeral.publicKey), v.pkEm);
  const sealed = await sealBaseWith(ephemeral, fromHex(v.pkRm), fromHex(v.info), fromHex(first.aad), fromHex(first.pt));
  assert.equal(toHex(sealed.enc), v.enc);
  assert.equal(toHex(sealed.ciphertext), first.ct);
});

test('the RFC 9180 A.2.1 shared secret, key and base nonce are derived as published', async () => {
  const ephemeral = await importRecipientKey(fromHex(v.skEm));
  const recipient = await importRecipientKey(fromHex(v.skRm));
  assert.equal(toHex(recipient.publicKey), v.pkRm);
  // DH(skE, pkR) = DH(skR, pkE): compute it through WebCrypto from the recipient side.
  const peer = await crypto.subtle.importKey('raw', fromHex(v.pkEm), { name: 'X25519' }, true, []);
  const dh = new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, recipient.privateKey, 256),
  );
  const shared = await extractAndExpand(dh, fromHex(v.enc), fromHex(v.pkRm));
  assert.equal(toHex(shared), v.shared_secret);
  const schedule = await keySchedule(shared, fromHex(v.info));
  assert.equal(toHex(schedule.key), v.key);
  assert.equal(toHex(schedule.baseNonce), v.base_nonce);
  assert.equal(ephemeral.privateKey.extractable, false);
});

test('the RFC 9180 A.2.1 ciphertext opens with the recipient key and nothing else', async () => {
  const recipient = await importRecipientKey(fromHex(v.skRm));
  const opened = await openBase(recipient, fromHex(v.enc), fromHex(v.info), fromHex(first.aad), fromHex(first.ct));
  assert.equal(toHex(opened), first.pt);
  // Sequence number 1 uses another nonce: single-shot open (sequence 0) refuses it.
  await assert.rejects(
    openBase(recipient, fromHex(v.enc), fromHex(v.info), fromHex(second.aad), fromHex(second.ct)),
    isCode('unauthentic'),
  );
  const ephemeralAsRecipient = await importRecipientKey(fromHex(v.skEm));
  await assert.rejects(
    openBase(ephemeralAsRecipient, fromHex(v.enc), fromHex(v.info), fromHex(first.aad), fromHex(first.ct)),
    isCode('unauthentic'),
  );
});

test('a private key imported for opening cannot be exported from WebCrypto', async () => {
  const recipient = await importRecipientKey(fromHex(v.skRm));
  assert.equal(recipient.privateKey.extractable, false);
  await assert.rejects(crypto.subtle.exportKey('pkcs8', recipient.privateKey));
  await assert.rejects(crypto.subtle.exportKey('jwk', recipient.privateKey));
});

test('importing a key overwrites the raw bytes it was given', async () => {
  const raw = fromHex(v.skRm);
  await importRecipientKey(raw);
  assert.ok(raw.every((byte) => byte === 0));
});

test('low-order and wrongly sized recipient keys are refused with invalid_key', async () => {
  const lowOrder = [
    '0000000000000000000000000000000000000000000000000000000000000000',
    '0100000000000000000000000000000000000000000000000000000000000000',
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  ];
  for (const point of lowOrder) {
    await assert.rejects(
      sealBase(fromHex(point), new Uint8Array(0), new Uint8Array(0), new Uint8Array(1)),
      isCode('invalid_key'),
      point,
    );
  }
  for (const length of [0, 31, 33, 65]) {
    await assert.rejects(
      sealBase(new Uint8Array(length).fill(9), new Uint8Array(0), new Uint8Array(0), new Uint8Array(1)),
      isCode('invalid_key'),
    );
  }
  const recipient = await importRecipientKey(fromHex(v.skRm));
  await assert.rejects(
    openBase(recipient, new Uint8Array(32), fromHex(v.info), fromHex(first.aad), fromHex(first.ct)),
    isCode('invalid_key'),
  );
  await assert.rejects(
    openBase(recipient, fromHex(v.enc).subarray(0, 31), fromHex(v.info), fromHex(first.aad), fromHex(first.ct)),
    isCode('invalid_key'),
  );
});

test('two seals of the same plaintext to the same key differ and both open', async () => {
  const recipient = await importRecipientKey(fromHex(v.skRm));
  const info = new Uint8Array([1, 2, 3]);
  const aad = new Uint8Array([4]);
  const plaintext = new Uint8Array([5, 6, 7]);
  const a = await sealBase(recipient.publicKey, info, aad, plaintext);
  const b = await sealBase(recipient.publicKey, info, aad, plaintext);
  assert.notEqual(toHex(a.enc), toHex(b.enc));
  for (const sealed of [a, b]) {
    assert.deepEqual(await openBase(recipient, sealed.enc, info, aad, sealed.ciphertext), plaintext);
  }
});
