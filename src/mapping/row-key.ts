/**
 * Row keys: the value under which the database considers two rows the same (pure). Used where
 * source rows are checked for duplicates (mapping) and where they are matched with destination
 * rows (the differ), so both agree on what "the same key" means.
 */
import type { Row } from '../model/row.js';
import { collationKey } from './collation.js';
import type { TargetColumn } from './target-columns.js';

/**
 * What rows are matched by: the key's value under the column's collation (a JSON array for a
 * composite key), or for a single integer key up to 15 digits the number itself — a Map of numbers
 * holds no key strings: ~half the memory for the 10,000,000 keys of a large sync (issue 7).
 */
export type RowKey = string | number;

/** Builds the key under which the database considers rows the same. */
export function makeKeyOf(columns: readonly TargetColumn[]): (row: Row) => RowKey {
  const keys = columns.flatMap((column, index) => (column.isKey ? [{ index, collation: column.collation }] : []));
  if (keys.length === 1) {
    const [{ index, collation }] = keys as [{ index: number; collation: string | undefined }];
    if (columns[index]!.type.family === 'integer') return (row) => integerKey(row[index] ?? null) ?? collationKey(row[index] ?? null, collation) ?? '';
    return (row) => collationKey(row[index] ?? null, collation) ?? '';
  }
  return (row) => JSON.stringify(keys.map(({ index, collation }) => collationKey(row[index] ?? null, collation)));
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
  return values.map((value, index) => (columns[index]!.isKey ? value : null));
}
