/** A row skipped under max_rejected_rows must not make mirror delete its destination row. */
import { describe, expect, it } from 'vitest';
import { makeKeyOf } from '../../../src/mapping/row-key.js';
import { StreamingRowDiffer } from '../../../src/plan/row-diff.js';
import { column } from '../../helpers/plan-builders.js';

const columns = [column('id', 'int', { key: true }), column('name', 'varchar(20)')];

function mirrorDeleting(rows: string[][], keep: ReadonlySet<string | number>) {
  const differ = new StreamingRowDiffer(columns, 'mirror');
  for (const row of rows) differ.observe(row);
  return differ.finish(keep);
}

describe('the differ keeps rows of rejected keys', () => {
  it('keeps destination rows whose key belongs to a rejected source row', () => {
    const keyOf = makeKeyOf(columns);
    const diff = mirrorDeleting([['1', 'a'], ['2', 'b'], ['3', 'c']], new Set([keyOf(['2', null])]));
    expect(diff.ops.deletes).toEqual([['1', 'a'], ['3', 'c']]);
    expect(diff.counts.delete).toBe(2);
    expect(diff.samples.delete).toEqual([['1', 'a'], ['3', 'c']]);
  });

  it('changes nothing without rejected keys', () => {
    const diff = mirrorDeleting([['1', 'a']], new Set());
    expect(diff.ops.deletes).toEqual([['1', 'a']]);
  });
});
