import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../../src/dialect/detect.js';
import { BASE_CAPABILITIES } from '../../../src/dialect/dialect.js';
import { mariadbDialect } from '../../../src/dialect/mariadb.js';
import { mysqlDialect } from '../../../src/dialect/mysql.js';
import { vitessDialect } from '../../../src/dialect/vitess.js';
import { parseColumnType, type ColumnType } from '../../../src/model/column-type.js';

function type(sql: string): ColumnType {
  const parsed = parseColumnType(sql);
  if (!parsed) throw new Error(`bad test type ${sql}`);
  return parsed;
}

/** An error shaped like the ones mysql2 throws. */
function sqlError(errno: number, message: string, code = 'ER_UNKNOWN_ERROR'): Error {
  return Object.assign(new Error(message), { errno, code, sqlState: 'HY000' });
}

describe('dialectFor', () => {
  it.each([
    ['8.0.36', 'MySQL Community Server - GPL', 'mysql'],
    ['8.4.3', 'MySQL Community Server - GPL', 'mysql'],
    ['10.11.19-MariaDB-0+deb12u1', 'Debian 12', 'mariadb'],
    ['11.4.2-MariaDB', 'mariadb.org binary distribution', 'mariadb'],
    ['5.5.5-10.11.6-MariaDB', 'MariaDB Server', 'mariadb'],
    ['8.0.31-vitess', 'PlanetScale', 'vitess'],
    ['8.0.34-Vitess', 'Version: 19.0.4 (Git revision abc) built on …', 'vitess'],
    ['8.0.23', 'PlanetScale', 'vitess'],
  ])('VERSION() %j, @@version_comment %j → %s', (version, comment, name) => {
    const dialect = dialectFor(version, comment);
    expect(dialect.name).toBe(name);
    expect(dialect.version).toBe(version);
  });

  it('an unknown server is treated as MySQL 8, the base dialect', () => {
    expect(dialectFor('', '').name).toBe('mysql');
  });

  it('capabilities: PlanetScale limits everywhere; only MariaDB stores JSON as longtext', () => {
    const mysql = dialectFor('8.0.36', '');
    const mariadb = dialectFor('10.11.19-MariaDB-0+deb12u1', '');
    const vitess = dialectFor('8.0.31-vitess', 'PlanetScale');
    for (const dialect of [mysql, mariadb, vitess]) {
      expect(dialect.caps.maxRowsPerStatement).toBe(100_000);
      expect(dialect.caps.maxTables).toBe(2_048);
      expect(dialect.caps.targetStatementMs).toBeLessThanOrEqual(5_000);
    }
    expect([mysql, mariadb, vitess].map((dialect) => dialect.caps.jsonIsLongtext)).toEqual([false, true, false]);
    expect(BASE_CAPABILITIES.jsonIsLongtext).toBe(false);
  });
});

describe('sameType', () => {
  const mysql = mysqlDialect('8.0.36');
  const mariadb = mariadbDialect('10.11.19-MariaDB-0+deb12u1');
  const vitess = vitessDialect('8.0.31-vitess');

  it('declared json vs live longtext: the same on MariaDB, different on MySQL and Vitess', () => {
    expect(mariadb.sameType(type('json'), type('longtext'))).toBe(true);
    expect(mysql.sameType(type('json'), type('longtext'))).toBe(false);
    expect(vitess.sameType(type('json'), type('longtext'))).toBe(false);
  });

  it('MariaDB: json is not the same as other text types, and longtext declared is not json', () => {
    expect(mariadb.sameType(type('json'), type('text'))).toBe(false);
    expect(mariadb.sameType(type('json'), type('mediumtext'))).toBe(false);
    expect(mariadb.sameType(type('longtext'), type('longtext'))).toBe(true);
  });

  it('integer display widths do not matter; signedness, precision and length do', () => {
    for (const dialect of [mysql, mariadb, vitess]) {
      expect(dialect.sameType(type('int'), type('int(11)'))).toBe(true);
      expect(dialect.sameType(type('bigint unsigned'), type('bigint(20) unsigned'))).toBe(true);
      expect(dialect.sameType(type('boolean'), type('tinyint(1)'))).toBe(true);
      expect(dialect.sameType(type('tinyint'), type('tinyint(1)'))).toBe(false);
      expect(dialect.sameType(type('bigint'), type('bigint unsigned'))).toBe(false);
      expect(dialect.sameType(type('decimal(12,2)'), type('decimal(10,2)'))).toBe(false);
      expect(dialect.sameType(type('varchar(64)'), type('varchar(255)'))).toBe(false);
      expect(dialect.sameType(type('datetime(3)'), type('datetime'))).toBe(false);
    }
  });
});

describe('isDdlRefused', () => {
  const dialects = [mysqlDialect('8.0.36'), mariadbDialect('10.11.19-MariaDB'), vitessDialect('8.0.31-vitess')];

  it('PlanetScale safe migrations: 1105 "direct DDL is disabled"', () => {
    const error = sqlError(
      1105,
      'target: analytics.-.primary: vttablet: rpc error: code = InvalidArgument desc = direct DDL is disabled (errno 1105) (sqlstate HY000) (CallerID: user): Sql: "create table t (id int)"',
    );
    for (const dialect of dialects) expect(dialect.isDdlRefused(error)).toBe(true);
    expect(dialects[2]!.isDdlRefused(sqlError(1105, 'direct DDL is disabled'))).toBe(true);
  });

  it('a user without DDL privileges: 1142 CREATE/ALTER/DROP command denied', () => {
    const create = sqlError(1142, "CREATE command denied to user 'app'@'10.0.0.1' for table 'customer_ltv'", 'ER_TABLEACCESS_DENIED_ERROR');
    const alter = sqlError(1142, "ALTER command denied to user 'app'@'%' for table 'customer_ltv'", 'ER_TABLEACCESS_DENIED_ERROR');
    for (const dialect of dialects) {
      expect(dialect.isDdlRefused(create)).toBe(true);
      expect(dialect.isDdlRefused(alter)).toBe(true);
    }
  });

  it('not a generic 1105, not a DML privilege error, not other failures', () => {
    const generic = sqlError(1105, 'unknown error: vttablet: rpc error: code = Unavailable desc = connection refused');
    const select = sqlError(1142, "SELECT command denied to user 'app'@'%' for table 'customer_ltv'", 'ER_TABLEACCESS_DENIED_ERROR');
    const duplicate = sqlError(1060, "Duplicate column name 'ltv'", 'ER_DUP_FIELDNAME');
    for (const dialect of dialects) {
      expect(dialect.isDdlRefused(generic)).toBe(false);
      expect(dialect.isDdlRefused(select)).toBe(false);
      expect(dialect.isDdlRefused(duplicate)).toBe(false);
      expect(dialect.isDdlRefused(new Error('connect ETIMEDOUT'))).toBe(false);
      expect(dialect.isDdlRefused(null)).toBe(false);
      expect(dialect.isDdlRefused('a string')).toBe(false);
    }
  });
});
