/** Reads information_schema for the tables a plan touches. The only schema I/O in pssync. */
import type { Db } from '../db/connection.js';
import type { TableSpec } from '../model/table.js';
import { parseTableSpec } from './parse.js';

export const STAGING_PREFIX = '_pssync_stage_';

const COLUMNS_QUERY = `SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME, EXTRA, GENERATION_EXPRESSION, COLUMN_DEFAULT
  FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
  ORDER BY ORDINAL_POSITION`;

const PRIMARY_KEY_QUERY = `SELECT COLUMN_NAME
  FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'
  ORDER BY SEQ_IN_INDEX`;

/** Every unique index, the primary key included; COLUMN_NAME is NULL for a MySQL functional key part. */
const UNIQUE_KEYS_QUERY = `SELECT INDEX_NAME, COLUMN_NAME, SUB_PART
  FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 0
  ORDER BY INDEX_NAME, SEQ_IN_INDEX`;

/** MariaDB's JSON is LONGTEXT plus a `json_valid(col)` check; its CHECK_CONSTRAINTS has TABLE_NAME (MySQL's has not). */
const JSON_CHECKS_QUERY = `SELECT CHECK_CLAUSE
  FROM information_schema.CHECK_CONSTRAINTS
  WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CHECK_CLAUSE LIKE 'json\\_valid(%'`;

const TABLE_TYPE_QUERY = 'SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?';

export interface IntrospectOptions {
  /** The server stores JSON as LONGTEXT (dialect caps.jsonIsLongtext): find JSON columns by their check. */
  readonly jsonIsLongtext?: boolean;
}

export async function introspectTable(db: Db, table: string, options: IntrospectOptions = {}): Promise<TableSpec | undefined> {
  const columns = await db.query(COLUMNS_QUERY, [table]);
  if (columns.length === 0) return undefined;
  const primaryKey = await db.query(PRIMARY_KEY_QUERY, [table]);
  const jsonChecks = options.jsonIsLongtext ? await db.query(JSON_CHECKS_QUERY, [table]) : [];
  const uniqueKeys = await db.query(UNIQUE_KEYS_QUERY, [table]);
  const spec = parseTableSpec(table, columns, primaryKey, jsonChecks, uniqueKeys);
  // A view has no indexes, so only a relation without any unique key can be one: a keyed table costs no extra round trip.
  if (!spec || uniqueKeys.length > 0) return spec;
  const [kind] = await db.query(TABLE_TYPE_QUERY, [table]);
  return kind?.[0] === 'VIEW' ? { ...spec, view: true } : spec;
}

export async function countTables(db: Db): Promise<number> {
  const [row] = await db.query('SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  return Number(row?.[0] ?? 0);
}

/** Staging tables of earlier runs that did not clean up (killed process, lost connection). */
export async function listStagingTables(db: Db, tablePrefix = STAGING_PREFIX): Promise<string[]> {
  const pattern = tablePrefix.replace(/[\\_%]/g, (char) => `\\${char}`) + '%';
  const rows = await db.query(
    'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?',
    [pattern],
  );
  return rows.map(([name]) => name ?? '');
}

/** The server's estimate of a table's rows (information_schema; InnoDB's is approximate), if it gives one. */
export async function estimateRows(db: Db, table: string): Promise<number | undefined> {
  const [row] = await db.query('SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table]);
  const rows = row?.[0];
  return rows === null || rows === undefined ? undefined : Number(rows);
}
