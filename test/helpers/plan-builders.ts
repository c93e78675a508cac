/** Builders for plan/apply unit tests: syncs, field mappings and hand-made target columns. */
import { createRowMapper } from '../../src/mapping/map-row.js';
import type {
  AudienceMode,
  AudienceSyncConfig,
  FieldMapping,
  Position,
  ScopeColumn,
  TableMode,
  TableSyncConfig,
  TransformName,
} from '../../src/manifest/types.js';
import { parseColumnType, type ColumnType } from '../../src/model/column-type.js';
import type { DesiredRow } from '../../src/model/row.js';
import type { LiveColumn, TableSpec } from '../../src/model/table.js';
import { makeKeyOf, type RowKey } from '../../src/mapping/row-key.js';
import type { RowOps } from '../../src/plan/row-diff.js';
import { PlannedRowsBuilder, rowBatches, type PlannedRows } from '../../src/plan/planned-rows.js';
import type { Row } from '../../src/model/row.js';
import type { ColumnOrigin, TargetColumn } from '../../src/mapping/target-columns.js';

export const POSITION: Position = { file: '/work/pssync.yaml', line: 7, column: 3, path: 'syncs.test' };

export function type(sql: string): ColumnType {
  const parsed = parseColumnType(sql);
  if (parsed === undefined) throw new Error(`bad test type ${sql}`);
  return parsed;
}

export function field(from: string, to = from, sql?: string, transforms: readonly TransformName[] = []): FieldMapping {
  return { from, to, ...(sql ? { type: type(sql) } : {}), transforms, position: POSITION };
}

interface SyncOptions {
  readonly table?: string;
  readonly fields?: readonly FieldMapping[];
  readonly scope?: readonly ScopeColumn[];
}

export function tableSync(mode: TableMode, primaryKey: readonly string[], options: SyncOptions = {}): TableSyncConfig {
  return {
    kind: 'table',
    name: 'test_sync',
    source: 'src',
    destination: 'warehouse',
    table: options.table ?? 'customer_ltv',
    ...(options.fields ? { fields: options.fields } : {}),
    scope: options.scope ?? [],
    safety: {},
    maxRejectedRows: 0,
    strategy: 'auto',
    compare: 'auto',
    position: POSITION,
    mode,
    primaryKey,
  };
}

export function audienceSync(
  mode: AudienceMode,
  audience: string,
  memberKey: readonly string[],
  options: SyncOptions = {},
): AudienceSyncConfig {
  return {
    kind: 'audience',
    name: 'test_audience',
    source: 'src',
    destination: 'warehouse',
    table: options.table ?? 'audience_members',
    ...(options.fields ? { fields: options.fields } : {}),
    scope: options.scope ?? [],
    safety: {},
    maxRejectedRows: 0,
    strategy: 'auto',
    compare: 'auto',
    position: POSITION,
    mode,
    audience,
    memberKey,
  };
}

interface ColumnOptions {
  readonly key?: boolean;
  readonly collation?: string;
  /** Source field name (default: the column name). */
  readonly from?: string;
  readonly transforms?: readonly TransformName[];
  /** Makes the column a constant with this value. */
  readonly constant?: string;
  readonly live?: boolean;
}

/** A TargetColumn built by hand, as resolveTargetColumns would for a live column of that type. */
export function column(name: string, sql: string, options: ColumnOptions = {}): TargetColumn {
  const columnType = type(sql);
  const origin: ColumnOrigin =
    options.constant !== undefined
      ? { kind: 'constant', value: options.constant }
      : { kind: 'field', from: options.from ?? name, transforms: options.transforms ?? [] };
  const live: LiveColumn | undefined =
    options.live === false
      ? undefined
      : { name, columnType: sql, type: columnType, nullable: !options.key, ...(options.collation ? { collation: options.collation } : {}) };
  return {
    name,
    type: columnType,
    ...(live ? { live } : {}),
    isKey: options.key ?? false,
    ...(options.collation ? { collation: options.collation } : {}),
    origin,
  };
}

/** Desired rows as the planner gets them: source records mapped (and coerced) by createRowMapper, keyed by makeKeyOf. */
export function desiredRows(
  columns: readonly TargetColumn[],
  records: ReadonlyArray<Readonly<Record<string, unknown>>>,
): Map<RowKey, DesiredRow> {
  const mapRow = createRowMapper(columns);
  const keyOf = makeKeyOf(columns);
  const rows = new Map<RowKey, DesiredRow>();
  records.forEach((record, index) => {
    const mapped = mapRow(record);
    if (!mapped.ok) throw new Error(`test record ${index} does not map: ${JSON.stringify(mapped.problems)}`);
    const key = keyOf(mapped.values);
    if (rows.has(key)) throw new Error(`test record ${index} duplicates key ${key}`);
    rows.set(key, { values: mapped.values, line: index + 2 });
  });
  return rows;
}

/** A live table, as parseTableSpec would return it. */
export function liveTable(
  name: string,
  columns: ReadonlyArray<readonly [name: string, sql: string, collation?: string]>,
  primaryKey: readonly string[],
): TableSpec {
  return {
    name,
    columns: columns.map(([columnName, sql, collation]) => {
      const parsed = parseColumnType(sql);
      return {
        name: columnName,
        columnType: sql,
        ...(parsed ? { type: parsed } : {}),
        nullable: !primaryKey.includes(columnName),
        ...(collation ? { collation } : {}),
      };
    }),
    primaryKey,
  };
}

/** The operations' rows as arrays (all kept in memory at unit-test sizes). */
export function opRows(ops: RowOps): { inserts: readonly Row[]; updates: readonly Row[]; deletes: readonly Row[] } {
  const rows = (list: PlannedRows) => {
    if (list.kind !== 'kept') throw new Error('rows were spilled');
    return list.rows;
  };
  return { inserts: rows(ops.inserts), updates: rows(ops.updates), deletes: ops.deletes };
}

/** A kept list of these rows, in this order (as the differ builds one). */
export function keptRows(rows: readonly Row[]): PlannedRows {
  const builder = new PlannedRowsBuilder(undefined);
  rows.forEach((row, index) => builder.add(row, index));
  return builder.build();
}

export const NO_ROWS: PlannedRows = keptRows([]);

/** The rows as one array: kept rows as they are, spilled rows read back. */
export async function allRows(list: PlannedRows): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of rowBatches(list, 10_000)) rows.push(...batch);
  return rows;
}
