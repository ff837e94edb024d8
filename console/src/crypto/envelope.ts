/**
 * The Worker Voice envelope (`workervoice_protocol::envelope`): a
 * ChaCha20-Poly1305 seal under a 32-byte key with a random 96-bit nonce, as
 * `version (1) = 0x01 || nonce (12) || ciphertext || tag (16)`, and the
 * associated-data strings that say what each sealed thing is, so a payload
 * cannot pass for a reply, one case's reply for another's, or chunk 3 of an
 * attachment for chunk 4. The byte layouts are specified in `FORMATS.md`.
 */

import { chacha20poly1305 } from '@noble/ciphers/chacha.js';

import { concat, utf8 } from './bytes.js';
import { ConsoleCryptoError } from './errors.js';

/** Version byte of an envelope. */
export const ENVELOPE_VERSION = 1;
/** Length of the random nonce. */
export const ENVELOPE_NONCE_LEN = 12;
/** Length of the Poly1305 tag. */
export const ENVELOPE_TAG_LEN = 16;
/** Bytes an envelope adds to its plaintext: 1 + 12 + 16. */
export const ENVELOPE_OVERHEAD = 1 + ENVELOPE_NONCE_LEN + ENVELOPE_TAG_LEN;
/** Plaintext bytes per attachment chunk (the last may be shorter). */
export const ATTACHMENT_CHUNK = 64 * 1024;
/** Length of a content key or reply key. */
export const KEY_LEN = 32;

/** Who wrote a reply (`workervoice_protocol::grievance::Author`). */
export type Author = 'handler' | 'worker';

/** HPKE `info` of a submission's wrapped content key: `"workervoice/grievance/v1\n" || client_id`. */
export function grievanceHpkeInfo(clientId: string): Uint8Array {
  return utf8(`workervoice/grievance/v1\n${clientId}`);
}

/** Associated data of a submission's payload. */
export function payloadAad(clientId: string, caseId: string): Uint8Array {
  return utf8(`workervoice/grievance-payload/v1\n${clientId}\n${caseId}`);
}

/** Associated data of one attachment chunk (`index` from 0; `last` as `1`/`0`). */
export function chunkAad(clientId: string, attachmentId: string, index: number, last: boolean): Uint8Array {
  return utf8(`workervoice/attachment/v1\n${clientId}\n${attachmentId}\n${index}\n${last ? 1 : 0}`);
}

/** Associated data of a reply. */
export function replyAad(caseId: string, replyId: string, author: Author): Uint8Array {
  return utf8(`workervoice/reply/v1\n${caseId}\n${replyId}\n${author}`);
}

/** HPKE `info` of a survey response's wrapped content key. */
export function responseHpkeInfo(responseId: string): Uint8Array {
  return utf8(`workervoice/survey-response/v1\n${responseId}`);
}

/** Associated data of a survey response's sealed content: the clear fields it belongs to. */
export function responseAad(responseId: string, surveyId: string, version: number, factoryId: string): Uint8Array {
  return utf8(`workervoice/survey-response/v1\n${responseId}\n${surveyId}\n${version}\n${factoryId}`);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_LEN) throw new ConsoleCryptoError('invalid_key', 'envelope key length');
}

/** Seals `plaintext` under a 32-byte `key` with associated data `aad`, with a fresh random nonce. */
export function sealEnvelope(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkKey(key);
  const nonce = crypto.getRandomValues(new Uint8Array(ENVELOPE_NONCE_LEN));
  return sealEnvelopeWithNonce(key, nonce, aad, plaintext);
}

/** {@link sealEnvelope} with a given nonce, for known-answer tests only: never reuse a nonce under a key. */
export function sealEnvelopeWithNonce(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  checkKey(key);
  if (nonce.length !== ENVELOPE_NONCE_LEN) throw new ConsoleCryptoError('malformed', 'nonce length');
  const sealed = chacha20poly1305(key, nonce, aad).encrypt(plaintext);
  return concat(new Uint8Array([ENVELOPE_VERSION]), nonce, sealed);
}

/**
 * Opens what {@link sealEnvelope} (or the core's `envelope::seal`) made with
 * the same key and `aad`. Errors: `malformed` when shorter than the overhead
 * or of another version, `unauthentic` when the tag does not verify.
 */
export function openEnvelope(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  checkKey(key);
  if (sealed.length < ENVELOPE_OVERHEAD || sealed[0] !== ENVELOPE_VERSION) {
    throw new ConsoleCryptoError('malformed', 'envelope');
  }
  const nonce = sealed.subarray(1, 1 + ENVELOPE_NONCE_LEN);
  try {
    return chacha20poly1305(key, nonce, aad).decrypt(sealed.subarray(1 + ENVELOPE_NONCE_LEN));
  } catch {
    throw new ConsoleCryptoError('unauthentic', 'envelope');
  }
}

/**
 * Seals an attachment as the core does: chunks of {@link ATTACHMENT_CHUNK}
 * plaintext bytes, each an envelope bound to its index and to whether it is
 * the last, concatenated. An empty attachment is one empty chunk.
 */
export function sealAttachment(
  key: Uint8Array,
  clientId: string,
  attachmentId: string,
  plaintext: Uint8Array,
): Uint8Array {
  const count = Math.max(1, Math.ceil(plaintext.length / ATTACHMENT_CHUNK));
  const parts: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const chunk = plaintext.subarray(index * ATTACHMENT_CHUNK, (index + 1) * ATTACHMENT_CHUNK);
    parts.push(sealEnvelope(key, chunkAad(clientId, attachmentId, index, index + 1 === count), chunk));
  }
  return concat(...parts);
}

/**
 * Opens an attachment sealed by {@link sealAttachment} or the core; refuses
 * one truncated at a chunk boundary, reordered, extended or of another
 * attachment (`unauthentic`), and an empty one (`malformed`).
 */
export function openAttachment(
  key: Uint8Array,
  clientId: string,
  attachmentId: string,
  sealed: Uint8Array,
): Uint8Array {
  const sealedChunk = ATTACHMENT_CHUNK + ENVELOPE_OVERHEAD;
  const count = Math.ceil(sealed.length / sealedChunk);
  if (count === 0) throw new ConsoleCryptoError('malformed', 'empty attachment');
  const out = new Uint8Array(Math.max(0, sealed.length - count * ENVELOPE_OVERHEAD));
  let offset = 0;
  for (let index = 0; index < count; index++) {
    const part = sealed.subarray(index * sealedChunk, (index + 1) * sealedChunk);
    const plain = openEnvelope(key, chunkAad(clientId, attachmentId, index, index + 1 === count), part);
    out.set(plain, offset);
    offset += plain.length;
    plain.fill(0);
  }
  return out.subarray(0, offset);
}
