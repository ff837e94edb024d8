/**
 * Building the page without HTML strings: every text goes through
 * `textContent` (never `innerHTML`), so nothing the hub returns can become
 * markup or script.
 */

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | undefined>;

/** An element with attributes (booleans set or omit) and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  append(element, ...children);
  return element;
}

/** Appends children, strings as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild !== null) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

let nextId = 0;
/** A unique id for label/description pairs. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A labelled input (the label names it for screen readers). */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  const id = input.id !== '' ? input.id : uid('field');
  input.id = id;
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), input);
  if (hint !== undefined) {
    const hintId = `${id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    append(wrapper, h('p', { class: 'hint', id: hintId }, hint));
  }
  return wrapper;
}

/** A table with a caption and column headers. */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell) => h('td', {}, cell))))),
  );
}

/** Formats unix seconds as a local date and time. */
export function when(unixSeconds: number | null | undefined, locale: string): string {
  if (unixSeconds === null || unixSeconds === undefined) return '—';
  return new Date(unixSeconds * 1000).toLocaleString(locale);
}

/**
 * Text that reads left to right whatever the page's direction (a case id, a
 * worker number, a login): isolated so it neither reorders nor is reordered by
 * right-to-left text around it.
 */
export function ltr(text: string): HTMLElement {
  return h('bdi', { dir: 'ltr' }, text);
}

/**
 * Text the programme or a worker wrote (a survey's question, a title), in
 * whatever language and direction it has: isolated, so a question mark stays
 * at the end of an English question on an Arabic page.
 */
export function isolated(text: string): HTMLElement {
  return h('bdi', {}, text);
}
