/**
 * Apply: for each table of a plan, take its lock once; for each of its syncs, stage, run the
 * table's DDL (with its first sync), write, clean up. Returns a RunReport and never throws.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Db } from '../db/connection.js';
import { quoteId } from '../model/identifiers.js';
import { identifierProblem, showName } from '../model/identifiers.js';
import { ER_DUP_FIELDNAME, ER_TABLE_EXISTS, errorNumber, type Dialect } from '../dialect/dialect.js';
import { introspectTable, listStagingTables } from '../introspect/introspect.js';
import { errorMessage, PssyncError } from '../model/errors.js';
import { schemaChangeSql, type SchemaChange } from '../plan/schema-change.js';
import { groupByTable } from '../plan/table-plan.js';
import { TableRun, type Replan } from './table-run.js';
import type { HeldTableLocks } from './table-locks.js';
import { isError } from '../model/diagnostic.js';
import { deleteGuardViolation } from '../plan/checks.js';
import { syncHasChanges, type Plan, type SyncPlan } from '../plan/plan.js';
import { sequentialRunner, type ProgressListener, type ProgressStep, type SyncRunner } from '../progress.js';
import type { RetryPolicy } from './retry.js';
import { writeRejectsFile } from './rejects-file.js';
import type { RunReport, SyncRunReport } from './run-report.js';
import { stagingPrefixFor } from './staging-names.js';
import { dropTableSql } from './staging-sql.js';
import { stagingWriter } from './staging-writer.js';
import { StatementRunner } from './statement-runner.js';
import type { WriteContext, Writer } from './writers.js';
import { directWriter } from './direct-writer.js';
import { addedColumnsOf, raceMismatch } from './ddl-race.js';


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
   * Plans one table's syncs again. Called when another apply changed the table since the plan
   * (after waiting for its lock, --lock-timeout): see TableRun.checkCurrent. Without it the plan is applied.
   */
  readonly replan?: Replan;
  /** Table locks taken before the plan was made (table-locks.ts); the others are taken here. */
  readonly heldLocks?: HeldTableLocks;
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

async function applySync(
  planned: SyncPlan,
  table: TableRun,
  sessionFor: (destination: string) => Promise<DestinationSession>,
  options: ApplyOptions & { runId: string; rejectsDir: string },
  onProgress: ProgressListener,
): Promise<SyncRunReport> {
  const started = performance.now();
  // The plan applied: the saved one, or the fresh one when the table was planned again.
  let sync = planned;
  const base = () => ({ name: sync.name, table: sync.table, ddl: sync.schema.ddl, rows: { insert: 0, update: 0, delete: 0 } });
  const finish = (fields: Partial<SyncRunReport> & Pick<SyncRunReport, 'status'>, runner?: StatementRunner): SyncRunReport => ({
    ...base(),
    statements: runner?.statements ?? 0,
    maxStatementMs: Math.round(runner?.maxStatementMs ?? 0),
    medianStatementMs: Math.round(median(runner?.statementMs ?? [])),
    maxRowsPerStatement: runner?.maxRowsPerStatement ?? 0,
    elapsedMs: Math.round(performance.now() - started),
    ...fields,
  });

  const errors = sync.diagnostics.filter(isError);
  if (errors.length || !sync.rows) {
    return finish({ status: 'refused', error: { code: errors[0]?.code ?? 'PSSYNC_E_PLAN', message: errors[0]?.message ?? 'the plan for this sync is incomplete' } });
  }
  const badName = identifierRefusal(sync);
  if (badName) return finish({ status: 'refused', error: { code: 'PSSYNC_E_IDENTIFIER', message: badName } });

  let rejectsFile: { rejectsFile?: string } = {};
  try {
    if (sync.rejections.length) rejectsFile = { rejectsFile: await writeRejectsFile(options.rejectsDir, sync.name, options.runId, sync.rejections) };
  } catch (error) {
    return finish({ status: 'failed', error: failure(error) });
  }
  // A sync without changes still takes the lock when the plan saw staging tables of a dead run: it drops them.
  const leftoversSeen = sync.diagnostics.some((diagnostic) => diagnostic.code === 'PSSYNC_W_STAGING_LEFTOVER');
  if (!syncHasChanges(sync) && !leftoversSeen) return finish({ status: 'unchanged', ...rejectsFile });

  let session: DestinationSession;
  try {
    session = await sessionFor(sync.destination);
  } catch (error) {
    return finish({ status: 'failed', error: failure(error) });
  }
  const { db, dialect } = session;
  let step: ProgressStep = 'stage';
  const progress: ProgressListener = (event) => {
    step = event.step;
    onProgress(event);
  };
  let runner: StatementRunner | undefined;
  let writer: Writer | undefined;
  let strategy: 'staging' | 'direct' = 'direct';
  let ddlPending = sync.schema.change !== undefined;
  const droppedLeftovers: string[] = [];
  const extras = () => ({
    ...rejectsFile,
    ...(droppedLeftovers.length ? { droppedLeftovers: [...droppedLeftovers] } : {}),
    ...(runner?.retries ? { retries: runner.retries } : {}),
    ...(runner?.reconnects ? { reconnects: runner.reconnects } : {}),
  });
  try {
    const lock = await table.acquire(db, {
      database: session.database,
      timeoutSeconds: options.lockTimeoutSeconds ?? 0,
      onWait: (holder) => progress({ sync: sync.name, step: 'stage', message: `waiting up to ${options.lockTimeoutSeconds} s for ${holder}` }),
    });
    await table.checkCurrent(db, dialect, options.replan);
    if (table.isUnchanged(sync)) return finish({ status: 'unchanged', ...extras() });
    sync = table.planFor(sync);
    ddlPending = sync.schema.change !== undefined;
    const chosen = chooseStrategy(sync);
    if (typeof chosen !== 'string') return finish({ status: 'refused', error: chosen });
    strategy = chosen;
    runner = new StatementRunner(db, {
      lock,
      ...(options.retryPolicy ? { policy: options.retryPolicy } : {}),
      onRetry: (event) => progress({ sync: sync.name, step, message: `${event.classification.reason}: retrying (attempt ${event.attempt + 1})` }),
    });
    const context: WriteContext = { db, dialect, plan: sync, runId: options.runId, maxAllowedPacket: await maxAllowedPacket(runner), run: runner, onProgress: progress };
    // Holding the table's lock, any staging table of this table belongs to a dead run.
    for (const leftover of await listStagingTables(runner.asDb(), stagingPrefixFor(sync.table))) {
      await runner.execute(dropTableSql(leftover), [], { label: `dropping staging table \`${leftover}\` left by an earlier run` });
      droppedLeftovers.push(leftover);
    }
    if (!syncHasChanges(sync)) return finish({ status: 'unchanged', ...extras() }, runner);
    writer = strategy === 'direct' ? directWriter(context) : stagingWriter(context);
    progress({ sync: sync.name, step: 'stage', done: 0 });
    try {
      await writer.prepare();
    } catch (error) {
      if (!dialect.isDdlRefused(error)) throw error;
      // The staging table is DDL too. Without DDL in the plan, auto falls back to DML only.
      if (sync.strategy !== 'auto' || sync.schema.ddl.length > 0) throw ddlRefused(sync.schema.ddl, sync.strategy);
      strategy = 'direct';
      writer = directWriter(context);
    }
    if (sync.schema.change) {
      progress({ sync: sync.name, step: 'ddl', message: sync.schema.ddl[0]!.split('\n')[0] });
      await runSchemaChange(runner, dialect, sync.schema.change, sync.schema.ddl);
      ddlPending = false;
    }
    await writer.write();
    // What the server did (every statement's row count was checked), not what was planned.
    return finish({ status: 'applied', strategy, ...runner.written.report(), ...extras() }, runner);
  } catch (error) {
    // The table's later syncs need the lock and the DDL this sync carried: they are not started.
    if (ddlPending || !table.locked) table.block(error, sync.name);
    return finish({ status: 'failed', ...(writer ? { strategy } : {}), error: failure(error), ...extras() }, runner);
  } finally {
    if (writer) {
      progress({ sync: sync.name, step: 'cleanup' });
      await writer.cleanup().catch(() => undefined);
    }
  }
}

/**
 * `auto` prefers the direct writer (issue 7): both writers leave identical tables, and direct does
 * the server's work once (staging inserts every row twice: into the staging table, then merged);
 * it measured faster at 1,000,000 rows. `staging` stays available — unless a destination column is
 * named like the staging table's own `_pk` / `_diff_op`.
 */
function chooseStrategy(sync: SyncPlan): 'staging' | 'direct' | { code: string; message: string } {
  if (sync.strategy !== 'staging') return 'direct';
  const collision = sync.columns.find((column) => STAGING_COLUMNS.has(column.name.toLowerCase()));
  if (!collision) return 'staging';
  return { code: 'PSSYNC_E_IDENTIFIER', message: `column ${quoteId(collision.name)} has the name of a staging table bookkeeping column; use strategy: direct (or auto) for this table` };
}

/** The staging table's bookkeeping columns (staging-sql.ts). */
const STAGING_COLUMNS = new Set(['_pk', '_diff_op']);

/**
 * Names the database cannot store (NUL, emoji, trailing space, too long) are refused before anything
 * is written. Manifest names are checked by the schema already; column names taken from source
 * headers (fields omitted) arrive here unchecked.
 */
function identifierRefusal(sync: SyncPlan): string | undefined {
  const tableProblem = identifierProblem(sync.table);
  if (tableProblem) return `table name ${showName(sync.table)} ${tableProblem}`;
  for (const column of sync.columns) {
    const problem = identifierProblem(column.name);
    if (problem) return `column name ${showName(column.name)} ${problem}; map it to another name with fields: [{ from: …, to: … }]`;
  }
  return undefined;
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

async function runSchemaChange(runner: StatementRunner, dialect: Dialect, change: SchemaChange, ddl: readonly string[]): Promise<void> {
  const statement = schemaChangeSql(change);
  try {
    await runner.execute(statement, [], {
      label: `running DDL \`${statement.split('\n')[0]!.slice(0, 60)}\``,
      // CREATE TABLE sent again after its answer was lost finds the table it made.
      doneOnRetry: (error) => errorNumber(error) === ER_TABLE_EXISTS && change.kind === 'create_table',
    });
  } catch (error) {
    if (errorNumber(error) === ER_DUP_FIELDNAME) {
      // Benign only when another writer added these very columns first (see ddl-race.ts).
      const added = addedColumnsOf(change);
      const live = added ? await introspectTable(runner.asDb(), added.table, { jsonIsLongtext: dialect.caps.jsonIsLongtext }) : undefined;
      const mismatch = added ? raceMismatch(added, live, dialect) : 'the statement names one column twice';
      if (mismatch === undefined) return;
      throw new PssyncError('PSSYNC_E_SQL', `\`${statement.split('\n')[0]!.slice(0, 80)}\` failed with "${errorMessage(error)}" (1060): ${mismatch}; the table was not changed`, added ? { table: added.table } : {}, { cause: error });
    }
    if (dialect.isDdlRefused(error)) throw ddlRefused(ddl, 'direct');
    throw error;
  }
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function maxAllowedPacket(runner: StatementRunner): Promise<number> {
  const [row] = await runner.query('SELECT @@max_allowed_packet');
  return Number(row?.[0] ?? 4 * 1024 * 1024);
}

function failure(error: unknown): { code: string; message: string } {
  if (error instanceof PssyncError) return { code: error.code, message: error.message };
  const errno = (error as { code?: string; errno?: number }).code;
  return { code: 'PSSYNC_E_SQL', message: `${errorMessage(error)}${errno ? ` (${errno})` : ''}` };
}
