/**
 * Source records to desired rows, collecting bad rows with their source line. Duplicate keys —
 * including keys the destination's collation treats as equal — are bad rows.
 */
import type { DesiredRow, Row } from '../model/row.js';
import { approximateCollations, type CollationKeys } from './collation.js';
import type { Rejection } from '../model/rejection.js';
import { hasBatches, type SourceRow } from '../source/source.js';
import { LargeMap } from './large-map.js';
import { keyRequests, keyValuesOnly, makeKeyOf, type RowKey } from './row-key.js';
import type { TargetColumn } from './target-columns.js';
import { createRowMapper, type RowProblem } from './map-row.js';
import { mergeRequests, UniqueValueIndex, type WrittenUniqueKey } from './unique-keys.js';
import { slotOfKey, slotOfRawKey, type Partition } from '../model/partition.js';

export interface SourceCheck {
  readonly rejections: readonly Rejection[];
  /** Source records read. */
  readonly sourceRows: number;
}

/** Stop collecting rejections once this many are over the allowed number: the sync fails anyway. */
const REJECTION_OVERFLOW = 100;

/**
 * Reads a whole source for its bad rows (`validate`): mapped and checked as `plan` does, keeping
 * per key only what duplicate detection needs (its line and key values), never the rows.
 */
export async function checkDesiredRows(source: AsyncIterable<SourceRow>, columns: readonly TargetColumn[], maxRejectedRows: number): Promise<SourceCheck> {
  const collector = new DesiredRowCollector(columns, maxRejectedRows);
  const seen = new LargeMap<RowKey, { readonly line: number; readonly values: readonly (string | null)[] }>();
  for await (const batch of recordBatches(source)) {
    await collector.addBatch(batch, (key) => seen.get(key), ({ key, row }) => seen.set(key, { line: row.line, values: keyValuesOnly(columns, row.values) }));
    if (collector.overflowing) break;
  }
  return { rejections: collector.rejections, sourceRows: collector.sourceRows };
}

/** Records read this many at a time: the keys of a batch are weighed in one server round trip. */
export const RECORD_BATCH = 512;

/** The records of a source in batches of up to RECORD_BATCH (the last one shorter). */
export async function* recordBatches(source: AsyncIterable<SourceRow>, size = RECORD_BATCH): AsyncGenerator<SourceRow[]> {
  let batch: SourceRow[] = [];
  // A batched source's own batches, cut to size: one await per batch, not per record.
  for await (const records of hasBatches(source) ? source.batches() : singles(source)) {
    for (const record of records) {
      batch.push(record);
      if (batch.length < size) continue;
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* singles(source: AsyncIterable<SourceRow>): AsyncGenerator<readonly SourceRow[]> {
  for await (const record of source) yield [record];
}

/** An accepted desired row and its key. */
export interface AcceptedRow {
  readonly key: RowKey;
  readonly row: DesiredRow;
}

type EarlierRow = (key: RowKey) => { readonly line: number; readonly values: readonly (string | null)[] } | undefined;

/** A record mapped: its values, or why it is refused (with its key values when those mapped). */
type MappedRecord =
  | { readonly record: SourceRow; readonly ok: true; readonly values: Row }
  | { readonly record: SourceRow; readonly ok: false; readonly problems: readonly RowProblem[]; readonly keyValues?: Row };

/**
 * Source records, a batch at a time: maps each, or records why it is rejected (bad values, a
 * missing key, a duplicate key). The caller keeps the accepted rows (a map, or the streaming
 * differ) and answers `earlier(key)` for duplicate detection. Keys follow `keys` (the server's
 * collations during a plan), prepared for the whole batch in one go.
 */
export class DesiredRowCollector {
  readonly rejections: Rejection[] = [];
  readonly rejectedKeys = new Set<RowKey>();
  /** Source records read, in the partition (when there is one). */
  sourceRows = 0;
  /** Source records read that belong to other partitions (skipped). */
  otherPartitions = 0;
  /** Rows accepted. */
  accepted = 0;

  /** Source records read, in every partition (progress). */
  get recordsRead(): number {
    return this.sourceRows + this.otherPartitions;
  }
  private readonly mapRow;
  private readonly keyOf;
  /** The key alone, for rows rejected for other columns. */
  private readonly mapKey;
  private readonly keyIndexes: readonly number[];
  /** Unique keys besides the primary key: two rows sharing one would overwrite each other. */
  private readonly unique: UniqueValueIndex;
  /** Where each file of a several-file source starts in its running line count (see SourceRow.origin). */
  private readonly files: { readonly offset: number; readonly file: string }[] = [];

  constructor(
    private readonly columns: readonly TargetColumn[],
    private readonly maxRejectedRows: number,
    private readonly keys: CollationKeys = approximateCollations.reader(),
    uniqueKeys: readonly WrittenUniqueKey[] = [],
    /** Only this partition's records are kept (the others are counted, not checked). */
    private readonly partition?: Partition,
  ) {
    this.unique = new UniqueValueIndex(columns, uniqueKeys, keys);
    this.mapRow = createRowMapper(columns);
    this.keyOf = makeKeyOf(columns, keys);
    this.mapKey = createRowMapper(columns.filter((column) => column.isKey));
    this.keyIndexes = columns.flatMap((column, index) => (column.isKey ? [index] : []));
  }

  /**
   * Maps a batch; each accepted row goes to `onAccepted` at once, in source order, so that
   * `earlier` knows it when the next record of the same batch is checked.
   */
  async addBatch(records: readonly SourceRow[], earlier: EarlierRow, onAccepted: (row: AcceptedRow) => void): Promise<void> {
    const mapped = records.map((record) => this.map(record));
    const keyed = mapped.flatMap((item) => (item.ok ? [item.values] : item.keyValues ? [item.keyValues] : []));
    let requests = keyRequests(this.columns, keyed);
    if (!this.unique.empty) requests = mergeRequests(requests, this.unique.requests(mapped.flatMap((item) => (item.ok ? [item.values] : []))));
    if (requests.size > 0) await this.keys.prepare(requests);
    for (const item of mapped) {
      const row = this.accept(item, earlier);
      if (row) onAccepted(row);
    }
  }

  private map(record: SourceRow): MappedRecord {
    const origin = record.origin;
    if (origin && this.files[this.files.length - 1]?.file !== origin.file) this.files.push({ offset: record.line - origin.line, file: origin.file });
    const mapped = this.mapRow(record.fields);
    if (mapped.ok) return { record, ok: true, values: mapped.values };
    const key = this.mapKey(record.fields);
    if (!key.ok) return { record, ok: false, problems: mapped.problems };
    // The key values at their places in a full-width row, so the one keyOf serves.
    const keyValues = new Array<string | null>(this.columns.length).fill(null);
    this.keyIndexes.forEach((index, position) => (keyValues[index] = key.values[position] ?? null));
    return { record, ok: false, problems: mapped.problems, keyValues };
  }

  /** The accepted row and its key, or undefined when the record is rejected. */
  private accept(item: MappedRecord, earlier: EarlierRow): AcceptedRow | undefined {
    const { record } = item;
    const keyed = item.ok ? item.values : item.keyValues;
    const key = keyed ? this.keyOf(keyed) : undefined;
    if (!this.inPartition(key, record)) {
      this.otherPartitions += 1;
      return undefined;
    }
    this.sourceRows += 1;
    if (!item.ok) {
      this.rejections.push(rejection(record, item.problems));
      if (key !== undefined) this.rejectedKeys.add(key);
      return undefined;
    }
    const rowKey = key!; // a mapped record has its key
    const first = earlier(rowKey);
    if (first) {
      this.rejections.push({
        ...position(record),
        code: 'PSSYNC_E_ROW_KEY_DUPLICATE',
        message: `duplicate key ${describeKey(this.columns, item.values)}: the same key as ${this.describeLine(first.line)}${sameUnderCollation(this.columns, first.values, item.values)}`,
        fields: jsonSafe(record.fields) as Record<string, unknown>,
      });
      return undefined;
    }
    const sharesUnique = this.unique.empty ? undefined : this.unique.add(item.values, record.line);
    if (sharesUnique) {
      this.rejections.push({ line: record.line, code: 'PSSYNC_E_ROW_UNIQUE_DUPLICATE', message: sharesUnique, fields: jsonSafe(record.fields) as Record<string, unknown> });
      // Skipped as bad data: its destination row (under its own primary key) is kept.
      this.rejectedKeys.add(rowKey);
      return undefined;
    }
    this.accepted += 1;
    return { key: rowKey, row: { values: item.values, line: record.line } };
  }

  /** Whether the record is this partition's: by its key, or by its key fields' text when the key did not map. */
  private inPartition(key: RowKey | undefined, record: SourceRow): boolean {
    if (!this.partition || this.partition.count === 1) return true;
    const { count, index } = this.partition;
    const slot = key !== undefined ? slotOfKey(key, count) : slotOfRawKey(this.rawKeyValues(record), count);
    return slot === index - 1;
  }

  private rawKeyValues(record: SourceRow): unknown[] {
    return this.keyIndexes.map((index) => {
      const origin = this.columns[index]!.origin;
      return origin.kind === 'field' ? record.fields[origin.from] : origin.kind === 'constant' ? origin.value : undefined;
    });
  }

  /** `line N`, and for a several-file source `line N of <file>`, for a record's running line number. */
  private describeLine(line: number): string {
    const file = this.files.findLast((entry) => entry.offset < line);
    return file ? `line ${line - file.offset} of ${file.file}` : `line ${line}`;
  }

  /** More rejections than allowed, by a margin: the sync fails anyway, so reading can stop. */
  get overflowing(): boolean {
    return this.rejections.length > this.maxRejectedRows + REJECTION_OVERFLOW;
  }
}

function rejection(record: SourceRow, problems: readonly RowProblem[]): Rejection {
  const [first] = problems;
  return {
    ...position(record),
    code: first!.code,
    message: problems.map((problem) => `column \`${problem.column}\`: ${problem.message}`).join('; '),
    fields: jsonSafe(record.fields) as Record<string, unknown>,
  };
}

function describeKey(columns: readonly TargetColumn[], values: readonly (string | null)[]): string {
  return columns
    .flatMap((column, index) => (column.isKey ? [`${column.name}=${JSON.stringify(values[index])}`] : []))
    .join(', ');
}

/** When two keys differ as text but not to the destination's collation, say so. */
function sameUnderCollation(columns: readonly TargetColumn[], earlier: readonly (string | null)[], later: readonly (string | null)[]): string {
  const differing = columns.flatMap((column, index) =>
    column.isKey && earlier[index] !== later[index] ? [`${JSON.stringify(earlier[index])} and ${JSON.stringify(later[index])} are equal under ${column.collation ?? 'its collation'}`] : [],
  );
  return differing.length ? ` (${differing.join('; ')})` : '';
}

/**
 * Source values as JSON can hold them: bigint as a number when exact, else its digits as a
 * string; bytes as base64; other values as they are (ExactNumber and Date have toJSON).
 */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = jsonSafe(item);
  return result;
}

/** A record's line as messages give it: within its file, for a source of several files. */
function position(record: SourceRow): { line: number; file?: string } {
  return record.origin ? { line: record.origin.line, file: record.origin.file } : { line: record.line };
}
