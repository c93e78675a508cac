import { readFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { coerceValue } from '../../../src/mapping/coerce.js';
import { parseColumnType } from '../../../src/model/column-type.js';
import { ExactNumber } from '../../../src/source/exact-number.js';
import { file, readAll, readError, useTempDir } from './helpers.js';

const dir = useTempDir();

/** One file with every logical type pssync maps, three rows, two rows per row group. */
function typedFile(): Buffer {
  const columnData = [
    { name: 'id', data: [1n, 9007199254740993n, null] },
    { name: 'u64', data: [18446744073709551615n, 0n, null] },
    { name: 'i32', data: [-7, 2147483647, null] },
    { name: 'amount', data: [12345n, -5n, null] },
    { name: 'wide', data: [123456789012345678901234567890n, -1n, null] },
    { name: 'bytes_dec', data: [255n, -256n, null] },
    { name: 'ts_ms', data: [1700000000123n, -1n, null] },
    { name: 'ts_us', data: [1700000000123456n, 0n, null] },
    { name: 'ts_ns', data: [1700000000123456789n, 1n, null] },
    { name: 'day', data: [19000, -719162, null] },
    { name: 'clock', data: [3723004005n, 0n, null] },
    { name: 'clock_ms', data: [3723004, 0, null] },
    { name: 'ratio', data: [0.5, Number.NaN, null] },
    { name: 'flag', data: [true, false, null] },
    { name: 'name', data: ['café', '', null] },
    { name: 'doc', data: [{ b: 1, a: [true] }, null, null] },
    { name: 'address', data: [{ city: 'Oslo', geo: { lat: 59.9 }, amt: 5n }, { city: null, geo: null, amt: null }, null] },
    { name: 'tags', data: [['a', 'b'], [], null] },
  ];
  const schema = [
    { name: 'root', num_children: columnData.length },
    { name: 'id', type: 'INT64', repetition_type: 'OPTIONAL' },
    { name: 'u64', type: 'INT64', converted_type: 'UINT_64', repetition_type: 'OPTIONAL' },
    { name: 'i32', type: 'INT32', repetition_type: 'OPTIONAL' },
    { name: 'amount', type: 'INT64', converted_type: 'DECIMAL', scale: 2, precision: 12, repetition_type: 'OPTIONAL' },
    { name: 'wide', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', scale: 10, precision: 38, repetition_type: 'OPTIONAL' },
    { name: 'bytes_dec', type: 'BYTE_ARRAY', converted_type: 'DECIMAL', scale: 1, precision: 20, repetition_type: 'OPTIONAL' },
    { name: 'ts_ms', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
    { name: 'ts_us', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: 'OPTIONAL' },
    { name: 'ts_ns', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' }, repetition_type: 'OPTIONAL' },
    { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
    { name: 'clock', type: 'INT64', converted_type: 'TIME_MICROS', repetition_type: 'OPTIONAL' },
    { name: 'clock_ms', type: 'INT32', converted_type: 'TIME_MILLIS', repetition_type: 'OPTIONAL' },
    { name: 'ratio', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
    { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'doc', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
    { name: 'address', repetition_type: 'OPTIONAL', num_children: 3 },
    { name: 'city', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'geo', repetition_type: 'OPTIONAL', num_children: 1 },
    { name: 'lat', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    { name: 'amt', type: 'INT64', converted_type: 'DECIMAL', scale: 1, precision: 10, repetition_type: 'OPTIONAL' },
    { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ];
  return Buffer.from(parquetWriteBuffer({ columnData, schema, rowGroupSize: 2 } as Parameters<typeof parquetWriteBuffer>[0]));
}

describe('parquet: values mapped faithfully', () => {
  const path = dir.write('typed.parquet', typedFile());

  it('reads every logical type exactly, numbering rows across row groups', async () => {
    const rows = await readAll(file('parquet', path));
    expect(rows.map((row) => row.line)).toEqual([1, 2, 3]);
    expect(rows[0]!.fields).toEqual({
      id: 1n,
      u64: 18446744073709551615n,
      i32: -7,
      amount: new ExactNumber('123.45'),
      wide: new ExactNumber('12345678901234567890.1234567890'),
      bytes_dec: new ExactNumber('25.5'),
      ts_ms: '2023-11-14 22:13:20.123',
      ts_us: '2023-11-14 22:13:20.123456',
      ts_ns: '2023-11-14 22:13:20.123456789',
      day: '2022-01-08',
      clock: '01:02:03.004005',
      clock_ms: '01:02:03.004',
      ratio: 0.5,
      flag: true,
      name: 'café',
      doc: { b: 1, a: [true] },
      address: { city: 'Oslo', geo: { lat: 59.9 }, amt: new ExactNumber('0.5') },
      tags: ['a', 'b'],
    });
    expect(rows[1]!.fields).toMatchObject({
      id: 9007199254740993n,
      amount: new ExactNumber('-0.05'),
      wide: new ExactNumber('-0.0000000001'),
      bytes_dec: new ExactNumber('-25.6'),
      ts_ms: '1969-12-31 23:59:59.999',
      ts_us: '1970-01-01 00:00:00.000000',
      ts_ns: '1970-01-01 00:00:00.000000001',
      day: '0001-01-01',
      name: '',
      address: { city: null, geo: null, amt: null },
      tags: [],
    });
    expect(Number.isNaN(rows[1]!.fields.ratio)).toBe(true);
    expect(Object.values(rows[2]!.fields).every((value) => value === null)).toBe(true);
  });

  it('the values coerce to the matching MySQL column types without loss', async () => {
    const [first] = await readAll(file('parquet', path));
    const coerce = (value: unknown, sql: string) => coerceValue(value, parseColumnType(sql)!);
    expect(coerce(first!.fields.id, 'bigint')).toEqual({ ok: true, value: '1' });
    expect(coerce(first!.fields.u64, 'bigint unsigned')).toEqual({ ok: true, value: '18446744073709551615' });
    expect(coerce(first!.fields.wide, 'decimal(38,10)')).toEqual({ ok: true, value: '12345678901234567890.1234567890' });
    expect(coerce(first!.fields.amount, 'json')).toEqual({ ok: true, value: '123.45' });
    expect(coerce(first!.fields.ts_us, 'datetime(6)')).toEqual({ ok: true, value: '2023-11-14 22:13:20.123456' });
    expect(coerce(first!.fields.ts_ns, 'datetime(6)')).toEqual({ ok: true, value: '2023-11-14 22:13:20.123457' });
    expect(coerce(first!.fields.day, 'date')).toEqual({ ok: true, value: '2022-01-08' });
    expect(coerce(first!.fields.clock, 'time(6)')).toEqual({ ok: true, value: '01:02:03.004005' });
    expect(coerce(first!.fields.doc, 'json')).toEqual({ ok: true, value: '{"a":[true],"b":1}' });
    expect(coerce(first!.fields.tags, 'json')).toEqual({ ok: true, value: '["a","b"]' });
  });

  it('reads standard input (spooled to a private temporary file)', async () => {
    const rows = await readAll(file('parquet', '-'), readFileSync(path));
    expect(rows).toHaveLength(3);
  });

  it('a file with no rows', async () => {
    const empty = parquetWriteBuffer({ columnData: [{ name: 'id', data: [], type: 'INT64' }] });
    expect(await readAll(file('parquet', dir.write('empty.parquet', Buffer.from(empty))))).toEqual([]);
  });
});

describe('parquet: damaged files are errors', () => {
  const good = typedFile();
  const cases: ReadonlyArray<[name: string, bytes: Buffer, line: number | undefined, words: RegExp]> = [
    ['an empty file', Buffer.alloc(0), undefined, /the file is empty, not Parquet/],
    ['a few bytes', Buffer.from('PAR1'), undefined, /too short to be Parquet/],
    ['a truncated file', good.subarray(0, Math.floor(good.length / 2)), undefined, /not a readable Parquet file.*footer/],
    ['not Parquet at all', Buffer.from('id,name\n1,x\n2,y\n3,z\n'), undefined, /not a readable Parquet file/],
    ['a footer length pointing outside the file', (() => {
      const bytes = Buffer.from(good);
      bytes.writeUInt32LE(0x7fffffff, bytes.length - 8);
      return bytes;
    })(), undefined, /not a readable Parquet file/],
    ['corrupt page data', (() => {
      const bytes = Buffer.from(good);
      bytes.fill(0x55, 4, 200);
      return bytes;
    })(), 1, /corrupt Parquet data in row group 1 \(rows 1\.\.2\)/],
  ];
  for (const [name, bytes, line, words] of cases) {
    it(name, async () => {
      const error = await readError(file('parquet', dir.write(`${name.replace(/\W+/g, '-')}.parquet`, bytes)));
      expect(error.message).toMatch(words);
      expect(error.line).toBe(line);
    });
  }
});
