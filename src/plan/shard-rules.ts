/**
 * What a sharded Vitess keyspace lets pssync do (pure). vtgate routes each row of a multi-row
 * `INSERT … ON DUPLICATE KEY UPDATE`, and each key of a key-list `DELETE`, to its shard by the
 * table's primary vindex: the direct writer works. The staging writer cannot: its staging table
 * is in no VSchema, and its `INSERT … SELECT` and `UPDATE … JOIN` would join rows across shards.
 * And vtgate routes rows only to tables its VSchema knows, so a new table needs a VSchema entry
 * with a vindex first; pssync cannot choose the vindex.
 */
import type { ShardedKeyspace } from '../dialect/vitess.js';
import type { SyncConfig, WriteStrategy } from '../manifest/types.js';
import { atSync, type Diagnostic } from '../model/diagnostic.js';
import type { SchemaPlan } from './schema-diff.js';

/** The strategy apply uses: `auto` is `direct` in a sharded keyspace, whatever auto means elsewhere. */
export function shardedStrategy(strategy: WriteStrategy, keyspace: ShardedKeyspace | undefined): WriteStrategy {
  return keyspace && strategy === 'auto' ? 'direct' : strategy;
}

/** Errors for what cannot run in a sharded keyspace: the staging writer, and a CREATE TABLE. */
export function shardedKeyspaceProblems(sync: SyncConfig, schema: SchemaPlan, keyspace: ShardedKeyspace | undefined): Diagnostic[] {
  if (!keyspace) return [];
  const where = atSync(sync);
  const what = keyspaceText(keyspace);
  const diagnostics: Diagnostic[] = [];
  if (sync.strategy === 'staging') {
    diagnostics.push({
      ...where,
      code: 'PSSYNC_E_SHARDED_STRATEGY',
      severity: 'error',
      message: `sync "${sync.name}" has strategy: staging, but ${what}: the staging writer's INSERT … SELECT and UPDATE … JOIN from a staging table fail across shards. Use strategy: direct (or auto), whose multi-row INSERT … ON DUPLICATE KEY UPDATE and key-list DELETE vtgate routes to each row's shard`,
    });
  }
  if (schema.change?.kind === 'create_table') {
    diagnostics.push({
      ...where,
      code: 'PSSYNC_E_SHARDED_CREATE_TABLE',
      severity: 'error',
      message:
        `sync "${sync.name}" needs table \`${sync.table}\`, which does not exist, and ${what}: vtgate routes rows only to tables in the keyspace's VSchema, ` +
        `each with a primary vindex that decides a row's shard, so pssync does not create tables there. Add \`${sync.table}\` to the VSchema with its vindex ` +
        `and create it with this DDL (for example in one PlanetScale deploy request, or vtctldclient ApplyVSchema and ApplySchema), then run pssync again:\n${schema.ddl.join('\n')}`,
    });
  }
  return diagnostics;
}

/** `the Vitess keyspace "commerce" is sharded (2 shards: -80, 80-)`. */
function keyspaceText(keyspace: ShardedKeyspace): string {
  return `the Vitess keyspace "${keyspace.keyspace}" is sharded (${keyspace.shards.length} shards: ${keyspace.shards.join(', ')})`;
}

/**
 * Through a shard target, vtgate sends DDL to that one shard: the keyspace's shards would then
 * disagree on the table. Schema changes go through the keyspace (or a deploy request) instead.
 */
export function shardTargetProblems(sync: SyncConfig, schema: SchemaPlan, target: { readonly keyspace: string; readonly shard: string } | undefined): Diagnostic[] {
  if (!target || !schema.change) return [];
  return [
    {
      ...atSync(sync),
      code: 'PSSYNC_E_SHARD_TARGET_DDL',
      severity: 'error',
      message:
        `sync "${sync.name}" needs a schema change to \`${sync.table}\`, but its destination targets shard ${target.shard} of the Vitess keyspace "${target.keyspace}": ` +
        `DDL sent there changes that shard only, and the shards would disagree on the table. Apply it through the keyspace (a destination without a shard, or a deploy request), then run pssync again:\n${schema.ddl.join('\n')}`,
    },
  ];
}
