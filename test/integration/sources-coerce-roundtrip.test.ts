/**
 * Property: any value coerceValue accepts for a column type round-trips through the database.
 * The canonical value is written the way pssync writes it (sql-text.ts literals), read back the
 * way pssync reads (db/connection.ts: text protocol, typeCast to text; introspect/actual-rows.ts),
 * canonicalised again as the planner does (mapping/canonical-read.ts), and must equal what was
 * written: the next plan sees no change.
 *
 * Raw values are what sources produce: CSV strings, JSON numbers, big integers, exact decimals,
 * Dates, nested objects. Runs are bounded: at most RUNS × BATCH values per type (a run is one
 * multi-row INSERT and one read); fast-check shrinks a failing batch to the value that breaks.
 * FC_SEED=<n> replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literalsFor, valueList } from '../../src/apply/sql-text.js';
import { openDestination, type Db } from '../../src/db/connection.js';
import { quoteId } from '../../src/model/identifiers.js';
import { readActualRows } from '../../src/introspect/actual-rows.js';
import { introspectTable } from '../../src/introspect/introspect.js';
import { canonicalRead } from '../../src/mapping/canonical-read.js';
import { coerceValue } from '../../src/mapping/coerce.js';
import { parseColumnType, ddlTypeSql, type ColumnType } from '../../src/model/column-type.js';
import type { TargetColumn } from '../../src/mapping/target-columns.js';
import { ExactNumber, decimalText } from '../../src/source/exact-number.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
let pssyncDb: Db;

const RUNS = 8;
const BATCH = 25;
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

function type(sql: string): ColumnType {
  const parsed = parseColumnType(sql);
  if (!parsed) throw new Error(`bad test type ${sql}`);
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Raw values as sources produce them.

/** The same number as the shapes sources give: JSON number, CSV text, bigint, exact decimal. */
function numberShapes(value: bigint, scale = 0): fc.Arbitrary<unknown> {
  const text = decimalText(value, scale);
  const shapes: unknown[] = [text, ` ${text} `, new ExactNumber(text)];
  if (scale === 0) shapes.push(value);
  if (Number.isFinite(Number(text)) && String(Number(text)) === text.replace(/\.?0+$/, '') && scale === 0) shapes.push(Number(text));
  return fc.constantFrom(...shapes);
}

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 10 }).map((text) => `${text}   `),
  fc.constantFrom('', ' ', 'NULL', '\\N', "it's", 'back\\slash', 'tab\there', 'nul\0byte', 'ß', 'İ', '😀', 'e\u0301', '\u{10FFFF}', 'lone \ud800 surrogate', '\udfff'),
);

/** What a query or Parquet source hands a binary column: text, or bytes that need not be UTF-8. */
const anyBytes = fc.oneof(anyText, fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes)), fc.constant(Buffer.from([0xff, 0x00, 0xc3, 0x80])));

function integers(sql: string): fc.Arbitrary<unknown> {
  const { min, max } = rangeOf(sql);
  return fc.oneof(
    fc.bigInt({ min, max }).chain((value) => numberShapes(value)),
    fc.bigInt({ min: min - 10n, max: max + 10n }).map(String),
    fc.constantFrom(true, false, '4.2e1', '-0', '+7', '1.0'),
  );
}

function rangeOf(sql: string): { min: bigint; max: bigint } {
  const bits: Record<string, bigint> = { tinyint: 8n, smallint: 16n, mediumint: 24n, int: 32n, bigint: 64n };
  const name = sql.split(/[ (]/)[0]!;
  const width = bits[name]!;
  return sql.includes('unsigned') ? { min: 0n, max: (1n << width) - 1n } : { min: -(1n << (width - 1n)), max: (1n << (width - 1n)) - 1n };
}

function decimals(precision: number, scale: number): fc.Arbitrary<unknown> {
  const limit = 10n ** BigInt(precision + 2);
  return fc.oneof(
    fc.bigInt({ min: -limit, max: limit }).chain((value) => numberShapes(value, scale + 2)),
    fc.bigInt({ min: -(10n ** BigInt(precision)), max: 10n ** BigInt(precision) }).chain((value) => numberShapes(value, scale)),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.constantFrom('1e2', '-0.000', '.5', '5.', '0.005', '-0.005'),
  );
}

const doubles = fc.oneof(
  fc.double(),
  fc.double().map(String),
  fc.integer().map((value) => `${value}e-3`),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom('-0', '1e308', '4.9e-324', '0.1', '1e-7', 'NaN', 'Infinity'),
);

const floats = fc.oneof(fc.float(), fc.float().map(String), fc.double({ min: -1e39, max: 1e39 }), fc.constantFrom('3.4028234e38', '1.17549435e-38', '0.1'));

/** Datetime-ish text in the forms sources write, with fractions up to 9 digits and offsets. */
function dateTimes(from: Date, to: Date): fc.Arbitrary<unknown> {
  const date = fc.date({ min: from, max: to, noInvalidDate: true });
  const fraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,9}$/));
  return fc.oneof(
    date,
    fc.tuple(date, fraction).map(([value, frac]) => `${value.toISOString().slice(0, 19).replace('T', ' ')}${frac}`),
    fc.tuple(date, fraction).map(([value, frac]) => `${value.toISOString().slice(0, 19)}${frac}Z`),
    fc.tuple(date, fc.constantFrom('+02:00', '-05:30', '+0000')).map(([value, offset]) => `${value.toISOString().slice(0, 19)}${offset}`),
  );
}

const MIN_DATE = new Date('0001-01-01T00:00:00Z');
const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');

const dates = fc.oneof(
  fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }),
  fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }).map((value) => value.toISOString().slice(0, 10)),
  fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${m}-${d}`),
);

const times = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 840 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,8}$/)))
  .map(([negative, hours, minutes, seconds, fraction]) => `${negative ? '-' : ''}${hours}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}${fraction}`);

const jsonValues = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 65n }).map((value) => ({ id: value })),
  fc.constantFrom('{"b": 1, "a": [1.0, 2e0, -0]}', '"text"', '12345678901234567890', '[]', '{}', 'null', '1e21', '"\\udfff"', { lone: '\ud800' }),
);

const TYPES: ReadonlyArray<readonly [sql: string, values: fc.Arbitrary<unknown>]> = [
  ['tinyint', integers('tinyint')],
  ['smallint unsigned', integers('smallint unsigned')],
  ['int', integers('int')],
  ['bigint', integers('bigint')],
  ['bigint unsigned', integers('bigint unsigned')],
  ['tinyint(1)', fc.oneof(integers('tinyint'), fc.constantFrom('true', 'FALSE', true, false))],
  ['decimal(10,2)', decimals(10, 2)],
  ['decimal(38,10)', decimals(38, 10)],
  ['decimal(5,0) unsigned', decimals(5, 0)],
  ['double', doubles],
  ['float', floats],
  ['bit(1)', fc.oneof(fc.boolean(), fc.bigInt({ min: 0n, max: 1n }).map(String))],
  ['bit(64)', fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).chain((value) => numberShapes(value))],
  ['char(5)', anyText],
  ['varchar(20)', anyText],
  ['text', anyText],
  ['binary(6)', anyBytes],
  ['varbinary(24)', anyBytes],
  ['blob', anyBytes],
  ['date', dates],
  ['datetime', dateTimes(MIN_DATE, MAX_DATE)],
  ['datetime(3)', dateTimes(MIN_DATE, MAX_DATE)],
  ['datetime(6)', dateTimes(MIN_DATE, MAX_DATE)],
  ['timestamp(6)', dateTimes(new Date('1970-01-01T00:00:01Z'), new Date('2038-01-19T03:14:07Z'))],
  ['time', times],
  ['time(6)', times],
  ['year', fc.oneof(fc.integer({ min: 1890, max: 2160 }), fc.integer({ min: 1901, max: 2155 }).map(String), fc.constantFrom(0, '0000'))],
  ['json', jsonValues],
  ["enum('a','b','c d','É')", fc.oneof(fc.constantFrom('a', 'B', 'c d', 'C D  ', 'É', 'é', 'x', '1', '3', 2, 5))],
  ["set('x','y','z z')", fc.oneof(fc.subarray(['x', 'y', 'z z', 'Y']).map((items) => items.join(',')), fc.integer({ min: 0, max: 9 }), fc.constantFrom(['x', 'z z'], 'y,x', ''))],
];

// ---------------------------------------------------------------------------------------------

function column(name: string, columnType: ColumnType, live: NonNullable<TargetColumn['live']>, isKey: boolean): TargetColumn {
  return { name, type: columnType, live, isKey, origin: { kind: 'field', from: name, transforms: [] } };
}

/** Writes canonical values as pssync writes them, reads them back as pssync reads them. */
async function roundTrip(table: string, columnType: ColumnType, canonical: readonly (string | null)[]): Promise<(string | null)[]> {
  await pssyncDb.execute(`DELETE FROM ${quoteId(table)}`);
  const spec = (await introspectTable(pssyncDb, table))!;
  const columns = [column('id', type('int'), spec.columns[0]!, true), column('v', columnType, spec.columns[1]!, false)];
  const literals = literalsFor(columns);
  const rows = canonical.map((value, index) => `(${valueList([String(index), value], literals)})`);
  await pssyncDb.execute(`INSERT INTO ${quoteId(table)} (id, v) VALUES ${rows.join(',')}`);
  const read: (string | null)[] = [];
  for await (const page of readActualRows(pssyncDb, { table, columns })) for (const row of page) read.push(row[1] ?? null);
  return read;
}

describe(`coercion round-trips through the database (${dialectOf(db.version)})`, () => {
  beforeAll(async () => {
    const url = new URL(db.url);
    pssyncDb = await openDestination({
      name: 'roundtrip',
      host: db.host,
      port: db.port,
      database: db.name,
      username: db.user,
      password: db.password,
      tls: 'disabled',
      createDatabase: false,
      position: { file: url.pathname, line: 1, column: 1, path: 'roundtrip' },
    });
  });

  afterAll(async () => {
    await pssyncDb?.close();
  });

  for (const [index, [sql, values]] of TYPES.entries()) {
    it(`${sql}: every accepted value reads back as the same canonical value`, async () => {
      const columnType = type(sql);
      const table = `rt_${index}`;
      await db.query(`CREATE TABLE ${table} (id INT NOT NULL PRIMARY KEY, v ${ddlTypeSql(columnType)}) DEFAULT CHARSET = utf8mb4`);
      const accepted = values.filter((raw) => coerceValue(raw, columnType).ok);
      await fc.assert(
        fc.asyncProperty(fc.array(accepted, { minLength: 1, maxLength: BATCH }), async (raws) => {
          const canonical = raws.map((raw) => {
            const result = coerceValue(raw, columnType);
            if (!result.ok) throw new Error('filtered out above');
            return result.value;
          });
          const read = await roundTrip(table, columnType, canonical);
          // As the planner canonicalises what it reads (bytes are read canonical, never re-coerced).
          const again = read.map((value) => canonicalRead(value, column('v', columnType, { name: 'v', columnType: sql, nullable: true }, false)));
          expect(again).toEqual(canonical);
        }),
        { numRuns: RUNS, ...(seed !== undefined ? { seed } : {}) },
      );
    });
  }
});
