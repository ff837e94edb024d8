/** One factory: workers and roster import, devices, enrolment codes, worker cards, the training report — each shown only to roles that hold its right. */

import { api, type ActivationCode, type Factory, type Right, type RosterEntry } from '../api.js';
import { route, type Context } from '../app.js';
import { field, h, ltr, replace, table, when } from '../dom.js';
import { language, t } from '../i18n.js';
import { qrCode } from '../qr.js';
import { readRoster } from '../roster.js';
import { cardSheet, channelsFor, type HeldCode } from './cards.js';

interface Tab {
  id: string;
  label: string;
  needs: Right;
}

const TABS: readonly Tab[] = [
  { id: 'workers', label: 'tab-workers', needs: 'read_factory' },
  { id: 'roster', label: 'tab-roster', needs: 'manage_factory' },
  { id: 'devices', label: 'tab-devices', needs: 'read_factory' },
  { id: 'codes', label: 'tab-codes', needs: 'manage_factory' },
  { id: 'cards', label: 'tab-cards', needs: 'manage_factory' },
  { id: 'training', label: 'tab-training', needs: 'read_aggregates' },
  { id: 'settings', label: 'tab-settings', needs: 'manage_factory' },
];

/**
 * Activation codes the hub returned this page session (roster import or a
 * reset), by factory, for the cards. The hub keeps only their hashes, so
 * they exist nowhere else; they go when the page is closed or signed out.
 */
const freshCodes = new Map<string, Map<string, HeldCode>>();

function remember(factory: string, entries: readonly RosterEntry[], codes: readonly ActivationCode[]): void {
  const held = freshCodes.get(factory) ?? new Map<string, HeldCode>();
  for (const code of codes) {
    const entry = entries.find((candidate) => candidate.worker_number === code.worker_number);
    if (entry !== undefined) held.set(code.worker_number, { entry, code: code.activation_code, qr: code.qr_payload });
  }
  freshCodes.set(factory, held);
}

route(/^\/factories\/([^/]+)(?:\/([a-z]+))?$/, 'list_factories', async (context, params) => {
  const factoryId = params[0] ?? '';
  const factories = await api.factories();
  const factory = factories.find((candidate) => candidate.id === factoryId);
  if (factory === undefined) {
    return { title: t('not-found-title'), body: h('p', {}, t('not-found-body')) };
  }
  const tabs = TABS.filter((tab) => context.can(tab.needs));
  const chosen = tabs.find((tab) => tab.id === params[1]) ?? tabs[0];
  const nav = h('nav', { 'aria-label': t('factory-sections', { name: factory.name }), class: 'tabs' });
  const list = h('ul', {});
  for (const tab of tabs) {
    const path = `/factories/${encodeURIComponent(factory.id)}/${tab.id}`;
    const anchor = h('a', { href: path, 'aria-current': tab === chosen ? 'page' : undefined }, t(tab.label));
    anchor.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      context.navigate(path);
    });
    list.appendChild(h('li', {}, anchor));
  }
  nav.appendChild(list);
  const section = h('section', { 'aria-labelledby': 'section-title' });
  if (chosen !== undefined) {
    section.append(h('h2', { id: 'section-title' }, t(chosen.label)), await renderTab(context, factory, chosen.id));
  } else {
    section.append(h('p', {}, t('forbidden-body')));
  }
  return { title: factory.name, body: h('div', {}, nav, section) };
});

async function renderTab(context: Context, factory: Factory, tab: string): Promise<HTMLElement> {
  switch (tab) {
    case 'workers':
      return workers(context, factory);
    case 'roster':
      return roster(context, factory);
    case 'devices':
      return devices(context, factory);
    case 'codes':
      return codes(context, factory);
    case 'cards':
      return cards(factory);
    case 'settings':
      return settings(context, factory);
    default:
      return training(factory);
  }
}

async function workers(context: Context, factory: Factory): Promise<HTMLElement> {
  const list = await api.workers(factory.id);
  const manage = context.can('manage_factory');
  return h(
    'div',
    {},
    list.length === 0
      ? h('p', {}, t('workers-none'))
      : table(
          t('workers-caption', { count: list.length }),
          [
            t('worker-number'),
            t('worker-name'),
            t('worker-language'),
            t('worker-state'),
            ...(manage ? [t('actions')] : []),
          ],
          list.map((worker) => {
            const state = worker.locked
              ? t('worker-locked')
              : worker.activated
                ? t('worker-active')
                : t('worker-not-activated');
            const row: (HTMLElement | string)[] = [ltr(worker.worker_number), worker.display_name, ltr(worker.language), state];
            if (manage) {
              const actions = h('div', { class: 'actions' });
              if (worker.locked) {
                const unlock = h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': t('worker-unlock-for', { number: worker.worker_number }),
                  },
                  t('worker-unlock'),
                );
                unlock.addEventListener('click', () => {
                  api
                    .unlockWorker(factory.id, worker.worker_number)
                    .then(() => context.announce(t('worker-unlocked', { number: worker.worker_number })))
                    .catch((error: unknown) => context.fail(error));
                });
                actions.appendChild(unlock);
              }
              const reset = h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  'aria-label': t('worker-reset-for', { number: worker.worker_number }),
                },
                t('worker-reset'),
              );
              reset.addEventListener('click', () => {
                if (!window.confirm(t('worker-reset-confirm', { number: worker.worker_number }))) return;
                api
                  .resetWorker(factory.id, worker.worker_number)
                  .then((reply) => {
                    remember(
                      factory.id,
                      [
                        {
                          worker_number: worker.worker_number,
                          display_name: worker.display_name,
                          language: worker.language,
                        },
                      ],
                      [reply.activation],
                    );
                    context.announce(t('worker-reset-done', { number: worker.worker_number }));
                  })
                  .catch((error: unknown) => context.fail(error));
              });
              actions.appendChild(reset);
              row.push(actions);
            }
            return row;
          }),
        ),
  );
}

async function roster(context: Context, factory: Factory): Promise<HTMLElement> {
  const text = h('textarea', { id: 'roster-csv', rows: '8', spellcheck: 'false', dir: 'ltr' });
  const file = h('input', { type: 'file', id: 'roster-file', accept: '.csv,text/csv' });
  const preview = h('div', { id: 'roster-preview', 'aria-live': 'polite' });
  const importButton = h('button', { type: 'button', disabled: true }, t('roster-import'));
  let checked: RosterEntry[] = [];
  const check = (): void => {
    const parsed = readRoster(text.value);
    checked = [];
    importButton.disabled = true;
    if (parsed.badHeader) {
      replace(preview, h('p', { class: 'alert' }, t('roster-bad-header')));
      return;
    }
    if (parsed.problems.length > 0) {
      replace(
        preview,
        table(
          t('roster-problems-caption', { count: parsed.problems.length }),
          [t('roster-line'), t('roster-problem')],
          parsed.problems.map((problem) => [String(problem.line), t(problem.message)]),
        ),
      );
      return;
    }
    checked = parsed.entries;
    importButton.disabled = checked.length === 0;
    replace(preview, h('p', {}, t('roster-ready', { count: checked.length })));
  };
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen === undefined) return;
    void chosen.text().then((content) => {
      text.value = content;
      check();
    });
  });
  const checkButton = h('button', { type: 'button', class: 'secondary' }, t('roster-check'));
  checkButton.addEventListener('click', check);
  importButton.addEventListener('click', () => {
    importButton.disabled = true;
    const entries = checked;
    api
      .importRoster(factory.id, entries)
      .then((reply) => {
        remember(factory.id, entries, reply.activation_codes);
        context.announce(t('roster-imported', { added: reply.added, updated: reply.updated }));
        context.navigate(`/factories/${encodeURIComponent(factory.id)}/cards`);
      })
      .catch((error: unknown) => context.fail(error));
  });
  return h(
    'div',
    {},
    h('p', {}, t('roster-help')),
    h('pre', { class: 'example', dir: 'ltr' }, 'worker_number,display_name,language,department\n1001,Nguyễn Thị Lan,vi,Sewing'),
    field(t('roster-file'), file),
    field(t('roster-text'), text),
    h('div', { class: 'actions' }, checkButton, importButton),
    preview,
  );
}

async function devices(context: Context, factory: Factory): Promise<HTMLElement> {
  const list = await api.devices(factory.id);
  const manage = context.can('manage_factory');
  const locale = language().locale;
  return h(
    'div',
    {},
    list.length === 0
      ? h('p', {}, t('devices-none'))
      : table(
          t('devices-caption', { count: list.length }),
          [
            t('device-id'),
            t('device-mode'),
            t('device-state'),
            t('device-last-seen'),
            t('device-queued'),
            ...(manage ? [t('actions')] : []),
          ],
          list.map((device) => {
            const row: (HTMLElement | string)[] = [
              h('code', {}, device.device_id.slice(0, 12)),
              t(`mode-${device.mode}`),
              device.wiped_at != null
                ? t('device-wiped')
                : device.wipe_requested_at != null
                  ? t('device-wipe-pending')
                  : device.state,
              when(device.last_seen_at, locale),
              device.queued == null ? '—' : String(device.queued),
            ];
            if (manage) {
              const actions = h('div', { class: 'actions' });
              const retire = h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'aria-label': t('device-retire-for', { id: device.device_id.slice(0, 12) }),
                },
                t('device-retire'),
              );
              retire.addEventListener('click', () => {
                if (!window.confirm(t('device-retire-confirm'))) return;
                api
                  .retireDevice(device.device_id)
                  .then(() => context.navigate(`/factories/${encodeURIComponent(factory.id)}/devices`))
                  .catch((error: unknown) => context.fail(error));
              });
              const wipe = h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  'aria-label': t('device-wipe-for', { id: device.device_id.slice(0, 12) }),
                },
                t('device-wipe'),
              );
              wipe.addEventListener('click', () => {
                if (!window.confirm(t('device-wipe-confirm'))) return;
                api
                  .wipeDevice(device.device_id)
                  .then(() => context.navigate(`/factories/${encodeURIComponent(factory.id)}/devices`))
                  .catch((error: unknown) => context.fail(error));
              });
              actions.append(retire, wipe);
              row.push(actions);
            }
            return row;
          }),
        ),
  );
}

async function codes(context: Context, factory: Factory): Promise<HTMLElement> {
  const mode = h(
    'select',
    { id: 'code-mode' },
    h('option', { value: 'personal' }, t('mode-personal')),
    h('option', { value: 'shared' }, t('mode-shared')),
  );
  const count = h('input', { type: 'number', id: 'code-count', min: '1', max: '500', value: '1', required: true });
  const days = h('input', { type: 'number', id: 'code-days', min: '1', max: '90', value: '14', required: true });
  const output = h('div', { id: 'issued-codes', 'aria-live': 'polite' });
  const form = h(
    'form',
    {},
    field(t('code-mode'), mode),
    field(t('code-count'), count),
    field(t('code-days'), days),
    h('button', { type: 'submit' }, t('code-issue')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api
      .issueCodes(factory.id, mode.value === 'shared' ? 'shared' : 'personal', Number(count.value), Number(days.value))
      .then((reply) => {
        replace(
          output,
          h('p', {}, t('codes-shown-once')),
          table(
            t('codes-caption', { count: reply.codes.length }),
            [t('code'), t('code-qr'), t('code-mode'), t('code-expires'), t('code-link')],
            reply.codes.map((code) => [
              h('code', { class: 'code' }, code.code),
              h('div', { class: 'qr-box' }, qrCode(code.qr_payload, t('code-qr-label', { code: code.code }))),
              t(`mode-${code.mode}`),
              when(code.expires_at, language().locale),
              h('code', { class: 'wrap' }, code.qr_payload),
            ]),
          ),
        );
      })
      .catch((error: unknown) => context.fail(error));
  });
  return h('div', {}, h('p', {}, t('codes-help')), form, output);
}

/** Printable cards (A4 or Letter) with each worker's code, the app's QR code and the factory's channels, in the worker's language (`cards.ts`). */
async function cards(factory: Factory): Promise<HTMLElement> {
  const held = [...(freshCodes.get(factory.id)?.values() ?? [])];
  if (held.length === 0) return h('p', {}, t('cards-none'));
  return cardSheet(factory, held, await channelsFor(factory.id));
}

async function training(factory: Factory): Promise<HTMLElement> {
  const report = await api.trainingReport(factory.id);
  const count = (value: number | null): string => (value === null ? t('suppressed') : String(value));
  return h(
    'div',
    {},
    h('p', {}, t('training-help')),
    report.length === 0
      ? h('p', {}, t('training-none'))
      : table(
          t('training-caption'),
          [t('training-module'), t('training-started'), t('training-passed')],
          report.map((row) => [row.module_id, count(row.workers_started), count(row.workers_passed)]),
        ),
  );
}

/** The factory's settings for its devices: the kiosk idle time-out and the factory's offset from UTC. */
async function settings(context: Context, factory: Factory): Promise<HTMLElement> {
  const idle = h('input', {
    type: 'number',
    id: 'kiosk-idle',
    min: '30',
    max: '1800',
    required: true,
    value: String(factory.kiosk_idle_timeout_secs),
  });
  const offset = h('input', { type: 'number', id: 'utc-offset', min: '-720', max: '840', step: '15' });
  const form = h(
    'form',
    {},
    field(t('settings-kiosk-idle'), idle, t('settings-kiosk-idle-hint')),
    field(t('settings-utc-offset'), offset, t('settings-utc-offset-hint')),
    h('button', { type: 'submit' }, t('settings-save')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const minutes = offset.value.trim() === '' ? null : Number(offset.value);
    api
      .factorySettings(factory.id, Number(idle.value), minutes)
      .then(() => context.announce(t('settings-saved')))
      .catch((error: unknown) => context.fail(error));
  });
  return form;
}
