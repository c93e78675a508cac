/**
 * What the checksum-first diff (issue 13) asks of the destination (implemented by
 * introspect/segment-checksums.ts, used by plan/segment-diff.ts): segments of a sync's rows, each
 * a key range of the primary key narrowed by "part" filters, and their counts and hash sums.
 */
import type { RowHash } from './row-checksum.js';
import type { Row } from './row.js';

/** Key values in key order (canonical text). */
export type KeyValues = readonly (string | null)[];

/** Keys from `from` (inclusive) up to `to` (exclusive); an open end is unbounded. */
export interface KeyRange {
  readonly from?: KeyValues;
  readonly to?: KeyValues;
}

/**
 * Rows whose part under `cuts` is one of `parts`: a row's part is the first i with key < cuts[i]
 * (cuts.length when none). Every row has exactly one part, whatever the order of the cuts.
 */
export interface PartFilter {
  readonly cuts: readonly KeyValues[];
  readonly parts: readonly number[];
}

/** One segment: a key range and the part filters that narrowed it down, outermost first. */
export interface Segment {
  readonly range: KeyRange;
  readonly filters: readonly PartFilter[];
}

export interface SegmentChecksum {
  readonly count: number;
  /** The exact sum of the rows' 64-bit hashes (model/row-checksum.ts). */
  readonly sum: bigint;
}

export interface RowHashEntry {
  /** Key values as read, in key order. */
  readonly key: Row;
  readonly hash: RowHash;
}

export interface SegmentReader {
  /**
   * The keys of the rows from `from` (inclusive; the first row when undefined) at positions 0,
   * step, 2·step … up to `rows` in key order: where the destination's segments start and are cut.
   * One query, examining `rows` + 1 index entries.
   */
  marks(from: KeyValues | undefined, rows: number, step: number): Promise<Row[]>;
  /** Count and hash sum of each part of the segment under `cuts` (cuts.length + 1 parts): one query. */
  parts(segment: Segment, cuts: readonly KeyValues[]): Promise<SegmentChecksum[]>;
  /** Every row's key and hash in the segment, in key order, a page at a time. */
  rowHashes(segment: Segment): AsyncGenerator<RowHashEntry[]>;
  /** The rows (target-column order) under these keys (key values in key order), in key order. */
  rowsByKeys(keys: readonly Row[]): Promise<Row[]>;
  /** Every row in scope (target-column order), in key order, a page at a time: the full read. */
  allRows(): AsyncIterable<Row[]>;
}
