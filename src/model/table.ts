/** A destination table as the database describes it (from information_schema). */
import type { ColumnType } from './column-type.js';
import { columnNameKey } from './identifiers.js';

export interface LiveColumn {
  readonly name: string;
  /** COLUMN_TYPE exactly as the server reports it, e.g. `int(11)` or `varchar(64)`. */
  readonly columnType: string;
  /** Parsed; undefined for types pssync does not know (geometry, vector…), compared as text. */
  readonly type?: ColumnType;
  readonly nullable: boolean;
  readonly collation?: string;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly LiveColumn[];
  /** Primary key column names in index order; empty when the table has none. */
  readonly primaryKey: readonly string[];
}

export function findColumn(table: TableSpec, name: string): LiveColumn | undefined {
  const key = columnNameKey(name);
  // Column names are case-insensitive in MySQL (by its own case table: see columnNameKey).
  return table.columns.find((column) => columnNameKey(column.name) === key);
}
