// Cases by category counted in the browser (ADR 0024): rows per factory and
// month of receipt, counts of 1 to 4 hidden, and a hidden count that would
// follow by subtraction hidden with the smallest shown ones, as the hub checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { countCategories, monthOf, suppressRow } from '../src/category-counts.js';

const NOV = Date.UTC(2026, 10, 15) / 1000;
const OCT = Date.UTC(2026, 9, 31, 23) / 1000;

function cases(factory: string, at: number, category: string, count: number) {
  return Array.from({ length: count }, () => ({ factory_id: factory, received_at: at, category }));
}

test('months are named in UTC', () => {
  assert.equal(monthOf(OCT), '2026-10');
  assert.equal(monthOf(Date.UTC(2026, 10, 1) / 1000), '2026-11');
});

test('cases are counted per factory and month, newest month first', () => {
  const rows = countCategories([
    ...cases('f1', OCT, 'wages', 5),
    ...cases('f1', NOV, 'wages', 6),
    ...cases('f1', NOV, 'safety', 5),
    ...cases('f2', NOV, 'wages', 2),
  ]);
  assert.deepEqual(
    rows.map((row) => [row.factory_id, row.month, row.total]),
    [
      ['f1', '2026-11', 11],
      ['f1', '2026-10', 5],
      ['f2', '2026-11', null],
    ],
  );
  assert.deepEqual(rows[0]?.categories, [
    { category_id: 'safety', count: 5 },
    { category_id: 'wages', count: 6 },
  ]);
  assert.deepEqual(rows[2]?.categories, [{ category_id: 'wages', count: null }], 'two cases show no number');
});

test('a hidden count that the total would give away is hidden with the smallest shown one', () => {
  // 11 cases: 5 wages, 5 harassment, 1 safety. Hiding only safety would say it is 1.
  const row = suppressRow(
    'f',
    '2026-11',
    new Map([
      ['wages', 5],
      ['harassment', 5],
      ['safety', 1],
    ]),
  );
  assert.equal(row.total, 11);
  assert.deepEqual(row.categories, [
    { category_id: 'harassment', count: null },
    { category_id: 'safety', count: null },
    { category_id: 'wages', count: 5 },
  ]);
  // 6 cases: 5 and 1. Nothing but the total can be shown.
  const small = suppressRow(
    'f',
    '2026-11',
    new Map([
      ['wages', 5],
      ['safety', 1],
    ]),
  );
  assert.equal(small.total, 6);
  assert.ok(small.categories.every((category) => category.count === null));
  // Every category of five or more: all shown.
  const all = suppressRow('f', '2026-11', new Map([['wages', 5]]));
  assert.deepEqual(all.categories, [{ category_id: 'wages', count: 5 }]);
});
