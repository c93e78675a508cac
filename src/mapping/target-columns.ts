/**
 * The columns a sync writes, resolved against the live table (pure). Each column knows its
 * effective type: the live type when the column exists (that is what the database stores), else
 * the declared type, else TEXT (VARCHAR(255) for key columns).
 */
import type { Dialect } from '../dialect/dialect.js';
export { AUDIENCE_COLUMN } from '../manifest/types.js';
import { AUDIENCE_COLUMN, type FieldMapping, type SyncConfig, type TransformName } from '../manifest/types.js';
import { type ColumnType, defaultColumnType, isCharacterFamily } from '../model/column-type.js';
import { findColumn, type LiveColumn, type TableSpec } from '../model/table.js';

export type ColumnOrigin =
  | { readonly kind: 'field'; readonly from: string; readonly transforms: readonly TransformName[] }
  | { readonly kind: 'constant'; readonly value: string };

export interface TargetColumn {
  readonly name: string;
  /** The type values are coerced to and compared in. */
  readonly type: ColumnType;
  readonly declared?: ColumnType;
  readonly live?: LiveColumn;
  readonly isKey: boolean;
  /** Collation deciding key equality (live column's, or the database default for new columns). */
  readonly collation?: string;
  readonly origin: ColumnOrigin;
}

/** Destination key columns: the primary key, or audience + member key. */
export function keyColumnsOf(sync: SyncConfig): readonly string[] {
  return sync.kind === 'table' ? sync.primaryKey : [AUDIENCE_COLUMN, ...sync.memberKey];
}

/** Constant columns: scope, and the audience name for audience syncs. */
export function constantColumnsOf(sync: SyncConfig): ReadonlyArray<{ column: string; value: string }> {
  return sync.kind === 'audience' ? [{ column: AUDIENCE_COLUMN, value: sync.audience }, ...sync.scope] : sync.scope;
}

/** Fields of a sync: the declared mapping, or every source field under its own name. */
export function fieldMappingsOf(sync: SyncConfig, sourceFields: readonly string[]): readonly FieldMapping[] {
  if (sync.fields) return sync.fields;
  const constants = new Set(constantColumnsOf(sync).map(({ column }) => column.toLowerCase()));
  return sourceFields
    .filter((field) => !constants.has(field.toLowerCase()))
    .map((field) => ({ from: field, to: field, transforms: [], position: sync.position }));
}

export function resolveTargetColumns(
  sync: SyncConfig,
  fields: readonly FieldMapping[],
  live: TableSpec | undefined,
  dialect: Dialect,
  defaultCollation: string | undefined,
): TargetColumn[] {
  const keys = new Set(keyColumnsOf(sync).map((name) => name.toLowerCase()));
  const column = (name: string, origin: ColumnOrigin, declared: ColumnType | undefined): TargetColumn => {
    const isKey = keys.has(name.toLowerCase());
    const liveColumn = live ? findColumn(live, name) : undefined;
    const type = effectiveType(declared, liveColumn, isKey, dialect);
    const collation = liveColumn ? liveColumn.collation : isCharacterFamily(type.family) ? defaultCollation : undefined;
    return {
      name: liveColumn?.name ?? name,
      type,
      ...(declared ? { declared } : {}),
      ...(liveColumn ? { live: liveColumn } : {}),
      isKey,
      ...(collation ? { collation } : {}),
      origin,
    };
  };
  return [
    ...constantColumnsOf(sync).map(({ column: name, value }) => column(name, { kind: 'constant', value }, undefined)),
    ...fields.map((field) =>
      column(field.to, { kind: 'field', from: field.from, transforms: field.transforms }, field.type),
    ),
  ];
}

function effectiveType(
  declared: ColumnType | undefined,
  live: LiveColumn | undefined,
  isKey: boolean,
  dialect: Dialect,
): ColumnType {
  if (live?.type) return declared && dialect.sameType(declared, live.type) ? declared : live.type;
  return declared ?? defaultColumnType(isKey);
}
