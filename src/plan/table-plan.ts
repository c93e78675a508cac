/**
 * One plan per destination table (pure). Syncs that write the same table (audiences, scopes) are
 * planned one by one, each against the table as it is; this merges their schema needs into one
 * change — one CREATE TABLE with every column any of them maps, or one ADD COLUMN list — carried
 * by the table's first sync, so apply runs it once and the other syncs find the table made.
 * Row operations stay each sync's own.
 */
import type { Diagnostic } from '../model/diagnostic.js';
import type { SyncPlan, TablePlan } from './plan.js';
import { columnKey, type ColumnDefinition, type SchemaChange } from './schema-change.js';
import { schemaPlanOf } from './schema-diff.js';

export interface SyncTarget {
  readonly name: string;
  readonly destination: string;
  readonly table: string;
}

/** MySQL table names compare case-insensitively here (lower_case_table_names on macOS, Windows, PlanetScale). */
export const tableKey = (target: Pick<SyncTarget, 'destination' | 'table'>): string => `${target.destination}\u0000${target.table.toLowerCase()}`;

/** Groups items by destination table, in the order each table first appears. */
export function groupByTable<T extends Pick<SyncTarget, 'destination' | 'table'>>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = tableKey(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

export interface TablePlans {
  /** The syncs, grouped by table (apply order), the first of each group carrying the merged DDL. */
  readonly syncs: readonly SyncPlan[];
  readonly tables: readonly TablePlan[];
}

/** `manifestSyncs` are all the manifest's syncs, to name those a partial plan leaves out. */
export function planTables(planned: readonly SyncPlan[], manifestSyncs: readonly SyncTarget[]): TablePlans {
  const syncs: SyncPlan[] = [];
  const tables: TablePlan[] = [];
  for (const group of groupByTable(planned)) {
    const merged = group.length > 1 ? mergeSchemas(group) : group;
    syncs.push(...merged);
    const names = new Set(group.map((sync) => sync.name));
    tables.push({
      destination: group[0]!.destination,
      table: group[0]!.table,
      syncs: group.map((sync) => sync.name),
      ddl: merged.flatMap((sync) => sync.schema.ddl),
      notPlanned: manifestSyncs.filter((sync) => tableKey(sync) === tableKey(group[0]!) && !names.has(sync.name)).map((sync) => sync.name),
    });
  }
  return { syncs, tables };
}

function mergeSchemas(group: readonly SyncPlan[]): SyncPlan[] {
  const changes = group.flatMap((sync) => (sync.schema.change ? [{ sync: sync.name, change: sync.schema.change }] : []));
  const conflicts: Diagnostic[] = [];
  const columns = new Map<string, { column: ColumnDefinition; sync: string }>();
  for (const { sync, change } of changes) {
    for (const column of change.columns) {
      const seen = columns.get(columnKey(column.name));
      if (!seen) columns.set(columnKey(column.name), { column, sync });
      else if (seen.column.definition.toLowerCase() !== column.definition.toLowerCase()) {
        conflicts.push({
          code: 'PSSYNC_E_SHARED_TABLE',
          severity: 'error',
          sync,
          message: `syncs "${seen.sync}" and "${sync}" share table \`${group[0]!.table}\` but define column \`${column.name}\` differently (${seen.column.definition} and ${column.definition}); declare the same type in both`,
        });
      }
    }
  }
  // A table absent when planned is created, even if another sync saw it (a race): CREATE wins.
  const first = changes.find(({ change }) => change.kind === 'create_table')?.change ?? changes[0]?.change;
  const all = [...columns.values()].map(({ column }) => column);
  const change: SchemaChange | undefined = !first ? undefined : first.kind === 'create_table' ? { ...first, columns: all } : { ...first, columns: all };
  return group.map((sync, index) => {
    const mine = conflicts.filter((diagnostic) => diagnostic.sync === sync.name);
    const schema = index === 0 ? schemaPlanOf(change, sync.schema.diagnostics) : schemaPlanOf(undefined, sync.schema.diagnostics);
    return { ...sync, schema, diagnostics: [...sync.diagnostics, ...mine] };
  });
}
