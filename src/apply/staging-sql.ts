/**
 * SQL of the staging writer (pure), portable across MySQL 8.0, MariaDB 10.11 and Vitess: added
 * rows INSERT … SELECT, changed rows UPDATE … JOIN, removed rows DELETE … JOIN, each by `_pk` range.
 * A changed row is never sent as an INSERT (… ON DUPLICATE KEY UPDATE): a table with a NOT NULL
 * column the sync does not map would refuse it (1364) although the row exists.
 */
import { quoteId } from '../model/identifiers.js';
import { columnList, valueList, type Literal } from './sql-text.js';
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
 * Added rows: INSERT … SELECT. A row that appeared since the plan is a duplicate key error, never
 * overwritten.
 */
export function mergeInsertSql(table: string, staging: string, columns: readonly TargetColumn[]): string {
  return `INSERT INTO ${quoteId(table)} (${columnList(columns)}) SELECT ${columnList(columns, 's.')} FROM ${quoteId(staging)} s WHERE ${rangeFilter}`;
}

function keyJoin(columns: readonly TargetColumn[]): string {
  return columns
    .filter((column) => column.isKey)
    .map((column) => `t.${quoteId(column.name)} = s.${quoteId(column.name)}`)
    .join(' AND ');
}

/** Changed rows, in every mode: UPDATE … INNER JOIN. */
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

/** How many of a `_pk` range's staged rows the table holds (`?`, `?`: the range). */
export function mergePresentSql(table: string, staging: string, columns: readonly TargetColumn[]): string {
  return `SELECT COUNT(*) FROM ${quoteId(table)} t INNER JOIN ${quoteId(staging)} s ON ${keyJoin(columns)} WHERE ${rangeFilter}`;
}

/**
 * Keys of a `_pk` range's staged rows: those the table lacks (`missing`), else the first ones; at
 * most `limit` (`?`, `?`: the range).
 */
export function stagedKeysSql(table: string, staging: string, columns: readonly TargetColumn[], missing: boolean, limit: number): string {
  const keys = columns.filter((column) => column.isKey);
  const absent = missing ? ` AND t.${quoteId(keys[0]!.name)} IS NULL` : '';
  return `SELECT ${columnList(keys, 's.')} FROM ${quoteId(staging)} s LEFT JOIN ${quoteId(table)} t ON ${keyJoin(columns)} WHERE ${rangeFilter}${absent} ORDER BY s.\`_pk\` LIMIT ${limit}`;
}
