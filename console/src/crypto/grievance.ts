/**
 * Opening a grievance in the reader's browser: the framed submission
 * (`"WVS1" || u32 BE header length || header JSON || sealed payload`), the
 * content key wrapped to this reader with HPKE, the payload and attachments
 * sealed under it, and the replies of the case under the reply key the
 * payload carries. The same steps `hub/src/handlers/work.rs` takes on the hub
 * today, moved to the client (issue 13).
 */

import { fromBase64Url, fromUtf8, utf8, wipe } from './bytes.js';
import {
  type Author,
  KEY_LEN,
  grievanceHpkeInfo,
  openAttachment,
  openEnvelope,
  payloadAad,
  replyAad,
  sealEnvelope,
} from './envelope.js';
import { ConsoleCryptoError } from './errors.js';
import { type RecipientKey, openBase } from './hpke.js';
import { type JsonObject, array, int, object, optional, optionalArray, parseJson, str } from './shapes.js';

/** Magic bytes of a framed submission. */
export const SUBMISSION_MAGIC = utf8('WVS1');
/** Largest header the core and hub accept. */
export const MAX_HEADER_BYTES = 32 * 1024;
/** Largest sealed payload the core and hub accept. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

/** A content key wrapped to one reader (`WrappedKey`: base64 on the wire). */
export interface WrappedKey {
  /** The reader (handler or analyst id). */
  readonly handlerId: string;
  /** HPKE encapsulated key, 32 bytes. */
  readonly enc: Uint8Array;
  /** The sealed content key, 32 + 16 bytes. */
  readonly wrappedKey: Uint8Array;
}

/** An attachment announced in the clear header. */
export interface AttachmentMeta {
  /** Client-generated id. */
  readonly attachmentId: string;
  /** Size of the ciphertext. */
  readonly size: number;
  /** SHA-256 of the ciphertext. */
  readonly sha256: Uint8Array;
}

/** The clear header of a submission: routing metadata only. */
export interface SubmissionHeader {
  /** Client-generated id: part of the HPKE `info` and of every associated data. */
  readonly clientId: string;
  /** The public case id: the HPKE associated data. */
  readonly caseId: string;
  /** The factory. */
  readonly factoryId: string;
  /** Routes the worker allowed, in escalation order. */
  readonly routes: readonly string[];
  /** The directory version the recipients came from. */
  readonly directoryVersion: number;
  /** The content key wrapped to each reader. */
  readonly recipients: readonly WrappedKey[];
  /** SHA-256 of the receipt's token. */
  readonly receiptVerifier: Uint8Array;
  /** Attachments uploaded separately. */
  readonly attachments: readonly AttachmentMeta[];
}

/** Photo or voice note. */
export type AttachmentKind = 'photo' | 'voice';

/** An attachment as described inside the sealed payload. */
export interface AttachmentInfo {
  /** Matches {@link AttachmentMeta.attachmentId}. */
  readonly attachmentId: string;
  /** Photo or voice note. */
  readonly kind: AttachmentKind;
  /** MIME type the device recorded: show images and play audio only for known types. */
  readonly mime: string;
  /** Plaintext size. */
  readonly size: number;
}

/** Who reported, for a named report. */
export interface Reporter {
  /** Worker number. */
  readonly workerNumber: string;
  /** Name. */
  readonly displayName: string;
}

/** A request to be called back. */
export interface Callback {
  /** Phone number. */
  readonly phone: string;
  /** When to call, in the worker's words. */
  readonly preferredTime: string;
  /** Language to call in (BCP 47). */
  readonly language: string;
}

/** The sealed content of a grievance (`GrievanceContent`, JSON inside the payload). */
export interface GrievanceContent {
  /** Format version (1). */
  readonly version: number;
  /** Category id from the directory. */
  readonly categoryId: string;
  /** The worker's words. */
  readonly text: string;
  /** The language the worker wrote in. */
  readonly language: string;
  /** Who reported, unless anonymous. */
  readonly reporter?: Reporter;
  /** A call-back request. */
  readonly callback?: Callback;
  /** The case's reply key (32 bytes): opens and seals the replies. */
  readonly replyKey: Uint8Array;
  /** Attachments. */
  readonly attachments: readonly AttachmentInfo[];
  /** When the worker submitted, device clock, unix seconds. */
  readonly createdAt: number;
}

/** A grievance opened in memory. Call {@link OpenedGrievance.wipe} when the page no longer shows it. */
export interface OpenedGrievance {
  /** The clear header. */
  readonly header: SubmissionHeader;
  /** The report. */
  readonly content: GrievanceContent;
  /** The exact bytes of the payload's JSON (the core's serialization). */
  readonly json: Uint8Array;
  /** The content key: opens the attachments. */
  readonly contentKey: Uint8Array;
  /** Overwrites the content key, reply key and JSON bytes. */
  wipe(): void;
}

function b64Field(from: JsonObject, field: string): Uint8Array {
  return fromBase64Url(str(from, field));
}

/** A {@link WrappedKey} from its wire JSON. */
export function wrappedKeyFromJson(value: unknown): WrappedKey {
  const from = object(value, 'wrapped key');
  return { handlerId: str(from, 'handler_id'), enc: b64Field(from, 'enc'), wrappedKey: b64Field(from, 'wrapped_key') };
}

function headerFromJson(value: unknown): SubmissionHeader {
  const from = object(value, 'submission header');
  return {
    clientId: str(from, 'client_id'),
    caseId: str(from, 'case_id'),
    factoryId: str(from, 'factory_id'),
    routes: array(from, 'routes').map((route) => {
      if (typeof route !== 'string') throw new ConsoleCryptoError('malformed', 'route');
      return route;
    }),
    directoryVersion: int(from, 'directory_version'),
    recipients: array(from, 'recipients').map(wrappedKeyFromJson),
    receiptVerifier: b64Field(from, 'receipt_verifier'),
    attachments: optionalArray(from, 'attachments').map((item: unknown) => {
      const meta = object(item, 'attachment meta');
      return { attachmentId: str(meta, 'attachment_id'), size: int(meta, 'size'), sha256: b64Field(meta, 'sha256') };
    }),
  };
}

function contentFromJson(value: unknown): GrievanceContent {
  const from = object(value, 'grievance content');
  const reporter = optional(from, 'reporter', (v) => {
    const r = object(v, 'reporter');
    return { workerNumber: str(r, 'worker_number'), displayName: str(r, 'display_name') };
  });
  const callback = optional(from, 'callback', (v) => {
    const c = object(v, 'callback');
    return { phone: str(c, 'phone'), preferredTime: str(c, 'preferred_time'), language: str(c, 'language') };
  });
  const replyKey = b64Field(from, 'reply_key');
  if (replyKey.length !== KEY_LEN) throw new ConsoleCryptoError('malformed', 'reply key length');
  const attachments = optionalArray(from, 'attachments').map((item: unknown): AttachmentInfo => {
    const info = object(item, 'attachment');
    const kind = str(info, 'kind');
    if (kind !== 'photo' && kind !== 'voice') throw new ConsoleCryptoError('malformed', 'attachment kind');
    return { attachmentId: str(info, 'attachment_id'), kind, mime: str(info, 'mime'), size: int(info, 'size') };
  });
  return {
    version: int(from, 'version'),
    categoryId: str(from, 'category_id'),
    text: str(from, 'text'),
    language: str(from, 'language'),
    ...(reporter === undefined ? {} : { reporter }),
    ...(callback === undefined ? {} : { callback }),
    replyKey,
    attachments,
    createdAt: int(from, 'created_at'),
  };
}

/** Splits a framed submission into its header and sealed payload; `malformed` for anything else. */
export function parseSubmission(framed: Uint8Array): { header: SubmissionHeader; payload: Uint8Array } {
  if (framed.length < 8 || !SUBMISSION_MAGIC.every((byte, i) => framed[i] === byte)) {
    throw new ConsoleCryptoError('malformed', 'submission frame');
  }
  const headerLength = new DataView(framed.buffer, framed.byteOffset, framed.byteLength).getUint32(4, false);
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > framed.length) {
    throw new ConsoleCryptoError('malformed', 'submission header length');
  }
  const payload = framed.subarray(8 + headerLength);
  if (payload.length > MAX_PAYLOAD_BYTES) throw new ConsoleCryptoError('malformed', 'submission payload length');
  const header = headerFromJson(parseJson(fromUtf8(framed.subarray(8, 8 + headerLength)), 'submission header'));
  return { header, payload };
}

/**
 * Opens a content key wrapped to `recipient`: HPKE base mode with `info` and
 * associated data `aad`; `malformed` unless it is 32 bytes.
 */
export async function openContentKey(
  recipient: RecipientKey,
  wrapped: WrappedKey,
  info: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const key = await openBase(recipient, wrapped.enc, info, aad, wrapped.wrappedKey);
  if (key.length !== KEY_LEN) {
    wipe(key);
    throw new ConsoleCryptoError('malformed', 'content key length');
  }
  return key;
}

/** The entry of `recipients` wrapped to `readerId`, or `not_a_recipient`. */
export function wrappedFor(recipients: readonly WrappedKey[], readerId: string): WrappedKey {
  const wrapped = recipients.find((entry) => entry.handlerId === readerId);
  if (wrapped === undefined) throw new ConsoleCryptoError('not_a_recipient');
  return wrapped;
}

/**
 * Opens a grievance's payload with its content key (however the reader got
 * it: from the framed submission's recipients, or from the one wrapped key a
 * hub serves to that reader). Does not take ownership of `contentKey`.
 */
export function openGrievancePayload(
  contentKey: Uint8Array,
  clientId: string,
  caseId: string,
  payload: Uint8Array,
): { content: GrievanceContent; json: Uint8Array } {
  const json = openEnvelope(contentKey, payloadAad(clientId, caseId), payload);
  try {
    return { content: contentFromJson(parseJson(fromUtf8(json), 'grievance content')), json };
  } catch (error) {
    wipe(json);
    throw error;
  }
}

/**
 * Opens a grievance for the reader `readerId` holding `recipient`: unwraps
 * the content key (`info` = grievance info of the client id, `aad` = the case
 * id) and opens the payload (`aad` = payload associated data).
 */
export async function openGrievance(
  recipient: RecipientKey,
  readerId: string,
  header: SubmissionHeader,
  payload: Uint8Array,
): Promise<OpenedGrievance> {
  const wrapped = wrappedFor(header.recipients, readerId);
  const contentKey = await openContentKey(recipient, wrapped, grievanceHpkeInfo(header.clientId), utf8(header.caseId));
  let opened: { content: GrievanceContent; json: Uint8Array };
  try {
    opened = openGrievancePayload(contentKey, header.clientId, header.caseId, payload);
  } catch (error) {
    wipe(contentKey);
    throw error;
  }
  const { content, json } = opened;
  return {
    header,
    content,
    json,
    contentKey,
    wipe() {
      wipe(contentKey, content.replyKey, json);
    },
  };
}

/** {@link parseSubmission} then {@link openGrievance}. */
export async function openSubmission(
  recipient: RecipientKey,
  readerId: string,
  framed: Uint8Array,
): Promise<OpenedGrievance> {
  const { header, payload } = parseSubmission(framed);
  return openGrievance(recipient, readerId, header, payload);
}

/** Opens one of an opened grievance's attachments. */
export function openGrievanceAttachment(opened: OpenedGrievance, attachmentId: string, sealed: Uint8Array): Uint8Array {
  return openAttachment(opened.contentKey, opened.header.clientId, attachmentId, sealed);
}

/** Seals a reply's text under the case's reply key, as the hub does today and the core does for the worker. */
export function sealReply(
  replyKey: Uint8Array,
  caseId: string,
  replyId: string,
  author: Author,
  text: string,
): Uint8Array {
  return sealEnvelope(replyKey, replyAad(caseId, replyId, author), utf8(text));
}

/** Opens a reply of the case; `unauthentic` for another case, reply id or author; `malformed` for non-UTF-8 text. */
export function openReply(
  replyKey: Uint8Array,
  caseId: string,
  replyId: string,
  author: Author,
  sealed: Uint8Array,
): string {
  const plain = openEnvelope(replyKey, replyAad(caseId, replyId, author), sealed);
  try {
    return fromUtf8(plain);
  } finally {
    wipe(plain);
  }
}
