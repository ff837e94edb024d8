/**
 * A reader's own keys (ADR 0015, FORMATS.md §8): the password becomes a
 * login key (the only thing sent to the hub) and a wrap key (never sent),
 * and the reader's X25519 private key travels only wrapped under the wrap
 * key. The same bytes as `reader/src/account.rs` and `reader/src/open.rs`
 * in the `wv-reader` crate; checked against `console/test-vectors/reader.json`.
 *
 * The password, the PBKDF2 output and the wrap key live as `Uint8Array`s or
 * non-extractable WebCrypto keys for one call and are overwritten after use
 * (which JavaScript cannot guarantee). The unwrapped private key is imported
 * at once as a non-extractable `CryptoKey` and its bytes overwritten.
 */

import { concat, equalBytes, fromBase64Url, fromUtf8, toHex, utf8, wipe } from './bytes.js';
import { KEY_LEN, grievanceHpkeInfo, openEnvelope, sealEnvelope, sealEnvelopeWithNonce } from './envelope.js';
import { ConsoleCryptoError } from './errors.js';
import { type GrievanceContent, openContentKey, openGrievancePayload, openReply } from './grievance.js';
import { type RecipientKey, X25519_LEN, importRecipientKey, openBase, sealBase } from './hpke.js';

/** HKDF `info` of the login key. */
export const LOGIN_INFO = 'workervoice/reader/login/v1';
/** HKDF `info` of the wrap key. */
export const WRAP_INFO = 'workervoice/reader/wrap/v1';
/** Fewest PBKDF2 iterations a client accepts from a hub (and what new passwords use). */
export const MIN_KDF_ITERATIONS = 600_000;
/** Most PBKDF2 iterations a client accepts (a hub cannot make sign-in hang). */
export const MAX_KDF_ITERATIONS = 10_000_000;
/** Length of a KDF salt the console makes. */
export const KDF_SALT_LEN = 16;
/** Shortest password, in Unicode scalar values. */
export const MIN_PASSWORD_CHARS = 12;
/** Longest password, in UTF-8 bytes. */
export const MAX_PASSWORD_BYTES = 1024;

/** What a password gives: the login key (sent) and the wrap key (kept). */
export interface PasswordKeys {
  /** 32 bytes; its base64 is what the hub hashes. */
  readonly loginKey: Uint8Array;
  /** 32 bytes; opens the wrapped private key. Never leaves the page. */
  readonly wrapKey: Uint8Array;
}

function subtle(): SubtleCrypto {
  const found = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (found === undefined) throw new ConsoleCryptoError('unsupported', 'no WebCrypto (not a secure context?)');
  return found;
}

/** Whether a password meets the rule readers are told (12 characters to 1024 bytes). */
export function acceptablePassword(password: string): boolean {
  return [...password].length >= MIN_PASSWORD_CHARS && utf8(password).length <= MAX_PASSWORD_BYTES;
}

/**
 * PBKDF2-HMAC-SHA256 then two HKDF-SHA256 expansions (§8.1), refusing an
 * iteration count outside 600,000–10,000,000 so a hub cannot talk the
 * console down to a cheap KDF (`malformed`).
 */
export async function derivePasswordKeys(password: string, salt: Uint8Array, iterations: number): Promise<PasswordKeys> {
  if (!Number.isInteger(iterations) || iterations < MIN_KDF_ITERATIONS || iterations > MAX_KDF_ITERATIONS) {
    throw new ConsoleCryptoError('malformed', 'KDF iterations out of range');
  }
  return derivePasswordKeysUnchecked(password, salt, iterations);
}

/** {@link derivePasswordKeys} with any iteration count: for the vectors' cheap case only. */
export async function derivePasswordKeysUnchecked(
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<PasswordKeys> {
  const passwordBytes = concat(utf8(password));
  let master: Uint8Array<ArrayBuffer> | undefined;
  try {
    const base = await subtle().importKey('raw', passwordBytes, 'PBKDF2', false, ['deriveBits']);
    master = new Uint8Array(
      await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: concat(salt), iterations }, base, 256),
    );
    const hkdf = await subtle().importKey('raw', master, 'HKDF', false, ['deriveBits']);
    const expand = async (info: string) =>
      new Uint8Array(
        await subtle().deriveBits(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: concat(utf8(info)) },
          hkdf,
          256,
        ),
      );
    return { loginKey: await expand(LOGIN_INFO), wrapKey: await expand(WRAP_INFO) };
  } catch (error) {
    if (error instanceof ConsoleCryptoError) throw error;
    throw new ConsoleCryptoError('unsupported', 'PBKDF2 or HKDF');
  } finally {
    wipe(passwordBytes);
    if (master !== undefined) wipe(master);
  }
}

/** `"workervoice/reader/private-key/v1\n" || account_id`: binds a wrapped key to its account. */
export function privateKeyAad(accountId: string): Uint8Array {
  return utf8(`workervoice/reader/private-key/v1\n${accountId}`);
}

/** `hex(SHA-256(public key)[0..16])`: how directories and survey documents name a reader. */
export async function keyId(publicKey: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', concat(publicKey)));
  return toHex(digest.subarray(0, 16));
}

/** A new key pair as the console makes it at acceptance, with the raw private key to wrap once. */
export interface NewReaderKey {
  /** The key for this page (non-extractable). */
  readonly key: RecipientKey;
  /** The private key wrapped under the wrap key (61 bytes), to send to the hub. */
  readonly wrappedPrivateKey: Uint8Array;
  /** {@link keyId} of the public key. */
  readonly keyId: string;
}

/**
 * Makes a reader key pair (32 random bytes as the X25519 scalar), wraps the
 * private key under `wrapKey` for `accountId`, imports it non-extractable and
 * overwrites the raw bytes. WebCrypto's own `generateKey` cannot serve: a
 * key made non-extractable could not be wrapped, and an extractable one would
 * stay readable.
 */
export async function newReaderKey(wrapKey: Uint8Array, accountId: string): Promise<NewReaderKey> {
  const raw = crypto.getRandomValues(new Uint8Array(X25519_LEN));
  const wrappedPrivateKey = sealEnvelope(wrapKey, privateKeyAad(accountId), raw);
  const key = await importRecipientKey(raw); // overwrites raw
  return { key, wrappedPrivateKey, keyId: await keyId(key.publicKey) };
}

/** Wraps a given private key with a given nonce: for the known-answer vector only. */
export function wrapPrivateKeyWithNonce(
  wrapKey: Uint8Array,
  accountId: string,
  privateKey: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  return sealEnvelopeWithNonce(wrapKey, nonce, privateKeyAad(accountId), privateKey);
}

/**
 * Opens the wrapped private key the hub returns at sign-in, imports it
 * non-extractable, and checks its public key is the account's
 * (`invalid_key` otherwise: a hub cannot slip in another key pair).
 * `unauthentic` for a wrong password or another account's wrapped key.
 */
export async function unwrapPrivateKey(
  wrapKey: Uint8Array,
  accountId: string,
  wrapped: Uint8Array,
  expectedPublicKey: Uint8Array,
): Promise<RecipientKey> {
  const raw = openEnvelope(wrapKey, privateKeyAad(accountId), wrapped);
  if (raw.length !== X25519_LEN) {
    wipe(raw);
    throw new ConsoleCryptoError('malformed', 'private key length');
  }
  const key = await importRecipientKey(raw); // overwrites raw
  if (!equalBytes(key.publicKey, expectedPublicKey)) throw new ConsoleCryptoError('invalid_key', 'not the account’s key');
  return key;
}

/** A case as the hub serves it to one reader (`SealedCase`, §8.4), binary fields decoded. */
export interface SealedCase {
  readonly caseId: string;
  readonly clientId: string;
  readonly payload: Uint8Array;
  readonly enc: Uint8Array;
  readonly wrappedKey: Uint8Array;
}

/** An opened case: the report and the keys to open its replies and attachments. */
export interface OpenedCase {
  readonly content: GrievanceContent;
  /** The content key (opens attachments). */
  readonly contentKey: Uint8Array;
  /** Overwrites the keys and the report's bytes held here. */
  wipe(): void;
}

/** Steps 1–2 of §8.4: the content key with this reader's HPKE share, then the payload. */
export async function openSealedCase(key: RecipientKey, sealed: SealedCase): Promise<OpenedCase> {
  const contentKey = await openContentKey(
    key,
    { handlerId: '', enc: sealed.enc, wrappedKey: sealed.wrappedKey },
    grievanceHpkeInfo(sealed.clientId),
    utf8(sealed.caseId),
  );
  try {
    const { content, json } = openGrievancePayload(contentKey, sealed.clientId, sealed.caseId, sealed.payload);
    wipe(json);
    return {
      content,
      contentKey,
      wipe() {
        wipe(contentKey, content.replyKey);
      },
    };
  } catch (error) {
    wipe(contentKey);
    throw error;
  }
}

/** A reply event's sealed text opened with the case's reply key (§8.4 step 3). */
export function openCaseReply(
  replyKey: Uint8Array,
  caseId: string,
  event: { reply_id: string; author: 'handler' | 'worker'; reply: string },
): string {
  return openReply(replyKey, caseId, event.reply_id, event.author, fromBase64Url(event.reply));
}

/** An internal note as served (`SealedCase.notes[]`), binary fields base64. */
export interface SealedNote {
  readonly note_id: string;
  readonly enc: string;
  readonly wrapped_key: string;
  readonly sealed: string;
}

/** Opens an internal note with this reader's share (§8.5). */
export async function openNote(key: RecipientKey, caseId: string, note: SealedNote): Promise<string> {
  const noteKey = await openBase(
    key,
    fromBase64Url(note.enc),
    utf8(`workervoice/reader/note/v1\n${caseId}`),
    utf8(note.note_id),
    fromBase64Url(note.wrapped_key),
  );
  try {
    if (noteKey.length !== KEY_LEN) throw new ConsoleCryptoError('malformed', 'note key length');
    const plain = openEnvelope(noteKey, noteTextAad(caseId, note.note_id), fromBase64Url(note.sealed));
    try {
      return fromUtf8(plain);
    } finally {
      wipe(plain);
    }
  } finally {
    wipe(noteKey);
  }
}

/** `"workervoice/reader/note-text/v1\n" || case_id || "\n" || note_id`. */
export function noteTextAad(caseId: string, noteId: string): Uint8Array {
  return utf8(`workervoice/reader/note-text/v1\n${caseId}\n${noteId}`);
}

/** One reader of a route, as `GET …/readers` answers. */
export interface RouteReader {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
}

/**
 * Seals a note to every reader of the route (§8.5), after checking each key
 * id against its public key (`invalid_key` otherwise).
 */
export async function sealNote(
  caseId: string,
  noteId: string,
  text: string,
  readers: readonly RouteReader[],
): Promise<{ sealed: Uint8Array; recipients: { keyId: string; enc: Uint8Array; wrappedKey: Uint8Array }[] }> {
  const noteKey = crypto.getRandomValues(new Uint8Array(KEY_LEN));
  try {
    const recipients = [];
    for (const reader of readers) {
      if ((await keyId(reader.publicKey)) !== reader.keyId) throw new ConsoleCryptoError('invalid_key', 'key id');
      const { enc, ciphertext } = await sealBase(
        reader.publicKey,
        utf8(`workervoice/reader/note/v1\n${caseId}`),
        utf8(noteId),
        noteKey,
      );
      recipients.push({ keyId: reader.keyId, enc, wrappedKey: ciphertext });
    }
    return { sealed: sealEnvelope(noteKey, noteTextAad(caseId, noteId), utf8(text)), recipients };
  } finally {
    wipe(noteKey);
  }
}
