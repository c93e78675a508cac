/**
 * Rows to write past the in-memory budget are spilled to a temporary file and read back in order
 * (issue 7: a 1,000,000-row initial load in bounded memory); the plan's result is the same either way.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/model/row.js';
import { operationsFingerprint } from '../../../src/plan/fingerprint.js';
import { PlannedRowsBuilder, rowBatches } from '../../../src/plan/planned-rows.js';
import { rowDigest } from '../../../src/plan/row-digest.js';
import { diffSync } from '../../../src/plan/sync-diff.js';
import type { SourceRow } from '../../../src/source/source.js';
import { openSpillFile } from '../../../src/storage/spill-file.js';
import { allRows, column, keptRows } from '../../helpers/plan-builders.js';

const COLUMNS = [column('id', 'int', { key: true }), column('note', 'text')];
const awkward: Row[] = [
  ['1', null],
  ['2', ''],
  ['3', 'Zoë 🚀 "quoted" \\ back\nslash'],
  ['4', '\u0000\u001f,\r\n'],
];

describe('PlannedRowsBuilder', () => {
  it('keeps rows under the budget, sorted by their order', () => {
    const builder = new PlannedRowsBuilder(() => openSpillFile('test'));
    builder.add(['b', '2'], 2);
    builder.add(['a', '1'], 1);
    const list = builder.build();
    expect(list.kind).toBe('kept');
    expect(list.kind === 'kept' && list.rows).toEqual([['a', '1'], ['b', '2']]);
  });

  it('past the budget spills every row to a file and reads them back in order, values intact', async () => {
    const builder = new PlannedRowsBuilder(() => openSpillFile('test'), 20);
    const rows: Row[] = [...awkward, ...Array.from({ length: 5_000 }, (_, index): Row => [String(index + 10), `note ${index}`])];
    rows.forEach((row, index) => builder.add(row, index));
    const list = builder.build();
    expect(list.kind).toBe('spilled');
    expect(list.count).toBe(rows.length);
    expect(await allRows(list)).toEqual(rows);
    const sizes: number[] = [];
    for await (const batch of rowBatches(list, 1_000)) sizes.push(batch.length);
    expect(sizes).toEqual([1_000, 1_000, 1_000, 1_000, 1_000, 4]);
  });

  it('without a spill, keeps everything', () => {
    const builder = new PlannedRowsBuilder(undefined, 1);
    awkward.forEach((row, index) => builder.add(row, index));
    expect(builder.build()).toMatchObject({ kind: 'kept', count: 4 });
  });

  it('the digest of a list does not depend on the order rows were found in, nor on where they are kept', () => {
    const spilling = new PlannedRowsBuilder(() => openSpillFile('test'), 1);
    [...awkward].reverse().forEach((row, index) => spilling.add(row, index));
    const spilled = spilling.build();
    expect(spilled.kind).toBe('spilled');
    expect(spilled.digest).toEqual(keptRows(awkward).digest);
    const ops = (inserts: typeof spilled) => ({ inserts, updates: keptRows([]), deletes: [] });
    expect(operationsFingerprint([], ops(spilled))).toBe(operationsFingerprint([], ops(keptRows(awkward))));
    expect(operationsFingerprint([], ops(keptRows(awkward.slice(1))))).not.toBe(operationsFingerprint([], ops(keptRows(awkward))));
  });
});

describe('PlannedRowsBuilder digest of updates', () => {
  it('covers the destination values an update replaces: the same writes over other values are other work', () => {
    const digest = (before: Row) => {
      const builder = new PlannedRowsBuilder(undefined);
      builder.add(['1', 'new'], 0, before);
      return builder.build().digest;
    };
    expect(digest(['1', 'old'])).toEqual(digest(['1', 'old']));
    expect(digest(['1', 'old'])).not.toEqual(digest(['1', 'other']));
  });

  it('ties each update to the row it replaces: swapping the replaced rows between two updates changes it', () => {
    const digest = (pairs: [Row, Row][]) => {
      const builder = new PlannedRowsBuilder(undefined);
      pairs.forEach(([after, before], index) => builder.add(after, index, before));
      return builder.build().digest;
    };
    const [a1, a2, b1, b2]: [Row, Row, Row, Row] = [['1', 'new1'], ['2', 'new2'], ['1', 'old1'], ['2', 'old2']];
    expect(digest([[a1, b1], [a2, b2]])).toEqual(digest([[a2, b2], [a1, b1]]));
    expect(digest([[a1, b1], [a2, b2]])).not.toEqual(digest([[a1, b2], [a2, b1]]));
  });
});

describe('rowDigest', () => {
  it('tells NULL from empty text, and where one value ends', () => {
    expect(rowDigest([null])).not.toBe(rowDigest(['']));
    expect(rowDigest(['ab', 'c'])).not.toBe(rowDigest(['a', 'bc']));
    expect(rowDigest(['1', 'x'])).toBe(rowDigest(['1', 'x']));
    expect(Number.isSafeInteger(rowDigest(['1', 'x']))).toBe(true);
  });
});

describe('diffSync with a small budget: the same plan, rows read back from the spill', () => {
  async function* records(rows: ReadonlyArray<Record<string, unknown>>): AsyncGenerator<SourceRow> {
    let line = 1;
    for (const fields of rows) {
      line += 1;
      if (line % 50 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      yield { fields, line };
    }
  }
  async function* pages(rows: readonly Row[]): AsyncGenerator<Row[]> {
    for (let index = 0; index < rows.length; index += 100) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yield rows.slice(index, index + 100);
    }
  }
  const source = Array.from({ length: 3_000 }, (_, index) => ({ id: String(index + 1), note: index % 7 === 0 ? `changed ${index}` : `n${index + 1}` }));
  const actual: Row[] = Array.from({ length: 2_000 }, (_, index) => [String(index + 1), `n${index + 1}`]);

  for (const [name, withTable] of [['initial load (no table)', false], ['upsert over a table', true]] as const) {
    it(name, async () => {
      const plan = (spill: boolean) =>
        diffSync({
          source: records(source),
          columns: COLUMNS,
          mode: 'upsert',
          maxRejectedRows: 0,
          ...(withTable ? { actual: pages(actual) } : {}),
          differ: spill ? { openSpill: (what) => openSpillFile(what), keepChars: 500 } : {},
        });
      const [kept, spilled] = [await plan(false), await plan(true)];
      expect(kept.diff.ops.inserts.kind).toBe('kept');
      expect(spilled.diff.ops.inserts.kind).toBe('spilled');
      expect(spilled.diff.counts).toEqual(kept.diff.counts);
      expect(spilled.diff.samples).toEqual(kept.diff.samples);
      expect(await allRows(spilled.diff.ops.inserts)).toEqual(await allRows(kept.diff.ops.inserts));
      const sorted = async (list: typeof kept.diff.ops.updates) => (await allRows(list)).sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(await sorted(spilled.diff.ops.updates)).toEqual(await sorted(kept.diff.ops.updates));
      expect(operationsFingerprint([], spilled.diff.ops)).toBe(operationsFingerprint([], kept.diff.ops));
      expect(kept.diff.counts.insert).toBe(withTable ? 1_000 : 3_000);
    });
  }
});
