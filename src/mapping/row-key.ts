/**
 * Row keys: the value under which the database considers two rows the same (pure). Used where
 * source rows are checked for duplicates (mapping) and where they are matched with destination
 * rows (the differ), so both agree on what "the same key" means.
 */
import { ownText, type Row } from '../model/row.js';
import { approximateCollations, type CollationKeys } from './collation.js';
import type { TargetColumn } from './target-columns.js';

/**
 * What rows are matched by: the key's value under the column's collation (a JSON array for a
 * composite key), or for a single integer key up to 15 digits the number itself — a Map of numbers
 * holds no key strings: ~half the memory for the 10,000,000 keys of a large sync (issue 7).
 */
export type RowKey = string | number;

/** A key column and the collation its text is compared under (undefined: exactly). */
interface KeyPart {
  readonly index: number;
  readonly collation: string | undefined;
}

/**
 * Key columns whose text compares under a collation: character columns only. ENUM and SET values
 * are canonical member spellings and binary values bytes, so they compare exactly.
 */
function keyParts(columns: readonly TargetColumn[]): KeyPart[] {
  return columns.flatMap((column, index) => (column.isKey ? [{ index, collation: comparesUnderCollation(column) ? column.collation : undefined }] : []));
}

/** Whether a key column's key is its text under its collation (a collation key), not the text itself. */
export function comparesUnderCollation(column: TargetColumn): boolean {
  return column.collation !== undefined && COLLATED_KEY_FAMILIES.has(column.type.family);
}

const COLLATED_KEY_FAMILIES: ReadonlySet<string> = new Set(['char', 'varchar', 'text']);

/**
 * Builds the key under which the database considers rows the same. `keys` computes collation keys
 * (the server's, during a plan); call `keyRequests` and `keys.prepare` for a batch of rows first.
 */
export function makeKeyOf(columns: readonly TargetColumn[], keys: CollationKeys = approximateCollations.reader()): (row: Row) => RowKey {
  const parts = keyParts(columns);
  const textKey = (value: string | null, collation: string | undefined): string | null => (value === null || collation === undefined ? value : keys.key(value, collation));
  // A key is kept for as long as the plan runs (key indexes): text of its own, not a slice of a
  // source's chunk (ownText). A composite key is a new string (JSON) anyway.
  if (parts.length === 1) {
    const [{ index, collation }] = parts as [KeyPart];
    if (columns[index]!.type.family === 'integer') return (row) => integerKey(row[index] ?? null) ?? ownText(row[index] ?? '');
    return (row) => ownText(textKey(row[index] ?? null, collation) ?? '');
  }
  return (row) => JSON.stringify(parts.map(({ index, collation }) => textKey(row[index] ?? null, collation)));
}

/** What `CollationKeys.prepare` needs for these rows' keys: per collation, the key texts. */
export function keyRequests(columns: readonly TargetColumn[], rows: Iterable<Row>): Map<string, string[]> {
  const requests = new Map<string, string[]>();
  const parts = keyParts(columns).filter((part) => part.collation !== undefined);
  if (parts.length === 0) return requests;
  for (const row of rows) {
    for (const { index, collation } of parts) {
      const value = row[index];
      if (value === null || value === undefined) continue;
      let texts = requests.get(collation!);
      if (!texts) requests.set(collation!, (texts = []));
      texts.push(value);
    }
  }
  return requests;
}

/**
 * The key columns, in key order, when every one is an integer here and in the table (so its text
 * is its digits in every database): then a partition's rows can be chosen in SQL (model/partition.ts).
 */
export function integerKeyColumns(columns: readonly TargetColumn[]): string[] | undefined {
  const keys = columns.filter((column) => column.isKey);
  const integer = (column: TargetColumn) => column.type.family === 'integer' && (!column.live?.type || column.live.type.family === 'integer');
  return keys.length > 0 && keys.every(integer) ? keys.map((column) => column.name) : undefined;
}

/** Key columns whose text compares under a collation, with it. */
export function collatedKeyColumns(columns: readonly TargetColumn[]): { readonly name: string; readonly collation: string }[] {
  return keyParts(columns).flatMap(({ index, collation }) => (collation === undefined ? [] : [{ name: columns[index]!.name, collation }]));
}

/** Whether any key column compares under a collation (rows must be prepared before keying). */
export function hasCollatedKey(columns: readonly TargetColumn[]): boolean {
  return keyParts(columns).some((part) => part.collation !== undefined);
}

/**
 * The number an integer's canonical text names, when that is exact (at most 15 digits, no leading
 * zero, no "-0"): so every value has one key, a number or else its text, never both.
 */
function integerKey(text: string | null): number | undefined {
  if (text === null || text.length === 0 || text.length > 16) return undefined;
  const negative = text.charCodeAt(0) === 45;
  const first = negative ? 1 : 0;
  const digits = text.length - first;
  if (digits === 0 || digits > 15 || (text.charCodeAt(first) === 48 && (digits > 1 || negative))) return undefined;
  for (let index = first; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return undefined;
  }
  return Number(text);
}

/** The row's key values, NULL for every other column: what duplicate detection keeps of a row. */
export function keyValuesOnly(columns: readonly TargetColumn[], values: Row): Row {
  return values.map((value, index) => (columns[index]!.isKey && value !== null ? ownText(value) : null));
}
