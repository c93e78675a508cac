/**
 * The checksum-first diff (issue 13): the same plan as the full read (sync-diff.ts), reading from
 * the destination only the rows that differ.
 *
 * 1. While the source is read and checked as always (each accepted row's hash, model/row-checksum.ts,
 *    and key kept; the row itself goes to a spill file), the server cuts the sync's rows into
 *    segments of TOP_ROWS rows in key order, each in PARTS parts, and reports each part's row count
 *    and hash sum: two queries per segment, each over one index range, overlapping the source read.
 * 2. Each desired row is put in the part its key falls in. A part whose checksums match holds
 *    exactly the desired rows (a 64-bit hash sum over the text of every column). A differing part
 *    is cut again (at desired keys) while few of its siblings differ — the changes are clustered —
 *    else its rows' hashes are read: rows whose hash matches are unchanged, the others are read in
 *    full.
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
import type { KeyValues, PartFilter, Segment, SegmentChecksum, SegmentReader } from '../model/segment.js';
import { KeyOrder, type OrderKey } from './key-order.js';
import { StreamingRowDiffer } from './row-diff.js';
import type { SyncDiffInput, SyncDiffResult } from './sync-diff.js';

/** Destination rows per top segment: each of its two queries examines about as many. */
export const TOP_ROWS = 50_000;
/** Parts per checksum query. */
const PARTS = 16;
/** A differing part this small is read (row hashes), not cut again. */
const LEAF_ROWS = 2_000;
/** Keys per query that reads differing rows in full. */
const FETCH_KEYS = 1_000;

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

  // 1. The destination's segments and their checksums (scanned meanwhile); the source, checked:
  // rows kept on disk, hashes and keys in memory.
  const scanning = scanDestination(input.reader);
  scanning.catch(() => undefined); // awaited below; a failure surfaces there
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
  const tops = await scanning;
  const actualSum = new HashSum();
  for (const top of tops) for (const part of top.checksums) actualSum.addTotal(part.count, part.sum);
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

  // 2. Each desired row in its part; parts compared; row hashes where they differ.
  const order = new KeyOrder(columns);
  const orderOf = (seq: number): OrderKey => order.of(desired.rowKeys[seq]!, desired.keyTexts[seq]!);
  const state = new Uint8Array(desired.size);
  let unchanged = 0;
  const toFetch: Row[] = [];
  const fetching = new Set<RowKey>();
  const keyOf = makeKeyOf(columns, actualKeys);
  const collated = hasCollatedKey(columns);
  const keyIndexes = columns.flatMap((column, index) => (column.isKey ? [index] : []));
  /** Keys as read from the destination, as the desired ones are kept: row key and key text. */
  const destinationKeys = async (keys: readonly Row[]): Promise<{ rowKey: RowKey; keyText: string }[]> => {
    const rows = differ.canonicalKeyRows(keys.map((key) => widen(key, keyIndexes, columns.length)));
    if (collated) await actualKeys.prepare(keyRequests(columns, rows));
    return rows.map((row) => {
      const values = keyIndexes.map((index) => row[index] ?? null);
      return { rowKey: keyOf(row), keyText: values.length === 1 ? (values[0] ?? '') : JSON.stringify(values) };
    });
  };
  const markUnchanged = (seqs: Uint32Array) => {
    for (const seq of seqs) {
      if (state[seq] === UNMATCHED) unchanged += 1;
      state[seq] = UNCHANGED;
    }
  };

  const readHashes = async (segment: Segment, parts: number): Promise<void> => {
    stats.segmentsRead += parts;
    for await (const page of input.reader.rowHashes(segment)) {
      stats.rowHashesRead += page.length;
      const keys = await destinationKeys(page.map(({ key }) => key));
      page.forEach(({ key, hash }, index) => {
        const { rowKey } = keys[index]!;
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

  /**
   * The parts of `segment` under `cuts`, their desired rows (`partSeqs`, sorted by key) and the
   * server's checksums: equal parts are unchanged; differing ones are cut again or read.
   */
  const resolve = async (segment: Segment, cuts: readonly KeyValues[], partSeqs: readonly Uint32Array[], server: readonly SegmentChecksum[]): Promise<void> => {
    stats.segments += server.length;
    const differing: number[] = [];
    server.forEach((part, index) => {
      const seqs = partSeqs[index]!;
      const mine = desired.sum(seqs);
      if (part.count === mine.count && part.sum === mine.value) markUnchanged(seqs);
      else differing.push(index);
    });
    const narrow = differing.length <= server.length / 4;
    const filter = (parts: readonly number[]): Segment => ({ range: segment.range, filters: [...segment.filters, { cuts, parts } satisfies PartFilter] });
    let pending: number[] = [];
    const flush = async () => {
      if (pending.length) await readHashes(filter(pending), pending.length);
      pending = [];
    };
    for (const index of differing) {
      const seqs = partSeqs[index]!;
      if (!narrow || seqs.length <= LEAF_ROWS) {
        pending.push(index);
        continue;
      }
      await flush(); // keeps the rows in key order
      await cutAgain(filter([index]), seqs);
    }
    await flush();
  };

  /** A differing part cut at its desired keys, and compared again. */
  const cutAgain = async (segment: Segment, seqs: Uint32Array): Promise<void> => {
    const count = Math.min(PARTS, seqs.length);
    const bounds = Array.from({ length: count + 1 }, (_, index) => Math.floor((index * seqs.length) / count));
    const cuts = bounds.slice(1, -1).map((position) => desired.keyValues(seqs[position]!));
    const partSeqs = bounds.slice(0, -1).map((start, index) => seqs.subarray(start, bounds[index + 1]!));
    await resolve(segment, cuts, partSeqs, await input.reader.parts(segment, cuts));
  };

  // The destination's part boundaries in key order, and each desired row's part among them.
  const lowers: { top: number; part: number; key: Row }[] = [];
  tops.forEach((top, index) => {
    if (index > 0) lowers.push({ top: index, part: 0, key: top.start! as Row });
    top.cuts.forEach((cut, part) => lowers.push({ top: index, part: part + 1, key: cut as Row }));
  });
  const lowerKeys = (await destinationKeys(lowers.map(({ key }) => key))).map(({ rowKey, keyText }) => order.of(rowKey, keyText));
  const partStarts: number[] = [0];
  for (const top of tops) partStarts.push(partStarts[partStarts.length - 1]! + top.checksums.length);
  const flatPart = new Uint32Array(desired.size);
  const partSizes = new Uint32Array(partStarts[partStarts.length - 1]!);
  for (let seq = 0; seq < desired.size; seq += 1) {
    // The rank among the lower bounds is the flat part number (parts of all tops in order).
    const part = order.rank(lowerKeys, orderOf(seq));
    flatPart[seq] = part;
    partSizes[part]! += 1;
  }
  const bySeqs = groupBy(flatPart, partSizes);
  for (const [index, top] of tops.entries()) {
    const partSeqs = top.checksums.map((_, part) => order.sort(bySeqs[partStarts[index]! + part]!, orderOf));
    await resolve(top.segment, top.cuts, partSeqs, top.checksums);
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
  // Nothing left to match (a no-op): the rows on disk are not read back.
  const unmatched = desired.size - unchanged;
  for await (const batch of unmatched > 0 ? spilled.batches(2_048) : []) {
    for (const row of batch) {
      if (state[seq] === UNMATCHED) differ.addDesired(desired.rowKeys[seq]!, { values: row.slice(1), line: Number(row[0]) });
      seq += 1;
    }
  }
  differ.addUnchanged(unchanged);
  return result();
}

/** A top segment of the destination: where it starts (undefined: the first), its cuts, its parts' checksums. */
interface TopSegment {
  readonly segment: Segment;
  readonly start?: KeyValues;
  readonly cuts: readonly KeyValues[];
  readonly checksums: readonly SegmentChecksum[];
}

/** The destination's rows in segments of TOP_ROWS (PARTS parts each), and their checksums. */
async function scanDestination(reader: SegmentReader): Promise<TopSegment[]> {
  const tops: TopSegment[] = [];
  let start: KeyValues | undefined;
  for (;;) {
    // Marks at rows 0, step, … TOP_ROWS: the segment's first key, its cuts, the next one's start.
    const marks = await reader.marks(start, TOP_ROWS, TOP_ROWS / PARTS);
    const next = marks.length > PARTS ? marks[PARTS] : undefined;
    const cuts = marks.slice(1, PARTS);
    // The first segment is open below and the last above: every desired key falls in one.
    const segment: Segment = { range: { ...(start ? { from: start } : {}), ...(next ? { to: next } : {}) }, filters: [] };
    tops.push({ segment, ...(start ? { start } : {}), cuts, checksums: await reader.parts(segment, cuts) });
    if (!next) return tops;
    start = next;
  }
}

/** Items 0…n-1 grouped by their group number (`sizes`: items per group), each group in item order. */
function groupBy(groupOf: Uint32Array, sizes: Uint32Array): Uint32Array[] {
  const offsets = new Uint32Array(sizes.length + 1);
  for (let group = 0; group < sizes.length; group += 1) offsets[group + 1] = offsets[group]! + sizes[group]!;
  const items = new Uint32Array(groupOf.length);
  const next = offsets.slice(0, -1);
  for (let item = 0; item < groupOf.length; item += 1) items[next[groupOf[item]!]!++] = item;
  return Array.from(sizes, (_, group) => items.subarray(offsets[group]!, offsets[group + 1]!));
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
    const keyIndexes = this.keyIndexes;
    this.keyTexts.push(keyIndexes.length === 1 ? ownText(values[keyIndexes[0]!] ?? '') : JSON.stringify(keyIndexes.map((index) => values[index] ?? null)));
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

  /** Count and hash sum of these rows. */
  sum(seqs: Uint32Array): HashSum {
    const sum = new HashSum();
    for (const seq of seqs) sum.add({ high: this.highs[seq]!, low: this.lows[seq]! });
    return sum;
  }

  /** For duplicate detection: the earlier row with this key (its line and key values). */
  earlier(key: RowKey): { readonly line: number; readonly values: Row } | undefined {
    const seq = this.seqs.get(key);
    if (seq === undefined) return undefined;
    return { line: this.lines[seq]!, values: widen(this.keyValues(seq), this.keyIndexes, this.columns.length) };
  }
}
