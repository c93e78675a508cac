/**
 * The differ fed in order, for tests: every desired row first, then every destination row. The
 * pipeline interleaves both sides (sync-diff.ts); the result is the same whatever the interleaving.
 */
import type { RowKey } from '../../src/mapping/row-key.js';
import type { TargetColumn } from '../../src/mapping/target-columns.js';
import type { DesiredRow, Row } from '../../src/model/row.js';
import type { Mode } from '../../src/plan/mode-rules.js';
import { StreamingRowDiffer, type DifferOptions, type RowDiff } from '../../src/plan/row-diff.js';

export function diffInOrder(
  desired: ReadonlyMap<RowKey, DesiredRow>,
  columns: readonly TargetColumn[],
  mode: Mode,
  actual: readonly Row[],
  options: DifferOptions = {},
): RowDiff {
  const differ = new StreamingRowDiffer(columns, mode, options);
  for (const [key, row] of desired) differ.addDesired(key, row);
  for (const row of actual) differ.observe(row);
  return differ.finish();
}
