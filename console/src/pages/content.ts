/**
 * Published packs (`/content`): every training module and survey the
 * programme published, with each version (when published, size, media files,
 * whether the key holder's signature is on it — the hub checks the signature
 * again under the programme's public key for this list) and the factories it
 * is assigned to. Every role opens it; the hub answers within the role's
 * scope (factory admins and brand staff see only what reaches their
 * factories, and no version still awaiting the key holder).
 */

import { api, type Factory, type PublishedItem, type PublishedVersion } from '../api.js';
import { route, type Context } from '../app.js';
import { h, isolated, table, when } from '../dom.js';
import { language, t } from '../i18n.js';

/** A title in the page's language, else English, else any, else the id. */
export function titleOf(titles: Record<string, string>, id: string): string {
  const tag = language().tag;
  return titles[tag] ?? titles[tag.split('-')[0] ?? ''] ?? titles['en'] ?? Object.values(titles)[0] ?? id;
}

/** Bytes in the page's language (kB, MB). */
export function size(bytes: number): string {
  const format = (value: number, unit: 'kilobyte' | 'megabyte' | 'byte'): string =>
    new Intl.NumberFormat(language().locale, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
  if (bytes < 1000) return format(bytes, 'byte');
  if (bytes < 1_000_000) return format(bytes / 1000, 'kilobyte');
  return format(bytes / 1_000_000, 'megabyte');
}

function signature(version: PublishedVersion): HTMLElement {
  const text = t(`content-signature-${version.signature}`);
  return h('span', { class: `badge signature-${version.signature}` }, text);
}

function assignment(item: PublishedItem, factories: readonly Factory[]): string {
  if (item.all_factories) return t('content-all-factories');
  if (item.factory_ids.length === 0) return t('none');
  const name = (id: string): string => factories.find((factory) => factory.id === id)?.name ?? id;
  return item.factory_ids.map(name).join(', ');
}

function itemSection(context: Context, item: PublishedItem, factories: readonly Factory[]): HTMLElement {
  const title = titleOf(item.titles, item.id);
  const kind = t(`content-kind-${item.kind.replaceAll('_', '-')}`);
  const headingId = `content-${item.kind}-${item.id}`;
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', {}, t('content-kind')),
    h('dd', {}, kind),
    h('dt', {}, t('content-id')),
    h('dd', {}, h('code', {}, item.id)),
    h('dt', {}, t('content-current')),
    h(
      'dd',
      {},
      item.current_version === undefined
        ? t('content-not-yet')
        : t('content-version-number', { version: item.current_version }),
    ),
    h('dt', {}, t('content-assigned')),
    h('dd', { class: 'content-assigned' }, assignment(item, factories)),
  );
  const versions = table(
    t('content-versions-caption', { title }),
    [t('content-version'), t('content-published'), t('content-size'), t('content-media'), t('content-signature')],
    item.versions.map((version) => [
      String(version.version),
      version.signature === 'awaiting'
        ? t('content-proposed-on', { when: when(version.published_at, language().locale) })
        : when(version.published_at, language().locale),
      size(version.total_bytes),
      String(version.media),
      signature(version),
    ]),
  );
  const section = h(
    'section',
    { class: 'content-item', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, isolated(title)),
    facts,
    versions,
  );
  if (item.kind === 'survey' && item.current_version !== undefined && context.can('read_programme')) {
    const path = `/schedules#schedule-${item.id}`;
    const link = h('a', { href: path }, t('content-schedule-link', { title }));
    link.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      context.navigate(path);
    });
    section.appendChild(h('p', {}, link));
  }
  return section;
}

route(/^\/content$/, 'list_factories', async (context) => {
  const [items, factories] = await Promise.all([api.content(), api.factories()]);
  const body = h(
    'div',
    { class: 'content-list' },
    h('p', {}, t('content-help')),
    items.length === 0 ? h('p', {}, t('content-none')) : null,
    ...items.map((item) => itemSection(context, item, factories)),
  );
  return { title: t('nav-content'), body };
});
