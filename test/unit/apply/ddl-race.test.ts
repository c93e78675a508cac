/** Which "Duplicate column name" (1060) answers are a race another writer won (issue 11). */
import { describe, expect, it } from 'vitest';
import { addedColumnsOf, raceMismatch } from '../../../src/apply/ddl-race.js';
import { mariadbDialect } from '../../../src/dialect/mariadb.js';
import { parseColumnType } from '../../../src/model/column-type.js';
import type { LiveColumn, TableSpec } from '../../../src/model/table.js';

const dialect = mariadbDialect('10.11.19-MariaDB');

function live(...columns: [name: string, type: string, nullable: boolean][]): TableSpec {
  return {
    name: 't',
    primaryKey: ['id'],
    columns: columns.map(([name, columnType, nullable]): LiveColumn => ({ name, columnType, nullable, ...(parseColumnType(columnType) ? { type: parseColumnType(columnType)! } : {}) })),
  };
}

describe('addedColumnsOf', () => {
  it('reads the columns of pssync\'s own ALTER TABLE … ADD COLUMN', () => {
    expect(addedColumnsOf('ALTER TABLE `my``t` ADD COLUMN `a` VARCHAR(255) NOT NULL, ADD COLUMN `b, c` TEXT')).toEqual({
      table: 'my`t',
      columns: [
        { name: 'a', type: 'VARCHAR(255)', notNull: true },
        { name: 'b, c', type: 'TEXT', notNull: false },
      ],
    });
  });

  it('keeps ENUM members whole, whatever they hold', () => {
    expect(addedColumnsOf("ALTER TABLE `t` ADD COLUMN `e` ENUM('x, ADD COLUMN `y` INT','it''s','a\\\\'), ADD COLUMN `z` INT")?.columns).toEqual([
      { name: 'e', type: "ENUM('x, ADD COLUMN `y` INT','it''s','a\\\\')", notNull: false },
      { name: 'z', type: 'INT', notNull: false },
    ]);
  });

  it('is undefined for other DDL', () => {
    expect(addedColumnsOf('CREATE TABLE `t` (\n  `id` INT NOT NULL\n)')).toBeUndefined();
    expect(addedColumnsOf('ALTER TABLE `t` DROP COLUMN `a`')).toBeUndefined();
  });
});

describe('raceMismatch', () => {
  const added = addedColumnsOf('ALTER TABLE `t` ADD COLUMN `note` VARCHAR(20), ADD COLUMN `n` INT NOT NULL')!;

  it('none when every column exists as planned (names compared as MySQL does)', () => {
    expect(raceMismatch(added, live(['id', 'int(11)', false], ['NOTE', 'varchar(20)', true], ['N', 'int(11)', false]), dialect)).toBeUndefined();
  });

  it('a column with another type or nullability, a column still missing, no table', () => {
    expect(raceMismatch(added, live(['id', 'int(11)', false], ['Note', 'int(11)', true], ['n', 'int(11)', false]), dialect)).toBe(
      'the table has column `Note` int(11), not `note` VARCHAR(20) as planned (MySQL column names ignore case)',
    );
    expect(raceMismatch(added, live(['note', 'varchar(20)', true], ['n', 'int(11)', true]), dialect)).toMatch(/column `n` int\(11\), not `n` INT NOT NULL/);
    expect(raceMismatch(added, live(['note', 'varchar(20)', true]), dialect)).toMatch(/column `n` is still missing/);
    expect(raceMismatch(added, undefined, dialect)).toMatch(/does not exist/);
  });
});
