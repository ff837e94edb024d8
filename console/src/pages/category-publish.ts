/**
 * "Publish category counts" on a reader's home page, under the inbox
 * (ADR 0024). The category is sealed in each report: the hub cannot count
 * it. This part lists every case the reader may open (`route=all`, page by
 * page), opens each in this browser with the reader's key, counts cases per
 * factory, month of receipt and category, suppresses small counts
 * (`category-counts.ts`), shows the table, and only when the reader
 * confirms sends it (`POST /handler/v1/category-counts`). The hub stores
 * the table for staff dashboards, with who published it; never a case's
 * category. Each case opened here is a fetch the case's audit records.
 */

import { countCategories, type CategoryCountsRow, type CountedCase, MIN_GROUP } from '../category-counts.js';
import { h, replace } from '../dom.js';
import { language, t } from '../i18n.js';
import { type ReaderHub, type ReaderSession, readerRequest } from '../reader-session.js';
import { categoryLabel, monthName, shownCount } from './factory-dashboard.js';
import { type Category, type InboxCase, categoryOf, fetchCategories } from './inbox.js';

/** The hub's largest page (`INBOX_MAX_LIMIT`). */
const PAGE_LIMIT = 200;
/** A bound on pages read, far above a real route's cases. */
const MAX_PAGES = 500;

/** Every case the reader may open, as the hub lists them (clear metadata). */
async function everyCase(hub: ReaderHub, session: ReaderSession): Promise<InboxCase[]> {
  const all: InboxCase[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const cases = await readerRequest<InboxCase[]>(
      hub,
      'GET',
      `/handler/v1/cases?route=all&sort=received&page=${page}&limit=${PAGE_LIMIT}`,
      undefined,
      session.token,
    );
    all.push(...cases);
    if (cases.length < PAGE_LIMIT) break;
  }
  return all;
}

/** The reader's counting and publishing, kept across redraws (a language change). */
export class CategoryPublisher {
  private rows: CategoryCountsRow[] | null = null;
  private categories: Category[] = [];
  private busy = false;
  /** The status message's id and arguments: translated when drawn, so a language change redraws it. */
  private status: { id: string; args?: Record<string, string | number> } | null = null;
  private failed: unknown = null;
  private section: HTMLElement | null = null;

  constructor(
    private readonly hub: ReaderHub,
    private readonly session: ReaderSession,
    private readonly errorMessage: (error: unknown) => string,
  ) {}

  /** The section, built from the state (call again after a language change). */
  view(): HTMLElement {
    this.section = h(
      'section',
      { class: 'category-publish', 'aria-labelledby': 'category-publish-title' },
      ...this.content(),
    );
    return this.section;
  }

  private draw(): void {
    if (this.section === null || !this.section.isConnected) return;
    const focused = document.activeElement?.id ?? '';
    replace(this.section, ...this.content());
    if (focused !== '') document.getElementById(focused)?.focus();
  }

  private content(): HTMLElement[] {
    const parts: HTMLElement[] = [
      h('h2', { id: 'category-publish-title' }, t('category-publish-title')),
      h('p', {}, t('category-publish-help', { min: MIN_GROUP })),
    ];
    const count = h('button', { type: 'button', id: 'category-count', class: 'secondary' }, t('category-count'));
    count.disabled = this.busy;
    count.addEventListener('click', () => void this.count());
    parts.push(h('div', { class: 'actions' }, count));
    if (this.status !== null) {
      const message = t(this.status.id, this.status.args);
      parts.push(h('p', { role: 'status', class: 'status', id: 'category-status' }, message));
    }
    if (this.failed !== null) parts.push(h('div', { role: 'alert', class: 'alert' }, this.errorMessage(this.failed)));
    if (this.rows !== null) {
      if (this.rows.length === 0) {
        parts.push(h('p', { id: 'category-none' }, t('category-none')));
      } else {
        parts.push(h('div', { class: 'table-scroll' }, this.table(this.rows)));
        const publish = h('button', { type: 'button', id: 'category-publish' }, t('category-publish'));
        publish.disabled = this.busy;
        publish.addEventListener('click', () => void this.publish());
        parts.push(h('p', { class: 'hint', id: 'category-publish-hint' }, t('category-publish-hint')));
        publish.setAttribute('aria-describedby', 'category-publish-hint');
        parts.push(h('div', { class: 'actions' }, publish));
      }
    }
    return parts;
  }

  private table(rows: readonly CategoryCountsRow[]): HTMLTableElement {
    return h(
      'table',
      { id: 'category-table' },
      h('caption', {}, t('category-caption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('reader-factory')),
          h('th', { scope: 'col' }, t('grievances-col-month')),
          h('th', { scope: 'col' }, t('category-total')),
          h('th', { scope: 'col' }, t('category-by-category')),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map((row) =>
          h(
            'tr',
            {},
            h('td', {}, row.factory_id),
            h('th', { scope: 'row' }, monthName(row.month, language().locale)),
            h('td', row.total === null ? { class: 'suppressed-cell' } : {}, shownCount(row.total)),
            h(
              'td',
              {},
              h(
                'ul',
                { class: 'plain' },
                ...row.categories.map((category) =>
                  h(
                    'li',
                    {},
                    t('category-line', {
                      category: categoryLabel(this.categories, category.category_id),
                      count: shownCount(category.count),
                    }),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /** Opens every case the reader may open and counts; nothing is sent. */
  private async count(): Promise<void> {
    this.busy = true;
    this.failed = null;
    this.status = { id: 'category-counting' };
    this.draw();
    try {
      if (this.categories.length === 0) this.categories = await fetchCategories(this.hub);
      const cases = await everyCase(this.hub, this.session);
      const counted: CountedCase[] = [];
      for (const entry of cases) {
        counted.push({
          factory_id: entry.factory_id,
          received_at: entry.received_at,
          category: await categoryOf(this.hub, this.session, entry.case_id),
        });
      }
      this.rows = countCategories(counted);
      this.status = { id: 'category-counted', args: { cases: counted.length } };
    } catch (error) {
      this.failed = error;
      this.status = null;
    }
    this.busy = false;
    this.draw();
  }

  private async publish(): Promise<void> {
    if (this.rows === null || this.rows.length === 0) return;
    this.busy = true;
    this.failed = null;
    this.draw();
    try {
      await readerRequest(this.hub, 'POST', '/handler/v1/category-counts', { rows: this.rows }, this.session.token);
      this.status = { id: 'category-published' };
    } catch (error) {
      this.failed = error;
      this.status = null;
    }
    this.busy = false;
    this.draw();
  }
}
