/**
 * The one error type of the crypto module. Every failure to open or seal is
 * one of a few stable codes, so the pages can say what happened without
 * showing anything that came from a report.
 */

/** Why something could not be sealed or opened. */
export type CryptoErrorCode =
  /** Wrong key, wrong associated data or `info`, or altered bytes: the tag did not verify. */
  | 'unauthentic'
  /** Too short, unknown version or magic, bad base64, or JSON of the wrong shape. */
  | 'malformed'
  /** A key of the wrong length, a low-order X25519 key, or a key WebCrypto refused. */
  | 'invalid_key'
  /** The submission or response carries no key wrapped to this reader. */
  | 'not_a_recipient'
  /** This browser lacks a primitive the module needs (X25519 or HMAC in WebCrypto). */
  | 'unsupported';

/** A failure of the crypto module, with a stable {@link CryptoErrorCode}. */
export class ConsoleCryptoError extends Error {
  /** What went wrong, for the page to map to a localized message. */
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, detail?: string) {
    // The message names the code and, at most, which step failed: never a
    // key, a plaintext or an identifier from a report.
    super(detail === undefined ? code : `${code}: ${detail}`);
    this.name = 'ConsoleCryptoError';
    this.code = code;
  }
}
