/**
 * SQL of the staging writer (pure). Portable across MySQL 8.0, MariaDB 10.11 and Vitess:
 * `VALUES(col)` rather than the MySQL-only `AS new` row alias.
 */
import { escapeValue, quoteId } from '../db/connection.js';
import type { Row } from '../model/row.js';
import type { TargetColumn } from '../plan/target.js';

export type DiffOp = 'added' | 'changed' | 'removed';

const COLLATED_FAMILIES = new Set(['char', 'varchar', 'text', 'enum', 'set']);

function stagingColumn(column: TargetColumn): string {
  const collation = column.collation && COLLATED_FAMILIES.has(column.type.family) ? ` COLLATE ${column.collation}` : '';
  return `${quoteId(column.name)} ${column.type.sql.toUpperCase()}${collation} NULL`;
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

export type Literal = (value: string) => string;

/**
 * How each column's canonical value is written as SQL. BIT takes a quoted string as raw bytes, so
 * its canonical value (decimal digits only) goes unquoted; everything else is an escaped string.
 */
export function literalsFor(columns: readonly TargetColumn[]): Literal[] {
  return columns.map((column) => (column.type.family === 'bit' ? (value: string) => value : escapeValue));
}

/** One `(…)` tuple of a staging insert. */
export function stagingTuple(pk: number, op: DiffOp, row: Row, literals: readonly Literal[]): string {
  let tuple = `(${pk},'${op}'`;
  for (let index = 0; index < row.length; index += 1) {
    const value = row[index];
    tuple += value === null || value === undefined ? ',NULL' : `,${literals[index]!(value)}`;
  }
  return `${tuple})`;
}

const columnList = (columns: readonly TargetColumn[], prefix = '') =>
  columns.map((column) => `${prefix}${quoteId(column.name)}`).join(', ');

const rangeFilter = 's.`_pk` BETWEEN ? AND ?';

/** Added (and, for upsert/mirror, changed) rows: INSERT … SELECT, optionally ON DUPLICATE KEY UPDATE. */
export function mergeInsertSql(table: string, staging: string, columns: readonly TargetColumn[], upsert: boolean): string {
  const insert = `INSERT INTO ${quoteId(table)} (${columnList(columns)}) SELECT ${columnList(columns, 's.')} FROM ${quoteId(staging)} s WHERE ${rangeFilter}`;
  if (!upsert) return insert;
  const values = columns.filter((column) => !column.isKey);
  // With key columns only there is nothing to update; assigning a key to itself keeps the statement valid.
  const assignments = (values.length ? values : columns.slice(0, 1)).map(
    (column) => `${quoteId(column.name)} = ${column.isKey ? quoteId(column.name) : `VALUES(${quoteId(column.name)})`}`,
  );
  return `${insert} ON DUPLICATE KEY UPDATE ${assignments.join(', ')}`;
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
