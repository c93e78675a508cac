import { describe, expect, it } from 'vitest';
import type { DesiredRow, Row } from '../../../src/model/row.js';
import type { Mode } from '../../../src/plan/mode-rules.js';
import { makeKeyOf, type RowKey } from '../../../src/mapping/row-key.js';
import { canonicalRead } from '../../../src/mapping/canonical-read.js';
import { SAMPLE_LIMIT, type RowDiff } from '../../../src/plan/row-diff.js';
import { diffInOrder } from '../../helpers/row-differ.js';
import type { TargetColumn } from '../../../src/mapping/target-columns.js';
import { column, desiredRows, opRows } from '../../helpers/plan-builders.js';

function diff(desired: ReadonlyMap<RowKey, DesiredRow>, columns: readonly TargetColumn[], mode: Mode, actual: readonly Row[]): RowDiff {
  return diffInOrder(desired, columns, mode, actual);
}

// ---------------------------------------------------------------------------------------------
// A table sync: one added, one changed, one unchanged and one removed row, with values in the
// forms sources and the database really use.

const TABLE_COLUMNS: readonly TargetColumn[] = [
  column('id', 'int', { key: true }),
  column('price', 'decimal(10,2)'),
  column('seen_at', 'datetime(3)'),
  column('attrs', 'json'),
  column('active', 'tinyint(1)'),
  column('note', 'varchar(64)', { collation: 'utf8mb4_0900_ai_ci', from: 'Note', transforms: ['trim'] }),
];

/** Source records, as a CSV/JSON source would give them (strings, JSON text, null). */
const TABLE_SOURCE = [
  // unchanged: every value differs in spelling from what the database returns, none in meaning
  { id: '1', price: '10', seen_at: '2024-01-01', attrs: '{"b":2,"a":1}', active: 'true', Note: '   ' },
  // changed: price 20.00 → 20.50
  { id: '2', price: '20.5', seen_at: '2024-02-01T10:00:00Z', attrs: '[1, 2]', active: '0', Note: ' hello ' },
  // added
  { id: '4', price: '4.005', seen_at: '2024-04-01 12:30:00.1234', attrs: '{"k":"v"}', active: 'FALSE', Note: null },
];

/** Destination rows as the text protocol returns them (MySQL 8 JSON spacing), in key order. */
const TABLE_ACTUAL: readonly Row[] = [
  ['1', '10.00', '2024-01-01 00:00:00.000', '{"a": 1, "b": 2}', '1', ''],
  ['2', '20.00', '2024-02-01 10:00:00.000', '[1, 2]', '0', 'hello'],
  ['3', '30.00', '2023-12-31 23:59:59.999', '{"z": [1, {"y": 2, "x": 1}]}', '0', null], // removed
];

const ADDED: Row = ['4', '4.01', '2024-04-01 12:30:00.123', '{"k":"v"}', '0', null];
const CHANGED_BEFORE: Row = ['2', '20.00', '2024-02-01 10:00:00.000', '[1,2]', '0', 'hello'];
const CHANGED_AFTER: Row = ['2', '20.50', '2024-02-01 10:00:00.000', '[1,2]', '0', 'hello'];
/** Deletes carry the actual row in canonical form. */
const REMOVED: Row = ['3', '30.00', '2023-12-31 23:59:59.999', '{"z":[1,{"x":1,"y":2}]}', '0', null];

interface Expected {
  readonly inserts: readonly Row[];
  readonly updates: readonly Row[];
  readonly deletes: readonly Row[];
  readonly skip: number;
}

const TABLE_MODE_CASES: ReadonlyArray<readonly [Mode, Expected]> = [
  // insert: added → insert, changed → skip, removed → keep
  ['insert', { inserts: [ADDED], updates: [], deletes: [], skip: 1 }],
  // update: added → skip, changed → update, removed → keep
  ['update', { inserts: [], updates: [CHANGED_AFTER], deletes: [], skip: 1 }],
  // upsert: added → insert, changed → update, removed → keep
  ['upsert', { inserts: [ADDED], updates: [CHANGED_AFTER], deletes: [], skip: 0 }],
  // mirror: added → insert, changed → update, removed → delete
  ['mirror', { inserts: [ADDED], updates: [CHANGED_AFTER], deletes: [REMOVED], skip: 0 }],
];

describe('row diff: table modes (SPEC 4.2)', () => {
  it('maps the source records to canonical desired rows', () => {
    const desired = desiredRows(TABLE_COLUMNS, TABLE_SOURCE);
    expect([...desired.values()].map((row) => row.values)).toEqual([
      ['1', '10.00', '2024-01-01 00:00:00.000', '{"a":1,"b":2}', '1', ''],
      CHANGED_AFTER,
      ADDED,
    ]);
  });

  it.each(TABLE_MODE_CASES)('%s', (mode, expected) => {
    const result = diff(desiredRows(TABLE_COLUMNS, TABLE_SOURCE), TABLE_COLUMNS, mode, TABLE_ACTUAL);
    expect(opRows(result.ops)).toEqual({ inserts: expected.inserts, updates: expected.updates, deletes: expected.deletes });
    expect(result.counts).toEqual({
      insert: expected.inserts.length,
      update: expected.updates.length,
      delete: expected.deletes.length,
      skip: expected.skip,
      unchanged: 1,
    });
    expect(result.samples).toEqual({
      insert: expected.inserts,
      update: expected.updates.length ? [{ before: CHANGED_BEFORE, after: CHANGED_AFTER }] : [],
      delete: expected.deletes,
    });
    expect(result.actualRows).toBe(3);
  });

  it('does not depend on the order the destination rows arrive in', () => {
    const result = diff(desiredRows(TABLE_COLUMNS, TABLE_SOURCE), TABLE_COLUMNS, 'mirror', [...TABLE_ACTUAL].reverse());
    expect(result.counts).toEqual({ insert: 1, update: 1, delete: 1, skip: 0, unchanged: 1 });
  });

  it('an empty destination: everything is added', () => {
    const result = diff(desiredRows(TABLE_COLUMNS, TABLE_SOURCE), TABLE_COLUMNS, 'mirror', []);
    expect(result.counts).toEqual({ insert: 3, update: 0, delete: 0, skip: 0, unchanged: 0 });
    expect(result.actualRows).toBe(0);
  });

  it('an empty source under mirror deletes every destination row; under upsert it keeps them and skips nothing', () => {
    expect(diff(new Map(), TABLE_COLUMNS, 'mirror', TABLE_ACTUAL).counts).toEqual({
      insert: 0,
      update: 0,
      delete: 3,
      skip: 0,
      unchanged: 0,
    });
    expect(diff(new Map(), TABLE_COLUMNS, 'upsert', TABLE_ACTUAL).counts).toEqual({
      insert: 0,
      update: 0,
      delete: 0,
      skip: 0,
      unchanged: 0,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// An audience sync: key (audience, user_id), `audience` a constant holding the audience name.

const AUDIENCE_COLUMNS: readonly TargetColumn[] = [
  column('audience', 'varchar(255)', { key: true, constant: 'vip', collation: 'utf8mb4_0900_ai_ci' }),
  column('user_id', 'varchar(64)', { key: true, collation: 'utf8mb4_general_ci' }),
  column('tier', "enum('gold','silver')", { collation: 'utf8mb4_general_ci' }),
  column('ltv', 'decimal(12,2)'),
];

const AUDIENCE_SOURCE = [
  { user_id: 'U1', tier: 'GOLD', ltv: 100 }, // unchanged: key 'U1' = 'u1' under general_ci, 'GOLD' is member 'gold'
  { user_id: 'u2', tier: 'silver', ltv: '5' }, // changed: tier gold → silver
  { user_id: 'u4', tier: 'gold', ltv: null }, // added member
];

const AUDIENCE_ACTUAL: readonly Row[] = [
  ['vip', 'u1', 'gold', '100.00'],
  ['vip', 'u2', 'gold', '5.00'],
  ['vip', 'u3', 'silver', '1.50'], // departed
];

const MEMBER_ADDED: Row = ['vip', 'u4', 'gold', null];
const MEMBER_BEFORE: Row = ['vip', 'u2', 'gold', '5.00'];
const MEMBER_AFTER: Row = ['vip', 'u2', 'silver', '5.00'];
const MEMBER_DEPARTED: Row = ['vip', 'u3', 'silver', '1.50'];

const AUDIENCE_MODE_CASES: ReadonlyArray<readonly [Mode, Expected]> = [
  // add: added → insert, changed → skip, departed → keep
  ['add', { inserts: [MEMBER_ADDED], updates: [], deletes: [], skip: 1 }],
  // remove: added → skip, changed → skip, departed → delete
  ['remove', { inserts: [], updates: [], deletes: [MEMBER_DEPARTED], skip: 2 }],
  // upsert: added → insert, changed → update, departed → keep
  ['upsert', { inserts: [MEMBER_ADDED], updates: [MEMBER_AFTER], deletes: [], skip: 0 }],
  // mirror: added → insert, changed → update, departed → delete
  ['mirror', { inserts: [MEMBER_ADDED], updates: [MEMBER_AFTER], deletes: [MEMBER_DEPARTED], skip: 0 }],
];

describe('row diff: audience modes (SPEC 4.2)', () => {
  it('maps members with the audience name in the constant `audience` column', () => {
    const desired = desiredRows(AUDIENCE_COLUMNS, AUDIENCE_SOURCE);
    expect([...desired.values()].map((row) => row.values)).toEqual([
      ['vip', 'U1', 'gold', '100.00'],
      MEMBER_AFTER,
      MEMBER_ADDED,
    ]);
  });

  it.each(AUDIENCE_MODE_CASES)('%s', (mode, expected) => {
    const result = diff(desiredRows(AUDIENCE_COLUMNS, AUDIENCE_SOURCE), AUDIENCE_COLUMNS, mode, AUDIENCE_ACTUAL);
    expect(opRows(result.ops)).toEqual({ inserts: expected.inserts, updates: expected.updates, deletes: expected.deletes });
    expect(result.counts).toEqual({
      insert: expected.inserts.length,
      update: expected.updates.length,
      delete: expected.deletes.length,
      skip: expected.skip,
      unchanged: 1,
    });
    expect(result.samples).toEqual({
      insert: expected.inserts,
      update: expected.updates.length ? [{ before: MEMBER_BEFORE, after: MEMBER_AFTER }] : [],
      delete: expected.deletes,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('row diff: type-aware comparison', () => {
  /** One column besides the key; the source value and the database text must compare equal. */
  const same: ReadonlyArray<readonly [sql: string, source: unknown, database: string]> = [
    ['decimal(10,2)', '10', '10.00'],
    ['decimal(10,2)', 10, '10.00'],
    ['decimal(10,2)', '10.001', '10.00'],
    ['decimal(10,2)', '1e1', '10.00'],
    ['datetime(3)', '2024-01-01', '2024-01-01 00:00:00.000'],
    ['datetime(3)', '2024-01-01T00:00:00.0001Z', '2024-01-01 00:00:00.000'],
    ['datetime', '2024-01-01 10:00:00', '2024-01-01 10:00:00'],
    ['timestamp(6)', '2024-01-01 10:00:00.5', '2024-01-01 10:00:00.500000'],
    ['json', '{"b": [1, 2], "a": {"y": null, "x": "s"}}', '{"a": {"x": "s", "y": null}, "b": [1, 2]}'],
    ['json', { b: 1, a: true }, '{"a": true, "b": 1}'],
    ['json', '1.0', '1'],
    ['tinyint(1)', 'true', '1'],
    ['tinyint(1)', true, '1'],
    ['tinyint(1)', 'false', '0'],
    ['int', '007', '7'],
    ['bigint unsigned', '18446744073709551615', '18446744073709551615'],
    ['date', '2024-02-29', '2024-02-29'],
    ['char(3)', 'ab  ', 'ab'],
    ['double', '1e3', '1000'],
    ["set('a','b','c')", 'c,a', 'a,c'],
    ['varchar(10)', '', ''],
  ];

  it.each(same)('%s: source %j equals database %j (unchanged, not changed)', (sql, source, database) => {
    const columns = [column('id', 'int', { key: true }), column('value', sql)];
    const result = diff(desiredRows(columns, [{ id: 1, value: source }]), columns, 'mirror', [['1', database]]);
    expect(result.counts).toEqual({ insert: 0, update: 0, delete: 0, skip: 0, unchanged: 1 });
  });

  const different: ReadonlyArray<readonly [sql: string, source: unknown, database: string | null]> = [
    ['decimal(10,2)', '10.01', '10.00'],
    ['datetime(3)', '2024-01-01 00:00:00.001', '2024-01-01 00:00:00.000'],
    ['json', '{"a":1}', '{"a": 2}'],
    ['json', '[1,2]', '[2, 1]'],
    ['tinyint(1)', 'true', '0'],
    ['varchar(10)', '', null], // '' is not NULL
    ['varchar(10)', null, ''], // NULL is not ''
    ['text', '', null],
    ['int', 0, null],
    ['varchar(10)', 'ABC', 'abc'], // a non-key value's case is a change even under a _ci collation
  ];

  it.each(different)('%s: source %j differs from database %j (an update)', (sql, source, database) => {
    const columns = [column('id', 'int', { key: true }), column('value', sql, { collation: 'utf8mb4_general_ci' })];
    const result = diff(desiredRows(columns, [{ id: 1, value: source }]), columns, 'upsert', [['1', database]]);
    expect(result.counts).toEqual({ insert: 0, update: 1, delete: 0, skip: 0, unchanged: 0 });
    expect(result.samples.update).toHaveLength(1);
  });

  it('a column not yet in the table reads as NULL: NULL desired is unchanged, a value is an update', () => {
    const columns = [column('id', 'int', { key: true }), column('added_later', 'text', { live: false })];
    const desired = desiredRows(columns, [
      { id: 1, added_later: null },
      { id: 2, added_later: 'x' },
    ]);
    const result = diff(desired, columns, 'upsert', [
      ['1', null],
      ['2', null],
    ]);
    expect(result.counts).toEqual({ insert: 0, update: 1, delete: 0, skip: 0, unchanged: 1 });
    expect(opRows(result.ops).updates).toEqual([['2', 'x']]);
  });
});

describe('row diff: keys under the column collation', () => {
  const keyed = (collation: string) => [column('code', 'varchar(16)', { key: true, collation }), column('n', 'int')];

  it("utf8mb4_general_ci: source 'ABC' matches destination 'abc' and is not a change", () => {
    const columns = keyed('utf8mb4_general_ci');
    const result = diff(desiredRows(columns, [{ code: 'ABC', n: '1' }]), columns, 'mirror', [['abc', '1']]);
    expect(result.counts).toEqual({ insert: 0, update: 0, delete: 0, skip: 0, unchanged: 1 });
    expect(opRows(result.ops)).toEqual({ inserts: [], updates: [], deletes: [] });
  });

  it("utf8mb4_general_ci: 'ABC' with another value is one update (not an insert plus a delete)", () => {
    const columns = keyed('utf8mb4_general_ci');
    const result = diff(desiredRows(columns, [{ code: 'ABC', n: '2' }]), columns, 'mirror', [['abc', '1']]);
    expect(result.counts).toEqual({ insert: 0, update: 1, delete: 0, skip: 0, unchanged: 0 });
    expect(result.samples.update).toEqual([{ before: ['abc', '1'], after: ['ABC', '2'] }]);
  });

  it("utf8mb4_general_ci (PAD SPACE): 'abc  ' matches 'abc'", () => {
    const columns = keyed('utf8mb4_general_ci');
    const result = diff(desiredRows(columns, [{ code: 'abc  ', n: '1' }]), columns, 'mirror', [['abc', '1']]);
    expect(result.counts.unchanged).toBe(1);
  });

  it("utf8mb4_0900_ai_ci: 'ÀBC' matches 'abc' (accent- and case-insensitive)", () => {
    const columns = keyed('utf8mb4_0900_ai_ci');
    const result = diff(desiredRows(columns, [{ code: 'ÀBC', n: '1' }]), columns, 'mirror', [['abc', '1']]);
    expect(result.counts.unchanged).toBe(1);
  });

  it("utf8mb4_bin: 'ABC' and 'abc' are different rows (insert one, delete the other under mirror)", () => {
    const columns = keyed('utf8mb4_bin');
    const result = diff(desiredRows(columns, [{ code: 'ABC', n: '1' }]), columns, 'mirror', [['abc', '1']]);
    expect(result.counts).toEqual({ insert: 1, update: 0, delete: 1, skip: 0, unchanged: 0 });
    expect(opRows(result.ops).inserts).toEqual([['ABC', '1']]);
    expect(result.ops.deletes).toEqual([['abc', '1']]);
  });

  it('a composite key (audience, member) matches each part under its own collation', () => {
    const columns = [
      column('audience', 'varchar(255)', { key: true, constant: 'vip', collation: 'utf8mb4_bin' }),
      column('email', 'varchar(255)', { key: true, collation: 'utf8mb4_general_ci' }),
    ];
    const result = diff(desiredRows(columns, [{ email: 'A@X.COM' }]), columns, 'mirror', [
      ['vip', 'a@x.com'],
      ['VIP', 'a@x.com'], // another audience under a _bin collation: a departed member of nothing we sync
    ]);
    expect(result.counts).toEqual({ insert: 0, update: 0, delete: 1, skip: 0, unchanged: 1 });
    expect(result.ops.deletes).toEqual([['VIP', 'a@x.com']]);
  });
});

describe('row diff: samples', () => {
  const columns = [column('id', 'int', { key: true }), column('v', 'varchar(8)')];
  const ids = Array.from({ length: SAMPLE_LIMIT + 2 }, (_, index) => index + 1);

  it(`keeps at most ${SAMPLE_LIMIT} samples per operation, the first ones, while counting and returning every row`, () => {
    // 7 changed (ids 1..7), 7 added (ids 11..17), 7 removed (ids 21..27)
    const desired = desiredRows(columns, [
      ...ids.map((id) => ({ id, v: 'new' })),
      ...ids.map((id) => ({ id: id + 10, v: 'added' })),
    ]);
    const actual: Row[] = [...ids.map((id): Row => [String(id), 'old']), ...ids.map((id): Row => [String(id + 20), 'gone'])];
    const result = diff(desired, columns, 'mirror', actual);
    expect(result.counts).toEqual({ insert: 7, update: 7, delete: 7, skip: 0, unchanged: 0 });
    expect(result.ops.inserts.count).toBe(7);
    expect(result.ops.updates.count).toBe(7);
    expect(result.ops.deletes).toHaveLength(7);
    expect(result.samples.insert).toEqual(ids.slice(0, SAMPLE_LIMIT).map((id) => [String(id + 10), 'added']));
    expect(result.samples.update).toEqual(
      ids.slice(0, SAMPLE_LIMIT).map((id) => ({ before: [String(id), 'old'], after: [String(id), 'new'] })),
    );
    expect(result.samples.delete).toEqual(ids.slice(0, SAMPLE_LIMIT).map((id) => [String(id + 20), 'gone']));
    expect(result.actualRows).toBe(14);
  });

  it('skipped rows are counted but neither written nor sampled', () => {
    const desired = desiredRows(columns, [...ids.map((id) => ({ id, v: 'new' })), { id: 99, v: 'added' }]);
    const result = diff(desired, columns, 'insert', ids.map((id): Row => [String(id), 'old']));
    expect(result.counts).toEqual({ insert: 1, update: 0, delete: 0, skip: 7, unchanged: 0 });
    expect(opRows(result.ops).updates).toEqual([]);
    expect(result.samples.update).toEqual([]);
  });
});

describe('makeKeyOf', () => {
  it('a single key column: the value folded by its collation', () => {
    const keyOf = makeKeyOf([column('n', 'int'), column('code', 'varchar(16)', { key: true, collation: 'utf8mb4_general_ci' })]);
    expect(keyOf(['1', 'AbC '])).toBe('abc');
    expect(keyOf(['2', 'abc'])).toBe(keyOf(['1', 'ABC']));
  });

  it('a key column without a collation (integers) compares exactly', () => {
    const keyOf = makeKeyOf([column('id', 'bigint', { key: true })]);
    expect(keyOf(['10'])).toBe(10);
    expect(keyOf(['10'])).not.toBe(keyOf(['010']));
  });

  it('a single integer key is its number when exact (15 digits at most), else its text: one key per value', () => {
    const keyOf = makeKeyOf([column('id', 'bigint', { key: true }), column('n', 'int')]);
    const cases: [string | null, string | number][] = [
      ['0', 0],
      ['-5', -5],
      ['999999999999999', 999_999_999_999_999],
      ['-999999999999999', -999_999_999_999_999],
      ['1000000000000000', '1000000000000000'],
      ['9223372036854775807', '9223372036854775807'],
      ['-0', '-0'],
      ['007', '007'],
      ['1.5', '1.5'],
      ['', ''],
      [null, ''],
    ];
    for (const [value, key] of cases) expect(keyOf([value, '1']), String(value)).toBe(key);
  });

  it('composite keys do not collide when a separator appears inside a value', () => {
    const keyOf = makeKeyOf([
      column('a', 'varchar(8)', { key: true, collation: 'utf8mb4_bin' }),
      column('b', 'varchar(8)', { key: true, collation: 'utf8mb4_bin' }),
    ]);
    expect(keyOf(['x,y', 'z'])).not.toBe(keyOf(['x', 'y,z']));
    expect(keyOf(['x","y', 'z'])).not.toBe(keyOf(['x', 'y","z']));
    expect(keyOf(['x', 'y'])).toBe(keyOf(['x', 'y']));
  });

  it('only key columns take part, in column order', () => {
    const columns = [
      column('tenant', 'varchar(8)', { key: true, constant: 'acme', collation: 'utf8mb4_general_ci' }),
      column('value', 'text'),
      column('id', 'int', { key: true }),
    ];
    const keyOf = makeKeyOf(columns);
    expect(keyOf(['ACME', 'one', '1'])).toBe(keyOf(['acme', 'two', '1']));
    expect(keyOf(['acme', 'one', '1'])).not.toBe(keyOf(['acme', 'one', '2']));
  });
});

describe('canonicalRead', () => {
  it.each([
    ['decimal(10,2)', '10.5', '10.50'],
    ['datetime(3)', '2024-01-01 00:00:00', '2024-01-01 00:00:00.000'],
    ['json', '{"b": 1, "a": [1, 2]}', '{"a":[1,2],"b":1}'],
    ['tinyint(1)', '1', '1'],
    ['varchar(8)', '', ''],
    ["enum('Active','Paused')", 'active', 'Active'],
  ])('%s: %j → %j', (sql, value, canonical) => {
    expect(canonicalRead(value, column('c', sql))).toBe(canonical);
  });

  it('a byte string read from a BINARY, VARBINARY or BLOB column is already canonical (never re-encoded)', () => {
    expect(canonicalRead('\u00ff\u0000\u00c3', column('c', 'varbinary(10)'))).toBe('\u00ff\u0000\u00c3');
    expect(canonicalRead('ab\u0000\u0000', column('c', 'binary(4)'))).toBe('ab\u0000\u0000');
    expect(canonicalRead('\u00e9', column('c', 'blob'))).toBe('\u00e9');
  });

  it('NULL stays NULL', () => {
    expect(canonicalRead(null, column('c', 'varchar(8)'))).toBeNull();
    expect(canonicalRead(null, column('c', 'json'))).toBeNull();
  });

  it('a value the type cannot take (a MariaDB zero date) is kept as it is, so it compares as a difference', () => {
    expect(canonicalRead('0000-00-00 00:00:00', column('c', 'datetime'))).toBe('0000-00-00 00:00:00');
  });
});
