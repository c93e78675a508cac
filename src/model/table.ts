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
  /** A generated column (`AS (expr) VIRTUAL|STORED|PERSISTENT`): the server computes it, nobody writes it. */
  readonly generated?: { readonly expression: string };
  /** NOT NULL without a default, not generated, not AUTO_INCREMENT: every INSERT must give it a value. */
  readonly needsValueOnInsert?: true;
}

/** One part of an index: a column (or an expression: MySQL functional key parts), maybe a prefix of it. */
export interface IndexPart {
  /** Undefined for an expression. */
  readonly column?: string;
  /** SUB_PART: only the first `prefix` characters (bytes for binary columns) are indexed. */
  readonly prefix?: number;
}

export interface UniqueKey {
  readonly name: string;
  readonly parts: readonly IndexPart[];
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly LiveColumn[];
  /** Primary key column names in index order; empty when the table has none. */
  readonly primaryKey: readonly string[];
  /** The primary key's parts with their prefixes (absent when not introspected). */
  readonly primaryKeyParts?: readonly IndexPart[];
  /** Unique keys besides the primary key (information_schema.STATISTICS NON_UNIQUE = 0). */
  readonly uniqueKeys?: readonly UniqueKey[];
  /** A view by that name, not a base table: pssync does not write through views. */
  readonly view?: boolean;
}

export function findColumn(table: TableSpec, name: string): LiveColumn | undefined {
  const key = columnNameKey(name);
  // Column names are case-insensitive in MySQL (by its own case table: see columnNameKey).
  return table.columns.find((column) => columnNameKey(column.name) === key);
}
