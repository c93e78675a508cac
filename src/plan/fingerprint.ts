/**
 * Fingerprints that let a saved plan prove it is still current: of the destination's identity,
 * its introspected table, the scoped rows the diff was made against, and the planned operations.
 * Pure; all are sha256 hex digests. None contains a credential.
 */
import { createHash, type Hash } from 'node:crypto';
import type { DestinationConfig } from '../manifest/types.js';
import type { DesiredRow, Row } from '../model/row.js';
import type { TableSpec } from '../model/table.js';
import type { RowOps } from './row-diff.js';

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

/** Which database a destination is: host, port, database and user — hashed, never the password. */
export function destinationIdentity(destination: DestinationConfig): string {
  return sha256(JSON.stringify([destination.host.toLowerCase(), destination.port, destination.database, destination.username ?? '']));
}

export function schemaFingerprint(table: TableSpec | undefined): string {
  if (!table) return sha256('absent');
  const columns = table.columns.map((column) => [column.name, column.columnType, column.nullable, column.collation ?? null]);
  return sha256(JSON.stringify({ columns, primaryKey: table.primaryKey }));
}

/** Digest of rows fed one page at a time, in the order they were read. */
export class RowsHasher {
  private readonly hash: Hash = createHash('sha256');

  add(rows: readonly Row[]): void {
    for (const row of rows) this.hash.update(JSON.stringify(row)).update('\n');
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export function operationsFingerprint(ddl: readonly string[], ops: RowOps | undefined): string {
  const hasher = createHash('sha256').update(JSON.stringify(ddl));
  for (const [name, rows] of [['insert', ops?.inserts ?? []], ['update', ops?.updates ?? []], ['delete', ops?.deletes ?? []]] as const) {
    hasher.update(`\n${name}:${rows.length}\n`);
    for (const row of rows) hasher.update(JSON.stringify(row)).update('\n');
  }
  return hasher.digest('hex');
}

/** For sources without a file to hash (queries, stdin): the desired rows, in source order. */
export function desiredRowsFingerprint(rows: ReadonlyMap<string, DesiredRow>): string {
  const hasher = new RowsHasher();
  for (const row of rows.values()) hasher.add([row.values]);
  return hasher.digest();
}
