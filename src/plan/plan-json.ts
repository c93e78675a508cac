/**
 * The public JSON form of a plan (schemas/plan.schema.json, `format_version` "1"). The text and
 * Markdown renderers read this value, so a human never sees what a machine can't.
 */
import { isAbsolute, relative } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { hexOf } from '../model/byte-string.js';
import { isBinaryFamily } from '../model/column-type.js';
import type { Row, Value } from '../model/row.js';
import { deleteGuardViolation } from './checks.js';
import { planHasChanges, type Plan, type SyncPlan } from './plan.js';
import type { TargetColumn } from '../mapping/target-columns.js';

export const PLAN_FORMAT_VERSION = '1';

export type JsonRow = Record<string, string | null>;

export interface PlanJsonSync {
  readonly name: string;
  readonly kind: 'table' | 'audience';
  readonly audience?: string;
  readonly destination: string;
  readonly table: string;
  readonly mode: string;
  readonly ddl: readonly string[];
  readonly rows: { readonly insert: number; readonly update: number; readonly delete: number; readonly skip: number };
  readonly unchanged: number;
  readonly source_rows: number;
  readonly other_partition_rows?: number;
  readonly source_filtered?: boolean;
  readonly destination_rows: number;
  readonly rejected_rows: number;
  /** How the rows were compared (absent in older plan files and where planning stopped early). */
  readonly comparison?: ComparisonJson;
  /** The destination is a sharded Vitess keyspace (through vtgate): written by the direct writer only. */
  readonly sharded_keyspace?: ShardedKeyspaceJson;
  readonly samples: {
    readonly insert: readonly JsonRow[];
    readonly update: readonly { readonly key: JsonRow; readonly changes: Record<string, { before: string | null; after: string | null }> }[];
    readonly delete: readonly JsonRow[];
  };
  readonly fingerprints: { readonly source: string; readonly schema: string; readonly rows: string; readonly operations?: string };
  /** Deletes over the safety thresholds: apply refuses without --allow-deletes. */
  readonly delete_guard?: string;
  readonly warnings: readonly JsonDiagnostic[];
  readonly errors: readonly JsonDiagnostic[];
}

export interface ComparisonJson {
  readonly method: 'checksum' | 'full';
  readonly reason?: string;
  readonly segments: number;
  readonly segments_read: number;
  readonly row_hashes_read: number;
  readonly rows_read: number;
  readonly bytes_read?: number;
}

export interface ShardedKeyspaceJson {
  readonly keyspace: string;
  readonly shards: readonly string[];
  /** The strategy apply uses there (`auto` resolved), or `staging`, which the plan refuses. */
  readonly strategy: string;
}

export interface PlanJsonTable {
  readonly destination: string;
  readonly table: string;
  /** The syncs writing this table, in apply order; the first one's `ddl` is the table's. */
  readonly syncs: readonly string[];
  readonly ddl: readonly string[];
  /** Syncs of the manifest writing this table that a partial plan leaves out. */
  readonly not_planned: readonly string[];
}

export interface JsonDiagnostic {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;
  readonly sync?: string;
}

export interface PlanJson {
  readonly format_version: string;
  readonly pssync_version: string;
  readonly created_at: string;
  readonly manifest: { readonly path: string; readonly digest: string };
  readonly partial: boolean;
  /** `--partition K/N`: only that partition of the keys was planned. */
  readonly partition?: { readonly index: number; readonly count: number };
  /** The syncs planned, in order (all of the manifest's unless partial). */
  readonly selected_syncs: readonly string[];
  /** Identity hash of each destination (host, port, database, user; never the password). */
  readonly destinations: Readonly<Record<string, string>>;
  readonly changes: boolean;
  readonly syncs: readonly PlanJsonSync[];
  /** Absent in plan files of older versions. */
  readonly tables?: readonly PlanJsonTable[];
  readonly errors: readonly JsonDiagnostic[];
}

/** A diagnostic for JSON: no severity (errors and warnings are separate lists), paths relative to `baseDir`. */
export function diagnosticJson(diagnostic: Diagnostic, baseDir: string): JsonDiagnostic {
  const { severity: _severity, file, ...rest } = diagnostic;
  return file === undefined ? rest : { ...rest, file: relativePath(baseDir, file) };
}

function relativePath(baseDir: string, file: string): string {
  if (!isAbsolute(file)) return file;
  const relativeFile = relative(baseDir, file);
  return relativeFile.startsWith('..') || relativeFile === '' ? file : relativeFile;
}

function rowJson(columns: readonly TargetColumn[], row: Row, only?: (column: TargetColumn) => boolean): JsonRow {
  const json: JsonRow = {};
  columns.forEach((column, index) => {
    if (!only || only(column)) json[column.name] = sampleValue(column, row[index] ?? null);
  });
  return json;
}

/** Bytes are shown as hex (`0xFF00C3`): a byte string's characters are not the text anyone stored. */
function sampleValue(column: TargetColumn, value: Value): Value {
  return value !== null && isBinaryFamily(column.type.family) ? `0x${hexOf(value)}` : value;
}

function comparisonJson(comparison: NonNullable<SyncPlan['comparison']>): ComparisonJson {
  return {
    method: comparison.method,
    ...(comparison.reason !== undefined ? { reason: comparison.reason } : {}),
    segments: comparison.segments,
    segments_read: comparison.segmentsRead,
    row_hashes_read: comparison.rowHashesRead,
    rows_read: comparison.rowsRead,
    ...(comparison.bytesRead !== undefined ? { bytes_read: comparison.bytesRead } : {}),
  };
}

function syncJson(sync: SyncPlan, baseDir: string): PlanJsonSync {
  const counts = sync.rows?.counts;
  const samples = sync.rows?.samples;
  const columns = sync.columns;
  const guard = deleteGuardViolation(sync);
  return {
    name: sync.name,
    kind: sync.kind,
    ...(sync.audience !== undefined ? { audience: sync.audience } : {}),
    destination: sync.destination,
    table: sync.table,
    mode: sync.mode,
    ddl: sync.schema.ddl,
    rows: { insert: counts?.insert ?? 0, update: counts?.update ?? 0, delete: counts?.delete ?? 0, skip: counts?.skip ?? 0 },
    unchanged: counts?.unchanged ?? 0,
    source_rows: sync.sourceRows,
    ...(sync.otherPartitionRows !== undefined ? { other_partition_rows: sync.otherPartitionRows } : {}),
    ...(sync.sourceFiltered ? { source_filtered: true } : {}),
    destination_rows: sync.rows?.actualRows ?? 0,
    rejected_rows: sync.rejections.length,
    ...(sync.comparison ? { comparison: comparisonJson(sync.comparison) } : {}),
    ...(sync.shardedKeyspace ? { sharded_keyspace: { keyspace: sync.shardedKeyspace.keyspace, shards: sync.shardedKeyspace.shards, strategy: sync.strategy } } : {}),
    samples: {
      insert: (samples?.insert ?? []).map((row) => rowJson(columns, row)),
      update: (samples?.update ?? []).map(({ before, after }) => {
        const changes: Record<string, { before: string | null; after: string | null }> = {};
        columns.forEach((column, index) => {
          if (!column.isKey && before[index] !== after[index]) changes[column.name] = { before: sampleValue(column, before[index] ?? null), after: sampleValue(column, after[index] ?? null) };
        });
        return { key: rowJson(columns, after, (column) => column.isKey), changes };
      }),
      delete: (samples?.delete ?? []).map((row) => rowJson(columns, row)),
    },
    fingerprints: sync.fingerprints,
    ...(guard ? { delete_guard: guard } : {}),
    warnings: sync.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning').map((diagnostic) => diagnosticJson(diagnostic, baseDir)),
    errors: sync.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').map((diagnostic) => diagnosticJson(diagnostic, baseDir)),
  };
}

export interface PlanJsonContext {
  readonly version: string;
  /** File paths in the JSON are relative to this directory (the working directory, or the plan file's). */
  readonly baseDir: string;
}

export function toPlanJson(plan: Plan, context: PlanJsonContext): PlanJson {
  const { baseDir } = context;
  return {
    format_version: PLAN_FORMAT_VERSION,
    pssync_version: context.version,
    created_at: plan.createdAt,
    manifest: { path: relativePath(baseDir, plan.manifest), digest: plan.manifestDigest },
    partial: plan.partial,
    ...(plan.partition ? { partition: { index: plan.partition.index, count: plan.partition.count } } : {}),
    selected_syncs: plan.syncs.map((sync) => sync.name),
    destinations: plan.destinations,
    changes: planHasChanges(plan),
    syncs: plan.syncs.map((sync) => syncJson(sync, baseDir)),
    tables: plan.tables.map((table) => ({ destination: table.destination, table: table.table, syncs: table.syncs, ddl: table.ddl, not_planned: table.notPlanned })),
    errors: plan.diagnostics.map((diagnostic) => diagnosticJson(diagnostic, baseDir)),
  };
}
