/**
 * Worker cards (a factory's "Worker cards" tab): one card per worker with
 * the activation code the hub returned this session, a QR code the app reads
 * (`workervoice://activate?v=1&hub=…&number=…&code=…`, the format of
 * `protocol::codes::ActivationQr`), and the channels a report can go to —
 * the routes of the signed directory open to this factory's workers, with
 * the organisation and how soon it answers — all in the worker's language.
 *
 * A card is written in the console's languages (Arabic, one of them, laid
 * out right to left) and also in Khmer or Bengali (`locales/cards/*.ftl`,
 * card strings only), with the script's Noto font.
 * Print rules (styles.css) fit two cards across on A4 or Letter, chosen here.
 */

import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';

import type { Factory, RosterEntry } from '../api.js';
import { h, ltr } from '../dom.js';
import { negotiate, t, tIn } from '../i18n.js';
import { qrCode } from '../qr.js';
import bn from '../../locales/cards/bn.ftl?raw';
import km from '../../locales/cards/km.ftl?raw';

/** Languages a card is written in beyond the console's own, with their direction. */
const CARD_ONLY: Readonly<Record<string, { source: string; dir: 'ltr' | 'rtl' }>> = {
  km: { source: km, dir: 'ltr' },
  bn: { source: bn, dir: 'ltr' },
};

const bundles = new Map<string, FluentBundle>();
/** A card string a card-only language lacks comes from here. */
const FALLBACK = 'en';

/** The card language for a roster language: a card-only one, else the console's negotiation. */
function cardLanguage(tag: string): { tag: string; dir: 'ltr' | 'rtl' } {
  const primary = tag.toLowerCase().split(/[-_]/)[0] ?? '';
  const own = CARD_ONLY[primary];
  if (own !== undefined) return { tag: primary, dir: own.dir };
  const shipped = negotiate([tag]);
  return { tag: shipped.tag, dir: shipped.dir };
}

/** A card string in `tag`, falling back to the console's bundles (and so to English). */
function cardText(tag: string, id: string, args?: Record<string, FluentVariable>): string {
  const own = CARD_ONLY[tag];
  if (own === undefined) return tIn(tag, id, args);
  let bundle = bundles.get(tag);
  if (bundle === undefined) {
    bundle = new FluentBundle(tag, { useIsolating: true });
    const errors = bundle.addResource(new FluentResource(own.source));
    if (errors.length > 0) console.error(`card strings for ${tag} have errors`, errors);
    bundles.set(tag, bundle);
  }
  const message = bundle.getMessage(id);
  return message?.value != null ? bundle.formatPattern(message.value, args ?? null) : tIn(FALLBACK, id, args);
}

/** One channel open to the factory's workers, from the signed directory. */
export interface Channel {
  readonly route: 'factory_committee' | 'independent_hotline' | 'brand';
  readonly organisation: string;
  readonly days: number;
}

const ROUTES = ['factory_committee', 'independent_hotline', 'brand'] as const;

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/**
 * The channels of the newest directory the hub serves devices
 * (`GET /v1/directory`) that reach `factoryId`, in escalation order. The
 * page reads what devices read; it does not check the signature (the
 * devices do), so a card shows at worst what the hub says. Empty when no
 * directory is published or it cannot be read.
 */
export async function channelsFor(factoryId: string): Promise<Channel[]> {
  let body: Record<string, unknown> | null;
  try {
    const response = await fetch('/v1/directory', { cache: 'no-store', credentials: 'omit', redirect: 'error' });
    if (!response.ok) return [];
    const signed = record(record(await response.json())?.['directory']);
    const encoded = signed?.['body'];
    if (typeof encoded !== 'string') return [];
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    body = record(JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))));
  } catch {
    return [];
  }
  const entries = Array.isArray(body?.['routes']) ? (body['routes'] as unknown[]) : [];
  const channels: Channel[] = [];
  for (const raw of entries) {
    const entry = record(raw);
    const route = ROUTES.find((known) => known === entry?.['route']);
    const organisation = entry?.['organisation'];
    const hours = entry?.['response_deadline_hours'];
    if (entry === null || route === undefined || typeof organisation !== 'string' || typeof hours !== 'number')
      continue;
    const factories = Array.isArray(entry['factory_ids']) ? entry['factory_ids'] : [];
    const reaches =
      route === 'independent_hotline' ||
      (route === 'factory_committee' && entry['factory_id'] === factoryId) ||
      (route === 'brand' && factories.includes(factoryId));
    if (reaches && !channels.some((known) => known.route === route && known.organisation === organisation)) {
      channels.push({ route, organisation, days: Math.max(1, Math.ceil(hours / 24)) });
    }
  }
  return channels.sort((a, b) => ROUTES.indexOf(a.route) - ROUTES.indexOf(b.route));
}

/**
 * A worker's code as the hub returned it this session: the roster entry,
 * the activation code, and the card's QR payload, which the hub writes
 * (`protocol::codes::ActivationQr`, with the hub's public URL, the one
 * devices enrol with — not the address this page was opened on).
 */
export interface HeldCode {
  entry: RosterEntry;
  code: string;
  qr: string;
}

function card(factory: Factory, { entry, code, qr: payload }: HeldCode, channels: readonly Channel[]): HTMLElement {
  const { tag, dir } = cardLanguage(entry.language);
  const text = (id: string, args?: Record<string, FluentVariable>): string => cardText(tag, id, args);
  const qr = qrCode(payload, text('card-qr-label'));
  const routeName = (route: Channel['route']): string => text(`card-route-${route.replace(/_/g, '-')}`);
  return h(
    'article',
    { class: 'card', lang: tag, dir },
    h(
      'div',
      { class: 'card-head' },
      h('div', {}, h('h3', {}, text('card-title')), h('p', { class: 'card-factory' }, factory.name)),
      h('div', { class: 'card-qr' }, qr),
    ),
    h('p', {}, text('card-hello', { name: entry.display_name })),
    h(
      'dl',
      {},
      h('dt', {}, text('card-number')),
      // Left to right inside, but at the card's start edge: beside its label in an Arabic card too.
      h('dd', { class: 'code' }, ltr(entry.worker_number)),
      h('dt', {}, text('card-code')),
      h('dd', { class: 'code' }, ltr(code)),
    ),
    h('p', { class: 'card-steps' }, text('card-steps')),
    channels.length > 0
      ? h(
          'div',
          { class: 'card-channels' },
          h('h4', {}, text('card-channels')),
          h(
            'ul',
            {},
            ...channels.map((channel) =>
              h(
                'li',
                {},
                h('strong', {}, routeName(channel.route)),
                ' — ',
                // The organisation's name keeps its own direction inside an Arabic card.
                h('bdi', {}, channel.organisation),
                ` · ${text('card-answer-within', { days: channel.days })}`,
              ),
            ),
          ),
        )
      : null,
    h('p', { class: 'card-sealed' }, text('card-sealed')),
  );
}

/** The sheet: help, paper size, print button, and one card per worker. */
export function cardSheet(
  factory: Factory,
  held: readonly HeldCode[],
  channels: readonly Channel[],
): HTMLElement {
  const sheet = h(
    'div',
    { class: 'cards paper-a4', id: 'worker-cards' },
    ...held.map((one) => card(factory, one, channels)),
  );
  const paper = h(
    'select',
    { id: 'cards-paper' },
    h('option', { value: 'a4' }, t('cards-paper-a4')),
    h('option', { value: 'letter' }, t('cards-paper-letter')),
  );
  paper.addEventListener('change', () => {
    sheet.classList.toggle('paper-a4', paper.value === 'a4');
    sheet.classList.toggle('paper-letter', paper.value === 'letter');
  });
  const print = h('button', { type: 'button' }, t('cards-print'));
  print.addEventListener('click', () => window.print());
  return h(
    'div',
    {},
    h('p', { class: 'no-print' }, t('cards-help', { count: held.length })),
    h('div', { class: 'no-print cards-controls' }, h('label', { for: 'cards-paper' }, t('cards-paper')), paper, print),
    sheet,
  );
}
