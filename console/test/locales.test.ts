// The console's strings: every language has every message the English file
// has (and no other), every message the code asks for exists, and every
// file parses without a Fluent error.

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

test('the console ships the languages the core ships', () => {
  const core = readdirSync(join(console_, '..', 'core', 'src', 'app_strings'))
    .filter((name) => name.endsWith('.ftl'))
    .map((name) => name.slice(0, -4))
    .sort();
  assert.deepEqual([...languages].sort(), core);
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
