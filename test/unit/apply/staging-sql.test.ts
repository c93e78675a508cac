import { describe, expect, it } from 'vitest';
import {
  derivedFirst,
  derivedRow,
  directDeletePrefix,
  directInsertPrefix,
  directMissingKeysSql,
  directPresentSql,
  directUpdatePrefix,
  directUpdateSuffix,
  UNION_ALL,
} from '../../../src/apply/direct-sql.js';
import {
  createStagingSql,
  dropTableSql,
  literalsFor,
  mergeDeleteSql,
  mergeInsertSql,
  mergePresentSql,
  mergeUpdateSql,
  stagedKeysSql,
  stagingInsertPrefix,
  stagingTuple,
} from '../../../src/apply/staging-sql.js';
import type { TargetColumn } from '../../../src/mapping/target-columns.js';
import { column } from '../../helpers/plan-builders.js';

const STAGE = '_pssync_stage_0123456789ab_deadbeef';
const TABLE = 'customer_ltv';

const COLUMNS: readonly TargetColumn[] = [
  column('tenant', 'varchar(255)', { key: true, constant: 'acme', collation: 'utf8mb4_0900_ai_ci' }),
  column('id', 'bigint', { key: true }),
  column('name', 'varchar(64)', { collation: 'utf8mb4_bin' }),
  column('flags', 'bit(8)'),
  column('payload', 'json'),
  column('price', 'decimal(12,2)'),
];

const KEY_JOIN = 't.`tenant` = s.`tenant` AND t.`id` = s.`id`';

describe('createStagingSql', () => {
  it('the target columns, all nullable, text columns with the target collation, plus `_pk` and `_diff_op`', () => {
    expect(createStagingSql(STAGE, COLUMNS)).toBe(
      [
        `CREATE TABLE \`${STAGE}\` (`,
        '  `_pk` BIGINT NOT NULL,',
        "  `_diff_op` ENUM('added','changed','removed') NOT NULL,",
        '  `tenant` VARCHAR(255) COLLATE utf8mb4_0900_ai_ci NULL,',
        '  `id` BIGINT NULL,',
        '  `name` VARCHAR(64) COLLATE utf8mb4_bin NULL,',
        '  `flags` BIT(8) NULL,',
        '  `payload` JSON NULL,',
        '  `price` DECIMAL(12,2) NULL,',
        '  PRIMARY KEY (`_pk`)',
        ')',
      ].join('\n'),
    );
  });

  it('keeps the case of enum members, so values of a case-sensitive enum column can be staged', () => {
    // With ENUM('ACTIVE','PAUSED') COLLATE utf8mb4_bin the server refuses 'Active' (1265 Data truncated).
    const sql = createStagingSql(STAGE, [column('id', 'int', { key: true }), column('status', "enum('Active','Paused')", { collation: 'utf8mb4_bin' })]);
    expect(sql).toContain("`status` ENUM('Active','Paused') COLLATE utf8mb4_bin NULL");
  });

  it('dropTableSql is idempotent', () => {
    expect(dropTableSql(STAGE)).toBe(`DROP TABLE IF EXISTS \`${STAGE}\``);
  });
});

describe('staging inserts', () => {
  it('stagingInsertPrefix names `_pk`, `_diff_op` and the columns', () => {
    expect(stagingInsertPrefix(STAGE, COLUMNS)).toBe(
      `INSERT INTO \`${STAGE}\` (\`_pk\`, \`_diff_op\`, \`tenant\`, \`id\`, \`name\`, \`flags\`, \`payload\`, \`price\`) VALUES `,
    );
  });

  it('stagingTuple: quoted, escaped strings; numbers and BIT unquoted; NULL', () => {
    const literals = literalsFor(COLUMNS);
    const row = ['acme', '42', "O'Brien \\ \0 \"q\"\n", '255', '{"a":"x\\"y"}', null];
    // Only ' and \ (and NUL, Ctrl-Z) need escaping inside '…'; " and newlines go as they are.
    expect(stagingTuple(7, 'changed', row, literals)).toBe(
      String.raw`(7,'changed','acme',42,'O\'Brien \\ \0 "q"` + '\n' + String.raw`',255,'{"a":"x\\"y"}',NULL)`,
    );
    expect(stagingTuple(1, 'added', ['acme', '1', null, '0', null, '10.00'], literals)).toBe(
      "(1,'added','acme',1,NULL,0,NULL,10.00)",
    );
    expect(stagingTuple(2, 'removed', ['acme', '2', '', null, 'null', '-0.50'], literals)).toBe(
      "(2,'removed','acme',2,'',NULL,'null',-0.50)",
    );
  });

  it('literalsFor: BIT, integers and decimals go unquoted (exact comparisons), everything else escaped', () => {
    const [tenant, id, name, flags, payload, price] = literalsFor(COLUMNS);
    expect(flags!('255')).toBe('255');
    expect(flags!('0')).toBe('0');
    expect(tenant!('acme')).toBe("'acme'");
    expect(id!('42')).toBe('42');
    expect(name!("it's")).toBe(String.raw`'it\'s'`);
    expect(name!('back\\slash')).toBe(String.raw`'back\\slash'`);
    expect(name!('nul\0byte')).toBe(String.raw`'nul\0byte'`);
    expect(payload!('{"k":1}')).toBe(`'{"k":1}'`);
    expect(name!('z\x1az')).toBe(String.raw`'z\Zz'`);
    expect(price!('1.50')).toBe('1.50');
  });
});

describe('merges', () => {
  const SELECT = `INSERT INTO \`${TABLE}\` (\`tenant\`, \`id\`, \`name\`, \`flags\`, \`payload\`, \`price\`) SELECT s.\`tenant\`, s.\`id\`, s.\`name\`, s.\`flags\`, s.\`payload\`, s.\`price\` FROM \`${STAGE}\` s WHERE s.\`_pk\` BETWEEN ? AND ?`;

  it('mergeInsertSql: a plain INSERT … SELECT of one _pk range (a row that appeared since is a duplicate key error, never overwritten)', () => {
    expect(mergeInsertSql(TABLE, STAGE, COLUMNS)).toBe(SELECT);
  });

  it('mergeUpdateSql: UPDATE … INNER JOIN on every key column, SET the non-key columns, one _pk range', () => {
    expect(mergeUpdateSql(TABLE, STAGE, COLUMNS)).toBe(
      `UPDATE \`${TABLE}\` t INNER JOIN \`${STAGE}\` s ON ${KEY_JOIN} SET t.\`name\` = s.\`name\`, t.\`flags\` = s.\`flags\`, t.\`payload\` = s.\`payload\`, t.\`price\` = s.\`price\` WHERE s.\`_pk\` BETWEEN ? AND ?`,
    );
  });

  it('mergeDeleteSql: DELETE … INNER JOIN on every key column (scope included), one _pk range', () => {
    expect(mergeDeleteSql(TABLE, STAGE, COLUMNS)).toBe(
      `DELETE t FROM \`${TABLE}\` t INNER JOIN \`${STAGE}\` s ON ${KEY_JOIN} WHERE s.\`_pk\` BETWEEN ? AND ?`,
    );
  });

  it('identifiers are quoted with doubled backticks', () => {
    const odd = [column('i`d', 'int', { key: true }), column('v', 'text')];
    expect(mergeDeleteSql('my`table', 'st`age', odd)).toBe(
      'DELETE t FROM `my``table` t INNER JOIN `st``age` s ON t.`i``d` = s.`i``d` WHERE s.`_pk` BETWEEN ? AND ?',
    );
  });

  it('the checks after a wrong row count: rows of a _pk range present in the table, and their keys (missing or first)', () => {
    expect(mergePresentSql(TABLE, STAGE, COLUMNS)).toBe(`SELECT COUNT(*) FROM \`${TABLE}\` t INNER JOIN \`${STAGE}\` s ON ${KEY_JOIN} WHERE s.\`_pk\` BETWEEN ? AND ?`);
    expect(stagedKeysSql(TABLE, STAGE, COLUMNS, true, 6)).toBe(
      `SELECT s.\`tenant\`, s.\`id\` FROM \`${STAGE}\` s LEFT JOIN \`${TABLE}\` t ON ${KEY_JOIN} WHERE s.\`_pk\` BETWEEN ? AND ? AND t.\`tenant\` IS NULL ORDER BY s.\`_pk\` LIMIT 6`,
    );
    expect(stagedKeysSql(TABLE, STAGE, COLUMNS, false, 6)).not.toContain('IS NULL');
  });

  it('no statement uses ON DUPLICATE KEY UPDATE on the destination, nor the MySQL-only `AS new` row alias', () => {
    const statements = [
      createStagingSql(STAGE, COLUMNS),
      stagingInsertPrefix(STAGE, COLUMNS),
      mergeInsertSql(TABLE, STAGE, COLUMNS),
      mergeUpdateSql(TABLE, STAGE, COLUMNS),
      mergeDeleteSql(TABLE, STAGE, COLUMNS),
      directInsertPrefix(TABLE, COLUMNS),
      directUpdatePrefix(TABLE) + directUpdateSuffix(COLUMNS),
    ];
    for (const sql of statements) expect(sql).not.toMatch(/\bAS\s+`?new`?\b/i);
    for (const sql of statements.slice(2)) expect(sql).not.toMatch(/ON DUPLICATE KEY/);
  });
});

describe('direct writer SQL', () => {
  const literals = literalsFor(COLUMNS);
  const row = ['acme', '9007199254740993', 'Åsa', '5', '{"a":1}', '1.50'];

  it('changed rows: UPDATE … JOIN a derived table of the rows (UNION ALL), keys matched as the column type and collation', () => {
    const sql = directUpdatePrefix(TABLE) + [derivedFirst(row, COLUMNS, literals), derivedRow(row, literals)].join(UNION_ALL) + directUpdateSuffix(COLUMNS);
    expect(sql).toBe(
      `UPDATE \`${TABLE}\` AS t JOIN (SELECT 'acme' AS \`tenant\`, 9007199254740993 AS \`id\`, 'Åsa' AS \`name\`, 5 AS \`flags\`, '{"a":1}' AS \`payload\`, 1.50 AS \`price\`` +
        ` UNION ALL SELECT 'acme',9007199254740993,'Åsa',5,'{"a":1}',1.50)` +
        ' AS s ON t.`tenant` = CONVERT(s.`tenant` USING utf8mb4) COLLATE utf8mb4_0900_ai_ci AND t.`id` = CAST(s.`id` AS SIGNED)' +
        ' SET t.`name` = s.`name`, t.`flags` = s.`flags`, t.`payload` = s.`payload`, t.`price` = s.`price`',
    );
  });

  it('every key type is converted to the column type before it is compared', () => {
    const keys = (sql: string) => directUpdateSuffix([column('k', sql, { key: true, collation: 'latin1_swedish_ci' }), column('v', 'int')]);
    expect(keys('int unsigned')).toContain('t.`k` = CAST(s.`k` AS UNSIGNED)');
    expect(keys('decimal(12,3)')).toContain('t.`k` = CAST(s.`k` AS DECIMAL(12,3))');
    expect(keys('datetime(6)')).toContain('t.`k` = CAST(s.`k` AS DATETIME(6))');
    expect(keys('timestamp')).toContain('t.`k` = CAST(s.`k` AS DATETIME(0))');
    expect(keys('date')).toContain('t.`k` = CAST(s.`k` AS DATE)');
    expect(keys('time(3)')).toContain('t.`k` = CAST(s.`k` AS TIME(3))');
    expect(keys('varbinary(16)')).toContain('t.`k` = CAST(s.`k` AS BINARY)');
    expect(keys('varchar(20)')).toContain('t.`k` = CONVERT(s.`k` USING latin1) COLLATE latin1_swedish_ci');
    expect(keys('bit(8)')).toContain('t.`k` = s.`k`');
  });

  it('the checks after a wrong row count: keys present, and keys the table lacks', () => {
    const rows = [row, ['acme', '2', 'b', null, null, null]];
    expect(directPresentSql(TABLE, COLUMNS, rows, literals)).toBe(`SELECT COUNT(*) FROM \`${TABLE}\` WHERE (\`tenant\`, \`id\`) IN (('acme',9007199254740993),('acme',2))`);
    expect(directDeletePrefix(TABLE, COLUMNS)).toBe(`DELETE FROM \`${TABLE}\` WHERE (\`tenant\`, \`id\`) IN (`);
    expect(directMissingKeysSql(TABLE, COLUMNS, rows, literals, 6)).toBe(
      `SELECT s.\`tenant\`, s.\`id\` FROM (SELECT 'acme' AS \`tenant\`, 9007199254740993 AS \`id\` UNION ALL SELECT 'acme',2) AS s LEFT JOIN \`${TABLE}\` AS t` +
        ' ON t.`tenant` = CONVERT(s.`tenant` USING utf8mb4) COLLATE utf8mb4_0900_ai_ci AND t.`id` = CAST(s.`id` AS SIGNED) WHERE t.`tenant` IS NULL LIMIT 6',
    );
  });
});
