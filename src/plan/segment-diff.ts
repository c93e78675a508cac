/**
 * The checksum-first diff (issue 13): the same plan as the full read (sync-diff.ts), reading from
 * the destination only the rows that differ.
 *
 * 1. While the source is read and checked as always (each accepted row's hash, model/row-checksum.ts,
 *    and key kept; the row itself goes to a spill file), the server cuts the sync's rows into
 *    segments of TOP_ROWS rows in key order, each in PARTS parts, and reports each part's row count
 *    and hash sum: two queries per segment, each over one index range, overlapping the source read.
 * 2. Each desired row is put in the part its key falls in, and the parts are compared; where they
 *    differ, they are cut again or their rows' hashes read (segment-compare.ts).
 * 3. The streaming differ gets the rows read in full (in key order) and the desired rows that
 *    matched none (in source order); the unchanged rows are counted. Counts, rows and samples
 *    come out as a full read's.
 */
import { approximateCollations } from '../mapping/collation.js';
import { DesiredRowCollector, recordBatches } from '../mapping/desired-rows.js';
import type { RowKey } from '../mapping/row-key.js';
import { HashSum, rowHasher, type ChecksumColumn } from '../model/row-checksum.js';
import type { RowSpill } from '../model/row-spill.js';
import type { DesiredRow, Row } from '../model/row.js';
import type { SegmentReader } from '../model/segment.js';
import { DesiredIndex } from './desired-index.js';
import { StreamingRowDiffer } from './row-diff.js';
import { scanDestination, SegmentComparison, shareAmong } from './segment-compare.js';
import type { SyncDiffInput, SyncDiffResult } from './sync-diff.js';

export { TOP_ROWS } from './segment-compare.js';

/** Keys per query that reads differing rows in full. */
const FETCH_KEYS = 1_000;
/** How far the destination may run ahead of the rows matched in mergeAll (as in sync-diff.ts). */
const MAX_LEAD = 10_000;

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
  /** More readers, on connections of their own, to read row hashes side by side (optional). */
  readonly moreReaders?: readonly SegmentReader[];
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

export async function diffByChecksums(input: ChecksumDiffInput): Promise<ChecksumDiffResult> {
  const { columns } = input;
  const collations = input.collations ?? approximateCollations;
  const actualKeys = collations.reader();
  const differ = new StreamingRowDiffer(columns, input.mode, { ...input.differ, keys: actualKeys, exactCollations: collations.exact });
  const collector = new DesiredRowCollector(columns, input.maxRejectedRows, collations.reader(), input.uniqueKeys, input.partition);
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
      spill.append(spilledRow(row));
    });
    if (collector.recordsRead - reported >= 10_000) input.onSourceRows?.((reported = collector.recordsRead));
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
    otherPartitionRows: collector.otherPartitions,
    acceptedRows: collector.accepted,
    comparison: { method: 'checksum', ...stats },
    actualSum,
  });
  if (collector.overflowing) return result(); // the sync fails on its rejections: no diff to make

  // 2. Each desired row in its part of the destination's segments; parts compared (segment-compare.ts).
  const readers = [input.reader, ...(input.moreReaders ?? [])];
  const comparison = new SegmentComparison(readers, columns, desired, differ, actualKeys);
  await comparison.compare(tops);
  Object.assign(stats, comparison.stats);

  // Most rows differ (a full refresh): fetching them by key would cost more than reading them, and
  // hold them all in memory. Both sides are streamed through the differ instead, as the full read does.
  if (comparison.mostRowsDiffer) {
    stats.rowsRead = await mergeAll(differ, input.reader.allRows(), spilled.batches(2_048), desired.rowKeys);
    return { ...result(), comparison: { method: 'checksum', reason: 'most rows differ: both sides read in full', ...stats } };
  }

  // 3. The differ: rows that differ, read in full (side by side, observed in key order); then the
  // unmatched desired rows.
  const toFetch = comparison.toFetch;
  const batches: Row[][] = [];
  for (let index = 0; index < toFetch.length; index += FETCH_KEYS) batches.push(toFetch.slice(index, index + FETCH_KEYS));
  const fetched: Row[][] = [];
  await shareAmong(readers, batches.length, async (reader, index) => {
    fetched[index] = await reader.rowsByKeys(batches[index]!);
  });
  for (const rows of fetched) {
    stats.rowsRead += rows.length;
    await differ.prepareKeys(rows);
    for (const row of rows) differ.observe(row);
  }
  differ.endOfActual();
  let seq = 0;
  // Nothing left to match (a no-op): the rows on disk are not read back.
  const unmatched = desired.size - comparison.unchanged;
  for await (const batch of unmatched > 0 ? spilled.batches(2_048) : []) {
    for (const row of batch) {
      if (!comparison.isUnchanged(seq)) differ.addDesired(desired.rowKeys[seq]!, desiredRowOf(row));
      seq += 1;
    }
  }
  differ.addUnchanged(comparison.unchanged);
  return result();
}

/** A desired row as the spill keeps it: its line first, then its values. */
function spilledRow(row: DesiredRow): Row {
  return [String(row.line), ...row.values];
}

function desiredRowOf(spilled: Row): DesiredRow {
  return { values: spilled.slice(1), line: Number(spilled[0]) };
}

/**
 * Every destination row and every desired row (from the spill, in source order) through a fresh
 * differ state, one side at a time: the destination until it is MAX_LEAD rows ahead of the rows
 * matched, then the source — so a source in key order keeps memory small, as in the full read.
 * Returns the destination rows read.
 */
async function mergeAll(
  differ: StreamingRowDiffer,
  actual: AsyncIterable<Row[]>,
  desired: AsyncIterable<readonly Row[]>,
  rowKeys: readonly RowKey[],
): Promise<number> {
  const pages = actual[Symbol.asyncIterator]();
  const batches = desired[Symbol.asyncIterator]();
  let actualDone = false;
  let desiredDone = false;
  let read = 0;
  let seq = 0;
  while (!actualDone || !desiredDone) {
    if (!actualDone && (desiredDone || differ.actualLead <= MAX_LEAD)) {
      const page = await pages.next();
      if (page.done) {
        actualDone = true;
        differ.endOfActual();
        continue;
      }
      read += page.value.length;
      await differ.prepareKeys(page.value);
      for (const row of page.value) differ.observe(row);
      continue;
    }
    const batch = await batches.next();
    if (batch.done) {
      desiredDone = true;
      continue;
    }
    for (const row of batch.value) differ.addDesired(rowKeys[seq++]!, desiredRowOf(row));
  }
  return read;
}
