/**
 * The streaming differ (issue 7: the plan reads source and destination at the same time) gives
 * exactly the result of reading the whole source first, whatever the interleaving of the sides.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../helpers/random.js';
import type { DesiredRow, Row } from '../../../src/model/row.js';
import type { Mode } from '../../../src/plan/mode-rules.js';
import { makeKeyOf, type RowKey } from '../../../src/mapping/row-key.js';
import { StreamingRowDiffer, type RowDiff } from '../../../src/plan/row-diff.js';
import { diffInOrder } from '../../helpers/row-differ.js';
import type { TargetColumn } from '../../../src/mapping/target-columns.js';
import type { SourceRow } from '../../../src/source/source.js';
import { diffSync } from '../../../src/plan/sync-diff.js';
import { column, desiredRows } from '../../helpers/plan-builders.js';

const COLUMNS: readonly TargetColumn[] = [column('id', 'int', { key: true }), column('price', 'decimal(10,2)'), column('note', 'varchar(16)')];
const CI_COLUMNS: readonly TargetColumn[] = [column('code', 'varchar(8)', { key: true, collation: 'utf8mb4_general_ci' }), column('n', 'int')];

/** Desired rows in source order (shuffled keys) and actual rows in key order. */
function scenario(random: () => number, size: number): { desired: Map<string, DesiredRow>; actual: Row[] } {
  const desired = new Map<string, DesiredRow>();
  const actual: Row[] = [];
  const ids = Array.from({ length: size }, (_, index) => index + 1).sort(() => random() - 0.5);
  ids.forEach((id, index) => {
    const roll = random();
    if (roll < 0.8) desired.set(String(id), { values: [String(id), `${id}.00`, roll < 0.1 ? null : `n${id}`], line: index + 2 });
    if (roll > 0.15) actual.push([String(id), roll < 0.3 ? `${id}.5` : roll < 0.4 ? `${id}` : `${id}.00`, roll < 0.1 ? null : `n${id}`]);
  });
  actual.sort((a, b) => Number(a[0]) - Number(b[0]));
  return { desired, actual };
}

function sequential(desired: ReadonlyMap<RowKey, DesiredRow>, columns: readonly TargetColumn[], mode: Mode, actual: readonly Row[]): RowDiff {
  return diffInOrder(desired, columns, mode, actual);
}

function interleaved(random: () => number, desired: ReadonlyMap<RowKey, DesiredRow>, columns: readonly TargetColumn[], mode: Mode, actual: readonly Row[]): RowDiff {
  const differ = new StreamingRowDiffer(columns, mode);
  const source = [...desired];
  let s = 0;
  let a = 0;
  while (s < source.length || a < actual.length) {
    const takeSource = a >= actual.length || (s < source.length && random() < 0.5);
    if (takeSource) {
      const [key, row] = source[s++]!;
      expect(differ.earlier(key)).toBeUndefined();
      differ.addDesired(key, row);
      expect(differ.earlier(key)).toEqual({ line: row.line, values: expect.any(Array) });
    } else {
      differ.observe(actual[a++]!);
    }
  }
  return differ.finish();
}

describe('StreamingRowDiffer', () => {
  for (const mode of ['insert', 'update', 'upsert', 'mirror', 'add', 'remove'] as const) {
    it(`${mode}: any interleaving of source and destination gives the sequential result`, () => {
      const random = rng(mode.length * 977);
      for (let round = 0; round < 40; round += 1) {
        const { desired, actual } = scenario(random, 1 + Math.floor(random() * 60));
        const expected = sequential(desired, COLUMNS, mode, actual);
        expect(interleaved(random, desired, COLUMNS, mode, actual)).toEqual(expected);
      }
    });
  }

  it('keys the collation equates: matched as the sequential differ matches them', () => {
    const desired = new Map<string, DesiredRow>([
      ['abc', { values: ['ABC', '1'], line: 2 }],
      ['x', { values: ['x', '2'], line: 3 }],
    ]);
    // Two destination rows that pssync's collation model folds to one key.
    const actual: Row[] = [['abc', '1'], ['Abc', '5'], ['y', '0']];
    const expected = sequential(desired, CI_COLUMNS, 'mirror', actual);
    for (let seed = 1; seed < 30; seed += 1) expect(interleaved(rng(seed), desired, CI_COLUMNS, 'mirror', actual)).toEqual(expected);
  });

  it('remembers matched keys for duplicate detection, with their line and key values', () => {
    const differ = new StreamingRowDiffer(COLUMNS, 'upsert');
    differ.observe(['7', '1.00', 'a']);
    const key = makeKeyOf(COLUMNS)(['7', '1.00', 'a']);
    differ.addDesired(key, { values: ['7', '1.00', 'a'], line: 12 });
    expect(differ.earlier(key)).toEqual({ line: 12, values: ['7', null, null] });
    expect(differ.finish().counts).toEqual({ insert: 0, update: 0, delete: 0, skip: 0, unchanged: 1 });
  });
});

describe('diffSync: both sides read at once', () => {
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function* records(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): AsyncGenerator<SourceRow> {
    let line = 1;
    for (const fields of rows) {
      line += 1;
      if (line % 97 === 0) await tick();
      yield { fields, line };
    }
  }

  async function* pages(rows: readonly Row[], size: number): AsyncGenerator<Row[]> {
    for (let index = 0; index < rows.length; index += size) {
      await tick();
      yield rows.slice(index, index + size);
    }
  }

  for (const order of ['key order', 'reverse order', 'shuffled'] as const) {
    it(`${order}: same plan as reading the source first, and it finishes`, async () => {
      const random = rng(order.length);
      const size = 30_000;
      const source: Record<string, unknown>[] = [];
      const actual: Row[] = [];
      for (let id = 1; id <= size; id += 1) {
        if (id % 100 !== 0) source.push({ id: String(id), price: id % 100 === 1 ? '9.99' : `${id}.00`, note: `n${id}` });
        if (id % 100 !== 2) actual.push([String(id), `${id}.00`, `n${id}`]);
      }
      if (order === 'reverse order') source.reverse();
      if (order === 'shuffled') source.sort(() => random() - 0.5);
      const sequentialPlan = sequential(desiredRows(COLUMNS, source), COLUMNS, 'mirror', actual);
      const result = await diffSync({ source: records(source), columns: COLUMNS, mode: 'mirror', maxRejectedRows: 0, actual: pages(actual, 1_000) });
      expect(result.rejections).toEqual([]);
      expect(result.diff.counts).toEqual({ insert: 300, update: 300, delete: 300, skip: 0, unchanged: 29_100 });
      // Lines differ (desiredRows numbers them from 2), the rest is the same.
      expect(result.diff).toEqual(sequentialPlan);
    });
  }

  it('duplicate keys are rejected with the earlier line, also after the earlier row was matched', async () => {
    const source = [{ id: '1', price: '1', note: 'a' }, { id: '2', price: '2', note: 'b' }, { id: '1', price: '3', note: 'c' }];
    const result = await diffSync({ source: records(source), columns: COLUMNS, mode: 'upsert', maxRejectedRows: 5, actual: pages([['1', '1.00', 'a']], 1) });
    expect(result.rejections.map((rejection) => [rejection.line, rejection.code, rejection.message])).toEqual([
      [4, 'PSSYNC_E_ROW_KEY_DUPLICATE', 'duplicate key id="1": the same key as line 2'],
    ]);
    expect(result.diff.counts).toMatchObject({ insert: 1, unchanged: 1 });
  });

  it('a failing source stops the destination read and reports the source error', async () => {
    async function* failing(): AsyncGenerator<SourceRow> {
      yield { fields: { id: '1', price: '1', note: 'a' }, line: 2 };
      await tick();
      throw new Error('source broke');
    }
    let pagesRead = 0;
    async function* endless(): AsyncGenerator<Row[]> {
      for (let id = 1; ; id += 1) {
        await tick();
        pagesRead += 1;
        yield [[String(id), '1.00', 'x']];
      }
    }
    await expect(diffSync({ source: failing(), columns: COLUMNS, mode: 'mirror', maxRejectedRows: 0, actual: endless() })).rejects.toThrow('source broke');
    expect(pagesRead).toBeLessThan(100);
  });
});
