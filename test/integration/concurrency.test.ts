/**
 * Applies at the same time, as two processes:
 *   - on the same table, started at once: one runs; the other is refused (PSSYNC_E_LOCKED) or,
 *     with --lock-timeout, waits; either way the table ends exactly as desired, staging-free;
 *   - on different tables: they do not wait for each other (one finishes while the other is held).
 */
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { startCli, stagingTables, StatementWatcher, tableRows, writeDataset, type DatasetRow } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const ROWS = 8_000;

function manifest(table: string): string {
  return `version: 1
destinations:
  db:
    url: \${TEST_DATABASE_URL}
sources:
  rows:
    kind: csv
    path: \${DATASET}
syncs:
  sync_${table}:
    source: rows
    destination: db
    table: ${table}
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, to: id, type: bigint }
      - { from: name, to: name, type: varchar(64) }
      - { from: score, to: score, type: "decimal(10,2)" }
      - { from: note, to: note, type: varchar(64) }
`;
}

describe(`concurrent applies (${dialectOf(db.version)})`, () => {
  const data: Record<'a' | 'b', { file: string; rows: DatasetRow[] }> = {} as never;
  const env = (dataset: 'a' | 'b') => ({ TEST_DATABASE_URL: db.url, DATASET: data[dataset].file });
  let watcher: StatementWatcher;

  beforeAll(async () => {
    data.a = { file: join(workspace.dir, 'a.csv'), rows: writeDataset(join(workspace.dir, 'a.csv'), 1, ROWS, 'a') };
    data.b = { file: join(workspace.dir, 'b.csv'), rows: writeDataset(join(workspace.dir, 'b.csv'), ROWS / 4, ROWS, 'bb') };
    for (const table of ['same', 'left', 'right']) workspace.write(`${table}.yaml`, manifest(table));
    watcher = await StatementWatcher.open(db.url, db.name);
  });

  afterAll(async () => {
    await watcher?.close();
  });

  it('two applies of one table started at once: one runs, the other is refused with PSSYNC_E_LOCKED or had nothing left to do', async () => {
    for (const dataset of ['a', 'b'] as const) {
      const runs = [0, 1].map(() => startCli(['apply', '-f', 'same.yaml', '--auto-approve', '--allow-deletes'], { cwd: workspace.dir, env: env(dataset) }));
      const results = await Promise.all(runs.map((run) => run.exited));
      for (const result of results) {
        if (result.code !== 0) {
          expect(result.code).toBe(1);
          expect(result.stderr).toContain('PSSYNC_E_LOCKED');
        }
      }
      expect(results.some((result) => result.code === 0)).toBe(true);
      expect(await tableRows(db.query, 'same')).toEqual(data[dataset].rows);
      expect(await stagingTables(db.query)).toEqual([]);
    }
  });

  it('two applies of one table started at once with --lock-timeout: both succeed, one after the other', async () => {
    for (const dataset of ['a', 'b'] as const) {
      const runs = [0, 1].map(() =>
        startCli(['apply', '-f', 'same.yaml', '--auto-approve', '--allow-deletes', '--lock-timeout', '60'], { cwd: workspace.dir, env: env(dataset) }),
      );
      const results = await Promise.all(runs.map((run) => run.exited));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      expect(await tableRows(db.query, 'same')).toEqual(data[dataset].rows);
      expect(await stagingTables(db.query)).toEqual([]);
    }
  });

  it('applies of different tables run in parallel: one completes while the other is held mid-merge', async () => {
    for (const table of ['left', 'right']) {
      const seed = await workspace.run(['apply', '-f', `${table}.yaml`, '--auto-approve'], env('a'));
      expect(seed.code, seed.stderr).toBe(0);
    }
    const blocker = await mysql.createConnection(db.url);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM `left` WHERE id = ? FOR UPDATE', [ROWS / 2]);
      const left = startCli(['apply', '-f', 'left.yaml', '--auto-approve', '--allow-deletes'], { cwd: workspace.dir, env: env('b') });
      expect(await watcher.waitFor(/^INSERT INTO `left`/, 1, left.exited), left.stderr).toBeDefined();
      // `left` holds its table lock and waits on the row lock; `right` has its own lock and finishes.
      const right = await workspace.run(['apply', '-f', 'right.yaml', '--auto-approve', '--allow-deletes'], env('b'));
      expect(right.code, right.stderr).toBe(0);
      expect(left.running).toBe(true);
      expect(await tableRows(db.query, 'right')).toEqual(data.b.rows);
      await blocker.query('ROLLBACK');
      const leftResult = await left.exited;
      expect(leftResult.code, leftResult.stderr).toBe(0);
      expect(await tableRows(db.query, 'left')).toEqual(data.b.rows);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    expect(await stagingTables(db.query)).toEqual([]);
  });
});
