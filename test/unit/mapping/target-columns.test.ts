import { describe, expect, it } from 'vitest';
import { mariadbDialect } from '../../../src/dialect/mariadb.js';
import { mysqlDialect } from '../../../src/dialect/mysql.js';
import { createRowMapper } from '../../../src/mapping/map-row.js';
import { AUDIENCE_COLUMN } from '../../../src/manifest/types.js';
import {
  constantColumnsOf,
  constantDiagnostics,
  fieldMappingsOf,
  keyColumnsOf,
  resolveTargetColumns,
  type TargetColumn,
} from '../../../src/mapping/target-columns.js';
import { audienceSync, field, liveTable, POSITION, tableSync } from '../../helpers/plan-builders.js';

const mysql = mysqlDialect('8.0.36');
const mariadb = mariadbDialect('10.11.19-MariaDB-0+deb12u1');

/** name, type sql, isKey, collation, origin — the parts a reader checks by eye. */
function summary(columns: readonly TargetColumn[]) {
  return columns.map((column) => ({
    name: column.name,
    type: column.type.sql,
    isKey: column.isKey,
    collation: column.collation,
    origin: column.origin.kind === 'constant' ? `= ${column.origin.value}` : `<- ${column.origin.from}`,
  }));
}

describe('keyColumnsOf / constantColumnsOf', () => {
  it('a table sync: the primary key; its scope columns are the constants', () => {
    const sync = tableSync('upsert', ['tenant', 'customer_id'], { scope: [{ column: 'tenant', value: 'acme' }] });
    expect(keyColumnsOf(sync)).toEqual(['tenant', 'customer_id']);
    expect(constantColumnsOf(sync)).toEqual([{ column: 'tenant', value: 'acme' }]);
  });

  it('a table sync without scope has no constants', () => {
    expect(constantColumnsOf(tableSync('mirror', ['id']))).toEqual([]);
  });

  it('an audience sync: key is (audience, member key…), `audience` holds the audience name, then the scope', () => {
    const sync = audienceSync('mirror', 'vip', ['region', 'user_id'], { scope: [{ column: 'region', value: 'eu' }] });
    expect(AUDIENCE_COLUMN).toBe('audience');
    expect(keyColumnsOf(sync)).toEqual(['audience', 'region', 'user_id']);
    expect(constantColumnsOf(sync)).toEqual([
      { column: 'audience', value: 'vip' },
      { column: 'region', value: 'eu' },
    ]);
  });
});

describe('fieldMappingsOf', () => {
  it('the declared mapping when there is one', () => {
    const fields = [field('id', 'customer_id', 'bigint'), field('ltv')];
    expect(fieldMappingsOf(tableSync('upsert', ['customer_id'], { fields }), ['id', 'ltv', 'other'])).toBe(fields);
  });

  it('otherwise every source field under its own name, untyped, without transforms', () => {
    expect(fieldMappingsOf(tableSync('upsert', ['id']), ['id', 'Email'])).toEqual([
      { from: 'id', to: 'id', transforms: [], position: POSITION },
      { from: 'Email', to: 'Email', transforms: [], position: POSITION },
    ]);
  });

  it('leaves out source fields named like a constant column (case-insensitively): scope values win', () => {
    const sync = tableSync('mirror', ['tenant', 'id'], { scope: [{ column: 'tenant', value: 'acme' }] });
    expect(fieldMappingsOf(sync, ['Tenant', 'id', 'v']).map((mapping) => mapping.to)).toEqual(['id', 'v']);
    const audience = audienceSync('mirror', 'vip', ['user_id']);
    expect(fieldMappingsOf(audience, ['audience', 'user_id']).map((mapping) => mapping.to)).toEqual(['user_id']);
  });
});

describe('resolveTargetColumns', () => {
  it('a new table: declared types, TEXT when undeclared, VARCHAR(255) for undeclared keys, the default collation on text columns', () => {
    const sync = tableSync('upsert', ['tenant', 'customer_id'], {
      scope: [{ column: 'tenant', value: 'acme' }],
      fields: [
        field('id', 'customer_id', 'bigint'),
        field('ltv_90d', 'ltv', 'decimal(12,2)'),
        field('email', 'email_sha256', undefined, ['trim', 'lowercase', 'sha256']),
        field('code', 'code', 'varchar(16)'),
      ],
    });
    const columns = resolveTargetColumns(sync, sync.fields!, undefined, mysql, 'utf8mb4_0900_ai_ci');
    expect(summary(columns)).toEqual([
      { name: 'tenant', type: 'varchar(255)', isKey: true, collation: 'utf8mb4_0900_ai_ci', origin: '= acme' },
      { name: 'customer_id', type: 'bigint', isKey: true, collation: undefined, origin: '<- id' },
      { name: 'ltv', type: 'decimal(12,2)', isKey: false, collation: undefined, origin: '<- ltv_90d' },
      { name: 'email_sha256', type: 'text', isKey: false, collation: 'utf8mb4_0900_ai_ci', origin: '<- email' },
      { name: 'code', type: 'varchar(16)', isKey: false, collation: 'utf8mb4_0900_ai_ci', origin: '<- code' },
    ]);
    expect(columns.every((column) => column.live === undefined)).toBe(true);
    expect(columns[1]!.declared?.sql).toBe('bigint');
    expect(columns[0]!.declared).toBeUndefined();
    expect(columns[3]!.origin).toEqual({ kind: 'field', from: 'email', transforms: ['trim', 'lowercase', 'sha256'] });
  });

  it('an existing table: live names, live collations, and the live type when the declared one differs', () => {
    const live = liveTable(
      'customer_ltv',
      [
        ['Customer_ID', 'bigint', undefined],
        ['ltv', 'decimal(10,2)', undefined],
        ['code', 'varchar(16)', 'utf8mb4_bin'],
        ['note', 'text', 'utf8mb4_general_ci'],
      ],
      ['Customer_ID'],
    );
    const fields = [
      field('id', 'customer_id', 'bigint'),
      field('ltv', 'ltv', 'decimal(12,2)'), // declared ≠ live: the live type is what the database stores
      field('code'),
      field('note', 'note', 'varchar(64)'),
      field('extra'), // not in the table yet
    ];
    const columns = resolveTargetColumns(tableSync('upsert', ['customer_id'], { fields }), fields, live, mysql, 'utf8mb4_0900_ai_ci');
    expect(summary(columns)).toEqual([
      { name: 'Customer_ID', type: 'bigint', isKey: true, collation: undefined, origin: '<- id' },
      { name: 'ltv', type: 'decimal(10,2)', isKey: false, collation: undefined, origin: '<- ltv' },
      { name: 'code', type: 'varchar(16)', isKey: false, collation: 'utf8mb4_bin', origin: '<- code' },
      { name: 'note', type: 'text', isKey: false, collation: 'utf8mb4_general_ci', origin: '<- note' },
      { name: 'extra', type: 'text', isKey: false, collation: 'utf8mb4_0900_ai_ci', origin: '<- extra' },
    ]);
    expect(columns[1]!.declared?.sql).toBe('decimal(12,2)');
    expect(columns[1]!.live?.columnType).toBe('decimal(10,2)');
    expect(columns[4]!.live).toBeUndefined();
  });

  it('MariaDB: a declared json column stored as longtext keeps the json type (values compared as JSON)', () => {
    const live = liveTable('t', [['id', 'int(11)'], ['payload', 'longtext', 'utf8mb4_bin']], ['id']);
    const fields = [field('id', 'id', 'int'), field('payload', 'payload', 'json')];
    const sync = tableSync('upsert', ['id'], { fields });
    const onMariadb = resolveTargetColumns(sync, fields, live, mariadb, 'utf8mb4_general_ci');
    expect(onMariadb.map((column) => column.type.sql)).toEqual(['int', 'json']);
    expect(onMariadb[1]!.collation).toBe('utf8mb4_bin');
    // On MySQL a longtext column is a longtext column.
    const onMysql = resolveTargetColumns(sync, fields, live, mysql, 'utf8mb4_0900_ai_ci');
    expect(onMysql.map((column) => column.type.sql)).toEqual(['int', 'longtext']);
  });

  it('a live column of a type pssync does not know is compared as text (TEXT, or VARCHAR(255) as a key)', () => {
    const live = liveTable('t', [['id', 'int'], ['shape', 'geometry']], ['id']);
    const fields = [field('id'), field('shape')];
    const columns = resolveTargetColumns(tableSync('upsert', ['id'], { fields }), fields, live, mysql, undefined);
    expect(columns[1]!.live?.columnType).toBe('geometry');
    expect(columns[1]!.type.sql).toBe('text');
  });

  it('an audience sync: `audience` (constant, key) first, then scope, then the fields; the mapper fills the audience name', () => {
    const sync = audienceSync('mirror', 'vip', ['region', 'user_id'], {
      scope: [{ column: 'region', value: 'eu' }],
      fields: [field('user_id', 'user_id', 'varchar(64)'), field('tier')],
    });
    const columns = resolveTargetColumns(sync, sync.fields!, undefined, mysql, 'utf8mb4_0900_ai_ci');
    expect(summary(columns)).toEqual([
      { name: 'audience', type: 'varchar(255)', isKey: true, collation: 'utf8mb4_0900_ai_ci', origin: '= vip' },
      { name: 'region', type: 'varchar(255)', isKey: true, collation: 'utf8mb4_0900_ai_ci', origin: '= eu' },
      { name: 'user_id', type: 'varchar(64)', isKey: true, collation: 'utf8mb4_0900_ai_ci', origin: '<- user_id' },
      { name: 'tier', type: 'text', isKey: false, collation: 'utf8mb4_0900_ai_ci', origin: '<- tier' },
    ]);
    // Constants are written whatever the source says.
    const mapped = createRowMapper(columns)({ user_id: 'u1', tier: 'gold', audience: 'other', region: 'us' });
    expect(mapped).toEqual({ ok: true, values: ['vip', 'eu', 'u1', 'gold'] });
  });

  it('scope columns of a table sync are constants written into every row', () => {
    const sync = tableSync('mirror', ['tenant', 'id'], {
      scope: [{ column: 'tenant', value: 'acme' }],
      fields: [field('id', 'id', 'int'), field('v')],
    });
    const columns = resolveTargetColumns(sync, sync.fields!, undefined, mysql, undefined);
    expect(columns[0]).toMatchObject({ name: 'tenant', isKey: true, origin: { kind: 'constant', value: 'acme' } });
    const mapRow = createRowMapper(columns);
    expect(mapRow({ id: '1', v: 'a' })).toEqual({ ok: true, values: ['acme', '1', 'a'] });
    expect(mapRow({ id: '2', v: null, tenant: 'evil' })).toEqual({ ok: true, values: ['acme', '2', null] });
  });

  it('a source row without its key is rejected by the mapper', () => {
    const fields = [field('id', 'id', 'int'), field('v')];
    const columns = resolveTargetColumns(tableSync('upsert', ['id'], { fields }), fields, undefined, mysql, undefined);
    expect(createRowMapper(columns)({ v: 'x' })).toEqual({
      ok: false,
      problems: [{ code: 'PSSYNC_E_ROW_KEY_MISSING', column: 'id', message: 'key field `id` is missing or NULL' }],
    });
  });
});

describe('scope and audience constants: coerced to the column type once (issue 11)', () => {
  const at = (line: number, path: string) => ({ ...POSITION, line, path });

  it('the canonical value is the origin (what is written, read and deleted); the given one is kept for messages', () => {
    const live = liveTable('ev', [['sc', 'datetime'], ['n', 'int'], ['id', 'int']], ['sc', 'n', 'id']);
    const sync = tableSync('mirror', ['sc', 'n', 'id'], {
      scope: [
        { column: 'sc', value: '2024-01-02T08:34:05+05:30', position: at(9, 'syncs.test.scope.sc') },
        { column: 'n', value: '007' },
      ],
      fields: [field('id', 'id', 'int')],
    });
    const columns = resolveTargetColumns(sync, sync.fields!, live, mysql, undefined);
    expect(columns[0]!.origin).toEqual({ kind: 'constant', value: '2024-01-02 03:04:05', given: '2024-01-02T08:34:05+05:30', position: at(9, 'syncs.test.scope.sc') });
    expect(columns[1]!.origin).toEqual({ kind: 'constant', value: '7', given: '007' });
    expect(constantDiagnostics(sync, columns)).toEqual([]);
    expect(createRowMapper(columns)({ id: '1' })).toEqual({ ok: true, values: ['2024-01-02 03:04:05', '7', '1'] });
  });

  it('a value already canonical has no `given`', () => {
    const sync = tableSync('mirror', ['tenant', 'id'], { scope: [{ column: 'tenant', value: 'acme' }], fields: [field('id', 'id', 'int')] });
    expect(resolveTargetColumns(sync, sync.fields!, undefined, mysql, undefined)[0]!.origin).toEqual({ kind: 'constant', value: 'acme' });
  });

  it('a constant the column cannot hold is one error at its manifest key, naming the column type', () => {
    const live = liveTable('t', [['sc', 'int'], ['id', 'int']], ['sc', 'id']);
    const sync = tableSync('mirror', ['sc', 'id'], { scope: [{ column: 'sc', value: 'x', position: at(12, 'syncs.test.scope.sc') }], fields: [field('id', 'id', 'int')] });
    const columns = resolveTargetColumns(sync, sync.fields!, live, mysql, undefined);
    expect(columns[0]!.origin).toMatchObject({ kind: 'constant', value: 'x' });
    expect(constantDiagnostics(sync, columns)).toEqual([
      {
        code: 'PSSYNC_E_SCOPE',
        severity: 'error',
        sync: 'test_sync',
        message: "scope value \"x\" cannot be stored in column `sc` int: 'x' is not an integer",
        file: POSITION.file,
        line: 12,
        column: POSITION.column,
        path: 'syncs.test.scope.sc',
      },
    ]);
  });

  it('an audience name too long for the audience column (new tables: VARCHAR(255)) is reported at `audience:`', () => {
    const live = liveTable('m', [['audience', 'varchar(4)', 'utf8mb4_general_ci'], ['id', 'int']], ['audience', 'id']);
    const sync = { ...audienceSync('mirror', 'platinum', ['id'], { fields: [field('id', 'id', 'int')] }), audiencePosition: at(8, 'syncs.test.audience') };
    expect(constantColumnsOf(sync)[0]).toEqual({ column: 'audience', value: 'platinum', position: at(8, 'syncs.test.audience') });
    const [problem] = constantDiagnostics(sync, resolveTargetColumns(sync, sync.fields!, live, mysql, undefined));
    expect(problem).toMatchObject({ code: 'PSSYNC_E_SCOPE', line: 8, path: 'syncs.test.audience' });
    expect(problem!.message).toBe('audience name "platinum" cannot be stored in column `audience` varchar(4): 8 characters is longer than varchar(4)');
    const long = audienceSync('mirror', 'x'.repeat(256), ['id'], { fields: [field('id', 'id', 'int')] });
    expect(constantDiagnostics(long, resolveTargetColumns(long, long.fields!, undefined, mysql, undefined))).toHaveLength(1);
  });
});
