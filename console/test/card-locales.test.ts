// Worker cards are written in more languages than the console's pages
// (locales/cards/*.ftl: Khmer, Bengali; Arabic's card strings are in the
// console's own ar.ftl, checked by locales.test.ts): each such file has exactly
// the card messages of the English file, parses without error, and every
// message formats (with its plural forms) without falling back.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { FluentBundle, FluentResource } from '@fluent/bundle';

const locales = fileURLToPath(new URL('../../locales/', import.meta.url));

function resource(path: string): FluentResource {
  return new FluentResource(readFileSync(path, 'utf8'));
}

test('every card language has exactly the English card messages, and each formats', () => {
  const english = new Set(
    resource(join(locales, 'en.ftl'))
      .body.map((entry) => entry.id)
      .filter((id) => id.startsWith('card-')),
  );
  assert.ok(english.has('card-answer-within') && english.has('card-qr-label'));
  const files = readdirSync(join(locales, 'cards')).filter((name) => name.endsWith('.ftl'));
  assert.deepEqual(files.sort(), ['bn.ftl', 'km.ftl']);
  for (const file of files) {
    const tag = file.slice(0, -4);
    const own = resource(join(locales, 'cards', file));
    const bundle = new FluentBundle(tag, { useIsolating: false });
    assert.deepEqual(bundle.addResource(own), [], `${file} has errors`);
    const ids = new Set(own.body.map((entry) => entry.id));
    assert.deepEqual(
      [...english].filter((id) => !ids.has(id)),
      [],
      `${file} lacks these`,
    );
    assert.deepEqual(
      [...ids].filter((id) => !english.has(id)),
      [],
      `${file} has extra messages`,
    );
    for (const id of ids) {
      for (const days of [1, 2, 5, 30]) {
        const message = bundle.getMessage(id);
        const errors: Error[] = [];
        const text = message?.value != null ? bundle.formatPattern(message.value, { name: 'N', days }, errors) : '';
        assert.deepEqual(errors, [], `${file} ${id}`);
        assert.ok(text.length > 0, `${file} ${id} is empty`);
      }
    }
  }
});
