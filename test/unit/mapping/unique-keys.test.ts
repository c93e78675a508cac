/** Unique keys as a sync's writes meet them (pure parts; the server side is in unique-keys integration tests). */
import { describe, expect, it } from 'vitest';
import { approximateCollations } from '../../../src/mapping/collation.js';
import { DesiredRowCollector } from '../../../src/mapping/desired-rows.js';
import { findCollisions, tableKeyProblems, writtenUniqueKeys } from '../../../src/mapping/unique-keys.js';
import type { TableSpec, UniqueKey } from '../../../src/model/table.js';
import { column, liveTable, tableSync } from '../../helpers/plan-builders.js';

const COLUMNS = [column('id', 'int', { key: true }), column('email', 'varchar(100)', { collation: 'utf8mb4_general_ci' }), column('name', 'varchar(50)')];

function table(uniqueKeys: readonly UniqueKey[], extra: Partial<TableSpec> = {}): TableSpec {
  const live = liveTable('users', [['id', 'int'], ['email', 'varchar(100)', 'utf8mb4_general_ci'], ['name', 'varchar(50)'], ['region', 'varchar(10)']], ['id']);
  return { ...live, primaryKeyParts: [{ column: 'id' }], uniqueKeys, ...extra };
}

describe('writtenUniqueKeys', () => {
  it('keys the sync writes a part of, with the parts it does not write', () => {
    const keys = writtenUniqueKeys(table([{ name: 'u_email', parts: [{ column: 'EMAIL' }] }, { name: 'u_region', parts: [{ column: 'email' }, { column: 'region' }] }]), COLUMNS);
    expect(keys.map((key) => [key.name, key.written, key.unwritten])).toEqual([
      ['u_email', [1], []],
      ['u_region', [1], ['region']],
    ]);
    expect(keys[0]!.columns.map((target) => target.isKey)).toEqual([false, true, false]);
  });

  it('skips keys of unwritten columns only, keys holding the whole primary key, and no table', () => {
    expect(writtenUniqueKeys(table([{ name: 'r', parts: [{ column: 'region' }] }, { name: 'pk_too', parts: [{ column: 'id' }, { column: 'email' }] }]), COLUMNS)).toEqual([]);
    expect(writtenUniqueKeys(undefined, COLUMNS)).toEqual([]);
  });
});

describe('tableKeyProblems', () => {
  const sync = tableSync('upsert', ['id']);
  const codes = (live: TableSpec) => tableKeyProblems(sync, COLUMNS, live).map((problem) => [problem.code, problem.message]);

  it('refuses a prefix primary key', () => {
    expect(codes(table([], { primaryKeyParts: [{ column: 'id', prefix: 4 }] }))).toEqual([['PSSYNC_E_PRIMARY_KEY', expect.stringContaining('prefix of column `id` (id(4))')]]);
  });

  it('refuses prefix unique keys over written columns, expressions, and generated columns computed from written ones', () => {
    const live = table([
      { name: 'p', parts: [{ column: 'email', prefix: 3 }] },
      { name: 'fine', parts: [{ column: 'region', prefix: 3 }] },
      { name: 'f', parts: [{}] },
      { name: 'g', parts: [{ column: 'lower_email' }] },
    ]);
    const withGenerated = { ...live, columns: [...live.columns, { name: 'lower_email', columnType: 'varchar(100)', nullable: true, generated: { expression: 'lcase(`email`)' } }] };
    expect(codes(withGenerated)).toEqual([
      ['PSSYNC_E_UNIQUE_KEY', expect.stringMatching(/^unique key `p` .*prefix of column `email` \(email\(3\)\)/)],
      ['PSSYNC_E_UNIQUE_KEY', expect.stringMatching(/^unique key `f` .*an expression/)],
      ['PSSYNC_E_UNIQUE_KEY', expect.stringMatching(/^unique key `g` .*generated column `lower_email`/)],
    ]);
  });

  it('refuses a field mapped onto a generated column, naming it', () => {
    const generated = [COLUMNS[0]!, { ...COLUMNS[1]!, live: { ...COLUMNS[1]!.live!, generated: { expression: '`name` + 1' } } }];
    expect(tableKeyProblems(sync, generated, table([]))).toEqual([expect.objectContaining({ code: 'PSSYNC_E_GENERATED_COLUMN', message: expect.stringContaining('field `email` is mapped onto column `email`') })]);
  });
});

describe('source rows sharing unique values', () => {
  it('the later row is rejected with the earlier line; NULLs never collide; keys compare under the collation', async () => {
    const [key] = writtenUniqueKeys(table([{ name: 'u_email', parts: [{ column: 'email' }] }]), COLUMNS);
    const collector = new DesiredRowCollector(COLUMNS, 10, approximateCollations.reader(), [key!]);
    const accepted: number[] = [];
    const records = [{ id: 1, email: 'a@e.com' }, { id: 2, email: null }, { id: 3, email: 'A@E.COM ' }, { id: 4, email: null }].map((fields, index) => ({ fields, line: index + 2 }));
    await collector.addBatch(records, () => undefined, ({ row }) => accepted.push(row.line));
    expect(accepted).toEqual([2, 3, 5]);
    expect(collector.rejections).toEqual([expect.objectContaining({ line: 4, code: 'PSSYNC_E_ROW_UNIQUE_DUPLICATE', message: expect.stringMatching(/u_email.*line 2.*id=3/) })]);
    expect(collector.rejectedKeys.has(3)).toBe(true);
  });
});

describe('findCollisions', () => {
  const [key] = writtenUniqueKeys(table([{ name: 'u_email', parts: [{ column: 'email' }] }]), COLUMNS);
  const keys = approximateCollations.reader();

  it('a holder with another primary key collides; the row itself does not', () => {
    const planned = [['2', 'X@e.com', 'new'], ['1', 'x@E.com', 'same row']];
    const holder = { row: ['1', 'x@e.com', null], unwritten: [] };
    expect(findCollisions(key!, COLUMNS, keys, planned, [holder])).toEqual([{ planned: planned[0], holder }]);
  });

  it('a holder with NULL in an unwritten part collides with nothing', () => {
    const [partial] = writtenUniqueKeys(table([{ name: 'u', parts: [{ column: 'email' }, { column: 'region' }] }]), COLUMNS);
    const planned = [['2', 'x@e.com', 'new']];
    expect(findCollisions(partial!, COLUMNS, keys, planned, [{ row: ['1', 'x@e.com', null], unwritten: [null] }])).toEqual([]);
    expect(findCollisions(partial!, COLUMNS, keys, planned, [{ row: ['1', 'x@e.com', null], unwritten: ['eu'] }])).toHaveLength(1);
  });
});
