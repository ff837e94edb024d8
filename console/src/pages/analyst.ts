/**
 * The analyst's survey results (`/reader/surveys`, issue 14; ADR 0015).
 *
 * The hub serves a survey's responses sealed, each with this analyst's
 * share of its content key, and every version's definition. This page opens
 * them with the analyst's non-extractable key, aggregates them as the Rust
 * reader does (`../surveys.ts`), and shows per group and question a bar
 * chart with a data table for screen readers. Groups and cells of fewer
 * than five people (and those that would give such a group away) are shown
 * as "fewer than 5", never with a number; the CSV is made in this browser;
 * publishing posts the aggregate of all versions, which the hub checks again
 * and may refuse.
 *
 * What was opened (factory, version and the answers that are counted; free
 * text only as "answered") lives in this module's memory until the analyst
 * leaves the page ({@link leaveAnalyst}).
 */

import { runSignedOut } from '../app.js';
import { field, h, isolated, replace, table } from '../dom.js';
import { language, t } from '../i18n.js';
import { ReaderError, type ReaderSession, readerRequest } from '../reader-session.js';
import {
  type GroupResults,
  type OpenedSurvey,
  type QuestionResults,
  type SurveyResults,
  aggregate,
  openSurveyResponses,
  sealedSurveyResultsFromJson,
  toCsv,
} from '../surveys.js';

/** The hub is the page's own origin. */
const HUB = { base: '' };

/** A survey this analyst may read (`GET /handler/v1/surveys`, `AnalystSurvey`). */
interface AnalystSurveyJson {
  survey_id: string;
  title: Record<string, string>;
  version: number;
  versions: number[];
  all_factories: boolean;
  factory_ids?: string[];
  responses: number;
}

interface AnalystState {
  readonly session: ReaderSession;
  /** The surveys the hub lists for this analyst; `null` until they arrived (or if the list failed). */
  surveys: AnalystSurveyJson[] | null;
  surveysFailed: unknown;
  readonly back: () => void;
  readonly signOut: () => void;
  surveyId: string;
  opened: OpenedSurvey | null;
  /** `''` for all versions. */
  version: string;
  /** `''` for every group. */
  factory: string;
  loading: boolean;
  failed: unknown;
  /** The last download's object URL, revoked when the page is left or a new one is made. */
  csvUrl: string | null;
  message: { text: () => string; alert: boolean } | null;
}

let shown: AnalystState | null = null;

/** Forgets what was opened (sign-out, idle sign-out, going back to the inbox). */
export function leaveAnalyst(): void {
  const state = shown;
  shown = null;
  if (state === null) return;
  if (state.csvUrl !== null) URL.revokeObjectURL(state.csvUrl);
  state.csvUrl = null;
  state.opened = null;
  replace(document.getElementById('app') ?? document.body);
}

function errorText(error: unknown): string {
  if (error instanceof ReaderError) {
    if (error.hubCode === 'not_found') return t('analyst-not-found');
    if (error.hubCode === 'unauthorized') return t('analyst-not-analyst');
    if (error.hubCode === 'network') return t('error-network');
    if (error.hubCode === 'rate_limited' && error.retryAfterSecs !== null) {
      return t('error-rate-limited', { seconds: error.retryAfterSecs });
    }
    return t('error-other');
  }
  return t('analyst-failed');
}

function results(state: AnalystState): SurveyResults | null {
  if (state.opened === null) return null;
  return aggregate(state.opened, state.version === '' ? undefined : Number(state.version));
}

/** A value's label for the page: yes/no answers have none of their own, so they are said in the page's language. */
function shownLabel(count: { value: string; label: string }): string {
  if (count.label === count.value && (count.value === 'yes' || count.value === 'no')) return t(`analyst-${count.value}`);
  return count.label;
}

/** A horizontal bar per value (decoration: the table below holds the numbers for screen readers). */
function chart(question: QuestionResults): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const rowHeight = 28;
  const labelWidth = 180;
  const barWidth = 300;
  const chartWidth = labelWidth + barWidth + 80;
  // Right to left, the labels stand at the right and the bars grow leftwards; the text anchors
  // (start/end) follow the direction set here, so only the x positions are mirrored.
  const { dir } = language();
  const x = (at: number, width = 0): string => String(dir === 'rtl' ? chartWidth - at - width : at);
  svg.setAttribute('viewBox', `0 0 ${chartWidth} ${question.counts.length * rowHeight}`);
  svg.setAttribute('direction', dir);
  svg.setAttribute('class', 'analyst-chart');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const total = question.answered ?? 0;
  question.counts.forEach((count, index) => {
    const y = index * rowHeight;
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', x(labelWidth - 8));
    label.setAttribute('y', String(y + rowHeight / 2 + 5));
    label.setAttribute('text-anchor', 'end');
    label.textContent = shownLabel(count);
    const bar = document.createElementNS(ns, 'rect');
    const width = total > 0 ? Math.max(1, (count.count / total) * barWidth) : 0;
    bar.setAttribute('x', x(labelWidth, width));
    bar.setAttribute('y', String(y + 4));
    bar.setAttribute('height', String(rowHeight - 8));
    bar.setAttribute('width', String(width));
    bar.setAttribute('class', 'analyst-bar');
    const value = document.createElementNS(ns, 'text');
    value.setAttribute('x', x(labelWidth + barWidth + 8));
    value.setAttribute('y', String(y + rowHeight / 2 + 5));
    value.textContent = String(count.count);
    svg.append(label, bar, value);
  });
  return svg;
}

function percent(count: number, of: number): string {
  return of > 0 ? `${Math.round((count / of) * 100)}%` : '—';
}

function questionView(question: QuestionResults, groupIndex: number, questionIndex: number): HTMLElement {
  const id = `analyst-q-${groupIndex}-${questionIndex}`;
  const heading = h('h4', { id }, isolated(question.label));
  if (question.answered === null) {
    return h(
      'div',
      { class: 'analyst-question', 'aria-labelledby': id, role: 'group' },
      heading,
      h('p', { class: 'analyst-suppressed' }, t('analyst-cell-suppressed')),
    );
  }
  const answered = question.answered;
  const parts: (HTMLElement | SVGSVGElement | null)[] = [
    h('p', {}, t('analyst-answered', { count: answered })),
    question.mean !== undefined ? h('p', {}, t('analyst-mean', { mean: question.mean.toFixed(2) })) : null,
  ];
  if (question.counts.length === 0) {
    if (question.mean === undefined) parts.push(h('p', { class: 'hint' }, t('analyst-no-counts')));
  } else {
    parts.push(chart(question));
    parts.push(
      h(
        'table',
        { class: 'visually-hidden' },
        h('caption', {}, t('analyst-table-caption', { question: question.label })),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('analyst-col-answer')),
            h('th', { scope: 'col' }, t('analyst-col-count')),
            h('th', { scope: 'col' }, t('analyst-col-share')),
          ),
        ),
        h(
          'tbody',
          {},
          ...question.counts.map((count) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, shownLabel(count)),
              h('td', {}, String(count.count)),
              h('td', {}, percent(count.count, answered)),
            ),
          ),
        ),
      ),
    );
  }
  const box = h('div', { class: 'analyst-question', 'aria-labelledby': id, role: 'group' }, heading);
  for (const part of parts) if (part !== null) box.append(part);
  return box;
}

function groupView(group: GroupResults, index: number): HTMLElement {
  const name = group.factory_id === undefined ? t('analyst-group-all') : t('analyst-group-factory', { factory: group.factory_id });
  const id = `analyst-group-${index}`;
  const section = h('section', { class: 'analyst-group', 'aria-labelledby': id }, h('h3', { id }, name));
  if (group.respondents === null) {
    section.append(h('p', { class: 'analyst-suppressed' }, t('analyst-group-suppressed')));
    return section;
  }
  section.append(h('p', {}, t('analyst-respondents', { count: group.respondents })));
  group.questions.forEach((question, at) => section.append(questionView(question, index, at)));
  return section;
}

function download(state: AnalystState, report: SurveyResults): void {
  if (state.csvUrl !== null) URL.revokeObjectURL(state.csvUrl);
  // A byte-order mark so spreadsheet programs read the labels as UTF-8.
  const blob = new Blob(['\uFEFF', toCsv(report)], { type: 'text/csv;charset=utf-8' });
  state.csvUrl = URL.createObjectURL(blob);
  const suffix = state.version === '' ? '' : `-v${state.version}`;
  const link = h('a', { href: state.csvUrl, download: `survey-${report.survey_id}${suffix}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  state.message = { text: () => t('analyst-downloaded'), alert: false };
  draw(state, 'analyst-download');
}

function publish(state: AnalystState): void {
  if (state.opened === null) return;
  const report = aggregate(state.opened);
  state.message = { text: () => t('analyst-publishing'), alert: false };
  draw(state, 'analyst-publish');
  readerRequest(
    HUB,
    'POST',
    `/handler/v1/surveys/${encodeURIComponent(report.survey_id)}/aggregates`,
    report,
    state.session.token,
  )
    .then(() => {
      if (shown !== state) return;
      state.message = { text: () => t('analyst-published'), alert: false };
    })
    .catch((error: unknown) => {
      if (shown !== state) return;
      const refused = error instanceof ReaderError && error.hubCode === 'bad_request';
      state.message = { text: () => (refused ? t('analyst-publish-refused') : errorText(error)), alert: true };
    })
    .finally(() => {
      if (shown === state) draw(state, 'analyst-publish');
    });
}

function load(state: AnalystState, surveyId: string): void {
  state.surveyId = surveyId;
  state.opened = null;
  state.failed = null;
  state.loading = true;
  state.message = null;
  state.version = '';
  state.factory = '';
  draw(state, 'analyst-survey');
  readerRequest<unknown>(
    HUB,
    'GET',
    `/handler/v1/surveys/${encodeURIComponent(surveyId)}/responses`,
    undefined,
    state.session.token,
  )
    .then((json) => openSurveyResponses(state.session.key, state.session.account.key_id, sealedSurveyResultsFromJson(json)))
    .then((opened) => {
      if (shown !== state) return;
      state.opened = opened;
      state.message = { text: () => t('analyst-opened', { count: opened.responses.length }), alert: false };
    })
    .catch((error: unknown) => {
      if (shown === state) state.failed = error;
    })
    .finally(() => {
      if (shown !== state) return;
      state.loading = false;
      draw(state, state.opened !== null ? 'analyst-results-title' : 'analyst-survey');
    });
}

function select(id: string, label: string, value: string, choices: readonly [string, string][], onChange: (value: string) => void): HTMLElement {
  const element = h('select', { id });
  for (const [optionValue, text] of choices) {
    const option = h('option', { value: optionValue }, text);
    option.selected = optionValue === value;
    element.append(option);
  }
  element.addEventListener('change', () => onChange(element.value));
  return field(label, element);
}

function render(state: AnalystState): HTMLElement {
  const back = h('button', { type: 'button', class: 'secondary', id: 'analyst-inbox' }, t('analyst-inbox'));
  back.addEventListener('click', () => {
    const go = state.back;
    leaveAnalyst();
    go();
  });
  const out = h('button', { type: 'button', id: 'analyst-sign-out' }, t('sign-out'));
  out.addEventListener('click', () => state.signOut());

  const survey = h('input', { type: 'text', id: 'analyst-survey', required: true, spellcheck: 'false', value: state.surveyId });
  // Kept as typed, so a redraw (the survey list arriving) does not lose it.
  survey.addEventListener('input', () => {
    state.surveyId = survey.value;
  });
  const open = h('button', { type: 'submit', id: 'analyst-load', disabled: state.loading }, t('analyst-load'));
  const form = h('form', { 'aria-labelledby': 'analyst-title' }, field(t('analyst-survey-label'), survey), open);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = survey.value.trim();
    if (id !== '') load(state, id);
  });

  const message =
    state.message === null
      ? null
      : h(
          'div',
          state.message.alert ? { role: 'alert', class: 'alert', id: 'analyst-message' } : { role: 'status', class: 'status', id: 'analyst-message' },
          state.message.text(),
        );
  const body = h(
    'div',
    { class: 'analyst-page' },
    h('div', { class: 'actions' }, back, out),
    h('h1', { id: 'analyst-title', tabindex: '-1' }, t('analyst-title')),
    h('p', { class: 'hint' }, t('analyst-help')),
    h('h2', { id: 'analyst-surveys-heading' }, t('analyst-surveys-heading')),
    surveyList(state),
    form,
    state.loading ? h('p', { role: 'status' }, t('analyst-loading')) : null,
    state.failed !== null ? h('div', { role: 'alert', class: 'alert', id: 'analyst-failed' }, errorText(state.failed)) : null,
  );
  const report = results(state);
  if (report === null || state.opened === null) {
    if (message !== null) body.append(message);
    return body;
  }
  const versions = [...state.opened.definitions.keys()].sort((a, b) => a - b);
  const factories = report.groups.flatMap((group) => (group.factory_id === undefined ? [] : [group.factory_id]));
  const filters = h(
    'div',
    { class: 'analyst-filters' },
    select(
      'analyst-version',
      t('analyst-version-label'),
      state.version,
      [['', t('analyst-version-all')], ...versions.map((version): [string, string] => [String(version), t('analyst-version', { version })])],
      (value) => {
        state.version = value;
        state.factory = '';
        draw(state, 'analyst-version');
      },
    ),
    select(
      'analyst-factory',
      t('analyst-factory-label'),
      state.factory,
      [['', t('analyst-factory-all')], ...factories.map((factory): [string, string] => [factory, factory])],
      (value) => {
        state.factory = value;
        draw(state, 'analyst-factory');
      },
    ),
  );
  const csv = h('button', { type: 'button', id: 'analyst-download' }, t('analyst-download'));
  csv.addEventListener('click', () => download(state, report));
  const publishButton = h('button', { type: 'button', class: 'secondary', id: 'analyst-publish' }, t('analyst-publish'));
  publishButton.addEventListener('click', () => publish(state));
  const groups = report.groups
    .map((group, index) => ({ group, index }))
    .filter(({ group }) => state.factory === '' || group.factory_id === state.factory);
  body.append(
    h('h2', { id: 'analyst-results-title', tabindex: '-1' }, t('analyst-results-title', { survey: report.survey_id })),
    filters,
    h('div', { class: 'actions' }, csv, publishButton),
    h('p', { class: 'hint' }, t('analyst-publish-help')),
  );
  if (message !== null) body.append(message);
  for (const { group, index } of groups) body.append(groupView(group, index));
  return body;
}

/** Draws the page and puts focus back on the element that was used (or the title; `null`: nowhere in particular). */
function draw(state: AnalystState, focus: string | null): void {
  runSignedOut(
    () => render(state),
    () => t('analyst-title'),
  );
  if (focus === null) return;
  (document.getElementById(focus) ?? document.getElementById('analyst-title'))?.focus();
}

/**
 * Shows the survey results page to a signed-in analyst. `back` goes to the
 * case inbox and `signOut` signs out; both run after the page forgot what
 * it opened.
 */
export function showAnalyst(session: ReaderSession, back: () => void, signOut: () => void): void {
  leaveAnalyst();
  const state: AnalystState = {
    session,
    back,
    signOut,
    surveys: null,
    surveysFailed: null,
    surveyId: '',
    opened: null,
    version: '',
    factory: '',
    loading: false,
    failed: null,
    csvUrl: null,
    message: null,
  };
  shown = state;
  history.replaceState(null, '', '/reader/surveys');
  draw(state, 'analyst-title');
  readerRequest<AnalystSurveyJson[]>(HUB, 'GET', '/handler/v1/surveys', undefined, session.token)
    .then((surveys) => {
      if (shown === state) state.surveys = surveys;
    })
    .catch((error: unknown) => {
      if (shown === state) state.surveysFailed = error;
    })
    .finally(() => {
      // Focus stays where the analyst is; the list arriving is announced by its own status line.
      const focused = document.activeElement?.id ?? '';
      if (shown === state) draw(state, focused === '' ? null : focused);
    });
}

/** A survey's title in the page's language, else its first language, else its id. */
function surveyTitle(survey: AnalystSurveyJson): string {
  const tag = language().tag;
  return survey.title[tag] ?? survey.title[tag.split('-')[0] ?? tag] ?? Object.values(survey.title)[0] ?? survey.survey_id;
}

/** The surveys this analyst may read, each with a button that opens its results. */
function surveyList(state: AnalystState): HTMLElement {
  if (state.surveysFailed !== null) {
    return h('p', { role: 'alert', class: 'alert', id: 'analyst-surveys-failed' }, errorText(state.surveysFailed));
  }
  const surveys = state.surveys;
  if (surveys === null) return h('p', { role: 'status' }, t('analyst-surveys-loading'));
  if (surveys.length === 0) return h('p', { id: 'analyst-surveys-none' }, t('analyst-surveys-none'));
  return table(
    t('analyst-surveys-caption'),
    [
      t('analyst-surveys-title'),
      t('analyst-surveys-id'),
      t('analyst-surveys-version'),
      t('analyst-surveys-factories'),
      t('analyst-surveys-responses'),
      t('actions'),
    ],
    surveys.map((survey) => {
      const title = surveyTitle(survey);
      const open = h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: `analyst-open-${survey.survey_id}`,
          'aria-label': t('analyst-surveys-open-named', { title }),
          disabled: state.loading,
        },
        t('analyst-surveys-open'),
      );
      open.addEventListener('click', () => load(state, survey.survey_id));
      return [
        isolated(title),
        h('code', {}, survey.survey_id),
        survey.versions.length > 1
          ? t('analyst-surveys-versions', { version: survey.version, count: survey.versions.length })
          : String(survey.version),
        survey.all_factories ? t('analyst-surveys-all-factories') : (survey.factory_ids ?? []).join(', '),
        String(survey.responses),
        open,
      ];
    }),
  );
}
