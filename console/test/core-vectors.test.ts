// What the Rust core sealed (console/test-vectors/core-sealed.json, written
// and checked by core/tests/console_vectors.rs) opens in the console to the
// recorded plaintext, and nothing altered, misdirected or misbound opens.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fromBase64Url, fromHex, toHex, utf8 } from '../src/crypto/bytes.js';
import { grievanceHpkeInfo, payloadAad, sealEnvelope } from '../src/crypto/envelope.js';
import { ConsoleCryptoError } from '../src/crypto/errors.js';
import {
  type OpenedGrievance,
  openContentKey,
  openGrievance,
  openGrievanceAttachment,
  openGrievancePayload,
  openReply,
  openSubmission,
  parseSubmission,
  wrappedFor,
} from '../src/crypto/grievance.js';
import { type RecipientKey, importRecipientKey, openBase } from '../src/crypto/hpke.js';
import { openSurveyResponse, surveyResponseUploadFromJson } from '../src/crypto/survey.js';
import { type CoreVectors, readVectors } from './vectors.js';

const vectors = readVectors<CoreVectors>('core-sealed.json');

const isCode = (code: string) => (error: unknown) => error instanceof ConsoleCryptoError && error.code === code;

async function readerKey(id: string): Promise<RecipientKey> {
  const entry = vectors.readers.find((reader) => reader.id === id);
  if (entry === undefined) throw new Error(`no reader ${id} in the vectors`);
  const key = await importRecipientKey(fromHex(entry.private_key));
  assert.equal(toHex(key.publicKey), entry.public_key, 'the public key WebCrypto computes is the core’s');
  return key;
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice())));
}

test('the vectors file is the core-sealed format', () => {
  assert.equal(vectors.format, 'workervoice/console-vectors/core-sealed/v1');
  assert.ok(vectors.hpke.length >= 3 && vectors.submissions.length >= 2 && vectors.replies.length >= 2);
});

test('every HPKE seal of the core opens to its plaintext and only as sealed', async () => {
  for (const entry of vectors.hpke) {
    const key = await readerKey(entry.reader);
    const [enc, info, aad, ct] = [entry.enc, entry.info, entry.aad, entry.ciphertext].map(fromHex) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    assert.equal(toHex(await openBase(key, enc, info, aad, ct)), entry.plaintext, entry.name);
    await assert.rejects(openBase(key, enc, info, utf8('another aad'), ct), isCode('unauthentic'), entry.name);
    await assert.rejects(openBase(key, enc, utf8('another info'), aad, ct), isCode('unauthentic'), entry.name);
    for (const index of [0, Math.floor(ct.length / 2), ct.length - 1]) {
      await assert.rejects(openBase(key, enc, info, aad, flip(ct, index)), isCode('unauthentic'), entry.name);
    }
    await assert.rejects(openBase(key, flip(enc, 5), info, aad, ct), isCode('unauthentic'), entry.name);
    const other = vectors.readers.find((reader) => reader.id !== entry.reader);
    if (other === undefined) throw new Error('one reader only');
    await assert.rejects(openBase(await readerKey(other.id), enc, info, aad, ct), isCode('unauthentic'), entry.name);
  }
});

test('every report the core sealed opens for each chosen reader, with its attachments, byte for byte', async () => {
  for (const entry of vectors.submissions) {
    const framed = fromBase64Url(entry.framed);
    for (const readerId of entry.readers) {
      const opened = await openSubmission(await readerKey(readerId), readerId, framed);
      assert.equal(new TextDecoder().decode(opened.json), entry.payload_json, entry.name);
      const expected = JSON.parse(entry.payload_json) as { text: string; category_id: string; created_at: number };
      assert.equal(opened.content.text, expected.text);
      assert.equal(opened.content.categoryId, expected.category_id);
      assert.equal(opened.content.createdAt, expected.created_at);
      assert.equal(opened.content.attachments.length, entry.attachments.length);
      for (const attachment of entry.attachments) {
        const plain = openGrievanceAttachment(opened, attachment.attachment_id, fromBase64Url(attachment.sealed));
        assert.equal(plain.length, attachment.plaintext_len);
        assert.equal(await sha256Hex(plain), attachment.plaintext_sha256);
        const info = opened.content.attachments.find((a) => a.attachmentId === attachment.attachment_id);
        assert.equal(info?.size, attachment.plaintext_len);
      }
      opened.wipe();
      assert.ok(
        opened.contentKey.every((byte) => byte === 0),
        'wipe clears the content key',
      );
    }
  }
});

test('a named report carries its reporter and call-back, an anonymous one neither', async () => {
  const [named, anonymous] = vectors.submissions;
  if (named === undefined || anonymous === undefined) throw new Error('two submissions expected');
  const namedOpened = await openSubmission(await readerKey('hotline-1'), 'hotline-1', fromBase64Url(named.framed));
  assert.equal(namedOpened.content.reporter?.displayName, 'Nguyễn Thị Lan');
  assert.equal(namedOpened.content.callback?.phone, '+84 90 123 4567');
  assert.deepEqual(
    namedOpened.content.attachments.map((a) => [a.kind, a.mime]),
    [
      ['photo', 'image/jpeg'],
      ['voice', 'audio/ogg'],
    ],
  );
  const anonymousOpened = await openSubmission(
    await readerKey('committee-1'),
    'committee-1',
    fromBase64Url(anonymous.framed),
  );
  assert.equal(anonymousOpened.content.reporter, undefined);
  assert.equal(anonymousOpened.content.callback, undefined);
  assert.ok(!anonymous.payload_json.includes('must not appear'));
});

test('a reader the worker did not choose has nothing to open, even with a chosen reader’s wrapped key', async () => {
  for (const entry of vectors.submissions) {
    const framed = fromBase64Url(entry.framed);
    for (const outsider of entry.not_for) {
      const key = await readerKey(outsider);
      await assert.rejects(openSubmission(key, outsider, framed), isCode('not_a_recipient'), entry.name);
      const chosen = entry.readers[0];
      if (chosen === undefined) throw new Error('no reader');
      await assert.rejects(openSubmission(key, chosen, framed), isCode('unauthentic'), entry.name);
    }
  }
});

test('a tampered payload, header or attachment of a core-sealed report is refused with a typed error', async () => {
  const entry = vectors.submissions[0];
  if (entry === undefined) throw new Error('no submission');
  const key = await readerKey('hotline-1');
  const framed = fromBase64Url(entry.framed);
  const { header, payload } = parseSubmission(framed);
  // The payload's last byte (the tag), a byte of its ciphertext.
  await assert.rejects(
    openGrievance(key, 'hotline-1', header, flip(payload, payload.length - 1)),
    isCode('unauthentic'),
  );
  await assert.rejects(openGrievance(key, 'hotline-1', header, flip(payload, 20)), isCode('unauthentic'));
  // Another case id or client id in the clear header: the key does not unwrap.
  await assert.rejects(
    openGrievance(key, 'hotline-1', { ...header, caseId: 'AAAAA-AAAAA' }, payload),
    isCode('unauthentic'),
  );
  await assert.rejects(
    openGrievance(key, 'hotline-1', { ...header, clientId: 'another' }, payload),
    isCode('unauthentic'),
  );
  // Not a frame at all.
  await assert.rejects(openSubmission(key, 'hotline-1', flip(framed, 0)), isCode('malformed'));
  await assert.rejects(openSubmission(key, 'hotline-1', framed.subarray(0, 6)), isCode('malformed'));
  await assert.rejects(openSubmission(key, 'hotline-1', payload), isCode('malformed'));
  // An unknown envelope version.
  const newer = payload.slice();
  newer[0] = 2;
  await assert.rejects(openGrievance(key, 'hotline-1', header, newer), isCode('malformed'));

  const opened: OpenedGrievance = await openGrievance(key, 'hotline-1', header, payload);
  // A payload whose JSON names `text` twice (sealed with the right key) is refused, not read one way.
  const doubled = new TextDecoder().decode(opened.json).replace('"text":', '"text":"a first text","text":');
  const resealed = sealEnvelope(opened.contentKey, payloadAad(header.clientId, header.caseId), utf8(doubled));
  await assert.rejects(openGrievance(key, 'hotline-1', header, resealed), isCode('malformed'));
  const photo = entry.attachments[0];
  if (photo === undefined) throw new Error('no photo');
  const sealed = fromBase64Url(photo.sealed);
  const oneChunk = 64 * 1024 + 29;
  assert.ok(sealed.length > oneChunk, 'the photo has two chunks');
  assert.throws(
    () => openGrievanceAttachment(opened, photo.attachment_id, sealed.subarray(0, oneChunk)),
    isCode('unauthentic'),
  );
  const swapped = new Uint8Array(sealed.length);
  swapped.set(sealed.subarray(oneChunk), 0);
  swapped.set(sealed.subarray(0, oneChunk), sealed.length - oneChunk);
  assert.throws(() => openGrievanceAttachment(opened, photo.attachment_id, swapped), isCode('unauthentic'));
  assert.throws(() => openGrievanceAttachment(opened, 'another-attachment', sealed), isCode('unauthentic'));
  assert.throws(() => openGrievanceAttachment(opened, photo.attachment_id, flip(sealed, 100)), isCode('unauthentic'));
  assert.throws(() => openGrievanceAttachment(opened, photo.attachment_id, new Uint8Array(0)), isCode('malformed'));
});

test('the replies of the first case open with the reply key the report carries, for their own author and case only', async () => {
  const entry = vectors.submissions[0];
  if (entry === undefined) throw new Error('no submission');
  const opened = await openSubmission(await readerKey('hotline-1'), 'hotline-1', fromBase64Url(entry.framed));
  for (const reply of vectors.replies) {
    assert.equal(toHex(opened.content.replyKey), reply.reply_key);
    assert.equal(reply.case_id, opened.header.caseId);
    const sealed = fromBase64Url(reply.sealed);
    assert.equal(
      openReply(opened.content.replyKey, reply.case_id, reply.reply_id, reply.author, sealed),
      reply.text,
      reply.name,
    );
    const otherAuthor = reply.author === 'worker' ? 'handler' : 'worker';
    assert.throws(
      () => openReply(opened.content.replyKey, reply.case_id, reply.reply_id, otherAuthor, sealed),
      isCode('unauthentic'),
    );
    assert.throws(
      () => openReply(opened.content.replyKey, 'AAAAA-AAAAA', reply.reply_id, reply.author, sealed),
      isCode('unauthentic'),
    );
    assert.throws(
      () => openReply(opened.content.replyKey, reply.case_id, 'another', reply.author, sealed),
      isCode('unauthentic'),
    );
    assert.throws(
      () => openReply(new Uint8Array(32), reply.case_id, reply.reply_id, reply.author, sealed),
      isCode('unauthentic'),
    );
  }
});

test('a survey response opens for its analyst with every kind of answer, and not for anyone else', async () => {
  for (const entry of vectors.survey_responses) {
    const key = await readerKey(entry.reader);
    const upload = surveyResponseUploadFromJson(entry.upload);
    const content = await openSurveyResponse(key, entry.reader, upload);
    const expected = JSON.parse(entry.content_json) as { answers: Record<string, unknown>; language: string };
    assert.deepEqual(Object.fromEntries(content.answers), expected.answers);
    assert.equal(content.language, expected.language);
    await assert.rejects(
      openSurveyResponse(await readerKey('hotline-1'), 'hotline-1', upload),
      isCode('not_a_recipient'),
    );
    await assert.rejects(
      openSurveyResponse(key, entry.reader, { ...upload, factoryId: 'factory-2' }),
      isCode('unauthentic'),
    );
    await assert.rejects(
      openSurveyResponse(key, entry.reader, { ...upload, version: upload.version + 1 }),
      isCode('unauthentic'),
    );
    await assert.rejects(
      openSurveyResponse(key, entry.reader, { ...upload, responseId: 'another' }),
      isCode('unauthentic'),
    );
    await assert.rejects(
      openSurveyResponse(key, entry.reader, { ...upload, sealed: flip(upload.sealed, 30) }),
      isCode('unauthentic'),
    );
  }
});

test('a report opens from just the reader’s own wrapped key and the payload, as a hub serving one reader would send', async () => {
  const entry = vectors.submissions[1];
  if (entry === undefined) throw new Error('no second submission');
  const { header, payload } = parseSubmission(fromBase64Url(entry.framed));
  const mine = wrappedFor(header.recipients, 'committee-1');
  const key = await readerKey('committee-1');
  const contentKey = await openContentKey(key, mine, grievanceHpkeInfo(header.clientId), utf8(header.caseId));
  const { json } = openGrievancePayload(contentKey, header.clientId, header.caseId, payload);
  assert.equal(new TextDecoder().decode(json), entry.payload_json);
  await assert.rejects(
    openContentKey(key, mine, grievanceHpkeInfo(header.clientId), utf8('AAAAA-AAAAA')),
    isCode('unauthentic'),
  );
});
