/** SQL text pieces both writers share (pure): column lists, value literals, ODKU assignments. */
import { escapeValue, quoteId } from '../db/connection.js';
import type { Row } from '../model/row.js';
import type { TargetColumn } from '../plan/target.js';

export type Literal = (value: string) => string;

/**
 * How each column's canonical value is written as SQL. BIT takes a quoted string as raw bytes, so
 * its canonical value (decimal digits only) goes unquoted; everything else is an escaped string.
 */
export function literalsFor(columns: readonly TargetColumn[]): Literal[] {
  return columns.map((column) => (column.type.family === 'bit' ? (value: string) => value : escapeValue));
}

/** `a,b,NULL` for one row. */
export function valueList(row: Row, literals: readonly Literal[]): string {
  let text = '';
  for (let index = 0; index < row.length; index += 1) {
    const value = row[index];
    if (index > 0) text += ',';
    text += value === null || value === undefined ? 'NULL' : literals[index]!(value);
  }
  return text;
}

export const columnList = (columns: readonly TargetColumn[], prefix = '') =>
  columns.map((column) => `${prefix}${quoteId(column.name)}`).join(', ');

/**
 * ` ON DUPLICATE KEY UPDATE …` with the portable `VALUES(col)` form (MariaDB has no `AS new` alias).
 * `overwrite` false keeps existing rows as they are (insert mode: skip rows that appeared meanwhile).
 */
export function onDuplicateKeyUpdate(table: string, columns: readonly TargetColumn[], overwrite: boolean): string {
  const values = columns.filter((column) => !column.isKey);
  if (!overwrite || values.length === 0) {
    // Assigning a key column to itself changes nothing and keeps the statement valid; qualified,
    // because in INSERT … SELECT a bare name is ambiguous with the selected column.
    const key = quoteId((columns.find((column) => column.isKey) ?? columns[0]!).name);
    return ` ON DUPLICATE KEY UPDATE ${quoteId(table)}.${key} = ${quoteId(table)}.${key}`;
  }
  return ` ON DUPLICATE KEY UPDATE ${values.map((column) => `${quoteId(column.name)} = VALUES(${quoteId(column.name)})`).join(', ')}`;
}
