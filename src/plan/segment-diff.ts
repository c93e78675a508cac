/**
 * The checksum-first diff (issue 13): the same plan as the full read (sync-diff.ts), reading from
 * the destination only the rows that differ.
 *
 * 1. The source is read and checked as always; each accepted row's hash (model/row-checksum.ts)
 *    and key are kept, the row itself goes to a spill file.
 * 2. The desired keys are sorted into the destination's key order and cut into segments of at
 *    most TOP_ROWS rows. The server reports count and hash sum of each segment's PARTS parts, in
 *    one query per segment; a part whose checksums match holds exactly the desired rows (a 64-bit
 *    hash sum over the text of every column). A differing part is cut again while few of its
 *    siblings differ (changes are clustered), else its rows' hashes are read: rows whose hash
 *    matches are unchanged, the others are read in full.
 * 3. The streaming differ gets the rows read in full (in key order) and the desired rows that
 *    matched none (in source order); the unchanged rows are counted. Counts, rows and samples
 *    come out as a full read's.
 */
import { approximateCollations } from '../mapping/collation.js';
import { DesiredRowCollector, recordBatches } from '../mapping/desired-rows.js';
import { LargeMap } from '../mapping/large-map.js';
import { hasCollatedKey, keyRequests, makeKeyOf, type RowKey } from '../mapping/row-key.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import { HashSum, parseRowHash, rowHasher, type ChecksumColumn } from '../model/row-checksum.js';
import { ownText, type Row, type Value } from '../model/row.js';
import type { RowSpill } from '../model/row-spill.js';
import type { KeyValues, PartFilter, Segment, SegmentReader } from '../model/segment.js';
import { sortByKey } from './key-order.js';
import { StreamingRowDiffer } from './row-diff.js';
import type { SyncDiffInput, SyncDiffResult } from './sync-diff.js';

/** Desired rows per top segment: one query each, examining about as many destination rows. */
export const TOP_ROWS = 50_000;
/** Parts per checksum query. */
const PARTS = 16;
/** A differing part this small is read (row hashes), not cut again. */
const LEAF_ROWS = 2_000;
/** Keys per query that reads differing rows in full. */
const FETCH_KEYS = 500;

/** How a plan compared a sync's rows (shown in the plan). */
export interface Comparison {
  readonly method: 'checksum' | 'full';
  /** Why the full read (a checksum could not be exact, or it was asked for). */
  readonly reason?: string;
  /** Parts compared by checksum, and those whose row hashes were read. */
  readonly segments: number;
  readonly segmentsRead: number;
  /** Row hashes read, and rows read in full. */
  readonly rowHashesRead: number;
  readonly rowsRead: number;
}

export interface ChecksumDiffInput extends Omit<SyncDiffInput, 'actual' | 'onActualPage'> {
  readonly reader: SegmentReader;
  /** The sync's columns as the destination has them, in target-column order. */
  readonly compared: readonly ChecksumColumn[];
  /** Where the desired rows wait between reading the source and diffing. */
  readonly openDesiredSpill: () => RowSpill;
}

export interface ChecksumDiffResult extends SyncDiffResult {
  readonly comparison: Comparison;
  /** Count and hash sum of every destination row in scope (the rows fingerprint). */
  readonly actualSum: HashSum;
}

/** State of a desired row after the checksums: not matched yet (fed to the differ), or unchanged. */
const UNMATCHED = 0;
const UNCHANGED = 1;

export async function diffByChecksums(input: ChecksumDiffInput): Promise<ChecksumDiffResult> {
  const { columns } = input;
  const collations = input.collations ?? approximateCollations;
  const actualKeys = collations.reader();
  const differ = new StreamingRowDiffer(columns, input.mode, { ...input.differ, keys: actualKeys, exactCollations: collations.exact });
  const collector = new DesiredRowCollector(columns, input.maxRejectedRows, collations.reader(), input.uniqueKeys);
  const desired = new DesiredIndex(columns, rowHasher(input.compared, 'desired'));

  // 1. The source, checked; rows kept on disk, hashes and keys in memory.
  const spill = input.openDesiredSpill();
  let reported = 0;
  for await (const batch of recordBatches(input.source)) {
    await collector.addBatch(batch, (key) => desired.earlier(key), ({ key, row }) => {
      input.onDesiredRow?.(row.values);
      desired.add(key, row.values, row.line);
      spill.append([String(row.line), ...row.values]);
    });
    if (collector.sourceRows - reported >= 10_000) input.onSourceRows?.((reported = collector.sourceRows));
    if (collector.overflowing) break;
  }
  const spilled = spill.close();
  const actualSum = new HashSum();
  const stats = { segments: 0, segmentsRead: 0, rowHashesRead: 0, rowsRead: 0 };
  const result = (): ChecksumDiffResult => ({
    diff: differ.finish(collector.rejectedKeys),
    rejections: collector.rejections,
    sourceRows: collector.sourceRows,
    acceptedRows: collector.accepted,
    comparison: { method: 'checksum', ...stats },
    actualSum,
  });
  if (collector.overflowing) return result(); // the sync fails on its rejections: no diff to make

  // 2. Segments: checksums first, row hashes where parts differ.
  const order = sortByKey(columns, desired.rowKeys, desired.keyTexts);
  const state = new Uint8Array(desired.size);
  let unchanged = 0;
  const toFetch: Row[] = [];
  const fetching = new Set<RowKey>();
  const keyOf = makeKeyOf(columns, actualKeys);
  const collated = hasCollatedKey(columns);
  const keyIndexes = columns.flatMap((column, index) => (column.isKey ? [index] : []));
  const cutAt = (position: number): KeyValues => desired.keyValues(order[position]!);
  const markUnchanged = (start: number, end: number) => {
    for (let position = start; position < end; position += 1) {
      const seq = order[position]!;
      if (state[seq] === UNMATCHED) unchanged += 1;
      state[seq] = UNCHANGED;
    }
  };

  const readHashes = async (segment: Segment, parts: number): Promise<void> => {
    stats.segmentsRead += parts;
    for await (const page of input.reader.rowHashes(segment)) {
      stats.rowHashesRead += page.length;
      // Key values as read, at their places in a full-width row, in canonical form for keyOf.
      const rows = differ.canonicalKeyRows(page.map(({ key }) => widen(key, keyIndexes, columns.length)));
      if (collated) await actualKeys.prepare(keyRequests(columns, rows));
      page.forEach(({ key, hash }, index) => {
        const rowKey = keyOf(rows[index]!);
        const seq = desired.seqOf(rowKey);
        if (seq !== undefined && desired.hasHash(seq, parseRowHash(hash))) {
          if (state[seq] === UNMATCHED) unchanged += 1;
          state[seq] = UNCHANGED;
        } else if (!fetching.has(rowKey)) {
          fetching.add(rowKey);
          toFetch.push(key);
        }
      });
    }
  };

  const examine = async (segment: Segment, start: number, end: number, top: boolean): Promise<void> => {
    const rows = end - start;
    const partCount = Math.min(PARTS, Math.max(1, rows));
    const bounds = Array.from({ length: partCount + 1 }, (_, index) => start + Math.floor((index * rows) / partCount));
    const cuts = bounds.slice(1, -1).map(cutAt);
    const server = await input.reader.parts(segment, cuts);
    stats.segments += partCount;
    const differing: number[] = [];
    server.forEach((part, index) => {
      if (top) actualSum.addTotal(part.count, part.sum);
      const mine = desired.sum(order, bounds[index]!, bounds[index + 1]!);
      if (part.count === mine.count && part.sum === mine.value) markUnchanged(bounds[index]!, bounds[index + 1]!);
      else differing.push(index);
    });
    // Few parts differ: the changes are clustered, cutting again pays. Else read them.
    const narrow = differing.length <= partCount / 4;
    const filter = (parts: readonly number[]): Segment => ({ range: segment.range, filters: [...segment.filters, { cuts, parts } satisfies PartFilter] });
    let pending: number[] = [];
    const flush = async () => {
      if (pending.length) await readHashes(filter(pending), pending.length);
      pending = [];
    };
    for (const index of differing) {
      const partRows = bounds[index + 1]! - bounds[index]!;
      if (!narrow || partRows <= LEAF_ROWS) {
        pending.push(index);
        continue;
      }
      await flush(); // keeps the rows in key order
      await examine(filter([index]), bounds[index]!, bounds[index + 1]!, false);
    }
    await flush();
  };

  const tops = Math.max(1, Math.ceil(desired.size / TOP_ROWS));
  for (let top = 0; top < tops; top += 1) {
    const start = Math.floor((top * desired.size) / tops);
    const end = Math.floor(((top + 1) * desired.size) / tops);
    const range = { ...(top > 0 ? { from: cutAt(start) } : {}), ...(top < tops - 1 ? { to: cutAt(end) } : {}) };
    await examine({ range, filters: [] }, start, end, true);
  }

  // 3. The differ: rows that differ, read in full in key order; then the unmatched desired rows.
  for (let index = 0; index < toFetch.length; index += FETCH_KEYS) {
    const rows = await input.reader.rowsByKeys(toFetch.slice(index, index + FETCH_KEYS));
    stats.rowsRead += rows.length;
    if (collated) await actualKeys.prepare(keyRequests(columns, differ.canonicalKeyRows(rows)));
    for (const row of rows) differ.observe(row);
  }
  differ.endOfActual();
  let seq = 0;
  for await (const batch of spilled.batches(2_048)) {
    for (const row of batch) {
      if (state[seq] === UNMATCHED) differ.addDesired(desired.rowKeys[seq]!, { values: row.slice(1), line: Number(row[0]) });
      seq += 1;
    }
  }
  differ.addUnchanged(unchanged);
  return result();
}

/** Key values (key order) at their places in a row of `width` columns. */
function widen(key: Row, keyIndexes: readonly number[], width: number): Row {
  const row: Value[] = new Array<Value>(width).fill(null);
  keyIndexes.forEach((index, position) => (row[index] = key[position] ?? null));
  return row;
}

/**
 * The accepted desired rows by position (seq, in source order): key, key values, line and hash.
 * About 60 bytes a row besides the key text, where the full read keeps a key index too.
 */
class DesiredIndex {
  readonly rowKeys: RowKey[] = [];
  /** The key value (one key column) or the key values as JSON (several). */
  readonly keyTexts: string[] = [];
  private readonly lines: number[] = [];
  private readonly highs: number[] = [];
  private readonly lows: number[] = [];
  private readonly seqs = new LargeMap<RowKey, number>();
  private readonly keyIndexes: readonly number[];

  constructor(
    private readonly columns: readonly TargetColumn[],
    private readonly hashRow: (row: Row) => { readonly high: number; readonly low: number },
  ) {
    this.keyIndexes = columns.flatMap((column, index) => (column.isKey ? [index] : []));
  }

  get size(): number {
    return this.rowKeys.length;
  }

  add(key: RowKey, values: Row, line: number): void {
    const seq = this.rowKeys.length;
    this.seqs.set(key, seq);
    this.rowKeys.push(key);
    const keys = this.keyIndexes.map((index) => values[index] ?? null);
    this.keyTexts.push(keys.length === 1 ? ownText(keys[0] ?? '') : JSON.stringify(keys));
    this.lines.push(line);
    const { high, low } = this.hashRow(values);
    this.highs.push(high);
    this.lows.push(low);
  }

  seqOf(key: RowKey): number | undefined {
    return this.seqs.get(key);
  }

  keyValues(seq: number): KeyValues {
    const text = this.keyTexts[seq]!;
    return this.keyIndexes.length === 1 ? [text] : (JSON.parse(text) as KeyValues);
  }

  hasHash(seq: number, hash: { readonly high: number; readonly low: number }): boolean {
    return this.highs[seq] === hash.high && this.lows[seq] === hash.low;
  }

  /** Count and hash sum of the rows at sorted positions [start, end). */
  sum(order: Uint32Array, start: number, end: number): HashSum {
    const sum = new HashSum();
    for (let position = start; position < end; position += 1) {
      const seq = order[position]!;
      sum.add({ high: this.highs[seq]!, low: this.lows[seq]! });
    }
    return sum;
  }

  /** For duplicate detection: the earlier row with this key (its line and key values). */
  earlier(key: RowKey): { readonly line: number; readonly values: Row } | undefined {
    const seq = this.seqs.get(key);
    if (seq === undefined) return undefined;
    return { line: this.lines[seq]!, values: widen(this.keyValues(seq), this.keyIndexes, this.columns.length) };
  }
}
