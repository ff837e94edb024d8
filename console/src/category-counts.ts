/**
 * Cases by category, counted in a reader's browser (ADR 0024). The category
 * is sealed inside each report, so only a reader's client can count it; this
 * module turns the categories the page opened into the table the hub takes
 * (`POST /handler/v1/category-counts`), with small counts suppressed exactly
 * as the hub checks (`protocol::category_counts::row_is_suppressed`):
 *
 * - a row (factory and month of receipt) of 1 to 4 cases shows no number at all;
 * - a category of 1 to 4 cases is `null` ("fewer than 5");
 * - when the hidden categories of a row hold 1 to 4 cases together (the
 *   total less the shown counts would give them away), the smallest shown
 *   counts are hidden too until they hold 5 or more.
 *
 * Only these numbers leave the browser: never a case's category.
 */

/** The hub's suppression threshold (`MIN_GROUP`). */
export const MIN_GROUP = 5;

/** One category's count (`CategoryCount`); `null` is suppressed. */
export interface CategoryCount {
  category_id: string;
  count: number | null;
}

/** One factory and month (`CategoryCountsRow`). */
export interface CategoryCountsRow {
  factory_id: string;
  month: string;
  total: number | null;
  categories: CategoryCount[];
}

/** A row as staff read it (`PublishedCategoryCounts`): which route's reader, and the day. */
export interface PublishedCategoryCounts {
  route: string;
  month: string;
  total: number | null;
  categories: CategoryCount[];
  /** The start of the day (UTC) it was published, unix seconds. */
  published_on: number;
}

/** A case as counted: its factory, hour-coarse receipt time and (opened) category. */
export interface CountedCase {
  factory_id: string;
  received_at: number;
  category: string;
}

/** `YYYY-MM` (UTC) of unix seconds. */
export function monthOf(seconds: number): string {
  const date = new Date(seconds * 1000);
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** One row with its counts suppressed; categories by id. */
export function suppressRow(factoryId: string, month: string, counts: ReadonlyMap<string, number>): CategoryCountsRow {
  const ids = [...counts.keys()].sort();
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  if (total < MIN_GROUP) {
    return {
      factory_id: factoryId,
      month,
      total: null,
      categories: ids.map((id) => ({ category_id: id, count: null })),
    };
  }
  const hidden = new Set(ids.filter((id) => (counts.get(id) ?? 0) < MIN_GROUP));
  const rest = (): number =>
    total - ids.filter((id) => !hidden.has(id)).reduce((sum, id) => sum + (counts.get(id) ?? 0), 0);
  // Complementary suppression: hide the smallest shown count (then by id)
  // until the hidden ones hold 0 or at least MIN_GROUP cases together.
  while (hidden.size > 0 && rest() < MIN_GROUP) {
    const smallest = ids
      .filter((id) => !hidden.has(id))
      .sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0) || (a < b ? -1 : 1))[0];
    if (smallest === undefined) break; // every category hidden: the rest is the total, at least MIN_GROUP
    hidden.add(smallest);
  }
  return {
    factory_id: factoryId,
    month,
    total,
    categories: ids.map((id) => ({ category_id: id, count: hidden.has(id) ? null : (counts.get(id) ?? 0) })),
  };
}

/** The rows for these cases, by factory, then newest month first. */
export function countCategories(cases: readonly CountedCase[]): CategoryCountsRow[] {
  const byRow = new Map<string, { factory: string; month: string; counts: Map<string, number> }>();
  for (const entry of cases) {
    const month = monthOf(entry.received_at);
    const key = `${entry.factory_id}\u0000${month}`;
    let row = byRow.get(key);
    if (row === undefined) {
      row = { factory: entry.factory_id, month, counts: new Map() };
      byRow.set(key, row);
    }
    row.counts.set(entry.category, (row.counts.get(entry.category) ?? 0) + 1);
  }
  return [...byRow.values()]
    .sort((a, b) => (a.factory < b.factory ? -1 : a.factory > b.factory ? 1 : a.month < b.month ? 1 : -1))
    .map((row) => suppressRow(row.factory, row.month, row.counts));
}
