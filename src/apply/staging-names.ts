/**
 * Staging table names: `_pssync_stage_<table hash>_<run id>`. The hash ties a leftover to its
 * table (any table name, any length, fits in 64 characters); the run id makes each run's unique.
 */
import { createHash } from 'node:crypto';
import type { Partition } from '../model/partition.js';
import { STAGING_PREFIX } from '../introspect/introspect.js';

/**
 * A partitioned apply's staging tables carry its partition (`p2of4_`): its leftovers are its own
 * (no other run of that partition can be running: partition-locks.ts), never a sibling's live table.
 * A full apply's prefix covers them all: no partitioned apply runs beside it.
 */
export function stagingPrefixFor(table: string, partition?: Partition): string {
  const part = partition && partition.count > 1 ? `p${partition.index}of${partition.count}_` : '';
  return `${STAGING_PREFIX}${createHash('sha256').update(table.toLowerCase()).digest('hex').slice(0, 12)}_${part}`;
}

export function stagingTableName(table: string, runId: string, partition?: Partition): string {
  return `${stagingPrefixFor(table, partition)}${runId}`;
}
