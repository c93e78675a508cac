/**
 * SQL of the direct writer (pure): DML only, for destinations that refuse DDL (PlanetScale safe
 * migrations) — multi-row INSERT … ON DUPLICATE KEY UPDATE and key-list DELETE.
 */
import { quoteId } from '../model/identifiers.js';
import type { Row } from '../model/row.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import { columnList, onDuplicateKeyUpdate, valueList, type Literal } from './sql-text.js';

export function directInsertPrefix(table: string, columns: readonly TargetColumn[]): string {
  return `INSERT INTO ${quoteId(table)} (${columnList(columns)}) VALUES `;
}

export function directInsertSuffix(table: string, columns: readonly TargetColumn[], overwrite: boolean): string {
  return onDuplicateKeyUpdate(table, columns, overwrite);
}

export function rowTuple(row: Row, literals: readonly Literal[]): string {
  return `(${valueList(row, literals)})`;
}

/** `DELETE FROM t WHERE (k1, k2) IN (` — the tuples of key values follow, then `)`. */
export function directDeletePrefix(table: string, columns: readonly TargetColumn[]): string {
  const keys = columns.filter((column) => column.isKey);
  const target = keys.length === 1 ? quoteId(keys[0]!.name) : `(${columnList(keys)})`;
  return `DELETE FROM ${quoteId(table)} WHERE ${target} IN (`;
}

/** The key part of a row, as a delete-list item. */
export function keyTuple(row: Row, columns: readonly TargetColumn[], literals: readonly Literal[]): string {
  const keyValues: (string | null)[] = [];
  const keyLiterals: Literal[] = [];
  columns.forEach((column, index) => {
    if (!column.isKey) return;
    keyValues.push(row[index] ?? null);
    keyLiterals.push(literals[index]!);
  });
  const list = valueList(keyValues, keyLiterals);
  return keyValues.length === 1 ? list : `(${list})`;
}
