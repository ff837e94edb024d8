/**
 * Byte helpers: UTF-8, unpadded URL-safe base64 (the hub's JSON encoding of
 * binary fields, `workervoice_protocol::b64`), concatenation and wiping.
 */

import { ConsoleCryptoError } from './errors.js';

const encoder = new TextEncoder();
// `fatal`: invalid UTF-8 is an error, as in the core (`String::from_utf8`),
// never silently replaced.
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The text of UTF-8 `bytes`; `malformed` if they are not valid UTF-8. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ConsoleCryptoError('malformed', 'not UTF-8');
  }
}

/** `parts` one after the other, in a new array. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Overwrites `bytes` with zeros. Best effort: JavaScript engines may have
 * copied the bytes elsewhere (garbage collection moves objects), so this
 * shortens how long a secret lingers rather than guaranteeing it is gone.
 */
export function wipe(...arrays: readonly Uint8Array[]): void {
  for (const bytes of arrays) bytes.fill(0);
}

/** Whether two byte arrays are equal (not constant time: for public values only). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_VALUES: Int16Array = (() => {
  const values = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64_ALPHABET.length; i++) values[B64_ALPHABET.charCodeAt(i)] = i;
  return values;
})();

/** Unpadded URL-safe base64 of `bytes` (RFC 4648 §5, no `=`). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64_ALPHABET.charAt(n >> 18) + B64_ALPHABET.charAt((n >> 12) & 63);
    out += B64_ALPHABET.charAt((n >> 6) & 63) + B64_ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += B64_ALPHABET.charAt(n >> 18) + B64_ALPHABET.charAt((n >> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += B64_ALPHABET.charAt(n >> 18) + B64_ALPHABET.charAt((n >> 12) & 63) + B64_ALPHABET.charAt((n >> 6) & 63);
  }
  return out;
}

/**
 * Bytes of unpadded URL-safe base64. Refuses padding, the standard alphabet's
 * `+` and `/`, whitespace, an impossible length and non-zero trailing bits,
 * like the Rust `base64` crate's `URL_SAFE_NO_PAD` engine the hub uses.
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 === 1) throw new ConsoleCryptoError('malformed', 'base64 length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? (B64_VALUES[code] ?? -1) : -1;
    if (digit < 0) throw new ConsoleCryptoError('malformed', 'base64 character');
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >> bits) & 0xff;
      value &= (1 << bits) - 1;
    }
  }
  if (value !== 0) throw new ConsoleCryptoError('malformed', 'base64 trailing bits');
  return out;
}

/** Lower-case hex of `bytes` (test vectors). */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of lower- or upper-case hex; `malformed` otherwise. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new ConsoleCryptoError('malformed', 'hex');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
