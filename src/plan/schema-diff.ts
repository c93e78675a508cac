/**
 * Schema planning (pure): CREATE TABLE for a missing table, one ALTER TABLE … ADD COLUMN for
 * missing columns, warnings for declared-versus-live type differences, and the refusals that
 * must stop a sync before anything runs. Never drops or retypes a column.
 */
import type { Dialect } from '../dialect/dialect.js';
import type { SyncConfig } from '../manifest/types.js';
import { atSync, type Diagnostic } from '../model/diagnostic.js';
import { findColumn, type TableSpec } from '../model/table.js';
import { ddlTypeSql } from '../model/column-type.js';
import { keyColumnsOf, type TargetColumn } from '../mapping/target-columns.js';
import { schemaChangeSql, type ColumnDefinition, type SchemaChange } from './schema-change.js';

export interface SchemaPlan {
  /** The change, when there is one; `ddl` is its SQL (what reviewers read and the JSON plan shows). */
  readonly change?: SchemaChange;
  readonly ddl: readonly string[];
  readonly createsTable: boolean;
  readonly addedColumns: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Modes that match destination rows by primary key and so need the table's key to be the declared one. */
const KEY_MATCHING_MODES = new Set(['update', 'upsert', 'mirror', 'remove', 'add']);

export function columnDefinition(column: TargetColumn): ColumnDefinition {
  return { name: column.name, definition: `${ddlTypeSql(column.type)}${column.isKey ? ' NOT NULL' : ''}` };
}

export function createTableSql(table: string, columns: readonly TargetColumn[], keys: readonly string[]): string {
  return schemaChangeSql({ kind: 'create_table', table, columns: columns.map(columnDefinition), primaryKey: keys });
}

/** A schema plan made of one change (or none). */
export function schemaPlanOf(change: SchemaChange | undefined, diagnostics: readonly Diagnostic[] = []): SchemaPlan {
  if (!change) return { ddl: [], createsTable: false, addedColumns: [], diagnostics };
  return {
    change,
    ddl: [schemaChangeSql(change)],
    createsTable: change.kind === 'create_table',
    addedColumns: change.columns.map((column) => column.name),
    diagnostics,
  };
}

export function planSchema(
  sync: SyncConfig,
  columns: readonly TargetColumn[],
  live: TableSpec | undefined,
  dialect: Dialect,
): SchemaPlan {
  const where = atSync(sync);
  // The primary key in the declared order (it decides the index), spelled as the columns are.
  const keyNames = keyColumnsOf(sync).map(
    (key) => columns.find((column) => column.name.toLowerCase() === key.toLowerCase())?.name ?? key,
  );
  if (!live) {
    return schemaPlanOf({ kind: 'create_table', table: sync.table, columns: columns.map(columnDefinition), primaryKey: keyNames });
  }

  const diagnostics: Diagnostic[] = [];
  const declaredKeys = keyColumnsOf(sync);
  for (const key of declaredKeys) {
    if (!findColumn(live, key)) {
      diagnostics.push({
        ...where,
        code: 'PSSYNC_E_PRIMARY_KEY',
        severity: 'error',
        message: `key column \`${key}\` does not exist in table \`${live.name}\`; pssync cannot add a primary key column to an existing table`,
      });
    }
  }
  if (KEY_MATCHING_MODES.has(sync.mode) && !sameKey(declaredKeys, live.primaryKey)) {
    const actual = live.primaryKey.length ? `(${live.primaryKey.join(', ')})` : 'no primary key';
    diagnostics.push({
      ...where,
      code: 'PSSYNC_E_PRIMARY_KEY',
      severity: 'error',
      message: `mode ${sync.mode} matches rows by primary key (${declaredKeys.join(', ')}), but table \`${live.name}\` has ${actual}`,
    });
  }

  const missing = columns.filter((column) => !column.live);
  for (const column of columns) {
    const liveType = column.live?.type;
    if (column.declared && column.live && (!liveType || !dialect.sameType(column.declared, liveType))) {
      diagnostics.push({
        ...where,
        code: 'PSSYNC_W_TYPE_MISMATCH',
        severity: 'warning',
        message: `column \`${column.name}\` is declared ${column.declared.sql} but is ${column.live.columnType} in the database; pssync never retypes a column and writes values as ${column.live.columnType}`,
      });
    }
  }
  const change = missing.length ? { kind: 'add_columns' as const, table: live.name, columns: missing.map(columnDefinition) } : undefined;
  return schemaPlanOf(change, diagnostics);
}

function sameKey(declared: readonly string[], live: readonly string[]): boolean {
  const normalise = (names: readonly string[]) => names.map((name) => name.toLowerCase()).sort().join('\u0000');
  return declared.length === live.length && normalise(declared) === normalise(live);
}
