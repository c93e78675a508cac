/** A plan that inserts must give every NOT NULL column without a default a value (sweep finding F1). */
import { describe, expect, it } from 'vitest';
import { unmappedRequiredColumns } from '../../../src/plan/insert-requirements.js';
import type { TableSpec } from '../../../src/model/table.js';
import { audienceSync, column, liveTable, tableSync } from '../../helpers/plan-builders.js';

const COLUMNS = [column('id', 'int', { key: true }), column('name', 'varchar(20)')];

function table(required: readonly string[]): TableSpec {
  const live = liveTable('no_default', [['id', 'int'], ['name', 'varchar(20)'], ['OWNER', 'varchar(10)'], ['kind', 'char(1)']], ['id']);
  return { ...live, columns: live.columns.map((column) => (required.includes(column.name) ? { ...column, nullable: false, needsValueOnInsert: true as const } : column)) };
}

describe('unmappedRequiredColumns', () => {
  it('refuses a plan that inserts, naming every such column with its type and the rows it would insert', () => {
    expect(unmappedRequiredColumns(tableSync('upsert', ['id']), COLUMNS, table(['OWNER', 'kind']), 3)).toEqual([
      expect.objectContaining({
        code: 'PSSYNC_E_REQUIRED_COLUMN',
        severity: 'error',
        line: 7,
        message: expect.stringMatching(/^the plan inserts 3 rows into table `no_default`, which has NOT NULL column\(s\) without a default that the sync does not map: `OWNER` varchar\(10\), `kind` char\(1\); .*use mode update/),
      }),
    ]);
    const [problem] = unmappedRequiredColumns(audienceSync('add', 'vip', ['id']), COLUMNS, table(['kind']), 1);
    expect(problem?.message).toMatch(/^the plan inserts 1 row .*`kind` char\(1\); the server would refuse the INSERT\. Map a field onto it, give it a DEFAULT$/);
  });

  it('lets through plans without inserts (changed rows are UPDATEs), columns the sync maps (names ignore case), and a table to be created', () => {
    expect(unmappedRequiredColumns(tableSync('mirror', ['id']), COLUMNS, table(['OWNER']), 0)).toEqual([]);
    expect(unmappedRequiredColumns(tableSync('upsert', ['id']), [...COLUMNS, column('owner', 'varchar(10)')], table(['OWNER']), 2)).toEqual([]);
    expect(unmappedRequiredColumns(tableSync('upsert', ['id']), COLUMNS, undefined, 2)).toEqual([]);
  });
});
