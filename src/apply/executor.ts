/**
 * Apply: for each sync of a plan, take the table lock, stage, run the DDL, write, clean up.
 * Returns a RunReport and never throws; a failed sync stops the run (later syncs are not started).
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { quoteId, type Db } from '../db/connection.js';
import type { Dialect } from '../dialect/dialect.js';
import { listStagingTables } from '../introspect/introspect.js';
import { errorMessage, PssyncError } from '../model/errors.js';
import { isError } from '../model/diagnostic.js';
import { deleteGuardViolation } from '../plan/checks.js';
import { syncHasChanges, type Plan, type SyncPlan } from '../plan/plan.js';
import { sequentialRunner, type ProgressListener, type SyncRunner } from '../progress.js';
import { acquireTableLock } from './lock.js';
import { writeRejectsFile } from './rejects-file.js';
import type { RunReport, SyncRunReport } from './run-report.js';
import { stagingPrefixFor } from './staging-names.js';
import { stagingWriter } from './staging-writer.js';
import { StatementRunner, type WriteContext } from './writer.js';
import { directWriter } from './direct-writer.js';

/** "Duplicate column name": another writer added the column between plan and apply. */
const ER_DUP_FIELDNAME = 1060;

export interface ApplyOptions {
  /** Deletes beyond `safety` thresholds are refused without it (command line only). */
  readonly allowDeletes?: boolean;
  readonly lockTimeoutSeconds?: number;
  readonly runner?: SyncRunner;
  /** Where rejects files go; default `.pssync/rejects` beside the manifest. */
  readonly rejectsDir?: string;
  readonly runId?: string;
}

export interface DestinationSession {
  readonly db: Db;
  readonly dialect: Dialect;
  readonly database: string;
}

export async function applyPlan(
  plan: Plan,
  sessionFor: (destination: string) => Promise<DestinationSession>,
  options: ApplyOptions = {},
): Promise<RunReport> {
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const rejectsDir = options.rejectsDir ?? join(dirname(plan.manifest), '.pssync', 'rejects');
  // Syncs write different tables and are independent: one failing does not stop the others.
  const runner = options.runner ?? sequentialRunner;
  const reports = await runner(plan.syncs, (sync, onProgress) => applySync(sync, sessionFor, { ...options, runId, rejectsDir }, onProgress));
  return { syncs: reports, ok: reports.every((report) => report.status === 'applied' || report.status === 'unchanged') };
}

async function applySync(
  sync: SyncPlan,
  sessionFor: (destination: string) => Promise<DestinationSession>,
  options: ApplyOptions & { runId: string; rejectsDir: string },
  onProgress: ProgressListener,
): Promise<SyncRunReport> {
  const started = performance.now();
  const base = { name: sync.name, table: sync.table, ddl: sync.schema.ddl, rows: { insert: 0, update: 0, delete: 0 } };
  const finish = (fields: Partial<SyncRunReport> & Pick<SyncRunReport, 'status'>, runner?: StatementRunner): SyncRunReport => ({
    ...base,
    statements: runner?.statements ?? 0,
    maxStatementMs: Math.round(runner?.maxStatementMs ?? 0),
    elapsedMs: Math.round(performance.now() - started),
    ...fields,
  });

  const errors = sync.diagnostics.filter(isError);
  if (errors.length || !sync.rows) {
    return finish({ status: 'refused', error: { code: errors[0]?.code ?? 'PSSYNC_E_PLAN', message: errors[0]?.message ?? 'the plan for this sync is incomplete' } });
  }
  const guard = deleteGuardViolation(sync);
  if (guard && !options.allowDeletes) {
    return finish({ status: 'refused', error: { code: 'PSSYNC_E_DELETE_GUARD', message: `${guard}; nothing was written. Re-run with --allow-deletes if this is intended` } });
  }
  const rejectsFile = sync.rejections.length
    ? { rejectsFile: await writeRejectsFile(options.rejectsDir, sync.name, options.runId, sync.rejections) }
    : {};
  if (!syncHasChanges(sync)) return finish({ status: 'unchanged', ...rejectsFile });

  let session: DestinationSession;
  try {
    session = await sessionFor(sync.destination);
  } catch (error) {
    return finish({ status: 'failed', error: failure(error) });
  }
  const { db, dialect } = session;
  const runner = new StatementRunner(db);
  const context: WriteContext = { db, dialect, plan: sync, runId: options.runId, maxAllowedPacket: await maxAllowedPacket(db), run: runner, onProgress };
  let strategy: 'staging' | 'direct' = sync.strategy === 'direct' ? 'direct' : 'staging';
  let writer = strategy === 'direct' ? directWriter(context) : stagingWriter(context);
  let release: (() => Promise<void>) | undefined;
  try {
    release = await acquireTableLock(db, session.database, sync.table, options.lockTimeoutSeconds ?? 0);
    // Holding the table's lock, any staging table of this table belongs to a dead run.
    for (const leftover of await listStagingTables(db, stagingPrefixFor(sync.table))) {
      await db.execute(`DROP TABLE IF EXISTS ${quoteId(leftover)}`);
    }
    onProgress({ sync: sync.name, step: 'stage', done: 0 });
    try {
      await writer.prepare();
    } catch (error) {
      if (!dialect.isDdlRefused(error)) throw error;
      // The staging table is DDL too. Without DDL in the plan, auto falls back to DML only.
      if (sync.strategy !== 'auto' || sync.schema.ddl.length > 0) throw ddlRefused(sync.schema.ddl, sync.strategy);
      strategy = 'direct';
      writer = directWriter(context);
    }
    for (const statement of sync.schema.ddl) {
      onProgress({ sync: sync.name, step: 'ddl', message: statement.split('\n')[0] });
      await runDdl(runner, dialect, statement, sync.schema.ddl);
    }
    await writer.write();
    const counts = sync.rows.counts;
    return finish({ status: 'applied', strategy, rows: { insert: counts.insert, update: counts.update, delete: counts.delete }, ...rejectsFile }, runner);
  } catch (error) {
    return finish({ status: 'failed', strategy, error: failure(error), ...rejectsFile }, runner);
  } finally {
    onProgress({ sync: sync.name, step: 'cleanup' });
    await writer.cleanup().catch(() => undefined);
    await release?.().catch(() => undefined);
  }
}

/** PlanetScale safe migrations (or a user without DDL privileges): say what to do, with the DDL. */
function ddlRefused(ddl: readonly string[], strategy: string): PssyncError {
  if (ddl.length === 0) {
    return new PssyncError('PSSYNC_E_DDL_REFUSED', `the destination refuses DDL, and strategy "${strategy}" needs a staging table; use strategy: direct (or auto), which writes with DML only`);
  }
  return new PssyncError(
    'PSSYNC_E_DDL_REFUSED',
    `the destination refuses direct DDL (PlanetScale safe migrations, or a user without CREATE/ALTER privileges); nothing was written. Apply this DDL through a deploy request, then run apply again:\n\n${ddl.map((statement) => `${statement};`).join('\n\n')}\n`,
  );
}

async function runDdl(runner: StatementRunner, dialect: Dialect, statement: string, ddl: readonly string[]): Promise<void> {
  try {
    await runner.execute(statement);
  } catch (error) {
    // Another writer added the column first: the schema is already what we wanted.
    if ((error as { errno?: number }).errno === ER_DUP_FIELDNAME) return;
    if (dialect.isDdlRefused(error)) throw ddlRefused(ddl, 'direct');
    throw error;
  }
}

async function maxAllowedPacket(db: Db): Promise<number> {
  const [row] = await db.query('SELECT @@max_allowed_packet');
  return Number(row?.[0] ?? 4 * 1024 * 1024);
}

function failure(error: unknown): { code: string; message: string } {
  if (error instanceof PssyncError) return { code: error.code, message: error.message };
  const errno = (error as { code?: string; errno?: number }).code;
  return { code: 'PSSYNC_E_SQL', message: `${errorMessage(error)}${errno ? ` (${errno})` : ''}` };
}
