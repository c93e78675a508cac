import { describe, expect, it } from 'vitest';
import type { Db, SqlRow } from '../../../src/db/connection.js';
import { readDestinationFacts } from '../../../src/introspect/destination-facts.js';

/** A Db that answers the facts' queries from a table of canned results, and records what it was sent. */
function fakeDb(version: [string, string], shards: SqlRow[] = []): Db & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async query(sql) {
      sent.push(sql);
      if (sql.startsWith('SELECT VERSION()')) return [version];
      if (sql === 'SELECT @@collation_database') return [['utf8mb4_0900_ai_ci']];
      if (/information_schema\.TABLES/i.test(sql)) return [['12']];
      if (sql === 'SHOW VITESS_SHARDS') return shards;
      throw new Error(`unexpected query ${sql}`);
    },
    execute: async () => 0,
    close: async () => undefined,
  };
}

const VITESS: [string, string] = ['8.0.31-vitess', 'PlanetScale'];
const SHARDS: SqlRow[] = [['commerce/0'], ['customer/-80'], ['customer/80-']];

describe('readDestinationFacts', () => {
  it('never sends SHOW VITESS_SHARDS to MySQL or MariaDB', async () => {
    for (const version of [['8.0.36', 'MySQL Community Server - GPL'], ['10.11.19-MariaDB-0+deb12u1', 'Debian 12']] as [string, string][]) {
      const db = fakeDb(version);
      const facts = await readDestinationFacts(db, { name: 'd', database: 'customer' });
      expect(facts.shardedKeyspace).toBeUndefined();
      expect(db.sent).not.toContain('SHOW VITESS_SHARDS');
      expect(facts.tableCount).toBe(12);
    }
  });

  it('learns from vtgate that the destination keyspace is sharded', async () => {
    const db = fakeDb(VITESS, SHARDS);
    const facts = await readDestinationFacts(db, { name: 'd', database: 'customer' });
    expect(facts.shardedKeyspace).toEqual({ keyspace: 'customer', shards: ['-80', '80-'] });
  });

  it('leaves an unsharded keyspace as it was', async () => {
    const facts = await readDestinationFacts(fakeDb(VITESS, SHARDS), { name: 'd', database: 'commerce' });
    expect(facts.shardedKeyspace).toBeUndefined();
  });

  it('does not ask when the destination targets one shard', async () => {
    const db = fakeDb(VITESS, SHARDS);
    const facts = await readDestinationFacts(db, { name: 'd', database: 'customer', shard: '-80' });
    expect(facts.shardedKeyspace).toBeUndefined();
    expect(db.sent).not.toContain('SHOW VITESS_SHARDS');
  });

  it('refuses a shard target on a server that is not Vitess', async () => {
    await expect(readDestinationFacts(fakeDb(['8.0.36', 'MySQL Community Server - GPL']), { name: 'warehouse', database: 'customer', shard: '-80' })).rejects.toThrow(
      /destination "warehouse" names shard "-80", but the server is mysql 8\.0\.36, not Vitess/,
    );
  });
});
