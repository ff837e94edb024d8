// The console's strings: every language (the core's, and Arabic) has every
// message the English file has (and no other), each with the same variables,
// every message the code asks for exists, every file parses without a Fluent
// error, and every message formats in every language without an error.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { FluentBundle, FluentResource } from '@fluent/bundle';

const console_ = fileURLToPath(new URL('../../', import.meta.url));
const locales = join(console_, 'locales');

function ids(tag: string): Set<string> {
  const resource = new FluentResource(readFileSync(join(locales, `${tag}.ftl`), 'utf8'));
  const bundle = new FluentBundle(tag);
  const errors = bundle.addResource(resource);
  assert.deepEqual(errors, [], `${tag}.ftl has errors`);
  return new Set(resource.body.map((entry) => entry.id));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

const languages = readdirSync(locales)
  .filter((name) => name.endsWith('.ftl'))
  .map((name) => name.slice(0, -4));

test('the console ships the languages the core ships, and Arabic (right to left)', () => {
  const core = readdirSync(join(console_, '..', 'core', 'src', 'app_strings'))
    .filter((name) => name.endsWith('.ftl'))
    .map((name) => name.slice(0, -4));
  assert.deepEqual([...languages].sort(), [...core, 'ar'].sort());
  // The switcher's table (src/i18n.ts) offers each file, Arabic right to left.
  const table = readFileSync(join(console_, 'src', 'i18n.ts'), 'utf8');
  for (const tag of languages) {
    assert.match(table, new RegExp(`\\{ tag: '${tag}', name: '[^']+', dir: '${tag === 'ar' ? 'rtl' : 'ltr'}'`), tag);
  }
});

/** The variables a message's value uses, selectors included (`$days` in `{ $days -> … }`). */
function variables(node: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) variables(item, found);
  } else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (record['type'] === 'var' && typeof record['name'] === 'string') found.add(record['name']);
    for (const value of Object.values(record)) variables(value, found);
  }
  return found;
}

function messageVariables(tag: string): Map<string, string> {
  const resource = new FluentResource(readFileSync(join(locales, `${tag}.ftl`), 'utf8'));
  return new Map(
    resource.body.map((entry) => [entry.id, [...variables('value' in entry ? entry.value : null)].sort().join(' ')]),
  );
}

test('every message uses the same variables in every language as in English', () => {
  const english = messageVariables('en');
  assert.ok([...english.values()].filter((names) => names !== '').length > 80, 'English has variables');
  for (const tag of languages) {
    const differ = [...messageVariables(tag)]
      .filter(([id, names]) => english.has(id) && english.get(id) !== names)
      .map(([id, names]) => `${id}: ${names} (English: ${english.get(id) ?? ''})`);
    assert.deepEqual(differ, [], `${tag}.ftl`);
  }
});

test('every message formats in every language, with each plural form, without an error', () => {
  const english = new FluentResource(readFileSync(join(locales, 'en.ftl'), 'utf8'));
  const names = new Set<string>();
  for (const entry of english.body) for (const name of variables('value' in entry ? entry.value : null)) names.add(name);
  for (const tag of languages) {
    const bundle = new FluentBundle(tag, { useIsolating: false });
    bundle.addResource(new FluentResource(readFileSync(join(locales, `${tag}.ftl`), 'utf8')));
    // 0, 1, 2, 3, 11 and 100 reach every CLDR plural category Arabic has (zero … many, other).
    for (const count of [0, 1, 2, 3, 11, 100]) {
      const args = Object.fromEntries([...names].map((name) => [name, count]));
      for (const entry of english.body) {
        const message = bundle.getMessage(entry.id);
        const errors: Error[] = [];
        const text = message?.value != null ? bundle.formatPattern(message.value, args, errors) : '';
        assert.deepEqual(errors, [], `${tag} ${entry.id}`);
        assert.ok(text.trim().length > 0, `${tag} ${entry.id} is empty`);
      }
    }
  }
});

test('every language has exactly the English messages', () => {
  const english = ids('en');
  for (const tag of languages) {
    const own = ids(tag);
    assert.deepEqual(
      [...english].filter((id) => !own.has(id)),
      [],
      `${tag}.ftl lacks these`,
    );
    assert.deepEqual(
      [...own].filter((id) => !english.has(id)),
      [],
      `${tag}.ftl has extra messages`,
    );
  }
});

test('every message the code asks for exists', () => {
  const english = ids('en');
  const code = sources(join(console_, 'src')).join('\n');
  const asked = new Set<string>();
  for (const match of code.matchAll(/\bt(?:In)?\((?:\w+, )?'([a-z0-9_-]+)'/g)) asked.add(match[1] ?? '');
  for (const match of code.matchAll(/(?:label|message): '([a-z0-9_-]+)'/g)) asked.add(match[1] ?? '');
  // Ids the code builds from a value.
  for (const role of ['programme_admin', 'factory_admin', 'brand_staff', 'auditor']) asked.add(`role-${role}`);
  for (const code of [
    'unauthorized',
    'forbidden',
    'not-found',
    'bad-request',
    'network',
    'worker-exists',
    'rate-limited',
  ])
    asked.add(`error-${code}`);
  for (const mode of ['personal', 'shared']) asked.add(`mode-${mode}`);
  for (const kind of ['directory', 'pack', 'delegation']) asked.add(`proposal-kind-${kind}`);
  for (const state of ['pending', 'published', 'superseded']) asked.add(`proposal-state-${state}`);
  assert.ok(asked.size > 150, `found only ${asked.size} ids in the code`);
  assert.deepEqual(
    [...asked].filter((id) => !english.has(id)),
    [],
  );
});
