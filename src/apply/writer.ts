/** The interface both writers (staging, direct) implement, and the shared statement runner. */
import type { Db, SqlValue } from '../db/connection.js';
import type { Dialect } from '../dialect/dialect.js';
import type { SyncPlan } from '../plan/plan.js';
import type { ProgressListener } from '../progress.js';

export interface WriteContext {
  readonly db: Db;
  readonly dialect: Dialect;
  readonly plan: SyncPlan;
  readonly runId: string;
  readonly maxAllowedPacket: number;
  readonly run: StatementRunner;
  readonly onProgress: ProgressListener;
}

export interface Writer {
  /** Work before DDL: nothing in the destination table changes (staging load). */
  prepare(): Promise<void>;
  /** Writes the planned row operations into the destination table. */
  write(): Promise<void>;
  /** Always runs, also after a failure. */
  cleanup(): Promise<void>;
}

/** Runs statements one at a time (each its own autocommit transaction) and measures them. */
export class StatementRunner {
  statements = 0;
  maxStatementMs = 0;

  constructor(private readonly db: Db) {}

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<{ affected: number; elapsedMs: number }> {
    const started = performance.now();
    const affected = await this.db.execute(sql, params);
    const elapsedMs = performance.now() - started;
    this.statements += 1;
    this.maxStatementMs = Math.max(this.maxStatementMs, elapsedMs);
    return { affected, elapsedMs };
  }
}
