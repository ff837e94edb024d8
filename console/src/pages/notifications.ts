/**
 * A reader's e-mail notifications (`/reader/notifications`, ADR 0023): the
 * address the hub writes to when new, answered or overdue cases wait on the
 * reader's route, at most once per the operator's interval. The message says
 * how many cases wait and on which route, never anything from a case. The
 * page also says when the hub's last attempts to send failed, so a silent
 * failure is seen by the person it affects.
 */

import { runSignedOut } from '../app.js';
import { field, h, replace } from '../dom.js';
import { language, t } from '../i18n.js';
import { ReaderError, type ReaderSession, readerRequest } from '../reader-session.js';

const HUB = { base: '' };
const PATH = '/handler/v1/notifications';

/** `GET`/`POST /handler/v1/notifications` (protocol `NotificationSettings`). */
interface NotificationSettings {
  readonly available: boolean;
  readonly email?: string | null;
  readonly language?: string | null;
  readonly digest_minutes: number;
  readonly failed_attempts: number;
}

interface State {
  readonly session: ReaderSession;
  readonly back: () => void;
  settings: NotificationSettings | null;
  /** What to announce after the next draw: a message id's text, made at draw time. */
  notice: (() => string) | null;
  failed: boolean;
}

function errorText(error: unknown): string {
  if (error instanceof ReaderError && error.hubCode === 'bad_request') return t('notifications-invalid');
  if (error instanceof ReaderError && error.hubCode === 'network') return t('error-network');
  return t('error-other');
}

function render(state: State, draw: () => void): HTMLElement {
  const back = h('button', { type: 'button', id: 'notifications-back' }, t('case-back'));
  back.addEventListener('click', () => state.back());
  const heading = h('h1', { id: 'notifications-title', tabindex: '-1' }, t('notifications-title'));
  const status = h('p', { role: 'status', class: 'status', id: 'notifications-status' });
  const alert = h('div', { role: 'alert', class: 'alert', id: 'notifications-alert' });
  const settings = state.settings;
  if (settings === null) {
    if (state.failed) replace(alert, t('error-other'));
    else replace(status, t('notifications-loading'));
    return h('div', {}, heading, status, alert, back);
  }
  if (!settings.available) {
    return h('div', {}, heading, h('p', { id: 'notifications-unavailable' }, t('notifications-unavailable')), back);
  }
  const email = h('input', {
    type: 'email',
    id: 'notifications-email',
    autocomplete: 'email',
    spellcheck: 'false',
    maxlength: '254',
    value: settings.email ?? '',
  });
  const save = h('button', { type: 'submit', id: 'notifications-save' }, t('notifications-save'));
  const form = h(
    'form',
    // The hub decides what an address is (one plain mailbox); its refusal is shown in the alert.
    { 'aria-labelledby': 'notifications-title', novalidate: true },
    field(t('notifications-email'), email, t('notifications-email-hint')),
    alert,
    save,
  );
  const send = (address: string | null): void => {
    save.disabled = true;
    replace(alert);
    readerRequest<NotificationSettings>(
      HUB,
      'POST',
      PATH,
      { email: address, language: language().tag },
      state.session.token,
    )
      .then((updated) => {
        state.settings = updated;
        state.notice =
          updated.email != null
            ? () => t('notifications-saved', { email: updated.email ?? '' })
            : () => t('notifications-stopped');
        draw();
      })
      .catch((error: unknown) => {
        save.disabled = false;
        replace(alert, errorText(error));
        email.focus();
      });
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const address = email.value.trim();
    send(address === '' ? null : address);
  });
  let stop: HTMLElement | null = null;
  if (settings.email != null) {
    const button = h(
      'button',
      { type: 'button', id: 'notifications-stop', class: 'secondary' },
      t('notifications-stop'),
    );
    button.addEventListener('click', () => send(null));
    stop = button;
  }
  replace(
    status,
    state.notice !== null
      ? state.notice()
      : settings.email != null
        ? t('notifications-on', { email: settings.email })
        : t('notifications-off'),
  );
  const failing =
    settings.email != null && settings.failed_attempts > 0
      ? h(
          'p',
          { class: 'alert', id: 'notifications-failing' },
          t('notifications-failing', { attempts: settings.failed_attempts }),
        )
      : null;
  return h(
    'div',
    {},
    heading,
    h('p', {}, t('notifications-help', { minutes: settings.digest_minutes })),
    status,
    failing,
    form,
    stop,
    h('p', {}, back),
  );
}

/** Shows the page; `back` returns to the inbox (the key stays in memory). */
export function showNotifications(session: ReaderSession, back: () => void): void {
  history.replaceState(null, '', '/reader/notifications');
  const state: State = { session, back, settings: null, notice: null, failed: false };
  const draw = (): void => {
    runSignedOut(
      (redraw) =>
        render(state, () => {
          redraw();
          document.getElementById('notifications-title')?.focus();
        }),
      () => t('notifications-title'),
    );
  };
  draw();
  document.getElementById('notifications-title')?.focus();
  readerRequest<NotificationSettings>(HUB, 'GET', PATH, undefined, session.token)
    .then((settings) => {
      state.settings = settings;
    })
    .catch(() => {
      state.failed = true;
    })
    .finally(() => {
      draw();
      document.getElementById('notifications-title')?.focus();
    });
}
