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

/**
 * `JSON.parse` of `text`, `malformed` if it is not JSON or if an object
 * repeats a key. `JSON.parse` keeps the last of repeated keys, while the
 * core's serde types refuse them: a report whose `text` appeared twice would
 * read one way here and fail (or read another way) in a Rust reader.
 */
export function parseJson(text: string, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ConsoleCryptoError('malformed', `${what} is not JSON`);
  }
  if (hasRepeatedKey(text)) throw new ConsoleCryptoError('malformed', `${what} repeats a key`);
  return value;
}

/** Whether valid JSON `text` has an object with the same key twice (keys compared after unescaping). */
function hasRepeatedKey(text: string): boolean {
  // One entry per open object (its keys so far) or array (null).
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const keys = open[open.length - 1];
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys === undefined || keys === null || keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      open.push(null);
    } else if (c === '}' || c === ']') {
      open.pop();
    } else if (c === ',') {
      expectKey = open[open.length - 1] instanceof Set;
    }
  }
  return false;
}
