/**
 * A reader's case page (`/reader/cases/<case id>`, issue 14; FORMATS.md §8.4–8.5).
 *
 * Everything is opened and sealed in this page, with the reader's
 * non-extractable key: the hub serves the payload as the device sealed it
 * with this reader's share of the content key, the replies sealed under the
 * case's reply key, the notes sealed to each reader of the route, and the
 * attachments' ciphertext. Replies are sealed here under the reply key (the
 * worker's device opens them); notes are sealed here to every reader of the
 * route (the worker never receives them). Status changes and the audit
 * timeline are clear metadata.
 *
 * What the page opened lives in one {@link CaseState} in this module's
 * memory. Leaving the case (back to the inbox, sign-out, idle sign-out)
 * overwrites the keys, revokes every object URL, drops the state and empties
 * the page ({@link leaveCase}); a late answer for a case no longer shown is
 * wiped and dropped.
 *
 * Attachments: a photo of a type browsers show is an `<img>` from a `blob:`
 * URL with that type; a voice note of a type browsers play is an `<audio>`;
 * anything else is only offered for download as `application/octet-stream`,
 * so the browser never renders it as a page.
 */

import { runSignedOut } from '../app.js';
import { concat, fromBase64Url, toBase64Url, utf8, wipe } from '../crypto/bytes.js';
import { type Author, openAttachment } from '../crypto/envelope.js';
import { ConsoleCryptoError } from '../crypto/errors.js';
import { type AttachmentInfo, type GrievanceContent, sealReply } from '../crypto/grievance.js';
import {
  type OpenedCase,
  type SealedNote,
  openCaseReply,
  openNote,
  openSealedCase,
  sealNote,
} from '../crypto/reader.js';
import { field, h, replace, table, when } from '../dom.js';
import { language, t } from '../i18n.js';
import { ReaderError, type ReaderSession, readerRequest } from '../reader-session.js';
import { deletionDay } from './inbox.js';

/** The hub is the page's own origin. */
const HUB = { base: '' };
/** Longest reply or note, in UTF-8 bytes (the hub's limit on the sealed text, less the envelope). */
const MAX_TEXT_BYTES = 16 * 1024;
/** Statuses a reader may set (`received` and `escalated` are the hub's). */
const SETTABLE = ['acknowledged', 'investigating', 'resolved', 'closed'] as const;
/** Photo types shown inline (never SVG or anything that can carry script). */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);
/** Voice note types played inline. */
const AUDIO_TYPES = new Set([
  'audio/ogg',
  'audio/opus',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/x-m4a',
  'audio/webm',
  'audio/wav',
  'audio/x-wav',
  'audio/flac',
]);

/** The clear metadata of a case (`CaseSummary`). */
interface CaseSummary {
  case_id: string;
  status: string;
  current_route: string;
  factory_id: string;
  received_at: number;
  deadline_at: number;
  overdue: boolean;
}

/** One event of the case as served (`CaseEvent`). */
interface CaseEventJson {
  seq: number;
  at: number;
  status?: string;
  author?: Author;
  reply?: string;
  reply_id?: string;
}

/** `GET /handler/v1/cases/{case_id}` (`SealedCase`). */
interface SealedCaseJson {
  summary: CaseSummary;
  client_id: string;
  payload: string;
  enc: string;
  wrapped_key: string;
  events: CaseEventJson[];
  notes?: (SealedNote & { author: string; at: number })[];
  /** The day retention deletes the case if nothing happens first (closed cases, when the programme deletes them). */
  expires_on?: number | null;
}

/** One audit entry (`AuditEntry`): who did what, never content. */
interface AuditEntry {
  at: number;
  actor: string;
  action: string;
}

/** `GET …/escalation` (`CaseEscalation`): where the case stands among the routes the worker allowed. */
interface CaseEscalation {
  routes: string[];
  current_route: string;
  next_route?: string | null;
  /** Whether this reader's route holds the case (only it may reply, set the status or add notes). */
  current?: boolean;
  escalation_deadline_at: number;
  escalation_exhausted?: boolean;
  acknowledge_by: number;
  respond_by: number;
  resolve_by?: number | null;
  overdue_deadlines?: ('acknowledge' | 'respond' | 'resolve')[];
  can_escalate?: boolean;
}

/** An event as the page shows it: a status change, or a reply opened here. */
interface Entry {
  seq: number;
  at: number;
  status?: string;
  author?: Author;
  /** The opened reply; `null` when it did not open. */
  text?: string | null;
}

/** A note as the page shows it; `text` is `null` when it did not open. */
interface NoteView {
  noteId: string;
  author: string;
  at: number;
  text: string | null;
}

/** How an attachment is offered. */
type Display = 'image' | 'audio' | 'download';

/** An attachment, opened into an object URL once its ciphertext arrived. */
interface AttachmentView {
  info: AttachmentInfo;
  display: Display;
  state: 'loading' | 'ready' | 'failed';
  url: string | null;
}

/** The section bodies a partial refresh replaces (the forms and the live region stay). */
interface Parts {
  summary: HTMLElement;
  report: HTMLElement;
  attachments: HTMLElement;
  conversation: HTMLElement;
  notes: HTMLElement;
  audit: HTMLElement;
  escalation: HTMLElement;
  live: HTMLElement;
}

/** What the page holds for the one case it shows. */
interface CaseState {
  readonly session: ReaderSession;
  readonly typedId: string;
  readonly back: () => void;
  readonly signOut: () => void;
  summary: CaseSummary | null;
  /** `expires_on` of the last fetch. */
  expiresOn: number | null;
  clientId: string;
  opened: OpenedCase | null;
  content: GrievanceContent | null;
  entries: Entry[];
  notes: NoteView[];
  attachments: AttachmentView[];
  audit: AuditEntry[] | null;
  /** Where the case stands (clear metadata); `null` until it arrived. */
  escalation: CaseEscalation | null;
  failed: unknown;
  /** The last result told to screen readers, as a function so a language change re-words it. */
  announce: () => string;
  replyDraft: string;
  noteDraft: string;
  parts: Parts | null;
}

/** The case on the page, or none. */
let shown: CaseState | null = null;

function caseErrorMessage(error: unknown): string {
  if (error instanceof ConsoleCryptoError) return t('case-cannot-open');
  if (error instanceof ReaderError) {
    if (error.hubCode === 'not_found') return t('case-not-found');
    if (error.hubCode === 'unauthorized') return t('case-refused');
    if (error.hubCode === 'network') return t('error-network');
    if (error.hubCode === 'rate_limited' && error.retryAfterSecs !== null) {
      return t('error-rate-limited', { seconds: error.retryAfterSecs });
    }
  }
  return t('error-other');
}

/** The MIME type without parameters, in lower case. */
function baseType(mime: string): string {
  return (mime.split(';')[0] ?? '').trim().toLowerCase();
}

/** Whether to show, play or only offer an attachment for download. */
export function displayOf(info: AttachmentInfo): Display {
  const type = baseType(info.mime);
  if (info.kind === 'photo' && IMAGE_TYPES.has(type)) return 'image';
  if (info.kind === 'voice' && AUDIO_TYPES.has(type)) return 'audio';
  return 'download';
}

/** A language's own name in the page's language, or its tag. */
function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([language().tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** A message id's text, or `fallback` when the locale files have no such message. */
function labelOr(id: string, fallback: string): string {
  const text = t(id);
  return text === id ? fallback : text;
}

function statusLabel(status: string): string {
  return labelOr(`reader-status-${status}`, status);
}

function routeLabel(route: string): string {
  return labelOr(`reader-route-${route.replaceAll('_', '-')}`, route);
}

function actorLabel(state: CaseState, actor: string): string {
  if (actor === 'device') return t('case-actor-device');
  if (actor === 'hub') return t('case-actor-hub');
  if (actor === 'staff') return t('case-actor-staff');
  if (actor.startsWith('handler:')) {
    const id = actor.slice('handler:'.length);
    return id === state.session.account.handler_id ? t('case-actor-you') : t('case-actor-reader', { id });
  }
  return actor;
}

const ACTIONS: Readonly<Record<string, string>> = {
  received: 'case-action-received',
  attachment_received: 'case-action-attachment-received',
  fetched: 'case-action-fetched',
  attachment_fetched: 'case-action-attachment-fetched',
  reply: 'case-action-reply',
  note: 'case-action-note',
  escalation_exhausted: 'case-action-escalation-exhausted',
};

function actionLabel(action: string): string {
  if (action.startsWith('status:')) return t('case-action-status', { status: statusLabel(action.slice(7)) });
  if (action.startsWith('escalated:')) return t('case-action-escalated', { route: routeLabel(action.slice(10)) });
  const id = ACTIONS[action];
  return id === undefined ? action : t(id);
}

function casePath(state: CaseState, rest = ''): string {
  return `/handler/v1/cases/${encodeURIComponent(state.summary?.case_id ?? state.typedId)}${rest}`;
}

/** The attachment's ciphertext as the device uploaded it. */
async function fetchSealedAttachment(state: CaseState, attachmentId: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(casePath(state, `/attachments/${encodeURIComponent(attachmentId)}`), {
      headers: { Authorization: `Bearer ${state.session.token}` },
      cache: 'no-store',
      redirect: 'error',
      credentials: 'omit',
    });
  } catch {
    throw new ReaderError('refused', 'network');
  }
  if (!response.ok) throw new ReaderError('refused', response.status === 404 ? 'not_found' : 'internal');
  return new Uint8Array(await response.arrayBuffer());
}

/** Overwrites the keys, revokes the object URLs and drops what the page opened. */
function forget(state: CaseState): void {
  state.opened?.wipe();
  state.opened = null;
  state.content = null;
  for (const attachment of state.attachments) {
    if (attachment.url !== null) URL.revokeObjectURL(attachment.url);
    attachment.url = null;
  }
  state.attachments = [];
  state.entries = [];
  state.notes = [];
  state.replyDraft = '';
  state.noteDraft = '';
  state.parts = null;
}

/**
 * Leaves the case shown, if any: forgets what it opened and empties the page.
 * The inbox, sign-out and idle sign-out call it before anything else.
 */
export function leaveCase(): void {
  const state = shown;
  shown = null;
  if (state === null) return;
  forget(state);
  const main = document.getElementById('main');
  if (main !== null) replace(main);
}

function say(state: CaseState, message: () => string): void {
  state.announce = message;
  if (state.parts !== null) replace(state.parts.live, message());
}

function refresh(state: CaseState, ...which: (keyof Omit<Parts, 'live'>)[]): void {
  const parts = state.parts;
  if (parts === null || shown !== state) return;
  for (const part of which) {
    const body = parts[part];
    if (part === 'summary') replace(body, summaryBody(state));
    if (part === 'report') replace(body, reportBody(state));
    if (part === 'attachments') replace(body, attachmentsBody(state));
    if (part === 'conversation') replace(body, conversationBody(state));
    if (part === 'notes') replace(body, notesBody(state));
    if (part === 'audit') replace(body, auditBody(state));
    if (part === 'escalation') replace(body, escalationBody(state));
  }
}

function summaryBody(state: CaseState): HTMLElement {
  const summary = state.summary;
  if (summary === null) return h('p', {}, t('case-loading'));
  const locale = language().locale;
  return h(
    'dl',
    {},
    h('dt', {}, t('reader-status')),
    h('dd', { id: 'case-status' }, statusLabel(summary.status)),
    h('dt', {}, t('reader-route')),
    h('dd', {}, routeLabel(summary.current_route)),
    h('dt', {}, t('reader-factory')),
    h('dd', {}, summary.factory_id),
    h('dt', {}, t('reader-received')),
    h('dd', {}, when(summary.received_at, locale)),
    h('dt', {}, t('reader-deadline')),
    h(
      'dd',
      {},
      summary.overdue
        ? t('reader-overdue', { when: when(summary.deadline_at, locale) })
        : when(summary.deadline_at, locale),
    ),
    ...(state.expiresOn === null
      ? []
      : [
          h('dt', {}, t('case-deleted-on')),
          h('dd', { id: 'case-expires' }, t('case-deleted-on-date', { date: deletionDay(state.expiresOn, locale) })),
        ]),
  );
}

function reportBody(state: CaseState): HTMLElement {
  const content = state.content;
  if (content === null) {
    return state.failed !== null ? h('p', {}, t('case-report-unavailable')) : h('p', {}, t('case-opening'));
  }
  const reporter =
    content.reporter === undefined
      ? t('case-anonymous')
      : t('case-named', { name: content.reporter.displayName, number: content.reporter.workerNumber });
  const callback = content.callback;
  return h(
    'div',
    {},
    h(
      'dl',
      {},
      h('dt', {}, t('case-category')),
      h('dd', { id: 'case-category' }, labelOr(`case-category-${content.categoryId}`, content.categoryId)),
      h('dt', {}, t('case-reporter')),
      h('dd', { id: 'case-reporter' }, reporter),
      h('dt', {}, t('case-written-in')),
      h('dd', {}, languageName(content.language)),
      h('dt', {}, t('case-submitted')),
      h('dd', {}, when(content.createdAt, language().locale)),
      h('dt', {}, t('case-callback')),
      callback === undefined
        ? h('dd', { id: 'case-callback' }, t('case-callback-none'))
        : h(
            'dd',
            { id: 'case-callback' },
            h(
              'ul',
              { class: 'plain' },
              h('li', {}, t('case-callback-phone', { phone: callback.phone })),
              callback.preferredTime !== ''
                ? h('li', {}, t('case-callback-time', { time: callback.preferredTime }))
                : null,
              callback.language !== ''
                ? h('li', {}, t('case-callback-language', { language: languageName(callback.language) }))
                : null,
            ),
          ),
    ),
    h('h3', { id: 'case-text-title' }, t('case-text')),
    // The worker's words as text only, in the language they wrote in.
    h('p', { id: 'case-text', class: 'case-text', lang: content.language, dir: 'auto' }, content.text),
  );
}

function attachmentsBody(state: CaseState): HTMLElement {
  if (state.content === null) return h('p', {}, t('case-opening'));
  if (state.attachments.length === 0) return h('p', {}, t('case-attachments-none'));
  const list = h('ul', { class: 'case-attachments' });
  state.attachments.forEach((attachment, index) => {
    const number = index + 1;
    const size = t('case-attachment-size', { kib: Math.max(1, Math.round(attachment.info.size / 1024)) });
    let body: HTMLElement;
    if (attachment.state === 'loading') {
      body = h('p', {}, t('case-attachment-loading', { number }));
    } else if (attachment.state === 'failed' || attachment.url === null) {
      body = h('p', {}, t('case-attachment-failed', { number }));
    } else if (attachment.display === 'image') {
      body = h(
        'figure',
        {},
        h('img', { src: attachment.url, alt: t('case-photo-alt', { number }), class: 'case-photo' }),
        h('figcaption', {}, t('case-photo-caption', { number, size })),
      );
    } else if (attachment.display === 'audio') {
      body = h(
        'figure',
        {},
        h('audio', {
          src: attachment.url,
          controls: true,
          preload: 'metadata',
          'aria-label': t('case-voice-label', { number }),
        }),
        h('figcaption', {}, t('case-voice-caption', { number, size })),
      );
    } else {
      body = h(
        'p',
        {},
        h(
          'a',
          { href: attachment.url, download: `${state.summary?.case_id ?? 'case'}-${number}.bin`, class: 'no-print' },
          t('case-attachment-download', { number, type: baseType(attachment.info.mime) || '?', size }),
        ),
      );
    }
    list.append(h('li', { 'data-attachment': attachment.info.attachmentId }, body));
  });
  return list;
}

function conversationBody(state: CaseState): HTMLElement {
  if (state.summary === null) return h('p', {}, t('case-loading'));
  if (state.entries.length === 0) return h('p', {}, t('case-conversation-empty'));
  const locale = language().locale;
  const list = h('ol', { class: 'case-events', id: 'case-events' });
  for (const entry of state.entries) {
    const time = h('time', {}, when(entry.at, locale));
    if (entry.author !== undefined) {
      const who = entry.author === 'worker' ? t('case-from-worker') : t('case-from-handler');
      list.append(
        h(
          'li',
          { class: `case-event case-reply-${entry.author}` },
          h('p', { class: 'case-event-head' }, who, ' · ', time),
          entry.text === null || entry.text === undefined
            ? h('p', { class: 'alert' }, t('case-reply-unopened'))
            : h('p', { class: 'case-text', dir: 'auto' }, entry.text),
        ),
      );
    } else if (entry.status !== undefined) {
      list.append(
        h(
          'li',
          { class: 'case-event case-status-event' },
          h(
            'p',
            { class: 'case-event-head' },
            t('case-status-event', { status: statusLabel(entry.status) }),
            ' · ',
            time,
          ),
        ),
      );
    }
  }
  return list;
}

function notesBody(state: CaseState): HTMLElement {
  if (state.summary === null) return h('p', {}, t('case-loading'));
  if (state.notes.length === 0) return h('p', {}, t('case-notes-none'));
  const locale = language().locale;
  return h(
    'ol',
    { class: 'case-events', id: 'case-notes' },
    ...state.notes.map((note) =>
      h(
        'li',
        { class: 'case-event' },
        h(
          'p',
          { class: 'case-event-head' },
          actorLabel(state, note.author),
          ' · ',
          h('time', {}, when(note.at, locale)),
        ),
        note.text === null
          ? h('p', { class: 'alert' }, t('case-note-unopened'))
          : h('p', { class: 'case-text', dir: 'auto' }, note.text),
      ),
    ),
  );
}

function auditBody(state: CaseState): HTMLElement {
  if (state.audit === null) return h('p', {}, t('case-loading'));
  const locale = language().locale;
  return table(
    t('case-audit-caption'),
    [t('case-audit-when'), t('case-audit-who'), t('case-audit-what')],
    state.audit.map((entry) => [when(entry.at, locale), actorLabel(state, entry.actor), actionLabel(entry.action)]),
  );
}

function section(id: string, title: string, body: HTMLElement, ...after: (HTMLElement | null)[]): HTMLElement {
  return h('section', { 'aria-labelledby': `${id}-title`, id }, h('h2', { id: `${id}-title` }, title), body, ...after);
}

function textTooLong(text: string): boolean {
  return utf8(text).length > MAX_TEXT_BYTES;
}

async function reloadAudit(state: CaseState): Promise<void> {
  try {
    const audit = await readerRequest<AuditEntry[]>(
      HUB,
      'GET',
      casePath(state, '/audit'),
      undefined,
      state.session.token,
    );
    if (shown !== state) return;
    state.audit = audit;
  } catch {
    if (shown !== state) return;
    state.audit = state.audit ?? [];
  }
  refresh(state, 'audit', 'escalation');
  await reloadEscalation(state);
}

/**
 * Whether this reader's route holds the case, as far as the page knows: the
 * forms to reply, set the status and add notes are left out on a route the
 * case was handed over from (the hub would refuse them). Until the standing
 * arrived, the page assumes it does, as before.
 */
function holds(state: CaseState): boolean {
  return state.escalation?.current !== false;
}

async function reloadEscalation(state: CaseState): Promise<void> {
  try {
    const escalation = await readerRequest<CaseEscalation>(
      HUB,
      'GET',
      casePath(state, '/escalation'),
      undefined,
      state.session.token,
    );
    if (shown !== state) return;
    state.escalation = escalation;
  } catch {
    if (shown !== state) return;
  }
  refresh(state, 'escalation');
}

/** Hands the case to the next route the worker allowed, after the reader confirms; then reloads the case. */
function escalateByHand(state: CaseState, next: string): void {
  if (!window.confirm(t('case-escalate-confirm', { route: routeLabel(next) }))) return;
  say(state, () => t('case-escalating'));
  readerRequest<CaseEscalation>(HUB, 'POST', casePath(state, '/escalate'), {}, state.session.token)
    .then(() => {
      if (shown !== state) return;
      // This route now sees the case only up to the hand-over: fetch it again as it now stands.
      const caseId = state.summary?.case_id ?? state.typedId;
      showCase(state.session, caseId, state.back, state.signOut, () =>
        t('case-escalated-done', { route: routeLabel(next) }),
      );
    })
    .catch((error: unknown) => {
      if (shown === state) say(state, () => caseErrorMessage(error));
    });
}

/** The routes in order (which holds the case), its escalations from the audit log, what is overdue, and the hand-over button. */
function escalationBody(state: CaseState): HTMLElement {
  const escalation = state.escalation;
  if (escalation === null) return h('p', {}, t('case-loading'));
  const locale = language().locale;
  const body = h('div', { class: 'case-escalation' });
  const routes = h('ol', { id: 'case-routes' });
  for (const routeId of escalation.routes) {
    const current = routeId === escalation.current_route;
    routes.append(
      h(
        'li',
        current ? { class: 'current', 'aria-current': 'step' } : {},
        current ? t('case-escalation-route-current', { route: routeLabel(routeId) }) : routeLabel(routeId),
      ),
    );
  }
  body.append(h('p', {}, t('case-escalation-routes')), routes);
  const moves = (state.audit ?? []).filter((entry) => entry.action.startsWith('escalated:'));
  body.append(
    moves.length === 0
      ? h('p', { id: 'case-escalations' }, t('case-escalation-none'))
      : h(
          'ul',
          { id: 'case-escalations' },
          ...moves.map((entry) =>
            h(
              'li',
              {},
              t('case-escalation-entry', {
                route: routeLabel(entry.action.slice('escalated:'.length)),
                when: when(entry.at, locale),
                who: actorLabel(state, entry.actor),
              }),
            ),
          ),
        ),
  );
  const overdue: string[] = (escalation.overdue_deadlines ?? []).map((kind) =>
    t(`case-overdue-${kind}`, {
      date: when(
        kind === 'acknowledge'
          ? escalation.acknowledge_by
          : kind === 'respond'
            ? escalation.respond_by
            : (escalation.resolve_by ?? null),
        locale,
      ),
    }),
  );
  if (escalation.escalation_exhausted === true) overdue.push(t('case-overdue-last-route'));
  body.append(
    h('h3', {}, t('case-overdue-title')),
    overdue.length === 0
      ? h('p', { id: 'case-overdue' }, t('case-overdue-none'))
      : h('ul', { id: 'case-overdue' }, ...overdue.map((text) => h('li', {}, text))),
  );
  if (escalation.current === false) {
    body.append(
      h(
        'p',
        { class: 'hint', id: 'case-handed-over' },
        t('case-handed-over', { route: routeLabel(escalation.current_route) }),
      ),
    );
  }
  const next = escalation.next_route ?? null;
  if (escalation.can_escalate === true && next !== null) {
    const button = h(
      'button',
      { type: 'button', class: 'secondary no-print', id: 'case-escalate' },
      t('case-escalate', { route: routeLabel(next) }),
    );
    button.addEventListener('click', () => escalateByHand(state, next));
    body.append(h('p', { class: 'hint no-print' }, t('case-escalate-help')), button);
  } else if (next === null && escalation.current !== false) {
    body.append(h('p', { class: 'hint' }, t('case-escalation-last')));
  }
  return body;
}

function addEntry(state: CaseState, entry: Entry): void {
  if (state.entries.some((known) => known.seq === entry.seq)) return;
  state.entries.push(entry);
  state.entries.sort((a, b) => a.seq - b.seq);
}

function replyForm(state: CaseState): HTMLElement {
  const text = h('textarea', { id: 'case-reply-text', rows: '4', required: true, lang: language().tag });
  text.value = state.replyDraft;
  text.addEventListener('input', () => {
    state.replyDraft = text.value;
  });
  const submit = h('button', { type: 'submit', id: 'case-reply-send' }, t('case-reply-send'));
  const form = h(
    'form',
    { class: 'no-print', 'aria-labelledby': 'case-reply-title' },
    h('h3', { id: 'case-reply-title' }, t('case-reply-title')),
    field(t('case-reply-label'), text, t('case-reply-hint')),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const content = state.content;
    const summary = state.summary;
    const words = text.value.trim();
    if (content === null || summary === null || words === '') return;
    if (textTooLong(words)) {
      say(state, () => t('case-too-long'));
      return;
    }
    submit.disabled = true;
    const replyId = crypto.randomUUID();
    const sealed = sealReply(content.replyKey, summary.case_id, replyId, 'handler', words);
    readerRequest<CaseEventJson>(
      HUB,
      'POST',
      casePath(state, '/replies'),
      { reply_id: replyId, reply: toBase64Url(sealed) },
      state.session.token,
    )
      .then((event) => {
        if (shown !== state) return;
        addEntry(state, { seq: event.seq, at: event.at, author: 'handler', text: words });
        state.replyDraft = '';
        text.value = '';
        refresh(state, 'conversation');
        say(state, () => t('case-reply-sent'));
        void reloadAudit(state);
      })
      .catch((error: unknown) => say(state, () => caseErrorMessage(error)))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}

function statusForm(state: CaseState): HTMLElement {
  const select = h('select', { id: 'case-status-choice' });
  for (const status of SETTABLE) {
    const option = h('option', { value: status }, statusLabel(status));
    option.selected = status === state.summary?.status;
    select.append(option);
  }
  const submit = h('button', { type: 'submit', id: 'case-status-set' }, t('case-status-set'));
  const form = h(
    'form',
    { class: 'no-print', 'aria-labelledby': 'case-status-form-title' },
    h('h3', { id: 'case-status-form-title' }, t('case-status-form-title')),
    field(t('case-status-label'), select),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (state.summary === null) return;
    submit.disabled = true;
    const status = select.value;
    readerRequest<CaseEventJson>(HUB, 'POST', casePath(state, '/status'), { status }, state.session.token)
      .then((event) => {
        if (shown !== state || state.summary === null) return;
        const now = event.status ?? status;
        state.summary.status = now;
        addEntry(state, { seq: event.seq, at: event.at, status: now });
        refresh(state, 'summary', 'conversation');
        say(state, () => t('case-status-changed', { status: statusLabel(now) }));
        void reloadAudit(state);
      })
      .catch((error: unknown) => say(state, () => caseErrorMessage(error)))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}

function noteForm(state: CaseState): HTMLElement {
  const text = h('textarea', { id: 'case-note-text', rows: '3', required: true, lang: language().tag });
  text.value = state.noteDraft;
  text.addEventListener('input', () => {
    state.noteDraft = text.value;
  });
  const submit = h('button', { type: 'submit', id: 'case-note-add' }, t('case-note-add'));
  const form = h(
    'form',
    { class: 'no-print', 'aria-labelledby': 'case-note-form-title' },
    h('h3', { id: 'case-note-form-title' }, t('case-note-form-title')),
    field(t('case-note-label'), text, t('case-note-hint')),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const summary = state.summary;
    const words = text.value.trim();
    if (summary === null || words === '') return;
    if (textTooLong(words)) {
      say(state, () => t('case-too-long'));
      return;
    }
    submit.disabled = true;
    const noteId = crypto.randomUUID();
    (async () => {
      const readers = await readerRequest<{ key_id: string; public_key: string }[]>(
        HUB,
        'GET',
        casePath(state, '/readers'),
        undefined,
        state.session.token,
      );
      const sealed = await sealNote(
        summary.case_id,
        noteId,
        words,
        readers.map((reader) => ({ keyId: reader.key_id, publicKey: fromBase64Url(reader.public_key) })),
      );
      await readerRequest<unknown>(
        HUB,
        'POST',
        casePath(state, '/notes'),
        {
          note_id: noteId,
          recipients: sealed.recipients.map((recipient) => ({
            key_id: recipient.keyId,
            enc: toBase64Url(recipient.enc),
            wrapped_key: toBase64Url(recipient.wrappedKey),
          })),
          sealed: toBase64Url(sealed.sealed),
        },
        state.session.token,
      );
    })()
      .then(() => {
        if (shown !== state) return;
        state.notes.push({
          noteId,
          author: `handler:${state.session.account.handler_id}`,
          at: Math.floor(Date.now() / 1000),
          text: words,
        });
        state.noteDraft = '';
        text.value = '';
        refresh(state, 'notes');
        say(state, () => t('case-note-added'));
        void reloadAudit(state);
      })
      .catch((error: unknown) => say(state, () => caseErrorMessage(error)))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}

function render(state: CaseState): HTMLElement {
  const back = h('button', { type: 'button', id: 'case-back', class: 'secondary' }, t('case-back'));
  back.addEventListener('click', () => {
    const go = state.back;
    leaveCase();
    go();
  });
  const print = h('button', { type: 'button', id: 'case-print', class: 'secondary' }, t('case-print'));
  print.addEventListener('click', () => window.print());
  const out = h('button', { type: 'button', id: 'case-sign-out' }, t('sign-out'));
  out.addEventListener('click', () => {
    const signOut = state.signOut;
    leaveCase();
    signOut();
  });
  const parts: Parts = {
    summary: h('div', {}),
    report: h('div', {}),
    attachments: h('div', {}),
    conversation: h('div', {}),
    notes: h('div', {}),
    audit: h('div', {}),
    escalation: h('div', {}),
    live: h(
      'p',
      { role: 'status', 'aria-live': 'polite', class: 'status no-print', id: 'case-announce' },
      state.announce(),
    ),
  };
  state.parts = parts;
  refresh(state, 'summary', 'report', 'attachments', 'conversation', 'notes', 'audit', 'escalation');
  const caseId = state.summary?.case_id ?? state.typedId;
  return h(
    'div',
    { class: 'case-page' },
    h('div', { class: 'actions no-print' }, back, print, out),
    h('h1', { id: 'case-title', tabindex: '-1' }, t('case-title', { caseId })),
    h('p', { class: 'hint no-print' }, t('case-opened-here')),
    parts.live,
    state.failed !== null
      ? h('div', { role: 'alert', class: 'alert', id: 'case-failed' }, caseErrorMessage(state.failed))
      : null,
    section(
      'case-summary',
      t('case-summary-title'),
      parts.summary,
      state.summary !== null && holds(state) ? statusForm(state) : null,
    ),
    section('case-escalation', t('case-escalation-title'), parts.escalation),
    section('case-report', t('case-report-title'), parts.report),
    section('case-attachments', t('case-attachments-title'), parts.attachments),
    section(
      'case-conversation',
      t('case-conversation-title'),
      parts.conversation,
      state.content !== null && holds(state) ? replyForm(state) : null,
    ),
    section(
      'case-internal-notes',
      t('case-notes-title'),
      h('div', {}, h('p', { class: 'hint' }, t('case-notes-help')), parts.notes),
      state.summary !== null && holds(state) ? noteForm(state) : null,
    ),
    section('case-audit', t('case-audit-title'), parts.audit),
  );
}

/** Draws the whole page (first time, a language change, or once the case arrived) and puts focus on the title. */
function draw(state: CaseState): void {
  runSignedOut(
    () => render(state),
    () => t('case-title', { caseId: state.summary?.case_id ?? state.typedId }),
  );
  document.getElementById('case-title')?.focus();
}

async function openAttachments(state: CaseState): Promise<void> {
  for (const attachment of state.attachments) {
    try {
      const sealed = await fetchSealedAttachment(state, attachment.info.attachmentId);
      if (shown !== state || state.opened === null) return;
      const plain = openAttachment(state.opened.contentKey, state.clientId, attachment.info.attachmentId, sealed);
      // Only a type the page vetted is given to the browser; anything else is opaque bytes to save.
      const type = attachment.display === 'download' ? 'application/octet-stream' : baseType(attachment.info.mime);
      const blob = new Blob([concat(plain)], { type });
      wipe(plain);
      attachment.url = URL.createObjectURL(blob);
      attachment.state = 'ready';
    } catch {
      if (shown !== state) return;
      attachment.state = 'failed';
    }
    refresh(state, 'attachments');
  }
}

async function load(state: CaseState): Promise<void> {
  const { session } = state;
  const sealed = await readerRequest<SealedCaseJson>(HUB, 'GET', casePath(state), undefined, session.token);
  if (shown !== state) return;
  state.summary = sealed.summary;
  state.expiresOn = sealed.expires_on ?? null;
  state.clientId = sealed.client_id;
  const caseId = sealed.summary.case_id;
  let opened: OpenedCase;
  try {
    opened = await openSealedCase(session.key, {
      caseId,
      clientId: sealed.client_id,
      payload: fromBase64Url(sealed.payload),
      enc: fromBase64Url(sealed.enc),
      wrappedKey: fromBase64Url(sealed.wrapped_key),
    });
  } catch (error) {
    state.failed = error;
    return;
  }
  if (shown !== state) {
    opened.wipe();
    return;
  }
  state.opened = opened;
  state.content = opened.content;
  state.entries = sealed.events
    .map((event): Entry => {
      if (event.author !== undefined && event.reply !== undefined && event.reply_id !== undefined) {
        let text: string | null;
        try {
          text = openCaseReply(opened.content.replyKey, caseId, {
            reply_id: event.reply_id,
            author: event.author,
            reply: event.reply,
          });
        } catch {
          text = null;
        }
        return { seq: event.seq, at: event.at, author: event.author, text };
      }
      return event.status !== undefined
        ? { seq: event.seq, at: event.at, status: event.status }
        : { seq: event.seq, at: event.at };
    })
    .sort((a, b) => a.seq - b.seq);
  const notes: NoteView[] = [];
  for (const note of sealed.notes ?? []) {
    let text: string | null;
    try {
      text = await openNote(session.key, caseId, note);
    } catch {
      text = null;
    }
    notes.push({ noteId: note.note_id, author: note.author, at: note.at, text });
  }
  if (shown !== state) return;
  state.notes = notes;
  state.attachments = opened.content.attachments.map((info) => ({
    info,
    display: displayOf(info),
    state: 'loading',
    url: null,
  }));
}

/**
 * Shows the case `caseId` to the signed-in reader: fetches it sealed, opens
 * it here, then its attachments and audit timeline. `back` returns to the
 * inbox and `signOut` signs out; both run after the page forgot the case.
 * `opened` is what to announce once it opened, if not the usual message.
 */
export function showCase(
  session: ReaderSession,
  caseId: string,
  back: () => void,
  signOut: () => void,
  opened: () => string = () => t('case-opened'),
): void {
  leaveCase();
  const state: CaseState = {
    session,
    typedId: caseId,
    back,
    signOut,
    summary: null,
    expiresOn: null,
    clientId: '',
    opened: null,
    content: null,
    entries: [],
    notes: [],
    attachments: [],
    audit: null,
    escalation: null,
    failed: null,
    announce: () => '',
    replyDraft: '',
    noteDraft: '',
    parts: null,
  };
  shown = state;
  history.replaceState(null, '', `/reader/cases/${encodeURIComponent(caseId)}`);
  // A language change redraws from `state`; what was opened stays in memory until the reader leaves.
  draw(state);
  say(state, () => t('case-opening'));
  load(state)
    .then(() => reloadEscalation(state))
    .catch((error: unknown) => {
      if (shown === state) state.failed = error;
    })
    .finally(() => {
      if (shown !== state) return;
      draw(state);
      say(state, () => (state.failed === null ? opened() : caseErrorMessage(state.failed)));
      if (state.content !== null) void openAttachments(state);
      void reloadAudit(state);
    });
}
