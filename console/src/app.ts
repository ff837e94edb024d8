/**
 * The console's shell: the signed-in session, the navigation the role may
 * use, client-side routes (the hub returns the page for any path that is
 * not API), idle sign-out, and sign-out that drops everything the page held
 * by reloading it.
 */

import { api, HubRequestError, whenSessionEnds, type ConsoleSession, type Right } from './api.js';
import { append, h, replace } from './dom.js';
import { LANGUAGES, language, setLanguage, t } from './i18n.js';

/** What a page gets. */
export interface Context {
  readonly session: ConsoleSession;
  /** Whether the role holds a right (the hub decides every request; this only hides what it would refuse). */
  can(right: Right): boolean;
  navigate(path: string): void;
  /** Announces a result to screen readers and shows it. */
  announce(message: string): void;
  /** Shows an error (role=alert). */
  fail(error: unknown): void;
}

/** A page: its title and its content. */
export interface Page {
  title: string;
  body: HTMLElement;
}

export type PageRenderer = (context: Context, params: readonly string[]) => Promise<Page>;

interface RouteEntry {
  pattern: RegExp;
  needs: Right | null;
  render: PageRenderer;
}

const routes: RouteEntry[] = [];

/** Registers a page for a path pattern (groups become `params`). */
export function route(pattern: RegExp, needs: Right | null, render: PageRenderer): void {
  routes.push({ pattern, needs, render });
}

/** The message for a hub refusal, in the current language. */
export function errorMessage(error: unknown): string {
  if (error instanceof HubRequestError) {
    if (error.code === 'rate_limited' && error.retryAfterSecs !== null) {
      return t('error-rate-limited', { seconds: error.retryAfterSecs });
    }
    const known = ['unauthorized', 'forbidden', 'not_found', 'bad_request', 'network', 'worker_exists', 'rate_limited'];
    return t(known.includes(error.code) ? `error-${error.code.replaceAll('_', '-')}` : 'error-other');
  }
  return t('error-other');
}

/** Pages a role may open, in menu order. */
const MENU: readonly { path: string; label: string; needs: Right }[] = [
  { path: '/factories', label: 'nav-factories', needs: 'list_factories' },
  { path: '/brands', label: 'nav-brands', needs: 'read_programme' },
  { path: '/staff', label: 'nav-staff', needs: 'read_programme' },
  { path: '/proposals', label: 'nav-proposals', needs: 'read_programme' },
  { path: '/deadlines', label: 'nav-deadlines', needs: 'read_programme' },
  { path: '/content', label: 'nav-content', needs: 'list_factories' },
  { path: '/schedules', label: 'nav-schedules', needs: 'read_programme' },
  { path: '/events', label: 'nav-events', needs: 'read_programme' },
  { path: '/grievances', label: 'nav-grievances', needs: 'read_aggregates' },
  { path: '/audit', label: 'nav-audit', needs: 'read_audit' },
];

/** The language switcher (shown signed in and out). */
export function languageSwitcher(onChange: () => void): HTMLElement {
  const select = h('select', { id: 'language' });
  for (const candidate of LANGUAGES) {
    const option = h('option', { value: candidate.tag, lang: candidate.tag }, candidate.name);
    option.selected = candidate.tag === language().tag;
    select.appendChild(option);
  }
  select.addEventListener('change', () => {
    setLanguage(select.value);
    onChange();
  });
  return h('div', { class: 'language' }, h('label', { for: 'language' }, t('language-label')), select);
}

const root = (): HTMLElement => {
  const element = document.getElementById('app');
  if (element === null) throw new Error('the page has no #app');
  return element;
};

/** Drops everything the page holds: the hub ends the session and clears the cookie, then the page reloads. */
export async function signOut(reason: 'signed-out' | 'idle' | 'ended'): Promise<void> {
  try {
    await api.logout();
  } catch {
    // The session may already be gone; the reload below still drops the page's state.
  }
  replace(root());
  window.location.replace(`/sign-in?reason=${reason}`);
}

/** Signs out after `idleSecs` without a key press, click or touch (a little before the hub would). */
function watchIdle(idleSecs: number): void {
  const limit = Math.max(30, Math.min(idleSecs - 30, 15 * 60)) * 1000;
  let timer = window.setTimeout(() => void signOut('idle'), limit);
  const reset = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void signOut('idle'), limit);
  };
  for (const event of ['keydown', 'pointerdown', 'wheel', 'touchstart']) {
    window.addEventListener(event, reset, { passive: true });
  }
}

/** Runs the signed-in console. */
export function runSignedIn(session: ConsoleSession): void {
  whenSessionEnds(() => void signOut('ended'));
  watchIdle(session.idle_secs);
  const can = (right: Right): boolean => session.rights.includes(right);
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const alert = h('div', { class: 'alert', role: 'alert' });
  const main = h('main', { id: 'main', tabindex: '-1' });

  const context: Context = {
    session,
    can,
    navigate: (path) => {
      history.pushState(null, '', path);
      void show(true);
    },
    announce: (message) => {
      replace(alert);
      replace(status, message);
    },
    fail: (error) => {
      replace(status);
      replace(alert, errorMessage(error));
    },
  };

  const link = (path: string, label: string): HTMLAnchorElement => {
    const anchor = h('a', { href: path }, label);
    anchor.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      context.navigate(path);
    });
    return anchor;
  };

  /** Draws the current path; `moveFocus` after a navigation (not on first load, so Tab starts at the skip link). */
  async function show(moveFocus: boolean): Promise<void> {
    const path = window.location.pathname;
    replace(status);
    replace(alert);
    const nav = h('nav', { 'aria-label': t('nav-label') });
    const list = h('ul', {});
    for (const item of MENU) {
      if (!can(item.needs)) continue;
      const anchor = link(item.path, t(item.label));
      if (path === item.path || path.startsWith(`${item.path}/`)) anchor.setAttribute('aria-current', 'page');
      list.appendChild(h('li', {}, anchor));
    }
    nav.appendChild(list);
    const signOutButton = h('button', { type: 'button', class: 'secondary' }, t('sign-out'));
    signOutButton.addEventListener('click', () => void signOut('signed-out'));
    const who = h(
      'p',
      { class: 'who' },
      t('signed-in-as', { name: session.account.display_name, role: t(`role-${session.account.role}`) }),
    );
    const header = h(
      'header',
      {},
      h('a', { class: 'skip', href: '#main' }, t('skip-to-content')),
      h('p', { class: 'brand' }, t('app-name')),
      nav,
      h('div', { class: 'account' }, who, link('/account', t('nav-account')), signOutButton),
      languageSwitcher(() => void show(true)),
    );
    replace(main, h('p', {}, t('loading')));
    replace(root(), header, status, alert, main);
    const target = path === '/' ? '/factories' : path;
    if (target !== path) history.replaceState(null, '', target);
    const found = routes
      .map((entry) => ({ entry, match: entry.pattern.exec(target) }))
      .find((candidate) => candidate.match !== null);
    let page: Page;
    if (found === undefined || found.match === null) {
      page = { title: t('not-found-title'), body: h('p', {}, t('not-found-body')) };
    } else if (found.entry.needs !== null && !can(found.entry.needs)) {
      page = { title: t('forbidden-title'), body: h('p', {}, t('forbidden-body')) };
    } else {
      try {
        page = await found.entry.render(
          context,
          found.match.slice(1).map((part) => decodeURIComponent(part)),
        );
      } catch (error) {
        page = { title: t('error-title'), body: h('p', { role: 'alert' }, errorMessage(error)) };
      }
    }
    document.title = `${page.title} — ${t('app-name')}`;
    const heading = h('h1', { tabindex: '-1' }, page.title);
    replace(main, heading, page.body);
    // Moves focus to the new page's heading so screen readers announce it.
    if (moveFocus) heading.focus();
  }

  window.addEventListener('popstate', () => {
    // The skip link's `#main` is not a new page.
    if (window.location.hash === '') void show(true);
  });
  void show(false);
}

/** The shell for pages without a session (sign-in, accepting an invitation). */
export function runSignedOut(render: (rerender: () => void) => HTMLElement, title: () => string): void {
  const draw = (): void => {
    document.title = `${title()} — ${t('app-name')}`;
    const main = h('main', { id: 'main', class: 'narrow' });
    append(main, render(draw));
    replace(root(), h('header', {}, h('p', { class: 'brand' }, t('app-name')), languageSwitcher(draw)), main);
  };
  draw();
}
