import { describe, expect, it } from 'vitest';
import { directInsertSuffix } from '../../../src/apply/direct-sql.js';
import {
  createStagingSql,
  dropTableSql,
  literalsFor,
  mergeDeleteSql,
  mergeInsertSql,
  mergeUpdateSql,
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

  it('mergeInsertSql with overwrite (upsert, mirror): ON DUPLICATE KEY UPDATE every non-key column from VALUES()', () => {
    expect(mergeInsertSql(TABLE, STAGE, COLUMNS, true)).toBe(
      `${SELECT} ON DUPLICATE KEY UPDATE \`name\` = VALUES(\`name\`), \`flags\` = VALUES(\`flags\`), \`payload\` = VALUES(\`payload\`), \`price\` = VALUES(\`price\`)`,
    );
  });

  it('mergeInsertSql without overwrite (insert, add): a duplicate key changes nothing', () => {
    expect(mergeInsertSql(TABLE, STAGE, COLUMNS, false)).toBe(
      `${SELECT} ON DUPLICATE KEY UPDATE \`${TABLE}\`.\`tenant\` = \`${TABLE}\`.\`tenant\``,
    );
  });

  it('mergeInsertSql with key columns only stays valid (a key assigned to itself)', () => {
    const keysOnly = [column('audience', 'varchar(255)', { key: true, constant: 'vip' }), column('user_id', 'varchar(64)', { key: true })];
    expect(mergeInsertSql('audience_members', STAGE, keysOnly, true)).toBe(
      `INSERT INTO \`audience_members\` (\`audience\`, \`user_id\`) SELECT s.\`audience\`, s.\`user_id\` FROM \`${STAGE}\` s WHERE s.\`_pk\` BETWEEN ? AND ? ON DUPLICATE KEY UPDATE \`audience_members\`.\`audience\` = \`audience_members\`.\`audience\``,
    );
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

  it('no statement uses the MySQL-only `AS new` row alias; upserts use the portable VALUES(col)', () => {
    const statements = [
      createStagingSql(STAGE, COLUMNS),
      stagingInsertPrefix(STAGE, COLUMNS),
      mergeInsertSql(TABLE, STAGE, COLUMNS, true),
      mergeInsertSql(TABLE, STAGE, COLUMNS, false),
      mergeUpdateSql(TABLE, STAGE, COLUMNS),
      mergeDeleteSql(TABLE, STAGE, COLUMNS),
      directInsertSuffix(TABLE, COLUMNS, true),
      directInsertSuffix(TABLE, COLUMNS, false),
    ];
    for (const sql of statements) expect(sql).not.toMatch(/\bAS\s+`?new`?\b/i);
    expect(mergeInsertSql(TABLE, STAGE, COLUMNS, true)).toContain('`price` = VALUES(`price`)');
    expect(directInsertSuffix(TABLE, COLUMNS, true)).toContain('`price` = VALUES(`price`)');
  });
});
