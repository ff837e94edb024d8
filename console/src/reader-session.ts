/**
 * A reader's (handler's or analyst's) account from the browser, as ADR 0015
 * and FORMATS.md §8.3 describe: accepting an invitation with a key pair the
 * page makes, and signing in (prelogin → derive → login → unwrap). The
 * password, the wrap key and the private key's bytes never leave this
 * module; the hub gets the login key, the public key, its key id, the
 * wrapped private key and the KDF's salt and iteration count, nothing else.
 *
 * The session token is a bearer token the hub's `/handler/v1` routes take;
 * it is kept in memory beside the private key (a {@link ReaderSession}), so
 * a reload, sign-out or idle time-out that drops one drops both.
 */

import { fromBase64Url, toBase64Url, wipe } from './crypto/bytes.js';
import type { RecipientKey } from './crypto/hpke.js';
import {
  KDF_SALT_LEN,
  MIN_KDF_ITERATIONS,
  acceptablePassword,
  derivePasswordKeys,
  keyId,
  newReaderKey,
  unwrapPrivateKey,
} from './crypto/reader.js';

/** The hub's answer about a reader's account (`HandlerSummary`). */
export interface ReaderAccount {
  handler_id: string;
  name: string;
  route: 'factory_committee' | 'independent_hotline' | 'brand';
  factory_id?: string;
  brand_id?: string;
  public_key: string;
  key_id: string;
  analyst: boolean;
}

/** A signed-in reader: the session and the private key, both in memory only. */
export interface ReaderSession {
  readonly token: string;
  readonly expiresAt: number;
  /** Sent at the next sign-in so this browser's wrong attempts back off on their own. */
  readonly deviceToken: string;
  readonly account: ReaderAccount;
  /** Non-extractable. */
  readonly key: RecipientKey;
}

/** Why a reader could not accept or sign in. */
export type ReaderErrorCode =
  /** The password is shorter than 12 characters or longer than 1024 bytes. */
  | 'weak_password'
  /** The hub's answer did not match what the page made or expected (a key, an id, a KDF setting). */
  | 'hub_mismatch'
  /** The hub refused: `hubCode` says why. */
  | 'refused';

/** A failure of {@link acceptReaderInvitation} or {@link signInReader}. */
export class ReaderError extends Error {
  constructor(
    readonly code: ReaderErrorCode,
    readonly hubCode: string | null = null,
    readonly retryAfterSecs: number | null = null,
  ) {
    super(hubCode === null ? code : `${code}: ${hubCode}`);
    this.name = 'ReaderError';
  }
}

/** Where the hub is: `''` on the console's own origin, a base URL in tests. */
export interface ReaderHub {
  readonly base: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** One JSON call to `/handler/v1`, with the bearer token when given. */
export async function readerRequest<T>(
  hub: ReaderHub,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${hub.base}${path}`, {
      method,
      headers,
      cache: 'no-store',
      redirect: 'error',
      // The bearer token is the credential: no cookie rides along.
      credentials: 'omit',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ReaderError('refused', 'network');
  }
  let parsed: unknown = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = isRecord(parsed) && isRecord(parsed['error']) ? parsed['error'] : {};
    const code = typeof error['code'] === 'string' ? error['code'] : 'internal';
    const retry = typeof error['retry_after_secs'] === 'number' ? error['retry_after_secs'] : null;
    throw new ReaderError('refused', code, retry);
  }
  return parsed as T;
}

/**
 * Accepts a reader invitation: makes the key pair in this browser, wraps the
 * private key under the password's wrap key, and sends only what ADR 0015
 * lists. Does not sign in (the reader does that next, like any sign-in).
 */
export async function acceptReaderInvitation(
  hub: ReaderHub,
  handlerId: string,
  invitationToken: string,
  password: string,
): Promise<ReaderAccount> {
  if (!acceptablePassword(password)) throw new ReaderError('weak_password');
  const salt = crypto.getRandomValues(new Uint8Array(KDF_SALT_LEN));
  const keys = await derivePasswordKeys(password, salt, MIN_KDF_ITERATIONS);
  try {
    const made = await newReaderKey(keys.wrapKey, handlerId);
    const account = await readerRequest<ReaderAccount>(hub, 'POST', '/handler/v1/invitations/accept', {
      invitation_token: invitationToken,
      handler_id: handlerId,
      public_key: toBase64Url(made.key.publicKey),
      key_id: made.keyId,
      wrapped_private_key: toBase64Url(made.wrappedPrivateKey),
      kdf_salt: toBase64Url(salt),
      kdf_iterations: MIN_KDF_ITERATIONS,
      login_key: toBase64Url(keys.loginKey),
    });
    if (account.public_key !== toBase64Url(made.key.publicKey) || account.key_id !== made.keyId) {
      throw new ReaderError('hub_mismatch');
    }
    return account;
  } finally {
    wipe(keys.loginKey, keys.wrapKey);
  }
}

/**
 * Signs a reader in: asks the hub for the account's salt and iteration count
 * (refusing a count below 600,000), derives the keys, sends the login key,
 * and unwraps the private key into a non-extractable `CryptoKey`, checking it
 * is the account's key (its public key and key id).
 */
export async function signInReader(
  hub: ReaderHub,
  handlerId: string,
  password: string,
  deviceToken: string | null,
): Promise<ReaderSession> {
  const pre = await readerRequest<{ kdf_salt: string; kdf_iterations: number }>(hub, 'POST', '/handler/v1/prelogin', {
    handler_id: handlerId,
  });
  let keys;
  try {
    keys = await derivePasswordKeys(password, fromBase64Url(pre.kdf_salt), pre.kdf_iterations);
  } catch {
    throw new ReaderError('hub_mismatch');
  }
  try {
    const login = await readerRequest<{
      session_token: string;
      expires_at: number;
      device_token: string;
      account: ReaderAccount;
      wrapped_private_key: string;
    }>(hub, 'POST', '/handler/v1/login', {
      handler_id: handlerId,
      login_key: toBase64Url(keys.loginKey),
      ...(deviceToken !== null ? { device_token: deviceToken } : {}),
    });
    let key: RecipientKey;
    try {
      key = await unwrapPrivateKey(
        keys.wrapKey,
        login.account.handler_id,
        fromBase64Url(login.wrapped_private_key),
        fromBase64Url(login.account.public_key),
      );
    } catch {
      throw new ReaderError('hub_mismatch');
    }
    if (login.account.handler_id !== handlerId || (await keyId(key.publicKey)) !== login.account.key_id) {
      throw new ReaderError('hub_mismatch');
    }
    return {
      token: login.session_token,
      expiresAt: login.expires_at,
      deviceToken: login.device_token,
      account: login.account,
      key,
    };
  } finally {
    wipe(keys.loginKey, keys.wrapKey);
  }
}

/** Ends the session on the hub; the caller drops its {@link ReaderSession}. */
export async function signOutReader(hub: ReaderHub, session: ReaderSession): Promise<void> {
  await readerRequest<unknown>(hub, 'POST', '/handler/v1/logout', undefined, session.token);
}
