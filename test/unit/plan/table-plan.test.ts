import { describe, expect, it } from 'vitest';
import type { SyncPlan } from '../../../src/plan/plan.js';
import { isRemainderOf, schemaChangeSql, type SchemaChange } from '../../../src/plan/schema-change.js';
import { schemaPlanOf } from '../../../src/plan/schema-diff.js';
import { planTables } from '../../../src/plan/table-plan.js';

const create = (table: string, columns: [string, string][], primaryKey = ['audience', 'user_id']): SchemaChange => ({
  kind: 'create_table',
  table,
  columns: columns.map(([name, definition]) => ({ name, definition })),
  primaryKey,
});
const add = (table: string, columns: [string, string][]): SchemaChange => ({ kind: 'add_columns', table, columns: columns.map(([name, definition]) => ({ name, definition })) });

function sync(name: string, table: string, change?: SchemaChange, destination = 'db'): SyncPlan {
  return { name, table, destination, schema: schemaPlanOf(change), diagnostics: [] } as unknown as SyncPlan;
}

const KEYS: [string, string][] = [['audience', 'VARCHAR(255) NOT NULL'], ['user_id', 'VARCHAR(64) NOT NULL']];

describe('planTables', () => {
  it('merges the CREATE TABLE of syncs sharing a table into one, carried by the first', () => {
    const { syncs, tables } = planTables(
      [
        sync('vip', 'members', create('members', [...KEYS, ['tier', 'VARCHAR(16)']])),
        sync('other', 'others', create('others', KEYS)),
        sync('churn', 'Members', create('Members', [...KEYS, ['risk', 'DECIMAL(4,2)']])),
      ],
      [{ name: 'vip', destination: 'db', table: 'members' }, { name: 'other', destination: 'db', table: 'others' }, { name: 'churn', destination: 'db', table: 'Members' }],
    );
    expect(syncs.map((plan) => plan.name)).toEqual(['vip', 'churn', 'other']);
    expect(syncs[0]!.schema.ddl).toEqual([
      'CREATE TABLE `members` (\n  `audience` VARCHAR(255) NOT NULL,\n  `user_id` VARCHAR(64) NOT NULL,\n  `tier` VARCHAR(16),\n  `risk` DECIMAL(4,2),\n  PRIMARY KEY (`audience`, `user_id`)\n)',
    ]);
    expect(syncs[1]!.schema).toMatchObject({ ddl: [], createsTable: false });
    expect(tables.map((table) => [table.table, table.syncs, table.ddl.length, table.notPlanned])).toEqual([
      ['members', ['vip', 'churn'], 1, []],
      ['others', ['other'], 1, []],
    ]);
  });

  it('merges ADD COLUMN lists; a column both add is added once', () => {
    const { syncs } = planTables([sync('a', 't', add('t', [['x', 'INT']])), sync('b', 't', add('t', [['y', 'TEXT'], ['X', 'INT']]))], []);
    expect(syncs[0]!.schema.ddl).toEqual(['ALTER TABLE `t` ADD COLUMN `x` INT, ADD COLUMN `y` TEXT']);
    expect(syncs[1]!.schema.ddl).toEqual([]);
  });

  it('a column defined differently by two syncs is an error on the later sync, naming both', () => {
    const { syncs } = planTables([sync('a', 't', add('t', [['x', 'INT']])), sync('b', 't', add('t', [['x', 'TEXT']]))], []);
    expect(syncs[0]!.diagnostics).toEqual([]);
    expect(syncs[1]!.diagnostics).toEqual([expect.objectContaining({ code: 'PSSYNC_E_SHARED_TABLE', sync: 'b', message: expect.stringContaining('syncs "a" and "b" share table `t` but define column `x` differently (INT and TEXT)') })]);
  });

  it('names the manifest syncs of a table that a partial plan leaves out; other destinations are other tables', () => {
    const { tables } = planTables([sync('a', 't', add('t', [['x', 'INT']]))], [
      { name: 'a', destination: 'db', table: 't' },
      { name: 'b', destination: 'db', table: 'T' },
      { name: 'c', destination: 'other', table: 't' },
    ]);
    expect(tables).toEqual([{ destination: 'db', table: 't', syncs: ['a'], ddl: ['ALTER TABLE `t` ADD COLUMN `x` INT'], notPlanned: ['b'] }]);
  });
});

describe('isRemainderOf', () => {
  const planned = create('t', [...KEYS, ['tier', 'VARCHAR(16)'], ['risk', 'INT']]);
  it('accepts no change, or columns the planned change adds with the same definition', () => {
    expect(isRemainderOf(undefined, planned)).toBe(true);
    expect(isRemainderOf(add('t', [['RISK', 'int']]), planned)).toBe(true);
    expect(isRemainderOf(planned, planned)).toBe(true);
  });
  it('refuses a column the plan did not add, another definition, or a different CREATE', () => {
    expect(isRemainderOf(add('t', [['other', 'INT']]), planned)).toBe(false);
    expect(isRemainderOf(add('t', [['risk', 'TEXT']]), planned)).toBe(false);
    expect(isRemainderOf(add('t', [['x', 'INT']]), undefined)).toBe(false);
    expect(isRemainderOf(create('t', KEYS), planned)).toBe(false);
    expect(isRemainderOf(planned, add('t', [['tier', 'VARCHAR(16)']]))).toBe(false);
  });
  it('compiles both kinds to SQL in one place', () => {
    expect(schemaChangeSql(add('t`x', [['a`b', 'INT']]))).toBe('ALTER TABLE `t``x` ADD COLUMN `a``b` INT');
  });
});
