/** One packing loop: rows into `prefix tuple,… suffix` under a row cap and a byte budget. */
import { describe, expect, it } from 'vitest';
import { packRows, rangeText } from '../../../src/apply/pack.js';

const rows = ['(1)', '(22)', '(333)', '(4444)', '(55555)'];
const text = { prefix: 'INSERT INTO t VALUES ', suffix: ';', tuple: (index: number) => rows[index]! };

describe('packRows', () => {
  it('packs from `start` up to `maxRows` rows', async () => {
    expect(await packRows(rows.length, 1, text, 2, 1_000)).toEqual({ sql: 'INSERT INTO t VALUES (22),(333);', rows: 2 });
    expect(await packRows(rows.length, 3, text, 10, 1_000)).toEqual({ sql: 'INSERT INTO t VALUES (4444),(55555);', rows: 2 });
  });

  it('stops before the byte budget, but always takes the first row', async () => {
    const budget = 'INSERT INTO t VALUES (1),(22);'.length;
    expect(await packRows(rows.length, 0, text, 10, budget)).toEqual({ sql: 'INSERT INTO t VALUES (1),(22);', rows: 2 });
    expect(await packRows(rows.length, 4, text, 10, 5)).toEqual({ sql: 'INSERT INTO t VALUES (55555);', rows: 1 });
  });

  it('uses the separator and a different first tuple when given', async () => {
    const derived = { prefix: 'SELECT * FROM (', suffix: ') AS d', separator: ' UNION ALL ', first: (index: number) => `SELECT ${index} AS k`, tuple: (index: number) => `SELECT ${index}` };
    expect(await packRows(3, 0, derived, 10, 1_000)).toEqual({ sql: 'SELECT * FROM (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) AS d', rows: 3 });
  });

  it('packs thousands of rows across turns of the event loop with the same result', async () => {
    const many = { prefix: '', suffix: '', tuple: (index: number) => String(index) };
    const packed = await packRows(3_000, 0, many, 2_500, 1_000_000);
    expect(packed.rows).toBe(2_500);
    expect(packed.sql).toBe(Array.from({ length: 2_500 }, (_, index) => index).join(','));
  });
});

describe('rangeText', () => {
  it('names one row or a range', () => {
    expect(rangeText(7, 1)).toBe('7');
    expect(rangeText(1, 5_000)).toBe('1–5,000');
  });
});
