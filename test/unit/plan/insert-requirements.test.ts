/** Modes that insert must give every NOT NULL column without a default a value (sweep finding F1). */
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
  it('refuses modes that insert (insert, upsert, mirror, add), naming every such column with its type', () => {
    for (const mode of ['insert', 'upsert', 'mirror'] as const) {
      expect(unmappedRequiredColumns(tableSync(mode, ['id']), COLUMNS, table(['OWNER', 'kind'])), mode).toEqual([
        expect.objectContaining({
          code: 'PSSYNC_E_REQUIRED_COLUMN',
          severity: 'error',
          line: 7,
          message: expect.stringMatching(new RegExp(`^mode ${mode} inserts rows, but table \`no_default\` has NOT NULL column\\(s\\) without a default that the sync does not map: \`OWNER\` varchar\\(10\\), \`kind\` char\\(1\\); .*mode update`)),
        }),
      ]);
    }
    const [problem] = unmappedRequiredColumns(audienceSync('add', 'vip', ['id']), COLUMNS, table(['kind']));
    expect(problem?.message).toMatch(/`kind` char\(1\); map a field onto it, give it a DEFAULT$/);
  });

  it('lets modes that never insert through, and columns the sync maps (names ignore case)', () => {
    expect(unmappedRequiredColumns(tableSync('update', ['id']), COLUMNS, table(['OWNER']))).toEqual([]);
    expect(unmappedRequiredColumns(audienceSync('remove', 'vip', ['id']), COLUMNS, table(['OWNER']))).toEqual([]);
    expect(unmappedRequiredColumns(tableSync('upsert', ['id']), [...COLUMNS, column('owner', 'varchar(10)')], table(['OWNER']))).toEqual([]);
    expect(unmappedRequiredColumns(tableSync('upsert', ['id']), COLUMNS, undefined)).toEqual([]);
  });
});
