/**
 * Desired versus actual, read at the same time (issue 7): the source is mapped and the destination
 * read page by page concurrently, and both feed the streaming differ as they arrive. The server
 * prepares destination pages while the client parses the source, and matched rows that need no
 * write are let go at once, so memory holds what is to be written, not the whole source.
 */
import { approximateCollations, type KeyCollations } from '../mapping/collation.js';
import { DesiredRowCollector, recordBatches } from '../mapping/desired-rows.js';
import type { Partition } from '../model/partition.js';
import type { Rejection } from '../model/rejection.js';
import type { Row } from '../model/row.js';
import type { SourceRow } from '../source/source.js';
import type { Mode } from './mode-rules.js';
import type { WrittenUniqueKey } from '../mapping/unique-keys.js';
import { StreamingRowDiffer, type DifferOptions, type RowDiff } from './row-diff.js';
import type { TargetColumn } from '../mapping/target-columns.js';

/**
 * How far one side may run ahead of the rows matched so far (StreamingRowDiffer.actualLead, and
 * desiredLead in source lines) before it waits for the other to catch up. A source in key order
 * keeps the two sides in step and memory small. Only one side ever waits, so an unordered source
 * cannot stall the diff: then one side's unmatched rows wait in memory, as a full read would.
 */
const MAX_LEAD = 10_000;

const PROGRESS_ROWS = 10_000;

export interface SyncDiffInput {
  readonly source: AsyncIterable<SourceRow>;
  readonly columns: readonly TargetColumn[];
  readonly mode: Mode;
  readonly maxRejectedRows: number;
  /** Destination rows in key order, a page at a time; undefined when the table does not exist. */
  readonly actual?: AsyncIterable<Row[]>;
  /** Each destination page as read, before it is compared (fingerprints, progress). */
  readonly onActualPage?: (page: readonly Row[]) => void;
  /** Source records read so far, every PROGRESS_ROWS records (progress). */
  readonly onSourceRows?: (read: number) => void;
  /** Each accepted desired row, in source order (fingerprints of sources without a file). */
  readonly onDesiredRow?: (values: Row) => void;
  /** Where rows to write go past the in-memory budget (see planned-rows.ts). */
  readonly differ?: DifferOptions;
  /** Key equality under collations: the destination server's (default: approximated from names). */
  readonly collations?: KeyCollations;
  /** Unique keys besides the primary key: source rows sharing their values are bad rows. */
  readonly uniqueKeys?: readonly WrittenUniqueKey[];
  /** Only this partition's source rows (the destination rows come already filtered: compare-rows.ts). */
  readonly partition?: Partition;
}

export interface SyncDiffResult {
  /** Meaningful only when the rejections are within `maxRejectedRows`. */
  readonly diff: RowDiff;
  readonly rejections: readonly Rejection[];
  /** Source records read (in the partition), and rows accepted. */
  readonly sourceRows: number;
  /** Source records of other partitions, skipped. */
  readonly otherPartitionRows: number;
  readonly acceptedRows: number;
}

export async function diffSync(input: SyncDiffInput): Promise<SyncDiffResult> {
  const collations = input.collations ?? approximateCollations;
  // Each side prepares the collation keys of its own batches.
  const actualKeys = collations.reader();
  const differ = new StreamingRowDiffer(input.columns, input.mode, { ...input.differ, keys: actualKeys, exactCollations: collations.exact });
  // No table: every source row is an added row, none waits for a partner.
  if (input.actual === undefined) differ.endOfActual();
  const collector = new DesiredRowCollector(input.columns, input.maxRejectedRows, collations.reader(), input.uniqueKeys, input.partition);
  let sourceDone = false;
  let actualDone = input.actual === undefined;
  let stop = false;
  let sourceWaiting = false;
  let actualWaiting = false;
  let resumeSource: (() => void) | undefined;
  let resumeActual: (() => void) | undefined;
  const wake = (which: 'source' | 'actual'): void => {
    const resolve = which === 'source' ? resumeSource : resumeActual;
    if (which === 'source') resumeSource = undefined;
    else resumeActual = undefined;
    resolve?.();
  };

  const readSource = async (): Promise<void> => {
    try {
      let reported = 0;
      for await (const batch of recordBatches(input.source)) {
        if (stop) break;
        await collector.addBatch(batch, (key) => differ.earlier(key), (accepted) => {
          input.onDesiredRow?.(accepted.row.values);
          differ.addDesired(accepted.key, accepted.row);
        });
        if (collector.recordsRead - reported >= PROGRESS_ROWS) input.onSourceRows?.((reported = collector.recordsRead));
        if (collector.overflowing || stop) break;
        if (resumeActual && differ.actualLead < MAX_LEAD / 2) wake('actual');
        // Ahead of the destination: wait for it, so that source rows do not pile up.
        while (!actualDone && !stop && !actualWaiting && differ.desiredLead > MAX_LEAD) {
          sourceWaiting = true;
          await new Promise<void>((resolve) => (resumeSource = resolve));
          sourceWaiting = false;
        }
      }
    } catch (error) {
      stop = true;
      throw error;
    } finally {
      sourceDone = true;
      wake('actual');
    }
  };

  const readActual = async (): Promise<void> => {
    if (!input.actual) return;
    try {
      for await (const page of input.actual) {
        if (stop) break;
        input.onActualPage?.(page);
        await differ.prepareKeys(page);
        for (const row of page) differ.observe(row);
        if (resumeSource && differ.desiredLead < MAX_LEAD / 2) wake('source');
        // Ahead of the source: wait for it, so that destination rows do not pile up.
        while (!sourceDone && !stop && !sourceWaiting && differ.actualLead > MAX_LEAD) {
          actualWaiting = true;
          await new Promise<void>((resolve) => (resumeActual = resolve));
          actualWaiting = false;
        }
        if (stop || collector.overflowing) break;
      }
      // All destination rows seen (the diff is void if reading stopped early): source rows read
      // from now on are added rows, and none waits in memory for a partner.
      differ.endOfActual();
    } catch (error) {
      stop = true;
      throw error;
    } finally {
      actualDone = true;
      wake('source');
    }
  };

  const [source, actual] = await Promise.allSettled([readSource(), readActual()]);
  if (source.status === 'rejected') throw source.reason;
  if (actual.status === 'rejected') throw actual.reason;
  return {
    // A source row skipped under max_rejected_rows is bad data, not a departed row: its destination row is kept.
    diff: differ.finish(collector.rejectedKeys),
    rejections: collector.rejections,
    sourceRows: collector.sourceRows,
    otherPartitionRows: collector.otherPartitions,
    acceptedRows: collector.accepted,
  };
}
