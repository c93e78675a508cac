/** The table lock against a fake connection: names, fail fast, waiting, loss, release. */
import { describe, expect, it } from 'vitest';
import { acquireTableLock, lockName } from '../../../src/apply/lock.js';
import type { Db, SqlValue } from '../../../src/db/connection.js';

class LockDb implements Db {
  readonly queries: Array<[string, readonly SqlValue[]]> = [];
  open = true;
  closed = false;

  constructor(private readonly answers: (sql: string, params: readonly SqlValue[]) => (string | null)[][]) {}

  async query(sql: string, params: readonly SqlValue[] = []) {
    this.queries.push([sql, params]);
    return this.answers(sql, params);
  }
  async execute() {
    return 0;
  }
  async close() {
    this.closed = true;
  }
  isOpen() {
    return this.open;
  }
}

describe('lockName', () => {
  it('is readable when it fits in 64 ASCII characters, a hash otherwise', () => {
    expect(lockName('analytics', 'customer_ltv')).toBe('pssync:analytics.customer_ltv');
    const long = lockName('analytics', 'x'.repeat(64));
    expect(long).toMatch(/^pssync:[0-9a-f]{40}$/);
    expect(lockName('analytics', 'тест')).toMatch(/^pssync:[0-9a-f]{40}$/);
    expect(lockName('analytics', 'x'.repeat(64))).not.toBe(lockName('analytics', `${'x'.repeat(63)}y`));
  });
});

describe('acquireTableLock', () => {
  it('takes the lock with a bare GET_LOCK and releases it, closing its own connection', async () => {
    const db = new LockDb((sql) => (sql.startsWith('SELECT GET_LOCK') ? [['1']] : [['1']]));
    const lock = await acquireTableLock(db, 'analytics', 't', { timeoutSeconds: 0, ownsConnection: true });
    expect(lock.waited).toBe(false);
    expect(db.queries[0]).toEqual(['SELECT GET_LOCK(?, ?)', ['pssync:analytics.t', 0]]);
    lock.assertHeld();
    await lock.release();
    expect(db.queries.at(-1)).toEqual(['SELECT RELEASE_LOCK(?)', ['pssync:analytics.t']]);
    expect(db.closed).toBe(true);
  });

  it('fails fast with PSSYNC_E_LOCKED naming the holder, and closes its connection', async () => {
    const db = new LockDb((sql) => {
      if (sql.startsWith('SELECT GET_LOCK')) return [['0']];
      if (sql.startsWith('SELECT IS_USED_LOCK')) return [['42']];
      return [['app', '10.0.0.9:51234']];
    });
    const error = await acquireTableLock(db, 'analytics', 't', { timeoutSeconds: 0, ownsConnection: true }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'PSSYNC_E_LOCKED' });
    expect((error as Error).message).toContain('is being applied by another apply on database connection 42 (app@10.0.0.9:51234)');
    expect((error as Error).message).toContain('--lock-timeout');
    expect(db.queries.filter(([sql]) => sql.startsWith('SELECT GET_LOCK'))).toHaveLength(1);
    expect(db.closed).toBe(true);
  });

  it('says "another apply" when PROCESSLIST is not visible (PlanetScale)', async () => {
    const db = new LockDb((sql) => {
      if (sql.startsWith('SELECT GET_LOCK')) return [['0']];
      if (sql.startsWith('SELECT IS_USED_LOCK')) return [['42']];
      throw new Error('Access denied; you need the PROCESS privilege');
    });
    await expect(acquireTableLock(db, 'analytics', 't', { timeoutSeconds: 0, ownsConnection: false })).rejects.toThrow('another apply on database connection 42 (lock');
    expect(db.closed).toBe(false);
  });

  it('with a timeout: tries at once, then waits (telling who it waits for) and reports that it waited', async () => {
    let attempts = 0;
    const db = new LockDb((sql, params) => {
      if (sql.startsWith('SELECT GET_LOCK')) return [[++attempts === 1 && params[1] === 0 ? '0' : '1']];
      if (sql.startsWith('SELECT IS_USED_LOCK')) return [['7']];
      return [];
    });
    const waits: string[] = [];
    const lock = await acquireTableLock(db, 'analytics', 't', { timeoutSeconds: 30, ownsConnection: true, onWait: (holder) => waits.push(holder) });
    expect(lock.waited).toBe(true);
    expect(waits).toEqual(['another apply on database connection 7']);
    expect(db.queries.filter(([sql]) => sql.startsWith('SELECT GET_LOCK')).map(([, params]) => params[1])).toEqual([0, 30]);
    await lock.release();
  });

  it('after waiting in vain: PSSYNC_E_LOCKED saying how long it waited', async () => {
    const db = new LockDb((sql) => (sql.startsWith('SELECT GET_LOCK') ? [['0']] : [[null]]));
    await expect(acquireTableLock(db, 'analytics', 't', { timeoutSeconds: 5, ownsConnection: true })).rejects.toThrow('waited 5 s; nothing was written');
  });

  it('the lock is lost with its connection: assertHeld throws PSSYNC_E_LOCKED', async () => {
    const db = new LockDb(() => [['1']]);
    const lock = await acquireTableLock(db, 'analytics', 't', { timeoutSeconds: 0, ownsConnection: true });
    db.open = false;
    expect(() => lock.assertHeld()).toThrow(/lost the lock on table `t` \(its connection was closed\)/);
    await lock.release();
    expect(db.queries.some(([sql]) => sql.startsWith('SELECT RELEASE_LOCK'))).toBe(false);
    expect(db.closed).toBe(true);
  });

  it('a failed keep-alive ping also counts as lost', async () => {
    let fail = false;
    const db = new LockDb((sql) => {
      if (fail && sql === 'SELECT 1') throw new Error('Connection lost: The server closed the connection.');
      return [['1']];
    });
    const lock = await acquireTableLock(db, 'analytics', 't', { timeoutSeconds: 0, ownsConnection: true, keepAliveMs: 5 });
    fail = true;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(() => lock.assertHeld()).toThrow(/lost the lock on table `t` \(Connection lost/);
    await lock.release();
  });
});
