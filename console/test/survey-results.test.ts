// The analyst page's aggregation (src/surveys.ts) computes what the Rust
// reader client (wv_reader::surveys) computed into
// console/test-vectors/survey-results.json from the same sealed responses:
// the results per factory with small groups suppressed, per version, and
// the CSV byte for byte.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fromHex } from '../src/crypto/bytes.js';
import { ConsoleCryptoError } from '../src/crypto/errors.js';
import { importRecipientKey } from '../src/crypto/hpke.js';
import {
  type SurveyResults,
  aggregate,
  fixed2,
  openSurveyResponses,
  sealedSurveyResultsFromJson,
  toCsv,
} from '../src/surveys.js';
import { type ReaderVectors, readVectors } from './vectors.js';

interface SurveyVectors {
  format: string;
  key_id: string;
  served: unknown;
  results: SurveyResults;
  results_by_version: Record<string, SurveyResults>;
  csv: string;
}

const vectors = readVectors<SurveyVectors>('survey-results.json');
const reader = readVectors<ReaderVectors>('reader.json');

async function opened() {
  const key = await importRecipientKey(fromHex(reader.account.private_key));
  return openSurveyResponses(key, vectors.key_id, sealedSurveyResultsFromJson(vectors.served));
}

/** Through JSON, as the hub receives it (absent `mean`, `factory_id`). */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test('the survey vectors are the survey-results format', () => {
  assert.equal(vectors.format, 'workervoice/console-vectors/survey-results/v1');
});

test('the browser opens and aggregates the sealed responses to the results the Rust reader computed', async () => {
  const survey = await opened();
  assert.equal(survey.responses.length, 22, 'the two responses that do not fit their version are left out');
  assert.deepEqual(wire(aggregate(survey)), vectors.results);
});

test('results for one version alone are what the Rust reader computes for that version', async () => {
  const survey = await opened();
  for (const [version, expected] of Object.entries(vectors.results_by_version)) {
    assert.deepEqual(wire(aggregate(survey, Number(version))), expected, `version ${version}`);
  }
});

test('the CSV is byte for byte the Rust reader’s, suppressed groups marked and formulas defused', async () => {
  const csv = toCsv(aggregate(await opened()));
  assert.equal(csv, vectors.csv);
  assert.match(csv, /^factory-c,suppressed,,,,,,,\r$/m);
  assert.match(csv, /,'=Hours last week,/);
});

test('free text is kept only as "answered" once a response was checked', async () => {
  const survey = await opened();
  for (const response of survey.responses) {
    for (const answer of response.answers.values()) {
      if (answer.type === 'text') assert.equal(answer.value, '');
    }
  }
});

test('a suppressed group and a suppressed cell carry no numbers at all', () => {
  const groups = vectors.results.groups;
  const hidden = groups.filter((group) => group.respondents === null);
  assert.ok(hidden.length >= 2);
  for (const group of hidden) assert.deepEqual(group.questions, []);
  const cells = groups.flatMap((group) => group.questions).filter((question) => question.answered === null);
  assert.ok(cells.length > 0);
  for (const cell of cells) {
    assert.deepEqual(cell.counts, []);
    assert.equal(cell.mean, undefined);
  }
});

test('a response whose envelope the hub altered fails the whole, as in Rust', async () => {
  const served = structuredClone(vectors.served) as { responses: { sealed: string }[] };
  const first = served.responses[0];
  assert.ok(first !== undefined);
  first.sealed = `${first.sealed.slice(0, 20)}${first.sealed[20] === 'A' ? 'B' : 'A'}${first.sealed.slice(21)}`;
  const key = await importRecipientKey(fromHex(reader.account.private_key));
  await assert.rejects(
    openSurveyResponses(key, vectors.key_id, sealedSurveyResultsFromJson(served)),
    (error: unknown) => error instanceof ConsoleCryptoError && error.code === 'unauthentic',
  );
});

test('CSV fields with commas, quotes and line breaks are quoted', () => {
  const csv = toCsv({
    survey_id: 's',
    groups: [
      {
        respondents: 5,
        questions: [
          {
            question_id: 'q',
            label: 'Pay, "usually"\non time',
            answered: 5,
            counts: [{ value: 'yes', label: '+yes', count: 5 }],
          },
        ],
      },
    ],
  });
  assert.equal(csv.split('\r\n')[1], 'all,5,q,"Pay, ""usually""\non time",5,yes,\'+yes,5,');
});

test('means round half to even at two decimals, as Rust formats them', () => {
  assert.deepEqual(
    [0.125, 0.375, 2.625, -0.125, 3.875, 3.4, 49.833333333333336].map(fixed2),
    ['0.12', '0.38', '2.62', '-0.12', '3.88', '3.40', '49.83'],
  );
});
