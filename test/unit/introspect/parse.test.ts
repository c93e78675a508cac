import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Db, SqlRow, SqlValue } from '../../../src/db/connection.js';
import { introspectTable } from '../../../src/introspect/introspect.js';
import { parseTableSpec, type ColumnRow } from '../../../src/introspect/parse.js';
import type { TableSpec } from '../../../src/model/table.js';

interface Fixture {
  readonly server: { readonly version: string; readonly version_comment: string };
  readonly table: string;
  readonly columns_query: string;
  readonly columns: ColumnRow[];
  readonly primary_key_query: string;
  readonly primary_key: ColumnRow[];
  readonly unique_keys_query: string;
  readonly unique_keys: ColumnRow[];
}

function load(server: 'mysql-8.0' | 'mariadb-10.11' | 'vitess'): Fixture {
  const url = new URL(`../../fixtures/information-schema/${server}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Fixture;
}

function parse(fixture: Fixture): TableSpec {
  const spec = parseTableSpec(fixture.table, fixture.columns, fixture.primary_key, [], fixture.unique_keys);
  if (!spec) throw new Error('no table');
  return spec;
}

/** name | COLUMN_TYPE | family | canonical sql | NULL? | collation */
function describeColumns(spec: TableSpec): string[] {
  return spec.columns.map((column) =>
    [column.name, column.columnType, column.type?.family ?? '?', column.type?.sql ?? '?', column.nullable ? 'null' : 'not null', column.collation ?? '-'].join(' | '),
  );
}

describe('parseTableSpec: MariaDB 10.11 (captured)', () => {
  const spec = parse(load('mariadb-10.11'));

  it('parses every column: display widths dropped (but tinyint(1)), json as longtext, collations kept', () => {
    expect(describeColumns(spec)).toEqual([
      'id | int(11) | integer | int | not null | -',
      'tenant | varchar(16) | varchar | varchar(16) | not null | utf8mb4_bin',
      'small_count | smallint(6) | integer | smallint | null | -',
      'big_count | bigint(20) unsigned | integer | bigint unsigned | null | -',
      'is_active | tinyint(1) | integer | tinyint(1) | not null | -',
      'level | tinyint(4) | integer | tinyint | null | -',
      'price | decimal(12,2) | decimal | decimal(12,2) | null | -',
      'ratio | double | double | double | null | -',
      'score | float | float | float | null | -',
      'code | varchar(32) | varchar | varchar(32) | null | utf8mb4_bin',
      'name | varchar(100) | varchar | varchar(100) | null | utf8mb4_general_ci',
      'country | char(2) | char | char(2) | null | utf8mb4_general_ci',
      'notes | text | text | text | null | utf8mb4_general_ci',
      'payload | longtext | text | longtext | null | utf8mb4_bin',
      'born | date | date | date | null | -',
      'created_at | datetime(3) | datetime | datetime(3) | null | -',
      'updated_at | timestamp | timestamp | timestamp | null | -',
      "status | enum('active','paused','it''s') | enum | enum('active','paused','it''s') | not null | utf8mb4_general_ci",
      "tags | set('a','b','c') | set | set('a','b','c') | null | utf8mb4_general_ci",
    ]);
  });

  it('the composite primary key in index order (not column order)', () => {
    expect(spec.name).toBe('wide_types');
    expect(spec.primaryKey).toEqual(['tenant', 'id']);
  });

  it('unique keys besides the primary key, with their prefixes (SUB_PART)', () => {
    expect(spec.primaryKeyParts).toEqual([{ column: 'tenant' }, { column: 'id' }]);
    expect(spec.uniqueKeys).toEqual([{ name: 'code_name', parts: [{ column: 'code' }, { column: 'name', prefix: 10 }] }]);
    expect(spec.columns.some((column) => column.generated)).toBe(false);
  });

  it('NOT NULL columns without a default need a value on insert (COLUMN_DEFAULT NULL, not the text NULL), but not an ENUM (it gets its first member)', () => {
    expect(spec.columns.filter((column) => column.needsValueOnInsert).map((column) => column.name)).toEqual(['id', 'tenant']);
  });

  it('type details: precision/scale, fsp, unsigned, boolean width, enum members with a quote', () => {
    const byName = new Map(spec.columns.map((column) => [column.name, column.type]));
    expect(byName.get('price')).toMatchObject({ precision: 12, scale: 2, unsigned: false });
    expect(byName.get('created_at')).toMatchObject({ fsp: 3 });
    expect(byName.get('big_count')).toMatchObject({ unsigned: true, keyable: true });
    expect(byName.get('is_active')).toMatchObject({ name: 'tinyint', length: 1 });
    expect(byName.get('level')?.length).toBeUndefined();
    expect(byName.get('status')?.values).toEqual(['active', 'paused', "it's"]);
    expect(byName.get('tags')?.values).toEqual(['a', 'b', 'c']);
    expect(byName.get('payload')).toMatchObject({ keyable: false, maxBytes: 4_294_967_295 });
    expect(byName.get('code')).toMatchObject({ length: 32, keyable: true });
  });
});

describe('parseTableSpec: MySQL 8.0 (hand-written)', () => {
  const spec = parse(load('mysql-8.0'));

  it('parses every column: no display widths, json as json (no collation), 0900 collations', () => {
    expect(describeColumns(spec)).toEqual([
      'id | int | integer | int | not null | -',
      'tenant | varchar(16) | varchar | varchar(16) | not null | utf8mb4_bin',
      'small_count | smallint | integer | smallint | null | -',
      'big_count | bigint unsigned | integer | bigint unsigned | null | -',
      'is_active | tinyint(1) | integer | tinyint(1) | not null | -',
      'level | tinyint | integer | tinyint | null | -',
      'price | decimal(12,2) | decimal | decimal(12,2) | null | -',
      'ratio | double | double | double | null | -',
      'score | float | float | float | null | -',
      'code | varchar(32) | varchar | varchar(32) | null | utf8mb4_bin',
      'name | varchar(100) | varchar | varchar(100) | null | utf8mb4_general_ci',
      'country | char(2) | char | char(2) | null | utf8mb4_0900_ai_ci',
      'notes | text | text | text | null | utf8mb4_0900_ai_ci',
      'payload | json | json | json | null | -',
      'born | date | date | date | null | -',
      'created_at | datetime(3) | datetime | datetime(3) | null | -',
      'updated_at | timestamp | timestamp | timestamp | null | -',
      "status | enum('active','paused','it''s') | enum | enum('active','paused','it''s') | not null | utf8mb4_0900_ai_ci",
      "tags | set('a','b','c') | set | set('a','b','c') | null | utf8mb4_0900_ai_ci",
    ]);
    expect(spec.primaryKey).toEqual(['tenant', 'id']);
  });

  it('the same table on MariaDB and MySQL parses to the same types, except json (longtext on MariaDB)', () => {
    const mariadb = parse(load('mariadb-10.11'));
    const differing = spec.columns
      .map((column, index) => [column.name, column.type?.sql, mariadb.columns[index]!.type?.sql] as const)
      .filter(([, mysqlSql, mariadbSql]) => mysqlSql !== mariadbSql);
    expect(differing).toEqual([['payload', 'json', 'longtext']]);
  });
});

describe('parseTableSpec: Vitess / PlanetScale (hand-written)', () => {
  const fixture = load('vitess');
  const spec = parse(fixture);

  it('parses the MySQL 8.0 forms vtgate reports', () => {
    expect(fixture.server).toEqual({ version: '8.0.31-vitess', version_comment: 'PlanetScale' });
    expect(describeColumns(spec)).toEqual([
      'audience | varchar(255) | varchar | varchar(255) | not null | utf8mb4_0900_ai_ci',
      'user_id | varchar(64) | varchar | varchar(64) | not null | utf8mb4_0900_ai_ci',
      'account_id | bigint unsigned | integer | bigint unsigned | null | -',
      'tier | text | text | text | null | utf8mb4_0900_ai_ci',
      'is_vip | tinyint(1) | integer | tinyint(1) | null | -',
      'ltv | decimal(12,2) | decimal | decimal(12,2) | null | -',
      'traits | json | json | json | null | -',
      'flags | bit(8) | bit | bit(8) | null | -',
      'first_seen | date | date | date | null | -',
      'synced_at | datetime(6) | datetime | datetime(6) | not null | -',
    ]);
    expect(spec.primaryKey).toEqual(['audience', 'user_id']);
  });
});

describe('parseTableSpec: edge cases', () => {
  it('no column rows: the table does not exist', () => {
    expect(parseTableSpec('missing', [], [])).toBeUndefined();
  });

  it('a table without a primary key has an empty key', () => {
    expect(parseTableSpec('t', [['id', 'int', 'YES', null]], [])?.primaryKey).toEqual([]);
  });

  it('a type pssync does not know keeps its COLUMN_TYPE and has no parsed type', () => {
    const spec = parseTableSpec('t', [['shape', 'point', 'YES', null], ['v', 'vector(3)', 'NO', null]], []);
    expect(spec?.columns).toEqual([
      { name: 'shape', columnType: 'point', nullable: true },
      { name: 'v', columnType: 'vector(3)', nullable: false },
    ]);
  });
});

describe('parseTableSpec: generated columns and functional key parts', () => {
  const spec = parseTableSpec(
    't',
    [
      ['id', 'int', 'NO', null, 'auto_increment', ''],
      ['v', 'int', 'YES', null, 'VIRTUAL GENERATED', '`id` * 2'],
      ['s', 'int', 'YES', null, 'STORED GENERATED', '`id` + 1'],
      ['p', 'int', 'YES', null, 'PERSISTENT GENERATED', '`id` + 2'],
      ['at', 'datetime', 'YES', null, 'DEFAULT_GENERATED on update CURRENT_TIMESTAMP', ''],
    ],
    [['id']],
    [],
    [['PRIMARY', 'id', null], ['by_expr', null, null]],
  )!;

  it('VIRTUAL, STORED (MySQL, MariaDB) and PERSISTENT (older MariaDB) GENERATED are generated; auto_increment and DEFAULT_GENERATED are not', () => {
    expect(spec.columns.map((column) => [column.name, column.generated?.expression ?? null])).toEqual([
      ['id', null],
      ['v', '`id` * 2'],
      ['s', '`id` + 1'],
      ['p', '`id` + 2'],
      ['at', null],
    ]);
  });

  it('needing a value on insert: NOT NULL without a default, but not AUTO_INCREMENT or generated; a row without COLUMN_DEFAULT says nothing', () => {
    const columns = parseTableSpec('t', [
      ['id', 'int', 'NO', null, 'auto_increment', '', null],
      ['g', 'int', 'NO', null, 'STORED GENERATED', '`id` + 1', null],
      ['owner', 'varchar(10)', 'NO', null, '', '', null],
      ['kind', 'varchar(10)', 'NO', null, '', '', "'x'"],
      ['note', 'varchar(10)', 'YES', null, '', '', null],
      ['old', 'varchar(10)', 'NO', null, '', ''],
      ['state', "enum('x','y')", 'NO', null, '', '', null],
      ['flags', "set('a','b')", 'NO', null, '', '', null],
    ], [['id']])!.columns;
    expect(columns.filter((column) => column.needsValueOnInsert).map((column) => column.name)).toEqual(['owner', 'flags']);
  });

  it('a functional key part (MySQL 8: COLUMN_NAME NULL) is a part without a column', () => {
    expect(spec.uniqueKeys).toEqual([{ name: 'by_expr', parts: [{}] }]);
  });
});

describe('introspectTable runs the captured queries', () => {
  /** A Db that answers exactly the queries the fixture was captured with, and nothing else. */
  function fixtureDb(fixture: Fixture): Db & { readonly calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      async query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
        calls.push(sql);
        if (params[0] !== fixture.table) return [];
        if (sql === fixture.columns_query) return fixture.columns;
        if (sql === fixture.primary_key_query) return fixture.primary_key;
        if (sql === fixture.unique_keys_query) return fixture.unique_keys;
        throw new Error(`query not in the fixture (re-capture test/fixtures/information-schema): ${sql}`);
      },
      execute: () => Promise.reject(new Error('read-only')),
      close: () => Promise.resolve(),
    };
  }

  it.each(['mysql-8.0', 'mariadb-10.11', 'vitess'] as const)('%s', async (server) => {
    const fixture = load(server);
    const db = fixtureDb(fixture);
    expect(await introspectTable(db, fixture.table)).toEqual(parse(fixture));
    expect(db.calls).toEqual([fixture.columns_query, fixture.primary_key_query, fixture.unique_keys_query]);
  });

  it('a missing table is undefined, without asking for its key', async () => {
    const db = fixtureDb(load('mysql-8.0'));
    expect(await introspectTable(db, 'no_such_table')).toBeUndefined();
    expect(db.calls).toHaveLength(1);
  });
});
