// The console's crypto in a real browser (headless Chromium, driven by
// test/browser.test.ts): opens every vector the Rust core sealed with the
// browser's own WebCrypto, seals replies and wrapped keys for Node to open,
// and measures opening 100 reports. Results go to `window.consoleCryptoResults`.

import { fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from '../../src/crypto/bytes.js';
import { openAttachment } from '../../src/crypto/envelope.js';
import { ConsoleCryptoError } from '../../src/crypto/errors.js';
import { openGrievanceAttachment, openReply, openSubmission, sealReply } from '../../src/crypto/grievance.js';
import { importRecipientKey, openBase, sealBase, sealBaseWith } from '../../src/crypto/hpke.js';
import { openSurveyResponse, surveyResponseUploadFromJson } from '../../src/crypto/survey.js';
import {
  derivePasswordKeys,
  derivePasswordKeysUnchecked,
  keyId,
  newReaderKey,
  openCaseReply,
  openNote,
  openSealedCase,
  unwrapPrivateKey,
  wrapPrivateKeyWithNonce,
} from '../../src/crypto/reader.js';
import type { CoreVectors, HpkeEntry, ReaderVectors, ReplyEntry, Rfc9180Vector } from '../vectors.js';

/** What the page reports back. */
export interface BrowserResults {
  userAgent: string;
  checks: { name: string; ok: boolean; detail: string }[];
  sealed: { hpke: HpkeEntry[]; replies: ReplyEntry[] };
  figures: { name: string; ms: number }[];
}

declare global {
  interface Window {
    consoleCryptoResults?: BrowserResults;
  }
}

const results: BrowserResults = {
  userAgent: navigator.userAgent,
  checks: [],
  sealed: { hpke: [], replies: [] },
  figures: [],
};

async function check(name: string, body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
    results.checks.push({ name, ok: true, detail: '' });
  } catch (error) {
    results.checks.push({
      name,
      ok: false,
      detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error instanceof ConsoleCryptoError && error.code === code, `expected ${code}, got ${String(error)}`);
    return;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice())));
}

async function run(): Promise<void> {
  const rfc = (await (await fetch('/test-vectors/rfc9180-a2-1.json')).json()) as Rfc9180Vector;
  const core = (await (await fetch('/test-vectors/core-sealed.json')).json()) as CoreVectors;
  const readerKey = async (id: string) => {
    const entry = core.readers.find((reader) => reader.id === id);
    if (entry === undefined) throw new Error(`no reader ${id}`);
    const key = await importRecipientKey(fromHex(entry.private_key));
    expect(toHex(key.publicKey) === entry.public_key, 'public key');
    return key;
  };

  await check('RFC 9180 A.2.1 seals and opens byte for byte with the browser’s X25519', async () => {
    const first = rfc.encryptions[0];
    if (first === undefined) throw new Error('no encryption');
    const ephemeral = await importRecipientKey(fromHex(rfc.skEm));
    const sealed = await sealBaseWith(
      ephemeral,
      fromHex(rfc.pkRm),
      fromHex(rfc.info),
      fromHex(first.aad),
      fromHex(first.pt),
    );
    expect(toHex(sealed.enc) === rfc.enc && toHex(sealed.ciphertext) === first.ct, 'RFC ciphertext');
    const recipient = await importRecipientKey(fromHex(rfc.skRm));
    const opened = await openBase(
      recipient,
      fromHex(rfc.enc),
      fromHex(rfc.info),
      fromHex(first.aad),
      fromHex(first.ct),
    );
    expect(toHex(opened) === first.pt, 'RFC plaintext');
  });

  await check('a reader’s private key is not extractable in the browser', async () => {
    const key = await readerKey('hotline-1');
    expect(!key.privateKey.extractable, 'extractable');
    let refused = false;
    await crypto.subtle.exportKey('pkcs8', key.privateKey).catch(() => {
      refused = true;
    });
    expect(refused, 'exported');
  });

  await check('low-order keys are refused by the browser', async () => {
    await expectCode(
      sealBase(new Uint8Array(32), new Uint8Array(0), new Uint8Array(0), new Uint8Array(1)),
      'invalid_key',
    );
    const one = new Uint8Array(32);
    one[0] = 1;
    await expectCode(sealBase(one, new Uint8Array(0), new Uint8Array(0), new Uint8Array(1)), 'invalid_key');
  });

  await check('every HPKE seal of the core opens in the browser, and not with another aad', async () => {
    for (const entry of core.hpke) {
      const key = await readerKey(entry.reader);
      const [enc, info, aad, ct] = [entry.enc, entry.info, entry.aad, entry.ciphertext].map(fromHex) as [
        Uint8Array,
        Uint8Array,
        Uint8Array,
        Uint8Array,
      ];
      expect(toHex(await openBase(key, enc, info, aad, ct)) === entry.plaintext, entry.name);
      await expectCode(openBase(key, enc, info, utf8('another'), ct), 'unauthentic');
    }
  });

  await check('every report the core sealed opens in the browser with its attachments', async () => {
    for (const entry of core.submissions) {
      for (const readerId of entry.readers) {
        const opened = await openSubmission(await readerKey(readerId), readerId, fromBase64Url(entry.framed));
        expect(new TextDecoder().decode(opened.json) === entry.payload_json, `${entry.name}: payload`);
        for (const attachment of entry.attachments) {
          const plain = openGrievanceAttachment(opened, attachment.attachment_id, fromBase64Url(attachment.sealed));
          expect((await sha256Hex(plain)) === attachment.plaintext_sha256, `${entry.name}: attachment`);
        }
      }
      for (const outsider of entry.not_for) {
        await expectCode(
          openSubmission(await readerKey(outsider), outsider, fromBase64Url(entry.framed)),
          'not_a_recipient',
        );
      }
    }
  });

  await check('the core’s replies and survey response open in the browser', async () => {
    for (const reply of core.replies) {
      const text = openReply(
        fromHex(reply.reply_key),
        reply.case_id,
        reply.reply_id,
        reply.author,
        fromBase64Url(reply.sealed),
      );
      expect(text === reply.text, reply.name);
    }
    for (const entry of core.survey_responses) {
      const content = await openSurveyResponse(
        await readerKey(entry.reader),
        entry.reader,
        surveyResponseUploadFromJson(entry.upload),
      );
      const expected = JSON.parse(entry.content_json) as { answers: Record<string, unknown> };
      expect(JSON.stringify(Object.fromEntries(content.answers)) === JSON.stringify(expected.answers), entry.name);
    }
  });

  await check('the browser seals replies and wrapped keys (opened by Node)', async () => {
    const first = core.submissions[0];
    if (first === undefined) throw new Error('no submission');
    const opened = await openSubmission(await readerKey('hotline-1'), 'hotline-1', fromBase64Url(first.framed));
    const caseId = opened.header.caseId;
    const replyId = crypto.randomUUID();
    const text = 'Sealed in Chromium: we will call you after the night shift. Chúng tôi sẽ gọi lại.';
    results.sealed.replies.push({
      name: 'a reply sealed in the browser',
      case_id: caseId,
      reply_id: replyId,
      author: 'handler',
      reply_key: toHex(opened.content.replyKey),
      sealed: toBase64Url(sealReply(opened.content.replyKey, caseId, replyId, 'handler', text)),
      text,
    });
    const analyst = core.readers.find((reader) => reader.id === 'analyst-1');
    if (analyst === undefined) throw new Error('no analyst');
    const plaintext = crypto.getRandomValues(new Uint8Array(32));
    const [info, aad] = [utf8('workervoice/survey-response/v1\nbrowser'), utf8('browser')];
    const sealed = await sealBase(fromHex(analyst.public_key), info, aad, plaintext);
    results.sealed.hpke.push({
      name: 'a key wrapped in the browser',
      reader: 'analyst-1',
      info: toHex(info),
      aad: toHex(aad),
      plaintext: toHex(plaintext),
      enc: toHex(sealed.enc),
      ciphertext: toHex(sealed.ciphertext),
    });
    opened.wipe();
  });

  await check('figures: opening 100 reports in the browser', async () => {
    const first = core.submissions[0];
    if (first === undefined) throw new Error('no submission');
    const framed = fromBase64Url(first.framed);
    let start = performance.now();
    const key = await readerKey('hotline-1');
    results.figures.push({ name: 'import a reader’s key', ms: performance.now() - start });
    (await openSubmission(key, 'hotline-1', framed)).wipe();
    start = performance.now();
    for (let i = 0; i < 100; i++) (await openSubmission(key, 'hotline-1', framed)).wipe();
    results.figures.push({ name: 'open 100 reports (unwrap key + payload)', ms: performance.now() - start });
    start = performance.now();
    for (let i = 0; i < 100; i++) {
      const opened = await openSubmission(key, 'hotline-1', framed);
      for (const a of first.attachments) openGrievanceAttachment(opened, a.attachment_id, fromBase64Url(a.sealed));
      opened.wipe();
    }
    results.figures.push({ name: 'open 100 reports with their 2 attachments (68 KiB)', ms: performance.now() - start });
  });

  const reader = (await (await fetch('/test-vectors/reader.json')).json()) as ReaderVectors;
  const account = reader.account;

  await check('a password gives the wv-reader login and wrap keys with the browser’s PBKDF2 and HKDF', async () => {
    for (const entry of reader.kdf) {
      const start = performance.now();
      const keys = await derivePasswordKeysUnchecked(entry.password, fromHex(entry.salt), entry.iterations);
      results.figures.push({ name: `PBKDF2 + HKDF at ${entry.iterations} iterations`, ms: performance.now() - start });
      expect(toHex(keys.loginKey) === entry.login_key, 'login key');
      expect(toHex(keys.wrapKey) === entry.wrap_key, 'wrap key');
    }
    await expectCode(derivePasswordKeys('long enough password', new Uint8Array(16), 1000), 'malformed');
  });

  await check('the reader’s wrapped private key unwraps in the browser, non-extractable, to its key id', async () => {
    const wrapKey = fromHex(account.wrap_key);
    const wrapped = wrapPrivateKeyWithNonce(
      wrapKey,
      account.account_id,
      fromHex(account.private_key),
      fromHex(account.wrap_nonce),
    );
    expect(toHex(wrapped) === account.wrapped_private_key, 'wrapped private key');
    const key = await unwrapPrivateKey(wrapKey, account.account_id, wrapped, fromHex(account.public_key));
    expect(!key.privateKey.extractable, 'extractable');
    expect((await keyId(key.publicKey)) === account.key_id, 'key id');
    await expectCode(unwrapPrivateKey(wrapKey, 'another-account', wrapped, fromHex(account.public_key)), 'unauthentic');
    const fresh = await newReaderKey(wrapKey, account.account_id);
    expect(fresh.wrappedPrivateKey.length === 61 && !fresh.key.privateKey.extractable, 'new key');
    const again = await unwrapPrivateKey(wrapKey, account.account_id, fresh.wrappedPrivateKey, fresh.key.publicKey);
    expect(toHex(again.publicKey) === toHex(fresh.key.publicKey), 'new key unwraps');
  });

  await check('a case as served opens in the browser: report, replies, note, attachment', async () => {
    const key = await unwrapPrivateKey(
      fromHex(account.wrap_key),
      account.account_id,
      fromHex(account.wrapped_private_key),
      fromHex(account.public_key),
    );
    const served = reader.case.served;
    const caseId = served.summary.case_id;
    const opened = await openSealedCase(key, {
      caseId,
      clientId: served.client_id,
      payload: fromBase64Url(served.payload),
      enc: fromBase64Url(served.enc),
      wrappedKey: fromBase64Url(served.wrapped_key),
    });
    expect(opened.content.text === reader.case.content.text, 'report text');
    for (const event of served.events) {
      if (event.reply === undefined || event.reply_id === undefined || event.author === undefined) continue;
      const text = openCaseReply(opened.content.replyKey, caseId, {
        reply_id: event.reply_id,
        author: event.author,
        reply: event.reply,
      });
      expect(reader.case.replies.some((reply) => reply.seq === event.seq && reply.text === text), 'reply');
    }
    const [note] = served.notes;
    if (note === undefined) throw new Error('no note');
    expect((await openNote(key, caseId, note)) === reader.case.note.text, 'note');
    const attachment = reader.case.attachment;
    const plain = openAttachment(opened.contentKey, served.client_id, attachment.attachment_id, fromHex(attachment.sealed));
    expect(toHex(plain) === attachment.plaintext, 'attachment');
    opened.wipe();
  });
}

void run()
  .catch((error: unknown) => {
    results.checks.push({ name: 'the page ran', ok: false, detail: String(error) });
  })
  .finally(() => {
    window.consoleCryptoResults = results;
    const state = document.getElementById('state');
    if (state !== null) state.textContent = 'done';
  });
