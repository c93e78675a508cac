/**
 * One sync's plan: introspect its table, read its source, refuse what cannot be written (before
 * any row is read where possible), diff desired against actual rows as both arrive, check unique
 * keys. And the checks across the syncs of a plan (unique keys shared between syncs of one table,
 * table limits). I/O happens here and in the rooms it calls; the diff itself is pure (plan/).
 */
import { compareRows } from './compare-rows.js';
import { keyCollationProblems } from './introspect/collation-probe.js';
import { introspectTable, listStagingTables } from './introspect/introspect.js';
import { isQuerySource, type CompareMethod, type Config, type SyncConfig } from './manifest/types.js';
import type { Diagnostic } from './model/diagnostic.js';
import { tableLimitDiagnostic } from './plan/checks.js';
import type { SyncPlan } from './plan/plan.js';
import type { Row } from './model/row.js';
import { planSchema, schemaPlanOf } from './plan/schema-diff.js';
import { shardedKeyspaceProblems, shardedStrategy, shardTargetProblems } from './plan/shard-rules.js';
import { prepareSource } from './mapping/prepare-source.js';
import { openSpillFile } from './storage/spill-file.js';
import { fileFingerprint } from './source/fingerprint.js';
import { RowsHasher, schemaFingerprint } from './plan/fingerprint.js';
import { SourceError } from './source/source.js';
import { sourceDiagnostics, rejectionDiagnostics } from './mapping/source-diagnostics.js';
import type { ProgressListener } from './progress.js';
import { stagingPrefixFor } from './apply/staging-names.js';
import type { Destinations } from './destinations.js';
import { unmappedRequiredColumns } from './plan/insert-requirements.js';
import { sharedUniqueCollisions, tableKeyProblems, writtenUniqueKeys } from './mapping/unique-keys.js';
import { uniqueKeyCollisions } from './introspect/unique-holders.js';
import { rowBatchesOf } from './plan/planned-rows.js';
import { groupByTable } from './plan/table-plan.js';
import { literalsFor } from './apply/sql-text.js';

export interface PlanSyncOptions {
  readonly fingerprinting: boolean;
  /** How to compare the rows (see pipeline.ts compareMethodOf). */
  readonly compare: CompareMethod;
}

export async function planSync(config: Config, sync: SyncConfig, destinations: Destinations, onProgress: ProgressListener, options: PlanSyncOptions): Promise<SyncPlan> {
  const { fingerprinting } = options;
  const { db, facts, collations } = await destinations.get(sync.destination);
  const source = config.sources.get(sync.source)!;

  onProgress({ sync: sync.name, step: 'introspect' });
  const live = await introspectTable(db, sync.table, { jsonIsLongtext: facts.dialect.caps.jsonIsLongtext });
  const leftovers = await listStagingTables(db, stagingPrefixFor(sync.table, config.partition));

  onProgress({ sync: sync.name, step: 'read' });
  const sourceFile = fingerprinting ? fileFingerprint(source) : Promise.resolve(undefined);
  const fingerprints = { source: '', schema: schemaFingerprint(live), rows: '' };
  const { shardedKeyspace } = facts;
  const base = {
    name: sync.name, kind: sync.kind, destination: sync.destination, table: sync.table, mode: sync.mode,
    // A sharded Vitess keyspace takes the direct writer only (plan/shard-rules.ts).
    strategy: shardedStrategy(sync.strategy, shardedKeyspace), ...(shardedKeyspace ? { shardedKeyspace } : {}),
    safety: sync.safety, ...(sync.kind === 'audience' ? { audience: sync.audience } : {}), ...(config.partition ? { partition: config.partition } : {}),
  };
  const warnings: Diagnostic[] = leftovers.length
    ? [{ code: 'PSSYNC_W_STAGING_LEFTOVER', severity: 'warning', sync: sync.name, message: `staging table(s) ${leftovers.join(', ')} left by an earlier run that did not finish; the next apply of this sync drops them` }]
    : [];
  try {
    const target = { live, dialect: facts.dialect, defaultCollation: facts.defaultCollation, ...(config.partition ? { partition: config.partition } : {}) };
    const { records, columns, diagnostics: missing, filteredBySource } = await prepareSource(sync, source, target);
    const schema = planSchema(sync, columns, live, facts.dialect);
    const collationErrors = (await keyCollationProblems(collations, columns)).map((message): Diagnostic => ({ code: 'PSSYNC_E_COLLATION', severity: 'error', sync: sync.name, message }));
    const early = [...warnings, ...schema.diagnostics, ...shardedKeyspaceProblems(sync, schema, shardedKeyspace), ...shardTargetProblems(sync, schema, facts.shardTarget), ...missing, ...collationErrors, ...tableKeyProblems(sync, columns, live)];
    const uniqueKeys = writtenUniqueKeys(live, columns);
    if (early.some((diagnostic) => diagnostic.severity === 'error')) {
      await records.close(); // an unread query source would keep its connection (and the process) open
      return { ...base, fingerprints, columns, schema, sourceRows: 0, rejections: [], diagnostics: early };
    }

    // Source and destination rows compared (compare-rows.ts): by checksums, or read at the same time (issue 7).
    onProgress({ sync: sync.name, step: 'diff', done: 0 });
    // Sources without a file to hash (queries, stdin: see fileFingerprint) are fingerprinted by their rows.
    const desiredHash = fingerprinting && (isQuerySource(source) || source.path === '-') ? new RowsHasher() : undefined;
    const { result: desired, comparison, rowsFingerprint } = await compareRows({
      db,
      live,
      compare: options.compare,
      fingerprinting,
      source: records.all,
      reread: async () => (await prepareSource(sync, source, target)).records.all,
      columns,
      mode: sync.mode,
      maxRejectedRows: sync.maxRejectedRows,
      // Source records read: the one count every plan has (an initial load has no table to read).
      onSourceRows: (read) => onProgress({ sync: sync.name, step: 'diff', done: read }),
      ...(desiredHash ? { onDesiredRow: (values: Row) => desiredHash.add([values]) } : {}),
      differ: { openSpill: (what) => openSpillFile(`sync "${sync.name}" ${what}`) },
      openDesiredSpill: () => openSpillFile(`sync "${sync.name}" desired rows`),
      collations,
      uniqueKeys,
      ...(config.partition ? { partition: config.partition } : {}),
    });
    const rejected = rejectionDiagnostics(sync, source, desired.rejections);
    const { inserts, updates, deletes } = desired.diff.ops;
    rejected.push(...unmappedRequiredColumns(sync, columns, live, inserts.count));
    // A write that a unique key would turn into an overwrite of another row (issue 11).
    if (live && uniqueKeys.length > 0 && !rejected.some((diagnostic) => diagnostic.severity === 'error')) {
      const writes = rowBatchesOf([inserts, updates], 1_000);
      rejected.push(...(await uniqueKeyCollisions(db, { sync, table: live.name, columns, keys: uniqueKeys, writes, deletes, collations, literals: literalsFor(columns) })));
    }
    if (rejected.some((diagnostic) => diagnostic.severity === 'error')) {
      return { ...base, fingerprints, columns, schema, sourceRows: desired.sourceRows, rejections: desired.rejections, diagnostics: [...early, ...rejected] };
    }
    const sourceFingerprint = (await sourceFile) ?? desiredHash?.digest() ?? '';
    return {
      ...base,
      fingerprints: { ...fingerprints, source: sourceFingerprint, rows: fingerprinting ? rowsFingerprint : '' },
      columns,
      schema,
      rows: desired.diff,
      comparison,
      ...(uniqueKeys.length > 0 ? { uniqueKeys } : {}),
      sourceRows: desired.sourceRows,
      ...(config.partition ? { otherPartitionRows: desired.otherPartitionRows, ...(filteredBySource ? { sourceFiltered: true } : {}) } : {}),
      rejections: desired.rejections,
      diagnostics: [...early, ...rejected],
    };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    const schema = schemaPlanOf(undefined);
    await sourceFile.catch(() => undefined);
    return { ...base, fingerprints, columns: [], schema, sourceRows: 0, rejections: [], diagnostics: [...warnings, ...sourceDiagnostics(sync, error)] };
  }
}

/** Syncs of one table must not write the same values of a unique key (mapping/unique-keys.ts). */
export async function sharedUniqueKeys(syncs: readonly SyncPlan[], destinations: Destinations): Promise<readonly SyncPlan[]> {
  const problems = new Map<string, string[]>();
  for (const group of groupByTable(syncs)) {
    const writing = group.filter((sync) => sync.rows && sync.uniqueKeys);
    if (writing.length < 2) continue;
    const { collations } = await destinations.get(group[0]!.destination);
    const writes = writing.map((sync) => ({ name: sync.name, columns: sync.columns, keys: sync.uniqueKeys!, writes: () => rowBatchesOf([sync.rows!.ops.inserts, sync.rows!.ops.updates], 1_000) }));
    for (const [name, messages] of await sharedUniqueCollisions(writes, group[0]!.table, collations.reader())) problems.set(name, messages);
  }
  if (problems.size === 0) return syncs;
  return syncs.map((sync) => {
    const messages = problems.get(sync.name) ?? [];
    const errors = messages.map((message): Diagnostic => ({ code: 'PSSYNC_E_UNIQUE_KEY', severity: 'error', sync: sync.name, message }));
    return errors.length ? { ...sync, diagnostics: [...sync.diagnostics, ...errors] } : sync;
  });
}

export async function tableLimits(syncs: readonly SyncPlan[], destinations: Destinations): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const name of new Set(syncs.map((sync) => sync.destination))) {
    const { facts } = await destinations.get(name);
    const mine = syncs.filter((sync) => sync.destination === name);
    const created = new Set(mine.filter((sync) => sync.schema.createsTable).map((sync) => sync.table.toLowerCase())).size;
    const diagnostic = tableLimitDiagnostic(name, facts.tableCount, created, 1, facts.dialect.caps.maxTables);
    if (diagnostic) diagnostics.push(diagnostic);
  }
  return diagnostics;
}
