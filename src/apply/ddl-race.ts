/**
 * "Duplicate column name" (1060) from an `ALTER TABLE … ADD COLUMN …` is benign only when another
 * writer added exactly these columns first (pure). Anything else — a column of that name with
 * another definition, a column among several that is still missing (ALTER TABLE is all or
 * nothing), a CREATE TABLE naming one column twice — is an error to report, not to swallow.
 */
import type { Dialect } from '../dialect/dialect.js';
import type { SchemaChange } from '../plan/schema-change.js';
import { parseColumnType } from '../model/column-type.js';
import { findColumn, type TableSpec } from '../model/table.js';

export interface AddedColumn {
  readonly name: string;
  /** The type as the DDL writes it, e.g. `VARCHAR(255)`. */
  readonly type: string;
  readonly notNull: boolean;
}

export interface AddColumns {
  readonly table: string;
  readonly columns: readonly AddedColumn[];
}

/** The columns an add_columns change adds, with type and nullability apart; undefined for CREATE TABLE. */
export function addedColumnsOf(change: SchemaChange): AddColumns | undefined {
  if (change.kind !== 'add_columns') return undefined;
  return columnsOf(change);
}

/**
 * A CREATE TABLE that found the table made by another writer — a sibling partitioned apply of the
 * same manifest (issue 15) — is benign when that table has every column planned, defined the same.
 */
export function createdTableMismatch(change: SchemaChange & { kind: 'create_table' }, live: TableSpec | undefined, dialect: Dialect): string | undefined {
  const mismatch = raceMismatch(columnsOf(change), live, dialect);
  if (mismatch) return mismatch;
  const planned = change.primaryKey.map((name) => name.toLowerCase()).join(', ');
  const found = live!.primaryKey.map((name) => name.toLowerCase()).join(', ');
  return planned === found ? undefined : `the table's primary key is (${found}), not (${planned}) as planned`;
}

function columnsOf(change: SchemaChange): AddColumns {
  const columns = change.columns.map(({ name, definition }) => {
    const notNull = definition.endsWith(' NOT NULL');
    return { name, type: notNull ? definition.slice(0, -' NOT NULL'.length) : definition, notNull };
  });
  return { table: change.table, columns };
}

export function raceMismatch(added: AddColumns, live: TableSpec | undefined, dialect: Dialect): string | undefined {
  if (!live) return `table \`${added.table}\` does not exist`;
  for (const column of added.columns) {
    const found = findColumn(live, column.name);
    const planned = `\`${column.name}\` ${column.type}${column.notNull ? ' NOT NULL' : ''}`;
    if (!found) return `column \`${column.name}\` is still missing (an ALTER TABLE adds all its columns or none)`;
    const plannedType = parseColumnType(column.type);
    const sameType = plannedType && found.type ? dialect.sameType(plannedType, found.type) : found.columnType.toLowerCase() === column.type.toLowerCase();
    if (!sameType || found.nullable === column.notNull) {
      return `the table has column \`${found.name}\` ${found.columnType}${found.nullable ? '' : ' NOT NULL'}, not ${planned} as planned (MySQL column names ignore case)`;
    }
  }
  return undefined;
}

