/**
 * Fingerprints that let a saved plan prove it is still current: of the destination's identity,
 * its introspected table, the scoped rows the diff was made against, and the planned operations.
 * Pure; all are sha256 hex digests. None contains a credential.
 */
import { createHash, type Hash } from 'node:crypto';
import type { DestinationConfig } from '../manifest/types.js';
import type { Row } from '../model/row.js';
import type { TableSpec } from '../model/table.js';
import type { PlannedRows } from './planned-rows.js';
import type { RowOps } from './row-diff.js';
import { rowDigest } from './row-digest.js';

export interface SyncFingerprints {
  /** The source's bytes (files) or its rows (queries, stdin). */
  readonly source: string;
  /** The destination table as introspected ('absent' hashed when it does not exist). */
  readonly schema: string;
  /** The destination rows inside the sync's scope, as read for the diff. */
  readonly rows: string;
  /** The row operations and DDL the plan would run. */
  readonly operations: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Which database a destination is: host, port, database and user — hashed, never the password. A
 * Vitess shard target is another database (its rows are that shard's); without one the hash is as before.
 */
export function destinationIdentity(destination: DestinationConfig): string {
  const parts = [destination.host.toLowerCase(), destination.port, destination.database, destination.username ?? ''];
  return sha256(JSON.stringify(destination.shard !== undefined ? [...parts, destination.shard] : parts));
}

export function schemaFingerprint(table: TableSpec | undefined): string {
  if (!table) return sha256('absent');
  const columns = table.columns.map((column) => [column.name, column.columnType, column.nullable, column.collation ?? null]);
  return sha256(JSON.stringify({ columns, primaryKey: table.primaryKey }));
}

/**
 * Digest of rows fed one page at a time, in the order they were read: sha256 over the rows'
 * 53-bit digests (row-digest.ts), a page at a time — a quarter of the CPU of hashing each row's
 * JSON, which every plan pays for every destination row (issue 7).
 */
export class RowsHasher {
  private readonly hash: Hash = createHash('sha256');

  add(rows: readonly Row[]): void {
    const digests = new Float64Array(rows.length);
    for (let index = 0; index < rows.length; index += 1) digests[index] = rowDigest(rows[index]!);
    this.hash.update(new Uint8Array(digests.buffer));
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * The DDL, and the rows to insert, update and delete. Inserted and updated rows are taken as sets
 * (see OpsDigest: the order in which a plan finds them varies), deleted rows in key order.
 */
export function operationsFingerprint(ddl: readonly string[], ops: RowOps | undefined): string {
  const hasher = createHash('sha256').update(JSON.stringify(ddl));
  const set = (name: string, rows: PlannedRows | undefined) => hasher.update(`\n${name}:${rows?.count ?? 0}:${rows?.digest.low ?? 0}:${rows?.digest.high ?? 0}`);
  set('insert', ops?.inserts);
  set('update', ops?.updates);
  const deletes = new RowsHasher();
  deletes.add(ops?.deletes ?? []);
  hasher.update(`\ndelete:${ops?.deletes.length ?? 0}:${deletes.digest()}`);
  return hasher.digest('hex');
}
