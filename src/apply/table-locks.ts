/**
 * `pssync apply` takes the lock of every table it may write *before* it plans, and holds it to the
 * end: no other apply can change a table between this plan's read of it and its writes. (Locking
 * only at write time left a window: an apply that ran and finished between this plan's read and
 * its lock request made the plan stale unseen, and it was applied anyway.)
 *
 * Locks are taken in the order of their names, so two applies of overlapping sets of tables never
 * wait for each other in a cycle. When one cannot be had, the ones taken are released and the
 * apply stops before planning: nothing was read, nothing was written.
 */
import type { Db } from '../db/connection.js';
import { tableKey } from '../plan/table-plan.js';
import type { Partition } from '../model/partition.js';
import { lockName, type TableLock } from './lock.js';
import { lockTableOrPartition } from './partition-locks.js';

export interface LockTarget {
  readonly destination: string;
  readonly table: string;
}

/** Where a destination's locks are taken (a DestinationSession will do). */
export interface LockSession {
  readonly db: Db;
  readonly database: string;
}

export interface LockAllOptions {
  readonly timeoutSeconds: number;
  /** Told when this apply starts waiting for a table another apply holds. */
  readonly onWait?: (table: string, holder: string) => void;
  /** A partitioned apply locks its partition of each table (partition-locks.ts). */
  readonly partition?: Partition;
}

/** The locks one apply holds, by destination and table. */
export class HeldTableLocks {
  constructor(private readonly locks: ReadonlyMap<string, TableLock>) {}

  get(destination: string, table: string): TableLock | undefined {
    return this.locks.get(tableKey({ destination, table }));
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.locks.values()].map((lock) => lock.release()));
  }
}

export async function lockTables(
  targets: readonly LockTarget[],
  sessionFor: (destination: string) => Promise<LockSession>,
  options: LockAllOptions,
): Promise<HeldTableLocks> {
  const unique = new Map<string, LockTarget & { session: LockSession; name: string }>();
  for (const target of targets) {
    const key = tableKey(target);
    if (unique.has(key)) continue;
    const session = await sessionFor(target.destination);
    unique.set(key, { ...target, session, name: lockName(session.database, target.table) });
  }
  const ordered = [...unique.entries()].sort(([, a], [, b]) => compare(a.name, b.name) || compare(a.destination, b.destination));
  const held = new Map<string, TableLock>();
  try {
    for (const [key, target] of ordered) {
      // Each lock on a connection of its own: the write connection may be lost and reopened.
      const { db } = target.session;
      const lockDb = db.fork ? await db.fork() : db;
      const lock = await lockTableOrPartition(lockDb, target.session.database, target.table, {
        timeoutSeconds: options.timeoutSeconds,
        ownsConnection: lockDb !== db,
        onWait: (holder) => options.onWait?.(target.table, holder),
        ...(options.partition ? { partition: options.partition } : {}),
      });
      held.set(key, lock);
    }
  } catch (error) {
    await Promise.all([...held.values()].map((lock) => lock.release()));
    throw error;
  }
  return new HeldTableLocks(held);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
