/**
 * Checks that JSON which came out of a ciphertext (or off the network) has
 * the shape the core writes, so the rest of the console works with typed
 * values and never with `any`. Anything else is `malformed`.
 */

import { ConsoleCryptoError } from './errors.js';

/** A JSON object, after checking it is one. */
export type JsonObject = { readonly [key: string]: unknown };

/** `value` as an object, or `malformed` naming `what`. */
export function object(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConsoleCryptoError('malformed', `${what} is not an object`);
  }
  return value as JsonObject;
}

/** A required string field. */
export function str(from: JsonObject, field: string): string {
  const value = from[field];
  if (typeof value !== 'string') throw new ConsoleCryptoError('malformed', `${field} is not a string`);
  return value;
}

/** A required integer field (JSON numbers the core writes as `u64`/`i64`: safe integers here). */
export function int(from: JsonObject, field: string): number {
  const value = from[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ConsoleCryptoError('malformed', `${field} is not an integer`);
  }
  return value;
}

/** A required array field. */
export function array(from: JsonObject, field: string): readonly unknown[] {
  const value = from[field];
  if (!Array.isArray(value)) throw new ConsoleCryptoError('malformed', `${field} is not an array`);
  return value;
}

/** An optional field: absent or `null` is `undefined` (serde's `default` + `skip_serializing_if`). */
export function optional<T>(from: JsonObject, field: string, read: (value: unknown) => T): T | undefined {
  const value = from[field];
  return value === undefined || value === null ? undefined : read(value);
}

/** An optional array field (serde's `default`): absent is empty, anything but an array is `malformed`. */
export function optionalArray(from: JsonObject, field: string): readonly unknown[] {
  return from[field] === undefined ? [] : array(from, field);
}

/** `JSON.parse` of `text`, `malformed` if it is not JSON. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConsoleCryptoError('malformed', `${what} is not JSON`);
  }
}
