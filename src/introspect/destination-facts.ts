/**
 * Database-wide facts a plan needs: the dialect, the default collation, how many tables exist, and
 * on Vitess whether the keyspace is sharded.
 */
import type { Db } from '../db/connection.js';
import { detectDialect } from '../dialect/detect.js';
import type { Dialect } from '../dialect/dialect.js';
import { parseVitessShards, SHOW_VITESS_SHARDS, shardedKeyspace, type ShardedKeyspace } from '../dialect/vitess.js';
import type { DestinationConfig } from '../manifest/types.js';
import { PssyncError } from '../model/errors.js';
import { countTables } from './introspect.js';

export interface DestinationFacts {
  readonly dialect: Dialect;
  /** Collation new text columns get (decides key equality before the column exists). */
  readonly defaultCollation?: string;
  readonly tableCount: number;
  /** Vitess, through vtgate: the keyspace (the destination's database) has more than one shard. */
  readonly shardedKeyspace?: ShardedKeyspace;
  /** The destination names one shard of a Vitess keyspace: statements go to it unrouted. */
  readonly shardTarget?: { readonly keyspace: string; readonly shard: string };
}

export async function readDestinationFacts(db: Db, destination: Pick<DestinationConfig, 'name' | 'database' | 'shard'>): Promise<DestinationFacts> {
  const dialect = await detectDialect(db);
  const [row] = await db.query('SELECT @@collation_database');
  const defaultCollation = row?.[0] ?? undefined;
  const sharded = await readShardedKeyspace(db, dialect, destination);
  return {
    dialect,
    ...(defaultCollation ? { defaultCollation } : {}),
    tableCount: await countTables(db),
    ...(sharded ? { shardedKeyspace: sharded } : {}),
    ...(destination.shard !== undefined ? { shardTarget: { keyspace: destination.database, shard: destination.shard } } : {}),
  };
}

/**
 * Only vtgate knows SHOW VITESS_SHARDS (MySQL and MariaDB would answer a syntax error). A shard
 * target is one MySQL behind vtgate, so there is nothing to route and the question is not asked.
 */
async function readShardedKeyspace(db: Db, dialect: Dialect, destination: Pick<DestinationConfig, 'name' | 'database' | 'shard'>): Promise<ShardedKeyspace | undefined> {
  if (destination.shard !== undefined && dialect.name !== 'vitess') {
    throw new PssyncError('PSSYNC_E_CONNECT', `destination "${destination.name}" names shard "${destination.shard}", but the server is ${dialect.name} ${dialect.version}, not Vitess: a shard target works only through vtgate`);
  }
  if (dialect.name !== 'vitess' || destination.shard !== undefined) return undefined;
  return shardedKeyspace(parseVitessShards(await db.query(SHOW_VITESS_SHARDS)), destination.database);
}
