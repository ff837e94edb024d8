/**
 * Every string the console shows comes from Fluent (`console/locales/*.ftl`,
 * the same format as the core's strings), in the languages the core ships.
 * The bundles are part of the build: nothing is fetched at run time.
 */

import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import en from '../locales/en.ftl?raw';
import vi from '../locales/vi.ftl?raw';
import zhCN from '../locales/zh-CN.ftl?raw';
import ar from '../locales/ar.ftl?raw';

/** A language the console ships, with its writing direction. */
export interface Language {
  readonly tag: string;
  /** The language's own name, for the switcher. */
  readonly name: string;
  readonly dir: 'ltr' | 'rtl';
  /**
   * The locale dates and numbers are formatted with (`Intl`, and Fluent's
   * plurals and numbers). Arabic asks for Western digits (`-u-nu-latn`):
   * worker numbers, case ids, codes and phone numbers are typed in them, so a
   * page never mixes ١٢ and 12, whatever CLDR version the browser carries.
   */
  readonly locale: string;
}

/**
 * The core's languages (core/src/app_strings), and Arabic, the console's
 * right-to-left language (its pages mirror through logical CSS properties and
 * `dir`). Arabic is a drafted translation awaiting a native speaker's review.
 */
export const LANGUAGES: readonly Language[] = [
  { tag: 'en', name: 'English', dir: 'ltr', locale: 'en' },
  { tag: 'vi', name: 'Tiếng Việt', dir: 'ltr', locale: 'vi' },
  { tag: 'zh-CN', name: '简体中文', dir: 'ltr', locale: 'zh-CN' },
  { tag: 'ar', name: 'العربية', dir: 'rtl', locale: 'ar-u-nu-latn' },
];

const SOURCES: Readonly<Record<string, string>> = { en, vi, 'zh-CN': zhCN, ar };
const STORAGE_KEY = 'wv-console-language';

const bundles = new Map<string, FluentBundle>();

function bundleFor(tag: string): FluentBundle {
  const known = bundles.get(tag);
  if (known !== undefined) return known;
  // Placeables are wrapped in Unicode isolates (FSI…PDI), so an Arabic
  // worker's name inside an English sentence, or a Latin case id inside an
  // Arabic one, keeps its own direction.
  const locale = LANGUAGES.find((candidate) => candidate.tag === tag)?.locale ?? tag;
  const bundle = new FluentBundle(locale, { useIsolating: true });
  const errors = bundle.addResource(new FluentResource(SOURCES[tag] ?? ''));
  if (errors.length > 0) console.error(`console strings for ${tag} have errors`, errors);
  bundles.set(tag, bundle);
  return bundle;
}

let current: Language = LANGUAGES[0] as Language;

/** The language in use. */
export function language(): Language {
  return current;
}

/** Best shipped language for a list of preferences (e.g. `navigator.languages`). */
export function negotiate(preferred: readonly string[]): Language {
  for (const wanted of preferred) {
    const lower = wanted.toLowerCase();
    const exact = LANGUAGES.find((candidate) => candidate.tag.toLowerCase() === lower);
    if (exact !== undefined) return exact;
    const primary = lower.split('-')[0];
    const loose = LANGUAGES.find((candidate) => candidate.tag.toLowerCase().split('-')[0] === primary);
    if (loose !== undefined) return loose;
  }
  return LANGUAGES[0] as Language;
}

/** Picks the language at start: the one chosen before, else the browser's. */
export function initialLanguage(): Language {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    saved = null;
  }
  return negotiate(saved !== null ? [saved] : [...navigator.languages]);
}

/** Switches the language and sets the document's `lang` and `dir`. */
export function setLanguage(tag: string): void {
  current = LANGUAGES.find((candidate) => candidate.tag === tag) ?? (LANGUAGES[0] as Language);
  document.documentElement.lang = current.tag;
  document.documentElement.dir = current.dir;
  try {
    // Only the language choice is kept: never anything about a session.
    localStorage.setItem(STORAGE_KEY, current.tag);
  } catch {
    // Storage may be off; the choice then lasts for the page.
  }
}

/** A message in language `tag`, falling back to English, then to its id (so a missing string is visible). */
export function tIn(tag: string, id: string, args?: Record<string, FluentVariable>): string {
  for (const candidate of [tag, 'en']) {
    const bundle = bundleFor(candidate);
    const message = bundle.getMessage(id);
    if (message?.value != null) {
      return bundle.formatPattern(message.value, args ?? null);
    }
  }
  return id;
}

/** A message in the current language only (no English fallback), or null when that language lacks it. */
export function tOwn(id: string, args?: Record<string, FluentVariable>): string | null {
  const bundle = bundleFor(current.tag);
  const message = bundle.getMessage(id);
  return message?.value != null ? bundle.formatPattern(message.value, args ?? null) : null;
}

/**
 * A directory category's label: the programme's own in the page's language,
 * else the console's for that category id (the directory may not be written
 * in every language the console ships), else the programme's English, else the id.
 */
export function categoryName(id: string, labels: Readonly<Record<string, string>> | undefined): string {
  return labels?.[current.tag] ?? tOwn(`case-category-${id}`) ?? labels?.['en'] ?? id;
}

/** A message in the current language. */
export function t(id: string, args?: Record<string, FluentVariable>): string {
  return tIn(current.tag, id, args);
}
