/**
 * Readers' (handlers' and analysts') sign-in and invitation pages (ADR 0015):
 * `/reader/sign-in` and `/reader/accept#handler=…&token=…`. The password is
 * used in this page only (see `reader-session.ts`); the private key it
 * unwraps is a non-extractable `CryptoKey` held in this module's memory with
 * the bearer session. Sign-out and the idle time-out reload the page, which
 * drops both.
 */

import { runSignedOut } from '../app.js';
import { field, h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { Inbox } from './inbox.js';
import { CategoryPublisher } from './category-publish.js';
import { MIN_PASSWORD_CHARS, acceptablePassword } from '../crypto/reader.js';
import {
  ReaderError,
  type ReaderSession,
  acceptReaderInvitation,
  signInReader,
  signOutReader,
} from '../reader-session.js';
import { leaveAnalyst, showAnalyst } from './analyst.js';
import { leaveCase, showCase } from './case.js';
import { showNotifications } from './notifications.js';

/** The hub is the page's own origin. */
const HUB = { base: '' };
/** Signs out after this long without a key press, click or touch. */
const IDLE_MS = 15 * 60 * 1000;

/** The one signed-in session of this page, or none. Never stored anywhere else. */
let current: ReaderSession | null = null;
/** The signed-in reader's inbox, kept while they visit cases. */
let inboxOf: { session: ReaderSession; inbox: Inbox; publisher: CategoryPublisher } | null = null;

const deviceTokenKey = (handlerId: string): string => `wv-reader-device:${handlerId}`;

function readerErrorMessage(error: unknown): string {
  if (error instanceof ReaderError) {
    if (error.code === 'weak_password') return t('password-too-short', { min: MIN_PASSWORD_CHARS });
    if (error.code === 'hub_mismatch') return t('reader-hub-mismatch');
    if (error.hubCode === 'rate_limited' && error.retryAfterSecs !== null) {
      return t('error-rate-limited', { seconds: error.retryAfterSecs });
    }
    if (error.hubCode === 'unauthorized') return t('reader-sign-in-failed');
    if (error.hubCode === 'network') return t('error-network');
  }
  return t('error-other');
}

/** Drops the key and the session: the hub ends the session, then the page reloads. */
async function signOut(reason: 'signed-out' | 'idle'): Promise<void> {
  // An open case's plaintext and keys go first, before the hub is even asked.
  leaveCase();
  leaveAnalyst();
  const session = current;
  current = null;
  inboxOf = null;
  if (session !== null) {
    try {
      await signOutReader(HUB, session);
    } catch {
      // The session may be gone already; the reload below drops the key anyway.
    }
  }
  window.location.replace(`/reader/sign-in?reason=${reason}`);
}

function watchIdle(): void {
  let timer = window.setTimeout(() => void signOut('idle'), IDLE_MS);
  const reset = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void signOut('idle'), IDLE_MS);
  };
  for (const event of ['keydown', 'pointerdown', 'wheel', 'touchstart']) {
    window.addEventListener(event, reset, { passive: true });
  }
}

function showReaderHome(session: ReaderSession): void {
  history.replaceState(null, '', '/reader');
  // One inbox per sign-in: it keeps its filters and page across a redraw (a
  // language change) and a visit to a case, and records the visit once.
  const kept = inboxOf !== null && inboxOf.session === session ? inboxOf.inbox : null;
  const inbox =
    kept ??
    new Inbox(HUB, session, readerErrorMessage, (caseId) =>
      showCase(session, caseId, () => showReaderHome(session), () => void signOut('signed-out')),
    );
  // Counting categories for the dashboards (ADR 0024): readers of cases only, not analysts.
  const publisher =
    (kept !== null ? inboxOf?.publisher : undefined) ?? new CategoryPublisher(HUB, session, readerErrorMessage);
  inboxOf = { session, inbox, publisher };
  runSignedOut(
    () => {
      const out = h('button', { type: 'button', id: 'reader-sign-out' }, t('sign-out'));
      out.addEventListener('click', () => void signOut('signed-out'));
      const notifications = h(
        'button',
        { type: 'button', id: 'reader-notifications', class: 'secondary' },
        t('notifications-open'),
      );
      notifications.addEventListener('click', () => showNotifications(session, () => showReaderHome(session)));
      return h(
        'div',
        {},
        h('h1', { id: 'reader-home-title', tabindex: '-1' }, t('reader-home-title', { name: session.account.name })),
        h('p', {}, t('reader-key-id', { keyId: session.account.key_id })),
        h('p', {}, t('reader-key-held')),
        inbox.view(),
        session.account.analyst ? null : publisher.view(),
        h('p', {}, notifications),
        out,
      );
    },
    () => t('reader-home-title', { name: session.account.name }),
  );
  void (kept === null ? inbox.start() : inbox.reload());
}

/** `/reader/sign-in`: account id and password; the key is unwrapped here. */
export function showReaderSignIn(): void {
  const params = new URLSearchParams(window.location.search);
  const reason = params.get('reason');
  // The message id, said in the language of each drawing (the switcher draws the page again).
  const notice =
    reason === 'idle'
      ? 'signed-out-idle'
      : reason === 'signed-out'
        ? 'signed-out'
        : reason === 'accepted'
          ? 'invitation-accepted'
          : null;
  runSignedOut(
    () => {
      const account = h('input', {
        type: 'text',
        autocomplete: 'username',
        required: true,
        id: 'reader-account',
        spellcheck: 'false',
        value: params.get('handler') ?? '',
      });
      const password = h('input', {
        type: 'password',
        autocomplete: 'current-password',
        required: true,
        id: 'reader-password',
      });
      const alert = h('div', { role: 'alert', class: 'alert' });
      const submit = h('button', { type: 'submit' }, t('sign-in'));
      const form = h(
        'form',
        { 'aria-labelledby': 'reader-sign-in-title' },
        field(t('reader-account-label'), account),
        field(t('password-label'), password),
        alert,
        submit,
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        submit.disabled = true;
        replace(alert);
        const handlerId = account.value.trim();
        const stored = window.localStorage.getItem(deviceTokenKey(handlerId));
        signInReader(HUB, handlerId, password.value, stored)
          .then((session) => {
            password.value = '';
            // Only the back-off bucket's token is kept across reloads: never the key or the session.
            window.localStorage.setItem(deviceTokenKey(handlerId), session.deviceToken);
            current = session;
            watchIdle();
            // Analysts start at the survey results (`analyst.ts`); its back button leads to the inbox.
            if (session.account.analyst) {
              showAnalyst(session, () => showReaderHome(session), () => void signOut('signed-out'));
            } else {
              showReaderHome(session);
            }
          })
          .catch((error: unknown) => {
            submit.disabled = false;
            replace(alert, readerErrorMessage(error));
            password.focus();
          });
      });
      return h(
        'div',
        {},
        h('h1', { id: 'reader-sign-in-title' }, t('reader-sign-in-title')),
        notice !== null ? h('p', { role: 'status', class: 'status' }, t(notice)) : null,
        form,
      );
    },
    () => t('reader-sign-in-title'),
  );
}

/**
 * `/reader/accept#handler=…&token=…`: the fragment is never sent to the hub
 * or in a referrer. The browser makes the key pair and locks it with the
 * password; a lost password cannot be reset, only replaced by a new invitation.
 */
export function showReaderAccept(): void {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const handlerId = fragment.get('handler') ?? '';
  const token = fragment.get('token') ?? '';
  runSignedOut(
    () => {
      const password = h('input', {
        type: 'password',
        autocomplete: 'new-password',
        required: true,
        id: 'reader-new-password',
        minlength: String(MIN_PASSWORD_CHARS),
      });
      const confirm = h('input', {
        type: 'password',
        autocomplete: 'new-password',
        required: true,
        id: 'reader-confirm-password',
      });
      const alert = h('div', { role: 'alert', class: 'alert' });
      const submit = h('button', { type: 'submit' }, t('reader-accept-submit'));
      const form = h(
        'form',
        { 'aria-labelledby': 'reader-accept-title' },
        field(t('new-password-label'), password, t('password-hint', { min: MIN_PASSWORD_CHARS })),
        field(t('confirm-password-label'), confirm),
        alert,
        submit,
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        replace(alert);
        if (!acceptablePassword(password.value)) {
          replace(alert, t('password-too-short', { min: MIN_PASSWORD_CHARS }));
          return;
        }
        if (password.value !== confirm.value) {
          replace(alert, t('passwords-differ'));
          return;
        }
        submit.disabled = true;
        acceptReaderInvitation(HUB, handlerId, token, password.value)
          .then(() => {
            password.value = '';
            confirm.value = '';
            window.location.replace(`/reader/sign-in?reason=accepted&handler=${encodeURIComponent(handlerId)}`);
          })
          .catch((error: unknown) => {
            submit.disabled = false;
            replace(alert, readerErrorMessage(error));
          });
      });
      return h(
        'div',
        {},
        h('h1', { id: 'reader-accept-title' }, t('reader-accept-title')),
        h('p', {}, t('reader-accept-help')),
        form,
      );
    },
    () => t('reader-accept-title'),
  );
}
