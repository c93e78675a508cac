/**
 * Runs one sync's statements on its write connection: retries transient failures (reconnecting
 * first when the connection was lost), checks every write's row count against what it was meant
 * to change, checks the table lock is still held, and keeps the statement figures for the report.
 */
import type { Db, SqlRow, SqlValue, WriteOutcome } from '../db/connection.js';
import { classifyError, type ErrorClass } from '../dialect/error-class.js';
import { errorNumber, type Dialect } from '../dialect/dialect.js';
import { errorMessage, PssyncError } from '../model/errors.js';
import type { SyncPlan } from '../plan/plan.js';
import type { ProgressListener } from '../progress.js';
import { DEFAULT_RETRY_POLICY, RetryBudget, withRetry, type RetryEvent, type RetryPolicy } from './retry.js';
import { judgeWrite, rowCountError, RowTally, type CountedWrite, type RowCounts } from './row-count.js';

/** A duplicate key: on a retry of an INSERT whose COMMIT's answer was lost, maybe its own rows. */
const ER_DUP_ENTRY = 1062;

export interface StatementOptions {
  /** What the statement does, for error messages: "merging rows 1–5,000 into `t`". */
  readonly label?: string;
  /**
   * An error that means "already done" when it comes on a retry: the first attempt committed,
   * then the connection died before the answer arrived (CREATE TABLE → 1050, ADD COLUMN → 1060).
   */
  readonly doneOnRetry?: (error: unknown) => boolean;
  /** The writer can send these rows in smaller statements (see `mustShrink`). */
  readonly shrinkable?: boolean;
  /** Rows the statement writes, for the report's rows per statement. */
  readonly rows?: number;
  /** Run even when the table lock was lost (dropping this run's own staging table). */
  readonly ignoreLock?: boolean;
  /**
   * What the statement must do to the rows: it then runs in a transaction of its own and is
   * committed only when the server's row count is the planned one (row-count.ts); what it did is
   * added to `written`.
   */
  readonly count?: CountedWrite;
}

export interface RunnerOptions {
  readonly policy?: RetryPolicy;
  /** Checked before every statement: writing without the table lock is never allowed. */
  readonly lock?: { assertHeld(): void };
  /** Told about every retry (progress output). */
  readonly onRetry?: (event: RetryEvent) => void;
}

/**
 * A statement of this many bytes whose connection dies twice in a row is probably over the
 * server's packet limit (MySQL and MariaDB hang up without an error when the packet is too big).
 */
const SUSPECT_PACKET_BYTES = 256 * 1024;

/**
 * Runs statements one at a time (each its own transaction), measures them, and retries transient
 * failures with backoff, reconnecting first when the connection was lost. A row write commits only
 * when it affected the planned rows. Sending one again after an unknown outcome (the COMMIT's
 * answer was lost) cannot duplicate or lose a row, nor count one twice: updates and deletes by key
 * find their rows done, an insert that meets its own rows (all of them there) is done, staging
 * inserts skip rows already staged.
 */
export class StatementRunner {
  statements = 0;
  maxStatementMs = 0;
  /** Duration of every statement (each its own transaction), for the report's median. */
  readonly statementMs: number[] = [];
  maxRowsPerStatement = 0;
  retries = 0;
  reconnects = 0;
  /** Rows the committed statements inserted, updated and deleted. */
  readonly written = new RowTally();
  private reconnectNeeded = false;
  private readonly budget: RetryBudget;

  constructor(
    private readonly db: Db,
    private readonly options: RunnerOptions = {},
    budget?: RetryBudget,
  ) {
    this.budget = budget ?? new RetryBudget((options.policy ?? DEFAULT_RETRY_POLICY).retriesPerSync);
  }

  /**
   * A runner on a second connection to the same destination — same lock check, retry policy and
   * retry budget — for a writer that sends independent statements in parallel (issue 7: two
   * insert streams keep two server cores busy). Undefined when the connection cannot be forked.
   * `absorb` adds its statements to this runner's report; `close` closes its connection.
   */
  async fork(): Promise<StatementRunner | undefined> {
    if (!this.db.fork) return undefined;
    return new StatementRunner(await this.db.fork(), this.options, this.budget);
  }

  absorb(other: StatementRunner): void {
    this.statements += other.statements;
    this.maxStatementMs = Math.max(this.maxStatementMs, other.maxStatementMs);
    for (const ms of other.statementMs) this.statementMs.push(ms);
    this.maxRowsPerStatement = Math.max(this.maxRowsPerStatement, other.maxRowsPerStatement);
    this.retries += other.retries;
    this.reconnects += other.reconnects;
    this.written.add(other.written);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async execute(sql: string, params: readonly SqlValue[] = [], options: StatementOptions = {}): Promise<{ affected: number; elapsedMs: number }> {
    let connectionLosses = 0;
    /** An earlier attempt sent its COMMIT and lost the connection before the answer. */
    let uncertain = false;
    const count = options.count;
    return this.attempt(options, async (attempt) => {
      const started = performance.now();
      const commit = { sent: false };
      try {
        if (count) {
          const { affected, counts } = await this.counted(sql, params, count, uncertain, commit, options.label);
          this.written.add(counts);
          return this.measured(affected, started, options.rows);
        }
        const affected = await this.db.execute(sql, params);
        return this.measured(affected, started, options.rows);
      } catch (error) {
        if (attempt > 1 && options.doneOnRetry?.(error)) return this.measured(0, started);
        // The lost COMMIT did commit: every row is there. Counted once, here.
        if (uncertain && count?.present && errorNumber(error) === ER_DUP_ENTRY && (await count.present()) === count.rows) {
          this.written.add({ insert: count.rows });
          return this.measured(count.rows, started, options.rows);
        }
        const classification = classifyError(error);
        if (classification.kind === 'transient' && classification.reconnect) connectionLosses += 1;
        if (classification.reconnect && commit.sent) uncertain = true;
        if (options.shrinkable && connectionLosses >= 2 && Buffer.byteLength(sql) >= SUSPECT_PACKET_BYTES) {
          throw new StatementTooLarge(Buffer.byteLength(sql), error);
        }
        throw error;
      }
    });
  }

  /**
   * One row write in a transaction of its own, committed only when the server's count is the
   * planned one; otherwise rolled back, and PSSYNC_E_ROW_COUNT names the keys.
   */
  private async counted(
    sql: string,
    params: readonly SqlValue[],
    count: CountedWrite,
    uncertain: boolean,
    commit: { sent: boolean },
    label = 'a write',
  ): Promise<{ affected: number; counts: Partial<RowCounts> }> {
    await this.db.execute('START TRANSACTION');
    let outcome: WriteOutcome;
    try {
      outcome = this.db.write ? await this.db.write(sql, params) : { affectedRows: await this.db.execute(sql, params), info: '' };
    } catch (error) {
      await this.db.execute('ROLLBACK').catch(() => undefined);
      throw error;
    }
    const judged = judgeWrite(count, outcome, uncertain);
    if (!judged.ok) {
      await this.db.execute('ROLLBACK');
      const keys = await count.keys().catch(() => ({ keys: [], missing: false }));
      throw rowCountError(count.table, label, count, judged.did, keys);
    }
    commit.sent = true;
    await this.db.execute('COMMIT');
    return { affected: outcome.affectedRows, counts: judged.counts };
  }

  /** A read, retried like a statement (reads are always safe to repeat). */
  async query(sql: string, params: readonly SqlValue[] = [], options: StatementOptions = {}): Promise<SqlRow[]> {
    return this.attempt(options, () => this.db.query(sql, params));
  }

  /** A Db whose reads and writes go through this runner (for helpers that take a Db). */
  asDb(): Db {
    return {
      query: (sql, params) => this.query(sql, params),
      execute: async (sql, params) => (await this.execute(sql, params)).affected,
      close: () => this.db.close(),
    };
  }

  private measured(affected: number, started: number, rows = 0): { affected: number; elapsedMs: number } {
    const elapsedMs = performance.now() - started;
    this.statements += 1;
    this.maxStatementMs = Math.max(this.maxStatementMs, elapsedMs);
    this.statementMs.push(elapsedMs);
    this.maxRowsPerStatement = Math.max(this.maxRowsPerStatement, rows);
    return { affected, elapsedMs };
  }

  private async attempt<T>(options: StatementOptions, work: (attempt: number) => Promise<T>): Promise<T> {
    try {
      return await withRetry(
        async (attempt) => {
          if (!options.ignoreLock) this.options.lock?.assertHeld();
          if (this.reconnectNeeded || (this.db.isOpen && !this.db.isOpen())) {
            if (this.db.reconnect) {
              await this.db.reconnect();
              this.reconnects += 1;
            }
            this.reconnectNeeded = false;
          }
          try {
            return await work(attempt);
          } catch (error) {
            if (classifyError(error).reconnect) this.reconnectNeeded = true;
            throw error;
          }
        },
        {
          ...(this.options.policy ? { policy: this.options.policy } : {}),
          budget: this.budget,
          onFailure: (event) => {
            if (!event.willRetry) return;
            this.retries += 1;
            this.options.onRetry?.(event);
          },
        },
      );
    } catch (error) {
      throw describeFailure(error, options.label);
    }
  }
}

/** Raised instead of a second lost connection for a big statement: send it in smaller pieces. */
export class StatementTooLarge extends Error {
  readonly errno = 1153;
  readonly code = 'ER_NET_PACKET_TOO_LARGE';

  constructor(bytes: number, cause: unknown) {
    super(`the connection was lost twice while sending a ${Math.round(bytes / 1024)} KiB statement; the server probably refuses packets this large (max_allowed_packet)`, { cause });
    this.name = 'StatementTooLarge';
  }
}

/** Whether a failed statement should be sent again as smaller statements. */
export function mustShrink(error: unknown): boolean {
  return classifyOf(error).kind === 'shrink';
}

/** The classification of a failure, looking through the label added by the runner. */
export function classifyOf(error: unknown): ErrorClass {
  return classifyError(error instanceof StatementFailed ? error.cause : error);
}

/** A failed statement, with what it was doing and how the error was judged; keeps errno/code. */
export class StatementFailed extends Error {
  declare readonly cause: unknown;
  readonly errno: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'StatementFailed';
    this.errno = (cause as { errno?: number }).errno;
    this.code = (cause as { code?: string }).code;
  }
}

function describeFailure(error: unknown, label: string | undefined): unknown {
  if (error instanceof PssyncError || error instanceof StatementFailed) return error;
  if (!label) return error;
  const classification = classifyError(error);
  const judged = classification.kind === 'permanent' ? `permanent error: ${classification.reason}` : `${classification.reason}, gave up retrying`;
  return new StatementFailed(`${label} failed (${judged}): ${errorMessage(error)}`, error);
}
