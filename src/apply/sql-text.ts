/** SQL text pieces both writers share (pure): column lists, value literals, ODKU assignments. */
import { quoteId } from '../model/identifiers.js';
import type { Row } from '../model/row.js';
import type { TargetColumn } from '../mapping/target-columns.js';

export type Literal = (value: string) => string;

/**
 * How each column's canonical value is written as SQL. BIT takes a quoted string as raw bytes, so
 * its canonical value (decimal digits only) goes unquoted; everything else is a string literal.
 */
export function literalsFor(columns: readonly TargetColumn[]): Literal[] {
  return columns.map((column) => (column.type.family === 'bit' ? (value: string) => value : stringLiteral));
}

/** Characters a single-quoted literal must escape: the quote and the backslash; NUL and Ctrl-Z for safety. */
const NEEDS_ESCAPE = /[\0\x1a'\\]/;

/**
 * A single-quoted SQL string literal, with backslash escapes (connections run without
 * NO_BACKSLASH_ESCAPES; see db/connection.ts). The server reads back exactly `value`, as with
 * mysql2's escape — which also escapes `"`, tabs and newlines that need no escaping inside '…',
 * and walks every JSON value character by character for its `"`s (issue 7: the hot path).
 */
export function stringLiteral(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `'${value}'`;
  let text = "'";
  let start = 0;
  for (let index = 0; index < value.length; index += 1) {
    let escaped: string;
    switch (value.charCodeAt(index)) {
      case 0:
        escaped = '\\0';
        break;
      case 26:
        escaped = '\\Z';
        break;
      case 39:
        escaped = "\\'";
        break;
      case 92:
        escaped = '\\\\';
        break;
      default:
        continue;
    }
    text += value.slice(start, index) + escaped;
    start = index + 1;
  }
  return `${text}${value.slice(start)}'`;
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
