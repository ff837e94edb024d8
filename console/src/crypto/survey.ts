/**
 * Opening a survey response in an analyst's browser: the content key
 * wrapped to the analyst with HPKE (`info` = response info, `aad` = the
 * response id) and the answers sealed under it (`aad` = the clear fields of
 * the upload), as `hub/src/surveys/results.rs` does on the hub today.
 */

import { fromBase64Url, fromUtf8, utf8, wipe } from './bytes.js';
import { openEnvelope, responseAad, responseHpkeInfo } from './envelope.js';
import { ConsoleCryptoError } from './errors.js';
import { type WrappedKey, openContentKey, wrappedFor, wrappedKeyFromJson } from './grievance.js';
import type { RecipientKey } from './hpke.js';
import { type JsonObject, array, int, object, parseJson, str } from './shapes.js';

/** The parts of a survey response upload (`ResponseUpload`) a reader needs. */
export interface SurveyResponseUpload {
  /** Random id of the upload: in the HPKE `info` and `aad` and the content's `aad`. */
  readonly responseId: string;
  /** The survey. */
  readonly surveyId: string;
  /** The definition version answered. */
  readonly version: number;
  /** The worker's factory. */
  readonly factoryId: string;
  /** The content key wrapped to each analyst. */
  readonly recipients: readonly WrappedKey[];
  /** The sealed {@link SurveyResponseContent} JSON. */
  readonly sealed: Uint8Array;
}

/** One answer (`SurveyAnswer`, adjacently tagged `{"type": …, "value": …}` on the wire). */
export type SurveyAnswer =
  | { readonly type: 'choice'; readonly value: string }
  | { readonly type: 'choices'; readonly value: readonly string[] }
  | { readonly type: 'rating'; readonly value: number }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'yes_no'; readonly value: boolean }
  | { readonly type: 'date'; readonly value: string };

/** What an analyst reads (`ResponseContent`). */
export interface SurveyResponseContent {
  /** The survey. */
  readonly surveyId: string;
  /** The definition version. */
  readonly version: number;
  /** Answers by question id. */
  readonly answers: ReadonlyMap<string, SurveyAnswer>;
  /** The language the worker answered in. */
  readonly language: string;
}

/** A {@link SurveyResponseUpload} from the upload's wire JSON (extra fields ignored). */
export function surveyResponseUploadFromJson(value: unknown): SurveyResponseUpload {
  const from = object(value, 'survey response upload');
  return {
    responseId: str(from, 'response_id'),
    surveyId: str(from, 'survey_id'),
    version: int(from, 'version'),
    factoryId: str(from, 'factory_id'),
    recipients: array(from, 'recipients').map(wrappedKeyFromJson),
    sealed: fromBase64Url(str(from, 'sealed')),
  };
}

function answerFromJson(value: unknown): SurveyAnswer {
  const from: JsonObject = object(value, 'answer');
  const type = str(from, 'type');
  const inner = from['value'];
  const bad = (): never => {
    throw new ConsoleCryptoError('malformed', `answer of type ${type}`);
  };
  switch (type) {
    case 'choice':
    case 'text':
    case 'date':
      return typeof inner === 'string' ? { type, value: inner } : bad();
    case 'choices':
      return Array.isArray(inner) && inner.every((item) => typeof item === 'string')
        ? { type, value: inner as string[] }
        : bad();
    case 'rating':
      return typeof inner === 'number' && Number.isInteger(inner) ? { type, value: inner } : bad();
    case 'number':
      return typeof inner === 'number' ? { type, value: inner } : bad();
    case 'yes_no':
      return typeof inner === 'boolean' ? { type, value: inner } : bad();
    default:
      return bad();
  }
}

/** A {@link SurveyResponseContent} from its JSON (`malformed` when it has another shape). */
export function surveyResponseContentFromJson(value: unknown): SurveyResponseContent {
  const from = object(value, 'survey response');
  const answers = new Map<string, SurveyAnswer>();
  for (const [question, answer] of Object.entries(object(from['answers'], 'answers'))) {
    answers.set(question, answerFromJson(answer));
  }
  return { surveyId: str(from, 'survey_id'), version: int(from, 'version'), answers, language: str(from, 'language') };
}

/**
 * Opens a survey response for the analyst `analystId` holding `recipient`.
 * `malformed` also when the content names another survey or version than
 * the clear fields (the hub leaves such a response out of the results).
 */
export async function openSurveyResponse(
  recipient: RecipientKey,
  analystId: string,
  upload: SurveyResponseUpload,
): Promise<SurveyResponseContent> {
  const wrapped = wrappedFor(upload.recipients, analystId);
  const key = await openContentKey(recipient, wrapped, responseHpkeInfo(upload.responseId), utf8(upload.responseId));
  let json: Uint8Array;
  try {
    json = openEnvelope(
      key,
      responseAad(upload.responseId, upload.surveyId, upload.version, upload.factoryId),
      upload.sealed,
    );
  } finally {
    wipe(key);
  }
  try {
    const content = surveyResponseContentFromJson(parseJson(fromUtf8(json), 'survey response'));
    if (content.surveyId !== upload.surveyId || content.version !== upload.version) {
      throw new ConsoleCryptoError('malformed', 'survey response names another survey or version');
    }
    return content;
  } finally {
    wipe(json);
  }
}
