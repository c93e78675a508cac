/** SQL text pieces both writers share (pure): column lists, value literals, ODKU assignments. */
import { hexOf } from '../model/byte-string.js';
import { quoteId } from '../model/identifiers.js';
import type { TypeFamily } from '../model/column-type.js';
import type { Row } from '../model/row.js';
import type { TargetColumn } from '../mapping/target-columns.js';

export type Literal = (value: string) => string;

/**
 * How each column's canonical value is written as SQL, so that the server compares it with the
 * stored value exactly — in `k IN (…)` and `(k1, k2) IN ((…), …)` too, where a string constant
 * against a number column is compared as a double once the server scans rather than seeks (issue
 * 11: deleting 500 DECIMAL or BIGINT keys deleted their neighbours as well):
 * - BIT takes a quoted string as raw bytes, so its canonical value (decimal digits) goes unquoted;
 * - integers and decimals go unquoted, exact numeric literals compared as integers or decimals;
 * - FLOAT goes as the double the float32 is (a float is compared as a double, and its shortest
 *   float32 text '1.1' names another double than the stored 1.100000023841858);
 * - BINARY, VARBINARY and BLOB go as their bytes, X'…' (a string literal would be sent as the
 *   connection's UTF-8: each byte >= 0x80 of the byte string as two);
 * - everything else (DOUBLE's shortest text included: compared as a double, it is exact) is a
 *   string literal.
 */
export function literalsFor(columns: readonly TargetColumn[]): Literal[] {
  return columns.map((column) => literalFor(column.type.family));
}

function literalFor(family: TypeFamily): Literal {
  switch (family) {
    case 'bit':
    case 'integer':
    case 'decimal':
      return numberLiteral;
    case 'float':
      return floatLiteral;
    case 'binary':
    case 'blob':
      return bytesLiteral;
    default:
      return stringLiteral;
  }
}

/** Canonical integer and decimal text: only this goes unquoted (anything else stays a string). */
const EXACT_NUMBER = /^-?\d+(?:\.\d+)?$/;

function numberLiteral(value: string): string {
  return EXACT_NUMBER.test(value) ? value : stringLiteral(value);
}

/** The float32's exact value as the shortest text of that double (a float32 widens exactly). */
export function floatLiteral(value: string): string {
  const single = Math.fround(Number(value));
  return Number.isFinite(single) ? `'${String(single)}'` : stringLiteral(value);
}

/** A byte string (model/byte-string.ts) as a hexadecimal literal. */
export function bytesLiteral(value: string): string {
  return `X'${hexOf(value)}'`;
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
