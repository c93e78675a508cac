/**
 * Step 2 of the checksum-first diff (segment-diff.ts): the destination's segments and their
 * checksums, scanned while the source is read; then each desired row put in the part its key
 * falls in, and each part compared. A part whose count and hash sum match holds exactly its
 * desired rows. A differing part is cut again (at its desired keys) while few of its siblings
 * differ — the changes are clustered — else its rows' hashes are read: rows whose hash matches
 * are unchanged, the others are to be read in full.
 */
import type { CollationKeys } from '../mapping/collation.js';
import { makeKeyOf, type RowKey } from '../mapping/row-key.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import type { Row } from '../model/row.js';
import type { KeyValues, PartFilter, Segment, SegmentChecksum, SegmentReader } from '../model/segment.js';
import { widen, type DesiredIndex } from './desired-index.js';
import { KeyOrder, type OrderKey } from './key-order.js';
import type { StreamingRowDiffer } from './row-diff.js';

/** Destination rows per top segment: each of its two queries examines about as many. */
export const TOP_ROWS = 50_000;
/** Parts per checksum query. */
const PARTS = 16;
/** A differing part this small is read (row hashes), not cut again. */
const LEAF_ROWS = 2_000;
/** Rows differing in the sampled part beyond which a plan reads both sides in full (isFullRefresh). */
const FULL_READ_SHARE = 0.25;

/** A top segment of the destination: where it starts (undefined: the first), its cuts, its parts' checksums. */
export interface TopSegment {
  readonly segment: Segment;
  readonly start?: KeyValues;
  readonly cuts: readonly KeyValues[];
  readonly checksums: readonly SegmentChecksum[];
}

/** The destination's rows in segments of TOP_ROWS (PARTS parts each), and their checksums. */
export async function scanDestination(reader: SegmentReader): Promise<TopSegment[]> {
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

/**
 * Tasks 0…count-1 shared among the readers, each reader on one task at a time (a reader is one
 * connection): the next free reader takes the next task.
 */
export async function shareAmong(readers: readonly SegmentReader[], count: number, task: (reader: SegmentReader, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    readers.map(async (reader) => {
      for (let index = next++; index < count; index = next++) await task(reader, index);
    }),
  );
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

/** One top segment's comparison: the reader it uses, and the keys it finds to fetch. */
interface TopWork {
  readonly reader: SegmentReader;
  readonly fetch: Row[];
}

export interface ComparisonStats {
  /** Parts compared by checksum, and those whose row hashes were read. */
  segments: number;
  segmentsRead: number;
  rowHashesRead: number;
}

/** The desired rows compared with the destination's segments, part by part. */
export class SegmentComparison {
  readonly stats: ComparisonStats = { segments: 0, segmentsRead: 0, rowHashesRead: 0 };
  /** Desired rows found unchanged. */
  unchanged = 0;
  /** A full refresh: most rows differ, and the diff reads both sides in full instead (segment-diff.ts). */
  mostRowsDiffer = false;
  /** Keys of destination rows to read in full (they differ, or no desired row has them), per top segment in key order. */
  private readonly fetchLists: Row[][] = [];
  private readonly fetching = new Set<RowKey>();
  private readonly found: Uint8Array;
  private readonly order: KeyOrder;
  private readonly keyOf;
  private readonly keyIndexes: readonly number[];

  constructor(
    /** Readers on connections of their own: top segments are compared side by side, one per reader. */
    private readonly readers: readonly SegmentReader[],
    private readonly columns: readonly TargetColumn[],
    private readonly desired: DesiredIndex,
    /** Puts destination keys in canonical form and readies their collation keys (the differ's rules). */
    private readonly differ: StreamingRowDiffer,
    /** The differ's collation keys of destination keys. */
    actualKeys: CollationKeys,
  ) {
    this.found = new Uint8Array(desired.size);
    this.order = new KeyOrder(columns);
    this.keyOf = makeKeyOf(columns, actualKeys);
    this.keyIndexes = columns.flatMap((column, index) => (column.isKey ? [index] : []));
  }

  /** Keys of the destination rows to read in full, in key order. */
  get toFetch(): Row[] {
    return this.fetchLists.flat();
  }

  /** Whether the desired row `seq` was found unchanged. */
  isUnchanged(seq: number): boolean {
    return this.found[seq] === 1;
  }

  /** Compares every desired row with the destination's top segments. */
  async compare(tops: readonly TopSegment[]): Promise<void> {
    // The parts' lower bounds in key order (the first part has none): a desired row's rank among
    // them is its part's number, counting the parts of all segments in order.
    const lowers: KeyValues[] = [];
    tops.forEach((top, index) => {
      if (index > 0) lowers.push(top.start!);
      lowers.push(...top.cuts);
    });
    const lowerKeys = (await this.destinationKeys(lowers as Row[])).map(({ rowKey, keyText }) => this.order.of(rowKey, keyText));
    const firstPart: number[] = [0];
    for (const top of tops) firstPart.push(firstPart[firstPart.length - 1]! + top.checksums.length);
    const partOf = new Uint32Array(this.desired.size);
    const sizes = new Uint32Array(firstPart[firstPart.length - 1]!);
    for (let seq = 0; seq < this.desired.size; seq += 1) {
      const part = this.order.rank(lowerKeys, this.orderOf(seq));
      partOf[seq] = part;
      sizes[part]! += 1;
    }
    const byPart = groupBy(partOf, sizes);
    // Each top segment's parts' desired rows, in source order (sorted by key only where compared).
    const partsOf = (index: number) => tops[index]!.checksums.map((_, part) => byPart[firstPart[index]! + part]!);
    if (await this.isFullRefresh(tops, partsOf)) {
      this.mostRowsDiffer = true;
      return;
    }
    // Where parts differ, the server hashes their rows while the link carries another segment's.
    await shareAmong(this.readers, tops.length, async (reader, index) => {
      const top = tops[index]!;
      const partSeqs = partsOf(index).map((seqs) => this.order.sort(seqs, (seq) => this.orderOf(seq)));
      await this.resolve({ reader, fetch: (this.fetchLists[index] = []) }, top.segment, top.cuts, partSeqs, top.checksums);
    });
  }

  /**
   * Whether most rows differ (a full refresh): more than half of the parts differ, and so do more
   * than FULL_READ_SHARE of the rows of the first differing part (its row hashes read as a sample).
   * Then reading every row's hash and every row by key would cost more than reading both sides.
   */
  private async isFullRefresh(tops: readonly TopSegment[], partsOf: (index: number) => Uint32Array[]): Promise<boolean> {
    let parts = 0;
    let first: { segment: Segment; seqs: Uint32Array } | undefined;
    let differing = 0;
    for (const [index, top] of tops.entries()) {
      const partSeqs = partsOf(index);
      top.checksums.forEach((checksum, part) => {
        parts += 1;
        const mine = this.desired.sum(partSeqs[part]!);
        if (checksum.count === mine.count && checksum.sum === mine.value) return;
        differing += 1;
        first ??= { segment: { range: top.segment.range, filters: [{ cuts: top.cuts, parts: [part] }] }, seqs: partSeqs[part]! };
      });
    }
    if (!first || differing * 2 <= parts) return false;
    this.stats.segments = parts;
    this.stats.segmentsRead = differing;
    let rows = 0;
    let changed = 0;
    for await (const page of this.readers[0]!.rowHashes(first.segment)) {
      const keys = await this.destinationKeys(page.map(({ key }) => key));
      page.forEach(({ hash }, index) => {
        const seq = this.desired.seqOf(keys[index]!.rowKey);
        rows += 1;
        if (seq === undefined || !this.desired.hasHash(seq, hash)) changed += 1;
      });
    }
    this.stats.rowHashesRead += rows;
    return changed > FULL_READ_SHARE * Math.max(rows, first.seqs.length);
  }

  private orderOf(seq: number): OrderKey {
    const rowKey = this.desired.rowKeys[seq]!;
    // A number is its own order key (KeyOrder.of): no text to make.
    return this.order.of(rowKey, typeof rowKey === 'number' ? '' : this.desired.keyText(seq));
  }

  /**
   * The parts of `segment` under `cuts`, their desired rows (`partSeqs`, sorted by key) and the
   * server's checksums: equal parts are unchanged; differing ones are cut again or read.
   */
  private async resolve(on: TopWork, segment: Segment, cuts: readonly KeyValues[], partSeqs: readonly Uint32Array[], server: readonly SegmentChecksum[]): Promise<void> {
    this.stats.segments += server.length;
    const differing: number[] = [];
    server.forEach((part, index) => {
      const seqs = partSeqs[index]!;
      const mine = this.desired.sum(seqs);
      if (part.count === mine.count && part.sum === mine.value) for (const seq of seqs) this.markUnchanged(seq);
      else differing.push(index);
    });
    const narrow = differing.length <= server.length / 4;
    const filter = (parts: readonly number[]): Segment => ({ range: segment.range, filters: [...segment.filters, { cuts, parts } satisfies PartFilter] });
    let pending: number[] = [];
    const flush = async () => {
      if (pending.length) await this.readHashes(on, filter(pending), pending.length);
      pending = [];
    };
    for (const index of differing) {
      const seqs = partSeqs[index]!;
      if (!narrow || seqs.length <= LEAF_ROWS) {
        pending.push(index);
        continue;
      }
      await flush(); // keeps the rows in key order
      await this.cutAgain(on, filter([index]), seqs);
    }
    await flush();
  }

  /** A differing part cut at its desired keys, and compared again. */
  private async cutAgain(on: TopWork, segment: Segment, seqs: Uint32Array): Promise<void> {
    const count = Math.min(PARTS, seqs.length);
    const bounds = Array.from({ length: count + 1 }, (_, index) => Math.floor((index * seqs.length) / count));
    const cuts = bounds.slice(1, -1).map((position) => this.desired.keyValues(seqs[position]!));
    const partSeqs = bounds.slice(0, -1).map((start, index) => seqs.subarray(start, bounds[index + 1]!));
    await this.resolve(on, segment, cuts, partSeqs, await on.reader.parts(segment, cuts));
  }

  /** The segment's rows' hashes: a row whose hash is its desired row's is unchanged, the others are fetched. */
  private async readHashes(on: TopWork, segment: Segment, parts: number): Promise<void> {
    this.stats.segmentsRead += parts;
    for await (const page of on.reader.rowHashes(segment)) {
      this.stats.rowHashesRead += page.length;
      const keys = await this.destinationKeys(page.map(({ key }) => key));
      page.forEach(({ key, hash }, index) => {
        const { rowKey } = keys[index]!;
        const seq = this.desired.seqOf(rowKey);
        if (seq !== undefined && this.desired.hasHash(seq, hash)) this.markUnchanged(seq);
        else if (!this.fetching.has(rowKey)) {
          this.fetching.add(rowKey);
          on.fetch.push(key);
        }
      });
    }
  }

  private markUnchanged(seq: number): void {
    if (this.found[seq] === 0) this.unchanged += 1;
    this.found[seq] = 1;
  }

  /** Keys as read from the destination, as the desired ones are kept: row key and key text. */
  private async destinationKeys(keys: readonly Row[]): Promise<{ rowKey: RowKey; keyText: string }[]> {
    const rows = await this.differ.prepareKeys(keys.map((key) => widen(key, this.keyIndexes, this.columns.length)));
    return rows.map((row) => {
      const values = this.keyIndexes.map((index) => row[index] ?? null);
      return { rowKey: this.keyOf(row), keyText: values.length === 1 ? (values[0] ?? '') : JSON.stringify(values) };
    });
  }
}
