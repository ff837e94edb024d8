/**
 * The grievance dashboard (`/grievances`): per factory in the viewer's scope
 * and per month of receipt, how many cases were received, acknowledged in
 * time, are overdue, and are resolved or closed, and the median hours to
 * acknowledge and days to resolve (each over five cases or more)
 * (`GET /admin/v1/factories/{id}/grievance-report`, right `read_aggregates`;
 * the hub refuses a factory outside the scope). Counts of 1 to 4, and parts
 * that would give such a count away, arrive as `null` and are shown as
 * "fewer than 5", never as a number — the page has no number to show. Only
 * clear metadata: nothing a worker wrote is in it.
 *
 * Each factory gets a bar chart (decoration, hidden from screen readers)
 * and a captioned table with the same numbers, then cases by category as
 * readers published them, training completion and published survey results
 * (`factory-dashboard.ts`); the CSVs of every factory shown are made in this
 * browser.
 */

import { api, type Factory, type GrievanceMonth } from '../api.js';
import { route } from '../app.js';
import { h } from '../dom.js';
import { language, t } from '../i18n.js';
import {
  type FactoryParts,
  categoriesCsv,
  csvField,
  factoryParts,
  monthName,
  surveysCsv,
  trainingCsv,
} from './factory-dashboard.js';
import { type Category, fetchCategories } from './inbox.js';

/** The hub's suppression threshold (`MIN_GROUP`). */
const MIN_GROUP = 5;

const COLUMNS = [
  'received',
  'acknowledged_in_time',
  'overdue',
  'resolved',
  'median_hours_to_acknowledge',
  'median_days_to_resolve',
] as const;
type Column = (typeof COLUMNS)[number];

function shown(count: number | null): string {
  return count === null ? t('grievances-fewer-than', { min: MIN_GROUP }) : String(count);
}

/** Bars of cases received and overdue per month; a suppressed count is an outlined stub with no number. */
function chart(months: readonly GrievanceMonth[], locale: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const rowHeight = 40;
  const labelWidth = 170;
  const barWidth = 300;
  const most = Math.max(1, ...months.flatMap((month) => [month.received ?? 0, month.overdue ?? 0]));
  const chartWidth = labelWidth + barWidth + 140;
  // Right to left, the months stand at the right and the bars grow leftwards; the text anchors
  // (start/end) follow the direction set here, so only the x positions are mirrored.
  const { dir } = language();
  const x = (at: number, width = 0): string => String(dir === 'rtl' ? chartWidth - at - width : at);
  svg.setAttribute('viewBox', `0 0 ${chartWidth} ${months.length * rowHeight}`);
  svg.setAttribute('direction', dir);
  svg.setAttribute('class', 'grievances-chart');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  months.forEach((month, index) => {
    const y = index * rowHeight;
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', x(labelWidth - 8));
    label.setAttribute('y', String(y + rowHeight / 2 + 5));
    label.setAttribute('text-anchor', 'end');
    label.textContent = monthName(month.month, locale);
    svg.append(label);
    const bars: [number | null, string, number][] = [
      [month.received, 'grievances-bar-received', y + 4],
      [month.overdue, 'grievances-bar-overdue', y + rowHeight / 2],
    ];
    for (const [count, kind, top] of bars) {
      const bar = document.createElementNS(ns, 'rect');
      const width = count === null ? 6 : count === 0 ? 0 : Math.max(2, (count / most) * barWidth);
      bar.setAttribute('x', x(labelWidth, width));
      bar.setAttribute('y', String(top));
      bar.setAttribute('height', String(rowHeight / 2 - 6));
      bar.setAttribute('width', String(width));
      bar.setAttribute('class', count === null ? `${kind} grievances-bar-hidden` : kind);
      const value = document.createElementNS(ns, 'text');
      value.setAttribute('x', x(labelWidth + width + 6));
      value.setAttribute('y', String(top + rowHeight / 2 - 8));
      value.setAttribute('class', 'grievances-value');
      value.textContent = shown(count);
      svg.append(bar, value);
    }
  });
  return svg;
}

/** Column headers in the page's language. */
function header(column: Column): string {
  return t(`grievances-col-${column.replaceAll('_', '-')}`);
}

function factorySection(
  factory: Factory,
  months: readonly GrievanceMonth[],
  rest: HTMLElement[],
  locale: string,
): HTMLElement {
  const headingId = `grievances-${factory.id}`;
  const section = h('section', { class: 'grievances-factory', 'aria-labelledby': headingId });
  section.append(h('h2', { id: headingId }, factory.name));
  if (months.length === 0) {
    section.append(h('p', {}, t('grievances-none')), ...rest);
    return section;
  }
  const legend = h(
    'p',
    { class: 'grievances-legend', 'aria-hidden': 'true' },
    h('span', { class: 'swatch grievances-bar-received' }),
    ` ${header('received')} `,
    h('span', { class: 'swatch grievances-bar-overdue' }),
    ` ${header('overdue')}`,
  );
  const table = h(
    'table',
    {},
    h('caption', {}, t('grievances-caption', { factory: factory.name })),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('grievances-col-month')),
        ...COLUMNS.map((column) => h('th', { scope: 'col' }, header(column))),
      ),
    ),
    h(
      'tbody',
      {},
      ...months.map((month) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, monthName(month.month, locale)),
          ...COLUMNS.map((column) =>
            h('td', month[column] === null ? { class: 'suppressed-cell' } : {}, shown(month[column])),
          ),
        ),
      ),
    ),
  );
  section.append(legend, chart(months, locale), h('div', { class: 'table-scroll' }, table), ...rest);
  return section;
}

/** The CSV of every factory shown; a suppressed count is the word `suppressed`, never a number. */
export function grievancesCsv(reports: readonly { factory: Factory; months: readonly GrievanceMonth[] }[]): string {
  const lines = [['factory_id', 'factory_name', 'month', ...COLUMNS].join(',')];
  for (const { factory, months } of reports) {
    for (const month of months) {
      const counts = COLUMNS.map((column) => {
        const value = month[column];
        return value === null ? 'suppressed' : String(value);
      });
      lines.push([csvField(factory.id), csvField(factory.name), month.month, ...counts].join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The last CSV's object URL, revoked when a new one is made. */
let csvUrl: string | null = null;

/** A button that makes `text()` into a CSV file in this browser and downloads it. */
function downloadButton(
  id: string,
  label: string,
  file: string,
  text: () => string,
  announce: (message: string) => void,
): HTMLButtonElement {
  const button = h('button', { type: 'button', id, class: 'secondary' }, label);
  button.addEventListener('click', () => {
    if (csvUrl !== null) URL.revokeObjectURL(csvUrl);
    // A byte-order mark so spreadsheet programs read factory names as UTF-8.
    csvUrl = URL.createObjectURL(new Blob(['\uFEFF', text()], { type: 'text/csv;charset=utf-8' }));
    const link = h('a', { href: csvUrl, download: file, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    announce(t('grievances-downloaded'));
  });
  return button;
}

/** The directory's categories (their labels); none if it cannot be read, ids are shown instead. */
async function categories(): Promise<Category[]> {
  try {
    return await fetchCategories({ base: '' });
  } catch {
    return [];
  }
}

route(/^\/grievances$/, 'read_aggregates', async (context) => {
  const factories = await api.factories();
  const labels = await categories();
  const reports = await Promise.all(
    factories.map(async (factory) => {
      const [months, categoryCounts, training, surveys] = await Promise.all([
        api.grievanceReport(factory.id),
        api.categoryCounts(factory.id),
        api.trainingReport(factory.id),
        api.surveyAggregates(factory.id),
      ]);
      const parts: FactoryParts = { factory, categoryCounts, training, surveys };
      return { factory, months, parts };
    }),
  );
  const locale = language().locale;
  const all = reports.map((report) => report.parts);
  const announce = (message: string): void => context.announce(message);
  const downloads = h(
    'div',
    { class: 'actions' },
    downloadButton(
      'grievances-download',
      t('grievances-download'),
      'grievances.csv',
      () => grievancesCsv(reports),
      announce,
    ),
    downloadButton(
      'categories-download',
      t('dashboard-categories-download'),
      'categories.csv',
      () => categoriesCsv(all),
      announce,
    ),
    downloadButton(
      'training-download',
      t('dashboard-training-download'),
      'training.csv',
      () => trainingCsv(all),
      announce,
    ),
    downloadButton('surveys-download', t('dashboard-surveys-download'), 'surveys.csv', () => surveysCsv(all), announce),
  );
  return {
    title: t('nav-grievances'),
    body: h(
      'div',
      { class: 'grievances' },
      h('p', {}, t('grievances-help', { min: MIN_GROUP })),
      h('p', { class: 'hint' }, t('grievances-definitions')),
      factories.length === 0 ? h('p', {}, t('factories-none')) : downloads,
      ...reports.map(({ factory, months, parts }) =>
        factorySection(factory, months, factoryParts(parts, labels, locale), locale),
      ),
    ),
  };
});
