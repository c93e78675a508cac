/**
 * Row checksums (issue 13): the text pssync hashes is the text the server hashes (the SQL side
 * runs against the real server in test/integration/checksum-compare.test.ts); here the pieces
 * that must be exact on their own.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HashSum, parseRowHash, rowHashSql, rowHasher, serverDoubleText } from '../../../src/model/row-checksum.js';
import { byteStringOf } from '../../../src/model/byte-string.js';
import { rng } from '../../helpers/random.js';

const md5 = (text: string) => parseRowHash(createHash('md5').update(text, 'utf8').digest('hex'));

describe('rowHasher', () => {
  it('hashes values joined by |, NULL as N, text and bytes with their length in bytes (bytes as upper-case hex)', () => {
    const hash = rowHasher(
      [
        { name: 'id', family: 'integer' },
        { name: 'note', family: 'varchar' },
        { name: 'raw', family: 'blob' },
        { name: 'gone', family: 'text' },
      ],
      'destination',
    );
    expect(hash(['12', 'a😀b', byteStringOf(Uint8Array.of(0, 255)), null])).toEqual(md5('12|6:a😀b|2:00FF|N'));
  });

  it('tells NULL from the empty text, and values apart where they meet', () => {
    const hash = rowHasher([{ name: 'a', family: 'varchar' }, { name: 'b', family: 'varchar' }], 'destination');
    const hashes = [[null, ''], ['', null], ['N', ''], ['', 'N'], ['1:', 'x'], ['', '1:x'], ['ab', 'c'], ['a', 'bc'], ['|', ''], ['', '|'], ['0:|0:', '']].map((row) => JSON.stringify(hash(row)));
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('lays out desired DOUBLE values as the server prints them; destination text as it is', () => {
    const columns = [{ name: 'x', family: 'double' as const }];
    expect(rowHasher(columns, 'desired')(['1e+21'])).toEqual(md5('1e21'));
    expect(rowHasher(columns, 'destination')(['1e21'])).toEqual(md5('1e21'));
    expect(rowHasher(columns, 'desired')(['0.5'])).toEqual(md5('0.5'));
  });

  it('the SQL side spells the same text', () => {
    const sql = rowHashSql([{ name: 'id', family: 'integer' }, { name: 'raw', family: 'binary' }, { name: 'b', family: 'bit' }, { name: 'l', family: 'varchar', collation: 'latin1_swedish_ci' }, { name: 'u', family: 'text', collation: 'utf8mb4_bin' }]);
    expect(sql).toBe(
      "LEFT(MD5(CONCAT_WS('|', IFNULL(`id`, 'N'), IFNULL(CONCAT(LENGTH(`raw`), ':', HEX(`raw`)), 'N'), IFNULL(CAST(`b` + 0 AS CHAR), 'N'), IFNULL(CONCAT(LENGTH(CONVERT(`l` USING utf8mb4)), ':', CONVERT(`l` USING utf8mb4)), 'N'), IFNULL(CONCAT(LENGTH(`u`), ':', `u`), 'N'))), 16)",
    );
  });
});

describe('serverDoubleText', () => {
  it('positional between 1e-15 and 1e15 and with fraction digits, else exponent without plus', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [100, '100'],
      [0.1, '0.1'],
      [1e14, '100000000000000'],
      [1e15, '1e15'],
      [7e16, '7e16'],
      [1e21, '1e21'],
      [123456789012345680, '1.2345678901234568e17'],
      [1e-7, '0.0000001'],
      [-2.5e-7, '-0.00000025'],
      [-1.048660045978e-15, '-0.000000000000001048660045978'],
      [1e-16, '1e-16'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e308'],
    ];
    for (const [value, text] of cases) expect(serverDoubleText(String(value)), String(value)).toBe(text);
  });

  it('keeps the digits: the text reads back as the same double', () => {
    const random = rng(5);
    for (let index = 0; index < 5_000; index += 1) {
      const value = (random() - 0.5) * 10 ** Math.floor(random() * 80 - 40);
      expect(Number(serverDoubleText(String(value)))).toBe(value);
    }
  });
});

describe('HashSum', () => {
  it('sums 64-bit hashes exactly', () => {
    const random = rng(9);
    const sum = new HashSum();
    let expected = 0n;
    for (let index = 0; index < 100_000; index += 1) {
      const hash = { high: Math.floor(random() * 2 ** 32), low: Math.floor(random() * 2 ** 32) };
      sum.add(hash);
      expected += (BigInt(hash.high) << 32n) + BigInt(hash.low);
    }
    sum.addTotal(3, 12345678901234567890n);
    expect(sum.value).toBe(expected + 12345678901234567890n);
    expect(sum.count).toBe(100_003);
  });
});
