/**
 * The plan is a value: everything apply needs (DDL, row operations) and everything a reviewer
 * sees (counts, samples, warnings). Built by planning, consumed by apply and the renderers.
 */
import type { SafetyConfig, WriteStrategy } from '../manifest/types.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import type { Rejection } from '../model/rejection.js';
import type { Mode } from './mode-rules.js';
import type { RowDiff } from './row-diff.js';
import type { SchemaPlan } from './schema-diff.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import type { WrittenUniqueKey } from '../mapping/unique-keys.js';
import type { SyncFingerprints } from './fingerprint.js';
import type { Comparison } from './segment-diff.js';
import type { Partition } from '../model/partition.js';
import type { ShardedKeyspace } from '../dialect/vitess.js';

export interface SyncPlan {
  readonly name: string;
  readonly kind: 'table' | 'audience';
  readonly audience?: string;
  readonly destination: string;
  readonly table: string;
  readonly mode: Mode;
  /** As the manifest says, except that `auto` is `direct` in a sharded Vitess keyspace (shard-rules.ts). */
  readonly strategy: WriteStrategy;
  /** The destination is a sharded Vitess keyspace, reached through vtgate: only the direct writer applies. */
  readonly shardedKeyspace?: ShardedKeyspace;
  readonly safety: SafetyConfig;
  readonly columns: readonly TargetColumn[];
  readonly schema: SchemaPlan;
  /** Absent when an error stopped planning before the rows were compared. */
  readonly rows?: RowDiff;
  /** How the rows were compared (absent with `rows`), and the bytes read from the destination. */
  readonly comparison?: Comparison & { readonly bytesRead?: number };
  readonly sourceRows: number;
  /** `--partition K/N`: only the rows of that partition were compared. */
  readonly partition?: Partition;
  /** Under a partition: the source records of the other partitions, skipped. */
  readonly otherPartitionRows?: number;
  /** Under a partition: the source query sent only the partition's rows (mapping/partition-pushdown.ts). */
  readonly sourceFiltered?: boolean;
  /** Bad source rows skipped under `max_rejected_rows` (or that failed the sync). */
  readonly rejections: readonly Rejection[];
  readonly diagnostics: readonly Diagnostic[];
  /** Unique keys besides the primary key that its writes can collide on (checked across the syncs of a table). */
  readonly uniqueKeys?: readonly WrittenUniqueKey[];
  /** Source, schema and rows fingerprints (operations are fingerprinted when a plan file is written). */
  readonly fingerprints: Omit<SyncFingerprints, 'operations'>;
}

export interface TablePlan {
  readonly destination: string;
  readonly table: string;
  /** The planned syncs writing this table, in apply order; the first carries the table's DDL. */
  readonly syncs: readonly string[];
  readonly ddl: readonly string[];
  /** Syncs of the manifest writing this table that a partial plan leaves out (their DDL is not planned). */
  readonly notPlanned: readonly string[];
}

export interface Plan {
  readonly manifest: string;
  readonly manifestDigest: string;
  readonly createdAt: string;
  /** Only some syncs were planned (`--sync`). */
  readonly partial: boolean;
  /** Only this partition of every sync's keys (`--partition K/N`). */
  readonly partition?: Partition;
  /** Identity hash (host, port, database, user) of each destination the plan touches. */
  readonly destinations: Readonly<Record<string, string>>;
  /** Grouped by destination table: the syncs of one table are applied one after the other. */
  readonly syncs: readonly SyncPlan[];
  /** Each destination table the plan writes, with the syncs that share it and its DDL (run once). */
  readonly tables: readonly TablePlan[];
  /** Problems not tied to one sync (manifest errors). */
  readonly diagnostics: readonly Diagnostic[];
}

export function syncHasChanges(sync: SyncPlan): boolean {
  const counts = sync.rows?.counts;
  return sync.schema.ddl.length > 0 || (counts !== undefined && counts.insert + counts.update + counts.delete > 0);
}

export function planHasChanges(plan: Plan): boolean {
  return plan.syncs.some(syncHasChanges);
}

export function planDiagnostics(plan: Plan): Diagnostic[] {
  return [...plan.diagnostics, ...plan.syncs.flatMap((sync) => sync.diagnostics)];
}

export function planHasErrors(plan: Plan): boolean {
  return hasErrors(planDiagnostics(plan));
}
