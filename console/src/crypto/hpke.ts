/**
 * HPKE (RFC 9180) base mode, single shot, for the one suite the core uses:
 * DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305
 * (kem_id 0x0020, kdf_id 0x0001, aead_id 0x0003). The same bytes as
 * `core/src/crypto/hpke.rs` and the `hpke` crate the hub uses.
 *
 * Built from WebCrypto where it has the primitive (X25519 key agreement,
 * HMAC-SHA256 for HKDF's Extract and Expand, random numbers) and
 * `@noble/ciphers` where it does not (ChaCha20-Poly1305: WebCrypto has only
 * AES). A reader's X25519 private key is held as a non-extractable
 * `CryptoKey`: script on the page can use it while the page lives, but not
 * read its bytes.
 *
 * What this protects against: anyone without the recipient's private key
 * reading what was sealed (the hub that relays it included); a ciphertext
 * altered, or presented with another `info`, `aad` or encapsulated key (the
 * tag does not verify); a low-order key that would make the shared secret
 * predictable (refused, RFC 9180 §7.1.4).
 *
 * What it does not: base mode does not authenticate the sender; a substituted
 * recipient key (take keys only from the signed directory); code on the page
 * itself (whoever serves the page's script can use the key: see the console
 * README). Secrets other than the private key (DH output, shared secret, AEAD
 * key, content keys) exist as `Uint8Array`s for one call and are overwritten
 * after use, which JavaScript cannot make a guarantee. Only sequence number 0
 * is used (one message per encapsulation); no export, PSK or auth modes.
 */

import { chacha20poly1305 } from '@noble/ciphers/chacha.js';

import { concat, utf8, wipe } from './bytes.js';
import { ConsoleCryptoError } from './errors.js';

/** Length of an X25519 key, of `enc` and of the DH output (Npk, Nenc, Ndh). */
export const X25519_LEN = 32;
/** Nsecret = Nh = Nk = 32 for this suite. */
const SECRET_LEN = 32;
/** Nn of ChaCha20-Poly1305. */
const NONCE_LEN = 12;
/** Nt of ChaCha20-Poly1305. */
export const HPKE_TAG_LEN = 16;

const KEM_ID = 0x0020;
const KDF_ID = 0x0001;
const AEAD_ID = 0x0003;
const MODE_BASE = 0x00;

/** RFC 9180 §4.1: `"KEM" || I2OSP(kem_id, 2)`. */
const KEM_SUITE_ID = concat(utf8('KEM'), i2osp2(KEM_ID));
/** RFC 9180 §5.1: `"HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`. */
const HPKE_SUITE_ID = concat(utf8('HPKE'), i2osp2(KEM_ID), i2osp2(KDF_ID), i2osp2(AEAD_ID));

// Labels fixed by RFC 9180 (§4, §4.1, §5.1).
const VERSION_LABEL = utf8('HPKE-v1');
const LABEL_EAE_PRK = utf8('eae_prk');
const LABEL_SHARED_SECRET = utf8('shared_secret');
const LABEL_PSK_ID_HASH = utf8('psk_id_hash');
const LABEL_INFO_HASH = utf8('info_hash');
const LABEL_SECRET = utf8('secret');
const LABEL_KEY = utf8('key');
const LABEL_BASE_NONCE = utf8('base_nonce');

/** The u-coordinate 9 of Curve25519's base point: X25519(sk, 9) is sk's public key. */
const BASE_POINT = (() => {
  const point = new Uint8Array(X25519_LEN);
  point[0] = 9;
  return point;
})();

/**
 * DER of a PKCS #8 `PrivateKeyInfo` for X25519 (RFC 8410) up to the key:
 * SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.110 }, OCTET STRING { OCTET STRING (32) } }.
 * WebCrypto imports a raw X25519 private key only in this form or as a JWK,
 * and the JWK form would need the public key first.
 */
const PKCS8_X25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

function i2osp2(value: number): Uint8Array {
  return new Uint8Array([(value >> 8) & 0xff, value & 0xff]);
}

/** The bytes as WebCrypto's `BufferSource` (copied only if they live in a shared buffer). */
function source(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

function subtle(): SubtleCrypto {
  const found = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (found === undefined) throw new ConsoleCryptoError('unsupported', 'no WebCrypto (not a secure context?)');
  return found;
}

/**
 * A reader's (handler's or analyst's) X25519 key pair for opening: the
 * private key as a non-extractable `CryptoKey`, and its public key.
 */
export interface RecipientKey {
  /** X25519 private key; `extractable` is false. */
  readonly privateKey: CryptoKey;
  /** The 32-byte public key (X25519 of the private key and the base point). */
  readonly publicKey: Uint8Array;
}

/** X25519 of `privateKey` and the public key `peer`, refusing an all-zero result. */
async function diffieHellman(privateKey: CryptoKey, peer: Uint8Array): Promise<Uint8Array> {
  if (peer.length !== X25519_LEN) throw new ConsoleCryptoError('invalid_key', 'X25519 key length');
  let shared: Uint8Array;
  try {
    const peerKey = await subtle().importKey('raw', source(peer), { name: 'X25519' }, true, []);
    shared = new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: peerKey }, privateKey, 256));
  } catch (error) {
    if (error instanceof ConsoleCryptoError) throw error;
    // WebCrypto refuses an all-zero output (a low-order peer) with an
    // OperationError; a browser without X25519 with NotSupportedError.
    if (error instanceof DOMException && error.name === 'NotSupportedError') {
      throw new ConsoleCryptoError('unsupported', 'X25519');
    }
    throw new ConsoleCryptoError('invalid_key', 'X25519 agreement');
  }
  // Checked again here so the rule does not rest on the browser (§7.1.4).
  if (shared.every((byte) => byte === 0)) throw new ConsoleCryptoError('invalid_key', 'low-order key');
  return shared;
}

/**
 * Imports a 32-byte X25519 private key (as the hub and core store it: the
 * raw scalar, clamped at use) as a non-extractable `CryptoKey`, and computes
 * its public key. Overwrites `raw` once imported, so the only copy left is
 * inside WebCrypto.
 */
export async function importRecipientKey(raw: Uint8Array): Promise<RecipientKey> {
  if (raw.length !== X25519_LEN) throw new ConsoleCryptoError('invalid_key', 'X25519 private key length');
  const pkcs8 = concat(PKCS8_X25519_PREFIX, raw);
  let privateKey: CryptoKey;
  try {
    privateKey = await subtle().importKey('pkcs8', source(pkcs8), { name: 'X25519' }, false, ['deriveBits']);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotSupportedError') {
      throw new ConsoleCryptoError('unsupported', 'X25519');
    }
    throw new ConsoleCryptoError('invalid_key', 'X25519 private key import');
  } finally {
    wipe(pkcs8, raw);
  }
  const publicKey = await diffieHellman(privateKey, BASE_POINT);
  return { privateKey, publicKey };
}

/** A fresh X25519 key pair whose private key never leaves WebCrypto. */
export async function generateRecipientKey(): Promise<RecipientKey> {
  const pair = (await subtle().generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

/** HMAC-SHA256(key, message) with WebCrypto. An empty key is HashLen zeros (RFC 5869 §2.2). */
async function hmacSha256(key: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  // WebCrypto refuses a zero-length HMAC key; HMAC pads any key shorter than
  // the block with zeros, so 32 zero bytes is the same key as none.
  const keyBytes = key.length === 0 ? new Uint8Array(SECRET_LEN) : key;
  const hmacKey = await subtle().importKey('raw', source(keyBytes), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', hmacKey, source(message)));
}

/** RFC 9180 §4 `LabeledExtract(salt, label, ikm)`. */
async function labeledExtract(
  suiteId: Uint8Array,
  salt: Uint8Array,
  label: Uint8Array,
  ikm: Uint8Array,
): Promise<Uint8Array> {
  const labeledIkm = concat(VERSION_LABEL, suiteId, label, ikm);
  try {
    return await hmacSha256(salt, labeledIkm);
  } finally {
    wipe(labeledIkm);
  }
}

/**
 * RFC 9180 §4 `LabeledExpand(prk, label, info, L)` for L ≤ 32: HKDF-Expand's
 * first block, `T(1) = HMAC(prk, labeled_info || 0x01)`, cut to L.
 */
async function labeledExpand(
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const block = await hmacSha256(prk, concat(i2osp2(length), VERSION_LABEL, suiteId, label, info, new Uint8Array([1])));
  const out = block.slice(0, length);
  wipe(block);
  return out;
}

/**
 * DHKEM's `ExtractAndExpand(dh, kem_context = enc || pkRm)` (RFC 9180 §4.1):
 * the KEM shared secret. Exported for the RFC's known-answer test.
 */
export async function extractAndExpand(dh: Uint8Array, enc: Uint8Array, pkR: Uint8Array): Promise<Uint8Array> {
  const eaePrk = await labeledExtract(KEM_SUITE_ID, new Uint8Array(0), LABEL_EAE_PRK, dh);
  try {
    return await labeledExpand(KEM_SUITE_ID, eaePrk, LABEL_SHARED_SECRET, concat(enc, pkR), SECRET_LEN);
  } finally {
    wipe(eaePrk);
  }
}

/** The AEAD key and base nonce of a context (RFC 9180 §5.1, base mode, no exporter). */
export interface KeySchedule {
  /** ChaCha20-Poly1305 key. */
  readonly key: Uint8Array;
  /** Nonce of sequence number 0. */
  readonly baseNonce: Uint8Array;
}

/** `KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "")`. Exported for the known-answer test. */
export async function keySchedule(sharedSecret: Uint8Array, info: Uint8Array): Promise<KeySchedule> {
  const empty = new Uint8Array(0);
  const pskIdHash = await labeledExtract(HPKE_SUITE_ID, empty, LABEL_PSK_ID_HASH, empty);
  const infoHash = await labeledExtract(HPKE_SUITE_ID, empty, LABEL_INFO_HASH, info);
  const context = concat(new Uint8Array([MODE_BASE]), pskIdHash, infoHash);
  const secret = await labeledExtract(HPKE_SUITE_ID, sharedSecret, LABEL_SECRET, empty);
  try {
    const key = await labeledExpand(HPKE_SUITE_ID, secret, LABEL_KEY, context, SECRET_LEN);
    const baseNonce = await labeledExpand(HPKE_SUITE_ID, secret, LABEL_BASE_NONCE, context, NONCE_LEN);
    return { key, baseNonce };
  } finally {
    wipe(secret);
  }
}

/** What {@link sealBase} produces: the encapsulated key and the ciphertext with its tag. */
export interface HpkeSealed {
  /** The ephemeral X25519 public key (`enc`), 32 bytes. */
  readonly enc: Uint8Array;
  /** The AEAD ciphertext: the plaintext's length plus 16. */
  readonly ciphertext: Uint8Array;
}

/** An ephemeral sender key pair, for {@link sealBaseWith}. */
export interface EphemeralKey {
  /** X25519 private key. */
  readonly privateKey: CryptoKey;
  /** Its public key: becomes `enc`. */
  readonly publicKey: Uint8Array;
}

/**
 * `SealBase(pkR, info, aad, pt)` (RFC 9180 §6.1) with a fresh ephemeral key
 * drawn by WebCrypto (never extractable, dropped after the call).
 */
export async function sealBase(
  recipientPublic: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<HpkeSealed> {
  if (recipientPublic.length !== X25519_LEN) throw new ConsoleCryptoError('invalid_key', 'X25519 key length');
  return sealBaseWith(await generateRecipientKey(), recipientPublic, info, aad, plaintext);
}

/**
 * {@link sealBase} with a given ephemeral key: deterministic, for the RFC's
 * known-answer test. Never reuse an ephemeral key: use {@link sealBase}.
 */
export async function sealBaseWith(
  ephemeral: EphemeralKey,
  recipientPublic: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<HpkeSealed> {
  const dh = await diffieHellman(ephemeral.privateKey, recipientPublic);
  const shared = await extractAndExpand(dh, ephemeral.publicKey, recipientPublic);
  wipe(dh);
  const { key, baseNonce } = await keySchedule(shared, info);
  wipe(shared);
  try {
    // Sequence number 0: the nonce is the base nonce itself.
    const ciphertext = chacha20poly1305(key, baseNonce, aad).encrypt(plaintext);
    return { enc: ephemeral.publicKey.slice(), ciphertext };
  } finally {
    wipe(key, baseNonce);
  }
}

/**
 * `OpenBase(enc, skR, info, aad, ct)` (RFC 9180 §6.1). The caller owns the
 * returned plaintext and should {@link wipe} it when done if it is a key.
 * Errors: `invalid_key` for an `enc` of the wrong length or of low order,
 * `unauthentic` when anything else does not match.
 */
export async function openBase(
  recipient: RecipientKey,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  if (enc.length !== X25519_LEN) throw new ConsoleCryptoError('invalid_key', 'encapsulated key length');
  if (ciphertext.length < HPKE_TAG_LEN) throw new ConsoleCryptoError('malformed', 'HPKE ciphertext too short');
  const dh = await diffieHellman(recipient.privateKey, enc);
  const shared = await extractAndExpand(dh, enc, recipient.publicKey);
  wipe(dh);
  const { key, baseNonce } = await keySchedule(shared, info);
  wipe(shared);
  try {
    return chacha20poly1305(key, baseNonce, aad).decrypt(ciphertext);
  } catch {
    throw new ConsoleCryptoError('unauthentic', 'HPKE open');
  } finally {
    wipe(key, baseNonce);
  }
}
