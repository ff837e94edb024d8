/**
 * The handlers' working deadlines per route (`/deadlines`, ADR 0020): how
 * many days a route's readers have to acknowledge a case, to reply to the
 * worker and to resolve it. Programme admins and auditors see them;
 * programme admins change them (`POST /admin/v1/deadlines/{route}`, audited).
 * The page checks what the hub checks (whole days, in range, in the order a
 * case meets them) and shows each problem beside its field before anything
 * is sent; the hub still decides and its refusal is shown too.
 *
 * These are not the escalation deadline of the signed directory (which
 * devices hold and the key holder signs): the page says so.
 */

import { api, type RouteDeadlines } from '../api.js';
import { route, type Context } from '../app.js';
import { h, replace, uid } from '../dom.js';
import { t } from '../i18n.js';

/** The hub's limits (`hub/src/cases/deadlines.rs`). */
const MAX_DAYS = 366;
const MAX_RESOLVE_DAYS = 3660;

/** A route's name in the page's language. */
export function routeName(routeId: string): string {
  const id = `reader-route-${routeId.replaceAll('_', '-')}`;
  const text = t(id);
  return text === id ? routeId : text;
}

type FieldName = 'acknowledge' | 'respond' | 'resolve';

/** What is wrong with the values typed, per field (empty when nothing is). */
export function deadlineProblems(
  acknowledge: string,
  respond: string,
  resolve: string,
): Partial<Record<FieldName, string>> {
  const problems: Partial<Record<FieldName, string>> = {};
  const parse = (text: string, max: number, name: FieldName): number | null => {
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed)) {
      problems[name] = t('deadlines-error-whole', { max });
      return null;
    }
    const days = Number(trimmed);
    if (days < 1 || days > max) {
      problems[name] = t('deadlines-error-range', { max });
      return null;
    }
    return days;
  };
  const ack = parse(acknowledge, MAX_DAYS, 'acknowledge');
  const reply = parse(respond, MAX_DAYS, 'respond');
  const resolveDays = resolve.trim() === '' ? null : parse(resolve, MAX_RESOLVE_DAYS, 'resolve');
  if (ack !== null && reply !== null && reply < ack) problems.respond = t('deadlines-error-respond-order');
  if (reply !== null && resolveDays !== null && resolveDays < reply) problems.resolve = t('deadlines-error-resolve-order');
  return problems;
}

/** One route's deadlines: read-only, or a form for those who may change them. */
function routeForm(context: Context, deadlines: RouteDeadlines, editable: boolean): HTMLElement {
  const name = routeName(deadlines.route);
  const key = deadlines.route.replaceAll('_', '-');
  const state = h(
    'p',
    { class: 'hint', id: `deadlines-${key}-state` },
    deadlines.default ? t('deadlines-default') : t('deadlines-set'),
  );
  const input = (field: FieldName, value: number | null | undefined, max: number): HTMLInputElement =>
    h('input', {
      type: 'number',
      inputmode: 'numeric',
      id: `deadlines-${key}-${field}`,
      min: '1',
      max: String(max),
      step: '1',
      required: field !== 'resolve',
      readonly: !editable,
      value: value === null || value === undefined ? '' : String(value),
    });
  const inputs: Record<FieldName, HTMLInputElement> = {
    acknowledge: input('acknowledge', deadlines.acknowledge_days, MAX_DAYS),
    respond: input('respond', deadlines.respond_days, MAX_DAYS),
    resolve: input('resolve', deadlines.resolve_days, MAX_RESOLVE_DAYS),
  };
  const errors: Record<FieldName, HTMLElement> = {
    acknowledge: h('p', { class: 'field-error', id: uid('deadline-error') }),
    respond: h('p', { class: 'field-error', id: uid('deadline-error') }),
    resolve: h('p', { class: 'field-error', id: uid('deadline-error') }),
  };
  const labels: Record<FieldName, [string, string]> = {
    acknowledge: [t('deadlines-acknowledge'), t('deadlines-acknowledge-hint')],
    respond: [t('deadlines-respond'), t('deadlines-respond-hint')],
    resolve: [t('deadlines-resolve'), t('deadlines-resolve-hint')],
  };
  const fields = (['acknowledge', 'respond', 'resolve'] as const).map((field) => {
    const hintId = `${inputs[field].id}-hint`;
    inputs[field].setAttribute('aria-describedby', `${hintId} ${errors[field].id}`);
    return h(
      'div',
      { class: 'field' },
      h('label', { for: inputs[field].id }, labels[field][0]),
      inputs[field],
      h('p', { class: 'hint', id: hintId }, labels[field][1]),
      errors[field],
    );
  });
  const legend = h('legend', {}, name);
  const set = h('fieldset', { class: 'deadlines-route' }, legend, state, ...fields);
  if (!editable) return set;
  const save = h(
    'button',
    { type: 'submit', id: `deadlines-${key}-save` },
    t('deadlines-save-route', { route: name }),
  );
  const form = h('form', { novalidate: true, 'aria-label': name }, set, save);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problems = deadlineProblems(inputs.acknowledge.value, inputs.respond.value, inputs.resolve.value);
    let first: HTMLInputElement | null = null;
    for (const field of ['acknowledge', 'respond', 'resolve'] as const) {
      const problem = problems[field];
      replace(errors[field], problem ?? '');
      if (problem === undefined) {
        inputs[field].removeAttribute('aria-invalid');
      } else {
        inputs[field].setAttribute('aria-invalid', 'true');
        first ??= inputs[field];
      }
    }
    if (first !== null) {
      context.announce(t('deadlines-not-saved', { route: name }));
      first.focus();
      return;
    }
    const resolve = inputs.resolve.value.trim();
    api
      .setDeadlines(deadlines.route, Number(inputs.acknowledge.value), Number(inputs.respond.value), resolve === '' ? null : Number(resolve))
      .then((saved) => {
        replace(state, saved.default ? t('deadlines-default') : t('deadlines-set'));
        context.announce(
          t('deadlines-saved', {
            route: name,
            acknowledge: saved.acknowledge_days,
            respond: saved.respond_days,
            resolve: saved.resolve_days ?? 0,
          }),
        );
      })
      .catch((error: unknown) => context.fail(error));
  });
  return form;
}

route(/^\/deadlines$/, 'read_programme', async (context) => {
  const all = await api.deadlines();
  const editable = context.can('manage_programme');
  return {
    title: t('nav-deadlines'),
    body: h(
      'div',
      { class: 'deadlines' },
      h('p', {}, t('deadlines-help')),
      h('p', { class: 'hint' }, t('deadlines-not-escalation')),
      ...all.map((deadlines) => routeForm(context, deadlines, editable)),
    ),
  };
});
