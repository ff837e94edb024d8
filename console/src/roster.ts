/**
 * Reading a roster CSV in the browser, so every row's problems are shown
 * before anything is sent: the same header and the same rules as the hub
 * (`hub/src/admin/roster.rs`, `hub/src/workers.rs`), which checks again.
 */

import type { RosterEntry } from './api.js';

/** What is wrong with a row (a Fluent message id and its arguments). */
export interface RowProblem {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  message:
    | 'roster-error-columns'
    | 'roster-error-number'
    | 'roster-error-name'
    | 'roster-error-language'
    | 'roster-error-duplicate';
}

export interface ParsedRoster {
  entries: RosterEntry[];
  problems: RowProblem[];
  /** The header was not `worker_number,display_name,language[,department]`. */
  badHeader: boolean;
}

/** RFC 4180 records (quotes, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else {
      cell += char;
    }
  }
  if (cell !== '' || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  return records.filter((row) => !(row.length === 1 && row[0]?.trim() === ''));
}

const HEADER = ['worker_number', 'display_name', 'language', 'department'];

function plausibleLanguage(tag: string): boolean {
  if (tag === '' || tag.length > 35) return false;
  const [primary = '', ...rest] = tag.split('-');
  const primaryOk = primary.toLowerCase() === 'x' ? rest.length > 0 : /^[A-Za-z]{2,8}$/.test(primary);
  return primaryOk && rest.every((subtag) => /^[A-Za-z0-9]{1,8}$/.test(subtag));
}

/** Every row checked; `entries` holds only the good ones. */
export function readRoster(text: string): ParsedRoster {
  const records = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = records[0] ?? [];
  const columns = header.length;
  const badHeader =
    !(columns === 3 || columns === 4) || !header.every((name, index) => name.trim().toLowerCase() === HEADER[index]);
  if (badHeader) return { entries: [], problems: [], badHeader };
  const entries: RosterEntry[] = [];
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((record, index) => {
    const line = index + 2;
    if (record.length !== columns) {
      problems.push({ line, message: 'roster-error-columns' });
      return;
    }
    const [numberRaw = '', nameRaw = '', languageRaw = '', departmentRaw = ''] = record;
    const number = numberRaw.trim();
    const name = nameRaw.trim();
    const language = languageRaw.trim();
    let ok = true;
    if (!/^[A-Za-z0-9-]{1,32}$/.test(number)) {
      problems.push({ line, message: 'roster-error-number' });
      ok = false;
    } else if (seen.has(number.toLowerCase())) {
      problems.push({ line, message: 'roster-error-duplicate' });
      ok = false;
    }
    if (name === '' || [...name].length > 200 || /[\u0000-\u001f\u007f-\u009f]/.test(name)) {
      problems.push({ line, message: 'roster-error-name' });
      ok = false;
    }
    if (!plausibleLanguage(language)) {
      problems.push({ line, message: 'roster-error-language' });
      ok = false;
    }
    if (ok) {
      seen.add(number.toLowerCase());
      const department = departmentRaw.trim();
      entries.push({
        worker_number: number,
        display_name: name,
        language,
        ...(department !== '' ? { department } : {}),
      });
    }
  });
  return { entries, problems, badHeader };
}
