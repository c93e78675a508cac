import { describe, expect, it } from 'vitest';
import type { Plan, SyncPlan } from '../../../src/plan/plan.js';
import { toPlanJson } from '../../../src/plan/plan-json.js';
import { schemaPlanOf } from '../../../src/plan/schema-diff.js';
import { column, keptRows } from '../../helpers/plan-builders.js';

const COLUMNS = [column('id', 'int', { key: true }), column('name', 'varchar(20)'), column('tier', 'varchar(8)')];

function syncPlan(name: string, extra: Partial<SyncPlan> = {}): SyncPlan {
  return {
    name,
    kind: 'audience',
    audience: 'vip',
    destination: 'db',
    table: 'members',
    mode: 'mirror',
    strategy: 'auto',
    safety: { maxDeletes: 0 },
    columns: COLUMNS,
    schema: schemaPlanOf({ kind: 'add_columns', table: 'members', columns: [{ name: 'tier', definition: 'VARCHAR(8)' }] }),
    rows: {
      ops: { inserts: keptRows([]), updates: keptRows([]), deletes: [['3', 'c', null]] },
      counts: { insert: 1, update: 1, delete: 1, skip: 2, unchanged: 5 },
      samples: { insert: [['1', 'a', 'gold']], update: [{ before: ['2', 'b', 'x'], after: ['2', 'b', null] }], delete: [['3', 'c', null]] },
      actualRows: 7,
    },
    sourceRows: 9,
    rejections: [],
    diagnostics: [
      { code: 'PSSYNC_W_TYPE_MISMATCH', severity: 'warning', sync: name, message: 'careful', file: '/work/project/pssync.yaml', line: 3 },
      { code: 'PSSYNC_E_ROW_VALUE', severity: 'error', sync: name, message: 'bad', file: '/elsewhere/data.csv', line: 4 },
    ],
    fingerprints: { source: 's', schema: 'h', rows: 'r' },
    ...extra,
  } as SyncPlan;
}

function plan(syncs: SyncPlan[]): Plan {
  return {
    manifest: '/work/project/pssync.yaml',
    manifestDigest: 'digest',
    createdAt: '2026-12-04T00:00:00.000Z',
    partial: true,
    destinations: { db: 'identity' },
    syncs,
    tables: [{ destination: 'db', table: 'members', syncs: syncs.map((sync) => sync.name), ddl: syncs[0]!.schema.ddl, notPlanned: ['other'] }],
    diagnostics: [],
  };
}

describe('toPlanJson', () => {
  const json = toPlanJson(plan([syncPlan('vip')]), { version: '9.9.9', baseDir: '/work/project' });

  it('carries the plan header, the selected syncs and the tables with the syncs sharing them', () => {
    expect(json).toMatchObject({
      format_version: '1',
      pssync_version: '9.9.9',
      created_at: '2026-12-04T00:00:00.000Z',
      manifest: { path: 'pssync.yaml', digest: 'digest' },
      partial: true,
      selected_syncs: ['vip'],
      destinations: { db: 'identity' },
      changes: true,
      tables: [{ destination: 'db', table: 'members', syncs: ['vip'], ddl: ['ALTER TABLE `members` ADD COLUMN `tier` VARCHAR(8)'], not_planned: ['other'] }],
      errors: [],
    });
  });

  it('shows counts, samples by column name (updates: the key and only the changed columns) and the delete guard', () => {
    const sync = json.syncs[0]!;
    expect(sync).toMatchObject({ name: 'vip', kind: 'audience', audience: 'vip', rows: { insert: 1, update: 1, delete: 1, skip: 2 }, unchanged: 5, source_rows: 9, destination_rows: 7, rejected_rows: 0 });
    expect(sync.samples).toEqual({
      insert: [{ id: '1', name: 'a', tier: 'gold' }],
      update: [{ key: { id: '2' }, changes: { tier: { before: 'x', after: null } } }],
      delete: [{ id: '3', name: 'c', tier: null }],
    });
    expect(sync.delete_guard).toBe('1 deletes exceed safety.max_deletes (0)');
  });

  it('shows bytes (BINARY, VARBINARY, BLOB) as hex, in samples and changes alike', () => {
    const columns = [column('id', 'int', { key: true }), column('raw', 'varbinary(8)')];
    const rows = { ops: { inserts: keptRows([]), updates: keptRows([]), deletes: [] }, counts: { insert: 1, update: 1, delete: 0, skip: 0, unchanged: 0 }, samples: { insert: [['1', '\u00ff\u0000']], update: [{ before: ['2', 'ab'], after: ['2', null] }], delete: [] }, actualRows: 1 };
    const bytes = toPlanJson(plan([syncPlan('b', { columns, rows })]), { version: '9.9.9', baseDir: '/work/project' }).syncs[0]!;
    expect(bytes.samples.insert).toEqual([{ id: '1', raw: '0xFF00' }]);
    expect(bytes.samples.update).toEqual([{ key: { id: '2' }, changes: { raw: { before: '0x6162', after: null } } }]);
  });

  it('splits warnings from errors, with paths relative to the base directory when inside it', () => {
    const sync = json.syncs[0]!;
    expect(sync.warnings).toEqual([{ code: 'PSSYNC_W_TYPE_MISMATCH', sync: 'vip', message: 'careful', file: 'pssync.yaml', line: 3 }]);
    expect(sync.errors).toEqual([{ code: 'PSSYNC_E_ROW_VALUE', sync: 'vip', message: 'bad', file: '/elsewhere/data.csv', line: 4 }]);
  });

  it('a plan without DDL and row changes has no changes', () => {
    const quiet = syncPlan('q', {
      schema: schemaPlanOf(undefined),
      rows: { ops: { inserts: keptRows([]), updates: keptRows([]), deletes: [] }, counts: { insert: 0, update: 0, delete: 0, skip: 0, unchanged: 3 }, samples: { insert: [], update: [], delete: [] }, actualRows: 3 },
      diagnostics: [],
    });
    expect(toPlanJson(plan([quiet]), { version: '1', baseDir: '/' }).changes).toBe(false);
  });
});
