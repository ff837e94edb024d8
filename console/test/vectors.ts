// Loading the committed test vectors (console/test-vectors/) in the tests.

import { readFileSync, writeFileSync } from 'node:fs';

/** The console folder, from the compiled test's location (.test-build/test/). */
export const vectorsUrl = (name: string): URL => new URL(`../../test-vectors/${name}`, import.meta.url);

/** Reads a committed vectors file. Its shape is ours: trusted as typed. */
export function readVectors<T>(name: string): T {
  return JSON.parse(readFileSync(vectorsUrl(name), 'utf8')) as T;
}

/** Writes a vectors file (only when asked to update them). */
export function writeVectors(name: string, value: unknown): void {
  writeFileSync(vectorsUrl(name), `${JSON.stringify(value, null, 2)}\n`);
}

/** Whether this run should rewrite the console's vectors instead of checking them. */
export const updating = process.env['WV_UPDATE_CONSOLE_VECTORS'] === '1';

export interface Rfc9180Vector {
  info: string;
  pkEm: string;
  skEm: string;
  pkRm: string;
  skRm: string;
  enc: string;
  shared_secret: string;
  key: string;
  base_nonce: string;
  encryptions: { sequence_number: number; pt: string; aad: string; ct: string }[];
}

export interface ReaderEntry {
  id: string;
  private_key: string;
  public_key: string;
}

export interface HpkeEntry {
  name: string;
  reader: string;
  info: string;
  aad: string;
  plaintext: string;
  enc: string;
  ciphertext: string;
}

export interface SubmissionEntry {
  name: string;
  readers: string[];
  not_for: string[];
  framed: string;
  payload_json: string;
  attachments: { attachment_id: string; sealed: string; plaintext_len: number; plaintext_sha256: string }[];
}

export interface ReplyEntry {
  name: string;
  case_id: string;
  reply_id: string;
  author: 'handler' | 'worker';
  reply_key: string;
  sealed: string;
  text: string;
}

export interface SurveyEntry {
  name: string;
  reader: string;
  upload: unknown;
  content_json: string;
}

export interface CoreVectors {
  format: string;
  readers: ReaderEntry[];
  hpke: HpkeEntry[];
  submissions: SubmissionEntry[];
  replies: ReplyEntry[];
  survey_responses: SurveyEntry[];
}

export interface ConsoleVectors {
  format: string;
  about: string;
  hpke: HpkeEntry[];
  replies: ReplyEntry[];
}

/** console/test-vectors/reader.json (reader/tests/vectors.rs). */
export interface ReaderVectors {
  format: string;
  kdf: { password: string; salt: string; iterations: number; login_key: string; wrap_key: string }[];
  account: {
    account_id: string;
    password: string;
    salt: string;
    iterations: number;
    login_key: string;
    wrap_key: string;
    private_key: string;
    public_key: string;
    key_id: string;
    wrap_nonce: string;
    wrap_aad: string;
    wrapped_private_key: string;
  };
  login_request: { handler_id: string; login_key: string };
  case: {
    content_key: string;
    content: { text: string; category_id: string; reply_key: string };
    replies: { author: 'handler' | 'worker'; seq: number; text: string }[];
    note: { note_id: string; text: string };
    attachment: { attachment_id: string; plaintext: string; sealed: string };
    served: {
      client_id: string;
      enc: string;
      wrapped_key: string;
      payload: string;
      summary: { case_id: string };
      events: { seq: number; at: number; status?: string; author?: 'handler' | 'worker'; reply_id?: string; reply?: string }[];
      notes: { note_id: string; author: string; at: number; enc: string; wrapped_key: string; sealed: string }[];
    };
  };
}
