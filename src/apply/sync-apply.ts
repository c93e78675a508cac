/**
 * The apply of one sync, step by step: refuse what must not start → write its rejects file →
 * take the table lock and make sure the plan is current → choose the writer → drop a dead run's
 * staging tables → prepare (stage) → run the table's DDL → write → clean up.
 * Returns the sync's report; never throws.
 */
import { listStagingTables } from '../introspect/introspect.js';
import { errorMessage, PssyncError } from '../model/errors.js';
import { syncHasChanges, type SyncPlan } from '../plan/plan.js';
import type { ProgressListener, ProgressStep } from '../progress.js';
import { directWriter } from './direct-writer.js';
import { writeRejectsFile } from './rejects-file.js';
import type { RetryPolicy } from './retry.js';
import type { SyncRunReport } from './run-report.js';
import { ddlRefused, runSchemaChange } from './schema-step.js';
import type { DestinationSession } from './session.js';
import { stagingPrefixFor } from './staging-names.js';
import { dropTableSql } from './staging-sql.js';
import { stagingWriter } from './staging-writer.js';
import { StatementRunner } from './statement-runner.js';
import { chooseStrategy, refusalBeforeStart } from './sync-refusals.js';
import type { Replan, TableRun } from './table-run.js';
import type { WriteContext, Writer } from './writers.js';
import type { TableLock } from './lock.js';

export interface SyncApplyOptions {
  readonly runId: string;
  readonly rejectsDir: string;
  readonly lockTimeoutSeconds?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly replan?: Replan;
}

type Fields = Partial<SyncRunReport> & Pick<SyncRunReport, 'status'>;

export async function applySync(
  planned: SyncPlan,
  table: TableRun,
  sessionFor: (destination: string) => Promise<DestinationSession>,
  options: SyncApplyOptions,
  onProgress: ProgressListener,
): Promise<SyncRunReport> {
  const started = performance.now();
  const finish = (fields: Fields) => reportOf(planned, started, fields);
  const refusal = refusalBeforeStart(planned);
  if (refusal) return finish({ status: 'refused', error: refusal });
  let rejectsFile: { rejectsFile?: string } = {};
  let session: DestinationSession;
  try {
    if (planned.rejections.length) rejectsFile = { rejectsFile: await writeRejectsFile(options.rejectsDir, planned.name, options.runId, planned.rejections) };
    // A sync without changes still takes the lock when the plan saw staging tables of a dead run: it drops them.
    const leftoversSeen = planned.diagnostics.some((diagnostic) => diagnostic.code === 'PSSYNC_W_STAGING_LEFTOVER');
    if (!syncHasChanges(planned) && !leftoversSeen) return finish({ status: 'unchanged', ...rejectsFile });
    session = await sessionFor(planned.destination);
  } catch (error) {
    return finish({ status: 'failed', error: failure(error), ...rejectsFile });
  }
  return new SyncWrite(planned, table, session, options, onProgress, started, rejectsFile).run();
}

/** The write phase of one sync, under the table lock: the state its steps share. */
class SyncWrite {
  /** The plan applied: the given one, or the fresh one when the table was planned again. */
  private sync: SyncPlan;
  private runner?: StatementRunner;
  private writer?: Writer;
  private strategy: 'staging' | 'direct' = 'direct';
  /** Whether the table's DDL (which this sync carries, if any) has yet to run. */
  private ddlPending: boolean;
  private step: ProgressStep = 'stage';
  private readonly droppedLeftovers: string[] = [];

  constructor(
    planned: SyncPlan,
    private readonly table: TableRun,
    private readonly session: DestinationSession,
    private readonly options: SyncApplyOptions,
    private readonly onProgress: ProgressListener,
    private readonly started: number,
    private readonly rejectsFile: { rejectsFile?: string },
  ) {
    this.sync = planned;
    this.ddlPending = planned.schema.change !== undefined;
  }

  async run(): Promise<SyncRunReport> {
    try {
      const lock = await this.lockTable();
      if (!(await this.planIsCurrent())) return this.finish({ status: 'unchanged' });
      const chosen = chooseStrategy(this.sync);
      if (typeof chosen !== 'string') return this.finish({ status: 'refused', error: chosen });
      this.strategy = chosen;
      const context = await this.openRunner(lock);
      await this.dropLeftovers();
      if (!syncHasChanges(this.sync)) return this.finish({ status: 'unchanged' });
      await this.prepareWriter(context);
      await this.runDdl();
      await this.writer!.write();
      // What the server did (every statement's row count was checked), not what was planned.
      return this.finish({ status: 'applied', strategy: this.strategy, ...this.runner!.written.report() });
    } catch (error) {
      // The table's later syncs need the lock and the DDL this sync carried: they are not started.
      if (this.ddlPending || !this.table.locked) this.table.block(error, this.sync.name);
      return this.finish({ status: 'failed', ...(this.writer ? { strategy: this.strategy } : {}), error: failure(error) });
    } finally {
      if (this.writer) {
        this.progress({ sync: this.sync.name, step: 'cleanup' });
        await this.writer.cleanup().catch(() => undefined);
      }
    }
  }

  private progress: ProgressListener = (event) => {
    this.step = event.step;
    this.onProgress(event);
  };

  private lockTable(): Promise<TableLock> {
    const { lockTimeoutSeconds } = this.options;
    return this.table.acquire(this.session.db, {
      database: this.session.database,
      timeoutSeconds: lockTimeoutSeconds ?? 0,
      onWait: (holder) => this.progress({ sync: this.sync.name, step: 'stage', message: `waiting up to ${lockTimeoutSeconds} s for ${holder}` }),
    });
  }

  /** False when another apply already did this sync's work; throws when the plan is stale. */
  private async planIsCurrent(): Promise<boolean> {
    await this.table.checkCurrent(this.session.db, this.session.dialect, this.options.replan);
    if (this.table.isUnchanged(this.sync)) return false;
    this.sync = this.table.planFor(this.sync);
    this.ddlPending = this.sync.schema.change !== undefined;
    return true;
  }

  private async openRunner(lock: TableLock): Promise<WriteContext> {
    const { db, dialect } = this.session;
    const runner = new StatementRunner(db, {
      lock,
      ...(this.options.retryPolicy ? { policy: this.options.retryPolicy } : {}),
      onRetry: (event) => this.progress({ sync: this.sync.name, step: this.step, message: `${event.classification.reason}: retrying (attempt ${event.attempt + 1})` }),
    });
    this.runner = runner;
    return { db, dialect, plan: this.sync, runId: this.options.runId, maxAllowedPacket: await maxAllowedPacket(runner), run: runner, onProgress: this.progress };
  }

  /** Holding the table's lock, any staging table of this table belongs to a dead run. */
  private async dropLeftovers(): Promise<void> {
    const runner = this.runner!;
    for (const leftover of await listStagingTables(runner.asDb(), stagingPrefixFor(this.sync.table, this.sync.partition))) {
      await runner.execute(dropTableSql(leftover), [], { label: `dropping staging table \`${leftover}\` left by an earlier run` });
      this.droppedLeftovers.push(leftover);
    }
  }

  private async prepareWriter(context: WriteContext): Promise<void> {
    this.writer = this.strategy === 'direct' ? directWriter(context) : stagingWriter(context);
    this.progress({ sync: this.sync.name, step: 'stage', done: 0 });
    try {
      await this.writer.prepare();
    } catch (error) {
      if (!this.session.dialect.isDdlRefused(error)) throw error;
      // The staging table is DDL too. Without DDL in the plan, auto falls back to DML only.
      if (this.sync.strategy !== 'auto' || this.sync.schema.ddl.length > 0) throw ddlRefused(this.sync.schema.ddl, this.sync.strategy);
      this.strategy = 'direct';
      this.writer = directWriter(context);
    }
  }

  private async runDdl(): Promise<void> {
    const { change, ddl } = this.sync.schema;
    if (!change) return;
    this.progress({ sync: this.sync.name, step: 'ddl', message: ddl[0]!.split('\n')[0] });
    await runSchemaChange(this.runner!, this.session.dialect, change, ddl);
    this.ddlPending = false;
  }

  private finish(fields: Fields): SyncRunReport {
    const runner = this.runner;
    return reportOf(this.sync, this.started, {
      ...(runner
        ? {
            statements: runner.statements,
            maxStatementMs: Math.round(runner.maxStatementMs),
            medianStatementMs: Math.round(median(runner.statementMs)),
            maxRowsPerStatement: runner.maxRowsPerStatement,
          }
        : {}),
      ...this.rejectsFile,
      ...(this.droppedLeftovers.length ? { droppedLeftovers: [...this.droppedLeftovers] } : {}),
      ...(runner?.retries ? { retries: runner.retries } : {}),
      ...(runner?.reconnects ? { reconnects: runner.reconnects } : {}),
      ...fields,
    });
  }
}

function reportOf(sync: SyncPlan, started: number, fields: Fields): SyncRunReport {
  return {
    name: sync.name,
    table: sync.table,
    ddl: sync.schema.ddl,
    rows: { insert: 0, update: 0, delete: 0 },
    statements: 0,
    maxStatementMs: 0,
    medianStatementMs: 0,
    maxRowsPerStatement: 0,
    elapsedMs: Math.round(performance.now() - started),
    ...fields,
  };
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
