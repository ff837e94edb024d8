/**
 * Survey answers, opened and aggregated in the analyst's browser (ADR 0015):
 * the same results as the Rust reader client (`reader/src/surveys.rs`,
 * `open_and_aggregate` and `to_csv`), pinned by
 * `console/test-vectors/survey-results.json`.
 *
 * Each response is checked against the definition version it names (the
 * hub serves every version), so a later version that removed or reordered
 * options does not change what an earlier answer meant: answers name
 * options by id, and an option keeps the label of the newest version that
 * has it.
 *
 * Small groups are suppressed ({@link MIN_GROUP}): a factory (or all
 * factories) with 1 to 4 respondents shows nothing; a question answered by
 * 1 to 4 in a group shows no counts; and when the groups hidden would add up
 * to 1 to 4 — so that "all factories" minus the factories shown would give
 * them away — the smallest group shown is hidden too (complementary
 * suppression). The hub refuses to publish anything else.
 */

import { fromBase64Url, fromUtf8, utf8, wipe } from './crypto/bytes.js';
import { openEnvelope, responseAad, responseHpkeInfo } from './crypto/envelope.js';
import { ConsoleCryptoError } from './crypto/errors.js';
import { type WrappedKey, openContentKey, wrappedKeyFromJson } from './crypto/grievance.js';
import type { RecipientKey } from './crypto/hpke.js';
import { type JsonObject, array, int, object, optional, parseJson, str } from './crypto/shapes.js';
import { type SurveyAnswer, surveyResponseContentFromJson } from './crypto/survey.js';

/** Fewest people a shown group or cell may hold (`progress::MIN_GROUP`). */
export const MIN_GROUP = 5;

// ---------------------------------------------------------------- the wire

/** One response as the hub serves it (`SealedSurveyResponse`). */
export interface SealedSurveyResponse {
  readonly responseId: string;
  readonly version: number;
  readonly factoryId: string;
  readonly recipients: readonly WrappedKey[];
  readonly sealed: Uint8Array;
}

/** `GET /handler/v1/surveys/{id}/responses` (`SealedSurveyResults`). */
export interface SealedSurveyResults {
  readonly surveyId: string;
  /** Every published version's definition document, by version. */
  readonly definitions: readonly { readonly version: number; readonly body: Uint8Array }[];
  readonly responses: readonly SealedSurveyResponse[];
}

/** {@link SealedSurveyResults} from the hub's JSON. */
export function sealedSurveyResultsFromJson(value: unknown): SealedSurveyResults {
  const from = object(value, 'survey responses');
  return {
    surveyId: str(from, 'survey_id'),
    definitions: array(from, 'definitions').map((entry) => {
      const body = object(entry, 'definition');
      return { version: int(body, 'version'), body: fromBase64Url(str(body, 'body')) };
    }),
    responses: array(from, 'responses').map((entry) => {
      const response = object(entry, 'response');
      return {
        responseId: str(response, 'response_id'),
        version: int(response, 'version'),
        factoryId: str(response, 'factory_id'),
        recipients: array(response, 'recipients').map(wrappedKeyFromJson),
        sealed: fromBase64Url(str(response, 'sealed')),
      };
    }),
  };
}

/** How many answered with one value (`ValueCount`). */
export interface ValueCount {
  /** Option id, `yes`/`no`, or the rating. */
  value: string;
  /** The option's label (newest version that has it). */
  label: string;
  count: number;
}

/** One question in a group (`QuestionResults`); `answered: null` is suppressed, with no counts. */
export interface QuestionResults {
  question_id: string;
  label: string;
  answered: number | null;
  counts: ValueCount[];
  /** Mean of a rating or number (absent when there is none). */
  mean?: number;
}

/** One group (`GroupResults`): no `factory_id` for all factories; `respondents: null` is suppressed. */
export interface GroupResults {
  factory_id?: string;
  respondents: number | null;
  questions: QuestionResults[];
}

/** The results (`SurveyResults`), exactly what `POST …/aggregates` takes: all factories first. */
export interface SurveyResults {
  survey_id: string;
  groups: GroupResults[];
}

// ---------------------------------------------------------- definitions

type Texts = ReadonlyMap<string, string>;

type Condition =
  | { readonly kind: 'equals'; readonly question: string; readonly value: unknown }
  | { readonly kind: 'any_of'; readonly question: string; readonly options: readonly string[] }
  | { readonly kind: 'at_least'; readonly question: string; readonly value: number }
  | { readonly kind: 'answered'; readonly question: string }
  | { readonly kind: 'all' | 'any'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'not'; readonly condition: Condition };

type QuestionKind =
  | { readonly type: 'single_choice'; readonly options: readonly Option[] }
  | {
      readonly type: 'multiple_choice';
      readonly options: readonly Option[];
      readonly minSelected: number;
      readonly maxSelected: number | undefined;
    }
  | { readonly type: 'rating'; readonly min: number; readonly max: number }
  | { readonly type: 'number'; readonly min: number | undefined; readonly max: number | undefined; readonly integer: boolean }
  | { readonly type: 'text'; readonly minLength: number; readonly maxLength: number }
  | { readonly type: 'yes_no' }
  | { readonly type: 'date'; readonly min: string | undefined; readonly max: string | undefined };

interface Option {
  readonly id: string;
  readonly label: Texts;
}

interface Question {
  readonly id: string;
  readonly label: Texts;
  readonly required: boolean;
  readonly showIf: Condition | undefined;
  readonly kind: QuestionKind;
}

/** A survey definition, as far as reading answers needs it. */
export interface SurveyDefinition {
  readonly languages: readonly string[];
  readonly questions: readonly Question[];
}

const malformed = (what: string): never => {
  throw new ConsoleCryptoError('malformed', what);
};

function texts(value: unknown, what: string): Texts {
  const from = object(value, what);
  const out = new Map<string, string>();
  for (const [tag, text] of Object.entries(from)) {
    out.set(tag, typeof text === 'string' ? text : malformed(what));
  }
  return out;
}

function num(from: JsonObject, field: string): number | undefined {
  return optional(from, field, (value) => (typeof value === 'number' ? value : malformed(field)));
}

function condition(value: unknown): Condition {
  const from = object(value, 'condition');
  const keys = Object.keys(from);
  if (keys.length !== 1) return malformed('condition');
  const kind = keys[0] ?? '';
  const inner = from[kind];
  switch (kind) {
    case 'equals': {
      const body = object(inner, kind);
      return { kind, question: str(body, 'question'), value: body['value'] };
    }
    case 'any_of': {
      const body = object(inner, kind);
      const options = array(body, 'options').map((id) => (typeof id === 'string' ? id : malformed('options')));
      return { kind, question: str(body, 'question'), options };
    }
    case 'at_least': {
      const body = object(inner, kind);
      return { kind, question: str(body, 'question'), value: num(body, 'value') ?? malformed('value') };
    }
    case 'answered':
      return { kind, question: str(object(inner, kind), 'question') };
    case 'all':
    case 'any':
      return { kind, conditions: (Array.isArray(inner) ? inner : malformed(kind)).map(condition) };
    case 'not':
      return { kind, condition: condition(inner) };
    default:
      return malformed('condition');
  }
}

function options(from: JsonObject): readonly Option[] {
  return array(from, 'options').map((entry) => {
    const option = object(entry, 'option');
    return { id: str(option, 'id'), label: texts(option['label'], 'option label') };
  });
}

function kind(from: JsonObject): QuestionKind {
  const type = str(from, 'type');
  switch (type) {
    case 'single_choice':
      return { type, options: options(from) };
    case 'multiple_choice':
      return { type, options: options(from), minSelected: num(from, 'min_selected') ?? 0, maxSelected: num(from, 'max_selected') };
    case 'rating':
      return { type, min: int(from, 'min'), max: int(from, 'max') };
    case 'number':
      return { type, min: num(from, 'min'), max: num(from, 'max'), integer: from['integer'] === true };
    case 'text':
      return { type, minLength: num(from, 'min_length') ?? 0, maxLength: int(from, 'max_length') };
    case 'yes_no':
      return { type };
    case 'date':
      return {
        type,
        min: optional(from, 'min', (value) => (typeof value === 'string' ? value : malformed('min'))),
        max: optional(from, 'max', (value) => (typeof value === 'string' ? value : malformed('max'))),
      };
    default:
      return malformed('question type');
  }
}

/**
 * A definition document's bytes, parsed. The hub checked it when it was
 * published and devices checked the signed copy; this reads the parts
 * that decide whether an answer fits and how it is labelled.
 */
export function parseSurveyDefinition(body: Uint8Array): SurveyDefinition {
  const from = object(parseJson(fromUtf8(body), 'survey definition'), 'survey definition');
  const languages = array(from, 'languages').map((tag) => (typeof tag === 'string' ? tag : malformed('languages')));
  const questions = array(from, 'questions').map((entry): Question => {
    const question = object(entry, 'question');
    return {
      id: str(question, 'id'),
      label: texts(question['label'], 'label'),
      required: question['required'] === true,
      showIf: optional(question, 'show_if', condition),
      kind: kind(question),
    };
  });
  if (languages.length === 0 || questions.length === 0) return malformed('survey definition');
  return { languages, questions };
}

/** `pick_text(texts, &[], defaults)`: the first default language with text, then any text, by tag order. */
function pickText(from: Texts, defaults: readonly string[]): string {
  const nonBlank = (tag: string): string | undefined => {
    const text = from.get(tag);
    return text !== undefined && text.trim() !== '' ? text : undefined;
  };
  for (const tag of defaults) {
    const text = nonBlank(tag);
    if (text !== undefined) return text;
  }
  for (const tag of [...from.keys()].sort(byBytes)) {
    const text = nonBlank(tag);
    if (text !== undefined) return text;
  }
  return '';
}

// ------------------------------------------------------- answers' validity

function holds(rule: Condition, answers: ReadonlyMap<string, SurveyAnswer>): boolean {
  switch (rule.kind) {
    case 'equals': {
      const answer = answers.get(rule.question);
      if (answer === undefined) return false;
      switch (answer.type) {
        case 'yes_no':
          return typeof rule.value === 'boolean' && rule.value === answer.value;
        case 'choice':
        case 'text':
        case 'date':
          return typeof rule.value === 'string' && rule.value === answer.value;
        case 'rating':
        case 'number':
          return typeof rule.value === 'number' && rule.value === answer.value;
        case 'choices':
          return false;
      }
      return false;
    }
    case 'any_of': {
      const answer = answers.get(rule.question);
      if (answer?.type === 'choice') return rule.options.includes(answer.value);
      if (answer?.type === 'choices') return answer.value.some((id) => rule.options.includes(id));
      return false;
    }
    case 'at_least': {
      const answer = answers.get(rule.question);
      return (answer?.type === 'rating' || answer?.type === 'number') && answer.value >= rule.value;
    }
    case 'answered':
      return answers.has(rule.question);
    case 'all':
      return rule.conditions.every((inner) => holds(inner, answers));
    case 'any':
      return rule.conditions.some((inner) => holds(inner, answers));
    case 'not':
      return !holds(rule.condition, answers);
  }
}

/** `parse_date`: a real `YYYY-MM-DD` date (year 1900 on) as a comparable number. */
function parseDate(text: string): number | null {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return null;
  const [year, month, day] = [Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || year < 1900 || day < 1 || day > days) return null;
  return year * 10_000 + month * 100 + day;
}

/** Whether an answer fits its question (`check_answer` finds no problem). */
function fits(question: QuestionKind, answer: SurveyAnswer): boolean {
  const known = (options: readonly Option[], id: string): boolean => options.some((option) => option.id === id);
  if (question.type === 'single_choice' && answer.type === 'choice') return known(question.options, answer.value);
  if (question.type === 'multiple_choice' && answer.type === 'choices') {
    const count = new Set(answer.value).size;
    if (count !== answer.value.length || !answer.value.every((id) => known(question.options, id))) return false;
    return count >= Math.max(question.minSelected, 1) && (question.maxSelected === undefined || count <= question.maxSelected);
  }
  if (question.type === 'rating' && answer.type === 'rating') {
    return answer.value >= question.min && answer.value <= question.max;
  }
  if (question.type === 'number' && answer.type === 'number') {
    const value = answer.value;
    if (!Number.isFinite(value)) return false;
    if ((question.min !== undefined && value < question.min) || (question.max !== undefined && value > question.max)) {
      return false;
    }
    return !question.integer || Number.isInteger(value);
  }
  if (question.type === 'text' && answer.type === 'text') {
    const chars = [...answer.value.trim()].length;
    return chars >= Math.max(question.minLength, 1) && chars <= question.maxLength;
  }
  if (question.type === 'yes_no' && answer.type === 'yes_no') return true;
  if (question.type === 'date' && answer.type === 'date') {
    const date = parseDate(answer.value);
    if (date === null) return false;
    const min = question.min === undefined ? null : parseDate(question.min);
    const max = question.max === undefined ? null : parseDate(question.max);
    return !(min !== null && date < min) && !(max !== null && date > max);
  }
  return false;
}

/** `SurveyDefinition::validate(..).is_empty()`: every shown question answered as it must be, nothing else. */
export function answersFit(definition: SurveyDefinition, answers: ReadonlyMap<string, SurveyAnswer>): boolean {
  const shownAnswers = new Map<string, SurveyAnswer>();
  for (const question of definition.questions) {
    const shown = question.showIf === undefined || holds(question.showIf, shownAnswers);
    const answer = answers.get(question.id);
    if (answer === undefined) {
      if (shown && question.required) return false;
      continue;
    }
    if (!shown || !fits(question.kind, answer)) return false;
    shownAnswers.set(question.id, answer);
  }
  for (const id of answers.keys()) {
    if (!definition.questions.some((question) => question.id === id)) return false;
  }
  return true;
}

// ------------------------------------------------------------- opening

/**
 * A response opened and checked. Free text and dates are never counted, so
 * only the fact that they were answered is kept past the check.
 */
export interface OpenedResponse {
  readonly factoryId: string;
  readonly version: number;
  readonly answers: ReadonlyMap<string, SurveyAnswer>;
}

/** What {@link openSurveyResponses} opened, ready to aggregate as often as the filters change. */
export interface OpenedSurvey {
  readonly surveyId: string;
  readonly definitions: ReadonlyMap<number, SurveyDefinition>;
  readonly responses: readonly OpenedResponse[];
}

/**
 * Opens every response sealed to this analyst (`keyId`). Responses sealed
 * before this analyst existed, naming a version the hub did not serve, or
 * that do not fit their version are left out; a response whose key or
 * envelope does not open fails the whole (the hub altered it), as in Rust.
 */
export async function openSurveyResponses(
  recipient: RecipientKey,
  keyId: string,
  served: SealedSurveyResults,
): Promise<OpenedSurvey> {
  const definitions = new Map<number, SurveyDefinition>();
  for (const body of served.definitions) definitions.set(body.version, parseSurveyDefinition(body.body));
  const responses: OpenedResponse[] = [];
  for (const response of served.responses) {
    const definition = definitions.get(response.version);
    const wrapped = response.recipients.find((entry) => entry.handlerId === keyId);
    if (definition === undefined || wrapped === undefined) continue;
    const key = await openContentKey(
      recipient,
      wrapped,
      responseHpkeInfo(response.responseId),
      utf8(response.responseId),
    );
    let json: Uint8Array;
    try {
      json = openEnvelope(
        key,
        responseAad(response.responseId, served.surveyId, response.version, response.factoryId),
        response.sealed,
      );
    } finally {
      wipe(key);
    }
    try {
      const content = surveyResponseContentFromJson(parseJson(fromUtf8(json), 'survey response'));
      if (content.surveyId !== served.surveyId || content.version !== response.version) continue;
      if (!answersFit(definition, content.answers)) continue;
      const kept = new Map<string, SurveyAnswer>();
      for (const [question, answer] of content.answers) {
        kept.set(question, answer.type === 'text' || answer.type === 'date' ? { type: answer.type, value: '' } : answer);
      }
      responses.push({ factoryId: response.factoryId, version: response.version, answers: kept });
    } catch (error) {
      if (!(error instanceof ConsoleCryptoError && error.code === 'malformed')) throw error;
    } finally {
      wipe(json);
    }
  }
  return { surveyId: served.surveyId, definitions, responses };
}

// ---------------------------------------------------------- aggregating

/** Orders strings as Rust does (by UTF-8 bytes), not by UTF-16 units. */
function byBytes(a: string, b: string): number {
  const x = utf8(a);
  const y = utf8(b);
  for (let index = 0; index < Math.min(x.length, y.length); index += 1) {
    const difference = (x[index] ?? 0) - (y[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return x.length - y.length;
}

interface Labels {
  readonly questions: readonly (readonly [string, string])[];
  readonly options: ReadonlyMap<string, string>;
}

const optionKey = (question: string, option: string): string => JSON.stringify([question, option]);

/** Question and option labels, newest version first. */
function labels(definitions: ReadonlyMap<number, SurveyDefinition>): Labels {
  const questions: [string, string][] = [];
  const optionLabels = new Map<string, string>();
  const newestFirst = [...definitions.entries()].sort(([a], [b]) => b - a);
  for (const [, definition] of newestFirst) {
    for (const question of definition.questions) {
      if (!questions.some(([id]) => id === question.id)) {
        questions.push([question.id, pickText(question.label, definition.languages)]);
      }
      if (question.kind.type === 'single_choice' || question.kind.type === 'multiple_choice') {
        for (const option of question.kind.options) {
          const key = optionKey(question.id, option.id);
          if (!optionLabels.has(key)) optionLabels.set(key, pickText(option.label, definition.languages));
        }
      }
    }
  }
  return { questions, options: optionLabels };
}

function group(factoryId: string | undefined, members: readonly OpenedResponse[], names: Labels): GroupResults {
  const questions = names.questions.map(([questionId, label]): QuestionResults => {
    let answered = 0;
    const counts = new Map<string, number>();
    const add = (value: string): void => {
      counts.set(value, (counts.get(value) ?? 0) + 1);
    };
    let sum = 0;
    let numbers = 0;
    for (const member of members) {
      const answer = member.answers.get(questionId);
      if (answer === undefined) continue;
      answered += 1;
      switch (answer.type) {
        case 'choice':
          add(answer.value);
          break;
        case 'choices':
          for (const id of answer.value) add(id);
          break;
        case 'yes_no':
          add(answer.value ? 'yes' : 'no');
          break;
        case 'rating':
          add(String(answer.value));
          sum += answer.value;
          numbers += 1;
          break;
        case 'number':
          sum += answer.value;
          numbers += 1;
          break;
        case 'text':
        case 'date':
          break;
      }
    }
    const results: QuestionResults = {
      question_id: questionId,
      label,
      answered,
      counts: [...counts.entries()]
        .sort(([a], [b]) => byBytes(a, b))
        .map(([value, count]) => ({ value, label: names.options.get(optionKey(questionId, value)) ?? value, count })),
    };
    if (numbers > 0) results.mean = sum / numbers;
    return results;
  });
  const results: GroupResults = { respondents: members.length, questions };
  return factoryId === undefined ? results : { factory_id: factoryId, ...results };
}

/** Whether a count of people is too small to show (0 is no one: shown). */
const small = (count: number): boolean => count >= 1 && count < MIN_GROUP;

/**
 * Complementary suppression over the factory groups (index 1..): while the
 * factories hidden add up to 1–4 people and the total (index 0) is shown,
 * hide the smallest factory still shown (the first of equals).
 */
function complement(sizes: readonly number[], hidden: boolean[]): void {
  if (hidden[0] ?? true) return;
  for (;;) {
    let hiddenTotal = 0;
    for (let index = 1; index < sizes.length; index += 1) if (hidden[index] === true) hiddenTotal += sizes[index] ?? 0;
    if (!small(hiddenTotal)) return;
    let smallest: number | null = null;
    for (let index = 1; index < sizes.length; index += 1) {
      const size = sizes[index] ?? 0;
      if (hidden[index] !== true && size > 0 && (smallest === null || size < (sizes[smallest] ?? 0))) smallest = index;
    }
    if (smallest === null) return;
    hidden[smallest] = true;
  }
}

/** Hides small groups, small question cells, and what the rest would give away. */
function suppress(groups: GroupResults[]): void {
  const sizes = groups.map((entry) => entry.respondents ?? 0);
  const hidden = sizes.map(small);
  complement(sizes, hidden);
  groups.forEach((entry, index) => {
    if (hidden[index] === true) {
      entry.respondents = null;
      entry.questions = [];
    }
  });
  const questions = groups[0]?.questions.length ?? 0;
  for (let index = 0; index < questions; index += 1) {
    const cellSizes = groups.map((entry) => entry.questions[index]?.answered ?? 0);
    const cellHidden = cellSizes.map((count, at) => hidden[at] === true || small(count));
    complement(cellSizes, cellHidden);
    groups.forEach((entry, at) => {
      const question = entry.questions[index];
      if (cellHidden[at] === true && hidden[at] !== true && question !== undefined) {
        question.answered = null;
        question.counts = [];
        delete question.mean;
      }
    });
  }
}

/**
 * The results of the opened responses (only those to `version` when given;
 * labels still from every version), all factories first, then each factory
 * in byte order, suppressed.
 */
export function aggregate(opened: OpenedSurvey, version?: number): SurveyResults {
  const names = labels(opened.definitions);
  const members = opened.responses.filter((response) => version === undefined || response.version === version);
  const factories = [...new Set(members.map((response) => response.factoryId))].sort(byBytes);
  const groups = [group(undefined, members, names)];
  for (const factory of factories) {
    groups.push(group(factory, members.filter((response) => response.factoryId === factory), names));
  }
  suppress(groups);
  return { survey_id: opened.surveyId, groups };
}

// ------------------------------------------------------------------ CSV

/** A CSV field: formulas defused, quoted when needed. */
function csvQuote(field: string): string {
  const defused = /^[=+\-@]/.test(field) ? `'${field}` : field;
  return /[,"\n\r]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

/**
 * A mean with two decimals as Rust's `{:.2}` writes it: exact ties (a
 * binary fraction ending in 5 at the third decimal, i.e. an odd multiple of
 * 1/8) round to even, where `toFixed` would round up.
 */
export function fixed2(value: number): string {
  if (Number.isInteger(value * 8) && !Number.isInteger(value * 4)) {
    const hundredths = value * 100; // exact: an odd multiple of 12.5
    const below = Math.floor(hundredths);
    const even = below % 2 === 0 ? below : below + 1;
    return (even / 100).toFixed(2);
  }
  return value.toFixed(2);
}

/** The results as CSV (suppressed cells marked), the same bytes as `to_csv`. */
export function toCsv(report: SurveyResults): string {
  const shown = (value: number | null): string => (value === null ? 'suppressed' : String(value));
  let text = 'factory_id,respondents,question_id,question,answered,value,label,count,mean\r\n';
  for (const entry of report.groups) {
    const factory = csvQuote(entry.factory_id ?? 'all');
    if (entry.respondents === null) {
      text += `${factory},suppressed,,,,,,,\r\n`;
      continue;
    }
    for (const question of entry.questions) {
      const head = `${factory},${shown(entry.respondents)},${csvQuote(question.question_id)},${csvQuote(question.label)},${shown(question.answered)}`;
      const mean = question.mean === undefined ? '' : fixed2(question.mean);
      if (question.counts.length === 0) text += `${head},,,,${mean}\r\n`;
      for (const count of question.counts) {
        text += `${head},${csvQuote(count.value)},${csvQuote(count.label)},${count.count},${mean}\r\n`;
      }
    }
  }
  return text;
}
