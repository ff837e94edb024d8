/**
 * A handler's inbox (issue 14, ADR 0020): the cases the hub lists for the
 * reader's route, filtered, sorted and paged **by the hub** (status, route,
 * factory, overdue, new since the last visit, assigned to me), with the
 * route's deadlines, what is overdue, and who a case is assigned to; and a
 * control to assign a case to a colleague on the route.
 *
 * The category is sealed inside the report: the hub cannot filter by it. When
 * a category is chosen, this page opens each case of the page it shows in the
 * browser (the reader's key never leaves it) and keeps those of that
 * category; the category filter therefore narrows the page shown, and the
 * pager still counts the hub's pages. Each case opened this way is a fetch
 * the case's audit log records, as any other.
 */

import { h, ltr, replace, when } from '../dom.js';
import { categoryName, language, t } from '../i18n.js';
import { fromBase64Url, fromUtf8 } from '../crypto/bytes.js';
import { openSealedCase } from '../crypto/reader.js';
import { ReaderError, type ReaderHub, type ReaderSession, readerRequest } from '../reader-session.js';

/** Cases per page. */
export const PAGE_SIZE = 25;

const STATUSES = ['received', 'acknowledged', 'investigating', 'resolved', 'closed', 'escalated'] as const;
const ROUTES = ['factory_committee', 'independent_hotline', 'brand'] as const;
type DeadlineKind = 'acknowledge' | 'respond' | 'resolve';

/** A case in the inbox as the hub lists it (`InboxCase`: clear metadata only). */
export interface InboxCase {
  case_id: string;
  status: string;
  current_route: string;
  factory_id: string;
  received_at: number;
  deadline_at: number;
  overdue: boolean;
  acknowledge_by: number;
  respond_by: number;
  resolve_by?: number | null;
  next_deadline_at?: number | null;
  overdue_deadlines: DeadlineKind[];
  answered: boolean;
  assignee_key_id?: string | null;
  assigned_to_me: boolean;
  new_since_last_visit: boolean;
  /** The day (a UTC day's start, unix seconds) retention deletes this closed case if nothing happens first. */
  expires_on?: number | null;
}

/** A case due for deletion within this many days carries a badge. */
export const EXPIRES_SOON_DAYS = 30;

/** The day retention deletes a case (`expires_on`: that day's start, UTC), as a date. */
export function deletionDay(expiresOn: number, locale: string): string {
  return new Date(expiresOn * 1000).toLocaleDateString(locale, { timeZone: 'UTC' });
}

/** Whether a case is deleted within {@link EXPIRES_SOON_DAYS} days of `nowMs`. */
export function expiresSoon(expiresOn: number, nowMs: number = Date.now()): boolean {
  return expiresOn * 1000 - nowMs < EXPIRES_SOON_DAYS * 86_400_000;
}

/** A reader of the same route (`Colleague`). */
interface Colleague {
  key_id: string;
  name: string;
}

/** A category of the directory, with its labels. */
export interface Category {
  id: string;
  labels: Record<string, string>;
}

/** What the reader chose; every field but `category` goes to the hub. */
interface Filters {
  status: string;
  route: string;
  factory: string;
  category: string;
  overdue: boolean;
  fresh: boolean;
  mine: boolean;
  sort: 'deadline' | 'received';
}

const NO_FILTERS: Filters = {
  status: '',
  route: 'mine',
  factory: '',
  category: '',
  overdue: false,
  fresh: false,
  mine: false,
  sort: 'deadline',
};

/** The hub's query for `filters` and `page`. */
export function inboxQuery(filters: Filters, page: number): string {
  const query = new URLSearchParams();
  if (filters.status !== '') query.set('status', filters.status);
  if (filters.route !== 'mine') query.set('route', filters.route);
  if (filters.factory.trim() !== '') query.set('factory', filters.factory.trim());
  if (filters.overdue) query.set('overdue', 'true');
  if (filters.fresh) query.set('new', 'true');
  if (filters.mine) query.set('assigned', 'me');
  query.set('sort', filters.sort);
  query.set('page', String(page));
  query.set('limit', String(PAGE_SIZE));
  return query.toString();
}

/** One page of the inbox and the number of matching cases on all pages. */
async function fetchPage(
  hub: ReaderHub,
  session: ReaderSession,
  query: string,
): Promise<{ cases: InboxCase[]; total: number }> {
  let response: Response;
  try {
    response = await fetch(`${hub.base}/handler/v1/cases?${query}`, {
      headers: { Accept: 'application/json', Authorization: `Bearer ${session.token}` },
      cache: 'no-store',
      redirect: 'error',
      credentials: 'omit',
    });
  } catch {
    throw new ReaderError('refused', 'network');
  }
  if (!response.ok) {
    let code = 'internal';
    try {
      const body = (await response.json()) as { error?: { code?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
    } catch {
      // The code stays `internal`.
    }
    throw new ReaderError('refused', code);
  }
  const cases = (await response.json()) as InboxCase[];
  const total = Number(response.headers.get('x-workervoice-total') ?? cases.length);
  return { cases, total: Number.isFinite(total) ? total : cases.length };
}

/** The categories of the newest directory (labels only: the directory's signature matters to devices, not here). */
export async function fetchCategories(hub: ReaderHub): Promise<Category[]> {
  const response = await readerRequest<{ directory?: { body: string } }>(hub, 'GET', '/v1/directory');
  if (response.directory === undefined) return [];
  const body = JSON.parse(fromUtf8(fromBase64Url(response.directory.body))) as { categories?: Category[] };
  return body.categories ?? [];
}

/** The category of a case, opened in this browser with the reader's key. */
export async function categoryOf(hub: ReaderHub, session: ReaderSession, caseId: string): Promise<string> {
  const served = await readerRequest<{
    summary: { case_id: string };
    client_id: string;
    payload: string;
    enc: string;
    wrapped_key: string;
  }>(hub, 'GET', `/handler/v1/cases/${encodeURIComponent(caseId)}`, undefined, session.token);
  const opened = await openSealedCase(session.key, {
    caseId: served.summary.case_id,
    clientId: served.client_id,
    payload: fromBase64Url(served.payload),
    enc: fromBase64Url(served.enc),
    wrappedKey: fromBase64Url(served.wrapped_key),
  });
  const category = opened.content.categoryId;
  opened.wipe();
  return category;
}

function routeLabel(route: string): string {
  return t(`reader-route-${route.replaceAll('_', '-')}`);
}

function option(value: string, label: string, selected: string): HTMLOptionElement {
  const element = h('option', { value }, label);
  element.selected = value === selected;
  return element;
}

function select(id: string, label: string, options: HTMLOptionElement[]): HTMLDivElement {
  const element = h('select', { id, name: id }, ...options);
  return h('div', { class: 'field' }, h('label', { for: id }, label), element);
}

function checkbox(id: string, label: string, checked: boolean): HTMLDivElement {
  const input = h('input', { type: 'checkbox', id, name: id });
  input.checked = checked;
  return h('div', { class: 'field checkbox' }, input, h('label', { for: id }, label));
}

/**
 * The inbox of one signed-in reader. `view()` builds it from the state it
 * keeps, so the page can rebuild it (a language change) without losing the
 * filters or the page.
 */
export class Inbox {
  private filters: Filters = { ...NO_FILTERS };
  private page = 1;
  private cases: InboxCase[] | null = null;
  private total = 0;
  private failed: unknown = null;
  private notice: string | null = null;
  private colleagues: Colleague[] = [];
  private categories: Category[] = [];
  /** Category per case id, once opened in this browser. */
  private readonly opened = new Map<string, string>();
  private section: HTMLElement | null = null;

  constructor(
    private readonly hub: ReaderHub,
    private readonly session: ReaderSession,
    private readonly errorMessage: (error: unknown) => string,
    /** Opens a case's page (`case.ts`) in this page, so the key stays in memory. */
    private readonly openCase: (caseId: string) => void,
  ) {}

  /** Records the visit (for "new since last visit"), loads colleagues and categories, then the first page. */
  async start(): Promise<void> {
    try {
      await readerRequest(this.hub, 'POST', '/handler/v1/visits', {}, this.session.token);
      this.colleagues = await readerRequest<Colleague[]>(
        this.hub,
        'GET',
        '/handler/v1/colleagues',
        undefined,
        this.session.token,
      );
      this.categories = await fetchCategories(this.hub);
    } catch (error) {
      this.failed = error;
    }
    await this.load();
  }

  /** Reloads the page of cases shown, keeping filters and page (back from a case). */
  async reload(): Promise<void> {
    await this.load();
  }

  private async load(): Promise<void> {
    this.cases = null;
    this.draw();
    try {
      const { cases, total } = await fetchPage(this.hub, this.session, inboxQuery(this.filters, this.page));
      const category = this.filters.category;
      if (category !== '') {
        for (const entry of cases) {
          if (!this.opened.has(entry.case_id)) {
            this.opened.set(entry.case_id, await categoryOf(this.hub, this.session, entry.case_id));
          }
        }
      }
      this.cases = category === '' ? cases : cases.filter((entry) => this.opened.get(entry.case_id) === category);
      this.total = total;
      this.failed = null;
    } catch (error) {
      this.cases = [];
      this.failed = error;
    }
    this.draw();
  }

  private draw(): void {
    if (this.section === null || !this.section.isConnected) return;
    const focused = document.activeElement?.id ?? '';
    replace(this.section, ...this.content());
    if (focused !== '') document.getElementById(focused)?.focus();
  }

  /** The inbox, built from the state (call again after a language change). */
  view(): HTMLElement {
    this.section = h('section', { class: 'inbox', 'aria-labelledby': 'inbox-title' }, ...this.content());
    return this.section;
  }

  private content(): HTMLElement[] {
    return [h('h2', { id: 'inbox-title' }, t('inbox-title')), this.form(), this.list(), this.pager()];
  }

  private form(): HTMLFormElement {
    const f = this.filters;
    const categoryLabel = (category: Category): string =>
      categoryName(category.id, category.labels);
    const form = h(
      'form',
      { class: 'inbox-filters', 'aria-labelledby': 'inbox-filters-title' },
      h('h3', { id: 'inbox-filters-title' }, t('inbox-filters')),
      select('reader-status-filter', t('reader-status-filter'), [
        option('', t('reader-status-all'), f.status),
        ...STATUSES.map((status) => option(status, t(`reader-status-${status}`), f.status)),
      ]),
      select('inbox-route', t('inbox-route-filter'), [
        option('mine', t('inbox-route-mine'), f.route),
        option('all', t('inbox-route-all'), f.route),
        ...ROUTES.map((route) => option(route, routeLabel(route), f.route)),
      ]),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'inbox-factory' }, t('inbox-factory-filter')),
        h('input', { type: 'text', id: 'inbox-factory', name: 'inbox-factory', value: f.factory, spellcheck: 'false' }),
      ),
      select('inbox-category', t('inbox-category-filter'), [
        option('', t('inbox-category-all'), f.category),
        ...this.categories.map((category) => option(category.id, categoryLabel(category), f.category)),
      ]),
      h('p', { class: 'hint', id: 'inbox-category-hint' }, t('inbox-category-hint')),
      checkbox('inbox-overdue', t('inbox-overdue-only'), f.overdue),
      checkbox('inbox-new', t('inbox-new-only'), f.fresh),
      checkbox('inbox-mine', t('inbox-assigned-to-me'), f.mine),
      select('inbox-sort', t('inbox-sort'), [
        option('deadline', t('inbox-sort-deadline'), f.sort),
        option('received', t('inbox-sort-received'), f.sort),
      ]),
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'inbox-apply' }, t('inbox-apply'))),
    );
    form.querySelector('#inbox-category')?.setAttribute('aria-describedby', 'inbox-category-hint');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = (id: string): string =>
        form.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)?.value ?? '';
      const checked = (id: string): boolean => form.querySelector<HTMLInputElement>(`#${id}`)?.checked ?? false;
      this.filters = {
        status: value('reader-status-filter'),
        route: value('inbox-route'),
        factory: value('inbox-factory'),
        category: value('inbox-category'),
        overdue: checked('inbox-overdue'),
        fresh: checked('inbox-new'),
        mine: checked('inbox-mine'),
        sort: value('inbox-sort') === 'received' ? 'received' : 'deadline',
      };
      this.page = 1;
      this.notice = null;
      void this.load();
    });
    return form;
  }

  private list(): HTMLElement {
    const parts: HTMLElement[] = [];
    if (this.notice !== null) parts.push(h('p', { role: 'status', class: 'status' }, this.notice));
    if (this.failed !== null) parts.push(h('div', { role: 'alert', class: 'alert' }, this.errorMessage(this.failed)));
    if (this.cases === null) {
      parts.push(h('p', { role: 'status' }, t('reader-inbox-loading')));
    } else if (this.cases.length === 0) {
      parts.push(h('p', { id: 'reader-inbox-empty' }, t('reader-inbox-empty')));
    } else {
      parts.push(this.table(this.cases));
    }
    return h('div', { class: 'inbox-list' }, ...parts);
  }

  private table(cases: readonly InboxCase[]): HTMLTableElement {
    const locale = language().locale;
    // A deadline ends at the start of a day (UTC): shown as the last day it allows.
    const lastDay = (seconds: number): string =>
      new Date((seconds - 1) * 1000).toLocaleDateString(locale, { timeZone: 'UTC' });
    const headers = [
      t('reader-case'),
      t('reader-status'),
      t('reader-route'),
      t('reader-factory'),
      t('reader-received'),
      t('inbox-next-deadline'),
      t('inbox-deadlines'),
      t('inbox-assignee'),
      t('inbox-assign'),
    ];
    const rows = cases.map((entry) => {
      const flags = h('span', { class: 'badges' });
      if (entry.new_since_last_visit) flags.append(h('span', { class: 'badge new' }, t('inbox-new')));
      if (entry.expires_on !== null && entry.expires_on !== undefined && expiresSoon(entry.expires_on)) {
        flags.append(h('span', { class: 'badge expires' }, t('inbox-expires-soon', { days: EXPIRES_SOON_DAYS })));
      }
      // Retention deletes closed cases a period after their last activity: said where the reader looks.
      const expiry =
        entry.expires_on === null || entry.expires_on === undefined
          ? null
          : h('div', { class: 'expires-on' }, t('inbox-deleted-on', { date: deletionDay(entry.expires_on, locale) }));
      const overdue = entry.overdue_deadlines.length > 0 || entry.overdue;
      const next = h(
        'span',
        {},
        entry.next_deadline_at === null || entry.next_deadline_at === undefined
          ? '—'
          : when(entry.next_deadline_at, locale),
      );
      const deadlines = h(
        'ul',
        { class: 'deadlines' },
        ...(['acknowledge', 'respond', 'resolve'] as const).map((kind) => {
          const at =
            kind === 'acknowledge' ? entry.acknowledge_by : kind === 'respond' ? entry.respond_by : entry.resolve_by;
          // A route without a resolution deadline has no line for it.
          if (at === null || at === undefined) return null;
          const missed = entry.overdue_deadlines.includes(kind);
          return h(
            'li',
            { class: missed ? 'missed' : undefined },
            t(`inbox-deadline-${kind}`, { date: lastDay(at) }),
            missed ? h('span', { class: 'badge overdue' }, t('inbox-overdue')) : null,
          );
        }),
      );
      return [
        h('span', { class: 'code' }, this.caseLink(entry.case_id), flags),
        h('span', {}, t(`reader-status-${entry.status}`), expiry),
        routeLabel(entry.current_route),
        ltr(entry.factory_id),
        when(entry.received_at, locale),
        h('span', {}, next, overdue ? h('span', { class: 'badge overdue' }, t('inbox-overdue')) : null),
        deadlines,
        this.assigneeName(entry),
        this.assignControl(entry),
      ];
    });
    return h(
      'table',
      { class: 'inbox-table' },
      h('caption', {}, t('inbox-caption', { total: this.total })),
      h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
      h(
        'tbody',
        {},
        ...rows.map((row, index) =>
          h(
            'tr',
            { class: cases[index]?.assigned_to_me === true ? 'mine' : undefined },
            ...row.map((cell) => h('td', {}, cell)),
          ),
        ),
      ),
    );
  }

  /** The case id as a link to its page; a click opens it here rather than loading a new page. */
  private caseLink(caseId: string): HTMLElement {
    const link = h('a', { href: `/reader/cases/${encodeURIComponent(caseId)}`, class: 'case-link' }, ltr(caseId));
    link.addEventListener('click', (event) => {
      event.preventDefault();
      this.openCase(caseId);
    });
    return link;
  }

  private assigneeName(entry: InboxCase): string {
    if (entry.assignee_key_id === null || entry.assignee_key_id === undefined) return t('inbox-unassigned');
    if (entry.assigned_to_me) return t('inbox-assigned-you');
    const colleague = this.colleagues.find((candidate) => candidate.key_id === entry.assignee_key_id);
    return colleague?.name ?? entry.assignee_key_id;
  }

  /** A select of the route's readers and a button; only for cases on the reader's route now. */
  private assignControl(entry: InboxCase): HTMLElement | string {
    if (entry.current_route !== this.session.account.route) return '—';
    const id = `assign-${entry.case_id}`;
    const chooser = h(
      'select',
      { id, name: id },
      option('', t('inbox-assign-nobody'), entry.assignee_key_id ?? ''),
      ...this.colleagues.map((colleague) =>
        option(
          colleague.key_id,
          colleague.key_id === this.session.account.key_id
            ? t('inbox-assign-me', { name: colleague.name })
            : colleague.name,
          entry.assignee_key_id ?? '',
        ),
      ),
    );
    const button = h('button', { type: 'button', class: 'secondary', id: `${id}-save` }, t('inbox-assign-save'));
    button.addEventListener('click', () => {
      button.disabled = true;
      const chosen = chooser.value === '' ? null : chooser.value;
      readerRequest(
        this.hub,
        'POST',
        `/handler/v1/cases/${encodeURIComponent(entry.case_id)}/assignment`,
        { assignee_key_id: chosen },
        this.session.token,
      )
        .then(() => {
          this.notice = t('inbox-assigned-notice', { caseId: entry.case_id });
          this.failed = null;
          return this.load();
        })
        .catch((error: unknown) => {
          this.failed = error;
          this.draw();
        });
    });
    return h(
      'div',
      { class: 'assign' },
      h('label', { for: id, class: 'visually-hidden' }, t('inbox-assign-label', { caseId: entry.case_id })),
      chooser,
      button,
    );
  }

  private pager(): HTMLElement {
    const pages = Math.max(1, Math.ceil(this.total / PAGE_SIZE));
    const previous = h('button', { type: 'button', class: 'secondary', id: 'inbox-previous' }, t('inbox-previous'));
    const next = h('button', { type: 'button', class: 'secondary', id: 'inbox-next' }, t('inbox-next'));
    previous.disabled = this.page <= 1;
    next.disabled = this.page >= pages;
    previous.addEventListener('click', () => {
      this.page -= 1;
      void this.load();
    });
    next.addEventListener('click', () => {
      this.page += 1;
      void this.load();
    });
    return h(
      'nav',
      { class: 'pager actions', 'aria-label': t('inbox-pages') },
      previous,
      h('p', { id: 'inbox-page', 'aria-live': 'polite' }, t('inbox-page', { page: this.page, pages })),
      next,
    );
  }
}
