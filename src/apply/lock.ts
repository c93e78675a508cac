/**
 * One apply per table at a time: a named advisory lock, taken with a bare
 * `SELECT GET_LOCK(name, timeout)` (the only form Vitess allows).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.js';
import { PssyncError } from '../model/errors.js';

/** Lock names are limited to 64 characters; a hash keeps long database/table names apart. */
export function lockName(database: string, table: string): string {
  const readable = `pssync:${database}.${table}`;
  if (readable.length <= 64) return readable;
  return `pssync:${createHash('sha256').update(`${database}.${table}`).digest('hex').slice(0, 40)}`;
}

export async function acquireTableLock(db: Db, database: string, table: string, timeoutSeconds: number): Promise<() => Promise<void>> {
  const name = lockName(database, table);
  const [row] = await db.query('SELECT GET_LOCK(?, ?)', [name, timeoutSeconds]);
  if (row?.[0] !== '1') {
    const [holder] = await db.query('SELECT IS_USED_LOCK(?)', [name]);
    const who = holder?.[0] ? `database connection ${holder[0]}` : 'another session';
    throw new PssyncError('PSSYNC_E_LOCKED', `table \`${table}\` is being applied by ${who} (lock "${name}"); try again when it finishes`, { table, lock: name });
  }
  return async () => {
    await db.query('SELECT RELEASE_LOCK(?)', [name]);
  };
}
