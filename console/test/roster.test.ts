// Reading a roster CSV in the browser: every row's problem is found, by
// line, before anything is sent; good rows come out as the hub takes them.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseCsv, readRoster } from '../src/roster.js';

test('quoted cells keep their commas, quotes and line breaks', () => {
  assert.deepEqual(parseCsv('a,"b,c","d ""e""",f\r\n"g\nh",i'), [
    ['a', 'b,c', 'd "e"', 'f'],
    ['g\nh', 'i'],
  ]);
});

test('a roster with a wrong header is refused as a whole', () => {
  assert.equal(readRoster('number,name,language\n1,A,vi').badHeader, true);
});

test('each bad row is reported by its line and left out', () => {
  const roster = readRoster(
    [
      'worker_number,display_name,language,department',
      '1001,Nguyễn Thị Lan,vi,Sewing',
      '10 02,Bad Number,vi,',
      '1003,,vi,',
      '1004,Name,not a tag,',
      '1001,Twice,vi,',
      '1005,Too,few',
      '1006,陈小红,zh-CN,',
    ].join('\n'),
  );
  assert.deepEqual(
    roster.problems.map((problem) => [problem.line, problem.message]),
    [
      [3, 'roster-error-number'],
      [4, 'roster-error-name'],
      [5, 'roster-error-language'],
      [6, 'roster-error-duplicate'],
      [7, 'roster-error-columns'],
    ],
  );
  assert.deepEqual(roster.entries, [
    { worker_number: '1001', display_name: 'Nguyễn Thị Lan', language: 'vi', department: 'Sewing' },
    { worker_number: '1006', display_name: '陈小红', language: 'zh-CN' },
  ]);
});
