// What the console seals for the device and the hub to open: content keys
// wrapped with HPKE and handlers' replies. The committed file
// (console/test-vectors/console-sealed.json) is opened by
// core/tests/console_vectors.rs with the core's own code (replies through the
// device's `decrypt_thread`). Sealing is random, so the file is rewritten only
// on request (`scripts/test-console --update-vectors`); otherwise this test
// checks it still matches the fixture below and opens here.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from '../src/crypto/bytes.js';
import { grievanceHpkeInfo, responseHpkeInfo } from '../src/crypto/envelope.js';
import { openReply, openSubmission, sealReply } from '../src/crypto/grievance.js';
import { importRecipientKey, openBase, sealBase } from '../src/crypto/hpke.js';
import {
  type ConsoleVectors,
  type CoreVectors,
  type HpkeEntry,
  type ReplyEntry,
  readVectors,
  updating,
  writeVectors,
} from './vectors.js';

const FORMAT = 'workervoice/console-vectors/console-sealed/v1';
const core = readVectors<CoreVectors>('core-sealed.json');

/** What the console seals: the inputs, without the random parts. */
interface HpkeFixture {
  name: string;
  reader: string;
  info: Uint8Array;
  aad: Uint8Array;
  plaintext: Uint8Array;
}

const pattern = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);

const hpkeFixtures: HpkeFixture[] = [
  {
    name: 'a grievance content key wrapped again by a handler to a colleague',
    reader: 'committee-1',
    info: grievanceHpkeInfo('6f1c1a39-2a43-4b6e-9a7f-0d5f3c2b1a00'),
    aad: utf8('K7Q2M-9XD4R'),
    plaintext: pattern(32, 21),
  },
  {
    name: 'a survey content key wrapped to an analyst',
    reader: 'analyst-1',
    info: responseHpkeInfo('0c2d3e4f-5061-4728-9a3b-4c5d6e7f8091'),
    aad: utf8('0c2d3e4f-5061-4728-9a3b-4c5d6e7f8091'),
    plaintext: pattern(32, 22),
  },
  {
    name: 'an empty plaintext with empty info and aad',
    reader: 'hotline-1',
    info: new Uint8Array(0),
    aad: new Uint8Array(0),
    plaintext: new Uint8Array(0),
  },
  {
    name: 'a thousand bytes',
    reader: 'hotline-1',
    info: utf8('workervoice test info'),
    aad: utf8('case 42'),
    plaintext: pattern(1000, 23),
  },
];

const replyFixtures: { name: string; replyId: string; text: string }[] = [
  {
    name: 'a handler’s reply sealed in the browser',
    replyId: 'a0b1c2d3-e4f5-4a6b-8c7d-8e9fa0b1c2d3',
    text: 'We will visit the factory on Monday. Chúng tôi sẽ đến vào thứ Hai.',
  },
  {
    name: 'a handler’s reply in Khmer and Arabic',
    replyId: 'b1c2d3e4-f5a6-4b7c-9d8e-9fa0b1c2d3e4',
    text: 'យើងបានទទួលរបាយការណ៍របស់អ្នក — تلقينا بلاغك',
  },
  { name: 'a handler’s reply of one character', replyId: 'c2d3e4f5-a6b7-4c8d-8e9f-a0b1c2d3e4f5', text: '.' },
];

function publicKeyOf(readerId: string): Uint8Array {
  const reader = core.readers.find((entry) => entry.id === readerId);
  if (reader === undefined) throw new Error(`no reader ${readerId}`);
  return fromHex(reader.public_key);
}

async function theFirstCase(): Promise<{ replyKey: Uint8Array; caseId: string }> {
  const submission = core.submissions[0];
  if (submission === undefined) throw new Error('no submission in the core vectors');
  const reader = core.readers.find((entry) => entry.id === 'hotline-1');
  if (reader === undefined) throw new Error('no hotline reader');
  const opened = await openSubmission(
    await importRecipientKey(fromHex(reader.private_key)),
    'hotline-1',
    fromBase64Url(submission.framed),
  );
  return { replyKey: opened.content.replyKey, caseId: opened.header.caseId };
}

async function sealAll(): Promise<ConsoleVectors> {
  const hpke: HpkeEntry[] = [];
  for (const fixture of hpkeFixtures) {
    const sealed = await sealBase(publicKeyOf(fixture.reader), fixture.info, fixture.aad, fixture.plaintext);
    hpke.push({
      name: fixture.name,
      reader: fixture.reader,
      info: toHex(fixture.info),
      aad: toHex(fixture.aad),
      plaintext: toHex(fixture.plaintext),
      enc: toHex(sealed.enc),
      ciphertext: toHex(sealed.ciphertext),
    });
  }
  const { replyKey, caseId } = await theFirstCase();
  const replies: ReplyEntry[] = replyFixtures.map((fixture) => ({
    name: fixture.name,
    case_id: caseId,
    reply_id: fixture.replyId,
    author: 'handler',
    reply_key: toHex(replyKey),
    sealed: toBase64Url(sealReply(replyKey, caseId, fixture.replyId, 'handler', fixture.text)),
    text: fixture.text,
  }));
  return {
    format: FORMAT,
    about:
      'Sealed by the console (console/test/console-vectors.test.ts) to the test readers of core-sealed.json; ' +
      'opened by core/tests/console_vectors.rs with the core. Test keys only.',
    hpke,
    replies,
  };
}

/** The fixture part of a vectors file: what must not change without a rewrite. */
function inputsOf(vectors: ConsoleVectors): unknown {
  return {
    format: vectors.format,
    hpke: vectors.hpke.map((entry) => [entry.name, entry.reader, entry.info, entry.aad, entry.plaintext]),
    replies: vectors.replies.map((entry) => [
      entry.name,
      entry.case_id,
      entry.reply_id,
      entry.author,
      entry.reply_key,
      entry.text,
    ]),
  };
}

async function checkOpens(vectors: ConsoleVectors): Promise<void> {
  for (const entry of vectors.hpke) {
    const reader = core.readers.find((candidate) => candidate.id === entry.reader);
    if (reader === undefined) throw new Error(`no reader ${entry.reader}`);
    const key = await importRecipientKey(fromHex(reader.private_key));
    const opened = await openBase(
      key,
      fromHex(entry.enc),
      fromHex(entry.info),
      fromHex(entry.aad),
      fromHex(entry.ciphertext),
    );
    assert.equal(toHex(opened), entry.plaintext, entry.name);
  }
  for (const entry of vectors.replies) {
    assert.equal(
      openReply(fromHex(entry.reply_key), entry.case_id, entry.reply_id, entry.author, fromBase64Url(entry.sealed)),
      entry.text,
    );
  }
}

test('the console-sealed vectors are current and open in the console', async () => {
  const fresh = await sealAll();
  await checkOpens(fresh);
  if (updating) {
    writeVectors('console-sealed.json', fresh);
    return;
  }
  let committed: ConsoleVectors;
  try {
    committed = readVectors<ConsoleVectors>('console-sealed.json');
  } catch {
    assert.fail(
      'console/test-vectors/console-sealed.json is missing: run `scripts/test-console --update-vectors` and commit it',
    );
  }
  assert.deepEqual(
    inputsOf(committed),
    inputsOf(fresh),
    'console/test-vectors/console-sealed.json is stale (the fixture or the core vectors changed): ' +
      'run `scripts/test-console --update-vectors`, then `cargo test -p workervoice-core --test console_vectors`, and commit',
  );
  await checkOpens(committed);
});
