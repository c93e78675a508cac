/**
 * Which way a plan compares a sync's rows (pure): by segment checksums (segment-diff.ts) or by
 * reading every destination row in scope (sync-diff.ts). Both make the same plan; the checksum
 * way reads only what differs, which over a remote link is most of a plan's time.
 */
import type { CompareMethod } from '../manifest/types.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import type { ChecksumColumn } from '../model/row-checksum.js';

/**
 * Below this many destination rows (the server's estimate) `auto` reads them all: a few round
 * trips either way, and the full read overlaps reading the source with reading the table.
 */
export const AUTO_MIN_ROWS = 5_000;

/** Why checksums cannot stand in for reading this sync's rows, or undefined when they can. */
export function checksumBlocker(columns: readonly TargetColumn[], exactCollations: boolean): string | undefined {
  if (!exactCollations) return "key collations are approximated (the server's are not known)";
  for (const column of columns) {
    const live = column.live;
    if (!live) return `column \`${column.name}\` is still to be added`;
    if (!live.type) return `column \`${column.name}\` has a type pssync does not know (${live.columnType})`;
    // MariaDB prints FLOAT with 6 digits and MySQL as a double: neither is the canonical single-precision text.
    if (live.type.family === 'float') return `FLOAT column \`${column.name}\`: the server's text of a FLOAT is not pssync's canonical form`;
    if (live.type.family !== column.type.family) return `column \`${column.name}\` changes type (${live.columnType} to ${column.type.sql})`;
  }
  return undefined;
}

/** The columns as the destination has them, for the row checksums (every column must be live). */
export function checksumColumns(columns: readonly TargetColumn[]): ChecksumColumn[] {
  return columns.map((column) => {
    const collation = column.live?.collation;
    return { name: column.name, family: (column.live?.type ?? column.type).family, ...(collation ? { collation } : {}) };
  });
}

export type ChosenMethod = { readonly method: 'checksum' | 'both' } | { readonly method: 'full'; readonly reason: string };

/**
 * `checksum` and `both` fall back to the full read (saying why) where checksums cannot be exact;
 * `auto` also where the table is small (`estimatedRows`: undefined when the server gives none).
 */
export function chooseMethod(wanted: CompareMethod, blocker: string | undefined, estimatedRows: number | undefined): ChosenMethod {
  if (wanted === 'full') return { method: 'full', reason: 'compare: full' };
  if (blocker) return { method: 'full', reason: blocker };
  if (wanted !== 'auto') return { method: wanted };
  if (estimatedRows !== undefined && estimatedRows < AUTO_MIN_ROWS) return { method: 'full', reason: `the table is small (about ${estimatedRows} rows)` };
  return { method: 'checksum' };
}
