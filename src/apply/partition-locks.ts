/**
 * Locks of partitioned applies (`--partition K/N`, issue 15). GET_LOCK has exclusive locks only;
 * a shared "some partition is being applied" is built from two kinds:
 *   - the table's lock (lockName) is the gate: a full apply holds it to the end; a partitioned
 *     apply holds it only while it checks and takes its partition's lock (`…#K/N`);
 *   - under the gate, a partitioned apply refuses when its own partition, or any partition of
 *     another N (whose keys overlap its own), is held; a full apply waits, holding the gate (no
 *     new partition can start), until no partition lock of the table is held.
 * So the N workers of one split never wait for each other, and a full apply and a partitioned one
 * of the same table exclude each other. Every check is IS_USED_LOCK, in SELECTs of a few hundred.
 */
import type { Db } from '../db/connection.js';
import { MAX_PARTITIONS, describePartition, type Partition } from '../model/partition.js';
import { PssyncError } from '../model/errors.js';
import { acquireTableLock, partitionLockName, type TableLock } from './lock.js';

export interface LockTableOptions {
  readonly timeoutSeconds: number;
  readonly ownsConnection: boolean;
  readonly onWait?: (holder: string) => void;
  readonly partition?: Partition;
}

/** Polls for partition locks to be let go this often (a full apply waiting for its table). */
const POLL_MS = 500;
const NAMES_PER_QUERY = 400;
/** How long a partitioned apply waits for the gate at least: siblings hold it for a few queries. */
const SIBLING_GATE_SECONDS = 15;

export async function lockTableOrPartition(db: Db, database: string, table: string, options: LockTableOptions): Promise<TableLock> {
  const { partition } = options;
  if (partition && partition.count > 1) return lockPartition(db, database, table, { ...options, partition });
  const gate = await acquireTableLock(db, database, table, options);
  try {
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    for (;;) {
      const held = await heldLocks(db, allPartitionLocks(database, table));
      if (held.length === 0) return gate;
      if (Date.now() >= deadline) throw busy(table, `${held.length} partitioned apply(ies) (${held.slice(0, 3).join(', ')})`, options.timeoutSeconds);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    await gate.release();
    throw error;
  }
}

async function lockPartition(db: Db, database: string, table: string, options: LockTableOptions & { partition: Partition }): Promise<TableLock> {
  const { partition } = options;
  // Through the gate, which a sibling holds for a moment only: it waits at least that long (a full
  // apply holds it to its end: up to --lock-timeout).
  const { onWait, ...rest } = options;
  const gate = await acquireTableLock(db, database, table, { ...rest, ...(options.timeoutSeconds > 0 && onWait ? { onWait } : {}), ownsConnection: false, timeoutSeconds: Math.max(options.timeoutSeconds, SIBLING_GATE_SECONDS) });
  try {
    const own = partitionLockName(database, table, partition);
    const overlapping = allPartitionLocks(database, table).filter((name) => name === own || !name.endsWith(`/${partition.count}`));
    const held = await heldLocks(db, overlapping);
    if (held.length > 0) {
      const what = held.includes(own) ? `another apply of ${describePartition(partition)}` : `a partitioned apply with another number of partitions (${held.slice(0, 3).join(', ')}), whose rows overlap these`;
      throw busy(table, what, 0);
    }
    return await acquireTableLock(db, database, table, { ...options, name: own, timeoutSeconds: 0 });
  } catch (error) {
    if (options.ownsConnection) await db.close().catch(() => undefined);
    throw error;
  } finally {
    await gate.release();
  }
}

/** Every partition lock name of a table: `#K/N` for 2 ≤ N ≤ MAX_PARTITIONS. */
function allPartitionLocks(database: string, table: string): string[] {
  const names: string[] = [];
  for (let count = 2; count <= MAX_PARTITIONS; count += 1) {
    for (let index = 1; index <= count; index += 1) names.push(partitionLockName(database, table, { index, count }));
  }
  return names;
}

async function heldLocks(db: Db, names: readonly string[]): Promise<string[]> {
  const held: string[] = [];
  for (let start = 0; start < names.length; start += NAMES_PER_QUERY) {
    const chunk = names.slice(start, start + NAMES_PER_QUERY);
    const [row] = await db.query(`SELECT ${chunk.map(() => 'IS_USED_LOCK(?)').join(', ')}`, chunk);
    chunk.forEach((name, index) => {
      if (row?.[index] !== null && row?.[index] !== undefined) held.push(name);
    });
  }
  return held;
}

function busy(table: string, what: string, waited: number): PssyncError {
  const waitedText = waited > 0 ? `waited ${waited} s; ` : '';
  return new PssyncError('PSSYNC_E_LOCKED', `table \`${table}\` is being applied by ${what}; ${waitedText}nothing was written. Try again when it finishes, or wait for it with --lock-timeout SECONDS`, { table });
}
