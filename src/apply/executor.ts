/**
 * Apply: for each table of a plan, take its lock once (or use the one taken before planning); for
 * each of its syncs, stage, run the table's DDL (with its first sync), write, clean up
 * (sync-apply.ts). Returns a RunReport and never throws.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { deleteGuardViolation } from '../plan/checks.js';
import type { Plan, SyncPlan } from '../plan/plan.js';
import { groupByTable } from '../plan/table-plan.js';
import { sequentialRunner, type SyncRunner } from '../progress.js';
import type { RetryPolicy } from './retry.js';
import type { RunReport, SyncRunReport } from './run-report.js';
import type { DestinationSession } from './session.js';
import { applySync } from './sync-apply.js';
import type { HeldTableLocks } from './table-locks.js';
import { TableRun, type Replan } from './table-run.js';

export type { DestinationSession } from './session.js';

export interface ApplyOptions {
  /** Deletes beyond `safety` thresholds are refused without it (command line only). */
  readonly allowDeletes?: boolean;
  readonly lockTimeoutSeconds?: number;
  readonly runner?: SyncRunner;
  /** Where rejects files go; default `.pssync/rejects` beside the manifest. */
  readonly rejectsDir?: string;
  readonly runId?: string;
  /** Retries of transient failures (tests shorten the delays). */
  readonly retryPolicy?: RetryPolicy;
  /**
   * Plans one table's syncs again. Called when the table may have changed since the plan: its lock
   * was waited for here (not held since planning), or its columns changed; see TableRun.checkCurrent.
   * Without it the plan is applied.
   */
  readonly replan?: Replan;
  /** Table locks taken before the plan was made (table-locks.ts); the others are taken here. */
  readonly heldLocks?: HeldTableLocks;
}

export async function applyPlan(
  plan: Plan,
  sessionFor: (destination: string) => Promise<DestinationSession>,
  options: ApplyOptions = {},
): Promise<RunReport> {
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const rejectsDir = options.rejectsDir ?? join(dirname(plan.manifest), '.pssync', 'rejects');
  // A delete guard refuses the whole apply before any write, like a plan error: the reviewer
  // decides on --allow-deletes for the plan as a whole.
  const guarded = options.allowDeletes ? [] : plan.syncs.filter((sync) => deleteGuardViolation(sync));
  if (guarded.length > 0) {
    const names = guarded.map((sync) => `"${sync.name}"`).join(', ');
    const reports = plan.syncs.map((sync) => refusedByGuard(sync, deleteGuardViolation(sync) ?? `sync(s) ${names} hit their delete guard`));
    return { syncs: reports, ok: false };
  }
  // Tables are independent: one failing does not stop the others. The syncs of one table run one
  // after the other under one lock, the table's DDL first (table-run.ts).
  const runner = options.runner ?? sequentialRunner;
  const tables = groupByTable(plan.syncs).map((syncs) => new TableRun(syncs, options.heldLocks?.get(syncs[0]!.destination, syncs[0]!.table)));
  const tableOf = new Map(tables.flatMap((table) => table.syncs.map((sync) => [sync.name, table] as const)));
  try {
    const reports = await runner(
      tables.flatMap((table) => table.syncs),
      async (sync, onProgress) => {
        const table = tableOf.get(sync.name)!;
        try {
          return await applySync(sync, table, sessionFor, { ...options, runId, rejectsDir }, onProgress);
        } finally {
          await table.done();
        }
      },
    );
    return { syncs: reports, ok: reports.every((report) => report.status === 'applied' || report.status === 'unchanged') };
  } finally {
    await Promise.all(tables.map((table) => table.release()));
  }
}

function refusedByGuard(sync: SyncPlan, why: string): SyncRunReport {
  return {
    name: sync.name,
    table: sync.table,
    status: 'refused',
    ddl: sync.schema.ddl,
    rows: { insert: 0, update: 0, delete: 0 },
    statements: 0,
    maxStatementMs: 0,
    elapsedMs: 0,
    error: { code: 'PSSYNC_E_DELETE_GUARD', message: `${why}; nothing was written. Re-run with --allow-deletes if the deletes are intended` },
  };
}
