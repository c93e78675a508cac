/** A row skipped under max_rejected_rows must not make mirror delete its destination row. */
import { describe, expect, it } from 'vitest';
import { makeKeyOf } from '../../../src/mapping/row-key.js';
import type { RowDiff } from '../../../src/plan/row-diff.js';
import { keepRejectedRows } from '../../../src/plan/sync-diff.js';
import { column, NO_ROWS } from './build.js';

const columns = [column('id', 'int', { key: true }), column('name', 'varchar(20)')];

function diffDeleting(rows: string[][]): RowDiff {
  return {
    ops: { inserts: NO_ROWS, updates: NO_ROWS, deletes: rows },
    counts: { insert: 0, update: 0, delete: rows.length, skip: 0, unchanged: 0 },
    samples: { insert: [], update: [], delete: rows },
    actualRows: rows.length,
  };
}

describe('keepRejectedRows', () => {
  it('keeps destination rows whose key belongs to a rejected source row', () => {
    const keyOf = makeKeyOf(columns);
    const diff = keepRejectedRows(diffDeleting([['1', 'a'], ['2', 'b'], ['3', 'c']]), columns, new Set([keyOf(['2', null])]));
    expect(diff.ops.deletes).toEqual([['1', 'a'], ['3', 'c']]);
    expect(diff.counts.delete).toBe(2);
    expect(diff.samples.delete).toEqual([['1', 'a'], ['3', 'c']]);
  });

  it('changes nothing without rejected keys', () => {
    const diff = diffDeleting([['1', 'a']]);
    expect(keepRejectedRows(diff, columns, new Set())).toBe(diff);
  });
});
