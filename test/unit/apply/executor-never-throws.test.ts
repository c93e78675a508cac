/**
 * applyPlan's contract: it returns a RunReport and never throws, whatever fails — the session,
 * the lock, a statement, even a non-Error thrown value — and a failure is reported on its sync.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan, type DestinationSession } from '../../../src/apply/executor.js';
import type { Db } from '../../../src/db/connection.js';
import { mysqlDialect } from '../../../src/dialect/mysql.js';
import type { Plan, SyncPlan } from '../../../src/plan/plan.js';
import { schemaPlanOf } from '../../../src/plan/schema-diff.js';
import { column, keptRows } from '../../helpers/plan-builders.js';

const COLUMNS = [column('id', 'int', { key: true }), column('name', 'varchar(20)')];

function syncPlan(name: string, table: string, extra: Partial<SyncPlan> = {}): SyncPlan {
  return {
    name,
    kind: 'table',
    destination: 'db',
    table,
    mode: 'upsert',
    strategy: 'auto',
    safety: {},
    columns: COLUMNS,
    schema: schemaPlanOf({ kind: 'create_table', table, columns: [{ name: 'id', definition: 'INT NOT NULL' }, { name: 'name', definition: 'VARCHAR(20)' }], primaryKey: ['id'] }),
    rows: {
      ops: { inserts: keptRows([['1', 'a']]), updates: keptRows([]), deletes: [] },
      counts: { insert: 1, update: 0, delete: 0, skip: 0, unchanged: 0 },
      samples: { insert: [], update: [], delete: [] },
      actualRows: 0,
    },
    sourceRows: 1,
    rejections: [],
    diagnostics: [],
    fingerprints: { source: '', schema: '', rows: '' },
    ...extra,
  } as SyncPlan;
}

function plan(syncs: SyncPlan[]): Plan {
  return { manifest: '/nowhere/pssync.yaml', manifestDigest: '', createdAt: '', partial: false, destinations: {}, syncs, tables: [], diagnostics: [] };
}

/** A database whose every call fails with `failure` (an Error, or any thrown value). */
function failingDb(failure: () => unknown): Db {
  return {
    query: async () => {
      throw failure();
    },
    execute: async () => {
      throw failure();
    },
    close: async () => undefined,
  };
}

const session = (db: Db) => async (): Promise<DestinationSession> => ({ db, dialect: mysqlDialect('8.0.36'), database: 'd' });

describe('applyPlan never throws', () => {
  it('reports a destination that cannot be reached as a failed sync', async () => {
    const report = await applyPlan(plan([syncPlan('s', 't')]), async () => {
      throw new Error('connect ECONNREFUSED');
    });
    expect(report.ok).toBe(false);
    expect(report.syncs).toEqual([expect.objectContaining({ name: 's', status: 'failed', error: expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }) })]);
  });

  it('reports a lock query that throws a non-Error value', async () => {
    const report = await applyPlan(plan([syncPlan('s', 't')]), session(failingDb(() => 'plain string')));
    expect(report.syncs[0]).toMatchObject({ status: 'failed', error: { code: 'PSSYNC_E_SQL', message: 'plain string' } });
  });

  it('a failure before the table DDL ran stops the table\'s later syncs, not other tables', async () => {
    let calls = 0;
    const db = failingDb(() => Object.assign(new Error(`refused ${(calls += 1)}`), { errno: 1045 }));
    const report = await applyPlan(plan([syncPlan('a', 't'), syncPlan('b', 't', { schema: schemaPlanOf(undefined) }), syncPlan('c', 'u')]), session(db));
    expect(report.syncs.map((sync) => [sync.name, sync.status])).toEqual([['a', 'failed'], ['b', 'failed'], ['c', 'failed']]);
    // b was not started: it needs the table a was to create.
    expect(report.syncs[1]!.error).toEqual({ code: 'PSSYNC_E_NOT_STARTED', message: 'not started: sync "a" of the same table `t` failed before the table\'s DDL ran' });
    expect(report.syncs[2]!.error?.message).toMatch(/^refused \d/);
  });

  it('reports a rejects file that cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pssync-never-throws-'));
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    const rejected = syncPlan('s', 't', { rejections: [{ line: 2, code: 'PSSYNC_E_ROW_VALUE', message: 'bad', fields: {} } as unknown as SyncPlan['rejections'][number]] });
    const report = await applyPlan(plan([rejected]), session(failingDb(() => new Error('unused'))), { rejectsDir: join(blocker, 'rejects') });
    expect(report.ok).toBe(false);
    expect(report.syncs[0]).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('ENOTDIR') } });
  });
});
