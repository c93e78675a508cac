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
  it('splits each added column into type and nullability', () => {
    const change = { kind: 'add_columns' as const, table: 'my`t', columns: [{ name: 'a', definition: 'VARCHAR(255) NOT NULL' }, { name: 'b, c', definition: 'TEXT' }] };
    expect(addedColumnsOf(change)).toEqual({
      table: 'my`t',
      columns: [
        { name: 'a', type: 'VARCHAR(255)', notNull: true },
        { name: 'b, c', type: 'TEXT', notNull: false },
      ],
    });
  });

  it('is undefined for CREATE TABLE', () => {
    expect(addedColumnsOf({ kind: 'create_table', table: 't', columns: [{ name: 'id', definition: 'INT NOT NULL' }], primaryKey: ['id'] })).toBeUndefined();
  });
});

describe('raceMismatch', () => {
  const added = addedColumnsOf({ kind: 'add_columns', table: 't', columns: [{ name: 'note', definition: 'VARCHAR(20)' }, { name: 'n', definition: 'INT NOT NULL' }] })!;

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
