/** The spill format gives back exactly the rows written, however the text is cut into chunks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/model/row.js';
import { appendRow, SpillDecoder } from '../../../src/storage/spill-format.js';

function readBack(text: string, cuts: readonly number[]): Row[] {
  const decoder = new SpillDecoder();
  const rows: Row[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    rows.push(...decoder.rows(text.slice(from, cut)));
    from = Math.max(from, cut);
  }
  rows.push(...decoder.rows(text.slice(from)));
  decoder.end('test');
  return rows;
}

describe('spill format', () => {
  it('NULL, empty, digits, separators, line breaks, NULs and lone surrogates survive', () => {
    const rows: Row[] = [['1', null, '', 'n', '12:ab', '3;', 'a\nb\r\n', '\u0000', '\ud800', '𝄞é'], [], [null], ['']];
    const text = rows.reduce((all, row) => appendRow(all, row), '');
    for (let cut = 0; cut <= text.length; cut += 1) expect(readBack(text, [cut])).toEqual(rows);
  });

  it('random rows, random chunk ends', () => {
    const value = fc.oneof(fc.constant(null), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('n', '1:', ';', '10:x'));
    fc.assert(
      fc.property(fc.array(fc.array(value, { maxLength: 6 }), { maxLength: 20 }), fc.array(fc.nat(2_000), { maxLength: 8 }), (rows, cuts) => {
        const text = rows.reduce((all, row) => appendRow(all, row), '');
        expect(readBack(text, cuts)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it('a file that ends inside a row is an error', () => {
    const decoder = new SpillDecoder();
    expect(decoder.rows(appendRow('', ['abc', 'def']).slice(0, -2))).toEqual([]);
    expect(() => decoder.end('f.rows')).toThrow(/ends inside a row/);
  });
});
