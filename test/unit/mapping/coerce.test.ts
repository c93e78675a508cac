import { describe, expect, it } from 'vitest';
import { coerceValue } from '../../../src/mapping/coerce.js';
import { parseColumnType, type ColumnType } from '../../../src/model/column-type.js';

function type(sql: string): ColumnType {
  const parsed = parseColumnType(sql);
  if (parsed === undefined) throw new Error(`bad test type ${sql}`);
  return parsed;
}

type Accept = readonly [raw: unknown, sql: string, canonical: string | null];
type Reject = readonly [raw: unknown, sql: string, reasonPart: string];

function accepts(cases: readonly Accept[]): void {
  it.each(cases.map(([raw, sql, canonical]) => ({ raw, sql, canonical })))(
    '$sql: $raw → $canonical',
    ({ raw, sql, canonical }) => {
      expect(coerceValue(raw, type(sql))).toEqual({ ok: true, value: canonical });
    },
  );
}

function rejects(cases: readonly Reject[]): void {
  it.each(cases.map(([raw, sql, reason]) => ({ raw, sql, reason })))('$sql: $raw is rejected ($reason)', ({ raw, sql, reason }) => {
    const result = coerceValue(raw, type(sql));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
}

describe('NULL', () => {
  it.each(['int', 'varchar(10)', 'text', 'json', 'date', 'enum(\'a\')', 'set(\'a\')', 'bit(1)'])('%s: null and undefined are NULL', (sql) => {
    expect(coerceValue(null, type(sql))).toEqual({ ok: true, value: null });
    expect(coerceValue(undefined, type(sql))).toEqual({ ok: true, value: null });
  });
  it('keeps the empty string distinct from NULL for string types', () => {
    expect(coerceValue('', type('varchar(10)'))).toEqual({ ok: true, value: '' });
    expect(coerceValue('', type('text'))).toEqual({ ok: true, value: '' });
  });
});

describe('integers', () => {
  accepts([
    ['42', 'int', '42'],
    [' 42 ', 'int', '42'],
    ['+7', 'int', '7'],
    ['-0', 'int', '0'],
    ['007', 'int', '7'],
    ['42.0', 'int', '42'],
    ['4.2e1', 'int', '42'],
    ['1E3', 'int', '1000'],
    ['-1.500e3', 'int', '-1500'],
    [42, 'int', '42'],
    [-0, 'int', '0'],
    [1e15, 'bigint', '1000000000000000'],
    [12n, 'int', '12'],
    [true, 'int', '1'],
    [false, 'tinyint', '0'],
    ['true', 'tinyint(1)', '1'],
    ['FALSE', 'boolean', '0'],
    ['True', 'bool', '1'],
    ['-128', 'tinyint', '-128'],
    ['127', 'tinyint', '127'],
    ['255', 'tinyint unsigned', '255'],
    ['0', 'tinyint unsigned', '0'],
    ['-32768', 'smallint', '-32768'],
    ['65535', 'smallint unsigned', '65535'],
    ['-8388608', 'mediumint', '-8388608'],
    ['16777215', 'mediumint unsigned', '16777215'],
    ['-2147483648', 'int', '-2147483648'],
    ['4294967295', 'int unsigned', '4294967295'],
    ['-9223372036854775808', 'bigint', '-9223372036854775808'],
    ['9223372036854775807', 'bigint', '9223372036854775807'],
    ['18446744073709551615', 'bigint unsigned', '18446744073709551615'],
    [18446744073709551615n, 'bigint unsigned', '18446744073709551615'],
    ['0.0', 'int', '0'],
    ['999999999999999', 'bigint', '999999999999999'],
    ['9007199254740993', 'bigint', '9007199254740993'],
    [9007199254740992, 'bigint', '9007199254740992'],
  ]);
  rejects([
    ['', 'int', 'empty string is not an integer'],
    ['   ', 'int', 'is not an integer'],
    ['1.5', 'int', "'1.5' is not an integer"],
    [1.5, 'int', '1.5 is not an integer'],
    ['abc', 'bigint', 'is not an integer'],
    ['0x1F', 'int', 'is not an integer'],
    ['1,000', 'int', 'is not an integer'],
    ['1e-1', 'int', 'is not an integer'],
    [Number.NaN, 'int', 'is not an integer'],
    [Number.POSITIVE_INFINITY, 'int', 'is not an integer'],
    ['true', 'tinyint', 'is not an integer'],
    ['yes', 'tinyint(1)', 'is not an integer'],
    [{}, 'int', 'is not an integer'],
    ['300', 'tinyint unsigned', '300 is out of range for tinyint unsigned (0..255)'],
    ['-1', 'tinyint unsigned', '-1 is out of range for tinyint unsigned (0..255)'],
    ['128', 'tinyint', 'out of range for tinyint (-128..127)'],
    ['2147483648', 'int', 'out of range for int (-2147483648..2147483647)'],
    ['9223372036854775808', 'bigint', 'out of range for bigint'],
    ['18446744073709551616', 'bigint unsigned', 'out of range for bigint unsigned'],
    ['1e99999', 'bigint', 'out of range'],
    ['999999999999999', 'int', 'out of range for int'],
    [-129, 'tinyint', '-129 is out of range for tinyint (-128..127)'],
    [1e20, 'bigint', 'out of range for bigint'],
  ]);
});

describe('decimal', () => {
  accepts([
    ['12.5', 'decimal(12,2)', '12.50'],
    ['12.50', 'decimal(12,2)', '12.50'],
    ['-0.005', 'decimal(12,2)', '-0.01'],
    ['0.005', 'decimal(12,2)', '0.01'],
    ['0.0049', 'decimal(12,2)', '0.00'],
    ['-0.0049', 'decimal(12,2)', '0.00'],
    ['-0.00', 'decimal(12,2)', '0.00'],
    ['12.345', 'decimal(5,2)', '12.35'],
    ['-12.345', 'decimal(5,2)', '-12.35'],
    ['12.344999', 'decimal(5,2)', '12.34'],
    ['1e3', 'decimal(12,2)', '1000.00'],
    ['1E-2', 'decimal(12,2)', '0.01'],
    ['.5', 'decimal(12,2)', '0.50'],
    ['5.', 'decimal(12,2)', '5.00'],
    ['+3', 'decimal(12,2)', '3.00'],
    [' 3 ', 'decimal(12,2)', '3.00'],
    ['000123.4500', 'decimal(12,2)', '123.45'],
    ['999.994', 'decimal(5,2)', '999.99'],
    ['-999.99', 'decimal(5,2)', '-999.99'],
    ['1e-99999', 'decimal(5,2)', '0.00'],
    ['123', 'decimal(3,0)', '123'],
    ['122.5', 'decimal(4,0)', '123'],
    ['-122.5', 'decimal(4,0)', '-123'],
    ['0.5', 'decimal(2,2)', '0.50'],
    ['0.994', 'decimal(2,2)', '0.99'],
    ['12', 'decimal', '12'],
    [12.5, 'decimal(12,2)', '12.50'],
    [0.1, 'decimal(12,2)', '0.10'],
    [1e-7, 'decimal(12,8)', '0.00000010'],
    [1.005, 'decimal(12,2)', '1.01'], // String(1.005) is '1.005': exact decimal, not the double 1.00499…
    [123n, 'decimal(12,2)', '123.00'],
    [true, 'decimal(3,1)', '1.0'],
    ['12345678901234567890123456789012345.123456789012345678901234567891', 'decimal(65,30)', '12345678901234567890123456789012345.123456789012345678901234567891'],
    ['0.0', 'decimal(5,2) unsigned', '0.00'],
    ['-0', 'decimal(5,2) unsigned', '0.00'],
    ['12.3', 'numeric(10,1)', '12.3'],
    // Canonical-looking text still goes through the exact checks.
    ['00.50', 'decimal(5,2)', '0.50'],
    ['-0.50', 'decimal(5,2)', '-0.50'],
    ['0.00', 'decimal(2,2)', '0.00'],
    ['-5', 'decimal(3,0)', '-5'],
    ['12.5', 'decimal(3,0)', '13'],
  ]);
  rejects([
    ['', 'decimal(12,2)', 'empty string is not a decimal number'],
    ['abc', 'decimal(12,2)', 'is not a decimal number'],
    ['1.2.3', 'decimal(12,2)', 'is not a decimal number'],
    ['.', 'decimal(12,2)', 'is not a decimal number'],
    ['e5', 'decimal(12,2)', 'is not a decimal number'],
    ['NaN', 'decimal(12,2)', 'is not a decimal number'],
    [Number.NaN, 'decimal(12,2)', 'is not a decimal number'],
    [Number.POSITIVE_INFINITY, 'decimal(12,2)', 'is not a decimal number'],
    ['12345678901', 'decimal(12,2)', 'too many digits for decimal(12,2)'],
    ['1000', 'decimal(5,2)', 'too many digits for decimal(5,2)'],
    ['999.995', 'decimal(5,2)', 'too many digits for decimal(5,2)'],
    ['-999.995', 'decimal(5,2)', 'too many digits'],
    ['0.995', 'decimal(2,2)', 'too many digits'],
    ['1', 'decimal(2,2)', 'too many digits'],
    ['1e99999', 'decimal(12,2)', 'too many digits'],
    ['-1', 'decimal(5,2) unsigned', 'out of range for decimal(5,2) unsigned'],
    ['-0.001', 'decimal(5,2) unsigned', 'out of range'],
    ['-1.00', 'decimal(5,2) unsigned', 'out of range'],
    ['1000.00', 'decimal(5,2)', 'too many digits'],
    ['5.00', 'decimal(2,2)', 'too many digits'],
    ['1.0.', 'decimal(5,2)', 'is not a decimal number'],
  ]);
});

describe('float and double', () => {
  accepts([
    ['0.1', 'double', '0.1'],
    ['1e-7', 'double', '1e-7'],
    ['0.0000001', 'double', '1e-7'],
    ['1.50', 'double', '1.5'],
    ['-0', 'double', '0'],
    [-0, 'double', '0'],
    ['1e300', 'double', '1e+300'],
    ['1e+300', 'double', '1e+300'],
    ['123456789.123456789', 'double', '123456789.12345679'],
    ['123456789.12345679', 'double', '123456789.12345679'],
    ['5e-324', 'double', '5e-324'],
    ['.5', 'double', '0.5'],
    ['5.', 'double', '5'],
    [' 2 ', 'double', '2'],
    [0.30000000000000004, 'double', '0.30000000000000004'],
    [2n, 'double', '2'],
    [true, 'double', '1'],
    ['1.7976931348623157e308', 'double', '1.7976931348623157e+308'],
    ['1.5', 'double unsigned', '1.5'],
    ['0.1', 'float', '0.1'],
    ['0.10000000149011612', 'float', '0.1'],
    [0.10000000149011612, 'float', '0.1'],
    ['0.1234567', 'float', '0.1234567'],
    ['0.12345670163631439', 'float', '0.1234567'],
    ['16777217', 'float', '16777216'],
    ['3.4028234e38', 'float', '3.4028234663852886e+38'], // shortest '3.4028235e+38' would overflow on write
    ['-3.4028234663852886e38', 'float', '-3.4028234663852886e+38'],
    ['3.4028233e38', 'float', '3.4028233e+38'],
    ['1.5e-45', 'float', '1e-45'],
    ['1.4013e-45', 'float', '1e-45'],
    ['-2.5', 'float', '-2.5'],
    ['-0', 'float', '0'],
    ['1e-50', 'float', '0'],
    ['100', 'float', '100'],
    ['0.3', 'float', '0.3'],
  ]);
  rejects([
    ['', 'double', 'empty string is not a number'],
    ['abc', 'double', 'is not a number'],
    ['NaN', 'double', 'is not a number'],
    ['Infinity', 'double', 'is not a number'],
    ['0x10', 'double', 'is not a number'],
    ['1_000', 'double', 'is not a number'],
    [Number.NaN, 'double', 'is not a number'],
    [Number.POSITIVE_INFINITY, 'double', 'out of range for double'],
    ['1e400', 'double', 'out of range for double'],
    ['1e39', 'float', 'out of range for float'],
    ['3.4028235e38', 'float', 'out of range for float'], // above FLT_MAX as a double, though fround would round down
    ['-1', 'double unsigned', 'out of range for double unsigned'],
    [[], 'float', 'is not a number'],
  ]);
});

describe('bit', () => {
  accepts([
    ['0', 'bit(1)', '0'],
    ['1', 'bit(1)', '1'],
    [true, 'bit(1)', '1'],
    [false, 'bit(1)', '0'],
    ['true', 'bit(1)', '1'],
    ['15', 'bit(4)', '15'],
    [15, 'bit(4)', '15'],
    ['18446744073709551615', 'bit(64)', '18446744073709551615'],
    [new Uint8Array([0x01, 0x00]), 'bit(16)', '256'],
  ]);
  rejects([
    ['16', 'bit(4)', '16 is out of range for bit(4) (0..15)'],
    ['-1', 'bit(8)', 'out of range for bit(8)'],
    ['2', 'bit', 'out of range for bit(1) (0..1)'],
    ['x', 'bit(8)', 'is not a bit value'],
    ['', 'bit(8)', 'empty string is not a bit value'],
  ]);
});

describe('char and varchar', () => {
  accepts([
    ['abc', 'char(10)', 'abc'],
    ['abc   ', 'char(10)', 'abc'],
    ['  abc', 'char(10)', '  abc'],
    ['abc\t', 'char(10)', 'abc\t'],
    ['abc            ', 'char(5)', 'abc'], // excess trailing spaces never count for CHAR
    ['', 'char(3)', ''],
    ['   ', 'char(3)', ''],
    ['ééééé', 'char(5)', 'ééééé'],
    ['😀😀😀😀😀', 'char(5)', '😀😀😀😀😀'], // five code points, ten UTF-16 units
    ['abc', 'varchar(10)', 'abc'],
    ['abc   ', 'varchar(10)', 'abc   '],
    ['abc', 'varchar(3)', 'abc'],
    ['abc          ', 'varchar(5)', 'abc  '], // MySQL truncates excess trailing spaces with a note
    ['😀😀😀', 'varchar(3)', '😀😀😀'],
    [42, 'varchar(10)', '42'],
    [1.5, 'varchar(10)', '1.5'],
    [12n, 'varchar(10)', '12'],
    [true, 'varchar(10)', '1'],
    [false, 'varchar(10)', '0'],
    [{ b: 1, a: [1, 'x'] }, 'varchar(50)', '{"b":1,"a":[1,"x"]}'],
    [['x', null], 'varchar(50)', '["x",null]'],
    [new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), 'varchar(50)', '2024-01-02 03:04:05'],
    [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)), 'varchar(50)', '2024-01-02 03:04:05.120'],
    [new TextEncoder().encode('héllo'), 'varchar(10)', 'héllo'],
  ]);
  rejects([
    ['abcdefghijkl', 'char(10)', '12 characters is longer than char(10)'],
    ['abcdef', 'varchar(5)', '6 characters is longer than varchar(5)'],
    ['abcde\t', 'varchar(5)', '6 characters is longer than varchar(5)'],
    ['😀😀😀😀', 'varchar(3)', '4 characters is longer than varchar(3)'],
    [new Uint8Array([0xff, 0xfe]), 'varchar(10)', 'not valid UTF-8'],
    [Symbol('x'), 'varchar(10)', 'is not a string'],
  ]);
});

describe('text, binary and blob', () => {
  const long = 'x'.repeat(255);
  accepts([
    ['hello', 'text', 'hello'],
    ['hello  ', 'text', 'hello  '],
    [long, 'tinytext', long],
    ['é'.repeat(127), 'tinytext', 'é'.repeat(127)], // 254 bytes
    [`${long}   `, 'tinytext', long], // excess trailing spaces are truncated
    ['ab', 'binary(4)', 'ab\0\0'], // BINARY is padded with 0x00 and read back padded
    ['ab\0\0', 'binary(4)', 'ab\0\0'],
    ['', 'binary(2)', '\0\0'],
    ['é', 'binary(2)', '\u00c3\u00a9'], // text is its UTF-8 bytes, one byte-string character per byte
    ['ab', 'varbinary(4)', 'ab'],
    [Buffer.from([0xff, 0x00, 0xc3]), 'varbinary(3)', '\u00ff\u0000\u00c3'], // bytes as they are, UTF-8 or not
    [new Uint8Array(10).fill(0x99), 'varbinary(10)', '\u0099'.repeat(10)],
    [Buffer.from([0x80]), 'binary(2)', '\u0080\u0000'],
    [Buffer.from([0x00, 0xff]), 'blob', '\u0000\u00ff'],
    ['ab  ', 'varbinary(4)', 'ab  '],
    ['blob data', 'blob', 'blob data'],
    [long, 'tinyblob', long],
  ]);
  rejects([
    [`${long}x`, 'tinytext', '256 bytes is longer than tinytext (255 bytes)'],
    ['é'.repeat(128), 'tinytext', '256 bytes is longer than tinytext'],
    ['abcde', 'binary(4)', '5 bytes is longer than binary(4)'],
    ['ééé', 'varbinary(5)', '6 bytes is longer than varbinary(5)'],
    [`${long}x`, 'tinyblob', '256 bytes is longer than tinyblob'],
    [new Uint8Array(11), 'varbinary(10)', '11 bytes is longer than varbinary(10)'],
  ]);
});

describe('date', () => {
  accepts([
    ['2024-01-02', 'date', '2024-01-02'],
    [' 2024-01-02 ', 'date', '2024-01-02'],
    ['2024-1-2', 'date', '2024-01-02'],
    ['2024-02-29', 'date', '2024-02-29'],
    ['2000-02-29', 'date', '2000-02-29'],
    ['2024-12-31', 'date', '2024-12-31'],
    ['1000-01-01', 'date', '1000-01-01'],
    ['0001-01-01', 'date', '0001-01-01'],
    ['9999-12-31', 'date', '9999-12-31'],
    ['2024-01-02 00:00:00', 'date', '2024-01-02'],
    ['2024-01-02T00:00:00.000Z', 'date', '2024-01-02'],
    ['2024-01-02T01:00:00+01:00', 'date', '2024-01-02'],
    [new Date(Date.UTC(2024, 0, 2)), 'date', '2024-01-02'],
    [new Date(Date.UTC(2024, 0, 2, 23, 59)), 'date', '2024-01-02'],
    [new Date(Date.UTC(1969, 11, 31)), 'date', '1969-12-31'],
  ]);
  rejects([
    ['', 'date', 'empty string is not a date'],
    ['2024-02-30', 'date', "'2024-02-30' is not a valid date"],
    ['2023-02-29', 'date', 'not a valid date'],
    ['1900-02-29', 'date', 'not a valid date'],
    ['2024-13-01', 'date', 'not a valid date'],
    ['2024-04-31', 'date', 'not a valid date'],
    ['2024-01-00', 'date', 'not a valid date'],
    ['0000-00-00', 'date', 'zero date'],
    ['0000-01-01', 'date', 'not a valid date'],
    ['2024-01-02 03:04:05', 'date', 'has a time of day'],
    ['2024-01-02 00:00:00.5', 'date', 'has a time of day'],
    ['01/02/2024', 'date', 'is not a date'],
    ['20240102', 'date', 'is not a date'],
    [20240102, 'date', 'is not a date'],
    [new Date(Number.NaN), 'date', 'not a valid date'],
  ]);
});

describe('datetime and timestamp', () => {
  accepts([
    ['2024-01-02 03:04:05', 'datetime', '2024-01-02 03:04:05'],
    ['2024-01-02', 'datetime', '2024-01-02 00:00:00'],
    ['2024-01-02 03:04', 'datetime', '2024-01-02 03:04:00'],
    ['2024-1-2 3:4:5', 'datetime', '2024-01-02 03:04:05'],
    ['2024-01-02T03:04:05', 'datetime', '2024-01-02 03:04:05'],
    ['2024-01-02t03:04:05z', 'datetime', '2024-01-02 03:04:05'],
    ['2024-01-02T03:04:05Z', 'datetime', '2024-01-02 03:04:05'],
    ['2024-01-02T03:04:05+02:00', 'datetime', '2024-01-02 01:04:05'],
    ['2024-01-02T03:04:05-0530', 'datetime', '2024-01-02 08:34:05'],
    ['2024-01-02T03:04:05+02', 'datetime', '2024-01-02 01:04:05'],
    ['2024-01-01T00:30:00+01:00', 'datetime', '2023-12-31 23:30:00'],
    ['2024-03-01T00:00:00+00:01', 'datetime', '2024-02-29 23:59:00'],
    ['2024-01-02 03:04:05.4', 'datetime', '2024-01-02 03:04:05'],
    ['2024-01-02 03:04:05.5', 'datetime', '2024-01-02 03:04:06'],
    ['2024-12-31 23:59:59.5', 'datetime', '2025-01-01 00:00:00'],
    ['2024-02-28 23:59:59.9999999', 'datetime(6)', '2024-02-29 00:00:00.000000'],
    ['2023-02-28 23:59:59.9995', 'datetime(3)', '2023-03-01 00:00:00.000'],
    ['2024-01-02 03:04:05.12', 'datetime(3)', '2024-01-02 03:04:05.120'],
    ['2024-01-02 03:04:05.120', 'datetime(3)', '2024-01-02 03:04:05.120'],
    ['2024-01-02 03:04:05.1235', 'datetime(3)', '2024-01-02 03:04:05.124'],
    ['2024-01-02 03:04:05.1234', 'datetime(3)', '2024-01-02 03:04:05.123'],
    ['2024-01-02 03:04:05', 'datetime(6)', '2024-01-02 03:04:05.000000'],
    ['2024-01-02 03:04:05.000001', 'datetime(6)', '2024-01-02 03:04:05.000001'],
    ['2024-01-02 03:04:05.9', 'datetime(1)', '2024-01-02 03:04:05.9'],
    ['2024-01-02 03:04:05.95', 'datetime(1)', '2024-01-02 03:04:06.0'],
    ['0001-01-01 00:00:00', 'datetime', '0001-01-01 00:00:00'],
    ['1000-01-01 00:00:00', 'datetime', '1000-01-01 00:00:00'],
    ['9999-12-31 23:59:59', 'datetime', '9999-12-31 23:59:59'],
    ['9999-12-31 23:59:59.999999', 'datetime(6)', '9999-12-31 23:59:59.999999'],
    [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)), 'datetime(3)', '2024-01-02 03:04:05.120'],
    [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500)), 'datetime', '2024-01-02 03:04:06'],
    [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)), 'datetime(6)', '2024-01-02 03:04:05.120000'],
    [new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999)), 'datetime(2)', '1970-01-01 00:00:00.00'],
    ['1970-01-01 00:00:01', 'timestamp', '1970-01-01 00:00:01'],
    ['2038-01-19 03:14:07', 'timestamp', '2038-01-19 03:14:07'],
    ['2038-01-19 03:14:07.999999', 'timestamp(6)', '2038-01-19 03:14:07.999999'],
    ['2038-01-19T05:14:07+02:00', 'timestamp', '2038-01-19 03:14:07'],
    ['2024-06-01T12:00:00Z', 'timestamp(3)', '2024-06-01 12:00:00.000'],
  ]);
  rejects([
    ['', 'datetime', 'empty string is not a datetime'],
    ['yesterday', 'datetime', 'is not a datetime'],
    ['2024-01-02 24:00:00', 'datetime', 'not a valid time of day'],
    ['2024-01-02 23:60:00', 'datetime', 'not a valid time of day'],
    ['2024-01-02 23:59:60', 'datetime', 'not a valid time of day'],
    ['2024-02-30 00:00:00', 'datetime', 'not a valid date'],
    ['0000-00-00 00:00:00', 'datetime', 'zero date'],
    ['2024-01-02 03:04:05+25:00', 'datetime', 'not a valid time zone offset'],
    ['9999-12-31 23:59:59.5', 'datetime', 'out of range for datetime'],
    ['0001-01-01T00:00:00+01:00', 'datetime', 'out of range for datetime'],
    ['1970-01-01 00:00:00', 'timestamp', 'out of range for timestamp'],
    ['1970-01-01 00:00:00.5', 'timestamp(1)', 'out of range for timestamp'],
    ['2038-01-19 03:14:08', 'timestamp', 'out of range for timestamp'],
    ['2038-01-19 03:14:07.5', 'timestamp', 'out of range for timestamp'],
    ['1969-12-31 23:59:59', 'timestamp', 'out of range for timestamp'],
    ['0000-00-00 00:00:00', 'timestamp', 'zero date'],
    [1704164645, 'datetime', 'is not a datetime'],
    [new Date(Number.NaN), 'timestamp', 'not a valid date'],
  ]);
});

describe('time', () => {
  accepts([
    ['12:34:56', 'time', '12:34:56'],
    ['1:2:3', 'time', '01:02:03'],
    ['11:12', 'time', '11:12:00'],
    ['00:00:00', 'time', '00:00:00'],
    ['-00:00:00', 'time', '00:00:00'],
    ['-01:02:03', 'time', '-01:02:03'],
    ['838:59:59', 'time', '838:59:59'],
    ['-838:59:59', 'time', '-838:59:59'],
    ['100:00:00', 'time', '100:00:00'],
    ['1 02:03:04', 'time', '26:03:04'],
    ['34 22:59:59', 'time', '838:59:59'],
    ['12:00:00.15', 'time(1)', '12:00:00.2'],
    ['12:00:00.14', 'time(1)', '12:00:00.1'],
    ['12:00:00', 'time(3)', '12:00:00.000'],
    ['12:34:56.5', 'time', '12:34:57'],
    ['12:59:59.5', 'time', '13:00:00'],
    ['-00:00:00.5', 'time', '-00:00:01'],
    ['-00:00:00.1', 'time(1)', '-00:00:00.1'],
    ['-00:00:00.04', 'time(1)', '00:00:00.0'],
    ['838:59:59.000000', 'time(6)', '838:59:59.000000'],
  ]);
  rejects([
    ['', 'time', 'empty string is not a time'],
    ['noon', 'time', 'is not a time'],
    ['12:60:00', 'time', 'not a valid time'],
    ['12:00:60', 'time', 'not a valid time'],
    ['839:00:00', 'time', 'out of range for time (-838:59:59..838:59:59)'],
    ['-839:00:00', 'time', 'out of range for time'],
    ['838:59:59.5', 'time', 'out of range for time'],
    ['838:59:59.1', 'time(1)', 'out of range for time'],
    [43200, 'time', 'is not a time'],
  ]);
});

describe('year', () => {
  accepts([
    ['2024', 'year', '2024'],
    [2024, 'year', '2024'],
    ['1901', 'year', '1901'],
    ['2155', 'year', '2155'],
    ['0000', 'year', '0000'],
    [0, 'year', '0000'],
    [' 1999 ', 'year', '1999'],
    ['2024', 'year(4)', '2024'],
  ]);
  rejects([
    ['1900', 'year', 'out of range for year (1901..2155)'],
    ['2156', 'year', 'out of range for year'],
    ['24', 'year', 'is not a four-digit year'],
    ['0', 'year', 'is not a four-digit year'],
    ['20244', 'year', 'is not a four-digit year'],
    [24, 'year', 'out of range for year'],
    ['', 'year', 'empty string is not a year'],
    ['abcd', 'year', 'is not a year'],
    [2024.5, 'year', 'is not a year'],
  ]);
});

describe('json', () => {
  accepts([
    ['{"b": 1, "a": [1, 2]}', 'json', '{"a":[1,2],"b":1}'],
    ['{"a": [1, 2], "b": 1}', 'json', '{"a":[1,2],"b":1}'],
    ['{"z": {"y": 1, "x": 2}}', 'json', '{"z":{"x":2,"y":1}}'],
    ['[{"b":1,"a":2}, 3]', 'json', '[{"a":2,"b":1},3]'],
    ['1.0', 'json', '1'],
    ['1e2', 'json', '100'],
    ['100.0', 'json', '100'],
    ['-0', 'json', '0'],
    ['0.1', 'json', '0.1'],
    ['"text"', 'json', '"text"'],
    ['"caf\\u00e9 \\/"', 'json', '"café /"'],
    ['true', 'json', 'true'],
    ['null', 'json', 'null'],
    ['  [ ]  ', 'json', '[]'],
    ['{}', 'json', '{}'],
    ['{"a":1,"a":2}', 'json', '{"a":2}'],
    ['{"10":1,"9":2,"b":3}', 'json', '{"10":1,"9":2,"b":3}'],
    // Integers that fit int64/uint64 stay exact, as MySQL stores them; beyond that they are doubles.
    ['12345678901234567890', 'json', '12345678901234567890'],
    ['{"id": 9007199254740993, "b": [18446744073709551615]}', 'json', '{"b":[18446744073709551615],"id":9007199254740993}'],
    ['-9223372036854775808', 'json', '-9223372036854775808'],
    ['18446744073709551616', 'json', '18446744073709552000'],
    ['123456789012345678901234', 'json', '1.2345678901234569e+23'],
    ['1.2345678901234568e23', 'json', '1.2345678901234569e+23'],
    ['1e21', 'json', '1e+21'],
    [{ b: 1, a: [1, 2] }, 'json', '{"a":[1,2],"b":1}'],
    [[3, { y: null, x: 'é' }], 'json', '[3,{"x":"é","y":null}]'],
    [{ a: undefined, b: 1 }, 'json', '{"b":1}'],
    [{ big: 12345678901234567890n }, 'json', '{"big":12345678901234567890}'],
    [{ when: new Date(Date.UTC(2024, 0, 2)) }, 'json', '{"when":"2024-01-02T00:00:00.000Z"}'],
    [42, 'json', '42'],
    [1.5, 'json', '1.5'],
    [true, 'json', 'true'],
  ]);
  rejects([
    ['', 'json', 'not valid JSON'],
    ['not json', 'json', 'not valid JSON'],
    ['{"a":1', 'json', 'not valid JSON'],
    ["{'a':1}", 'json', 'not valid JSON'],
    ['1e400', 'json', 'not valid JSON'],
    [Number.NaN, 'json', 'representable as JSON'],
    [{ a: Number.POSITIVE_INFINITY }, 'json', 'representable as JSON'],
  ]);
  it('JSON stored as its text (MariaDB: jsonText): integers of any size keep every digit; decimals as everywhere', () => {
    const text = { ...type('json'), jsonText: true as const };
    const big = '{"n":-98765432109876543210,"p":123456789012345678901234,"x":18446744073709551616,"d":1.50,"e":1e2}';
    expect(coerceValue(big, text)).toEqual({ ok: true, value: '{"d":1.5,"e":100,"n":-98765432109876543210,"p":123456789012345678901234,"x":18446744073709551616}' });
    expect(coerceValue({ big: 123456789012345678901234n }, text)).toEqual({ ok: true, value: '{"big":123456789012345678901234}' });
    expect(coerceValue(big, type('json'))).toEqual({ ok: true, value: '{"d":1.5,"e":100,"n":-98765432109876540000,"p":1.2345678901234569e+23,"x":18446744073709552000}' });
  });

  it('refuses cyclic values instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(coerceValue(cyclic, type('json')).ok).toBe(false);
  });
});

describe('enum', () => {
  const fruit = "enum('apple','Banana','x y')";
  accepts([
    ['apple', fruit, 'apple'],
    ['APPLE', fruit, 'apple'],
    ['banana', fruit, 'Banana'],
    ['apple  ', fruit, 'apple'],
    ['x y', fruit, 'x y'],
    ['2', fruit, 'Banana'], // MySQL: a number that is not a member is a 1-based index
    [3, fruit, 'x y'],
    ["it's", "enum('it''s','b')", "it's"],
    ['', "enum('','a')", ''],
    ['1', "enum('0','1')", '1'],
  ]);
  rejects([
    ['cherry', fruit, "'cherry' is not one of enum('apple','Banana','x y')"],
    ['', fruit, 'empty string is not one of'],
    [' apple', fruit, 'is not one of'],
    ['0', fruit, 'is not one of'],
    ['4', fruit, 'is not one of'],
    [1.5, fruit, 'is not one of'],
    [true, fruit, 'is not one of'],
  ]);
});

describe('set', () => {
  const flags = "set('a','b','c')";
  accepts([
    ['a', flags, 'a'],
    ['c,a', flags, 'a,c'],
    ['C,A,a', flags, 'a,c'],
    ['b,a,c,b', flags, 'a,b,c'],
    ['', flags, ''],
    ['a,b ', flags, 'a,b'],
    ['5', flags, 'a,c'], // MySQL: a number is a bitmask
    [7, flags, 'a,b,c'],
    [0, flags, ''],
    [['c', 'a'], flags, 'a,c'],
    [[], flags, ''],
    ['Read,write', "set('read','write')", 'read,write'],
  ]);
  rejects([
    ['d', flags, "'d' is not a member of set('a','b','c')"],
    ['a, b', flags, "' b' is not a member"],
    ['a,,b', flags, "'' is not a member"],
    [',a', flags, 'is not a member'],
    ['8', flags, 'out of range for set'],
    [[1], flags, 'is not a member'],
    [{}, flags, 'is not a member list'],
  ]);
});

describe('canonical output is idempotent', () => {
  const samples: readonly (readonly [unknown, string])[] = [
    ['42.0', 'int'],
    ['true', 'tinyint(1)'],
    ['-0.005', 'decimal(12,2)'],
    ['1e3', 'decimal(12,2)'],
    ['12', 'decimal(4,0)'],
    ['0.10000000149011612', 'float'],
    ['16777217', 'float'],
    ['3.4028234e38', 'float'],
    ['1e300', 'double'],
    ['0.0000001', 'double'],
    ['5e-324', 'double'],
    ['15', 'bit(4)'],
    ['abc   ', 'char(10)'],
    ['abc          ', 'varchar(5)'],
    ['ab', 'binary(4)'],
    ['x'.repeat(300), 'text'],
    ['2024-01-02T00:00:00Z', 'date'],
    ['2024-12-31 23:59:59.5', 'datetime'],
    ['2024-01-02T03:04:05.1235+02:00', 'datetime(3)'],
    ['2024-01-02 03:04:05', 'timestamp(6)'],
    ['-00:00:00.5', 'time'],
    ['1 02:03:04.5', 'time(1)'],
    [0, 'year'],
    ['2024', 'year'],
    ['{"b": 1, "a": [1.0, 2e0, 12345678901234567890, 123456789012345678901234]}', 'json'],
    [{ b: 1, a: 'x' }, 'json'],
    ['1e21', 'json'],
    ['APPLE', "enum('apple','b')"],
    ['c,A', "set('a','b','c')"],
    ['', "set('a','b','c')"],
  ];
  it.each(samples.map(([raw, sql]) => ({ raw, sql })))('$sql: $raw', ({ raw, sql }) => {
    const columnType = type(sql);
    const first = coerceValue(raw, columnType);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(coerceValue(first.value, columnType)).toEqual(first);
  });
});

describe('values read back from the database compare equal to source values', () => {
  // [source value, text the server returns, type]
  const pairs: readonly (readonly [unknown, string, string])[] = [
    ['12.5', '12.50', 'decimal(12,2)'],
    [12.5, '12.50', 'decimal(12,2)'],
    ['2024-01-02T03:04:05.12Z', '2024-01-02 03:04:05.120', 'datetime(3)'],
    [new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02 03:04:05', 'timestamp'],
    [1e-7, '1e-7', 'double'],
    ['1e-7', '0.0000001', 'double'], // MariaDB prints doubles without exponent
    ['0.1234567', '0.12345670163631439', 'float'], // MariaDB `col + 0`
    [{ b: 1, a: [1, 2] }, '{"b": 1, "a": [1, 2]}', 'json'], // MySQL's spacing and key order
    ['{"a":1.0}', '{"a": 1.0}', 'json'],
    [true, '1', 'tinyint(1)'],
    ['true', '1', 'bit(1)'],
    ['abc  ', 'abc', 'char(5)'],
    ['banana', 'Banana', "enum('apple','Banana')"],
    ['b,a', 'a,b', "set('a','b')"],
    [2024, '2024', 'year'],
    ['7:5', '07:05:00', 'time'],
  ];
  it.each(pairs.map(([source, actual, sql]) => ({ source, actual, sql })))('$sql: $source ≡ $actual', ({ source, actual, sql }) => {
    const columnType = type(sql);
    const desired = coerceValue(source, columnType);
    expect(desired.ok).toBe(true);
    expect(coerceValue(actual, columnType)).toEqual(desired);
  });
});
