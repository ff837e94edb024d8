// The console's languages for the browser tests, and what "right to left"
// means on a page: with Arabic chosen the document is `lang=ar dir=rtl`, the
// header starts at the right edge, the main navigation runs from right to
// left, and no English message of the console shows (in text the page does
// not mark as another language). Used by every test that
// walks its pages in every language (axe-core and a screenshot each).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { FluentBundle, FluentResource } from '@fluent/bundle';
import type { Page } from 'playwright-core';

/** Every language the console ships (src/i18n.ts), English first and last. */
export const LANGS = ['en', 'vi', 'zh-CN', 'ar'] as const;

/** The right-to-left ones among them. */
const RTL: ReadonlySet<string> = new Set(['ar']);

const locales = fileURLToPath(new URL('../../locales/', import.meta.url));

function messages(tag: string): Map<string, string> {
  const resource = new FluentResource(readFileSync(`${locales}${tag}.ftl`, 'utf8'));
  const bundle = new FluentBundle(tag, { useIsolating: false });
  bundle.addResource(resource);
  const texts = new Map<string, string>();
  for (const entry of resource.body) {
    const message = bundle.getMessage(entry.id);
    if (message?.value == null) continue;
    const errors: Error[] = [];
    const text = bundle.formatPattern(message.value, null, errors);
    // Only messages without variables: their English text is exactly what would show.
    if (errors.length === 0) texts.set(entry.id, text);
  }
  return texts;
}

/**
 * English messages that would be a sign of an untranslated page: whole
 * phrases (three words or more), and not the same in Arabic (product names,
 * technical tokens).
 */
const ENGLISH: readonly string[] = (() => {
  const english = messages('en');
  const arabic = messages('ar');
  return [...english]
    .filter(([id, text]) => text.split(' ').length >= 3 && arabic.get(id) !== text)
    .map(([, text]) => text);
})();

/** Chooses `lang` in the switcher; the document's `lang` and `dir` follow (and `dir` returns to `ltr`). */
export async function switchLanguage(page: Page, lang: string): Promise<void> {
  await page.selectOption('#language', lang);
  await page.waitForFunction((tag) => document.documentElement.lang === tag, lang);
  const dir = await page.evaluate(() => document.documentElement.dir);
  assert.equal(dir, RTL.has(lang) ? 'rtl' : 'ltr', `dir with ${lang}`);
}

/**
 * With a right-to-left language chosen: `lang`/`dir` on the document, the
 * header's first item (the product name) at the right edge, the navigation's
 * first link to the right of the next, and none of the console's English
 * phrases in the page's text. Does nothing for a left-to-right language.
 */
export async function checkDirection(page: Page, lang: string, where: string): Promise<void> {
  if (!RTL.has(lang)) return;
  const seen = await page.evaluate(() => {
    const box = (element: Element | null): { left: number; right: number; top: number } | null => {
      if (element === null) return null;
      const rect = element.getBoundingClientRect();
      return { left: rect.left, right: rect.right, top: rect.top };
    };
    const links = [...document.querySelectorAll('header nav a')];
    return {
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      header: box(document.querySelector('header')),
      brand: box(document.querySelector('header .brand')),
      first: box(links[0] ?? null),
      second: box(links[1] ?? null),
      // Text in the page's language only: a worker card, a report or a survey title in its own
      // language (marked with `lang`) may be English on an Arabic page.
      text: (() => {
        const texts: string[] = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
          const parent = node.parentElement;
          if (parent === null || parent.closest('[hidden], script, style') !== null) continue;
          if (parent.closest('[lang]')?.getAttribute('lang') !== document.documentElement.lang) continue;
          texts.push(node.textContent ?? '');
        }
        return texts.join('\n');
      })(),
    };
  });
  assert.equal(seen.lang, lang, `${where}: lang`);
  assert.equal(seen.dir, 'rtl', `${where}: dir`);
  if (seen.header === null || seen.brand === null) throw new Error(`${where}: the page has no header`);
  // The header's padding is 1.25rem (20 px): the product name starts right there, at the right.
  assert.ok(
    seen.header.right - seen.brand.right < 32,
    `${where}: the header starts at the right edge (${JSON.stringify(seen.brand)} in ${JSON.stringify(seen.header)})`,
  );
  if (seen.first !== null && seen.second !== null && Math.abs(seen.first.top - seen.second.top) < 4) {
    assert.ok(seen.first.left > seen.second.right, `${where}: the navigation runs right to left`);
  }
  const english = ENGLISH.filter((text) => seen.text.includes(text));
  assert.deepEqual(english, [], `${where}: English on the ${lang} page`);
}
