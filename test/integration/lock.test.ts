/**
 * The table lock: one apply per destination table at a time, on a connection of its own.
 * Apply A is held mid-merge by a row lock a test transaction holds, so it surely owns the table
 * lock while apply B starts:
 *   - B fails fast with PSSYNC_E_LOCKED, naming A's lock connection, and writes nothing;
 *   - B with --lock-timeout waits *before it plans*; when A is done, B plans against A's result:
 *     the same desired state is now "no changes", a different one is applied from a fresh plan;
 *   - B that plans while A runs and A finishes before B asks for the lock (the race that let a
 *     stale plan through) cannot happen: B holds the lock from before its plan;
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

  it('--lock-timeout waits for the other apply before planning; the same desired state is then already there (no changes)', async () => {
    const { run, release } = await heldApply('a');
    const second = startCli(['apply', '--auto-approve', '--lock-timeout', '60'], { cwd: workspace.dir, env: env('a') });
    try {
      await second.waitForStderr(/waiting up to 60 s for another apply on database connection/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(second.running).toBe(true);
      // It waits before planning: no plan has been shown yet.
      expect(second.stderr).not.toMatch(/Plan:|No changes/);
    } finally {
      await release();
    }
    const [first, waited] = await Promise.all([run.exited, second.exited]);
    expect(first.code, first.stderr).toBe(0);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toContain('No changes. The destination matches the manifest.');
    expect(await tableRows(db.query, TABLE)).toEqual(data.a.rows);
    expect(await stagingTables(db.query)).toEqual([]);
  });

  it('--lock-timeout waits; a different desired state is then planned against the other apply\'s result and applied', async () => {
    const { run, release } = await heldApply('a');
    const second = startCli(['apply', '--auto-approve', '--lock-timeout', '60'], { cwd: workspace.dir, env: env('b') });
    try {
      await second.waitForStderr(/waiting up to 60 s for another apply on database connection/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(second.running).toBe(true);
    } finally {
      await release();
    }
    const [first, waited] = await Promise.all([run.exited, second.exited]);
    expect(first.code, first.stderr).toBe(0);
    expect(waited.code, waited.stderr).toBe(0);
    // B's plan was made from A's result ("a" rows → "bbb" rows: every row changes, none added).
    expect(waited.stderr).toContain(`0 to insert, ${ROWS} to update, 0 to delete`);
    expect(await tableRows(db.query, TABLE)).toEqual(data.b.rows);
    const again = await workspace.run(['plan', '--detailed-exitcode'], env('b'));
    expect(again.code, again.stderr).toBe(0);
  });

  it('apply holds the table lock from before its plan reads anything, so no other apply can change the table in between', async () => {
    // The source query sleeps 3 s before its first row: the plan is surely in progress meanwhile.
    await db.query('CREATE TABLE slow_source (id BIGINT PRIMARY KEY, name VARCHAR(64))');
    await db.query("INSERT INTO slow_source VALUES (1, 'one'), (2, 'two')");
    workspace.write(
      'slow.yaml',
      `version: 1
destinations:
  db:
    url: \${TEST_DATABASE_URL}
sources:
  slow:
    kind: mysql
    url: \${TEST_DATABASE_URL}
    query: SELECT s.id, s.name FROM slow_source s JOIN (SELECT SLEEP(3) AS z) AS pause ON pause.z = 0
syncs:
  slow:
    source: slow
    destination: db
    table: slow_target
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, to: id, type: bigint }
      - { from: name, to: name, type: varchar(64) }
`,
    );
    const env = { TEST_DATABASE_URL: db.url };
    const planning = startCli(['apply', '-f', 'slow.yaml', '--auto-approve'], { cwd: workspace.dir, env });
    const sleeping = await watcher.waitFor(/SLEEP\(3\)/, 1, planning.exited);
    expect(sleeping, planning.stderr).toBeDefined();
    const [holder] = await watcher.query<{ id: number | null }>('SELECT IS_USED_LOCK(?) AS id', [lockName(db.name, 'slow_target')]);
    expect(holder?.id, 'the lock is held while the plan reads').not.toBeNull();
    const second = await workspace.run(['apply', '-f', 'slow.yaml', '--auto-approve'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('PSSYNC_E_LOCKED');
    expect(second.stderr).not.toMatch(/Plan:|No changes/); // refused before it planned
    const first = await planning.exited;
    expect(first.code, first.stderr).toBe(0);
    expect(await db.query('SELECT id, name FROM slow_target ORDER BY id')).toEqual([
      { id: '1', name: 'one' },
      { id: '2', name: 'two' },
    ]);
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
