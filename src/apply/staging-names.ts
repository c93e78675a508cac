/**
 * Staging table names: `_pssync_stage_<table hash>_<run id>`. The hash ties a leftover to its
 * table (any table name, any length, fits in 64 characters); the run id makes each run's unique.
 */
import { createHash } from 'node:crypto';
import { STAGING_PREFIX } from '../introspect/introspect.js';

export function stagingPrefixFor(table: string): string {
  return `${STAGING_PREFIX}${createHash('sha256').update(table.toLowerCase()).digest('hex').slice(0, 12)}_`;
}

export function stagingTableName(table: string, runId: string): string {
  return `${stagingPrefixFor(table)}${runId}`;
}
