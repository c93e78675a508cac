import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../../src/dialect/dialect.js';
import { mariadbDialect } from '../../../src/dialect/mariadb.js';
import { mysqlDialect } from '../../../src/dialect/mysql.js';
import { vitessDialect } from '../../../src/dialect/vitess.js';
import { parseTableSpec, type ColumnRow } from '../../../src/introspect/parse.js';
import type { SyncConfig } from '../../../src/manifest/types.js';
import type { TableSpec } from '../../../src/model/table.js';
import { createTableSql, planSchema, type SchemaPlan } from '../../../src/plan/schema-diff.js';
import { resolveTargetColumns } from '../../../src/mapping/target-columns.js';
import { audienceSync, field, liveTable, POSITION, tableSync } from '../../helpers/plan-builders.js';

const mysql = mysqlDialect('8.0.36');
const mariadb = mariadbDialect('10.11.19-MariaDB-0+deb12u1');
const vitess = vitessDialect('8.0.31-vitess');

function fixture(server: string): TableSpec {
  const url = new URL(`../../fixtures/information-schema/${server}.json`, import.meta.url);
  const data = JSON.parse(readFileSync(url, 'utf8')) as { table: string; columns: ColumnRow[]; primary_key: ColumnRow[] };
  return parseTableSpec(data.table, data.columns, data.primary_key)!;
}

/** Resolves the sync's columns against the live table (as the pipeline does) and plans the schema. */
function plan(sync: SyncConfig, live: TableSpec | undefined, dialect: Dialect = mysql): SchemaPlan {
  const columns = resolveTargetColumns(sync, sync.fields!, live, dialect, 'utf8mb4_0900_ai_ci');
  return planSchema(sync, columns, live, dialect);
}

const codes = (result: SchemaPlan) => result.diagnostics.map((diagnostic) => `${diagnostic.severity} ${diagnostic.code}`);

describe('planSchema: missing table', () => {
  it('plans CREATE TABLE with declared types, TEXT, VARCHAR(255) keys, NOT NULL keys and the primary key', () => {
    const sync = tableSync('upsert', ['tenant', 'customer_id'], {
      scope: [{ column: 'tenant', value: 'acme' }],
      fields: [
        field('id', 'customer_id', 'bigint'),
        field('ltv_90d', 'ltv', 'decimal(12,2)'),
        field('email', 'email_sha256', undefined, ['trim', 'lowercase', 'sha256']),
        field('seen', 'last_seen', 'datetime(3)'),
      ],
    });
    const result = plan(sync, undefined);
    expect(result.ddl).toEqual([
      [
        'CREATE TABLE `customer_ltv` (',
        '  `tenant` VARCHAR(255) NOT NULL,',
        '  `customer_id` BIGINT NOT NULL,',
        '  `ltv` DECIMAL(12,2),',
        '  `email_sha256` TEXT,',
        '  `last_seen` DATETIME(3),',
        '  PRIMARY KEY (`tenant`, `customer_id`)',
        ')',
      ].join('\n'),
    ]);
    expect(result.createsTable).toBe(true);
    expect(result.addedColumns).toEqual(['tenant', 'customer_id', 'ltv', 'email_sha256', 'last_seen']);
    expect(result.diagnostics).toEqual([]);
  });

  it('an undeclared key column is VARCHAR(255) (TEXT cannot be a key without a prefix)', () => {
    const sync = tableSync('mirror', ['email'], { fields: [field('email'), field('name')] });
    expect(plan(sync, undefined).ddl).toEqual([
      'CREATE TABLE `customer_ltv` (\n  `email` VARCHAR(255) NOT NULL,\n  `name` TEXT,\n  PRIMARY KEY (`email`)\n)',
    ]);
  });

  it('an audience table: `audience` column first, key (audience, member key)', () => {
    const sync = audienceSync('mirror', 'vip', ['user_id'], {
      fields: [field('user_id', 'user_id', 'varchar(64)'), field('tier'), field('score', 'score', 'double')],
    });
    expect(plan(sync, undefined).ddl).toEqual([
      [
        'CREATE TABLE `audience_members` (',
        '  `audience` VARCHAR(255) NOT NULL,',
        '  `user_id` VARCHAR(64) NOT NULL,',
        '  `tier` TEXT,',
        '  `score` DOUBLE,',
        '  PRIMARY KEY (`audience`, `user_id`)',
        ')',
      ].join('\n'),
    ]);
  });

  it('the PRIMARY KEY lists the key columns in the declared key order, not in field order', () => {
    // primary_key: [customer_id, day]; the fields happen to list day first.
    const sync = tableSync('upsert', ['customer_id', 'day'], {
      fields: [field('day', 'day', 'date'), field('customer_id', 'customer_id', 'bigint'), field('n', 'n', 'int')],
    });
    const [ddl] = plan(sync, undefined).ddl;
    expect(ddl).toContain('PRIMARY KEY (`customer_id`, `day`)');
  });

  it('enum and set members keep their case in CREATE TABLE (MySQL stores members as declared)', () => {
    const sync = tableSync('upsert', ['id'], {
      fields: [field('id', 'id', 'int'), field('status', 'status', "enum('Active','Paused')"), field('tags', 'tags', "set('Red','blue')")],
    });
    expect(plan(sync, undefined).ddl).toEqual([
      [
        'CREATE TABLE `customer_ltv` (',
        '  `id` INT NOT NULL,',
        "  `status` ENUM('Active','Paused'),",
        "  `tags` SET('Red','blue'),",
        '  PRIMARY KEY (`id`)',
        ')',
      ].join('\n'),
    ]);
  });

  it('createTableSql quotes identifiers (backticks doubled)', () => {
    const sync = tableSync('upsert', ['we`ird'], { table: 'my`table', fields: [field('we`ird', 'we`ird', 'int')] });
    const columns = resolveTargetColumns(sync, sync.fields!, undefined, mysql, undefined);
    expect(createTableSql('my`table', columns, ['we`ird'])).toBe(
      'CREATE TABLE `my``table` (\n  `we``ird` INT NOT NULL,\n  PRIMARY KEY (`we``ird`)\n)',
    );
  });
});

describe('planSchema: existing table', () => {
  const live = liveTable(
    'customer_ltv',
    [
      ['customer_id', 'bigint'],
      ['ltv', 'decimal(12,2)'],
    ],
    ['customer_id'],
  );

  it('nothing to do when every column exists with its declared type', () => {
    const sync = tableSync('upsert', ['customer_id'], { fields: [field('id', 'customer_id', 'bigint'), field('ltv', 'ltv', 'decimal(12,2)')] });
    expect(plan(sync, live)).toEqual({ ddl: [], createsTable: false, addedColumns: [], diagnostics: [] });
  });

  it('missing columns: one ALTER TABLE … ADD COLUMN …, ADD COLUMN … (TEXT unless declared)', () => {
    const sync = tableSync('upsert', ['customer_id'], {
      fields: [field('id', 'customer_id', 'bigint'), field('ltv', 'ltv', 'decimal(12,2)'), field('segment'), field('score', 'score', 'decimal(5,2)')],
    });
    const result = plan(sync, live);
    expect(result.ddl).toEqual(['ALTER TABLE `customer_ltv` ADD COLUMN `segment` TEXT, ADD COLUMN `score` DECIMAL(5,2)']);
    expect(result.createsTable).toBe(false);
    expect(result.addedColumns).toEqual(['segment', 'score']);
    expect(result.diagnostics).toEqual([]);
  });

  it('column names match case-insensitively: no ADD COLUMN for `LTV` when `ltv` exists', () => {
    const sync = tableSync('upsert', ['Customer_Id'], { fields: [field('id', 'Customer_Id', 'bigint'), field('LTV', 'LTV', 'decimal(12,2)')] });
    expect(plan(sync, live)).toEqual({ ddl: [], createsTable: false, addedColumns: [], diagnostics: [] });
  });

  it('declared type ≠ live type: a PSSYNC_W_TYPE_MISMATCH warning, no DDL, and the live type is the effective one', () => {
    const sync = tableSync('upsert', ['customer_id'], { fields: [field('id', 'customer_id', 'bigint'), field('ltv', 'ltv', 'decimal(10,4)')] });
    const columns = resolveTargetColumns(sync, sync.fields!, live, mysql, undefined);
    const result = planSchema(sync, columns, live, mysql);
    expect(result.ddl).toEqual([]);
    expect(result.diagnostics).toEqual([
      {
        sync: 'test_sync',
        file: POSITION.file,
        line: POSITION.line,
        column: POSITION.column,
        code: 'PSSYNC_W_TYPE_MISMATCH',
        severity: 'warning',
        message:
          'column `ltv` is declared decimal(10,4) but is decimal(12,2) in the database; pssync never retypes a column and writes values as decimal(12,2)',
      },
    ]);
    expect(columns[1]!.type.sql).toBe('decimal(12,2)');
  });

  it('integer display widths (MariaDB int(11), bigint(20) unsigned) are not mismatches', () => {
    const spec = fixture('mariadb-10.11');
    const sync = tableSync('upsert', ['tenant', 'id'], {
      table: 'wide_types',
      fields: [
        field('tenant', 'tenant', 'varchar(16)'),
        field('id', 'id', 'int(11)'),
        field('big', 'big_count', 'bigint unsigned'),
        field('flag', 'is_active', 'boolean'),
        field('lvl', 'level', 'tinyint'),
      ],
    });
    expect(plan(sync, spec, mariadb)).toEqual({ ddl: [], createsTable: false, addedColumns: [], diagnostics: [] });
  });

  it('MariaDB: live `longtext` for a declared `json` is not a mismatch (captured MariaDB rows)', () => {
    const spec = fixture('mariadb-10.11');
    const sync = tableSync('upsert', ['tenant', 'id'], {
      table: 'wide_types',
      fields: [field('tenant', 'tenant', 'varchar(16)'), field('id', 'id', 'int'), field('payload', 'payload', 'json')],
    });
    const result = plan(sync, spec, mariadb);
    expect(result.diagnostics).toEqual([]);
    expect(result.ddl).toEqual([]);
  });

  it('MySQL: live `longtext` for a declared `json` is a mismatch', () => {
    const spec = fixture('mariadb-10.11'); // the same table shape, read by a MySQL dialect
    const sync = tableSync('upsert', ['tenant', 'id'], {
      table: 'wide_types',
      fields: [field('tenant', 'tenant', 'varchar(16)'), field('id', 'id', 'int'), field('payload', 'payload', 'json')],
    });
    const result = plan(sync, spec, mysql);
    expect(codes(result)).toEqual(['warning PSSYNC_W_TYPE_MISMATCH']);
    expect(result.diagnostics[0]!.message).toContain('column `payload` is declared json but is longtext in the database');
  });

  it('MySQL 8.0 and Vitess: a live `json` for a declared `json` matches (hand-written rows)', () => {
    const sync = tableSync('upsert', ['tenant', 'id'], {
      table: 'wide_types',
      fields: [field('tenant', 'tenant', 'varchar(16)'), field('id', 'id', 'int'), field('payload', 'payload', 'json')],
    });
    expect(plan(sync, fixture('mysql-8.0'), mysql).diagnostics).toEqual([]);
    const audience = audienceSync('mirror', 'vip', ['user_id'], {
      fields: [field('user_id', 'user_id', 'varchar(64)'), field('traits', 'traits', 'json'), field('segment')],
    });
    const result = plan(audience, fixture('vitess'), vitess);
    expect(result.diagnostics).toEqual([]);
    expect(result.ddl).toEqual(['ALTER TABLE `audience_members` ADD COLUMN `segment` TEXT']);
  });

  it('a live column of an unknown type with a declared type is a mismatch warning', () => {
    const withGeometry = liveTable('t', [['id', 'int'], ['shape', 'point']], ['id']);
    const sync = tableSync('upsert', ['id'], { table: 't', fields: [field('id', 'id', 'int'), field('shape', 'shape', 'text')] });
    expect(codes(plan(sync, withGeometry))).toEqual(['warning PSSYNC_W_TYPE_MISMATCH']);
  });
});

describe('planSchema: primary key refusals', () => {
  const keyedById = liveTable(
    'customer_ltv',
    [
      ['id', 'bigint'],
      ['customer_id', 'bigint'],
      ['ltv', 'decimal(12,2)'],
    ],
    ['id'],
  );
  const fields = [field('customer_id', 'customer_id', 'bigint'), field('ltv', 'ltv', 'decimal(12,2)')];

  it.each(['upsert', 'update', 'mirror'] as const)('%s against a table whose primary key differs → PSSYNC_E_PRIMARY_KEY', (mode) => {
    const result = plan(tableSync(mode, ['customer_id'], { fields }), keyedById);
    expect(result.diagnostics).toEqual([
      {
        sync: 'test_sync',
        file: POSITION.file,
        line: POSITION.line,
        column: POSITION.column,
        code: 'PSSYNC_E_PRIMARY_KEY',
        severity: 'error',
        message: `mode ${mode} matches rows by primary key (customer_id), but table \`customer_ltv\` has (id)`,
      },
    ]);
  });

  it('insert mode does not need the primary key', () => {
    expect(plan(tableSync('insert', ['customer_id'], { fields }), keyedById).diagnostics).toEqual([]);
  });

  it('a table without a primary key is refused for upsert and says so', () => {
    const noKey = liveTable('customer_ltv', [['customer_id', 'bigint'], ['ltv', 'decimal(12,2)']], []);
    const result = plan(tableSync('upsert', ['customer_id'], { fields }), noKey);
    expect(codes(result)).toEqual(['error PSSYNC_E_PRIMARY_KEY']);
    expect(result.diagnostics[0]!.message).toContain('has no primary key');
    expect(plan(tableSync('insert', ['customer_id'], { fields }), noKey).diagnostics).toEqual([]);
  });

  it('a composite key with a superset or subset of the live key is refused', () => {
    const composite = liveTable('customer_ltv', [['tenant', 'varchar(16)'], ['customer_id', 'bigint'], ['ltv', 'decimal(12,2)']], ['tenant', 'customer_id']);
    expect(codes(plan(tableSync('mirror', ['customer_id'], { fields }), composite))).toEqual(['error PSSYNC_E_PRIMARY_KEY']);
    const sync = tableSync('mirror', ['tenant', 'customer_id'], { scope: [{ column: 'tenant', value: 'acme' }], fields });
    expect(plan(sync, composite).diagnostics).toEqual([]);
  });

  it('key column names compare case-insensitively', () => {
    const upper = liveTable('customer_ltv', [['Customer_ID', 'bigint'], ['ltv', 'decimal(12,2)']], ['Customer_ID']);
    expect(plan(tableSync('upsert', ['customer_id'], { fields }), upper).diagnostics).toEqual([]);
  });

  it('a declared key column missing from the table is an error (even for insert)', () => {
    const withoutKey = liveTable('customer_ltv', [['id', 'bigint'], ['ltv', 'decimal(12,2)']], ['id']);
    const result = plan(tableSync('insert', ['customer_id'], { fields }), withoutKey);
    expect(codes(result)).toEqual(['error PSSYNC_E_PRIMARY_KEY']);
    expect(result.diagnostics[0]!.message).toBe(
      'key column `customer_id` does not exist in table `customer_ltv`; pssync cannot add a primary key column to an existing table',
    );
  });

  it('audience syncs match by (audience, member key): the live key must be exactly that', () => {
    const members = liveTable('audience_members', [['audience', 'varchar(255)'], ['user_id', 'varchar(64)']], ['audience', 'user_id']);
    const byUser = liveTable('audience_members', [['audience', 'varchar(255)'], ['user_id', 'varchar(64)']], ['user_id']);
    const memberFields = [field('user_id', 'user_id', 'varchar(64)')];
    expect(plan(audienceSync('mirror', 'vip', ['user_id'], { fields: memberFields }), members).diagnostics).toEqual([]);
    const refused = plan(audienceSync('upsert', 'vip', ['user_id'], { fields: memberFields }), byUser);
    expect(codes(refused)).toEqual(['error PSSYNC_E_PRIMARY_KEY']);
    expect(refused.diagnostics[0]!.message).toContain('(audience, user_id)');
    const noAudienceColumn = liveTable('audience_members', [['user_id', 'varchar(64)']], ['user_id']);
    expect(plan(audienceSync('add', 'vip', ['user_id'], { fields: memberFields }), noAudienceColumn).diagnostics.map((d) => d.message)).toContain(
      'key column `audience` does not exist in table `audience_members`; pssync cannot add a primary key column to an existing table',
    );
  });
});
