/** Signing in, accepting an invitation (setting one's password and an optional second factor), changing the password. */

import { api, HubRequestError, type ConsoleSession } from '../api.js';
import { errorMessage, route, runSignedOut } from '../app.js';
import { toBase32 } from '../base32.js';
import { toBase64Url } from '../crypto/bytes.js';
import { field, h, replace } from '../dom.js';
import { t } from '../i18n.js';

const MIN_PASSWORD_CHARS = 12;

function input(type: string, autocomplete: string, extra: Record<string, string | boolean> = {}): HTMLInputElement {
  return h('input', { type, autocomplete, ...extra });
}

/** The sign-in page; `onSignedIn` runs the console. */
export function showSignIn(onSignedIn: (session: ConsoleSession) => void): void {
  const reason = new URLSearchParams(window.location.search).get('reason');
  if (window.location.pathname !== '/sign-in') history.replaceState(null, '', '/sign-in');
  const notice = (): string | null => {
    switch (reason) {
      case 'idle':
        return t('signed-out-idle');
      case 'signed-out':
        return t('signed-out');
      case 'ended':
        return t('session-ended');
      case 'accepted':
        return t('invitation-accepted');
      default:
        return null;
    }
  };
  runSignedOut(
    () => {
      const login = input('text', 'username', { required: true, id: 'login', spellcheck: 'false' });
      const password = input('password', 'current-password', { required: true, id: 'password' });
      const code = input('text', 'one-time-code', {
        id: 'totp',
        inputmode: 'numeric',
        pattern: '[0-9]{6}',
        maxlength: '6',
      });
      const alert = h('div', { role: 'alert', class: 'alert' });
      const submit = h('button', { type: 'submit' }, t('sign-in'));
      const form = h(
        'form',
        { 'aria-labelledby': 'sign-in-title' },
        field(t('login-label'), login),
        field(t('password-label'), password),
        field(t('totp-label'), code, t('totp-hint')),
        alert,
        submit,
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        submit.disabled = true;
        replace(alert);
        const totp = code.value.trim();
        api
          .login(login.value, password.value, totp === '' ? null : totp)
          .then((session) => {
            password.value = '';
            history.replaceState(null, '', '/factories');
            onSignedIn(session);
          })
          .catch((error: unknown) => {
            submit.disabled = false;
            replace(
              alert,
              error instanceof HubRequestError && error.code === 'unauthorized'
                ? t('sign-in-failed')
                : errorMessage(error),
            );
            password.focus();
          });
      });
      const shown = notice();
      return h(
        'div',
        {},
        h('h1', { id: 'sign-in-title' }, t('sign-in-title')),
        shown !== null ? h('p', { role: 'status', class: 'status' }, shown) : null,
        form,
      );
    },
    () => t('sign-in-title'),
  );
}

/** `/accept#token=…`: the token stays in the fragment, which the browser never sends to the hub or in a referrer. */
export function showAcceptInvitation(): void {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  // One secret per page load, shown to the person's authenticator app.
  const secret = crypto.getRandomValues(new Uint8Array(20));
  runSignedOut(
    () => {
      const login = input('text', 'username', { required: true, id: 'new-login', spellcheck: 'false' });
      const name = input('text', 'name', { required: true, id: 'display-name' });
      const password = input('password', 'new-password', {
        required: true,
        id: 'new-password',
        minlength: String(MIN_PASSWORD_CHARS),
      });
      const confirm = input('password', 'new-password', { required: true, id: 'confirm-password' });
      const useTotp = input('checkbox', 'off', { id: 'use-totp' });
      const code = input('text', 'one-time-code', { id: 'totp-code', inputmode: 'numeric', maxlength: '6' });
      const secretText = toBase32(secret);
      const totpPart = h(
        'fieldset',
        { id: 'totp-setup', hidden: true },
        h('legend', {}, t('totp-setup-legend')),
        h('p', {}, t('totp-setup-help')),
        h('p', {}, h('code', { id: 'totp-secret', class: 'secret' }, secretText.replace(/(.{4})/g, '$1 ').trim())),
        field(t('totp-label'), code),
      );
      useTotp.addEventListener('change', () => {
        totpPart.hidden = !useTotp.checked;
      });
      const alert = h('div', { role: 'alert', class: 'alert' });
      const submit = h('button', { type: 'submit' }, t('accept-submit'));
      const form = h(
        'form',
        {},
        field(t('login-label'), login, t('login-hint')),
        field(t('display-name-label'), name),
        field(t('new-password-label'), password, t('password-hint', { min: MIN_PASSWORD_CHARS })),
        field(t('confirm-password-label'), confirm),
        h('div', { class: 'field checkbox' }, useTotp, h('label', { for: 'use-totp' }, t('totp-enable-label'))),
        totpPart,
        alert,
        submit,
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        replace(alert);
        if ([...password.value].length < MIN_PASSWORD_CHARS) {
          replace(alert, t('password-too-short', { min: MIN_PASSWORD_CHARS }));
          return;
        }
        if (password.value !== confirm.value) {
          replace(alert, t('passwords-differ'));
          return;
        }
        submit.disabled = true;
        api
          .acceptInvitation({
            invitation_token: token,
            login: login.value,
            display_name: name.value,
            password: password.value,
            ...(useTotp.checked ? { totp_secret: toBase64Url(secret), totp_code: code.value.trim() } : {}),
          })
          .then(() => {
            secret.fill(0);
            window.location.replace('/sign-in?reason=accepted');
          })
          .catch((error: unknown) => {
            submit.disabled = false;
            const message =
              error instanceof HubRequestError && error.code === 'unauthorized'
                ? t('invitation-invalid')
                : error instanceof HubRequestError && error.code === 'bad_request'
                  ? t('invitation-bad-request')
                  : error instanceof HubRequestError && error.code === 'worker_exists'
                    ? t('login-taken')
                    : errorMessage(error);
            replace(alert, message);
          });
      });
      return h(
        'div',
        {},
        h('h1', {}, t('accept-title')),
        token === ''
          ? h('p', { role: 'alert', class: 'alert' }, t('invitation-missing'))
          : h('p', {}, t('accept-intro')),
        form,
      );
    },
    () => t('accept-title'),
  );
}

route(/^\/account$/, null, async (context) => {
  const old = input('password', 'current-password', { required: true, id: 'old-password' });
  const next = input('password', 'new-password', {
    required: true,
    id: 'next-password',
    minlength: String(MIN_PASSWORD_CHARS),
  });
  const confirm = input('password', 'new-password', { required: true, id: 'next-confirm' });
  const submit = h('button', { type: 'submit' }, t('change-password-submit'));
  const form = h(
    'form',
    {},
    h('h2', {}, t('change-password-title')),
    field(t('old-password-label'), old),
    field(t('new-password-label'), next, t('password-hint', { min: MIN_PASSWORD_CHARS })),
    field(t('confirm-password-label'), confirm),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if ([...next.value].length < MIN_PASSWORD_CHARS) {
      context.fail(new HubRequestError('bad_request', 400, null));
      return;
    }
    if (next.value !== confirm.value) {
      context.announce(t('passwords-differ'));
      return;
    }
    submit.disabled = true;
    api
      .changePassword(old.value, next.value)
      .then(() => {
        old.value = '';
        next.value = '';
        confirm.value = '';
        context.announce(t('password-changed'));
      })
      .catch((error: unknown) => context.fail(error))
      .finally(() => {
        submit.disabled = false;
      });
  });
  const account = context.session.account;
  return {
    title: t('account-title'),
    body: h(
      'div',
      {},
      h(
        'dl',
        {},
        h('dt', {}, t('login-label')),
        h('dd', {}, account.login),
        h('dt', {}, t('role-label')),
        h('dd', {}, t(`role-${account.role}`)),
        h('dt', {}, t('totp-label-short')),
        h('dd', {}, account.totp_enabled ? t('yes') : t('no')),
      ),
      form,
    ),
  };
});
