/**
 * The apply of one destination table: its syncs run one after the other under one table lock,
 * the table's DDL (carried by its first sync) runs once, and whether the plan is still current is
 * checked once, when the lock is first taken — so a later sync of the table never mistakes the
 * DDL this apply just ran for another writer's change. The CLI takes the lock before planning
 * (table-locks.ts) and hands it in; then no other apply can have changed the table since the plan.
 */
import type { Db } from '../db/connection.js';
import type { Dialect } from '../dialect/dialect.js';
import { introspectTable } from '../introspect/introspect.js';
import { isError } from '../model/diagnostic.js';
import { PssyncError } from '../model/errors.js';
import { operationsFingerprint, schemaFingerprint } from '../plan/fingerprint.js';
import { syncHasChanges, type SyncPlan } from '../plan/plan.js';
import { isRemainderOf } from '../plan/schema-change.js';
import { acquireTableLock, type TableLock } from './lock.js';

/** Plans the given syncs (one table's) again, together, as the pipeline would now. */
export type Replan = (syncs: readonly SyncPlan[]) => Promise<readonly SyncPlan[]>;

export interface TableLockOptions {
  readonly database: string;
  readonly timeoutSeconds: number;
  readonly onWait: (holder: string) => void;
}

export class TableRun {
  private lock?: TableLock;
  private pending: number;
  private checked = false;
  private fresh?: ReadonlyMap<string, SyncPlan>;
  private readonly unchanged = new Set<string>();
  /** Why the table's remaining syncs cannot run (lock refused, stale plan, DDL not run). */
  private blocked?: PssyncError;

  /** `heldSincePlan`: the table's lock, taken before the plan was made. */
  constructor(
    readonly syncs: readonly SyncPlan[],
    private readonly heldSincePlan?: TableLock,
  ) {
    this.pending = syncs.length;
    this.lock = heldSincePlan;
  }

  /** Takes the table lock the first time; later syncs of the table share it. */
  async acquire(db: Db, options: TableLockOptions): Promise<TableLock> {
    this.throwIfBlocked();
    if (this.lock) return this.lock;
    if (this.heldSincePlan) throw new PssyncError('PSSYNC_E_LOCKED', `the lock on table \`${this.syncs[0]!.table}\` was released before its syncs were done`);
    // The lock lives on a connection of its own for the whole apply of the table: the write
      // connection may be lost and reopened (retries), the lock must not go with it.
    const lockDb = db.fork ? await db.fork() : db;
    this.lock = await acquireTableLock(lockDb, options.database, this.syncs[0]!.table, {
      timeoutSeconds: options.timeoutSeconds,
      ownsConnection: lockDb !== db,
      onWait: options.onWait,
    });
    return this.lock;
  }

  get locked(): boolean {
    return this.lock !== undefined;
  }

  /**
   * Another apply may have changed the table since this plan read it: after waiting for the lock,
   * or when it finished just before this one asked. Then the table's syncs are planned again; the
   * fresh plans are applied when they write the same rows and their DDL asks for nothing the saved
   * one did not (the other apply made some of the same columns), else the syncs are refused as
   * stale — or reported unchanged, when the other apply already did their work.
   */
  async checkCurrent(db: Db, dialect: Dialect, replan: Replan | undefined): Promise<void> {
    this.throwIfBlocked();
    if (this.checked) return;
    this.checked = true;
    const first = this.syncs[0]!;
    const schemaNow = schemaFingerprint(await introspectTable(db, first.table, { jsonIsLongtext: dialect.caps.jsonIsLongtext }));
    // A lock held since before the plan: only a writer other than pssync can have changed the table.
    const otherApplyMayHaveRun = this.lock?.waited === true && !this.heldSincePlan;
    if (!replan || (!otherApplyMayHaveRun && schemaNow === first.fingerprints.schema)) return;
    const fresh = new Map((await replan(this.syncs)).map((sync) => [sync.name, sync]));
    const rowsOf = (sync: SyncPlan | undefined) => (sync ? operationsFingerprint([], sync.rows?.ops) : '');
    const changeOf = (syncs: Iterable<SyncPlan>) => [...syncs].find((sync) => sync.schema.change)?.schema.change;
    const sameRows = this.syncs.every((sync) => {
      const now = fresh.get(sync.name);
      return now !== undefined && !now.diagnostics.some(isError) && rowsOf(now) === rowsOf(sync);
    });
    if (sameRows && isRemainderOf(changeOf(fresh.values()), changeOf(this.syncs))) {
      this.fresh = fresh;
      return;
    }
    for (const sync of this.syncs) {
      const now = fresh.get(sync.name);
      if (now && !now.diagnostics.some(isError) && !syncHasChanges(now)) this.unchanged.add(sync.name);
    }
    if (this.syncs.every((sync) => this.unchanged.has(sync.name))) return;
    this.block(
      new PssyncError(
        'PSSYNC_E_PLAN_STALE',
        `another apply changed \`${first.table}\` ${this.lock?.waited && !this.heldSincePlan ? 'while this one waited for the table lock' : 'since this plan was made'}, so this plan is stale; nothing was written. Run apply again to plan against the new contents`,
        { table: first.table },
      ),
    );
    this.throwIfBlocked();
  }

  /** The plan to apply for a sync: the fresh one when the table was planned again. */
  planFor(sync: SyncPlan): SyncPlan {
    return this.fresh?.get(sync.name) ?? sync;
  }

  /** The other apply already did this sync's work. */
  isUnchanged(sync: SyncPlan): boolean {
    return this.unchanged.has(sync.name);
  }

  /**
   * A failure that leaves the table without its lock or its DDL stops the table's later syncs:
   * they report the lock or staleness refusal itself, or that they were not started.
   */
  block(error: unknown, by?: string): void {
    if (error instanceof PssyncError && (error.code === 'PSSYNC_E_LOCKED' || error.code === 'PSSYNC_E_PLAN_STALE')) this.blocked ??= error;
    this.blocked ??= new PssyncError('PSSYNC_E_NOT_STARTED', `not started: sync "${by}" of the same table \`${this.syncs[0]!.table}\` failed before the table's DDL ran`);
  }

  /** Called once per sync, whatever happened; the last one releases the lock. */
  async done(): Promise<void> {
    this.pending -= 1;
    if (this.pending === 0) await this.release();
  }

  async release(): Promise<void> {
    await this.lock?.release();
    this.lock = undefined;
  }

  private throwIfBlocked(): void {
    if (this.blocked) throw this.blocked;
  }
}
