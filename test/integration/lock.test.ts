/**
 * The table lock: one apply per destination table at a time, on a connection of its own.
 * Apply A is held mid-merge by a row lock a test transaction holds, so it surely owns the table
 * lock while apply B starts:
 *   - B fails fast with PSSYNC_E_LOCKED, naming A's lock connection, and writes nothing;
 *   - B with --lock-timeout waits; when A is done, B re-plans: the same desired state is now
 *     "no changes"; a different one is refused as stale (never applied from a stale plan);
 *   - B with a short --lock-timeout gives up after it.
 */
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockName } from '../../src/apply/lock.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { startCli, stagingTables, StatementWatcher, tableRows, writeDataset, type DatasetRow, type RunningCli } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const TABLE = 'locked_target';
const ROWS = 2_000;
const MERGE = new RegExp(`^(INSERT INTO|UPDATE) \`${TABLE}\``);

const manifest = `version: 1
destinations:
  db:
    url: \${TEST_DATABASE_URL}
sources:
  rows:
    kind: csv
    path: \${DATASET}
syncs:
  locked:
    source: rows
    destination: db
    table: ${TABLE}
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, to: id, type: bigint }
      - { from: name, to: name, type: varchar(64) }
      - { from: score, to: score, type: "decimal(10,2)" }
      - { from: note, to: note, type: varchar(64) }
`;

describe(`one apply per table at a time (${dialectOf(db.version)})`, () => {
  const data: Record<'initial' | 'a' | 'b', { file: string; rows: DatasetRow[] }> = {} as never;
  let watcher: StatementWatcher;
  let blocker: mysql.Connection;
  const env = (dataset: 'initial' | 'a' | 'b') => ({ TEST_DATABASE_URL: db.url, DATASET: data[dataset].file });

  beforeAll(async () => {
    for (const [name, variant] of [['initial', 'i'], ['a', 'aa'], ['b', 'bbb']] as const) {
      const file = join(workspace.dir, `${name}.csv`);
      data[name] = { file, rows: writeDataset(file, 1, ROWS, variant) };
    }
    workspace.write('pssync.yaml', manifest);
    watcher = await StatementWatcher.open(db.url, db.name);
    blocker = await mysql.createConnection(db.url);
  });

  afterAll(async () => {
    await watcher?.close();
    await blocker?.end();
  });

  /** Resets the table, then starts apply A towards `dataset`, held mid-merge until `release()`. */
  async function heldApply(dataset: 'a' | 'b'): Promise<{ run: RunningCli; release: () => Promise<void> }> {
    const reset = await workspace.run(['apply', '--auto-approve'], env('initial'));
    expect(reset.code, reset.stderr).toBe(0);
    await blocker.query('BEGIN');
    await blocker.query(`SELECT id FROM ${TABLE} WHERE id = ? FOR UPDATE`, [ROWS / 2]);
    const run = startCli(['apply', '--auto-approve'], { cwd: workspace.dir, env: env(dataset) });
    const release = async () => void (await blocker.query('ROLLBACK'));
    // The merge writes added rows as INSERTs and changed ones as UPDATEs: either one waits here.
    const merge = await watcher.waitFor(MERGE, 1, run.exited);
    if (!merge) await release(); // so one failure does not hold the row lock over the next tests
    expect(merge, run.stderr).toBeDefined();
    return { run, release };
  }

  it('a second apply fails fast with PSSYNC_E_LOCKED, says who holds the lock, and writes nothing', async () => {
    const { run, release } = await heldApply('a');
    try {
      const [holder] = await watcher.query<{ id: number }>('SELECT IS_USED_LOCK(?) AS id', [lockName(db.name, TABLE)]);
      const stagingBefore = await stagingTables(db.query);
      const started = performance.now();
      const second = await workspace.run(['apply', '--auto-approve'], env('b'));
      const seconds = (performance.now() - started) / 1000;
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('PSSYNC_E_LOCKED');
      expect(second.stderr).toContain(`is being applied by another apply on database connection ${holder!.id} (${db.user}@`);
      expect(second.stderr).toContain('--lock-timeout');
      expect(seconds).toBeLessThan(10); // planning included; the lock itself is not waited for
      // B created no staging table (nor dropped A's).
      expect(await stagingTables(db.query)).toEqual(stagingBefore);
    } finally {
      await release();
    }
    const first = await run.exited;
    expect(first.code, first.stderr).toBe(0);
    expect(await tableRows(db.query, TABLE)).toEqual(data.a.rows);
  });

  it('--lock-timeout waits for the other apply; the same desired state is then already there (no changes)', async () => {
    const { run, release } = await heldApply('a');
    const second = startCli(['apply', '--auto-approve', '--lock-timeout', '60'], { cwd: workspace.dir, env: env('a') });
    try {
      await second.waitForStderr(/❯ apply/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(second.running).toBe(true);
    } finally {
      await release();
    }
    const [first, waited] = await Promise.all([run.exited, second.exited]);
    expect(first.code, first.stderr).toBe(0);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toMatch(/✔ locked: no changes/);
    expect(await tableRows(db.query, TABLE)).toEqual(data.a.rows);
    expect(await stagingTables(db.query)).toEqual([]);
  });

  it('--lock-timeout waits; a plan the other apply made stale is refused, never applied; a re-run converges', async () => {
    const { run, release } = await heldApply('a');
    const second = startCli(['apply', '--auto-approve', '--lock-timeout', '60'], { cwd: workspace.dir, env: env('b') });
    try {
      await second.waitForStderr(/❯ apply/);
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await release();
    }
    const [first, waited] = await Promise.all([run.exited, second.exited]);
    expect(first.code, first.stderr).toBe(0);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain('PSSYNC_E_PLAN_STALE');
    expect(waited.stderr).toContain('changed `locked_target` while this one waited for the table lock');
    expect(await tableRows(db.query, TABLE)).toEqual(data.a.rows);
    const again = await workspace.run(['apply', '--auto-approve'], env('b'));
    expect(again.code, again.stderr).toBe(0);
    expect(await tableRows(db.query, TABLE)).toEqual(data.b.rows);
  });

  it('a short --lock-timeout gives up after it, with PSSYNC_E_LOCKED', async () => {
    const { run, release } = await heldApply('a');
    try {
      const started = performance.now();
      const second = await workspace.run(['apply', '--auto-approve', '--lock-timeout', '2'], env('b'));
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('PSSYNC_E_LOCKED');
      expect(second.stderr).toContain('waited 2 s');
      expect(performance.now() - started).toBeGreaterThan(2_000);
    } finally {
      await release();
    }
    expect((await run.exited).code).toBe(0);
    expect(await tableRows(db.query, TABLE)).toEqual(data.a.rows);
  });
});
