/**
 * SQL of the staging writer (pure). Portable across MySQL 8.0, MariaDB 10.11 and Vitess:
 * `VALUES(col)` rather than the MySQL-only `AS new` row alias.
 */
import { quoteId } from '../model/identifiers.js';
import { columnList, onDuplicateKeyUpdate, valueList, type Literal } from './sql-text.js';
import type { Row } from '../model/row.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import { ddlTypeSql, isCharacterFamily } from '../model/column-type.js';

export type DiffOp = 'added' | 'changed' | 'removed';

function stagingColumn(column: TargetColumn): string {
  const collation = column.collation && isCharacterFamily(column.type.family) ? ` COLLATE ${column.collation}` : '';
  return `${quoteId(column.name)} ${ddlTypeSql(column.type)}${collation} NULL`;
}

/** The staging table: the run's rows with `_pk` (row number, for chunked merges) and `_diff_op`. */
export function createStagingSql(name: string, columns: readonly TargetColumn[]): string {
  const definitions = [
    '`_pk` BIGINT NOT NULL',
    "`_diff_op` ENUM('added','changed','removed') NOT NULL",
    ...columns.map(stagingColumn),
    'PRIMARY KEY (`_pk`)',
  ];
  return `CREATE TABLE ${quoteId(name)} (\n  ${definitions.join(',\n  ')}\n)`;
}

export function dropTableSql(name: string): string {
  return `DROP TABLE IF EXISTS ${quoteId(name)}`;
}

export function stagingInsertPrefix(name: string, columns: readonly TargetColumn[]): string {
  return `INSERT INTO ${quoteId(name)} (\`_pk\`, \`_diff_op\`, ${columns.map((column) => quoteId(column.name)).join(', ')}) VALUES `;
}

/**
 * Ends every staging INSERT: a row already there (same `_pk`, same values: the run's rows are fixed)
 * is left alone. Sending a staging INSERT again after its connection died mid-way — it may have
 * committed — therefore neither duplicates a row nor fails. Unlike INSERT IGNORE, a bad value still
 * fails the statement instead of becoming a warning.
 */
export const STAGING_INSERT_SUFFIX = ' ON DUPLICATE KEY UPDATE `_pk` = `_pk`';

export { literalsFor, type Literal } from './sql-text.js';

/** One `(…)` tuple of a staging insert. */
export function stagingTuple(pk: number, op: DiffOp, row: Row, literals: readonly Literal[]): string {
  return `(${pk},'${op}',${valueList(row, literals)})`;
}

const rangeFilter = 's.`_pk` BETWEEN ? AND ?';

/**
 * Added (and, for upsert/mirror, changed) rows: INSERT … SELECT … ON DUPLICATE KEY UPDATE.
 * `overwrite` false (insert/add modes) leaves a row that appeared since the plan untouched.
 */
export function mergeInsertSql(table: string, staging: string, columns: readonly TargetColumn[], overwrite: boolean): string {
  return `INSERT INTO ${quoteId(table)} (${columnList(columns)}) SELECT ${columnList(columns, 's.')} FROM ${quoteId(staging)} s WHERE ${rangeFilter}${onDuplicateKeyUpdate(table, columns, overwrite)}`;
}

function keyJoin(columns: readonly TargetColumn[]): string {
  return columns
    .filter((column) => column.isKey)
    .map((column) => `t.${quoteId(column.name)} = s.${quoteId(column.name)}`)
    .join(' AND ');
}

/** Changed rows under update mode: UPDATE … INNER JOIN. */
export function mergeUpdateSql(table: string, staging: string, columns: readonly TargetColumn[]): string {
  const assignments = columns
    .filter((column) => !column.isKey)
    .map((column) => `t.${quoteId(column.name)} = s.${quoteId(column.name)}`);
  return `UPDATE ${quoteId(table)} t INNER JOIN ${quoteId(staging)} s ON ${keyJoin(columns)} SET ${assignments.join(', ')} WHERE ${rangeFilter}`;
}

/** Removed rows: DELETE … INNER JOIN. */
export function mergeDeleteSql(table: string, staging: string, columns: readonly TargetColumn[]): string {
  return `DELETE t FROM ${quoteId(table)} t INNER JOIN ${quoteId(staging)} s ON ${keyJoin(columns)} WHERE ${rangeFilter}`;
}
