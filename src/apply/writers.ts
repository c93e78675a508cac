/** The interface both writers (staging, direct) implement, and what they are given. */
import type { Db } from '../db/connection.js';
import type { Dialect } from '../dialect/dialect.js';
import type { SyncPlan } from '../plan/plan.js';
import type { ProgressListener } from '../progress.js';
import type { StatementRunner } from './statement-runner.js';

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

