import { describe, expect, it } from 'vitest';
import { ExactNumber } from '../../../src/source/exact-number.js';
import { byteaBytes, parsePgArray, pgParsers } from '../../../src/source/postgres-values.js';

const text = (value: string): unknown => value;

describe('parsePgArray', () => {
  it('reads quoting, NULL, nesting, and lower-bound decorations', () => {
    expect(parsePgArray('{}', ',', text)).toEqual([]);
    expect(parsePgArray('{a,"b c","d\\"e","f\\\\g",NULL,"NULL",null}', ',', text)).toEqual(['a', 'b c', 'd"e', 'f\\g', null, 'NULL', null]);
    expect(parsePgArray('{{1,2},{3,4}}', ',', text)).toEqual([['1', '2'], ['3', '4']]);
    expect(parsePgArray('[0:1]={x,y}', ',', text)).toEqual(['x', 'y']);
    expect(parsePgArray('{(0,0),(1,1);(2,2),(3,3)}', ';', text)).toEqual(['(0,0),(1,1)', '(2,2),(3,3)']);
    expect(parsePgArray('{"",""}', ',', text)).toEqual(['', '']);
  });

  it('refuses what is not an array literal', () => {
    for (const bad of ['', '{', '{a', '{"a}', '{a}b', 'a']) expect(() => parsePgArray(bad, ',', text), bad).toThrow(/malformed array literal/);
  });
});

describe('pgParsers', () => {
  const catalog = new Map([
    [1007, { element: 23, delimiter: ',' }], // int4[]
    [1231, { element: 1700, delimiter: ',' }], // numeric[]
    [3807, { element: 3802, delimiter: ',' }], // jsonb[]
    [1000, { element: 16, delimiter: ',' }], // bool[]
    [1001, { element: 17, delimiter: ',' }], // bytea[]
    [90001, { base: 1700 }], // a domain over numeric
    [90002, { element: 90001, delimiter: ',' }], // an array of it
  ]);
  const parse = (oid: number, value: string): unknown => pgParsers(catalog)(oid)(value);

  it('keeps numbers as their exact text, and turns timestamptz into UTC text', () => {
    expect(parse(1700, '12345678901234567890.1234567890')).toBe('12345678901234567890.1234567890');
    expect(parse(20, '9223372036854775807')).toBe('9223372036854775807');
    expect(parse(90001, '1.50')).toBe('1.50');
    expect(parse(1184, '2024-01-02 03:04:05.123456+00')).toBe('2024-01-02 03:04:05.123456');
    expect(parse(1184, 'infinity')).toBe('infinity');
    expect(parse(1114, '2024-01-02 03:04:05')).toBe('2024-01-02 03:04:05');
    expect(parse(2950, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  });

  it('reads booleans, json exactly, and bytea as bytes', () => {
    expect([parse(16, 't'), parse(16, 'f')]).toEqual([true, false]);
    expect(parse(3802, '{"id": 12345678901234567890, "x": [1.5]}')).toEqual({ id: 12345678901234567890n, x: [1.5] });
    expect(parse(17, '\\x00ff')).toEqual(Buffer.from([0, 255]));
    expect(() => byteaBytes('abc')).toThrow(/hex/);
  });

  it('makes arrays JSON arrays with JSON values', () => {
    expect(parse(1007, '{1,NULL,-3}')).toEqual([1, null, -3]);
    expect(parse(1231, '{1.10,NaN,12345678901234567890.5}')).toEqual([1.1, 'NaN', new ExactNumber('12345678901234567890.5')]);
    expect(parse(90002, '{2.5}')).toEqual([2.5]);
    expect(parse(1000, '{t,f,NULL}')).toEqual([true, false, null]);
    expect(parse(3807, '{"{\\"a\\": 1}",NULL}')).toEqual([{ a: 1 }, null]);
    expect(parse(1001, '{"\\\\x00ff"}')).toEqual(['\\x00ff']);
  });
});
