/**
 * The rest of a factory's section on the dashboard (`/grievances`, issue 14
 * "Dashboards"), beside the grievance counts:
 *
 * - **cases by category** as a reader of each route counted them in their
 *   browser and published them (ADR 0024; `GET …/category-counts`), one
 *   table per route, each row saying which route's reader published it and
 *   on which day, and a note when nothing was published;
 * - **training completion** per module (`GET …/training-report`);
 * - **survey results** an analyst published, this factory's group only
 *   (`GET …/survey-aggregates`).
 *
 * Every suppressed count arrives as `null` (the hub refuses anything else)
 * and reads "fewer than 5": the page has no number to show. The CSVs of
 * every factory shown are made in this browser.
 */

import type { Factory, FactorySurveyAggregates, ModuleCompletion } from '../api.js';
import { MIN_GROUP, type PublishedCategoryCounts } from '../category-counts.js';
import { h, isolated } from '../dom.js';
import { categoryName, t } from '../i18n.js';
import type { Category } from './inbox.js';

/** What the dashboard holds of one factory besides the grievance counts. */
export interface FactoryParts {
  factory: Factory;
  categoryCounts: readonly PublishedCategoryCounts[];
  training: readonly ModuleCompletion[];
  surveys: readonly FactorySurveyAggregates[];
}

/** A category's label in the page's language, or its id. */
export function categoryLabel(categories: readonly Category[], id: string): string {
  const category = categories.find((candidate) => candidate.id === id);
  return categoryName(id, category?.labels);
}

/** A count as shown: "fewer than 5" for a suppressed one, never a number. */
export function shownCount(count: number | null): string {
  return count === null ? t('grievances-fewer-than', { min: MIN_GROUP }) : String(count);
}

const ROUTES = ['factory_committee', 'independent_hotline', 'brand'] as const;

function routeLabel(route: string): string {
  return t(`reader-route-${route.replaceAll('_', '-')}`);
}

/** A month `YYYY-MM` in the page's language. */
export function monthName(month: string, locale: string): string {
  const [year, number] = month.split('-').map(Number);
  if (year === undefined || number === undefined || !Number.isFinite(year) || !Number.isFinite(number)) return month;
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString(locale, {
    year: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  });
}

/** A day (unix seconds of its start, UTC) in the page's language. */
function day(seconds: number, locale: string): string {
  return new Date(seconds * 1000).toLocaleDateString(locale, { timeZone: 'UTC' });
}

function cell(count: number | null): HTMLTableCellElement {
  return h('td', count === null ? { class: 'suppressed-cell' } : {}, shownCount(count));
}

/** Cases by category: a table per route that published. */
function categorySection(parts: FactoryParts, categories: readonly Category[], locale: string): HTMLElement {
  const id = `dashboard-categories-${parts.factory.id}`;
  const section = h('section', { class: 'dashboard-part', 'aria-labelledby': id });
  section.append(h('h3', { id }, t('dashboard-categories-title')));
  section.append(h('p', { class: 'hint' }, t('dashboard-categories-help')));
  if (parts.categoryCounts.length === 0) {
    section.append(h('p', { class: 'dashboard-none' }, t('dashboard-categories-none')));
    return section;
  }
  for (const route of ROUTES) {
    const rows = parts.categoryCounts.filter((row) => row.route === route);
    if (rows.length === 0) continue;
    const ids = [...new Set(rows.flatMap((row) => row.categories.map((category) => category.category_id)))].sort();
    const table = h(
      'table',
      { class: 'category-counts', 'data-route': route },
      h('caption', {}, t('dashboard-categories-caption', { factory: parts.factory.name, route: routeLabel(route) })),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('grievances-col-month')),
          h('th', { scope: 'col' }, t('category-total')),
          ...ids.map((category) => h('th', { scope: 'col' }, categoryLabel(categories, category))),
          h('th', { scope: 'col' }, t('dashboard-published')),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map((row) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, monthName(row.month, locale)),
            cell(row.total),
            ...ids.map((category) => {
              const found = row.categories.find((candidate) => candidate.category_id === category);
              // A category missing from a row had no case that month.
              return found === undefined ? h('td', {}, '0') : cell(found.count);
            }),
            h(
              'td',
              {},
              t('dashboard-published-by', { route: routeLabel(row.route), date: day(row.published_on, locale) }),
            ),
          ),
        ),
      ),
    );
    section.append(h('div', { class: 'table-scroll' }, table));
  }
  return section;
}

/** Training completion per module. */
function trainingSection(parts: FactoryParts): HTMLElement {
  const id = `dashboard-training-${parts.factory.id}`;
  const section = h('section', { class: 'dashboard-part', 'aria-labelledby': id });
  section.append(h('h3', { id }, t('dashboard-training-title')));
  if (parts.training.length === 0) {
    section.append(h('p', { class: 'dashboard-none' }, t('training-none')));
    return section;
  }
  section.append(
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'training-report' },
        h('caption', {}, t('dashboard-training-caption', { factory: parts.factory.name })),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('training-module')),
            h('th', { scope: 'col' }, t('training-started')),
            h('th', { scope: 'col' }, t('training-passed')),
          ),
        ),
        h(
          'tbody',
          {},
          ...parts.training.map((row) =>
            h('tr', {}, h('th', { scope: 'row' }, row.module_id), cell(row.workers_started), cell(row.workers_passed)),
          ),
        ),
      ),
    ),
  );
  return section;
}

/** Each published survey's group for this factory: respondents, and per question its answers. */
function surveySection(parts: FactoryParts, locale: string): HTMLElement {
  const id = `dashboard-surveys-${parts.factory.id}`;
  const section = h('section', { class: 'dashboard-part', 'aria-labelledby': id });
  section.append(h('h3', { id }, t('dashboard-surveys-title')));
  if (parts.surveys.length === 0) {
    section.append(h('p', { class: 'dashboard-none' }, t('dashboard-surveys-none')));
    return section;
  }
  for (const survey of parts.surveys) {
    const group = survey.results.groups[0];
    if (group === undefined) continue;
    const caption = t('dashboard-survey-caption', {
      survey: survey.results.survey_id,
      respondents: shownCount(group.respondents),
      date: day(survey.published_on, locale),
    });
    if (group.respondents === null || group.questions.length === 0) {
      section.append(h('p', { class: 'dashboard-survey-hidden' }, caption));
      continue;
    }
    const table = h(
      'table',
      { class: 'survey-aggregates' },
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('dashboard-survey-question')),
          h('th', { scope: 'col' }, t('dashboard-survey-answered')),
          h('th', { scope: 'col' }, t('dashboard-survey-answers')),
        ),
      ),
      h(
        'tbody',
        {},
        ...group.questions.map((question) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, isolated(question.label)),
            cell(question.answered),
            h(
              'td',
              {},
              h(
                'ul',
                { class: 'plain' },
                ...question.counts.map((count) =>
                  h('li', {}, t('category-line', { category: count.label, count: String(count.count) })),
                ),
                question.mean === undefined || question.mean === null
                  ? null
                  : h('li', {}, t('dashboard-survey-mean', { mean: question.mean.toFixed(2) })),
              ),
            ),
          ),
        ),
      ),
    );
    section.append(h('div', { class: 'table-scroll' }, table));
  }
  return section;
}

/** The three parts of one factory's section. */
export function factoryParts(parts: FactoryParts, categories: readonly Category[], locale: string): HTMLElement[] {
  return [categorySection(parts, categories, locale), trainingSection(parts), surveySection(parts, locale)];
}

/** One CSV field: quoted, and never read by a spreadsheet as a formula. */
export function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

const count = (value: number | null): string => (value === null ? 'suppressed' : String(value));
const csv = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;

/** Cases by category of every factory shown: one line per route, month and category (and the total). */
export function categoriesCsv(reports: readonly FactoryParts[]): string {
  const lines = ['factory_id,factory_name,route,month,category_id,cases,published_on'];
  for (const { factory, categoryCounts } of reports) {
    for (const row of categoryCounts) {
      const published = new Date(row.published_on * 1000).toISOString().slice(0, 10);
      const start = [csvField(factory.id), csvField(factory.name), row.route, row.month];
      lines.push([...start, 'total', count(row.total), published].join(','));
      for (const category of row.categories) {
        lines.push([...start, csvField(category.category_id), count(category.count), published].join(','));
      }
    }
  }
  return csv(lines);
}

/** Training completion of every factory shown. */
export function trainingCsv(reports: readonly FactoryParts[]): string {
  const lines = ['factory_id,factory_name,module_id,workers_started,workers_passed'];
  for (const { factory, training } of reports) {
    for (const row of training) {
      lines.push(
        [
          csvField(factory.id),
          csvField(factory.name),
          csvField(row.module_id),
          count(row.workers_started),
          count(row.workers_passed),
        ].join(','),
      );
    }
  }
  return csv(lines);
}

/** Published survey results of every factory shown: one line per question and answer. */
export function surveysCsv(reports: readonly FactoryParts[]): string {
  const lines = ['factory_id,factory_name,survey_id,respondents,question_id,question,answered,value,label,count'];
  for (const { factory, surveys } of reports) {
    for (const survey of surveys) {
      for (const group of survey.results.groups) {
        const start = [csvField(factory.id), csvField(factory.name), csvField(survey.results.survey_id)];
        if (group.respondents === null || group.questions.length === 0) {
          lines.push([...start, count(group.respondents), '', '', '', '', '', ''].join(','));
          continue;
        }
        for (const question of group.questions) {
          const about = [
            ...start,
            count(group.respondents),
            csvField(question.question_id),
            csvField(question.label),
            count(question.answered),
          ];
          if (question.counts.length === 0) lines.push([...about, '', '', ''].join(','));
          for (const answer of question.counts) {
            lines.push([...about, csvField(answer.value), csvField(answer.label), String(answer.count)].join(','));
          }
        }
      }
    }
  }
  return csv(lines);
}
