/**
 * Survey schedules (`/schedules`) and the events they follow (`/events`).
 *
 * A survey without a schedule is open to every worker of the factories it
 * is assigned to. A schedule (`POST /admin/v1/surveys/{id}/schedule`) sets
 * when it opens and closes and to whom: everyone, some factories, some
 * departments of a factory, listed workers, or — the audit follow-up — the
 * workers an event concerned, from N days after it (e.g. the workers
 * interviewed at an audit get the check-in on day 5). An event
 * (`POST /admin/v1/events`) names the workers it concerned by number; the
 * hub keeps them to open the survey and lists only how many there were.
 *
 * Programme admins change both; auditors read them. The page checks what the
 * hub checks and shows each problem beside its field before anything is
 * sent; what only the hub can know (a worker number not on the roster) comes
 * back as its refusal, shown beside the form.
 */

import {
  api,
  HubRequestError,
  type EventSummary,
  type Factory,
  type PublishedItem,
  type SurveySchedule,
  type SurveyTarget,
} from '../api.js';
import { errorMessage, route, type Context } from '../app.js';
import { h, isolated, replace, table, uid } from '../dom.js';
import { language, t } from '../i18n.js';
import { titleOf } from './content.js';

/** The hub's limits (`hub/src/surveys/schedule.rs`). */
const MAX_LISTED = 10_000;
const MAX_AFTER_DAYS = 3650;
const MAX_KIND_CHARS = 64;
const DAY = 86_400;

type TargetType = SurveyTarget['type'];
const TARGETS: readonly TargetType[] = ['everyone', 'factories', 'departments', 'workers', 'after_event'];

/** `YYYY-MM-DD` of unix seconds, in the browser's time zone. */
export function dateValue(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The start of a `YYYY-MM-DD` day in the browser's time zone, in unix seconds; `null` if not a date. */
export function dayStart(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (match === null) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : Math.floor(date.getTime() / 1000);
}

/** A day's name in the page's language. */
function day(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString(language().locale, { dateStyle: 'long' });
}

/** Entries of a list typed one per line or separated by commas, trimmed, without blanks or repeats. */
export function listed(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\n,]/)) {
    const entry = part.trim();
    if (entry !== '') seen.add(entry);
  }
  return [...seen];
}

type ScheduleField =
  'opens' | 'closes' | 'factories' | 'factory' | 'departments' | 'workers' | 'event' | 'after' | 'open';

/** What was typed in a schedule form. */
export interface ScheduleInput {
  opens: string;
  closes: string;
  target: TargetType;
  factories: string[];
  factory: string;
  departments: string;
  workers: string;
  event: string;
  after: string;
  open: string;
}

/** The schedule typed, or what is wrong with it per field. */
export function checkSchedule(
  input: ScheduleInput,
): { schedule: SurveySchedule; problems: null } | { schedule: null; problems: Partial<Record<ScheduleField, string>> } {
  const problems: Partial<Record<ScheduleField, string>> = {};
  const opensAt = input.opens.trim() === '' ? null : dayStart(input.opens);
  const lastDay = input.closes.trim() === '' ? null : dayStart(input.closes);
  if (input.opens.trim() !== '' && opensAt === null) problems.opens = t('schedule-error-date');
  if (input.closes.trim() !== '' && lastDay === null) problems.closes = t('schedule-error-date');
  // Closed from the start of the day after the last day open.
  const closesAt = lastDay === null ? null : lastDay + DAY;
  if (opensAt !== null && lastDay !== null && lastDay < opensAt) problems.closes = t('schedule-error-order');
  const wholeDays = (text: string, min: number, field: 'after' | 'open'): number | null => {
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed) || Number(trimmed) < min || Number(trimmed) > MAX_AFTER_DAYS) {
      problems[field] = t('schedule-error-days', { min, max: MAX_AFTER_DAYS });
      return null;
    }
    return Number(trimmed);
  };
  let target: SurveyTarget | null = null;
  switch (input.target) {
    case 'everyone':
      target = { type: 'everyone' };
      break;
    case 'factories':
      if (input.factories.length === 0) problems.factories = t('schedule-error-factories');
      else target = { type: 'factories', factory_ids: input.factories };
      break;
    case 'departments': {
      const departments = listed(input.departments);
      if (input.factory === '') problems.factory = t('schedule-error-factory');
      if (departments.length === 0) problems.departments = t('schedule-error-departments');
      else if (departments.length > MAX_LISTED)
        problems.departments = t('schedule-error-too-many', { max: MAX_LISTED });
      if (problems.factory === undefined && problems.departments === undefined)
        target = { type: 'departments', factory_id: input.factory, departments };
      break;
    }
    case 'workers': {
      const numbers = listed(input.workers);
      if (input.factory === '') problems.factory = t('schedule-error-factory');
      if (numbers.length === 0) problems.workers = t('schedule-error-workers');
      else if (numbers.length > MAX_LISTED) problems.workers = t('schedule-error-too-many', { max: MAX_LISTED });
      if (problems.factory === undefined && problems.workers === undefined)
        target = { type: 'workers', factory_id: input.factory, worker_numbers: numbers };
      break;
    }
    case 'after_event': {
      const event = input.event.trim();
      if (event === '' || event.length > MAX_KIND_CHARS)
        problems.event = t('schedule-error-event', { max: MAX_KIND_CHARS });
      const after = wholeDays(input.after, 0, 'after');
      const open = input.open.trim() === '' ? undefined : wholeDays(input.open, 1, 'open');
      if (problems.event === undefined && after !== null && open !== null)
        target = {
          type: 'after_event',
          event,
          after_days: after,
          ...(open !== undefined ? { open_days: open } : {}),
        };
      break;
    }
  }
  if (target === null || Object.keys(problems).length > 0) return { schedule: null, problems };
  return {
    schedule: {
      ...(opensAt !== null ? { opens_at: opensAt } : {}),
      ...(closesAt !== null ? { closes_at: closesAt } : {}),
      target,
    },
    problems: null,
  };
}

/** A schedule in words. */
export function describeSchedule(schedule: SurveySchedule | undefined, factoryName: (id: string) => string): string {
  if (schedule === undefined) return t('schedule-none');
  const target = schedule.target;
  const who =
    target.type === 'everyone'
      ? t('schedule-who-everyone')
      : target.type === 'factories'
        ? t('schedule-who-factories', { factories: target.factory_ids.map(factoryName).join(', ') })
        : target.type === 'departments'
          ? t('schedule-who-departments', {
              factory: factoryName(target.factory_id),
              departments: target.departments.join(', '),
            })
          : target.type === 'workers'
            ? t('schedule-who-workers', {
                factory: factoryName(target.factory_id),
                count: target.worker_numbers.length,
              })
            : t('schedule-who-after-event', {
                event: target.event,
                after: target.after_days,
                open: target.open_days ?? 0,
              });
  const opens = schedule.opens_at === undefined ? null : day(schedule.opens_at);
  const last = schedule.closes_at === undefined ? null : day(schedule.closes_at - DAY);
  const window =
    opens !== null && last !== null
      ? t('schedule-window-both', { opens, last })
      : opens !== null
        ? t('schedule-window-from', { opens })
        : last !== null
          ? t('schedule-window-until', { last })
          : t('schedule-window-always');
  return `${who} ${window}`;
}

/** One survey's schedule: read-only, or a form for those who may change it. */
function scheduleForm(
  context: Context,
  survey: PublishedItem,
  current: SurveySchedule | undefined,
  factories: readonly Factory[],
  editable: boolean,
): HTMLElement {
  const title = titleOf(survey.titles, survey.id);
  const key = `schedule-${survey.id}`;
  const factoryName = (id: string): string => factories.find((factory) => factory.id === id)?.name ?? id;
  const summary = h('p', { class: 'schedule-summary', id: `${key}-summary` }, describeSchedule(current, factoryName));
  const heading = h('h2', { id: key, tabindex: '-1' }, isolated(title));
  if (!editable) return h('section', { class: 'schedule', 'aria-labelledby': key }, heading, summary);

  const target = current?.target;
  const input = (field: string, attributes: Record<string, string | boolean>): HTMLInputElement =>
    h('input', { id: `${key}-${field}`, ...attributes });
  const opens = input('opens', {
    type: 'date',
    value: current?.opens_at === undefined ? '' : dateValue(current.opens_at),
  });
  const closes = input('closes', {
    type: 'date',
    value: current?.closes_at === undefined ? '' : dateValue(current.closes_at - DAY),
  });
  const targetSelect = h(
    'select',
    { id: `${key}-target` },
    ...TARGETS.map((type) => {
      const option = h('option', { value: type }, t(`schedule-target-${type.replaceAll('_', '-')}`));
      option.selected = type === (target?.type ?? 'everyone');
      return option;
    }),
  );
  const chosenFactories = target?.type === 'factories' ? target.factory_ids : [];
  const factoriesSelect = h(
    'select',
    { id: `${key}-factories`, multiple: true, size: String(Math.min(5, Math.max(2, factories.length))) },
    ...factories.map((factory) => {
      const option = h('option', { value: factory.id }, factory.name);
      option.selected = chosenFactories.includes(factory.id);
      return option;
    }),
  );
  const oneFactory = target?.type === 'departments' || target?.type === 'workers' ? target.factory_id : '';
  const factorySelect = h(
    'select',
    { id: `${key}-factory` },
    h('option', { value: '' }, t('schedule-choose-factory')),
    ...factories.map((factory) => {
      const option = h('option', { value: factory.id }, factory.name);
      option.selected = factory.id === oneFactory;
      return option;
    }),
  );
  const departments = h('textarea', { id: `${key}-departments`, rows: '3' });
  departments.value = target?.type === 'departments' ? target.departments.join('\n') : '';
  const workers = h('textarea', { id: `${key}-workers`, rows: '3', autocomplete: 'off', dir: 'ltr' });
  workers.value = target?.type === 'workers' ? target.worker_numbers.join('\n') : '';
  const event = input('event', {
    type: 'text',
    autocomplete: 'off',
    maxlength: String(MAX_KIND_CHARS * 2),
    value: target?.type === 'after_event' ? target.event : 'audit',
  });
  const after = input('after', {
    type: 'number',
    inputmode: 'numeric',
    min: '0',
    max: String(MAX_AFTER_DAYS),
    step: '1',
    value: target?.type === 'after_event' ? String(target.after_days) : '5',
  });
  const open = input('open', {
    type: 'number',
    inputmode: 'numeric',
    min: '1',
    max: String(MAX_AFTER_DAYS),
    step: '1',
    value: target?.type === 'after_event' && target.open_days !== undefined ? String(target.open_days) : '',
  });

  const controls: Record<ScheduleField, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {
    opens,
    closes,
    factories: factoriesSelect,
    factory: factorySelect,
    departments,
    workers,
    event,
    after,
    open,
  };
  const labels: Record<ScheduleField, [string, string | null]> = {
    opens: [t('schedule-opens'), t('schedule-opens-hint')],
    closes: [t('schedule-closes'), t('schedule-closes-hint')],
    factories: [t('schedule-factories'), t('schedule-factories-hint')],
    factory: [t('schedule-factory'), null],
    departments: [t('schedule-departments'), t('schedule-list-hint')],
    workers: [t('schedule-workers'), t('schedule-list-hint')],
    event: [t('schedule-event'), t('schedule-event-hint')],
    after: [t('schedule-after'), t('schedule-after-hint', { max: MAX_AFTER_DAYS })],
    open: [t('schedule-open-days'), t('schedule-open-days-hint')],
  };
  const errors = {} as Record<ScheduleField, HTMLElement>;
  const wrappers = {} as Record<ScheduleField, HTMLElement>;
  for (const name of Object.keys(controls) as ScheduleField[]) {
    const control = controls[name];
    const error = h('p', { class: 'field-error', id: uid('schedule-error') });
    const [label, hint] = labels[name];
    const hintId = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hint === null ? error.id : `${hintId} ${error.id}`);
    errors[name] = error;
    wrappers[name] = h(
      'div',
      { class: 'field' },
      h('label', { for: control.id }, label),
      control,
      hint === null ? null : h('p', { class: 'hint', id: hintId }, hint),
      error,
    );
  }
  const sync = (): void => {
    const type = targetSelect.value as TargetType;
    wrappers.factories.hidden = type !== 'factories';
    wrappers.factory.hidden = type !== 'departments' && type !== 'workers';
    wrappers.departments.hidden = type !== 'departments';
    wrappers.workers.hidden = type !== 'workers';
    for (const name of ['event', 'after', 'open'] as const) wrappers[name].hidden = type !== 'after_event';
  };
  targetSelect.addEventListener('change', sync);
  sync();

  const refusal = h('p', { class: 'field-error form-refusal', role: 'alert', id: `${key}-refusal` });
  const save = h('button', { type: 'submit', id: `${key}-save` }, t('schedule-save', { title }));
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': key, class: 'schedule-form' },
    h('fieldset', {}, h('legend', {}, t('schedule-when')), wrappers.opens, wrappers.closes),
    h(
      'fieldset',
      {},
      h('legend', {}, t('schedule-who')),
      h('div', { class: 'field' }, h('label', { for: targetSelect.id }, t('schedule-target')), targetSelect),
      wrappers.factories,
      wrappers.factory,
      wrappers.departments,
      wrappers.workers,
      wrappers.event,
      wrappers.after,
      wrappers.open,
    ),
    save,
    refusal,
  );
  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    replace(refusal);
    const checked = checkSchedule({
      opens: opens.value,
      closes: closes.value,
      target: targetSelect.value as TargetType,
      factories: [...factoriesSelect.selectedOptions].map((option) => option.value),
      factory: factorySelect.value,
      departments: departments.value,
      workers: workers.value,
      event: event.value,
      after: after.value,
      open: open.value,
    });
    let first: HTMLElement | null = null;
    for (const name of Object.keys(controls) as ScheduleField[]) {
      const problem = checked.problems?.[name];
      replace(errors[name], problem ?? '');
      if (problem === undefined) {
        controls[name].removeAttribute('aria-invalid');
      } else {
        controls[name].setAttribute('aria-invalid', 'true');
        first ??= controls[name];
      }
    }
    if (checked.schedule === null) {
      context.announce(t('schedule-not-saved', { title }));
      first?.focus();
      return;
    }
    save.disabled = true;
    api
      .setSchedule(survey.id, checked.schedule)
      .then((saved) => {
        replace(summary, describeSchedule(saved, factoryName));
        context.announce(t('schedule-saved', { title }));
      })
      .catch((error: unknown) => {
        // Only the hub knows the roster: an unknown worker number is its refusal.
        const unknownWorker =
          error instanceof HubRequestError && error.code === 'bad_request' && targetSelect.value === 'workers';
        replace(
          refusal,
          unknownWorker ? t('schedule-refused-workers') : t('schedule-refused', { reason: errorMessage(error) }),
        );
        context.announce(t('schedule-not-saved', { title }));
      })
      .finally(() => {
        save.disabled = false;
      });
  });
  return h('section', { class: 'schedule', 'aria-labelledby': key }, heading, summary, form);
}

route(/^\/schedules$/, 'read_programme', async (context) => {
  const [items, factories] = await Promise.all([api.content(), api.factories()]);
  // A schedule can be set only on a survey devices can already see.
  const surveys = items.filter((item) => item.kind === 'survey' && item.current_version !== undefined);
  const schedules = await Promise.all(surveys.map((survey) => api.schedule(survey.id)));
  const editable = context.can('manage_programme');
  const body = h(
    'div',
    { class: 'schedules' },
    h('p', {}, t('schedules-help')),
    surveys.length === 0 ? h('p', {}, t('schedules-none')) : null,
    ...surveys.map((survey, index) => scheduleForm(context, survey, schedules[index]?.schedule, factories, editable)),
  );
  return { title: t('nav-schedules'), body };
});

type EventField = 'factory' | 'kind' | 'day' | 'workers';

/** The event typed, or what is wrong with it per field. */
export function checkEvent(
  factory: string,
  kind: string,
  dayText: string,
  workers: string,
): { at: number; numbers: string[]; problems: null } | { problems: Partial<Record<EventField, string>> } {
  const problems: Partial<Record<EventField, string>> = {};
  if (factory === '') problems.factory = t('schedule-error-factory');
  const trimmed = kind.trim();
  if (trimmed === '' || trimmed.length > MAX_KIND_CHARS)
    problems.kind = t('schedule-error-event', { max: MAX_KIND_CHARS });
  const at = dayStart(dayText);
  if (at === null) problems.day = t('schedule-error-date');
  const numbers = listed(workers);
  if (numbers.length === 0) problems.workers = t('schedule-error-workers');
  else if (numbers.length > MAX_LISTED) problems.workers = t('schedule-error-too-many', { max: MAX_LISTED });
  if (at === null || Object.keys(problems).length > 0) return { problems };
  return { at, numbers, problems: null };
}

/** The surveys that follow an event of this kind, and the day each opens for its workers. */
function followUps(
  event: EventSummary,
  surveys: readonly { title: string; schedule: SurveySchedule | undefined }[],
): string {
  const opening = surveys.flatMap(({ title, schedule }) => {
    const target = schedule?.target;
    if (target?.type !== 'after_event' || target.event !== event.kind) return [];
    return [t('events-follow-up', { title, day: day(event.at + target.after_days * DAY) })];
  });
  return opening.length === 0 ? t('none') : opening.join('; ');
}

function eventForm(context: Context, factories: readonly Factory[]): HTMLElement {
  const factory = h(
    'select',
    { id: 'event-factory' },
    h('option', { value: '' }, t('schedule-choose-factory')),
    ...factories.map((entry) => h('option', { value: entry.id }, entry.name)),
  );
  const kind = h('input', { type: 'text', id: 'event-kind', value: 'audit', autocomplete: 'off' });
  const dayInput = h('input', { type: 'date', id: 'event-day' });
  const workers = h('textarea', { id: 'event-workers', rows: '4', autocomplete: 'off', dir: 'ltr' });
  const controls: Record<EventField, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {
    factory,
    kind,
    day: dayInput,
    workers,
  };
  const labels: Record<EventField, [string, string]> = {
    factory: [t('schedule-factory'), t('events-factory-hint')],
    kind: [t('events-kind'), t('schedule-event-hint')],
    day: [t('events-day'), t('events-day-hint')],
    workers: [t('events-workers'), t('events-workers-hint')],
  };
  const errors = {} as Record<EventField, HTMLElement>;
  const fields = (Object.keys(controls) as EventField[]).map((name) => {
    const control = controls[name];
    const error = h('p', { class: 'field-error', id: uid('event-error') });
    errors[name] = error;
    control.setAttribute('aria-describedby', `${control.id}-hint ${error.id}`);
    return h(
      'div',
      { class: 'field' },
      h('label', { for: control.id }, labels[name][0]),
      control,
      h('p', { class: 'hint', id: `${control.id}-hint` }, labels[name][1]),
      error,
    );
  });
  const refusal = h('p', { class: 'field-error form-refusal', role: 'alert', id: 'event-refusal' });
  const save = h('button', { type: 'submit', id: 'event-save' }, t('events-record'));
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'event-form-title', class: 'event-form' },
    h('h2', { id: 'event-form-title' }, t('events-record-title')),
    h('p', { class: 'hint' }, t('events-record-help')),
    ...fields,
    save,
    refusal,
  );
  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    replace(refusal);
    const checked = checkEvent(factory.value, kind.value, dayInput.value, workers.value);
    let first: HTMLElement | null = null;
    for (const name of Object.keys(controls) as EventField[]) {
      const problem = checked.problems?.[name];
      replace(errors[name], problem ?? '');
      if (problem === undefined) {
        controls[name].removeAttribute('aria-invalid');
      } else {
        controls[name].setAttribute('aria-invalid', 'true');
        first ??= controls[name];
      }
    }
    if (checked.problems !== null) {
      context.announce(t('events-not-recorded'));
      first?.focus();
      return;
    }
    save.disabled = true;
    const name = factory.selectedOptions[0]?.textContent ?? factory.value;
    api
      .recordEvent(kind.value.trim(), factory.value, checked.at, checked.numbers)
      .then((recorded) => {
        // Shown again with the list, which now holds it.
        context.navigate('/events');
        context.announce(
          t('events-recorded', {
            kind: kind.value.trim(),
            factory: name,
            day: day(checked.at),
            count: recorded.workers,
          }),
        );
      })
      .catch((error: unknown) => {
        const unknownWorker = error instanceof HubRequestError && error.code === 'bad_request';
        replace(
          refusal,
          unknownWorker ? t('events-refused-workers') : t('schedule-refused', { reason: errorMessage(error) }),
        );
        context.announce(t('events-not-recorded'));
      })
      .finally(() => {
        save.disabled = false;
      });
  });
  return form;
}

route(/^\/events$/, 'read_programme', async (context) => {
  const [events, factories, items] = await Promise.all([api.events(), api.factories(), api.content()]);
  const surveys = items.filter((item) => item.kind === 'survey' && item.current_version !== undefined);
  const schedules = await Promise.all(surveys.map((survey) => api.schedule(survey.id)));
  const following = surveys.map((survey, index) => ({
    title: titleOf(survey.titles, survey.id),
    schedule: schedules[index]?.schedule,
  }));
  const name = (id: string): string => factories.find((factory) => factory.id === id)?.name ?? id;
  const byFactory = new Map<string, EventSummary[]>();
  for (const event of events) byFactory.set(event.factory_id, [...(byFactory.get(event.factory_id) ?? []), event]);
  const lists = [...byFactory.entries()]
    .sort(([a], [b]) => name(a).localeCompare(name(b), language().locale))
    .map(([factory, recorded]) =>
      table(
        t('events-caption', { factory: name(factory) }),
        [t('events-day'), t('events-kind'), t('events-count'), t('events-recorded-at'), t('events-follow-ups')],
        recorded.map((event) => [
          day(event.at),
          event.kind,
          String(event.workers),
          new Date(event.recorded_at * 1000).toLocaleString(language().locale),
          followUps(event, following),
        ]),
      ),
    );
  const body = h(
    'div',
    { class: 'events' },
    h('p', {}, t('events-help')),
    context.can('manage_programme') ? eventForm(context, factories) : null,
    h('h2', {}, t('events-list-title')),
    lists.length === 0 ? h('p', {}, t('events-none')) : null,
    ...lists,
  );
  return { title: t('nav-events'), body };
});
