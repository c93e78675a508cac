/**
 * Vitess / PlanetScale: MySQL 8 behind vtgate, with its limits. And what vtgate says about a
 * keyspace's shards (`SHOW VITESS_SHARDS`), parsed here without I/O (introspect/ runs the query).
 */
import type { Dialect } from './dialect.js';
import { mysqlDialect } from './mysql.js';

export function vitessDialect(version: string): Dialect {
  return { ...mysqlDialect(version), name: 'vitess' };
}

/** One row of `SHOW VITESS_SHARDS`: vtgate prints `keyspace/shard` (topoproto.KeyspaceShardString). */
export interface VitessShard {
  readonly keyspace: string;
  readonly shard: string;
}

/** A keyspace vtgate splits over more than one shard: writes are routed per row by its vindex. */
export interface ShardedKeyspace {
  readonly keyspace: string;
  /** Shard names (key ranges such as `-80`, `80-`), in the order vtgate listed them. */
  readonly shards: readonly string[];
}

export const SHOW_VITESS_SHARDS = 'SHOW VITESS_SHARDS';

/**
 * The rows of `SHOW VITESS_SHARDS` (one column, `Shards`), as `keyspace/shard` pairs. A row that is
 * not of that form is an error, not skipped: a misread here would let a sharded keyspace pass as
 * unsharded.
 */
export function parseVitessShards(rows: readonly (readonly (string | null)[])[]): VitessShard[] {
  return rows.map((row) => {
    const text = row[0] ?? '';
    // Keyspace names cannot hold `/`; the shard is everything after it.
    const slash = text.indexOf('/');
    if (row.length !== 1 || slash <= 0 || slash === text.length - 1) {
      throw new Error(`unexpected SHOW VITESS_SHARDS row ${JSON.stringify(row)}; expected one column "keyspace/shard"`);
    }
    return { keyspace: text.slice(0, slash), shard: text.slice(slash + 1) };
  });
}

/**
 * The keyspace, when vtgate lists more than one shard for it. An unsharded keyspace has a single
 * shard (`0`, or `-` for the full key range); a keyspace vtgate does not list is not known to be
 * sharded (undefined as well). Keyspace names are compared exactly: Vitess treats them case-sensitively.
 */
export function shardedKeyspace(shards: readonly VitessShard[], keyspace: string): ShardedKeyspace | undefined {
  const mine = shards.filter((entry) => entry.keyspace === keyspace).map((entry) => entry.shard);
  return mine.length > 1 ? { keyspace, shards: mine } : undefined;
}

/**
 * A shard as a destination names it (`url: mysql://…/keyspace/-80`, or `shard: "-80"`): a key range
 * (`-80`, `40-80`, `80-`, `-`) or an unsharded keyspace's shard name (`0`). Characters vtgate reads
 * as target syntax (`:`, `/`, `@`, `[`, `]`) are refused, so the name cannot change the tablet type.
 */
export function shardNameProblem(shard: string): string | undefined {
  if (/^[0-9A-Za-z_-]{1,64}$/.test(shard)) return undefined;
  return 'shard must be a Vitess shard name such as -80, 80-, 40-80 or 0 (letters, digits, _ and -)';
}

/**
 * The database name pssync sends at connect time for a shard target. vtgate reads it as a target
 * string, `keyspace:shard@tablet_type` (topoproto.ParseDestination); writes need the primary.
 */
export function shardTargetDatabase(keyspace: string, shard: string): string {
  return `${keyspace}:${shard}@primary`;
}
