/**
 * The columns a sync writes, resolved against the live table (pure). Each column knows its
 * effective type: the live type when the column exists (that is what the database stores), else
 * the declared type, else TEXT (VARCHAR(255) for key columns).
 */
import type { Dialect } from '../dialect/dialect.js';
export { AUDIENCE_COLUMN } from '../manifest/types.js';
import { AUDIENCE_COLUMN, type FieldMapping, type Position, type ScopeColumn, type SyncConfig, type TransformName } from '../manifest/types.js';
import { type ColumnType, defaultColumnType, isCharacterFamily } from '../model/column-type.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { findColumn, type LiveColumn, type TableSpec } from '../model/table.js';
import { coerceValue } from './coerce.js';

export type ColumnOrigin =
  | { readonly kind: 'field'; readonly from: string; readonly transforms: readonly TransformName[] }
  | {
      readonly kind: 'constant';
      /**
       * Canonical for the column's type (what is written, and what reads and deletes filter by);
       * the value as given when it cannot be coerced (constantDiagnostics reports that).
       */
      readonly value: string;
      /** As written in the manifest, when that differs from `value`. */
      readonly given?: string;
      readonly position?: Position;
    };

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

/** Constant columns: scope, and the audience name for audience syncs (values as given). */
export function constantColumnsOf(sync: SyncConfig): readonly ScopeColumn[] {
  if (sync.kind !== 'audience') return sync.scope;
  const audience = { column: AUDIENCE_COLUMN, value: sync.audience, ...(sync.audiencePosition ? { position: sync.audiencePosition } : {}) };
  return [audience, ...sync.scope];
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
  // A constant is coerced once, here: the rows and every scope filter then use the same value.
  const constant = ({ column: name, value, position }: ScopeColumn): TargetColumn => {
    const resolved = column(name, { kind: 'constant', value }, undefined);
    const coerced = coerceValue(value, resolved.type);
    const canonical = coerced.ok && coerced.value !== null ? coerced.value : value;
    const origin = { kind: 'constant' as const, value: canonical, ...(canonical !== value ? { given: value } : {}), ...(position ? { position } : {}) };
    return { ...resolved, origin };
  };
  return [
    ...constantColumnsOf(sync).map(constant),
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
  const type = live?.type ? (declared && dialect.sameType(declared, live.type) ? declared : live.type) : (declared ?? defaultColumnType(isKey));
  return type.family === 'json' && dialect.caps.jsonIsLongtext ? { ...type, jsonText: true } : type;
}

/**
 * Constants the column cannot hold (`scope: { sc: x }` on an INT column, an audience name longer
 * than its VARCHAR): one error at the manifest key, not one per row. Otherwise the rows would be
 * refused one by one, and a filter on the raw text would match another scope's rows (`'x' = 0`).
 */
export function constantDiagnostics(sync: SyncConfig, columns: readonly TargetColumn[]): Diagnostic[] {
  return constantColumnsOf(sync).flatMap(({ column: name, value, position }, index): Diagnostic[] => {
    const column = columns[index];
    if (!column) return [];
    const coerced = coerceValue(value, column.type);
    if (coerced.ok && coerced.value !== null) return [];
    const what = name === AUDIENCE_COLUMN && sync.kind === 'audience' ? `audience name ${JSON.stringify(value)}` : `scope value ${JSON.stringify(value)}`;
    const why = coerced.ok ? 'it would be NULL, and a scope column is part of the key' : coerced.reason;
    return [
      {
        code: 'PSSYNC_E_SCOPE',
        severity: 'error',
        sync: sync.name,
        message: `${what} cannot be stored in column \`${column.name}\` ${column.type.sql}: ${why}`,
        ...(position ? { file: position.file, line: position.line, column: position.column, path: position.path } : {}),
      },
    ];
  });
}
