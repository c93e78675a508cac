import { describe, expect, it } from 'vitest';
import { coerceValue } from '../../../src/mapping/coerce.js';
import { jsonSafe } from '../../../src/mapping/desired-rows.js';
import { parseColumnType } from '../../../src/model/column-type.js';
import { ExactNumber, decimalText } from '../../../src/source/exact-number.js';
import { JsonSyntaxError, numberFromLiteral, parseJsonValue } from '../../../src/source/json-value.js';

const coerce = (value: unknown, sql: string) => coerceValue(value, parseColumnType(sql)!);

describe('decimalText', () => {
  it.each([
    [12345n, 2, '123.45'],
    [-5n, 2, '-0.05'],
    [0n, 3, '0.000'],
    [7n, 0, '7'],
    [-123456789012345678901234567890n, 10, '-12345678901234567890.1234567890'],
    [12n, -2, '1200'],
  ] as const)('%s × 10^-%s = %s', (unscaled, scale, text) => {
    expect(decimalText(unscaled, scale)).toBe(text);
  });
});

describe('JSON numbers keep every digit', () => {
  it.each([
    ['1', 1],
    ['-0', -0],
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', 9007199254740993n],
    ['-18446744073709551616', -18446744073709551616n],
    ['1.5', 1.5],
    ['1234567890123.45', 1234567890123.45],
    ['123456789012345.6', new ExactNumber('123456789012345.6')],
    ['0.1234567890123456789', new ExactNumber('0.1234567890123456789')],
    ['1e400', Infinity],
  ] as const)('%s', (literal, value) => {
    expect(numberFromLiteral(literal)).toEqual(value);
  });

  it('parses nested values exactly only when a long literal is present', () => {
    expect(parseJsonValue('{"a": [1, {"b": 12345678901234567890}], "c": "1234567890123456789"}')).toEqual({
      a: [1, { b: 12345678901234567890n }],
      c: '1234567890123456789',
    });
  });

  it('reports syntax errors with an offset, also where V8 gives none', () => {
    for (const text of ['{"a": tru}', '{"a": 1,}', '{"a": 1', '[1 2]']) {
      expect(() => parseJsonValue(text)).toThrow(JsonSyntaxError);
      try {
        parseJsonValue(text);
      } catch (error) {
        expect((error as JsonSyntaxError).offset).toBeTypeOf('number');
      }
    }
  });
});

describe('coercing exact numbers', () => {
  it('to DECIMAL, integers, FLOAT, text and JSON', () => {
    const wide = new ExactNumber('12345678901234567890.1234567890');
    expect(coerce(wide, 'decimal(38,10)')).toEqual({ ok: true, value: '12345678901234567890.1234567890' });
    expect(coerce(wide, 'decimal(30,2)')).toEqual({ ok: true, value: '12345678901234567890.12' });
    expect(coerce(wide, 'decimal(10,2)')).toMatchObject({ ok: false });
    expect(coerce(new ExactNumber('42.00'), 'int')).toEqual({ ok: true, value: '42' });
    expect(coerce(new ExactNumber('42.5'), 'int')).toMatchObject({ ok: false });
    expect(coerce(new ExactNumber('0.5'), 'double')).toEqual({ ok: true, value: '0.5' });
    expect(coerce(wide, 'text')).toEqual({ ok: true, value: '12345678901234567890.1234567890' });
    expect(coerce(new ExactNumber('0.50'), 'json')).toEqual({ ok: true, value: '0.5' });
    expect(coerce({ a: new ExactNumber('1.25') }, 'json')).toEqual({ ok: true, value: '{"a":1.25}' });
  });

  it('bigint in JSON: exact within 64 bits, a double beyond (as MySQL stores it)', () => {
    expect(coerce({ id: 18446744073709551615n }, 'json')).toEqual({ ok: true, value: '{"id":18446744073709551615}' });
    expect(coerce({ id: 18446744073709551616n }, 'json')).toEqual({ ok: true, value: '{"id":18446744073709552000}' });
    expect(coerce({ id: 18446744073709551616n }, 'text')).toEqual({ ok: true, value: '{"id":18446744073709551616}' });
  });
});

describe('rejected rows as JSON', () => {
  it('bigint, exact numbers and bytes survive JSON.stringify', () => {
    const row = jsonSafe({ a: 12345678901234567890n, b: 5n, c: new ExactNumber('0.1234567890123456789'), d: new ExactNumber('1.5'), e: new Uint8Array([1, 2]), f: { g: [7n] } });
    expect(JSON.parse(JSON.stringify(row))).toEqual({ a: '12345678901234567890', b: 5, c: '0.1234567890123456789', d: 1.5, e: 'AQI=', f: { g: [7] } });
  });
});

describe('text that is not valid Unicode', () => {
  it('a lone surrogate (from a JSON "\\ud800" escape) is rejected for text and JSON columns', () => {
    for (const sql of ['varchar(10)', 'text', 'char(3)', 'varbinary(10)']) {
      expect(coerce('a\ud800', sql)).toMatchObject({ ok: false, reason: expect.stringContaining('lone UTF-16 surrogate') });
    }
    expect(coerce({ a: '\udfff' }, 'json')).toMatchObject({ ok: false, reason: expect.stringContaining('lone UTF-16 surrogate') });
    expect(coerce('"\\ud800"', 'json')).toMatchObject({ ok: false });
  });

  it('surrogate pairs, and escaped backslashes before a "u", are fine', () => {
    expect(coerce('😀', 'varchar(1)')).toEqual({ ok: true, value: '😀' });
    expect(coerce('"\\ud83d\\ude00"', 'json')).toEqual({ ok: true, value: '"😀"' });
    expect(coerce({ path: '\\ud800' }, 'json')).toEqual({ ok: true, value: '{"path":"\\\\ud800"}' });
  });
});
