/**
 * Reads a whole source into the desired-row map (by key), collecting bad rows with their source
 * line. Duplicate keys — including keys the destination's collation treats as equal — are bad rows.
 */
import type { DesiredRow } from '../model/row.js';
import type { DiagnosticCode } from '../model/diagnostic.js';
import type { SourceRow } from '../source/source.js';
import { makeKeyOf } from '../plan/row-diff.js';
import type { TargetColumn } from '../plan/target.js';
import { createRowMapper, type RowProblem } from './map-row.js';

export interface Rejection {
  readonly line: number;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface DesiredRows {
  readonly rows: ReadonlyMap<string, DesiredRow>;
  readonly rejections: readonly Rejection[];
  /** Source records read. */
  readonly sourceRows: number;
}

/** Stop collecting rejections once this many are over the allowed number: the sync fails anyway. */
const REJECTION_OVERFLOW = 100;

export async function collectDesiredRows(
  source: AsyncIterable<SourceRow>,
  columns: readonly TargetColumn[],
  maxRejectedRows: number,
): Promise<DesiredRows> {
  const mapRow = createRowMapper(columns);
  const keyOf = makeKeyOf(columns);
  const rows = new Map<string, DesiredRow>();
  const rejections: Rejection[] = [];
  let sourceRows = 0;
  for await (const record of source) {
    sourceRows += 1;
    const mapped = mapRow(record.fields);
    if (!mapped.ok) {
      rejections.push(rejection(record, mapped.problems));
    } else {
      const key = keyOf(mapped.values);
      const earlier = rows.get(key);
      if (earlier) {
        rejections.push({
          line: record.line,
          code: 'PSSYNC_E_ROW_KEY_DUPLICATE',
          message: `duplicate key ${describeKey(columns, mapped.values)}: the same key as line ${earlier.line}`,
          fields: record.fields,
        });
      } else {
        rows.set(key, { values: mapped.values, line: record.line });
      }
    }
    if (rejections.length > maxRejectedRows + REJECTION_OVERFLOW) break;
  }
  return { rows, rejections, sourceRows };
}

function rejection(record: SourceRow, problems: readonly RowProblem[]): Rejection {
  const [first] = problems;
  return {
    line: record.line,
    code: first!.code,
    message: problems.map((problem) => `column \`${problem.column}\`: ${problem.message}`).join('; '),
    fields: record.fields,
  };
}

function describeKey(columns: readonly TargetColumn[], values: readonly (string | null)[]): string {
  return columns
    .flatMap((column, index) => (column.isKey ? [`${column.name}=${JSON.stringify(values[index])}`] : []))
    .join(', ');
}
