/**
 * Source records to desired rows, collecting bad rows with their source line. Duplicate keys —
 * including keys the destination's collation treats as equal — are bad rows.
 */
import type { DesiredRow } from '../model/row.js';
import type { Rejection } from '../model/rejection.js';
import type { SourceRow } from '../source/source.js';
import { LargeMap } from './large-map.js';
import { keyValuesOnly, makeKeyOf, type RowKey } from './row-key.js';
import type { TargetColumn } from './target-columns.js';
import { createRowMapper, type RowProblem } from './map-row.js';

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
  for await (const record of source) {
    const accepted = collector.add(record, (key) => seen.get(key));
    if (accepted) seen.set(accepted.key, { line: accepted.row.line, values: keyValuesOnly(columns, accepted.row.values) });
    if (collector.overflowing) break;
  }
  return { rejections: collector.rejections, sourceRows: collector.sourceRows };
}

/**
 * One source record at a time: maps it, or records why it is rejected (bad values, a missing
 * key, a duplicate key). The caller keeps the accepted rows (a map, or the streaming differ) and
 * answers `earlier(key)` for duplicate detection.
 */
export class DesiredRowCollector {
  readonly rejections: Rejection[] = [];
  readonly rejectedKeys = new Set<RowKey>();
  /** Source records read. */
  sourceRows = 0;
  /** Rows accepted. */
  accepted = 0;
  private readonly mapRow;
  private readonly keyOf;
  // The key alone, for rows rejected for other columns; same keys as keyOf (same order).
  private readonly mapKey;
  private readonly keyOfKey;

  constructor(
    private readonly columns: readonly TargetColumn[],
    private readonly maxRejectedRows: number,
  ) {
    this.mapRow = createRowMapper(columns);
    this.keyOf = makeKeyOf(columns);
    const keyColumns = columns.filter((column) => column.isKey);
    this.mapKey = createRowMapper(keyColumns);
    this.keyOfKey = makeKeyOf(keyColumns);
  }

  /** The accepted row and its key, or undefined when the record is rejected. */
  add(
    record: SourceRow,
    earlier: (key: RowKey) => { readonly line: number; readonly values: readonly (string | null)[] } | undefined,
  ): { readonly key: RowKey; readonly row: DesiredRow } | undefined {
    this.sourceRows += 1;
    const mapped = this.mapRow(record.fields);
    if (!mapped.ok) {
      this.rejections.push(rejection(record, mapped.problems));
      const key = this.mapKey(record.fields);
      if (key.ok) this.rejectedKeys.add(this.keyOfKey(key.values));
      return undefined;
    }
    const key = this.keyOf(mapped.values);
    const first = earlier(key);
    if (first) {
      this.rejections.push({
        line: record.line,
        code: 'PSSYNC_E_ROW_KEY_DUPLICATE',
        message: `duplicate key ${describeKey(this.columns, mapped.values)}: the same key as line ${first.line}${sameUnderCollation(this.columns, first.values, mapped.values)}`,
        fields: jsonSafe(record.fields) as Record<string, unknown>,
      });
      return undefined;
    }
    this.accepted += 1;
    return { key, row: { values: mapped.values, line: record.line } };
  }

  /** More rejections than allowed, by a margin: the sync fails anyway, so reading can stop. */
  get overflowing(): boolean {
    return this.rejections.length > this.maxRejectedRows + REJECTION_OVERFLOW;
  }
}

function rejection(record: SourceRow, problems: readonly RowProblem[]): Rejection {
  const [first] = problems;
  return {
    line: record.line,
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
