/**
 * One apply per table at a time: a named advisory lock, taken with a bare
 * `SELECT GET_LOCK(name, timeout)` (the only form Vitess allows), held on a connection of its own
 * for the whole apply of the table. The lock lives as long as that connection: if it is lost,
 * another apply may start, so the writer checks `assertHeld()` before every statement and stops.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.js';
import { errorMessage, PssyncError } from '../model/errors.js';
import type { Partition } from '../model/partition.js';

/** Lock names are limited to 64 characters; a hash keeps long database/table names apart. */
export function lockName(database: string, table: string): string {
  const readable = `pssync:${database}.${table}`;
  // Characters, not UTF-16 units, count for MySQL; ASCII-only readable names keep it simple.
  if (readable.length <= 64 && /^[\x20-\x7e]*$/.test(readable)) return readable;
  return hashedName(database, table);
}

function hashedName(database: string, table: string): string {
  return `pssync:${createHash('sha256').update(`${database}.${table}`).digest('hex').slice(0, 40)}`;
}

/** The lock of one partition of a table: the table's lock name and `#K/N`. */
export function partitionLockName(database: string, table: string, partition: Partition): string {
  const suffix = `#${partition.index}/${partition.count}`;
  const base = lockName(database, table);
  return base.length + suffix.length <= 64 ? `${base}${suffix}` : `${hashedName(database, table)}${suffix}`;
}

export interface TableLock {
  readonly name: string;
  /** Whether another apply held the lock first and this one waited (its plan may be stale). */
  readonly waited: boolean;
  /** Throws PSSYNC_E_LOCKED when the lock's connection was lost (the lock went with it). */
  assertHeld(): void;
  /** Releases the lock and closes its connection (when it owns it). Never throws; once is enough. */
  release(): Promise<void>;
}

export interface LockOptions {
  readonly timeoutSeconds: number;
  /** The lock's connection is the lock's own: closed on release. */
  readonly ownsConnection: boolean;
  /** Pings the lock's connection so idle timeouts (wait_timeout) do not close it; default 60 s. */
  readonly keepAliveMs?: number;
  /** Told who holds the lock when this apply starts waiting for it. */
  readonly onWait?: (holder: string) => void;
  /** The lock's name (default: the table's, lockName). */
  readonly name?: string;
}

export async function acquireTableLock(db: Db, database: string, table: string, options: LockOptions): Promise<TableLock> {
  const name = options.name ?? lockName(database, table);
  const timeout = Math.max(0, Math.floor(options.timeoutSeconds));
  let waited = false;
  let holder: string | undefined;
  try {
    let [row] = await db.query('SELECT GET_LOCK(?, ?)', [name, 0]);
    if (row?.[0] !== '1' && timeout > 0) {
      holder = await describeHolder(db, name);
      options.onWait?.(holder);
      waited = true;
      [row] = await db.query('SELECT GET_LOCK(?, ?)', [name, timeout]);
    }
    if (row?.[0] !== '1') {
      holder = waited ? await describeHolder(db, name) : (holder ?? (await describeHolder(db, name)));
      const waitedText = waited ? `waited ${timeout} s; ` : '';
      throw new PssyncError(
        'PSSYNC_E_LOCKED',
        `table \`${table}\` is being applied by ${holder} (lock "${name}"); ${waitedText}nothing was written. Try again when it finishes, or wait for it with --lock-timeout SECONDS`,
        { table, lock: name },
      );
    }
  } catch (error) {
    if (options.ownsConnection) await db.close().catch(() => undefined);
    throw error;
  }

  let lostReason: string | undefined;
  let released = false;
  const keepAlive = setInterval(() => {
    db.query('SELECT 1').catch((error: unknown) => {
      lostReason ??= errorMessage(error);
    });
  }, options.keepAliveMs ?? 60_000);
  keepAlive.unref();

  return {
    name,
    waited,
    assertHeld() {
      if (lostReason === undefined && db.isOpen && !db.isOpen()) lostReason = 'its connection was closed';
      if (lostReason !== undefined) {
        throw new PssyncError(
          'PSSYNC_E_LOCKED',
          `lost the lock on table \`${table}\` (${lostReason}); stopped before the next statement so that two applies never write the table at once. Run apply again: it recomputes the diff and converges`,
          { table, lock: name },
        );
      }
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(keepAlive);
      try {
        if (lostReason === undefined && (!db.isOpen || db.isOpen())) await db.query('SELECT RELEASE_LOCK(?)', [name]);
      } catch {
        // Closing the connection releases it too.
      } finally {
        if (options.ownsConnection) await db.close().catch(() => undefined);
      }
    },
  };
}

/** "another apply on database connection 42 (app@10.0.0.5:51234)", as far as the server tells. */
async function describeHolder(db: Db, name: string): Promise<string> {
  try {
    const [holder] = await db.query('SELECT IS_USED_LOCK(?)', [name]);
    const id = holder?.[0];
    if (!id) return 'another session (it may have just finished)';
    try {
      const [process] = await db.query('SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
      if (process) return `another apply on database connection ${id} (${process[0]}@${process[1]})`;
    } catch {
      // PROCESSLIST may be hidden (PlanetScale, missing PROCESS privilege).
    }
    return `another apply on database connection ${id}`;
  } catch {
    return 'another session';
  }
}
