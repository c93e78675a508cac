/** Locks taken before planning, against fake connections: order, one per table, release on refusal. */
import { describe, expect, it } from 'vitest';
import type { DestinationSession } from '../../../src/apply/executor.js';
import { lockTables } from '../../../src/apply/table-locks.js';
import type { Db, SqlValue } from '../../../src/db/connection.js';
import { mysqlDialect } from '../../../src/dialect/mysql.js';

/** One server: every fork is a connection of its own; GET_LOCK fails for the names in `taken`. */
function server(taken: ReadonlySet<string> = new Set()) {
  const log: string[] = [];
  let connections = 0;
  const connection = (id: number): Db => ({
    async query(sql: string, params: readonly SqlValue[] = []) {
      log.push(`${id} ${sql} ${params[0] ?? ''}`);
      if (sql.startsWith('SELECT GET_LOCK')) return [[taken.has(String(params[0])) ? '0' : '1']];
      // The holder's connection id for each name asked about, NULL for a free lock.
      if (sql.startsWith('SELECT IS_USED_LOCK')) return [params.map((name) => (taken.has(String(name)) ? '77' : null))];
      return [['1']];
    },
    async execute() {
      return 0;
    },
    async close() {
      log.push(`${id} close`);
    },
    async fork() {
      connections += 1;
      return connection(connections);
    },
    isOpen: () => true,
  });
  const session: DestinationSession = { db: connection(0), dialect: mysqlDialect('8.0.36'), database: 'shop' };
  return { log, sessionFor: async () => session };
}

describe('lockTables', () => {
  it('takes one lock per table (names compared case-insensitively), in the order of the lock names, each on its own connection', async () => {
    const { log, sessionFor } = server();
    const locks = await lockTables(
      [
        { destination: 'db', table: 'users' },
        { destination: 'db', table: 'members' },
        { destination: 'db', table: 'Members' },
      ],
      sessionFor,
      { timeoutSeconds: 0 },
    );
    expect(log.filter((line) => line.includes('GET_LOCK'))).toEqual(['1 SELECT GET_LOCK(?, ?) pssync:shop.members', '2 SELECT GET_LOCK(?, ?) pssync:shop.users']);
    expect(locks.get('db', 'MEMBERS')).toBeDefined();
    expect(locks.get('db', 'orders')).toBeUndefined();
    await locks.releaseAll();
    await locks.releaseAll(); // once is enough: the second call sends nothing
    expect(log.filter((line) => line.includes('RELEASE_LOCK')).sort()).toEqual(['1 SELECT RELEASE_LOCK(?) pssync:shop.members', '2 SELECT RELEASE_LOCK(?) pssync:shop.users']);
  });

  it('when one table is held by another apply: releases the locks it took and throws PSSYNC_E_LOCKED naming the table', async () => {
    const { log, sessionFor } = server(new Set(['pssync:shop.users']));
    const error = await lockTables(
      [
        { destination: 'db', table: 'users' },
        { destination: 'db', table: 'accounts' },
      ],
      sessionFor,
      { timeoutSeconds: 0 },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'PSSYNC_E_LOCKED' });
    expect(String((error as Error).message)).toContain('table `users` is being applied by another apply on database connection 77');
    expect(log).toContain('1 SELECT RELEASE_LOCK(?) pssync:shop.accounts');
    expect(log).toContain('1 close');
    expect(log).toContain('2 close');
  });
});
